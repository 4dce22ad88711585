/**
 * Live auction events (server push over SSE, GET /api/auctions/:id/events).
 * EventSource cannot send an Authorization header, so the page first asks POST /api/auctions/:id/events-ticket
 * (bearer token as usual) for a ticket: an HMAC over auction, user id and expiry with the JWT secret, valid
 * TICKET_TTL_MS, only for opening that auction's stream. It travels as `?ticket=`; the request log never records
 * query strings (server/app.ts logs the path only) and it expires within a minute, unlike the bearer token a query
 * parameter would otherwise leak. A cookie would work too but the app is bearer-only (no CSRF surface).
 * The hub is in-process: with several server processes behind a balancer, each pushes the bids it accepted; pages
 * also re-read GET /api/auctions/:id on every event and every 15 s, so a bid accepted elsewhere shows within that.
 */
import crypto from 'node:crypto';
import { EventEmitter } from 'node:events';

export const TICKET_TTL_MS = 60_000;

export interface AuctionEvent {
  type: 'bid' | 'closed' | 'announced' | 'registration';
  auctionId: number;
  seq?: number;
  currentFen?: number | null;
  paddleNo?: string | null;
  closesAt?: string | null;
  status?: string;
  at: string;
}

const hub = new EventEmitter();
hub.setMaxListeners(0); // one listener per open page

export function emitAuctionEvent(e: AuctionEvent): void {
  hub.emit(`auction:${e.auctionId}`, e);
}

export function onAuctionEvent(auctionId: number, fn: (e: AuctionEvent) => void): () => void {
  const name = `auction:${auctionId}`;
  hub.on(name, fn);
  return () => hub.off(name, fn);
}

const sign = (secret: string, payload: string) => crypto.createHmac('sha256', secret).update(`auction-events:${payload}`).digest('base64url');

export function issueTicket(secret: string, auctionId: number, userId: number, now: Date): { ticket: string; expiresAt: string } {
  const exp = now.getTime() + TICKET_TTL_MS;
  const payload = `${auctionId}.${userId}.${exp}`;
  return { ticket: `${payload}.${sign(secret, payload)}`, expiresAt: new Date(exp).toISOString() };
}

/** The user the ticket was issued to, or a reason it is refused. */
export function checkTicket(secret: string, ticket: string, auctionId: number, now: Date): { userId: number } | { refused: string } {
  const parts = ticket.split('.');
  if (parts.length !== 4) return { refused: '票据格式错误 (malformed ticket)' };
  const [aid, user, exp, mac] = parts as [string, string, string, string];
  const expected = sign(secret, `${aid}.${user}.${exp}`);
  if (mac.length !== expected.length || !crypto.timingSafeEqual(Buffer.from(mac), Buffer.from(expected))) return { refused: '票据无效 (invalid ticket)' };
  if (Number(aid) !== auctionId) return { refused: '票据不属于该竞价 (ticket is for another auction)' };
  if (Number(exp) < now.getTime()) return { refused: '票据已过期，请重新获取 (ticket expired)' };
  return { userId: Number(user) };
}
