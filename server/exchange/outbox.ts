/**
 * The outbox poller: pushes each published release to the city platform (CITY_PLATFORM_URL) as a one-release OCDS
 * release package, POST with an `Idempotency-Key` header (the release id, the same on every attempt), in
 * publication order. A row is marked delivered only after a 2xx answer; anything else (an error status, a timeout, a
 * reset connection) leaves it pending with a backoff (OUTBOX_POLL_MS × 2^attempts, at most 10 minutes), and the rows
 * behind it wait: the platform receives releases in order. The rows are written with the releases in the business
 * transaction (releases.ts), so nothing is lost; a crash between the platform's answer and the mark sends the same
 * key again, which the platform must treat as a duplicate (at-least-once delivery, deduplicated by key).
 * Backoff runs on the wall clock, not the business clock: it paces a network, not a legal deadline.
 */
import { QueryTypes } from 'sequelize';
import type { Database } from '../db.ts';
import type { Logger } from '../logger.ts';
import { releasePackage, type Json } from './ocds.ts';

export interface OutboxOptions {
  db: Database;
  url: string;
  token?: string | null;
  pollMs: number;
  logger?: Logger;
  /** Per push (default 10 s). */
  timeoutMs?: number;
  maxBackoffMs?: number;
  /** Fault injection for tests: runs after the platform acknowledged and before the row is marked (a throw = a crash there). */
  afterAck?: (key: string) => void | Promise<void>;
}

export interface OutboxRow {
  id: number;
  key: string;
  state: string;
  attempts: number;
  lastError: string | null;
}

export const backoffMs = (pollMs: number, attempts: number, maxMs = 600_000) => Math.min(maxMs, pollMs * 2 ** Math.min(attempts, 20));

export class OutboxPoller {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;
  /** Set by stop(): a round in progress ends after its current push. */
  private halt = false;

  constructor(private readonly o: OutboxOptions) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.halt = false;
    this.schedule(0);
  }

  /** Stops polling and waits for a push in flight to finish (its row is then marked, or stays pending). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.halt = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.deliverDue()
        .catch((err) => this.o.logger?.error({ err }, 'outbox round failed'))
        .then(() => {
          this.running = null;
          this.schedule(this.o.pollMs);
        });
    }, ms);
    this.timer.unref?.();
  }

  /** Pushes due rows oldest first until one fails or none is due; returns how many were delivered. */
  async deliverDue(): Promise<number> {
    const seq = this.o.db.sequelize;
    let delivered = 0;
    while (!this.halt) {
      const [row] = await seq.query<{ id: number | string; idempotency_key: string; attempts: number | string; next_attempt_at: unknown; body: string }>(
        "SELECT o.id, o.idempotency_key, o.attempts, o.next_attempt_at, r.body FROM ocds_outbox o JOIN ocds_releases r ON r.seq = o.release_seq WHERE o.state = 'pending' ORDER BY o.id LIMIT 1",
        { type: QueryTypes.SELECT },
      );
      if (!row) break;
      const due = new Date(row.next_attempt_at instanceof Date ? row.next_attempt_at : String(row.next_attempt_at));
      if (due.getTime() > Date.now()) break;
      const attempts = Number(row.attempts) + 1;
      const failure = await this.push(row.idempotency_key, JSON.parse(row.body) as Json);
      if (failure) {
        await seq.query('UPDATE ocds_outbox SET attempts = :attempts, next_attempt_at = :next, last_error = :error WHERE id = :id AND state = :pending', {
          replacements: { attempts, next: new Date(Date.now() + backoffMs(this.o.pollMs, attempts - 1, this.o.maxBackoffMs)), error: failure.slice(0, 500), id: row.id, pending: 'pending' },
        });
        this.o.logger?.warn({ key: row.idempotency_key, attempts, error: failure }, 'city platform push failed; will retry');
        break;
      }
      await this.o.afterAck?.(row.idempotency_key);
      await seq.query("UPDATE ocds_outbox SET state = 'delivered', attempts = :attempts, delivered_at = :now, last_error = NULL WHERE id = :id AND state = 'pending'", {
        replacements: { attempts, now: new Date(), id: row.id },
      });
      delivered++;
    }
    return delivered;
  }

  /** null on a 2xx acknowledgement, else what went wrong. */
  private async push(key: string, release: Json): Promise<string | null> {
    const body = releasePackage([release], `urn:fucheng-eproc:release:${encodeURIComponent(key)}`, new Date());
    try {
      const res = await fetch(this.o.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': key,
          ...(this.o.token ? { authorization: `Bearer ${this.o.token}` } : {}),
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 10_000),
      });
      await res.arrayBuffer().catch(() => undefined);
      return res.status >= 200 && res.status < 300 ? null : `HTTP ${res.status}`;
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      return `${e.name}: ${e.cause?.code ?? e.cause?.message ?? e.message}`;
    }
  }
}

/** The outbox as operations and tests see it. */
export async function outboxRows(db: Database): Promise<OutboxRow[]> {
  const rows = await db.sequelize.query<{ id: number | string; idempotency_key: string; state: string; attempts: number | string; last_error: string | null }>(
    'SELECT id, idempotency_key, state, attempts, last_error FROM ocds_outbox ORDER BY id',
    { type: QueryTypes.SELECT },
  );
  return rows.map((r) => ({ id: Number(r.id), key: r.idempotency_key, state: r.state, attempts: Number(r.attempts), lastError: r.last_error }));
}

/** Starts the poller when a city endpoint is configured (server/system.ts); null when there is none. */
export function startOutbox(db: Database, settings: { cityPlatformUrl: string | null; cityPlatformToken: string | null; outboxPollMs: number }, logger?: Logger): OutboxPoller | null {
  if (!settings.cityPlatformUrl) return null;
  const poller = new OutboxPoller({ db, url: settings.cityPlatformUrl, token: settings.cityPlatformToken, pollMs: settings.outboxPollMs, logger });
  poller.start();
  return poller;
}
