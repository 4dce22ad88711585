/**
 * Dates on documents in the official form 2017年5月31日, always in Asia/Shanghai. A plain date ("2017-05-31") is
 * a calendar date and is shown as is; an instant ("2017-05-31T01:30:00Z") is first moved to Shanghai time.
 */
import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc.js';
import timezone from 'dayjs/plugin/timezone.js';

dayjs.extend(utc);
dayjs.extend(timezone);

export const DOCUMENT_TZ = 'Asia/Shanghai';
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

function shanghai(value: string | Date): dayjs.Dayjs {
  const d = dayjs(value);
  if (!d.isValid()) throw new RangeError(`not a date: ${String(value)}`);
  return d.tz(DOCUMENT_TZ);
}

/** "2017-05-31" or an instant → "2017年5月31日". */
export function formatDateCn(value: string | Date): string {
  if (typeof value === 'string') {
    const m = DATE_ONLY.exec(value);
    if (m) return `${Number(m[1])}年${Number(m[2])}月${Number(m[3])}日`;
  }
  const d = shanghai(value);
  return `${d.year()}年${d.month() + 1}月${d.date()}日`;
}

/** An instant → "2017年5月31日 09:30" (Beijing time). */
export function formatDateTimeCn(value: string | Date): string {
  if (typeof value === 'string' && DATE_ONLY.test(value)) return formatDateCn(value);
  const d = shanghai(value);
  return `${formatDateCn(value)} ${d.format('HH:mm')}`;
}

/** The Shanghai calendar date ("YYYY-MM-DD") of a date or instant. */
export function shanghaiDate(value: string | Date): string {
  if (typeof value === 'string' && DATE_ONLY.test(value)) return value;
  return shanghai(value).format('YYYY-MM-DD');
}

/** Noon of a Shanghai date as an instant: an anchor that stays on that date in any time zone arithmetic. */
export function anchorOf(date: string): Date {
  return dayjs.tz(`${shanghaiDate(date)}T12:00:00`, DOCUMENT_TZ).toDate();
}
