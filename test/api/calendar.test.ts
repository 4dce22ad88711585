/** Calendar and deadline routes: who may edit, validation, and an override changing a computed deadline. */
import { expect } from 'chai';
import request from 'supertest';
import { startHarness, type Harness } from './harness.ts';

describe('calendar API', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.close();
  });
  const auth = async (u: string) => ({ Authorization: `Bearer ${await h.token(u)}` });

  it('lists days with their kind for any logged-in user, and refuses bad ranges', async () => {
    const res = await request(h.app).get('/api/calendar/days?from=2017-09-29&to=2017-10-09').set(await auth('purchaser'));
    expect(res.status).to.equal(200);
    expect(res.body.days).to.have.length(11);
    expect(res.body.days[1]).to.include({ date: '2017-09-30', working: true, kind: 'makeup_workday' });
    expect(res.body.days[2]).to.include({ date: '2017-10-01', working: false, kind: 'holiday', name: '国庆节' });
    const bad = await request(h.app).get('/api/calendar/days?from=2017-02-30&to=2017-03-01').set(await auth('purchaser'));
    expect(bad.status).to.equal(422);
    expect(bad.body.error.details[0].path).to.equal('from');
    const reversed = await request(h.app).get('/api/calendar/days?from=2017-03-02&to=2017-03-01').set(await auth('purchaser'));
    expect(reversed.status).to.equal(422);
    expect((await request(h.app).get('/api/calendar/days?from=2017-03-01&to=2017-03-02')).status).to.equal(401);
  });

  it('computes a deadline with its legal basis; a wrong rule or anchor is a clear error', async () => {
    const res = await request(h.app).post('/api/deadlines').set(await auth('agency')).send({ ruleId: 'T3', anchor: '2017-09-25T09:00:00+08:00' });
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ dueDate: '2017-10-16', rolledFrom: '2017-10-15', dayType: 'CD', value: 20 });
    expect(res.body.basis).to.contain('Art.35');
    const unknown = await request(h.app).post('/api/deadlines').set(await auth('agency')).send({ ruleId: 'T99', anchor: '2017-09-25T09:00:00+08:00' });
    expect(unknown.status).to.equal(404);
    const notPeriod = await request(h.app).post('/api/deadlines').set(await auth('agency')).send({ ruleId: 'T7', anchor: '2017-09-25T09:00:00+08:00' });
    expect(notPeriod.status).to.equal(422);
    expect(notPeriod.body.error.details[0].path).to.equal('ruleId');
    const badAnchor = await request(h.app).post('/api/deadlines').set(await auth('agency')).send({ ruleId: 'T3', anchor: 'next monday' });
    expect(badAnchor.status).to.equal(422);
    expect(badAnchor.body.error.details[0].path).to.equal('anchor');
  });

  it('only the process administrator edits the calendar; an override moves deadlines and can be removed', async () => {
    const body = { kind: 'holiday', name: '防汛停工', reason: '区政府通知（测试）' };
    const denied = await request(h.app).put('/api/calendar/overrides/2017-10-16').set(await auth('supervisor')).send(body);
    expect(denied.status).to.equal(403);
    const noReason = await request(h.app).put('/api/calendar/overrides/2017-10-16').set(await auth('process_admin')).send({ ...body, reason: '' });
    expect(noReason.status).to.equal(422);
    expect((await request(h.app).get('/api/calendar/overrides').set(await auth('purchaser'))).body.overrides).to.deep.equal([]);

    const put = await request(h.app).put('/api/calendar/overrides/2017-10-16').set(await auth('process_admin')).send(body);
    expect(put.status).to.equal(200);
    expect(put.body).to.include({ date: '2017-10-16', kind: 'holiday', updatedBy: 'process_admin' });
    const moved = await request(h.app).post('/api/deadlines').set(await auth('agency')).send({ ruleId: 'T3', anchor: '2017-09-25T09:00:00+08:00' });
    expect(moved.body.dueDate).to.equal('2017-10-17');
    expect(moved.body.calendarVersion).to.not.equal('');

    expect((await request(h.app).delete('/api/calendar/overrides/2017-10-16').set(await auth('process_admin'))).status).to.equal(200);
    expect((await request(h.app).delete('/api/calendar/overrides/2017-10-16').set(await auth('process_admin'))).status).to.equal(404);
    const back = await request(h.app).post('/api/deadlines').set(await auth('agency')).send({ ruleId: 'T3', anchor: '2017-09-25T09:00:00+08:00' });
    expect(back.body.dueDate).to.equal('2017-10-16');
  });

  it('declaring a year scheduled removes the warning', async () => {
    const anchor = '2026-12-20T09:00:00+08:00';
    const before = await request(h.app).post('/api/deadlines').set(await auth('agency')).send({ ruleId: 'T3', anchor });
    expect(before.body.warnings.join()).to.contain('2027');
    const bad = await request(h.app).put('/api/calendar/years/2027').set(await auth('process_admin')).send({ basis: '' });
    expect(bad.status).to.equal(422);
    const ok = await request(h.app).put('/api/calendar/years/2027').set(await auth('process_admin')).send({ basis: '国办发明电〔2026〕1号（测试）' });
    expect(ok.status).to.equal(200);
    const after = await request(h.app).post('/api/deadlines').set(await auth('agency')).send({ ruleId: 'T3', anchor });
    expect(after.body.warnings).to.deep.equal([]);
  });

  it('shows the legal time limits in force on a date', async () => {
    const res = await request(h.app).get('/api/time-limits?date=2017-09-25').set(await auth('auditor'));
    expect(res.status).to.equal(200);
    expect(res.body.effectiveFrom).to.equal('2015-03-01');
    expect(res.body.rules.find((r: { id: string }) => r.id === 'T3')).to.include({ value: 20, dayType: 'CD' });
    expect((await request(h.app).get('/api/time-limits?date=2014-01-01').set(await auth('auditor'))).status).to.equal(404);
  });
});
