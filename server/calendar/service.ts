/**
 * The calendar as the rest of the system sees it: the WorkingDayCalendar built from the package data and the
 * administrator's rows, rebuilt when those rows change (a cheap stamp query per use, so a second server process
 * on the same database sees an edit too), plus the legal time limits and deadline computation.
 */
import { QueryTypes, type Transaction } from 'sequelize';
import type { Clock } from '../clock.ts';
import type { Database } from '../db.ts';
import { computeDeadline, type Deadline } from './deadlines.ts';
import { TimeLimits } from './time-limits.ts';
import { WorkingDayCalendar, type DayOverride } from './working-days.ts';

export interface OverrideRow extends DayOverride {
  reason: string;
  updatedBy: string;
  updatedAt: string;
}

export interface DeclaredYear {
  year: number;
  basis: string;
  declaredBy: string;
  declaredAt: string;
}

export interface CalendarService {
  calendar(tx?: Transaction): Promise<WorkingDayCalendar>;
  limits: TimeLimits;
  deadline(ruleId: string, anchor: Date, tx?: Transaction): Promise<Deadline>;
  listOverrides(): Promise<OverrideRow[]>;
  putOverride(o: { date: string; kind: 'holiday' | 'workday'; name: string; reason: string }, by: string): Promise<OverrideRow>;
  deleteOverride(date: string): Promise<boolean>;
  listYears(): Promise<DeclaredYear[]>;
  declareYear(year: number, basis: string, by: string): Promise<DeclaredYear>;
}

function iso(v: unknown): string {
  return v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString();
}

export function createCalendarService(db: Database, clock: Clock, limits = new TimeLimits()): CalendarService {
  const q = db.sequelize;
  let cached: { stamp: string; cal: WorkingDayCalendar } | null = null;

  async function stamp(tx?: Transaction): Promise<string> {
    const [o] = await q.query<{ n: number; m: unknown }>('SELECT COUNT(*) AS n, MAX(updated_at) AS m FROM calendar_overrides', { type: QueryTypes.SELECT, transaction: tx });
    const [y] = await q.query<{ n: number; m: unknown }>('SELECT COUNT(*) AS n, MAX(declared_at) AS m FROM calendar_years', { type: QueryTypes.SELECT, transaction: tx });
    const t = (v: unknown) => (v ? new Date(v as string).getTime() : 0);
    return `${o.n}.${t(o.m)}.${y.n}.${t(y.m)}`;
  }

  async function calendar(tx?: Transaction): Promise<WorkingDayCalendar> {
    const s = await stamp(tx);
    if (cached?.stamp === s) return cached.cal;
    const overrides = await q.query<{ date: string; kind: 'holiday' | 'workday'; name: string }>('SELECT date, kind, name FROM calendar_overrides', { type: QueryTypes.SELECT, transaction: tx });
    const years = await q.query<{ year: number }>('SELECT year FROM calendar_years', { type: QueryTypes.SELECT, transaction: tx });
    const cal = new WorkingDayCalendar(overrides, years.map((r) => Number(r.year)), s);
    cached = { stamp: s, cal };
    return cal;
  }

  return {
    calendar,
    limits,
    async deadline(ruleId, anchor, tx) {
      return computeDeadline(await calendar(tx), limits, ruleId, anchor);
    },
    async listOverrides() {
      const rows = await q.query<Record<string, unknown>>('SELECT date, kind, name, reason, updated_by, updated_at FROM calendar_overrides ORDER BY date', { type: QueryTypes.SELECT });
      return rows.map((r) => ({ date: String(r.date), kind: r.kind as 'holiday' | 'workday', name: String(r.name), reason: String(r.reason), updatedBy: String(r.updated_by), updatedAt: iso(r.updated_at) }));
    },
    async putOverride(o, by) {
      const now = clock.now();
      await db.withTransaction(async (tx) => {
        await q.query('DELETE FROM calendar_overrides WHERE date = ?', { replacements: [o.date], transaction: tx });
        await q.query('INSERT INTO calendar_overrides (date, kind, name, reason, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?)', {
          replacements: [o.date, o.kind, o.name, o.reason, by, now],
          transaction: tx,
        });
      });
      cached = null;
      return { ...o, updatedBy: by, updatedAt: now.toISOString() };
    },
    async deleteOverride(date) {
      return db.withTransaction(async (tx) => {
        const found = await q.query('SELECT date FROM calendar_overrides WHERE date = ?', { replacements: [date], type: QueryTypes.SELECT, transaction: tx });
        if (!found.length) return false;
        await q.query('DELETE FROM calendar_overrides WHERE date = ?', { replacements: [date], transaction: tx });
        cached = null;
        return true;
      });
    },
    async listYears() {
      const rows = await q.query<Record<string, unknown>>('SELECT year, basis, declared_by, declared_at FROM calendar_years ORDER BY year', { type: QueryTypes.SELECT });
      return rows.map((r) => ({ year: Number(r.year), basis: String(r.basis), declaredBy: String(r.declared_by), declaredAt: iso(r.declared_at) }));
    },
    async declareYear(year, basis, by) {
      const now = clock.now();
      await db.withTransaction(async (tx) => {
        await q.query('DELETE FROM calendar_years WHERE year = ?', { replacements: [year], transaction: tx });
        await q.query('INSERT INTO calendar_years (year, basis, declared_by, declared_at) VALUES (?, ?, ?, ?)', { replacements: [year, basis, by, now], transaction: tx });
      });
      cached = null;
      return { year, basis, declaredBy: by, declaredAt: now.toISOString() };
    },
  };
}
