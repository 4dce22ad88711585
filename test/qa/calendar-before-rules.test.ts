/**
 * QA: some legal limits count BACK from an event — T4 a substantive clarification at least 15 days before the bid
 * deadline, T5, T29c, W2, A1 likewise, T30 experts drawn no earlier than 2 WD before evaluation. They were counted
 * forward, so POST /api/deadlines {T4, bid deadline 2017-10-16} answered 2017-10-31 — after the deadline it guards.
 * Brief §2.3: the latest T4 clarification for a 2017-10-16 deadline is 2017-10-01, inside the National Day
 * holiday, "so plan earlier": the last working day before it is the 调休 Saturday 2017-09-30.
 */
import { expect } from 'chai';
import request from 'supertest';
import { computeDeadline } from '../../server/calendar/deadlines.ts';
import { TimeLimits } from '../../server/calendar/time-limits.ts';
import { WorkingDayCalendar } from '../../server/calendar/working-days.ts';
import { startHarness, type Harness } from '../api/harness.ts';

const at = (date: string) => new Date(`${date}T10:00:00+08:00`);

describe('QA deadlines: limits counted back from an event', () => {
  const cal = new WorkingDayCalendar();
  const limits = new TimeLimits();

  it('T4: latest substantive clarification before a 2017-10-16 bid deadline is 2017-10-01, moved back to 2017-09-30', () => {
    const d = computeDeadline(cal, limits, 'T4', at('2017-10-16'));
    expect(d).to.include({ direction: 'before', dueDate: '2017-09-30', rolledFrom: '2017-10-01' });
    expect(d.dueDate < d.anchorDate).to.equal(true);
  });

  it('T5, T29c, A1: calendar days back; a working last day stays', () => {
    expect(computeDeadline(cal, limits, 'T5', at('2017-10-19'))).to.include({ direction: 'before', dueDate: '2017-10-16', rolledFrom: null });
    expect(computeDeadline(cal, limits, 'T29c', at('2017-10-20'))).to.include({ dueDate: '2017-10-13', rolledFrom: '2017-10-15' });
    expect(computeDeadline(cal, limits, 'A1', at('2017-10-09'))).to.include({ dueDate: '2017-09-30', rolledFrom: '2017-10-02' });
  });

  it('T30: experts drawn no earlier than 2 working days before a Monday evaluation → the Thursday', () => {
    expect(computeDeadline(cal, limits, 'T30', at('2017-10-16'))).to.include({ direction: 'before', dueDate: '2017-10-12' });
    // across the National Day week: 2 WD before 2017-10-09 are 09-29 and 09-30 (the make-up Saturday)
    expect(computeDeadline(cal, limits, 'T30', at('2017-10-09'))).to.include({ dueDate: '2017-09-29' });
  });

  it('every other period still counts forward', () => {
    const d = computeDeadline(cal, limits, 'T3', at('2017-09-25'));
    expect(d).to.include({ direction: 'after', dueDate: '2017-10-16' });
  });

  describe('over HTTP', () => {
    let h: Harness;
    before(async () => {
      h = await startHarness();
    });
    after(async () => {
      await h.close();
    });
    it('POST /api/deadlines answers T4 with a date before the anchor and says so', async () => {
      const token = await h.token('agency');
      const res = await request(h.app).post('/api/deadlines').set({ Authorization: `Bearer ${token}` }).send({ ruleId: 'T4', anchor: '2017-10-16T09:00:00+08:00' });
      expect(res.status).to.equal(200);
      expect(res.body).to.include({ direction: 'before', dueDate: '2017-09-30', rolledFrom: '2017-10-01' });
    });
  });
});
