/**
 * Worker for `zeebe:taskDefinition type="assign-project-number"`: hands out the human-readable project number
 * (项目编号), e.g. `FCZC-2026-0001` (涪城政采), unique per prefix and year.
 *
 * - The year is the calendar year in Asia/Shanghai at the moment of assignment (31 Dec 16:30 UTC is already
 *   1 Jan in Shanghai).
 * - The prefix comes from the task header `prefix` in the model (default FCZC), so another centre or another
 *   kind of project gets its own series without a code change.
 * - Idempotent: the job's idempotency key (`instanceId:elementId`) is stored with the number in the same
 *   transaction that advances the counter, so a second delivery of the same job returns the same number and
 *   consumes no new one. Numbers have no gaps: a rolled-back assignment rolls its increment back too.
 */
import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc.js';
import timezone from 'dayjs/plugin/timezone.js';
import { QueryTypes, type Transaction } from 'sequelize';
import type { Database } from '../db.ts';
import type { Clock } from '../clock.ts';
import type { Job, Worker } from '../engine/port.ts';

dayjs.extend(utc);
dayjs.extend(timezone);

export const PROJECT_NUMBER_TASK_TYPE = 'assign-project-number';
export const DEFAULT_PROJECT_NUMBER_PREFIX = 'FCZC';
export const BUSINESS_TIME_ZONE = 'Asia/Shanghai';

const PREFIX_PATTERN = /^[A-Z][A-Z0-9]{1,15}$/;
const MAX_KEY_LENGTH = 255;

export interface AssignedNumber {
  number: string;
  prefix: string;
  year: number;
  seq: number;
  /** false when the key already had a number (a repeated delivery). */
  created: boolean;
}

/** The calendar year in Shanghai at `at`. */
export function businessYear(at: Date): number {
  return dayjs(at).tz(BUSINESS_TIME_ZONE).year();
}

export function formatProjectNumber(prefix: string, year: number, seq: number): string {
  return `${prefix}-${year}-${String(seq).padStart(4, '0')}`;
}

/** The idempotency key of a job: stable across redeliveries of the same job to the same element. */
export function jobIdempotencyKey(job: Pick<Job, 'instanceId' | 'elementId'>): string {
  return `${job.instanceId}:${job.elementId}`;
}

export function validatePrefix(prefix: string): string {
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new Error(`项目编号前缀无效 (invalid project number prefix "${prefix}": 2–16 uppercase letters or digits, starting with a letter)`);
  }
  return prefix;
}

/**
 * Returns the number already assigned to `idempotencyKey`, or assigns the next one of (prefix, year of `at`).
 * One transaction: look up the key, advance the counter, record the number.
 */
export async function assignNumber(
  db: Database,
  req: { idempotencyKey: string; prefix: string; at: Date },
): Promise<AssignedNumber> {
  const prefix = validatePrefix(req.prefix);
  if (!req.idempotencyKey || req.idempotencyKey.length > MAX_KEY_LENGTH) {
    throw new Error(`idempotency key must be 1–${MAX_KEY_LENGTH} characters`);
  }
  const year = businessYear(req.at);
  // A concurrent delivery of the same job can pass the look-up at the same time as this one; the unique key on
  // assigned_numbers then rejects the later insert, its transaction (and increment) rolls back, and the retry
  // finds the number the first one recorded.
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.withTransaction((tx) => assignInTransaction(db, tx, req.idempotencyKey, prefix, year, req.at));
    } catch (err) {
      if (attempt < 3 && isUniqueViolation(err)) continue;
      throw err;
    }
  }
}

async function assignInTransaction(
  db: Database,
  tx: Transaction,
  key: string,
  prefix: string,
  year: number,
  at: Date,
): Promise<AssignedNumber> {
  const sequelize = db.sequelize;
  const existing = await findByKey(db, key, tx);
  if (existing) return existing;

  const upsert =
    db.dialect === 'mysql'
      ? 'INSERT INTO number_sequences (prefix, year, last_value, updated_at) VALUES (:prefix, :year, 1, :at) ' +
        'ON DUPLICATE KEY UPDATE last_value = last_value + 1, updated_at = VALUES(updated_at)'
      : 'INSERT INTO number_sequences (prefix, year, last_value, updated_at) VALUES (:prefix, :year, 1, :at) ' +
        'ON CONFLICT (prefix, year) DO UPDATE SET last_value = last_value + 1, updated_at = excluded.updated_at';
  await sequelize.query(upsert, { replacements: { prefix, year, at }, transaction: tx, type: QueryTypes.INSERT });
  const rows = await sequelize.query<{ last_value: number | string }>(
    'SELECT last_value FROM number_sequences WHERE prefix = :prefix AND year = :year',
    { replacements: { prefix, year }, transaction: tx, type: QueryTypes.SELECT },
  );
  if (rows.length !== 1) throw new Error(`number sequence ${prefix}/${year} vanished inside its transaction`);
  const seq = Number(rows[0].last_value);
  const number = formatProjectNumber(prefix, year, seq);
  await sequelize.query(
    'INSERT INTO assigned_numbers (idempotency_key, number, prefix, year, seq, created_at) VALUES (:key, :number, :prefix, :year, :seq, :at)',
    { replacements: { key, number, prefix, year, seq, at }, transaction: tx, type: QueryTypes.INSERT },
  );
  return { number, prefix, year, seq, created: true };
}

/** The number recorded for an idempotency key, if any. */
export async function findByKey(db: Database, key: string, tx?: Transaction): Promise<AssignedNumber | null> {
  const rows = await db.sequelize.query<{ number: string; prefix: string; year: number | string; seq: number | string }>(
    'SELECT number, prefix, year, seq FROM assigned_numbers WHERE idempotency_key = :key',
    { replacements: { key }, transaction: tx, type: QueryTypes.SELECT },
  );
  if (rows.length === 0) return null;
  const r = rows[0];
  return { number: r.number, prefix: r.prefix, year: Number(r.year), seq: Number(r.seq), created: false };
}

function isUniqueViolation(err: unknown): boolean {
  const e = err as { name?: string; parent?: { code?: string; errno?: number } };
  return (
    e?.name === 'SequelizeUniqueConstraintError' ||
    e?.parent?.code === 'ER_DUP_ENTRY' ||
    (e?.parent?.code === 'SQLITE_CONSTRAINT' && /UNIQUE/i.test(String((err as Error).message)))
  );
}

/** The worker: `projectNumber` out, the same one on every delivery of the same job. */
export function projectNumberWorker(deps: { db: Database; clock: Clock }): Worker {
  return async (job, ctx) => {
    const prefix = (job.headers.prefix ?? '').trim() || DEFAULT_PROJECT_NUMBER_PREFIX;
    const assigned = await assignNumber(deps.db, { idempotencyKey: jobIdempotencyKey(job), prefix, at: deps.clock.now() });
    ctx.log(assigned.created ? 'project number assigned' : 'project number re-delivered', {
      instanceId: job.instanceId,
      projectNumber: assigned.number,
    });
    return { projectNumber: assigned.number };
  };
}
