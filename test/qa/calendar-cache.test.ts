/**
 * QA: a second process on the same database must never keep using a calendar an administrator has changed.
 * The cache was keyed on COUNT and MAX(updated_at) of the rows, so an edit that kept both (a re-edit of a day in
 * the same millisecond, or from a server whose clock lags; a delete and an insert with the same time) went
 * unseen, and two different calendars carried the same calendarVersion.
 */
import { expect } from 'chai';
import { ManualClock } from '../../server/clock.ts';
import { createCalendarService } from '../../server/calendar/service.ts';
import { testDatabase, type TestDatabase } from '../helpers/db.ts';

describe('QA calendar: the cache follows every change made by another service', () => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await testDatabase();
  });
  afterEach(async () => {
    await t.drop();
  });

  it('sees a day re-edited with the same timestamp (same millisecond, or a lagging clock)', async () => {
    const clock = new ManualClock('2026-03-02T01:00:00Z');
    const reader = createCalendarService(t.db, clock);
    const editor = createCalendarService(t.db, clock);
    await editor.putOverride({ date: '2017-10-16', kind: 'holiday', name: '停工', reason: '区政府通知' }, 'process_admin');
    const before = await reader.calendar();
    expect(before.isWorkingDay('2017-10-16')).to.equal(false);
    await editor.putOverride({ date: '2017-10-16', kind: 'workday', name: '恢复上班', reason: '通知撤销' }, 'process_admin');
    const after = await reader.calendar();
    expect(after.isWorkingDay('2017-10-16')).to.equal(true);
    expect(after.version).to.not.equal(before.version);
  });

  it('sees a delete plus an insert that leave the row count and latest time unchanged', async () => {
    const clock = new ManualClock('2026-03-02T01:00:00Z');
    const reader = createCalendarService(t.db, clock);
    const editor = createCalendarService(t.db, clock);
    await editor.putOverride({ date: '2017-10-17', kind: 'holiday', name: '停工', reason: '区政府通知' }, 'process_admin');
    await editor.putOverride({ date: '2017-10-18', kind: 'holiday', name: '停工', reason: '区政府通知' }, 'process_admin');
    expect((await reader.calendar()).isWorkingDay('2017-10-19')).to.equal(true);
    await editor.deleteOverride('2017-10-17');
    await editor.putOverride({ date: '2017-10-19', kind: 'holiday', name: '停工', reason: '改期' }, 'process_admin');
    const cal = await reader.calendar();
    expect(cal.isWorkingDay('2017-10-17')).to.equal(true);
    expect(cal.isWorkingDay('2017-10-19')).to.equal(false);
  });

  it('gives the same data the same calendarVersion in every process, and different data a different one', async () => {
    const clock = new ManualClock('2026-03-02T01:00:00Z');
    const a = createCalendarService(t.db, clock);
    const empty = (await a.calendar()).version;
    await a.putOverride({ date: '2017-10-16', kind: 'holiday', name: '停工', reason: '区政府通知' }, 'process_admin');
    const one = (await createCalendarService(t.db, clock).calendar()).version;
    expect(one).to.not.equal(empty);
    expect((await a.calendar()).version).to.equal(one);
  });
});
