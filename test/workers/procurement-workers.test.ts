/**
 * The procurement component's workers on a real database: check-application (exact fen, every problem named),
 * record-award (award from the ranking, challenge deadline T11 + T13 and contract deadline T20 on the 2026 calendar
 * with the Labour Day holiday, hand-computed), record-contract (bounds: ≤ award, bond ≤ 10 % T25; publication T21),
 * record-acceptance, archive-project (manifest of the instance's documents with SHA-256, digest of the manifest,
 * retention +15 years). Every data object is rendered by its template (13, 14, 18, 19, 20).
 */
import crypto from 'node:crypto';
import { expect } from 'chai';
import { ManualClock } from '../../server/clock.ts';
import { renderDocument } from '../../server/documents/render.ts';
import { createDocumentService } from '../../server/documents/service.ts';
import { BpmnError, type Job, type Variables, type Worker } from '../../server/engine/port.ts';
import { projectOfInstance } from '../../server/procurement/index.ts';
import { statusOf, upsertProject } from '../../server/procurement/projects.ts';
import { canonical, PROCUREMENT_WORKERS } from '../../server/procurement/workers.ts';
import { searchGoods } from '../../server/registry/index.ts';
import { registryModels } from '../../server/registry/models.ts';
import { seedDemo } from '../../server/seed/demo.ts';
import { testDatabase, type TestDatabase } from '../helpers/db.ts';

const ctx = { now: () => new Date(), log: () => undefined };

describe('procurement workers: check-application, record-award, record-contract, record-acceptance, archive-project', function () {
  let tdb: TestDatabase;
  const clock = new ManualClock('2026-04-29T02:00:00Z'); // Wednesday 10:00 in Shanghai, before the Labour Day holiday
  const instanceId = 'inst-h4-1';
  let agencyId = 0;
  let goodsId = 0;
  const worker = (type: string): Worker => PROCUREMENT_WORKERS[type]!.create({ db: tdb.db, clock });
  let n = 0;
  const job = (type: string, variables: Variables): Job => ({
    key: `${instanceId}:${type}:${++n}`, type, instanceId, bpmnProcessId: 'procurement', elementId: type.replace(/-/g, '_'), businessKey: null, variables, headers: {}, retries: 3,
  });
  const fail = async (w: Worker, j: Job) => Promise.resolve(w(j, ctx)).then(() => expect.fail('accepted'), (e: unknown) => e as BpmnError);

  /** The variables of a project that reached the award, as the model would hold them. */
  let vars: Variables;

  before(async function () {
    tdb = await testDatabase();
    await seedDemo(tdb.db, { password: 'demo1234' });
    agencyId = (await registryModels(tdb.db.sequelize).Agency.findOne({ where: { status: 'active' } }))!.get('id') as number;
    goodsId = (await searchGoods(tdb.db.sequelize, { code: 'A02010104' }))[0]!.id;
    vars = {
      initiator: 'purchaser', purchaserOrgId: 1, purchaserName: '涪城区教育局', projectNumber: 'FCZC-2026-0009', projectName: '涪城区教育局计算机教室设备采购项目',
      categoryCode: 'A02010104', method: '公开招标', organisationForm: '分散采购', budgetFen: 22_000_000, maxPriceFen: 21_500_000,
      agencyId, agencyName: '四川某某招标代理有限公司', deliveryDate: '2026-08-31', deliveryPlace: '涪城区实验小学计算机教室',
      itemsFen: [{ itemCode: String(goodsId), itemName: '台式计算机', quantity: 40, unit: '台', unitPriceFen: 520_000, lineTotalFen: 20_800_000 }],
    };
    await upsertProject(tdb.db.sequelize, { instanceId, initiator: 'purchaser', variables: vars, state: 'active', active: ['confirm_winner'], at: clock.now() });
  });
  after(async function () {
    await tdb.drop();
  });

  it('check-application: exact fen per line, the agency and its staff; problems as APPLICATION_INVALID', async function () {
    const w = worker('check-application');
    const ok = (await w(job('check-application', {
      categoryCode: 'A02010104', budgetFen: 22_000_000, maxPriceFen: 21_500_000, agencyId,
      items: [
        { itemCode: String(goodsId), itemName: '台式计算机', quantity: 40, unit: '台', unitPriceYuan: 5200.1 },
        { itemCode: 'A02010104', itemName: '显示器', quantity: 2.5, unit: '台', unitPriceYuan: 0.07 },
      ],
    }), ctx)) as Variables;
    expect(ok.applicationProblems).to.deep.equal([]);
    expect(ok.agencyName).to.equal('四川某某招标代理有限公司');
    expect(ok.agencyUsers).to.deep.equal(['agency']);
    // 40 × 520,010 fen = 20,800,400; 2.5 × 7 fen = 17.5 → 18 (half up), never a float.
    expect(ok.itemsFen).to.deep.equal([
      { itemCode: String(goodsId), itemName: '台式计算机', quantity: 40, unit: '台', unitPriceFen: 520_010, lineTotalFen: 20_800_400 },
      { itemCode: 'A02010104', itemName: '显示器', quantity: 2.5, unit: '台', unitPriceFen: 7, lineTotalFen: 18 },
    ]);

    const err = await fail(w, job('check-application', {
      categoryCode: 'X1', budgetFen: 1_000_000, maxPriceFen: 1_000_001, agencyId: 424242,
      items: [
        { itemCode: '7777777', itemName: '无此商品', quantity: 1, unit: '台', unitPriceYuan: 1 },
        { itemCode: String(goodsId), itemName: '台式计算机', quantity: -1, unit: '台', unitPriceYuan: 1 },
        { itemCode: String(goodsId), itemName: '台式计算机', quantity: 2, unit: '台', unitPriceYuan: 5000.01 },
      ],
    }));
    expect(err).to.be.instanceOf(BpmnError);
    expect(err.code).to.equal('APPLICATION_INVALID');
    const problems = err.variables.applicationProblems as { path: string; reason: string }[];
    expect(problems.map((p) => p.path)).to.deep.equal(['categoryCode', 'maxPriceYuan', 'items.0.itemCode', 'items.1.quantity', 'items', 'agencyId']);
    // 1.00 + 2 × 5,000.01 = 10,001.02 元 > 10,000.00 元 by exactly 1.02 元.
    expect(problems.find((p) => p.path === 'items')!.reason).to.contain('10,001.02').and.contain('10,000.00');
    // The exact limit passes: Σ = budget.
    const edge = (await w(job('check-application', { categoryCode: 'A02010104', budgetFen: 1_040_002, agencyId, items: [{ itemCode: String(goodsId), itemName: '台式计算机', quantity: 2, unit: '台', unitPriceYuan: 5200.01 }] }), ctx)) as Variables;
    expect(edge.applicationProblems).to.deep.equal([]);
  });

  let awardOut: Variables;
  it('record-award: the confirmed winner at its bid price; challenge deadline T11 + T13 and contract deadline T20 over Labour Day', async function () {
    vars = {
      ...vars,
      winnerBidId: 12,
      panel: [{ expertId: 1, code: 'ZJ-001', username: 'expert' }],
      ranking: [
        { rank: 1, bidId: 11, supplierId: 3, supplierName: '四川甲科技有限公司', creditCode: '91510703MA6A8KQ21R', bidPriceFen: 19_800_000, evaluatedPriceFen: 19_800_000, totalScore: '92.35' },
        { rank: 2, bidId: 12, supplierId: 4, supplierName: '绵阳乙信息技术有限公司', creditCode: null, bidPriceFen: 20_000_000, evaluatedPriceFen: 19_400_000, totalScore: '90.10' },
      ],
      excludedBids: [{ bidId: 13, supplierName: '成都丙公司', reasons: ['列入失信被执行人名单'] }],
    };
    awardOut = (await worker('record-award')(job('record-award', vars), ctx)) as Variables;
    expect(awardOut.award).to.deep.equal({ bidId: 12, supplierId: 4, supplierName: '绵阳乙信息技术有限公司', creditCode: null, amountFen: 20_000_000 });
    expect(awardOut.awardedAt).to.equal('2026-04-29T02:00:00.000Z');
    // Notice period T11: 1 WD → Thu 30 April. T13: 7 WD from its end, over 1–5 May (holiday) and Sat 9 May (make-up
    // workday): 6, 7, 8, 9, 11, 12, 13 May → 24:00 of 13 May in Shanghai.
    expect(awardOut.challengeDeadlineAt).to.equal('2026-05-13T16:00:00.000Z');
    expect(awardOut.challengeDeadlineBasis).to.contain('T11').and.contain('T13').and.contain('令87 Art.69').and.contain('2026-04-30');
    // T20: 30 CD from 29 April → Fri 29 May.
    expect(awardOut.contractDeadlineAt).to.equal('2026-05-29T16:00:00.000Z');
    expect(awardOut.contractDeadlineBasis).to.contain('T20').and.contain('法 Art.46');
    const notice = awardOut.awardNoticeData as Variables;
    expect(notice).to.deep.include({ noticeDate: '2026-04-29', awardAmountFen: 20_000_000, experts: ['孙专家（评审专家）'] });
    expect(renderDocument('award-notice', notice).html).to.contain('绵阳乙信息技术有限公司').and.contain('FCZC-2026-0009');
    const letter = awardOut.noticeOfAwardData as Variables;
    expect(letter.unsuccessful).to.deep.equal([
      { bidder: '四川甲科技有限公司', reason: '评审得分排名', score: '92.35', rank: 1 },
      { bidder: '成都丙公司', reason: '资格审查未通过', detail: '列入失信被执行人名单' },
    ]);
    expect(renderDocument('notice-of-award', letter).html).to.contain('人民币贰拾万元整');
    const project = await tdb.db.withTransaction((tx) => projectOfInstance(tx, instanceId));
    expect(project!.status).to.equal('awarded');
    expect(project!.award).to.include({ bidId: 12, amountFen: 20_000_000, awardedAt: '2026-04-29T02:00:00.000Z' });

    // A winner outside the ranking is a failure (retried, then an incident), nothing recorded.
    const bad = await fail(worker('record-award'), job('record-award', { ...vars, winnerBidId: 99 }));
    expect(bad).not.to.be.instanceOf(BpmnError);
    expect(bad.message).to.contain('99');
  });

  let contractOut: Variables;
  it('record-contract: amount ≤ award and bond ≤ 10 % (T25) or CONTRACT_INVALID; publication deadline T21', async function () {
    clock.set(new Date('2026-05-12T02:00:00Z'));
    const form = { contractNumber: 'FCJT-HT-2026-015', signedDate: '2026-05-12', paymentTerms: '验收合格后 10 个工作日内一次性支付', performancePeriod: '合同签订后 30 日内交付', acceptanceRequirements: '按招标文件技术参数逐项验收' };
    const w = worker('record-contract');
    const over = await fail(w, job('record-contract', { ...vars, ...awardOut, ...form, contractAmountYuan: 200_000.01, performanceBondYuan: 0 }));
    expect(over.code).to.equal('CONTRACT_INVALID');
    expect((over.variables.contractProblems as { path: string }[]).map((p) => p.path)).to.deep.equal(['contractAmountYuan']);
    const bond = await fail(w, job('record-contract', { ...vars, ...awardOut, ...form, contractAmountYuan: 199_900, performanceBondYuan: 19_990.01 }));
    expect(bond.code).to.equal('CONTRACT_INVALID');
    expect((bond.variables.contractProblems as { path: string; reason: string }[])[0]).to.include({ path: 'performanceBondYuan' });
    expect((bond.variables.contractProblems as { reason: string }[])[0]!.reason).to.contain('T25');

    // Exactly at both limits: 199,900.00 元 ≤ 200,000.00 元 awarded, bond 19,990.00 元 = 10 %.
    contractOut = (await w(job('record-contract', { ...vars, ...awardOut, ...form, contractAmountYuan: 199_900, performanceBondYuan: 19_990 }), ctx)) as Variables;
    expect(contractOut.contract).to.include({ contractNumber: 'FCJT-HT-2026-015', amountFen: 19_990_000, performanceBondFen: 1_999_000, signedDate: '2026-05-12', supplierName: '绵阳乙信息技术有限公司' });
    // T21: 2 WD from Tue 12 May → Thu 14 May.
    expect(contractOut.contractPublishDeadlineAt).to.equal('2026-05-14T16:00:00.000Z');
    expect((contractOut.contractData as Variables).bondPercent).to.equal('10');
    expect((contractOut.contractNoticeData as Variables).noticeDate).to.equal('2026-05-12');
    expect(renderDocument('procurement-contract', contractOut.contractData).html).to.contain('FCJT-HT-2026-015').and.contain('人民币壹拾玖万玖仟玖佰元整');
    expect(renderDocument('contract-notice', contractOut.contractNoticeData).html).to.contain('绵阳乙信息技术有限公司');
    expect((await tdb.db.withTransaction((tx) => projectOfInstance(tx, instanceId)))!.contract).to.include({ amountFen: 19_990_000 });
  });

  it('record-acceptance: the acceptance report from the form, rendered', async function () {
    const out = (await worker('record-acceptance')(job('record-acceptance', {
      ...vars, ...awardOut, contract: contractOut.contract,
      acceptanceResults: [{ requirement: '台式计算机 40 台，配置符合招标文件', result: 'pass', note: '逐台核对序列号' }, { requirement: '三年原厂质保', result: 'pass' }],
      acceptanceOverall: 'pass', acceptanceDate: '2026-06-05', acceptanceTeam: '赵刚、黄蓉、郑强', acceptanceIssues: '',
    }), ctx)) as Variables;
    const data = out.acceptanceReportData as Variables;
    expect(data).to.deep.include({ overall: '验收合格', acceptanceDate: '2026-06-05', contractAmountFen: 19_990_000 });
    expect(data.team).to.deep.equal([
      { role: '验收组长', name: '赵刚', date: '2026-06-05' }, { role: '验收小组成员', name: '黄蓉', date: '2026-06-05' }, { role: '验收小组成员', name: '郑强', date: '2026-06-05' },
    ]);
    expect(renderDocument('acceptance-report', data).html).to.contain('逐台核对序列号').and.contain('验收合格');
    expect(out.acceptance).to.deep.equal({ acceptanceDate: '2026-06-05', overall: '验收合格', results: 2, failed: 0 });
  });

  it('archive-project: manifest of every document version with SHA-256, digest of the manifest, retention +15 years (T31)', async function () {
    clock.set(new Date('2026-06-08T03:00:00Z'));
    const docs = createDocumentService({ db: tdb.db, clock });
    const a = await docs.generate({ templateId: 'award-notice', data: awardOut.awardNoticeData, actor: 'system', instanceId, projectNumber: 'FCZC-2026-0009', sourceKey: `${instanceId}:generate_award_notice`, jobKey: 'j-a' });
    const c = await docs.generate({ templateId: 'procurement-contract', data: contractOut.contractData, actor: 'system', instanceId, projectNumber: 'FCZC-2026-0009', sourceKey: `${instanceId}:generate_contract`, jobKey: 'j-c1' });
    const c2 = await docs.generate({ templateId: 'procurement-contract', data: { ...(contractOut.contractData as object), signPlace: '绵阳市涪城区' }, actor: 'system', instanceId, projectNumber: 'FCZC-2026-0009', sourceKey: `${instanceId}:generate_contract`, jobKey: 'j-c2' });
    await docs.generate({ templateId: 'award-notice', data: awardOut.awardNoticeData, actor: 'system', instanceId: 'another-instance', projectNumber: 'FCZC-2026-0010', sourceKey: 'another:x', jobKey: 'j-other' });

    const w = worker('archive-project');
    const j = job('archive-project', { ...vars, projectNumber: 'FCZC-2026-0009' });
    const out = (await w(j, ctx)) as { archive: Record<string, any> };
    const archive = out.archive;
    expect(archive.retentionUntil).to.equal('2041-06-08');
    expect(archive.retentionBasis).to.contain('15').and.contain('T31');
    expect(archive.documents.map((d: any) => [d.templateId, d.version, d.sha256])).to.deep.equal([
      ['award-notice', 1, a.version.sha256],
      ['procurement-contract', 1, c.version.sha256],
      ['procurement-contract', 2, c2.version.sha256],
    ]);
    const { manifestSha256, ...manifest } = archive;
    expect(manifestSha256).to.equal(crypto.createHash('sha256').update(canonical(manifest), 'utf8').digest('hex'));
    // Each listed digest is the stored version's own.
    for (const d of archive.documents) expect((await docs.getVersion(d.documentId, d.version))!.sha256).to.equal(d.sha256);
    const project = (await tdb.db.withTransaction((tx) => projectOfInstance(tx, instanceId)))!;
    expect(project.status).to.equal('archived');
    expect(project.retentionUntil).to.equal('2041-06-08');
    expect(project.archive).to.include({ manifestSha256 });
    // The same job again (a redelivery that got past the job record): the same archive, not a later one.
    clock.advance(86_400_000);
    expect(((await w(j, ctx)) as { archive: unknown }).archive).to.deep.equal(archive);
  });

  it('project status follows the chain part of the active steps, and the outcome at the end', function () {
    const cases: [string, string[], Variables, string | null, string][] = [
      ['active', ['fill_application'], {}, null, 'applying'],
      ['active', ['dept_approval'], {}, 'applying', 'approving'],
      ['active', ['revise_or_withdraw'], {}, 'approving', 'returned'],
      ['active', ['gw_bid_window'], {}, 'tendering', 'tendering'],
      ['active', ['expert_evaluation'], {}, 'tendering', 'evaluating'],
      ['active', ['gw_challenge_window'], {}, 'evaluating', 'awarded'],
      // The escalation beside the contract: the later part wins.
      ['active', ['escalate_contract', 'sign_contract'], {}, 'awarded', 'contracting'],
      ['active', ['acceptance'], {}, 'contracting', 'accepting'],
      ['active', ['decide_after_failure'], {}, 'evaluating', 'failed'],
      ['active', ['some_new_step'], {}, 'tendering', 'tendering'],
      ['completed', [], { outcome: 'archived' }, 'accepting', 'archived'],
      ['completed', [], { outcome: 'withdrawn' }, 'returned', 'withdrawn'],
      ['completed', [], { outcome: 'terminated' }, 'failed', 'terminated'],
      ['completed', [], {}, 'returned', 'withdrawn'],
      ['canceled', ['dept_approval'], {}, 'approving', 'terminated'],
    ];
    for (const [state, active, variables, previous, expected] of cases) {
      expect(statusOf(state, active, variables, previous as never), `${state} ${active.join(',')}`).to.equal(expected);
    }
  });
});
