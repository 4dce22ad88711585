/** Money in 元/万元 (exact), dates in Shanghai, percentages and working-day deadlines from the calendar. */
import { expect } from 'chai';
import Handlebars from 'handlebars';
import { TimeLimits } from '../../server/calendar/time-limits.ts';
import { WorkingDayCalendar } from '../../server/calendar/working-days.ts';
import { formatDateCn, formatDateTimeCn } from '../../server/documents/dates.ts';
import { formatPercent, registerHelpers } from '../../server/documents/helpers.ts';
import { formatWan, formatYuan, parseYuanToFen } from '../../server/documents/money.ts';

describe('document helpers', function () {
  it('formats fen as 元 with separators, exactly', function () {
    expect(formatYuan(0)).to.equal('0.00');
    expect(formatYuan(5)).to.equal('0.05');
    expect(formatYuan(123456)).to.equal('1,234.56');
    expect(formatYuan(386000000)).to.equal('3,860,000.00');
    expect(formatYuan('900719925474099312')).to.equal('9,007,199,254,740,993.12'); // beyond float precision
  });

  it('formats fen as 万元, exact to the fen', function () {
    expect(formatWan(386000000)).to.equal('386.00');
    expect(formatWan(352680000)).to.equal('352.68');
    expect(formatWan(123456789)).to.equal('123.456789');
    expect(formatWan(1)).to.equal('0.000001');
    expect(formatWan(10_000_000_000)).to.equal('10,000.00');
  });

  it('parses 元 typed by people into fen without floats', function () {
    expect(parseYuanToFen('1,234.5')).to.equal(123450n);
    expect(parseYuanToFen('0.07')).to.equal(7n);
    expect(parseYuanToFen('12.345')).to.equal(null);
    expect(parseYuanToFen('abc')).to.equal(null);
  });

  it('writes dates as 2017年5月31日 in Asia/Shanghai', function () {
    expect(formatDateCn('2017-05-31')).to.equal('2017年5月31日');
    // 16:30 UTC on 31 Dec is already 1 Jan in Shanghai.
    expect(formatDateCn('2026-12-31T16:30:00Z')).to.equal('2027年1月1日');
    expect(formatDateTimeCn('2026-04-10T01:30:00Z')).to.equal('2026年4月10日 09:30');
    expect(formatDateTimeCn('2026-04-10T09:30:00+08:00')).to.equal('2026年4月10日 09:30');
    expect(() => formatDateCn('not a date')).to.throw(RangeError);
  });

  it('formats percentages from numbers or decimal strings', function () {
    expect(formatPercent('5')).to.equal('5%');
    expect(formatPercent('12.50')).to.equal('12.5%');
    expect(formatPercent(10)).to.equal('10%');
    expect(formatPercent(0.5)).to.equal('0.5%');
    expect(() => formatPercent('5%')).to.throw(RangeError);
  });

  it('computes working-day deadlines with the calendar, including administrator overrides', function () {
    const hbs = Handlebars.create();
    registerHelpers(hbs);
    const t = hbs.compile('{{deadline "T1" d}}|{{deadlineText "T1" d}}');
    const limits = new TimeLimits();
    // Friday 20 March 2026 + 5 working days = Friday 27 March.
    const plain = t({ d: '2026-03-20' }, { data: { calendar: new WorkingDayCalendar(), limits } });
    expect(plain).to.equal('2026年3月27日|5个工作日（至2026年3月27日，依据：令87 Art.16）');
    // The administrator declares Monday 23 March a holiday: the period ends one working day later.
    const cal = new WorkingDayCalendar([{ date: '2026-03-23', kind: 'holiday', name: '测试停工日' }]);
    expect(t({ d: '2026-03-20' }, { data: { calendar: cal, limits } })).to.match(/^2026年3月30日\|/);
    // Across the 2026 National Day holiday (chinese-days data): 30 Sep + 1 WD is not in the holiday week.
    const across = hbs.compile('{{deadline "T11" d}}')({ d: '2026-09-30' }, { data: { calendar: new WorkingDayCalendar(), limits } });
    expect(across).to.not.match(/^2026年10月[1-7]日$/);
  });
});
