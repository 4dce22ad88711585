/** Shanghai wall-clock helpers of the tender component (UTC+8 fixed since 1991, as the documents' helpers assume). */
import { businessDate } from '../calendar/deadlines.ts';

export { businessDate };

const OFFSET_MS = 8 * 3600_000;

/** `2026-04-10T09:30:00+08:00` — the form the document templates show. */
export function shanghaiIso(d: Date): string {
  return new Date(d.getTime() + OFFSET_MS).toISOString().slice(0, 19) + '+08:00';
}

/** `2026-04-10 09:30` for messages. */
export function shanghaiText(d: Date): string {
  return new Date(d.getTime() + OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

/** 00:00 of a Shanghai date. */
export function startOfShanghaiDay(date: string): Date {
  return new Date(`${date}T00:00:00+08:00`);
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;
const ZONED = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * A deadline as the forms give it: Shanghai local `YYYY-MM-DDTHH:mm` (datetime field), or an ISO instant with its
 * zone. Anything else, or a calendar-impossible value (02-30, 24:10), is null.
 */
export function parseDeadlineInput(raw: unknown): Date | null {
  if (typeof raw !== 'string') return null;
  const s = raw.trim();
  const m = LOCAL.exec(s);
  if (m) {
    const d = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}+08:00`);
    if (Number.isNaN(d.getTime())) return null;
    // Round trip: rejects 2026-02-30 and 24:30, which Date would roll over.
    const back = new Date(d.getTime() + OFFSET_MS).toISOString();
    if (back.slice(0, 16) !== `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}`) return null;
    return withinYears(d);
  }
  if (ZONED.test(s)) {
    const d = new Date(s);
    return Number.isNaN(d.getTime()) ? null : withinYears(d);
  }
  return null;
}

function withinYears(d: Date): Date | null {
  const y = d.getUTCFullYear();
  return y >= 2000 && y < 2100 ? d : null;
}

/** The same Shanghai time of day as `timeOf`, on `date`. */
export function atTimeOfDay(date: string, timeOf: Date): Date {
  const hhmmss = new Date(timeOf.getTime() + OFFSET_MS).toISOString().slice(11, 19);
  return new Date(`${date}T${hhmmss}+08:00`);
}
