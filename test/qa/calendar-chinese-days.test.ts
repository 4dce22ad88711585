/**
 * QA guard: with no overrides, the calendar agrees with chinese-days' own isWorkday and findWorkday (which the brief
 * checked by hand, §11.3) on every day of the package's data, for 1, 5 and 30 working days — year ends, leap days,
 * Spring Festival and the National Day week included. Held up when written.
 */
import { expect } from 'chai';
import chineseDays from 'chinese-days';
import { shiftDate, WorkingDayCalendar } from '../../server/calendar/working-days.ts';

const cd = chineseDays as unknown as { isWorkday(d: string): boolean; findWorkday(n: number, d: string): string };

describe('QA calendar: agrees with chinese-days for 2004–2026', () => {
  it('on every day, and for 1, 5 and 30 working days from it', function () {
    this.timeout(60_000);
    const cal = new WorkingDayCalendar();
    const wrong: string[] = [];
    for (let d = '2004-01-01'; d <= '2026-11-15'; d = shiftDate(d, 1)) {
      if (cal.isWorkingDay(d) !== cd.isWorkday(d)) wrong.push(`${d} working`);
      for (const n of [1, 5, 30]) if (cal.addWorkingDays(d, n) !== cd.findWorkday(n, d)) wrong.push(`${d} +${n}`);
    }
    expect(wrong).to.deep.equal([]);
  });
});
