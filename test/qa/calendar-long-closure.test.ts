/**
 * QA: rolling a deadline forward gave up after 60 days and returned a day off as the deadline. A closure longer
 * than that is real (Wuhan, 2020-01-23 to 2020-04-08); an administrator enters it as overrides, and every
 * deadline landing inside it must move to the first working day after it.
 */
import { expect } from 'chai';
import { computeDeadline } from '../../server/calendar/deadlines.ts';
import { TimeLimits } from '../../server/calendar/time-limits.ts';
import { shiftDate, WorkingDayCalendar, type DayOverride } from '../../server/calendar/working-days.ts';

describe('QA calendar: a closure longer than 60 days', () => {
  const closure: DayOverride[] = [];
  for (let d = '2020-01-23'; d <= '2020-04-08'; d = shiftDate(d, 1)) closure.push({ date: d, kind: 'holiday', name: '疫情停工' });
  const cal = new WorkingDayCalendar(closure, [], 'closure');
  const limits = new TimeLimits();

  it('rolls a calendar-day deadline to the first working day after the closure', () => {
    const d = computeDeadline(cal, limits, 'T3', new Date('2020-01-10T10:00:00+08:00'));
    expect(d.rolledFrom).to.equal('2020-01-30');
    expect(d.dueDate).to.equal('2020-04-09');
    expect(cal.isWorkingDay(d.dueDate)).to.equal(true);
  });

  it('moves a limit counted back from an event to the last working day before the closure', () => {
    const d = computeDeadline(cal, limits, 'T4', new Date('2020-04-15T10:00:00+08:00'));
    expect(d.rolledFrom).to.equal('2020-03-31');
    expect(d.dueDate).to.equal('2020-01-22');
  });

  it('nextWorkingDay and addWorkingDays(…, 0) never answer a day off', () => {
    expect(cal.nextWorkingDay('2020-01-23')).to.equal('2020-04-09');
    expect(cal.addWorkingDays('2020-01-23', 0)).to.equal('2020-04-09');
  });
});
