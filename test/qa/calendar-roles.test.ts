/**
 * QA: every calendar route checks the caller. Without a token every route is 401; only process_admin writes, and a
 * refused write changes nothing (the calendar version stays the same). Held up when written; kept as a guard.
 */
import { expect } from 'chai';
import request from 'supertest';
import { ROLES } from '../../server/auth/roles.ts';
import { startHarness, type Harness } from '../api/harness.ts';

describe('QA calendar: who may call each route', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.close();
  });
  const auth = async (u: string) => ({ Authorization: `Bearer ${await h.token(u)}` });
  const override = { kind: 'holiday', name: '停工', reason: '区政府通知' };

  it('answers 401 on every route without a valid token', async () => {
    const calls = [
      request(h.app).get('/api/calendar/days?from=2017-10-01&to=2017-10-02'),
      request(h.app).get('/api/calendar/overrides'),
      request(h.app).put('/api/calendar/overrides/2017-10-16').send(override),
      request(h.app).delete('/api/calendar/overrides/2017-10-16'),
      request(h.app).put('/api/calendar/years/2027').send({ basis: '国办发明电〔2026〕1号' }),
      request(h.app).get('/api/time-limits'),
      request(h.app).post('/api/deadlines').send({ ruleId: 'T3', anchor: '2017-09-25T09:00:00+08:00' }),
    ];
    for (const c of calls) expect((await c.set('Authorization', 'Bearer not.a.token')).status).to.equal(401);
  });

  it('lets only process_admin write, and a refused write changes nothing', async () => {
    const version = async () => (await request(h.app).get('/api/calendar/days?from=2017-10-16&to=2017-10-16').set(await auth('purchaser'))).body.calendarVersion;
    const before = await version();
    for (const role of ROLES.filter((r) => r !== 'process_admin')) {
      const a = await auth(role);
      expect((await request(h.app).put('/api/calendar/overrides/2017-10-16').set(a).send(override)).status, role).to.equal(403);
      expect((await request(h.app).delete('/api/calendar/overrides/2017-10-16').set(a)).status, role).to.equal(403);
      expect((await request(h.app).put('/api/calendar/years/2027').set(a).send({ basis: '国办发明电〔2026〕1号' })).status, role).to.equal(403);
      expect((await request(h.app).get('/api/calendar/overrides').set(a)).status, role).to.equal(200);
    }
    expect(await version()).to.equal(before);
    const body = (await request(h.app).get('/api/calendar/overrides').set(await auth('auditor'))).body;
    expect(body).to.deep.equal({ overrides: [], years: [] });
  });
});
