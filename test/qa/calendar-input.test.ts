/**
 * QA: the calendar routes answer impossible or out-of-range input with a 422 naming the field, never a 500 or a
 * silently wrong answer (the year 9999 overflowed the date arithmetic; hex years were accepted; long ranges
 * were cut at 400 days without saying so).
 */
import { expect } from 'chai';
import request from 'supertest';
import { startHarness, type Harness } from '../api/harness.ts';

describe('QA calendar: out-of-range and malformed input', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.close();
  });
  const auth = async (u: string) => ({ Authorization: `Bearer ${await h.token(u)}` });

  it('GET /api/calendar/days refuses dates outside the supported years instead of failing with 500', async () => {
    for (const [from, to, field] of [
      ['9999-12-31', '9999-12-31', 'from'],
      ['2017-01-01', '9999-12-31', 'to'],
      ['0000-01-01', '0000-01-03', 'from'],
    ]) {
      const res = await request(h.app).get(`/api/calendar/days?from=${from}&to=${to}`).set(await auth('purchaser'));
      expect(res.status, `${from}..${to}`).to.equal(422);
      expect(res.body.error.details.map((d: { path: string }) => d.path)).to.include(field);
    }
  });

  it('GET /api/calendar/days refuses a range longer than it will return, instead of truncating it', async () => {
    const ok = await request(h.app).get('/api/calendar/days?from=2017-01-01&to=2018-02-04').set(await auth('purchaser'));
    expect(ok.status).to.equal(200);
    expect(ok.body.days).to.have.length(400);
    const tooLong = await request(h.app).get('/api/calendar/days?from=2017-01-01&to=2018-02-05').set(await auth('purchaser'));
    expect(tooLong.status).to.equal(422);
    expect(tooLong.body.error.details[0].path).to.equal('to');
  });

  it('POST /api/deadlines refuses an anchor whose deadline is beyond the supported years (no 500)', async () => {
    for (const anchor of ['9999-12-31T15:00:00Z', '9999-12-31T20:00:00Z', '0000-01-01T00:00:00Z']) {
      const res = await request(h.app).post('/api/deadlines').set(await auth('agency')).send({ ruleId: 'T1', anchor });
      expect(res.status, anchor).to.equal(422);
      expect(res.body.error.details[0].path).to.equal('anchor');
    }
  });

  it('PUT /api/calendar/overrides refuses a date outside the supported years, and changes nothing', async () => {
    const res = await request(h.app).put('/api/calendar/overrides/9999-12-31').set(await auth('process_admin')).send({ kind: 'holiday', name: '测试', reason: '测试理由' });
    expect(res.status).to.equal(422);
    expect((await request(h.app).get('/api/calendar/overrides').set(await auth('purchaser'))).body.overrides).to.deep.equal([]);
  });

  it('PUT /api/calendar/years/:year takes only a four-digit year (not hex, exponent or decimal forms)', async () => {
    for (const y of ['0x7E3', '2.027e3', '2027.0', '+2027', ' 2027']) {
      const res = await request(h.app).put(`/api/calendar/years/${encodeURIComponent(y)}`).set(await auth('process_admin')).send({ basis: '国办发明电〔2026〕1号' });
      expect(res.status, y).to.equal(422);
      expect(res.body.error.details[0].path).to.equal('year');
    }
    expect((await request(h.app).get('/api/calendar/overrides').set(await auth('purchaser'))).body.years).to.deep.equal([]);
  });
});
