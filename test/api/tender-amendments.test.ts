/**
 * Amendments on the real 2026 calendar (chinese-days: 中秋 09-25..27, 国庆 10-01..07, make-up days 09-20 and
 * 10-10): a substantive amendment less than 15 days before the deadline moves it (T4), a holiday on the last day
 * rolls the new deadline forward, a holiday before the deadline pulls the latest issue day earlier; the deadline
 * moves at once for bidders, and the process gets `tender-amended` with a time to live until the deadline.
 */
import { expect } from 'chai';
import request from 'supertest';
import { QueryTypes } from 'sequelize';
import { applyAmendmentJob } from '../../server/tender/lifecycle.ts';
import { publishTender } from '../../server/tender/publish.ts';
import { configureSealing } from '../../server/tender/sealing.ts';
import { renderDocument } from '../../server/documents/render.ts';
import { startHarness, bearer, DEMO_PASSWORD, type Harness } from './harness.ts';
import { bidContent, job, MASTER_KEY, tenderVars } from './tender-fixtures.ts';

describe('tender amendments (T4) on real calendar dates', function () {
  this.timeout(120_000);
  let h: Harness;
  let tenderId: number;
  const tokens = new Map<string, string>();
  const setClock = (at: string) => {
    h.clock.set(at);
    tokens.clear();
  };
  const auth = async (u: string) => {
    if (!tokens.has(u)) tokens.set(u, (await request(h.app).post('/api/auth/login').send({ username: u, password: DEMO_PASSWORD })).body.token);
    return { Authorization: bearer(tokens.get(u)!) };
  };
  const amend = async (body: Record<string, unknown>) =>
    request(h.app).post(`/api/tenders/${tenderId}/amendments`).set(await auth('agency')).send({ title: '澄清或修改', changes: [{ item: '技术参数第1项', original: '内存≥8GB', revised: '内存≥16GB' }], ...body });

  before(async () => {
    h = await startHarness({ deploy: ['api-approval.bpmn'] });
    configureSealing(h.tdb.db.sequelize, { key: MASTER_KEY, keyFile: '/nonexistent/unused.key' });
    setClock('2026-09-01T01:00:00Z'); // Tue 09:00 Shanghai: T3 → 09-21 at the earliest
    const out = await publishTender(h.tdb.db, h.clock, job('publish-tender', tenderVars({ bidDeadline: '2026-09-30T09:30' })));
    tenderId = out.tenderId;
    expect(out.bidDeadlineMinAt).to.equal('2026-09-20T16:00:00.000Z');
  });
  after(async () => {
    await h.close();
  });

  it('a substantive amendment 15 or more days before the deadline leaves it', async () => {
    setClock('2026-09-10T02:00:00Z');
    const res = await amend({ substantive: true });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body.moved).to.equal(false);
    expect(res.body.bidDeadlineAt).to.equal('2026-09-30T01:30:00.000Z');
    expect(res.body.basis).to.contain('2026-09-15');
  });

  it('less than 15 days before: the deadline moves to 15 days after the amendment, rolled past 国庆 to 10-08', async () => {
    setClock('2026-09-20T02:00:00Z'); // Sunday, a make-up working day
    const res = await amend({ substantive: true });
    expect(res.status).to.equal(201);
    expect(res.body.moved).to.equal(true);
    // 09-20 + 15 = 10-05 (国庆), next working day 10-08; same time of day 09:30.
    expect(res.body.newDeadlineAt).to.equal('2026-10-08T01:30:00.000Z');
    expect(res.body.basis).to.contain('2026-10-05 非工作日顺延');
    const t = await request(h.app).get(`/api/tenders/${tenderId}`).set(await auth('supplier'));
    expect(t.body.bidDeadlineAt).to.equal('2026-10-08T01:30:00.000Z');
    expect(t.body.bidDeadlineBasis).to.contain('第 2 号澄清/修改');
    // The process is told, with a time to live until the new deadline.
    const msgs = await h.tdb.db.sequelize.query<{ variables: string; expires_at: Date | string }>("SELECT variables, expires_at FROM engine_messages WHERE name = 'tender-amended' ORDER BY id", { type: QueryTypes.SELECT });
    expect(msgs).to.have.length(2);
    expect(JSON.parse(msgs[1].variables)).to.deep.equal({ amendmentId: res.body.amendmentId });
    expect(new Date(msgs[1].expires_at).toISOString()).to.equal('2026-10-08T01:30:00.000Z');
  });

  it('bids are accepted until the moved deadline (the old one no longer closes the window)', async () => {
    setClock('2026-09-30T02:00:00Z'); // after the original 09-30 09:30
    const res = await request(h.app).post(`/api/tenders/${tenderId}/bids`).set(await auth('supplier')).send(bidContent());
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
  });

  it('中秋 before the deadline pulls the latest issue day earlier: an amendment on 09-25 moves 10-08 to 10-13', async () => {
    // Deadline now 10-08: T4 latest issue day 10-08 − 15 = 09-23 (a working day). Issued 09-25 (中秋 holiday) is late;
    // forward 09-25 + 15 = 10-10 (make-up working day), but counted back from 10-10/11/12 the latest day is 09-24
    // (09-25..27 are holidays, moved earlier), so the first deadline that passes T4 is 10-13.
    setClock('2026-09-25T02:00:00Z');
    const res = await amend({ substantive: true });
    expect(res.body.moved).to.equal(true);
    expect(res.body.newDeadlineAt).to.equal('2026-10-13T01:30:00.000Z');
    expect(res.body.basis).to.contain('最早为 2026-10-13');
  });

  it('a non-substantive clarification does not move it; a later deadline can be set expressly; only forward', async () => {
    setClock('2026-10-09T02:00:00Z');
    const plain = await amend({ substantive: false });
    expect(plain.body.moved).to.equal(false);
    const later = await amend({ substantive: false, newBidDeadline: '2026-10-20T09:30' });
    expect(later.body.moved).to.equal(true);
    expect(later.body.newDeadlineAt).to.equal('2026-10-20T01:30:00.000Z');
    const earlier = await amend({ substantive: false, newBidDeadline: '2026-10-15T09:30' });
    expect(earlier.body.moved).to.equal(false);
    expect(earlier.body.bidDeadlineAt).to.equal('2026-10-20T01:30:00.000Z');
    const bad = await amend({ substantive: false, newBidDeadline: '2026-02-30T09:30' });
    expect(bad.status).to.equal(422);
    expect(bad.body.error.details[0].path).to.equal('newBidDeadline');
  });

  it('apply-amendment hands the process the current deadline and a clarification notice that renders', async () => {
    const list = await request(h.app).get(`/api/tenders/${tenderId}/amendments`).set(await auth('supplier'));
    expect(list.body.amendments.map((a: { moved: boolean }) => a.moved)).to.deep.equal([false, true, true, false, true, false]);
    const second = list.body.amendments[1];
    const j = job('apply-amendment', { amendmentId: second.amendmentId, tenderId });
    const out = await applyAmendmentJob(h.tdb.db, j);
    expect(out.bidDeadlineAt).to.equal('2026-10-20T01:30:00.000Z');
    const notice = out.clarificationNoticeData as Record<string, unknown>;
    expect(notice).to.include({ affectsBidPreparation: true, originalBidDeadline: '2026-09-30T09:30:00+08:00', newBidDeadline: '2026-10-08T09:30:00+08:00', noticeDate: '2026-09-20', originalNoticeDate: '2026-09-01' });
    expect(renderDocument('clarification-notice', notice).html).to.contain('内存≥16GB');
    expect(await applyAmendmentJob(h.tdb.db, j)).to.deep.equal(out);
  });

  it('canceling the process instance cancels its tender (the engine listener, in the same transaction)', async () => {
    setClock('2026-10-09T03:00:00Z');
    const ref = await h.engine.startInstance({ bpmnProcessId: 'api_approval', variables: { amount: 1000 }, startedBy: 'purchaser' });
    const out = await publishTender(h.tdb.db, h.clock, job('publish-tender', tenderVars({ bidDeadline: '2026-11-30T09:30' }), { instanceId: ref.instanceId }));
    await h.engine.cancelInstance(ref.instanceId, 'process_admin');
    const t = await request(h.app).get(`/api/tenders/${out.tenderId}`).set(await auth('supplier'));
    expect(t.body.status).to.equal('canceled');
    expect(t.body.biddingOpen).to.equal(false);
    const late = await request(h.app).post(`/api/tenders/${out.tenderId}/bids`).set(await auth('supplier')).send(bidContent());
    expect(late.body.error.code).to.equal('BID_WINDOW_CLOSED');
  });
});
