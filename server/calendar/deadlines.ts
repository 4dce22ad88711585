/**
 * Deadlines from legal time limits (brief §11.4): anchor instant → its Asia/Shanghai date → the start day is not
 * counted → WD: step over working days; CD: add days, then roll forward past a non-working last day (the version's
 * `rollForward` rule: the safe reading recommended by the brief). Rules with direction 'before' (T4: ≥15 days
 * before the bid deadline) count back from the event instead, and move a non-working last day earlier. The deadline is the end (24:00) of the last
 * day. Each result records its rule, legal basis, the calendar and rule versions used, and warnings (e.g. a
 * year whose holiday schedule is not in the data yet).
 */
import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc.js';
import timezone from 'dayjs/plugin/timezone.js';
import { FIRST_YEAR, isDateString, LAST_YEAR, shiftDate, type WorkingDayCalendar } from './working-days.ts';
import type { TimeLimits } from './time-limits.ts';

dayjs.extend(utc);
dayjs.extend(timezone);

export const BUSINESS_TZ = 'Asia/Shanghai';

export interface Deadline {
  ruleId: string;
  event: string;
  basis: string;
  /** The brief's verification tag of the rule: V primary text, S secondary, M memory. */
  verified: 'V' | 'S' | 'M';
  value: number;
  dayType: 'WD' | 'CD';
  /** 'after': the period runs from the anchor; 'before': dueDate is the latest (T30: earliest) day before the anchor event. */
  direction: 'after' | 'before';
  anchor: string;
  anchorDate: string;
  /** Last day of the period (Asia/Shanghai). */
  dueDate: string;
  /** End of dueDate (24:00 Asia/Shanghai) as an ISO instant. */
  dueAt: string;
  /** The unmoved last day when a calendar-day period ended on a non-working day (moved later, or earlier for 'before'). */
  rolledFrom: string | null;
  calendarVersion: string;
  limitsVersion: string;
  warnings: string[];
}

export class NotAPeriod extends Error {}

/** The Asia/Shanghai calendar date of an instant. */
export function businessDate(at: Date): string {
  return dayjs(at).tz(BUSINESS_TZ).format('YYYY-MM-DD');
}

/** ISO 8601 date-time with seconds optional, fraction optional and a mandatory zone (Z or ±hh:mm). */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * An anchor as a model or client gives it: an ISO instant with its zone, or a plain YYYY-MM-DD meaning that
 * Shanghai day. Anything else (no zone, so read in the server's own zone; "2017"; "Sep 25 2017") is null rather
 * than a guess, as is a day outside the years the calendar answers for (leaving room for the longest period).
 */
export function parseAnchor(raw: unknown): Date | null {
  if (typeof raw !== 'string') return null;
  let at: Date;
  if (isDateString(raw)) at = dayjs.tz(`${raw}T00:00:00`, BUSINESS_TZ).toDate();
  else if (ISO_INSTANT.test(raw)) at = new Date(raw);
  else return null;
  if (Number.isNaN(at.getTime())) return null;
  // dayjs' zone conversion misreads years below 100 (0000 → 2001), so bound the instant before converting it.
  if (at.getUTCFullYear() < FIRST_YEAR - 1 || at.getUTCFullYear() >= LAST_YEAR) return null;
  const y = Number(businessDate(at).slice(0, 4));
  return y >= FIRST_YEAR && y < LAST_YEAR ? at : null;
}

/** 24:00 of a Shanghai date, i.e. 00:00 of the next day, as an ISO instant. */
export function endOfBusinessDay(date: string): string {
  return dayjs.tz(`${shiftDate(date, 1)}T00:00:00`, BUSINESS_TZ).toDate().toISOString();
}

export function computeDeadline(calendar: WorkingDayCalendar, limits: TimeLimits, ruleId: string, anchor: Date): Deadline {
  const anchorDate = businessDate(anchor);
  const { rule, version } = limits.rule(ruleId, anchorDate);
  if (rule.dayType === undefined || typeof rule.value !== 'number' || !Number.isInteger(rule.value)) {
    throw new NotAPeriod(`规则 ${ruleId}（${rule.event}）不是以日计算的期限 (rule ${ruleId} is not a period in days)`);
  }
  // 'before' limits count back from the event; a non-working last day then moves earlier, the safe side
  // ("plan earlier", brief §2.3 T4), where a period running forward moves later.
  const back = rule.direction === 'before';
  let dueDate: string;
  let rolledFrom: string | null = null;
  if (rule.dayType === 'WD') {
    dueDate = back ? calendar.subtractWorkingDays(anchorDate, rule.value) : calendar.addWorkingDays(anchorDate, rule.value);
  } else {
    const raw = shiftDate(anchorDate, back ? -rule.value : rule.value);
    const info = calendar.day(raw);
    const roll = version.rollForward === 'nonWorking' ? !info.working : version.rollForward === 'holidays' ? info.kind === 'holiday' : false;
    dueDate = !roll ? raw : back ? calendar.previousWorkingDay(raw) : calendar.nextWorkingDay(raw);
    if (roll) rolledFrom = raw;
  }
  const [first, last] = back ? [dueDate, anchorDate] : [anchorDate, dueDate];
  const warnings: string[] = [];
  for (const y of calendar.unscheduledYears(first, last)) {
    warnings.push(`${y} 年节假日安排尚未录入，按普通周末计算，请核对 (no holiday schedule for ${y} in the calendar; weekends assumed)`);
  }
  if (rule.verified === 'M') warnings.push(`规则 ${ruleId} 的依据待核实 (basis of ${ruleId} not yet verified against the primary text)`);
  return {
    ruleId,
    event: rule.event,
    basis: rule.basis,
    verified: rule.verified,
    value: rule.value,
    dayType: rule.dayType,
    direction: back ? 'before' : 'after',
    anchor: anchor.toISOString(),
    anchorDate,
    dueDate,
    dueAt: endOfBusinessDay(dueDate),
    rolledFrom,
    calendarVersion: calendar.version,
    limitsVersion: version.effectiveFrom,
    warnings,
  };
}
