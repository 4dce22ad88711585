/**
 * Dates on documents in the official form 2017年5月31日, always in Asia/Shanghai. A plain date ("2017-05-31") is
 * a calendar date and is shown as is; an instant ("2017-05-31T01:30:00Z") is first moved to Shanghai time.
 * Shanghai has kept UTC+8 without daylight saving since 1991, so the shift is a fixed offset: much faster than a
 * time-zone database lookup per date, which mattered for rendering (see bench/documents.ts).
 */
export const DOCUMENT_TZ = 'Asia/Shanghai';
const OFFSET_MS = 8 * 3_600_000;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const pad = (n: number) => String(n).padStart(2, '0');

/** The instant as a Date whose UTC fields read as Shanghai wall-clock time. */
function shanghaiFields(value: string | Date): Date {
  const t = value instanceof Date ? value.getTime() : Date.parse(value);
  if (Number.isNaN(t)) throw new RangeError(`not a date: ${String(value)}`);
  if (t < Date.UTC(1991, 8, 16)) throw new RangeError(`dates before 1991 are not supported on documents: ${String(value)}`);
  return new Date(t + OFFSET_MS);
}

/** "2017-05-31" or an instant → "2017年5月31日". */
export function formatDateCn(value: string | Date): string {
  if (typeof value === 'string') {
    const m = DATE_ONLY.exec(value);
    if (m) return `${Number(m[1])}年${Number(m[2])}月${Number(m[3])}日`;
  }
  const d = shanghaiFields(value);
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日`;
}

/** An instant → "2017年5月31日 09:30" (Beijing time). */
export function formatDateTimeCn(value: string | Date): string {
  if (typeof value === 'string' && DATE_ONLY.test(value)) return formatDateCn(value);
  const d = shanghaiFields(value);
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** The Shanghai calendar date ("YYYY-MM-DD") of a date or instant. */
export function shanghaiDate(value: string | Date): string {
  if (typeof value === 'string' && DATE_ONLY.test(value)) return value;
  const d = shanghaiFields(value);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** Noon of a Shanghai date as an instant: an anchor that stays on that date whatever the arithmetic. */
export function anchorOf(date: string): Date {
  return new Date(`${shanghaiDate(date)}T12:00:00+08:00`);
}
