/**
 * The working-day calendar and legal deadlines, checked against the brief's worked example on the real 2017
 * calendar (§2.3, §11.3): 调休 Saturdays count, the National Day week does not, calendar-day periods roll forward.
 */
import { expect } from 'chai';
import { computeDeadline, endOfBusinessDay } from '../../server/calendar/deadlines.ts';
import { TimeLimits } from '../../server/calendar/time-limits.ts';
import { WorkingDayCalendar } from '../../server/calendar/working-days.ts';

const at = (date: string, time = '10:00') => new Date(`${date}T${time}:00+08:00`);

describe('working-day calendar', () => {
  const cal = new WorkingDayCalendar();

  it('knows 2017 holidays, make-up Saturdays and ordinary weekends', () => {
    expect(cal.day('2017-09-30')).to.include({ working: true, kind: 'makeup_workday' });
    expect(cal.day('2017-10-02')).to.include({ working: false, kind: 'holiday' });
    expect(cal.day('2017-10-14')).to.include({ working: false, kind: 'weekend' });
    expect(cal.day('2017-10-16')).to.include({ working: true, kind: 'workday' });
    expect(cal.day('2017-01-22')).to.include({ working: true, kind: 'makeup_workday' }); // 春节 调休 Sunday
  });

  it('counts working days without the start day, across the National Day week (brief §11.3)', () => {
    expect(cal.addWorkingDays('2017-09-28', 5)).to.equal('2017-10-11');
    expect(cal.addWorkingDays('2017-09-25', 5)).to.equal('2017-09-30');
    expect(cal.addWorkingDays('2017-10-01', 0)).to.equal('2017-10-09');
  });

  it('lets an administrator override a day and flags years with no published schedule', () => {
    const withOverride = new WorkingDayCalendar([{ date: '2017-10-16', kind: 'holiday', name: '本地停工' }], [], 's1');
    expect(withOverride.isWorkingDay('2017-10-16')).to.equal(false);
    expect(withOverride.day('2017-10-16').source).to.equal('override');
    expect(withOverride.version).to.contain('overrides@s1');
    expect(cal.hasSchedule(2026)).to.equal(true);
    expect(cal.hasSchedule(2027)).to.equal(false);
    expect(new WorkingDayCalendar([], [2027]).hasSchedule(2027)).to.equal(true);
  });

  it('refuses impossible dates and negative counts', () => {
    expect(() => cal.day('2017-02-30')).to.throw(RangeError);
    expect(() => cal.addWorkingDays('2017-02-01', -1)).to.throw(RangeError);
    expect(() => cal.addWorkingDays('2017-02-01', 1.5)).to.throw(RangeError);
  });
});

describe('legal deadlines (brief §2.3 worked example)', () => {
  const cal = new WorkingDayCalendar();
  const limits = new TimeLimits();

  const cases: [string, string, string, string | null][] = [
    // rule, anchor date, due date, rolled from
    ['T1', '2017-09-25', '2017-09-30', null], // 5 WD: the make-up Saturday counts
    ['T3', '2017-09-25', '2017-10-16', '2017-10-15'], // 20 days ends on a Sunday → Monday
    ['T13', '2017-10-30', '2017-11-08', null], // challenge: 7 WD after the notice period
    ['T14', '2017-11-08', '2017-11-17', null],
    ['T15', '2017-11-17', '2017-12-08', null],
    ['T17', '2017-12-08', '2018-01-22', null], // 30 WD over New Year 2018
    ['T20', '2017-10-27', '2017-11-27', '2017-11-26'], // contract: 30 days, Sunday → Monday
  ];
  for (const [rule, anchor, due, rolled] of cases) {
    it(`${rule} from ${anchor} → ${due}`, () => {
      const d = computeDeadline(cal, limits, rule, at(anchor));
      expect(d.dueDate).to.equal(due);
      expect(d.rolledFrom).to.equal(rolled);
      expect(d.basis).to.be.a('string').and.not.equal('');
      expect(d.dueAt).to.equal(endOfBusinessDay(due));
      expect(d.calendarVersion).to.match(/^chinese-days@/);
      expect(d.warnings).to.deep.equal([]);
    });
  }

  it('anchors on the Shanghai date: 23:30 UTC is already the next day in Shanghai', () => {
    const d = computeDeadline(cal, limits, 'T1', new Date('2017-09-24T23:30:00Z'));
    expect(d.anchorDate).to.equal('2017-09-25');
    expect(d.dueDate).to.equal('2017-09-30');
    expect(d.dueAt).to.equal('2017-09-30T16:00:00.000Z'); // 24:00 in Shanghai
  });

  it('warns when the period reaches a year whose holiday schedule is not in the data', () => {
    const d = computeDeadline(cal, limits, 'T3', at('2026-12-20'));
    expect(d.dueDate).to.equal('2027-01-11'); // 2027-01-09 is a Saturday: rolled forward
    expect(d.warnings.join()).to.contain('2027');
  });

  it('refuses a rule that is not a period and a date before any rule set', () => {
    expect(() => computeDeadline(cal, limits, 'T7', at('2017-09-25'))).to.throw(/不是以日计算/);
    expect(() => computeDeadline(cal, limits, 'T99', at('2017-09-25'))).to.throw(/T99/);
    expect(() => computeDeadline(cal, limits, 'T1', at('2014-01-06'))).to.throw(/2014-01-06/);
  });
});
