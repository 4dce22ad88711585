/**
 * qualify-bidders and confirm-qualification on a real database: the credit check of every bidder and consortium
 * member (stored checks as evidence), the price limit, the agency's review that cannot re-admit an automatic
 * exclusion, and the 供应商信用信息查询记录表 data (template 11).
 */
import { expect } from 'chai';
import { ManualClock } from '../../server/clock.ts';
import { BpmnError, type Job, type WorkerContext } from '../../server/engine/port.ts';
import { creditCodeCheckChar } from '../../server/registry/credit-code.ts';
import { creditModels } from '../../server/credit/models.ts';
import { renderDocument } from '../../server/documents/render.ts';
import { WORKER_TYPES } from '../../server/workers/index.ts';
import { CONFIRM_QUALIFICATION_TASK_TYPE, confirmQualificationWorker, QUALIFY_BIDDERS_TASK_TYPE, qualifyBiddersWorker } from '../../server/evaluation/workers.ts';
import { testDatabase, type TestDatabase } from '../helpers/db.ts';

const cc = (first17: string) => first17 + creditCodeCheckChar(first17);
const CLEAN = cc('91510703MA6AT3L50');
const BLACK = cc('91510703MA63FC001');
const LEADER = cc('91510703MA62XY1K0');
const MEMBER_BLACK = cc('91510703MA6BQ2R05');
const EXPIRED = cc('91510600MA6DL4P9Q');
const PRICEY = cc('91510703MA6CNP0J1');

describe('workers: qualify-bidders, confirm-qualification (资格审查与信用核查)', () => {
  let t: TestDatabase;
  const clock = new ManualClock('2026-04-14T02:00:00Z');
  const ctx: WorkerContext = { now: () => clock.now(), log: () => {} };

  before(async () => {
    t = await testDatabase();
    const { CreditRecord } = creditModels(t.db.sequelize);
    const rec = (subjectCode: string, subjectName: string, listName: string, validFrom: string, validTo: string | null, decisionNo: string) =>
      CreditRecord.create({
        subjectKind: 'supplier', subjectCode, subjectName, kind: 'black', listName, sourceUnit: 'czj', decisionNo, reason: '测试', legalBasis: '政府采购法第七十七条',
        validFrom, validTo, version: 1, createdBy: 't', createdAt: clock.now(), updatedBy: 't', updatedAt: clock.now(),
      });
    await rec(BLACK, '顺达印务有限公司', '政府采购严重违法失信行为记录名单', '2025-06-12', '2028-06-11', '涪财采处〔2025〕3号');
    await rec(MEMBER_BLACK, '天府办公家具有限公司', '失信被执行人', '2026-01-01', null, '（2026）川0703执123号');
    await rec(EXPIRED, '华西建设工程有限公司', '政府采购严重违法失信行为记录名单', '2022-03-01', '2024-02-29', '德财〔2022〕7号');
  });
  after(async () => {
    await t.drop();
  });

  const openedBids = [
    { bidId: 1, supplierId: 1, supplierName: '绵阳某某信息技术有限公司', creditCode: CLEAN, totalPriceFen: 350_000_000, sme: true, consortium: [] },
    { bidId: 2, supplierId: 2, supplierName: '顺达印务有限公司', creditCode: BLACK, totalPriceFen: 300_000_000, sme: true, consortium: [] },
    { bidId: 3, supplierId: 3, supplierName: '科创电子科技有限公司（联合体牵头人）', creditCode: LEADER, totalPriceFen: 340_000_000, sme: false, consortium: [{ name: '天府办公家具有限公司', creditCode: MEMBER_BLACK }] },
    { bidId: 4, supplierId: 4, supplierName: '华西建设工程有限公司', creditCode: EXPIRED, totalPriceFen: 370_000_000, sme: false, consortium: [] },
    { bidId: 5, supplierId: 5, supplierName: '鑫源物业管理有限公司', creditCode: PRICEY, totalPriceFen: 380_000_001, sme: false, consortium: [] },
  ];
  const vars = (over: Record<string, unknown> = {}) => ({
    tenderId: 9, projectNumber: 'FCZC-2026-0009', projectName: '涪城区计算机采购项目', method: '公开招标', categoryCode: 'A02010104', budgetFen: 386_000_000,
    maxPriceFen: 380_000_000, purchaserName: '涪城区教育局', agencyName: '四川某某招标代理有限公司', agencyUsers: ['agency'], bidDeadlineAt: '2026-04-14T01:30:00.000Z',
    openedBids, ...over,
  });
  const job = (type: string, elementId: string, key: string, variables: Record<string, unknown>): Job => ({
    key, type, instanceId: key.split(':')[0], bpmnProcessId: 'procurement', elementId, businessKey: null, variables, headers: {}, retries: 3,
  });

  it('are registered', () => {
    expect(WORKER_TYPES).to.include.members([QUALIFY_BIDDERS_TASK_TYPE, CONFIRM_QUALIFICATION_TASK_TYPE]);
  });

  let qualified: Record<string, any>;
  it('excludes a black-listed bidder and a consortium with a black-listed member with the evidence; a bid over the maximum price is invalid', async () => {
    const worker = qualifyBiddersWorker({ db: t.db, clock });
    qualified = (await worker(job(QUALIFY_BIDDERS_TASK_TYPE, 'qualify_bidders', 'q1:qualify_bidders:1', vars()), ctx)) as Record<string, any>;
    const byBid = Object.fromEntries(qualified.qualificationDecisions.map((d: any) => [d.bidId, d]));
    expect([1, 2, 3, 4, 5].map((id) => byBid[id].qualified)).to.deep.equal([true, false, false, true, false]);
    expect(qualified.excludedBids.map((e: any) => e.bidId)).to.deep.equal([2, 3, 5]);

    const { CreditCheck } = creditModels(t.db.sequelize);
    const black = qualified.excludedBids.find((e: any) => e.bidId === 2);
    expect(black.reasons.join()).to.contain('政府采购严重违法失信行为记录名单').and.contain('涪财采处〔2025〕3号').and.contain('125号');
    expect(black.creditCheckIds).to.have.length(1);
    const stored = await CreditCheck.findByPk(black.creditCheckIds[0]);
    expect(stored!.get('result')).to.equal('fail');
    expect(stored!.get('subjectCode')).to.equal(BLACK);
    expect(stored!.get('projectRef')).to.equal('FCZC-2026-0009');

    const consortium = qualified.excludedBids.find((e: any) => e.bidId === 3);
    expect(consortium.creditCheckIds).to.have.length(2); // leader and member, each checked and stored
    expect(consortium.reasons.join()).to.contain('联合体成员天府办公家具有限公司').and.contain('失信被执行人').and.contain('联合体视同被列入');
    const checks = await CreditCheck.findAll({ where: { id: consortium.creditCheckIds } });
    expect(checks.map((c) => [c.get('subjectCode'), c.get('result')]).sort()).to.deep.equal([[LEADER, 'pass'], [MEMBER_BLACK, 'fail']].sort());

    expect(byBid[4].reason).to.equal(''); // an expired ban does not count
    const pricey = qualified.excludedBids.find((e: any) => e.bidId === 5);
    expect(pricey.reasons.join()).to.contain('超过最高限价').and.contain('第六十三条');

    const doc = qualified.creditCheckRecordData;
    expect(doc.checks).to.have.length(6 * 3); // 6 subjects × 3 channels
    expect(doc.conclusions.map((c: any) => c.conclusion)).to.deep.equal(['通过', '拒绝参与本项目', '拒绝参与本项目', '通过', '通过']);
    expect(doc.checks.filter((c: any) => c.result === '查询到不良记录').map((c: any) => [c.subject, c.channel])).to.deep.equal([
      ['顺达印务有限公司', '中国政府采购网—政府采购严重违法失信行为记录'],
      ['天府办公家具有限公司', '信用中国—失信被执行人'],
    ]);
    expect(renderDocument('credit-check-record', doc).html).to.contain('顺达印务有限公司');
  });

  it('uses the budget when there is no maximum price, and a repeated delivery runs no second check', async () => {
    const { CreditCheck } = creditModels(t.db.sequelize);
    const worker = qualifyBiddersWorker({ db: t.db, clock });
    const before = await CreditCheck.count();
    const out = (await worker(job(QUALIFY_BIDDERS_TASK_TYPE, 'qualify_bidders', 'q1:qualify_bidders:1', vars()), ctx)) as Record<string, any>;
    expect(out).to.deep.equal(qualified);
    expect(await CreditCheck.count()).to.equal(before);
    const noMax = (await worker(job(QUALIFY_BIDDERS_TASK_TYPE, 'qualify_bidders', 'q2:qualify_bidders:1', { ...vars({ maxPriceFen: null }), openedBids: [openedBids[4]] }), ctx)) as Record<string, any>;
    expect(noMax.excludedBids).to.have.length(0); // 380,000,001 ≤ budget 386,000,000
  });

  it('confirm-qualification: the agency cannot re-admit an automatic exclusion; an exclusion needs a reason', async () => {
    const worker = confirmQualificationWorker({ db: t.db, clock });
    const decisions = qualified.qualificationDecisions.map((d: any) => ({ ...d }));
    decisions.find((d: any) => d.bidId === 2).qualified = true; // tries to re-admit the black-listed bidder
    decisions.find((d: any) => d.bidId === 4).qualified = false; // excludes without a reason
    decisions.find((d: any) => d.bidId === 4).reason = '  ';
    let err: unknown;
    try {
      await worker(job(CONFIRM_QUALIFICATION_TASK_TYPE, 'confirm_qualification', 'q1:confirm:1', { ...vars(), qualificationDecisions: decisions }), ctx);
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(BpmnError);
    expect((err as BpmnError).code).to.equal('QUALIFICATION_INVALID');
    expect(((err as BpmnError).variables.qualificationProblems as { path: string }[]).map((p) => p.path)).to.deep.equal(['qualificationDecisions[3].reason']);

    decisions.find((d: any) => d.bidId === 4).reason = '未提供有效的营业执照';
    const out = (await worker(job(CONFIRM_QUALIFICATION_TASK_TYPE, 'confirm_qualification', 'q1:confirm:2', { ...vars(), qualificationDecisions: decisions }), ctx)) as Record<string, any>;
    expect(out.qualifiedBids.map((b: any) => b.bidId)).to.deep.equal([1]);
    expect(out.qualifiedCount).to.equal(1);
    expect(out.qualifiedBids[0]).to.deep.equal(openedBids[0]);
    expect(out.excludedBids.map((e: any) => e.bidId)).to.deep.equal([2, 3, 4, 5]);
    expect(out.excludedBids.find((e: any) => e.bidId === 4).reasons).to.deep.equal(['资格审查不合格：未提供有效的营业执照']);
    expect(out.excludedBids.find((e: any) => e.bidId === 2).creditCheckIds).to.have.length(1);
  });
});
