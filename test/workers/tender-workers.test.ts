/**
 * The tender workers on a real database with a ManualClock: publish-tender (legal minimum deadline per method on
 * the calendar, deposit cap, TENDER_INVALID problems, rounds), open-bids (refused early, T7 no opening below
 * minBids, a tampered bid fails its seal check), record-failed-tender, record-challenge-reply; each idempotent on
 * a repeated job key, and every document data object renders with its template.
 */
import { expect } from 'chai';
import { ManualClock } from '../../server/clock.ts';
import { seedDemo } from '../../server/seed/demo.ts';
import { renderDocument } from '../../server/documents/render.ts';
import { BpmnError, type Job, type Variables, type WorkerContext } from '../../server/engine/port.ts';
import { TENDER_WORKERS } from '../../server/tender/workers.ts';
import { openedBidsOf, markTenderAwarded } from '../../server/tender/index.ts';
import { submitBid, submitBidSchema } from '../../server/tender/bids.ts';
import { tenderModels } from '../../server/tender/models.ts';
import { tenderCancelListener } from '../../server/tender/lifecycle.ts';
import { configureSealing } from '../../server/tender/sealing.ts';
import { testDatabase, type TestDatabase } from '../helpers/db.ts';
import { addSupplier, authUser, bidContent, job, MASTER_KEY, tenderVars, type SupplierAccount } from '../api/tender-fixtures.ts';

const ctx: WorkerContext = { now: () => new Date(), log: () => undefined };

describe('tender workers', function () {
  this.timeout(120_000);
  let tdb: TestDatabase;
  const clock = new ManualClock('2026-03-02T01:00:00Z');
  const suppliers: SupplierAccount[] = [];
  const run = async (type: string, j: Job): Promise<Variables> => (await TENDER_WORKERS[type].create({ db: tdb.db, clock })(j, ctx)) as Variables;
  const expectBpmnError = async (p: Promise<unknown>, code: string): Promise<BpmnError> => {
    try {
      await p;
    } catch (e) {
      expect(e).to.be.instanceOf(BpmnError);
      expect((e as BpmnError).code).to.equal(code);
      return e as BpmnError;
    }
    throw new Error('expected a BpmnError');
  };
  const bid = async (username: string, tenderId: number, unit: number, bidder?: SupplierAccount['bidder']) =>
    submitBid(tdb.db, clock, await authUser(tdb.db, username), tenderId, submitBidSchema.parse({ ...bidContent(unit, unit + 1000), ...(bidder ? { bidder } : {}) }));

  before(async () => {
    tdb = await testDatabase();
    await seedDemo(tdb.db, { password: 'demo1234' });
    configureSealing(tdb.db.sequelize, { key: MASTER_KEY, keyFile: '/nonexistent/unused.key' });
    for (const [i, name] of ['绵阳甲科技有限公司', '绵阳乙科技有限公司', '绵阳丙科技有限公司'].entries()) {
      suppliers.push(await addSupplier(tdb.db, `wsup${i}`, name, `91510703MA6WK${i}00${i}`, 'demo1234'));
    }
  });
  after(async () => {
    await tdb.drop();
  });

  it('registers the five task types of CHAIN.md', () => {
    expect(Object.keys(TENDER_WORKERS).sort()).to.deep.equal(['apply-amendment', 'open-bids', 'publish-tender', 'record-challenge-reply', 'record-failed-tender']);
  });

  it('publish-tender: T3 and T1 on the calendar give the earliest deadline, with its legal basis; documents render', async () => {
    clock.set('2026-03-02T01:00:00Z'); // Monday 09:00 Shanghai
    const j = job('publish-tender', tenderVars(), { instanceId: 'pub-1' });
    const out = await run('publish-tender', j);
    expect(out).to.include({ tenderKey: String(out.tenderId), tenderRound: 1, minBids: 3, bidDeadlineAt: '2026-03-25T01:30:00.000Z', publishedAt: '2026-03-02T01:00:00.000Z' });
    // 03-02 + 20 days = 03-22, a Sunday: rolled to Monday 03-23 (00:00 Shanghai).
    expect(out.bidDeadlineMinAt).to.equal('2026-03-22T16:00:00.000Z');
    expect(out.bidDeadlineBasis).to.contain('政府采购法 Art.35').and.contain('2026-03-23').and.contain('2026-03-22 非工作日顺延').and.contain('T1');
    expect(out.tenderProblems).to.deep.equal([]);
    const notice = out.tenderNoticeData as Record<string, unknown>;
    expect(notice).to.include({ noticeDate: '2026-03-02', documentsFrom: '2026-03-02', documentsTo: '2026-03-09', bidDeadline: '2026-03-25T09:30:00+08:00' });
    expect(renderDocument('tender-notice', notice).html).to.contain('涪城区教育局2026年教学计算机采购项目');
    const docs = out.tenderDocumentsData as Record<string, unknown>;
    expect(docs).to.include({ depositFen: 1_000_000, evaluationMethod: '综合评分法', priceWeight: 30 });
    expect(renderDocument('tender-documents', docs).html).to.contain('台式计算机（教学用）');
    // The same job again: the same tender, no second row.
    expect(await run('publish-tender', j)).to.deep.equal(out);
    expect(await tenderModels(tdb.db.sequelize).Tender.count({ where: { instanceId: 'pub-1' } })).to.equal(1);
    // Two deliveries of one job at the same instant: one tender.
    const twin = job('publish-tender', tenderVars(), { instanceId: 'pub-twin' });
    const [x, y] = await Promise.all([run('publish-tender', twin), run('publish-tender', { ...twin })]);
    expect(x).to.deep.equal(y);
    expect(await tenderModels(tdb.db.sequelize).Tender.count({ where: { instanceId: 'pub-twin' } })).to.equal(1);
    // A re-tender of the instance is round 2.
    const second = await run('publish-tender', job('publish-tender', tenderVars(), { instanceId: 'pub-1' }));
    expect(second.tenderRound).to.equal(2);
  });

  it('publish-tender: too early a deadline, a deposit above 2 % and bad input are TENDER_INVALID with tenderProblems', async () => {
    clock.set('2026-03-02T01:00:00Z');
    const early = await expectBpmnError(run('publish-tender', job('publish-tender', tenderVars({ bidDeadline: '2026-03-22T23:59', depositYuan: '20000.01' }))), 'TENDER_INVALID');
    const problems = (early.variables as { tenderProblems: { path: string; reason: string }[] }).tenderProblems;
    expect(problems.map((p) => p.path).sort()).to.deep.equal(['bidDeadline', 'depositYuan']);
    expect(problems.find((p) => p.path === 'bidDeadline')!.reason).to.contain('2026-03-23');
    expect(problems.find((p) => p.path === 'depositYuan')!.reason).to.contain('20000.00');
    // Exactly 2 % is allowed; the first minute of the earliest day too.
    expect((await run('publish-tender', job('publish-tender', tenderVars({ bidDeadline: '2026-03-23T00:00', depositYuan: 20000 })))).tenderRound).to.equal(1);
    const junk = await expectBpmnError(run('publish-tender', job('publish-tender', tenderVars({ bidDeadline: '2026-03-25 09:30', depositYuan: '-1', method: '比选', itemsFen: [] }))), 'TENDER_INVALID');
    expect((junk.variables as { tenderProblems: { path: string }[] }).tenderProblems.map((p) => p.path).sort()).to.deep.equal(['bidDeadline', 'depositYuan', 'itemsFen', 'method']);
  });

  it('publish-tender: the other methods use T28, T29a and T27; single source needs one bid', async () => {
    clock.set('2026-03-02T01:00:00Z');
    const rfq = await run('publish-tender', job('publish-tender', tenderVars({ method: '询价', bidDeadline: '2026-03-05T09:00' })));
    expect(rfq.bidDeadlineMinAt).to.equal('2026-03-04T16:00:00.000Z'); // 3 working days → 03-05
    expect(rfq.bidDeadlineBasis).to.contain('T28');
    await expectBpmnError(run('publish-tender', job('publish-tender', tenderVars({ method: '竞争性谈判', bidDeadline: '2026-03-04T18:00' }))), 'TENDER_INVALID');
    const consult = await run('publish-tender', job('publish-tender', tenderVars({ method: '竞争性磋商', bidDeadline: '2026-03-12T09:00' })));
    expect(consult.bidDeadlineMinAt).to.equal('2026-03-11T16:00:00.000Z'); // 10 days → 03-12 (Thu)
    // Lowest evaluated price: no weights, no scoring table; the documents still render.
    const lowest = await run('publish-tender', job('publish-tender', tenderVars({ evaluationMethod: 'lowest_price', priceWeightPercent: null, technicalWeightPercent: null, businessWeightPercent: null })));
    const lowDocs = lowest.tenderDocumentsData as Record<string, unknown>;
    expect(lowDocs).to.include({ evaluationMethod: '最低评标价法' });
    expect(lowDocs.criteria).to.deep.equal([]);
    expect(renderDocument('tender-documents', lowDocs).html).to.contain('最低评标价法');
    const single = await run('publish-tender', job('publish-tender', tenderVars({ method: '单一来源', bidDeadline: '2026-03-09T09:00' })));
    expect(single.minBids).to.equal(1);
    expect(single.bidDeadlineBasis).to.contain('T27');
  });

  it('open-bids: refused before the deadline; below minBids nothing is decrypted; record-failed-tender then files the 废标', async () => {
    clock.set('2026-03-02T01:00:00Z');
    const pub = await run('publish-tender', job('publish-tender', tenderVars(), { instanceId: 'few-1' }));
    const tenderId = pub.tenderId as number;
    await bid('supplier', tenderId, 450_001);
    await bid('wsup0', tenderId, 450_002, suppliers[0].bidder);
    clock.set('2026-03-25T01:29:59Z');
    let err: unknown;
    try { await run('open-bids', job('open-bids', { tenderId })); } catch (e) { err = e; }
    expect(String(err)).to.contain('opening refused');
    clock.set('2026-03-25T01:30:00Z');
    const j = job('open-bids', { tenderId }, { instanceId: 'few-1' });
    const out = await run('open-bids', j);
    expect(out.bidCount).to.equal(2);
    expect(out.openedBids).to.deep.equal([]);
    const html = renderDocument('bid-opening-record', out.bidOpeningRecordData).html;
    expect(html).to.contain('不得开标').and.contain('绵阳甲科技有限公司');
    expect(JSON.stringify(out)).to.not.contain('450001');
    const t = await tenderModels(tdb.db.sequelize).Tender.findByPk(tenderId);
    expect(t!.get('status')).to.equal('open');
    expect(t!.get('openedAt')).to.equal(null);
    await tdb.db.withTransaction(async (tx) => {
      let sealed: unknown;
      try { await openedBidsOf(tx, tenderId); } catch (e) { sealed = e; }
      expect((sealed as { code: string }).code).to.equal('BIDS_SEALED');
    });
    expect(await run('open-bids', j)).to.deep.equal(out);

    const fj = job('record-failed-tender', { tenderId, bidCount: 2, minBids: 3 }, { instanceId: 'few-1' });
    const failed = await run('record-failed-tender', fj);
    expect(failed.failureReason).to.contain('2 家').and.contain('不足 3 家');
    const notice = failed.cancellationNoticeData as Record<string, unknown>;
    expect(notice.reason).to.equal('符合专业条件的供应商或者对招标文件作实质响应的供应商不足三家');
    expect(renderDocument('cancellation-notice', notice).html).to.contain('废标');
    expect((await tenderModels(tdb.db.sequelize).Tender.findByPk(tenderId))!.get('status')).to.equal('failed');
    clock.set('2026-03-26T01:00:00Z');
    expect(await run('record-failed-tender', fj)).to.deep.equal(failed);
  });

  it('open-bids: a bid whose ciphertext was altered in the database fails its seal check and is not handed on', async () => {
    clock.set('2026-03-02T01:00:00Z');
    const pub = await run('publish-tender', job('publish-tender', tenderVars(), { instanceId: 'tamper-1' }));
    const tenderId = pub.tenderId as number;
    const r1 = await bid('supplier', tenderId, 470_001);
    const r2 = await bid('wsup0', tenderId, 470_002, suppliers[0].bidder);
    const r3 = await bid('wsup1', tenderId, 470_003, suppliers[1].bidder);
    const r4 = await bid('wsup2', tenderId, 470_004, suppliers[2].bidder);
    const { Bid } = tenderModels(tdb.db.sequelize);
    const row = await Bid.findByPk(r4.bidId);
    const c = Buffer.from(row!.get('ciphertext') as Buffer);
    c[5] ^= 0x01; // one flipped bit
    await row!.update({ ciphertext: c });
    // Bid 3's ciphertext moved onto bid 2 (as a database writer might try): the AAD names the bid, so it fails too.
    const b3 = await Bid.findByPk(r3.bidId);
    await Bid.update({ ciphertext: b3!.get('ciphertext'), iv: b3!.get('iv'), authTag: b3!.get('authTag') }, { where: { id: r2.bidId } });
    clock.set('2026-03-25T02:00:00Z');
    const out = await run('open-bids', job('open-bids', { tenderId }));
    expect((out.openedBids as { bidId: number }[]).map((b) => b.bidId).sort()).to.deep.equal([r1.bidId, r3.bidId].sort());
    const lines = (out.bidOpeningRecordData as { bids: { bidder: string; sealIntact: boolean }[] }).bids;
    expect(lines.filter((l) => !l.sealIntact).map((l) => l.bidder).sort()).to.deep.equal(['绵阳丙科技有限公司', '绵阳甲科技有限公司']);
    const opened = await tdb.db.withTransaction((tx) => openedBidsOf(tx, tenderId));
    expect(opened.map((b) => b.content.totalPriceFen).sort()).to.deep.equal([470_001 * 100 + 471_001 * 20, 470_003 * 100 + 471_003 * 20].sort());
  });

  it('record-challenge-reply stores the answer once and prepares a reply letter; an upheld cancellation fails the tender', async () => {
    clock.set('2026-03-02T01:00:00Z');
    const pub = await run('publish-tender', job('publish-tender', tenderVars(), { instanceId: 'ch-1' }));
    const tenderId = pub.tenderId as number;
    const winner = await bid('supplier', tenderId, 460_001);
    await bid('wsup0', tenderId, 460_002, suppliers[0].bidder);
    await bid('wsup1', tenderId, 460_003, suppliers[1].bidder);
    clock.set('2026-03-25T01:30:00Z');
    expect((await run('open-bids', job('open-bids', { tenderId }))).bidCount).to.equal(3);
    clock.set('2026-04-01T02:00:00Z');
    await tdb.db.withTransaction((tx) => markTenderAwarded(tx, tenderId, winner.bidId, clock.now(), '2026-04-13T16:00:00.000Z'));
    const { Challenge } = tenderModels(tdb.db.sequelize);
    const org = (await authUser(tdb.db, 'wsup0')).organisation!.id;
    const c = await Challenge.create({
      tenderId, supplierId: 0, organisationId: org, submittedBy: 'wsup0', challengedDocument: '中标（成交）结果', status: 'filed',
      itemsJson: JSON.stringify([{ item: '中标人资格', request: '请求认定中标无效', facts: '中标人提供虚假业绩', law: '政府采购法第七十七条' }]),
      receivedAt: clock.now(), replyDueAt: new Date('2026-04-13T16:00:00Z'),
    });
    const challengeId = c.get('id') as number;
    clock.set('2026-04-03T02:00:00Z');
    const j = job('record-challenge-reply', { tenderId, challengeId, challengeOutcome: 'upheld_cancel', challengeReply: '经核实，中标人提供的业绩证明材料不实，质疑成立。' });
    const out = await run('record-challenge-reply', j);
    const data = out.challengeReplyData as { challenger: { name: string }; reply: { conclusion: string; replyDate: string } };
    expect(data.challenger.name).to.equal('绵阳甲科技有限公司');
    expect(data.reply).to.include({ conclusion: '质疑事项成立，采购结果受影响', replyDate: '2026-04-03' });
    expect(renderDocument('challenge-letter-reply', data).html).to.contain('业绩证明材料不实');
    clock.set('2026-04-05T02:00:00Z');
    expect(await run('record-challenge-reply', { ...j })).to.deep.equal(out);
    const stored = await Challenge.findByPk(challengeId);
    expect(stored!.get('outcome')).to.equal('upheld_cancel');
    // Variables of this round say enough bids and enough qualified: the reason is the upheld challenge.
    const failed = await run('record-failed-tender', job('record-failed-tender', { tenderId, bidCount: 3, minBids: 3, qualifiedCount: 3, challengeOutcome: 'upheld_cancel' }));
    expect((failed.cancellationNoticeData as { reason: string }).reason).to.equal('出现影响采购公正的违法、违规行为');
    expect(failed.failureReason).to.contain(`第 ${challengeId} 号`);
  });

  it('a canceled instance cancels its open tender: no more bids, nothing opens', async () => {
    clock.set('2026-03-02T01:00:00Z');
    const pub = await run('publish-tender', job('publish-tender', tenderVars(), { instanceId: 'cancel-1' }));
    const tenderId = pub.tenderId as number;
    await bid('supplier', tenderId, 480_001);
    await tdb.db.withTransaction(async (tx) => tenderCancelListener({ kind: 'instance.canceled', instanceId: 'cancel-1', objectId: 'cancel-1', actor: 'purchaser', at: clock.now(), data: {} }, tx));
    const t = await tenderModels(tdb.db.sequelize).Tender.findByPk(tenderId);
    expect(t!.get('status')).to.equal('canceled');
    let refused: unknown;
    try { await bid('supplier', tenderId, 480_002); } catch (e) { refused = e; }
    expect((refused as { code: string }).code).to.equal('BID_WINDOW_CLOSED');
    clock.set('2026-03-26T01:00:00Z');
    let err: unknown;
    try { await run('open-bids', job('open-bids', { tenderId })); } catch (e) { err = e; }
    expect(String(err)).to.contain('tender is not open');
    await tdb.db.withTransaction(async (tx) => {
      let sealed: unknown;
      try { await openedBidsOf(tx, tenderId); } catch (e) { sealed = e; }
      expect((sealed as { code: string }).code).to.equal('BIDS_SEALED');
    });
  });
});
