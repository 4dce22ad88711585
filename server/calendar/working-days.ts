/**
 * Working days in mainland China: weekends are off except the make-up days (调休) the State Council names, and
 * the statutory holidays are off. The base data is the chinese-days package (2004–2026); the administrator's
 * overrides (calendar_overrides) are laid over it, and a year counts as scheduled only when the package has it
 * or an administrator declared its schedule entered (calendar_years) — outside that, weekdays are assumed to be
 * working days and every deadline that crosses such a year carries a warning.
 *
 * Dates here are plain 'YYYY-MM-DD' strings of the Asia/Shanghai calendar; no time zone arithmetic happens here.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const base = require('chinese-days/dist/chinese-days.json') as {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
};
const CHINESE_DAYS_VERSION = (require('chinese-days/package.json') as { version: string }).version;

export type DayKind = 'workday' | 'weekend' | 'holiday' | 'makeup_workday';

export interface DayOverride {
  date: string;
  kind: 'holiday' | 'workday';
  name: string;
}

export interface DayInfo {
  date: string;
  working: boolean;
  kind: DayKind;
  /** Holiday or make-up name, e.g. 国庆节 */
  name: string | null;
  source: 'chinese-days' | 'override' | 'weekday-rule';
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function isDateString(s: string): boolean {
  if (!DATE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/**
 * Years the calendar answers for. Beyond them the date arithmetic of a Date overflows its four-digit year
 * (9999-12-31 + 1 day is "+010000-01-01"), and no procurement deadline can be there anyway.
 */
export const FIRST_YEAR = 2000;
export const LAST_YEAR = 2100;

/** A real YYYY-MM-DD date within FIRST_YEAR..LAST_YEAR. */
export function isSupportedDate(s: string): boolean {
  if (!isDateString(s)) return false;
  const y = Number(s.slice(0, 4));
  return y >= FIRST_YEAR && y <= LAST_YEAR;
}

function assertDate(s: string): void {
  if (!isSupportedDate(s)) throw new RangeError(`not a date (YYYY-MM-DD) in ${FIRST_YEAR}–${LAST_YEAR}: ${s}`);
}

/** Days from `from` to `to`, both counted (0 when to is before from). */
export function daysInclusive(from: string, to: string): number {
  return Math.max(0, Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1);
}

/** Adds n calendar days to a YYYY-MM-DD date. */
export function shiftDate(date: string, n: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

function zhName(entry: string): string {
  // "National Day,国庆节,3" → 国庆节
  return entry.split(',')[1] ?? entry;
}

/** The longest range `range` returns (a year and a bit, for the UI). */
export const MAX_RANGE_DAYS = 400;

const BASE_YEARS = new Set(Object.keys(base.holidays).map((d) => Number(d.slice(0, 4))));

export class WorkingDayCalendar {
  private readonly overrides: Map<string, DayOverride>;
  private readonly scheduledYears: Set<number>;
  /** Identifies the data a deadline was computed with (stored with every deadline). */
  readonly version: string;

  constructor(overrides: DayOverride[] = [], declaredYears: number[] = [], overridesStamp = '0') {
    this.overrides = new Map(overrides.map((o) => [o.date, o]));
    this.scheduledYears = new Set([...BASE_YEARS, ...declaredYears]);
    this.version = `chinese-days@${CHINESE_DAYS_VERSION}+overrides@${overridesStamp}`;
  }

  /** True when the State Council's schedule for the year is in the data (package or administrator). */
  hasSchedule(year: number): boolean {
    return this.scheduledYears.has(year);
  }

  day(date: string): DayInfo {
    assertDate(date);
    const o = this.overrides.get(date);
    if (o) {
      return { date, working: o.kind === 'workday', kind: o.kind === 'workday' ? (isWeekend(date) ? 'makeup_workday' : 'workday') : 'holiday', name: o.name || null, source: 'override' };
    }
    const h = base.holidays[date];
    if (h) return { date, working: false, kind: 'holiday', name: zhName(h), source: 'chinese-days' };
    const w = base.workdays[date];
    if (w) return { date, working: true, kind: 'makeup_workday', name: zhName(w), source: 'chinese-days' };
    const weekend = isWeekend(date);
    return { date, working: !weekend, kind: weekend ? 'weekend' : 'workday', name: null, source: 'weekday-rule' };
  }

  isWorkingDay(date: string): boolean {
    return this.day(date).working;
  }

  /** The n-th working day after `date` (the start day is not counted). n = 0 → `date` if working, else the next. */
  addWorkingDays(date: string, n: number): string {
    assertDate(date);
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`working days must be a whole number ≥ 0: ${n}`);
    let d = date;
    if (n === 0) return this.nextWorkingDay(d);
    let left = n;
    while (left > 0) {
      d = shiftDate(d, 1);
      if (this.isWorkingDay(d)) left--;
    }
    return d;
  }

  /** The n-th working day before `date` (the event day itself is not counted); n = 0 → `date` or the one before. */
  subtractWorkingDays(date: string, n: number): string {
    assertDate(date);
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`working days must be a whole number ≥ 0: ${n}`);
    if (n === 0) return this.previousWorkingDay(date);
    let d = date;
    for (let left = n; left > 0; ) {
      d = shiftDate(d, -1);
      if (this.isWorkingDay(d)) left--;
    }
    return d;
  }

  /** `date` itself when it is a working day, else the last working day before it. */
  previousWorkingDay(date: string): string {
    let d = date;
    // No step limit: a closure can last months (2020); day() throws past the supported years, so this ends.
    while (!this.isWorkingDay(d)) d = shiftDate(d, -1);
    return d;
  }

  /** `date` itself when it is a working day, else the first working day after it. */
  nextWorkingDay(date: string): string {
    let d = date;
    // No step limit: a closure can last months (2020); day() throws past the supported years, so this ends.
    while (!this.isWorkingDay(d)) d = shiftDate(d, 1);
    return d;
  }

  /** Days in [from, to] inclusive (at most MAX_RANGE_DAYS: the caller refuses longer ranges). */
  range(from: string, to: string): DayInfo[] {
    assertDate(from);
    assertDate(to);
    if (daysInclusive(from, to) > MAX_RANGE_DAYS) throw new RangeError(`at most ${MAX_RANGE_DAYS} days: ${from}..${to}`);
    const out: DayInfo[] = [];
    for (let d = from; d <= to; d = shiftDate(d, 1)) out.push(this.day(d));
    return out;
  }

  /** Years touched by [from, to] that have no published schedule in the data. */
  unscheduledYears(from: string, to: string): number[] {
    const out: number[] = [];
    for (let y = Number(from.slice(0, 4)); y <= Number(to.slice(0, 4)); y++) if (!this.hasSchedule(y)) out.push(y);
    return out;
  }
}

function isWeekend(date: string): boolean {
  const wd = new Date(`${date}T00:00:00Z`).getUTCDay();
  return wd === 0 || wd === 6;
}
