/**
 * The calendar as the rest of the system sees it: the WorkingDayCalendar built from the package data and the
 * administrator's rows, rebuilt when those rows change (the rows are read and digested on every use, so a second
 * server process on the same database sees an edit too), plus the legal time limits and deadline computation.
 */
import crypto from 'node:crypto';
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

  async function calendar(tx?: Transaction): Promise<WorkingDayCalendar> {
    // The stamp is a digest of the rows themselves, not COUNT/MAX(updated_at): an edit that keeps both (a re-edit
    // in the same millisecond or from a server whose clock lags) must still be seen, and the same data must give
    // the same calendarVersion in every process. The tables hold a few dozen rows a year, so reading them is cheap.
    const overrides = await q.query<{ date: string; kind: 'holiday' | 'workday'; name: string }>('SELECT date, kind, name FROM calendar_overrides ORDER BY date', { type: QueryTypes.SELECT, transaction: tx });
    const years = await q.query<{ year: number }>('SELECT year FROM calendar_years ORDER BY year', { type: QueryTypes.SELECT, transaction: tx });
    const rows = overrides.map((o) => ({ date: String(o.date), kind: o.kind, name: String(o.name) }));
    const declared = years.map((r) => Number(r.year));
    const s = rows.length || declared.length ? crypto.createHash('sha256').update(JSON.stringify([rows, declared])).digest('hex').slice(0, 16) : '0';
    if (cached?.stamp === s) return cached.cal;
    const cal = new WorkingDayCalendar(rows, declared, s);
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
      return { ...o, updatedBy: by, updatedAt: now.toISOString() };
    },
    async deleteOverride(date) {
      return db.withTransaction(async (tx) => {
        const found = await q.query('SELECT date FROM calendar_overrides WHERE date = ?', { replacements: [date], type: QueryTypes.SELECT, transaction: tx });
        if (!found.length) return false;
        await q.query('DELETE FROM calendar_overrides WHERE date = ?', { replacements: [date], transaction: tx });
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
      return { year, basis, declaredBy: by, declaredAt: now.toISOString() };
    },
  };
}
