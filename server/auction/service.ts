/**
 * Official-car auctions (公车拍卖) and state-owned shop leases (国有门面招租), the brief's section 7.2/7.3: the rules
 * of an online ascending auction. The order of the steps (notice, bidding window, close, confirmation, contract,
 * refunds) lives in processes/asset-auction.bpmn; this module keeps the rows and decides bids.
 *
 * Bids on one round are serialised in a database transaction: the round's row is read FOR UPDATE on MySQL/MariaDB
 * (SQLite has one writer at a time and server/db.ts queues write transactions), and every accepted bid takes the
 * next number of the round's dense sequence (unique index). A bid must reach the current price plus the increment
 * (the first bid: the start price). Equal bids: the first one accepted wins; the second no longer reaches the price
 * and is refused (409 BID_TOO_LOW). A bid at or after the closing time is refused (409 AUCTION_CLOSED naming it). A
 * bid within the last N minutes (rule A3 of time-limits.json) moves the closing time to N minutes after that bid.
 */
import { formatYuan } from '../documents/money.ts';
import type { Transaction } from 'sequelize';
import type { Clock } from '../clock.ts';
import type { Database } from '../db.ts';
import type { AuthUser } from '../auth/types.ts';
import { businessDate } from '../calendar/deadlines.ts';
import { createCalendarService } from '../calendar/service.ts';
import { TimeLimits } from '../calendar/time-limits.ts';
import { appendAudit } from '../audit/index.ts';
import { defineAuthModels } from '../auth/models.ts';
import { AppError, notFound } from '../errors.ts';
import { auctionModels, fen, fenNum, iso, type Row } from './models.ts';
import { emitAuctionEvent } from './events.ts';

export const KINDS = ['car', 'shop_lease'] as const;
export type Kind = (typeof KINDS)[number];
export const KIND_LABELS: Record<Kind, string> = { car: '公务用车拍卖', shop_lease: '国有门面招租' };

const limits = new TimeLimits();
const MINUTE = 60_000;

/** Rule A3: the extension window and length in minutes (configuration, with its legal basis, in time-limits.json). */
export function extensionMinutes(at: Date): number {
  const { rule } = limits.rule('A3', businessDate(at));
  if (rule.unit !== 'minutes' || typeof rule.value !== 'number' || rule.value <= 0) throw new Error('time-limits.json: rule A3 must be a positive number of minutes');
  return rule.value;
}

export const isOverseer = (u: AuthUser) => u.roles.includes('supervisor') || u.roles.includes('auditor');
/** The agency staff who run the centre's auctions see the reserve; bidders never do (拍卖法第28条: 保留价保密). */
export const seesReserve = (u: AuthUser) => u.roles.includes('agency') || isOverseer(u);

export async function loadAuction(db: Database, id: number, tx?: Transaction, lock = false) {
  const { Auction, Lot } = auctionModels(db.sequelize);
  const a = await Auction.findByPk(id, { transaction: tx, ...(lock && tx && db.dialect === 'mysql' ? { lock: tx.LOCK.UPDATE } : {}) });
  if (!a) throw notFound('竞价 (auction)', String(id));
  const lot = await Lot.findByPk(a.get('lotId') as number, { transaction: tx });
  return { a, lot: lot! };
}

/** registration | bidding | closing (closing time passed, result not yet recorded) | the stored status otherwise. */
export function phase(a: Row, now: Date): string {
  const status = a.get('status') as string;
  if (status !== 'announced') return status;
  if (now.getTime() < (a.get('startsAt') as Date).getTime()) return 'registration';
  return now.getTime() < (a.get('closesAt') as Date).getTime() ? 'bidding' : 'closing';
}

// The bidder reads 元 (the API field stays integer fen, named in the details).
const bidTooLow = (minFen: bigint, currentFen: bigint | null) =>
  new AppError(409, 'BID_TOO_LOW',
    `出价须不低于 ${formatYuan(minFen)} 元（${currentFen === null ? '起拍价' : `当前价 ${formatYuan(currentFen)} 元 + 加价幅度`}）。同价出价以先被系统接受者为准，后到的同价出价因不再高于当前价而被拒绝 ` +
    `(a bid must be at least ${formatYuan(minFen)} yuan${currentFen === null ? ', the start price' : `: the current price ${formatYuan(currentFen)} plus the increment`}; of equal bids the first accepted wins, a later equal bid no longer exceeds the price)`,
    [{ path: 'amountFen', reason: `至少 ${minFen} 分 (minimum ${minFen} fen)` }]);

export interface BidOutcome {
  seq: number;
  amountFen: number;
  closesAt: string;
  extended: boolean;
  paddleNo: string;
}

export async function placeBid(db: Database, clock: Clock, auctionId: number, user: AuthUser, amountFen: number): Promise<BidOutcome> {
  const { Registration, Bid } = auctionModels(db.sequelize);
  const amount = BigInt(amountFen);
  const out = await db.withTransaction(async (tx) => {
    const { a } = await loadAuction(db, auctionId, tx, true);
    // The clock is read after the lock: a bid is judged at the moment it gets its turn, not when it arrived.
    const now = clock.now();
    const closesAt = a.get('closesAt') as Date | null;
    const p = phase(a, now);
    if (p === 'registration' || p === 'listed') {
      throw new AppError(409, 'AUCTION_NOT_OPEN', `竞价尚未开始${a.get('startsAt') ? `，开始时间 ${iso(a.get('startsAt'))}` : ''} (bidding has not started)`);
    }
    if (p !== 'bidding') {
      const at = iso(closesAt) ?? '';
      throw new AppError(409, 'AUCTION_CLOSED', `竞价已于 ${at} 截止，出价无效 (bidding closed at ${at})`, [{ path: 'closesAt', reason: at }]);
    }
    const reg = await Registration.findOne({ where: { auctionId, username: user.username }, transaction: tx });
    if (!reg || reg.get('status') !== 'confirmed') {
      throw new AppError(403, 'NOT_ADMITTED', '未报名或保证金未经确认，不能出价 (not registered, or the deposit is not confirmed)');
    }
    const current = fen(a.get('currentFen'));
    if (current !== null && a.get('leaderRegistrationId') === reg.get('id')) {
      throw new AppError(409, 'ALREADY_LEADING', `您已是当前最高出价者（${current} 分），无需加价 (you already hold the highest bid)`);
    }
    const min = current === null ? fen(a.get('startFen'))! : current + fen(a.get('incrementFen'))!;
    if (amount < min) throw bidTooLow(min, current);
    const seq = (a.get('bidSeq') as number) + 1;
    const windowMs = extensionMinutes(now) * MINUTE;
    const extended = closesAt!.getTime() - now.getTime() <= windowMs;
    const newClose = extended ? new Date(now.getTime() + windowMs) : closesAt!;
    await Bid.create({ auctionId, seq, registrationId: reg.get('id'), amountFen: amount.toString(), at: now, closesAt: newClose }, { transaction: tx });
    await a.update({
      currentFen: amount.toString(), leaderRegistrationId: reg.get('id'), bidSeq: seq, closesAt: newClose,
      extensions: (a.get('extensions') as number) + (extended ? 1 : 0), updatedAt: now,
    }, { transaction: tx });
    return { seq, amountFen: Number(amount), closesAt: newClose.toISOString(), extended, paddleNo: reg.get('paddleNo') as string, at: now };
  });
  emitAuctionEvent({ type: 'bid', auctionId, seq: out.seq, currentFen: out.amountFen, paddleNo: out.paddleNo, closesAt: out.closesAt, at: out.at.toISOString() });
  const { at: _at, ...rest } = out;
  return rest;
}

export interface CloseOutcome {
  closed: boolean;
  sold: boolean;
  closesAt: string;
  priceFen: number | null;
}

/**
 * Closes the round when its (possibly extended) closing time has passed: the highest bid wins if it reaches the
 * reserve, otherwise the lot is unsold (流拍). Before that it reports the current closing time (the model waits again).
 * Non-winners' deposits get their refund due date (rule A4); the winner's deposit turns into part-payment (car) or
 * the lease's security deposit (shop).
 */
export async function closeAuction(db: Database, clock: Clock, auctionId: number): Promise<CloseOutcome> {
  const { Registration, Result } = auctionModels(db.sequelize);
  const calendar = createCalendarService(db, clock);
  const out = await db.withTransaction(async (tx) => {
    const { a, lot } = await loadAuction(db, auctionId, tx, true);
    const now = clock.now();
    const closesAt = (a.get('closesAt') as Date).toISOString();
    const existing = await Result.findOne({ where: { auctionId }, transaction: tx });
    if (existing) return { closed: true, sold: existing.get('outcome') === 'sold', closesAt, priceFen: fenNum(existing.get('priceFen')), fresh: false };
    if (phase(a, now) !== 'closing') return { closed: false, sold: false, closesAt, priceFen: null, fresh: false };
    const current = fen(a.get('currentFen'));
    const sold = current !== null && current >= fen(lot.get('reserveFen'))!;
    const winner = sold ? (a.get('leaderRegistrationId') as number) : null;
    const closedAt = new Date(closesAt);
    await Result.create({
      auctionId, outcome: sold ? 'sold' : 'unsold', winnerRegistrationId: winner, priceFen: sold ? current!.toString() : null, closedAt,
      confirmationNo: sold ? `${String(lot.get('lotNo'))}-${String(a.get('roundNo'))}-QR` : null,
    }, { transaction: tx });
    const refundDue = (await calendar.deadline('A4', closedAt, tx)).dueDate;
    for (const r of await Registration.findAll({ where: { auctionId }, transaction: tx })) {
      if (r.get('id') === winner) await r.update({ status: 'won' }, { transaction: tx });
      else if (r.get('status') === 'confirmed') await r.update({ refundDueDate: refundDue }, { transaction: tx });
    }
    await a.update({ status: sold ? 'sold' : 'unsold', updatedAt: now }, { transaction: tx });
    await appendAudit(tx, {
      at: now, actor: null, action: sold ? 'auction.sold' : 'auction.unsold', objectType: 'auction', objectId: String(auctionId),
      summary: { after: { priceFen: sold ? current!.toString() : null, bids: a.get('bidSeq') as number, closesAt } },
    });
    return { closed: true, sold, closesAt, priceFen: sold ? Number(current) : null, fresh: true };
  });
  if (out.fresh) emitAuctionEvent({ type: 'closed', auctionId, status: out.sold ? 'sold' : 'unsold', currentFen: out.priceFen, closesAt: out.closesAt, at: clock.now().toISOString() });
  const { fresh: _f, ...rest } = out;
  return rest;
}

/** Records the refund of every non-winner's confirmed deposit (the centre's deposit account pays it back). */
export async function refundDeposits(db: Database, clock: Clock, auctionId: number): Promise<number> {
  const { Registration } = auctionModels(db.sequelize);
  return db.withTransaction(async (tx) => {
    const now = clock.now();
    let n = 0;
    for (const r of await Registration.findAll({ where: { auctionId, status: 'confirmed' }, transaction: tx })) {
      if (r.get('refundedAt')) continue;
      await r.update({ status: 'refunded', refundedAt: now, refundFen: String(r.get('depositFen')) }, { transaction: tx });
      await appendAudit(tx, {
        at: now, actor: null, action: 'auction.deposit_refunded', objectType: 'auction_registration', objectId: String(r.get('id')),
        summary: { after: { auctionId, refundFen: String(r.get('depositFen')) } },
      });
      n++;
    }
    return n;
  });
}

// ---- presentation --------------------------------------------------------------------------------------------------

export function presentLot(lot: Row, showReserve: boolean) {
  return {
    lotId: lot.get('id') as number,
    lotNo: lot.get('lotNo') as string,
    kind: lot.get('kind') as Kind,
    kindLabel: KIND_LABELS[lot.get('kind') as Kind],
    title: lot.get('title') as string,
    consignorName: lot.get('consignorName') as string,
    details: JSON.parse(String(lot.get('detailsJson'))) as Record<string, unknown>,
    appraisalFen: fenNum(lot.get('appraisalFen'))!,
    reserveFen: showReserve ? fenNum(lot.get('reserveFen')) : null,
    leaseTermYears: (lot.get('leaseTermYears') as number | null) ?? null,
  };
}

export function presentAuction(a: Row, lot: Row, user: AuthUser, now: Date) {
  return {
    auctionId: a.get('id') as number,
    roundNo: a.get('roundNo') as number,
    status: a.get('status') as string,
    phase: phase(a, now),
    lot: presentLot(lot, seesReserve(user)),
    /** For a shop lease every price is the yearly rent (元/年) in fen. */
    priceUnit: lot.get('kind') === 'shop_lease' ? 'fen_per_year' : 'fen',
    startFen: fenNum(a.get('startFen'))!,
    incrementFen: fenNum(a.get('incrementFen'))!,
    depositFen: fenNum(a.get('depositFen'))!,
    currentFen: fenNum(a.get('currentFen')),
    bidCount: a.get('bidSeq') as number,
    extensions: a.get('extensions') as number,
    announcedAt: iso(a.get('announcedAt')),
    viewingFrom: iso(a.get('viewingFrom')),
    viewingTo: iso(a.get('viewingTo')),
    startsAt: iso(a.get('startsAt')),
    plannedCloseAt: iso(a.get('plannedCloseAt')),
    closesAt: iso(a.get('closesAt')),
    instanceId: (a.get('instanceId') as string | null) ?? null,
    serverTime: now.toISOString(),
  };
}

// ---- document data (templates 21 auction-notice, 22 auction-confirmation, 23 lease-contract) ------------------------

const DETAIL_LABELS: Record<string, string> = {
  plate: '号牌', vin: '车辆识别代号', model: '品牌型号', registered: '初次登记', mileageKm: '行驶里程（公里）', address: '地址', areaM2: '面积（平方米）', use: '用途限制',
};

async function documentBasics(db: Database, auctionId: number) {
  const { a, lot } = await loadAuction(db, auctionId);
  const { Organisation } = defineAuthModels(db.sequelize);
  const agency = lot.get('agencyOrgId') ? await Organisation.findByPk(lot.get('agencyOrgId') as number) : null;
  const details = Object.entries(JSON.parse(String(lot.get('detailsJson'))) as Record<string, unknown>)
    .slice(0, 30).map(([k, v]) => ({ label: (DETAIL_LABELS[k] ?? k).slice(0, 50), value: String(v).slice(0, 500) }));
  const term = lot.get('leaseTermYears') as number | null;
  return {
    a, lot,
    lotData: {
      lotNo: lot.get('lotNo') as string, roundNo: a.get('roundNo') as number, kind: lot.get('kind') as string, title: lot.get('title') as string,
      consignorName: lot.get('consignorName') as string, appraisalFen: fenNum(lot.get('appraisalFen'))!, ...(term ? { leaseTermYears: term } : {}),
      ...(details.length ? { details } : {}),
    },
    agency: { name: agency?.name ?? '涪城区公共资源交易中心' },
  };
}

/** The data object of one of the auction's documents, as the model's generate-document step takes it. */
export async function auctionDocumentData(db: Database, auctionId: number, which: string): Promise<Record<string, unknown>> {
  const { Registration, Result } = auctionModels(db.sequelize);
  const { a, lotData, agency } = await documentBasics(db, auctionId);
  const at = (k: string) => (a.get(k) as Date).toISOString();
  if (which === 'notice') {
    return {
      lot: lotData, agency, noticeDate: businessDate(a.get('announcedAt') as Date), startFen: fenNum(a.get('startFen')), incrementFen: fenNum(a.get('incrementFen')),
      depositFen: fenNum(a.get('depositFen')), hasReserve: true, viewingFrom: at('viewingFrom'), viewingTo: at('viewingTo'), startsAt: at('startsAt'),
      closesAt: at('plannedCloseAt'), extensionMinutes: extensionMinutes(a.get('announcedAt') as Date), medium: '绵阳市公共资源交易网',
    };
  }
  const result = await Result.findOne({ where: { auctionId } });
  if (!result || result.get('outcome') !== 'sold') throw new Error(`auction ${auctionId} has no sale`);
  const winner = await Registration.findByPk(result.get('winnerRegistrationId') as number);
  if (which === 'confirmation') {
    return {
      lot: lotData, agency, confirmationNo: result.get('confirmationNo') as string, confirmationDate: businessDate(result.get('closedAt') as Date),
      buyer: { name: winner!.get('bidderName') as string, paddleNo: winner!.get('paddleNo') as string }, priceFen: fenNum(result.get('priceFen')),
      depositFen: fenNum(winner!.get('depositFen')), startsAt: at('startsAt'), closedAt: (result.get('closedAt') as Date).toISOString(),
      bidCount: a.get('bidSeq') as number, extensions: a.get('extensions') as number,
    };
  }
  if (which === 'lease-contract') {
    const c = JSON.parse(String(result.get('contractJson') ?? 'null')) as Record<string, unknown> | null;
    if (!c || c.type !== 'lease') throw new Error(`auction ${auctionId} has no lease contract recorded`);
    return {
      lot: lotData, agency, contractNo: c.contractNo, signedDate: c.signedDate, lessee: { name: c.buyer }, rentPerYearFen: c.rentPerYearFen, termYears: c.termYears,
      leaseStartDate: c.leaseStartDate, leaseEndDate: c.leaseEndDate, totalRentFen: Number(c.totalRentFen), securityDepositFen: c.securityDepositFen,
    };
  }
  throw new Error(`unknown auction document ${which}`);
}
