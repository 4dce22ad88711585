/**
 * The public 投诉举报 channel: POST /api/reports without a login returns a tracking code; GET /api/reports/:code
 * shows the status and the reply (not the facts or the contact); size limits and a per-address rate limit; the
 * supervision unit handles the report in its inbox (processes/staff-report.bpmn) and its reply appears under the code.
 */
import { expect } from 'chai';
import request from 'supertest';
import { startChain, type Chain } from '../chain/driver.ts';

const report = (over: Record<string, unknown> = {}) => ({
  category: '工作作风', subject: '开标现场工作人员态度恶劣', facts: '2026年3月5日开标时，交易中心一名工作人员拒绝供应商查看签到表并出言不逊。', contact: '13800000000', ...over,
});

describe('API: public 投诉举报 channel (/api/reports)', function () {
  this.timeout(60_000);
  let c: Chain;
  let code = '';
  before(async () => {
    c = await startChain();
  });
  after(async () => {
    await c?.close();
  });

  it('files without a login and returns a tracking code; the code shows status, not the facts or the contact', async () => {
    const res = await request(c.app).post('/api/reports').send(report());
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body.trackingCode).to.match(/^JB-[A-Z0-9]{16}$/);
    expect(res.body.status).to.equal('received');
    code = res.body.trackingCode;
    const shown = await request(c.app).get(`/api/reports/${code}`);
    expect(shown.status).to.equal(200);
    expect(shown.body).to.include({ trackingCode: code, status: 'received', category: '工作作风', reply: null });
    expect(JSON.stringify(shown.body)).to.not.contain('13800000000').and.not.contain('出言不逊');
  });

  it('the filing is an audit entry of its own transaction, without the reporter\'s contact', async () => {
    const entries = (await c.get('auditor', '/api/audit?action=report.filed')).body.entries;
    expect(entries).to.have.length(1);
    expect(entries[0]).to.deep.include({ actor: null, objectType: 'report', summary: { after: { category: '工作作风' } } });
    expect(JSON.stringify(entries)).to.not.contain('13800000000');
  });

  it('refuses bad input naming the field: unknown category, facts too short or too long, extra fields', async () => {
    for (const body of [report({ category: '随便' }), report({ facts: '太短' }), report({ facts: '字'.repeat(5001) }), { ...report(), admin: true }]) {
      const res = await request(c.app).post('/api/reports').send(body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).to.be.oneOf([400, 422]);
      expect(res.body.error.code).to.be.a('string');
    }
    expect((await request(c.app).get('/api/reports/JB-AAAAAAAAAAAAAAAA')).status).to.equal(404);
    expect((await request(c.app).get('/api/reports/not-a-code')).status).to.be.oneOf([400, 422]);
  });

  it('limits filings per address: the sixth within an hour is 429, an hour later it is accepted again', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await request(c.app).post('/api/reports').send(report({ subject: `第${i}件举报事项` }))).status);
    // One was filed by the first test: four more are allowed, the fifth and sixth are not.
    expect(statuses).to.deep.equal([201, 201, 201, 201, 429]);
    const limited = await request(c.app).post('/api/reports').send(report());
    expect(limited.body.error.code).to.equal('RATE_LIMITED');
    await c.advance(3_600_001);
    expect((await request(c.app).post('/api/reports').send(report())).status).to.equal(201);
  });

  it('the supervision unit handles it in its inbox; the reply appears under the tracking code', async () => {
    const tasks = await c.inbox('supervisor', { elementId: 'handle_report' });
    expect(tasks.length).to.be.at.least(6);
    expect((await c.inbox('purchaser', { elementId: 'handle_report' }))).to.deep.equal([]);
    const list = await c.get('supervisor', '/api/reports');
    expect(list.status).to.equal(200);
    const mine = (list.body.reports as Array<Record<string, unknown>>).find((r) => r.trackingCode === code)!;
    expect(mine.contact).to.equal('13800000000');
    await c.complete('supervisor', mine.instanceId as string, 'handle_report', { reportReply: '经核查情况属实，已对该工作人员批评教育并调整岗位。' });
    const shown = await request(c.app).get(`/api/reports/${code}`);
    expect(shown.body.status).to.equal('replied');
    expect(shown.body.reply).to.contain('批评教育');
  });

  it('only supervision and audit list reports', async () => {
    expect((await c.get('supplier', '/api/reports')).status).to.equal(403);
    expect((await c.get('auditor', '/api/reports')).status).to.equal(200);
    expect((await request(c.app).get('/api/reports')).status).to.equal(401);
  });
});
