/**
 * Issue 11 "done when": a works tender (工程建设项目招标, 招标投标法) end to end over HTTP with the ManualClock, as each
 * party does it: application (POST /api/projects?regime=works) → 招标备案 by the works supervisor → the agency
 * publishes (W6 20 days, 条例26 deposit cap) → an objection to the documents (W2, answered within 3 days, the tender
 * paused meanwhile) → three bids → opening → qualification → five experts from the 综合评标专家库 → scoring →
 * 中标候选人公示 (W3b) with an objection to the result → the purchaser of a state-funded project must take the first
 * candidate (条例55) → award, notice, written report (W4, 法47) → contract within 30 days (W8) → acceptance → archived.
 *
 * Hand computation (综合评估法, price 20 / technical 65 / business 15 — a price weight GP goods could not use (≥ 30 %,
 * 令87) but the Bidding Law leaves to the documents; no GP SME deduction):
 *   bids: X 450,000.00 · Y 440,000.00 · Z 455,000.00 元 → 评标基准价 440,000.00
 *   price score = 440,000 / price × 20: X 19.555… · Y 20.00 · Z 19.340…
 *   technical / business (every expert alike): X 55 / 12 · Y 50 / 13 · Z 60 / 14
 *   total: X 86.555… → 86.56 · Y 83.00 · Z 93.340… → 93.34 → ranking Z, X, Y
 * Calendar (Shanghai; calendar-day periods whose last day is not a working day move to the next working day):
 *   documents issued Mon 2 Mar → 20 days end Sun 22 Mar → earliest deadline Mon 23 Mar; deadline set Tue 24 Mar 09:30.
 *   objections to the documents: 10 days before 24 Mar is Sat 14 Mar → the last day moves earlier, Fri 13 Mar.
 *   publicity from Tue 24 Mar for 3 days → Fri 27 Mar 24:00. Award Sat 28 Mar 00:00 → contract 30 days → Mon 27 Apr,
 *   written report 15 days → Sun 12 Apr → Mon 13 Apr.
 */
import { expect } from 'chai';
import { creditCode, startChain, type Chain, type Vars } from './driver.ts';
import { demoAgencyId } from './fixtures.ts';
import { demoWorksApplication } from '../../server/seed/chain-demo.ts';
import { expertsScore, reachDeadline, reviewQualification } from './steps.ts';

const X = '四川华西建筑装饰工程有限公司';
const Y = '绵阳市城建装饰工程有限公司';
const Z = '四川省第十一建筑有限公司';

/** The demo seed's works application (1,000 m² 室内装修 × 460 元, estimate 500,000 元, state-funded), fixed dates. */
function worksApplication(agencyId: number, over: Vars = {}): Vars {
  return { ...demoWorksApplication('2026-03-02'), deliveryDate: '2026-08-20', agencyId, ...over };
}

function worksTenderSettings(over: Vars = {}): Vars {
  return {
    evaluationMethod: 'comprehensive',
    priceWeightPercent: 40,
    technicalWeightPercent: 45,
    businessWeightPercent: 15,
    qualificationRequirements: '具备建筑装修装饰工程专业承包二级及以上资质；具有有效的安全生产许可证。',
    scoringCriteria: '施工组织设计 25 分；项目管理机构 10 分；工期与质量保证措施 10 分；商务（业绩、信誉）15 分；报价 40 分。',
    bidDeadline: '2026-03-24T09:30',
    openingPlace: '涪城区公共资源交易中心开标二室',
    depositYuan: 9_000,
    ...over,
  };
}

function worksBid(priceYuan: number): Vars {
  const totalPriceFen = Math.round(priceYuan * 100);
  return {
    priceSchedule: [{ itemCode: 'B07', itemName: '室内装修工程', quantity: 1000, unitPriceFen: totalPriceFen / 1000, lineTotalFen: totalPriceFen }],
    totalPriceFen,
    deliveryPeriod: '60 日历天',
    warrantyMonths: 24,
    validityDays: 90,
    sme: { declared: false, scale: 'medium' },
    consortium: [],
    deviations: '无偏离',
  };
}

const objection = (item: string) => ({ item, request: '请求招标人予以纠正。', facts: `${item}：资格条件设置超出项目实际需要。`, law: '《招标投标法实施条例》第三十二条' });

describe('chain (works): a works tender under the Bidding Law end to end', function () {
  this.timeout(180_000);
  let c: Chain;
  let id = '';
  let projectId = 0;
  let tenderId = 0;
  let objectionId = 0;
  const bids: Record<string, number> = {};
  const worksExperts = new Set<string>();

  before(async () => {
    c = await startChain();
    await c.createSupplier('sup_huaxi', { name: X, creditCode: creditCode('91510100MA6AXHX01') });
    await c.createSupplier('sup_chengjian', { name: Y, creditCode: creditCode('91510703MA6BCJ002') });
    await c.createSupplier('sup_shiyi', { name: Z, creditCode: creditCode('91510000MA6CHY003'), scale: 'large' });
    // Five experts of the 综合评标专家库 and six of the GP database, all specialised in B07 装修工程: a works draw
    // that ignored the pool would almost surely take a GP expert.
    const org = await c.organisationId('涪城区政府采购评审专家库');
    for (let i = 1; i <= 11; i++) {
      const works = i <= 5;
      const code = `FCGT-${String(i).padStart(4, '0')}`;
      const username = `expert_works_${i}`;
      const userId = await c.createUser(username, { roles: 'expert', organisationId: org, displayName: `工程专家${i}` });
      const res = await c.post('supervisor', '/api/experts', {
        code, name: `工程测试专家${i}`, employer: `西南科技大学土木工程学院${i}室`, title: '高级工程师', specialties: ['B07'],
        phone: `139081700${String(i).padStart(2, '0')}`, userId, pools: works ? ['works'] : ['gp'],
      });
      expect(res.status, `expert ${code}: ${JSON.stringify(res.body)}`).to.equal(201);
      if (works) worksExperts.add(code);
    }
    await c.expertAccounts();
  });
  after(async () => {
    await c?.close();
  });

  it('the purchaser files the works application; GP-only fields and non-works codes are refused; it waits for 招标备案', async () => {
    const agencyId = await demoAgencyId(c);
    const gpField = await c.post('purchaser', '/api/projects?regime=works', worksApplication(agencyId, { smeReserved: true }));
    expect(gpField.status, JSON.stringify(gpField.body)).to.equal(422);
    expect(JSON.stringify(gpField.body.error.details)).to.contain('smeReserved');
    const goods = await c.post('purchaser', '/api/projects?regime=works', worksApplication(agencyId, { categoryCode: 'A02010104' }));
    expect(goods.status, JSON.stringify(goods.body)).to.equal(422);
    expect(JSON.stringify(goods.body.error.details)).to.contain('categoryCode');
    const badRegime = await c.post('purchaser', '/api/projects?regime=land', worksApplication(agencyId));
    expect(badRegime.status).to.equal(422);
    expect((await c.get('purchaser', '/api/projects', { regime: 'works' })).body.total).to.equal(0);

    const res = await c.post('purchaser', '/api/projects?regime=works', worksApplication(agencyId));
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    projectId = res.body.id;
    id = res.body.instanceId;
    expect(res.body.regime).to.equal('works');
    expect(res.body.projectNumber).to.match(/^FCGC-2026-\d{4}$/);
    const v = await c.vars(id);
    expect(v).to.include({ regime: 'works', budgetFen: 50_000_000, maxPriceFen: 48_000_000 });
    const listed = await c.get('purchaser', '/api/projects', { regime: 'works' });
    expect(listed.body.items.map((p: Vars) => p.id)).to.deep.equal([projectId]);
    expect((await c.get('purchaser', '/api/projects', { regime: 'procurement' })).body.items.map((p: Vars) => p.id)).to.not.include(projectId);

    // 招标备案 is the industry supervisor's (住建局), not the finance bureau's supervisor's nor the purchaser's.
    const reg = await c.task('works_supervisor', id, 'tender_registration');
    expect(reg.legalBasis).to.contain('招标投标法');
    for (const u of ['supervisor', 'purchaser', 'agency']) expect((await c.tryComplete(u, reg.id, { decision: 'approve', comment: '越权' })).status, u).to.equal(403);
    await c.complete('works_supervisor', id, 'tender_registration', { decision: 'approve', comment: '项目已核准，招标范围、方式和组织形式符合规定，予以备案。' });
    await c.task('agency', id, 'prepare_tender');
    expect((await c.get('purchaser', `/api/projects/${projectId}`)).body.status).to.equal('tendering');
  });

  it('the agency publishes: under 20 days (W6) or a deposit over 2 % of the estimate (条例26) is refused; the documents cite the Bidding Law', async () => {
    await c.complete('agency', id, 'prepare_tender', worksTenderSettings({ bidDeadline: '2026-03-20T09:30', depositYuan: 10_000.01 }));
    const again = await c.task('agency', id, 'prepare_tender');
    const problems = (await c.taskDetail('agency', again.id)).variables.tenderProblems as { path: string; reason: string }[];
    const byPath = Object.fromEntries(problems.map((p) => [p.path, p.reason]));
    expect(byPath.bidDeadline, JSON.stringify(problems)).to.contain('2026-03-23').and.contain('W6');
    expect(byPath.depositYuan).to.contain('估算价').and.contain('第二十六条').and.contain('10000.00');
    // A price weight of 20 % would be refused for GP goods (≥ 30 %, 令87) but the Bidding Law sets no band.
    await c.complete('agency', id, 'prepare_tender', worksTenderSettings({ priceWeightPercent: 20, technicalWeightPercent: 65 }));
    await c.expectNoIncidents(id);
    const v = await c.vars(id);
    expect(v.tenderId, JSON.stringify(v.tenderProblems)).to.be.a('number');
    tenderId = v.tenderId as number;
    expect(v.bidDeadlineAt).to.equal('2026-03-24T01:30:00.000Z');
    expect(v.bidDeadlineBasis).to.contain('W6').and.contain('招标投标法第二十八条');
    const notice = v.tenderNoticeData as Vars;
    expect(notice.regime).to.equal('works');
    expect(JSON.stringify(notice)).to.not.contain('政府采购法');
    // Documents sold for at least 5 days (W1, calendar days): 2 → 7 March.
    expect(notice.documentsTo).to.equal('2026-03-09');
    expect((await c.documents('agency', id)).map((d) => d.templateId)).to.include.members(['tender-notice', 'tender-documents']);
  });

  it('an objection to the documents pauses the tender until the agency answers within 3 days; after 13 March it is refused', async () => {
    await c.advanceTo('2026-03-05T02:00:00Z');
    const res = await c.post('sup_huaxi', `/api/tenders/${tenderId}/objections`, { stage: 'documents', items: [objection('资格条件')] });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body.replyDeadline.ruleId).to.equal('W2a');
    // Received Thu 5 March: 3 days → Sun 8 March → Mon 9 March 24:00.
    expect(res.body.replyDeadline.dueAt).to.equal('2026-03-09T16:00:00.000Z');
    const answer = await c.task('agency', id, 'answer_documents_objection');
    expect(answer.dueAt).to.equal('2026-03-09T16:00:00.000Z');
    // While it is answered the process is not waiting for the deadline or amendments.
    const active = (await c.instance(id)).activeElements.map((a) => a.elementId);
    expect(active).to.include('answer_documents_objection').and.not.include('gw_bid_window');
    await c.complete('agency', id, 'answer_documents_objection', { objectionOutcome: 'rejected', objectionReply: '资格条件与本工程规模相适应，符合《建筑业企业资质标准》，异议不成立。' });
    await c.expectNoIncidents(id);
    expect((await c.documents('agency', id)).map((d) => d.templateId)).to.include('works-objection-reply');
    const listed = await c.get('agency', `/api/tenders/${tenderId}/challenges`);
    expect(listed.body.challenges.map((x: Vars) => [x.kind, x.outcome])).to.deep.equal([['objection_documents', 'rejected']]);

    await c.advanceTo('2026-03-16T02:00:00Z');
    const late = await c.post('sup_chengjian', `/api/tenders/${tenderId}/objections`, { stage: 'documents', items: [objection('工期')] });
    expect(late.status, JSON.stringify(late.body)).to.equal(409);
    expect(late.body.error.code).to.equal('OBJECTION_WINDOW_CLOSED');
    expect(late.body.error.message).to.contain('2026-03-13');
    // Nothing to object to in the result yet.
    const early = await c.post('sup_chengjian', `/api/tenders/${tenderId}/objections`, { stage: 'candidates', items: [objection('评标结果')] });
    expect(early.status).to.be.oneOf([403, 409]);
  });

  it('three contractors bid; at the deadline the bids open; experts come from the 综合评标专家库 only', async () => {
    bids[X] = (await c.post('sup_huaxi', `/api/tenders/${tenderId}/bids`, worksBid(450_000))).body.bidId;
    bids[Y] = (await c.post('sup_chengjian', `/api/tenders/${tenderId}/bids`, worksBid(440_000))).body.bidId;
    bids[Z] = (await c.post('sup_shiyi', `/api/tenders/${tenderId}/bids`, worksBid(455_000))).body.bidId;
    for (const b of Object.values(bids)) expect(b).to.be.a('number');
    const v0 = await reachDeadline(c, id);
    expect(v0.bidCount).to.equal(3);
    const v = await reviewQualification(c, id);
    expect(v.qualifiedCount).to.equal(3);
    expect(v.panelSize).to.equal(5);
    const panel = v.panel as { code: string }[];
    // Only experts of the 综合评标专家库 (the seed's and the five above), none of the six GP-only B07 experts.
    const pool = await c.get('supervisor', '/api/experts', { pool: 'works', limit: 100 });
    const works = new Set((pool.body.items as { code: string; pools: string[] }[]).map((e) => e.code));
    for (const code of worksExperts) expect(works.has(code), code).to.equal(true);
    expect(panel.map((p) => p.code).filter((code) => !works.has(code)), JSON.stringify(panel)).to.deep.equal([]);
    expect(v.expertPool).to.equal('works');
    const record = (v.expertSelectionRecordData as { database: string; supervisor: string });
    expect(record.database).to.equal('综合评标专家库');
    expect(record.supervisor).to.equal('涪城区住房和城乡建设局');
  });

  it('experts score; the ranking is the hand computation; the candidates are published for 3 days', async () => {
    const panel = (await c.vars(id)).panel as unknown[];
    const scores = { [X]: { technicalScore: 55, businessScore: 12 }, [Y]: { technicalScore: 50, businessScore: 13 }, [Z]: { technicalScore: 60, businessScore: 14 } };
    await expertsScore(c, id, Array.from({ length: panel.length }, () => scores));
    const v = await c.vars(id);
    expect((v.ranking as Vars[]).map((r) => [r.rank, r.supplierName, r.totalScore])).to.deep.equal([[1, Z, '93.34'], [2, X, '86.56'], [3, Y, '83.00']]);
    expect(v.publicityEndsAt).to.equal('2026-03-27T16:00:00.000Z');
    expect(v.publicityBasis).to.contain('第五十四条');
    const data = v.candidatePublicityData as { candidates: Vars[]; publicityEnd: string };
    expect(data.candidates.map((x) => [x.rank, x.supplierName, x.bidPriceFen])).to.deep.equal([[1, Z, 45_500_000], [2, X, 45_000_000], [3, Y, 44_000_000]]);
    expect(data.publicityEnd).to.equal('2026-03-28T00:00:00+08:00');
    expect((await c.documents('supervisor', id)).map((d) => d.templateId)).to.include('works-candidate-publicity');
    // No winner before the publicity has run.
    expect((await c.inbox('purchaser', { instanceId: id })).map((t) => t.elementId)).to.not.include('confirm_winner');
  });

  it('an objection to the result during the publicity is answered; non-bidders and GP challenges are refused', async () => {
    await c.advanceTo('2026-03-25T02:00:00Z');
    expect((await c.post('supplier', `/api/tenders/${tenderId}/objections`, { stage: 'candidates', items: [objection('评标结果')] })).status).to.equal(403);
    const gp = await c.post('sup_huaxi', `/api/tenders/${tenderId}/challenges`, { challengedDocument: '中标（成交）结果', items: [objection('评标结果')] });
    expect(gp.status, JSON.stringify(gp.body)).to.equal(409);
    expect(gp.body.error.code).to.equal('WORKS_TENDER_OBJECTION');
    const res = await c.post('sup_huaxi', `/api/tenders/${tenderId}/objections`, { stage: 'candidates', items: [objection('第一中标候选人业绩')] });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body.replyDeadline.ruleId).to.equal('W3c');
    objectionId = res.body.objectionId;
    await c.complete('agency', id, 'answer_candidates_objection', { objectionOutcome: 'rejected', objectionReply: '经核查，第一中标候选人业绩真实有效，异议不成立。' });
    await c.expectNoIncidents(id);
    expect((await c.inbox('purchaser', { instanceId: id })).map((t) => t.elementId)).to.not.include('confirm_winner');
  });

  it('the objector complains to the works supervisor within 10 days (W5); the supervisor suspends the tender, then rejects the complaint', async () => {
    await c.advanceTo('2026-03-26T02:00:00Z');
    const body = { challengeId: objectionId, items: [{ item: '第一中标候选人业绩', request: '请求责令重新评标。', facts: '第一中标候选人所列业绩未完成竣工验收。', law: '《招标投标法实施条例》第六十条' }] };
    expect((await c.post('sup_chengjian', '/api/complaints', body)).status).to.equal(403);
    const res = await c.post('sup_huaxi', '/api/complaints', body);
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    // Answered Wed 25 March: 10 days → Sat 4 April (清明 4–6 April) → Tue 7 April.
    expect(res.body.complaintDeadline).to.include({ ruleId: 'W5', dueDate: '2026-04-07' });
    const ci = res.body.instanceId as string;
    expect((await c.instance(ci)).variables).to.include({ regime: 'works' });
    const review = await c.task('works_supervisor', ci, 'review_complaint');
    expect(review.legalBasis).to.contain('招标投标法实施条例');
    // The finance bureau's supervisor does not handle works complaints.
    expect((await c.tryComplete('supervisor', review.id, { reviewDecision: 'accept', reviewReason: '越权' })).status).to.equal(403);
    await c.complete('works_supervisor', ci, 'review_complaint', { reviewDecision: 'accept', reviewReason: '先行提出异议，在法定期限内投诉，予以受理。' });
    await c.complete('agency', ci, 'respondent_explanation', { respondentStatement: '第一中标候选人业绩附竣工验收备案表，真实有效。' });
    await c.complete('works_supervisor', ci, 'investigate_complaint', { investigationNotes: '调取投标文件及竣工验收备案资料。', suspendProcurement: 'yes' });
    await c.expectNoIncidents(ci);
    const detail = await c.get('works_supervisor', `/api/complaints/${res.body.complaintId}`);
    expect(detail.status).to.equal(200);
    expect(detail.body.deadlines.map((d: Vars) => d.ruleId)).to.include.members(['W5', 'W5a', 'W5b']);
    // The publicity ends while suspended: the purchaser cannot determine the winner.
    await c.advanceTo('2026-03-27T16:00:00Z');
    const confirm = await c.task('purchaser', id, 'confirm_winner');
    const refused = await c.tryComplete('purchaser', confirm.id, { winnerBidId: bids[Z], confirmationNote: '暂停期间' });
    expect(refused.status, JSON.stringify(refused.body)).to.equal(409);
    expect(refused.body.error.code).to.equal('PROCUREMENT_SUSPENDED');
    await c.complete('works_supervisor', ci, 'decide_complaint', {
      decisionResult: 'dismissed', decisionNo: '涪住建投诉决〔2026〕1号', findings: '第一中标候选人所列业绩已竣工验收，投诉事项缺乏事实依据。',
      reasoning: '依据《招标投标法实施条例》第六十一条驳回投诉。', medium: '四川省公共资源交易信息网', complaintEffect: 'continue',
    });
    await c.expectNoIncidents(ci);
    expect((await c.instance(ci)).state).to.equal('completed');
    const decided = (await c.documents('works_supervisor', ci)).filter((d) => d.templateId === 'complaint-decision');
    expect(decided.length).to.equal(2);
    expect((await c.get('supervisor', '/api/complaints')).body.complaints.map((x: Vars) => x.complaintId)).to.include(res.body.complaintId);
    expect((await c.get('works_supervisor', '/api/complaints')).body.complaints.map((x: Vars) => x.complaintId)).to.deep.equal([res.body.complaintId]);
    const late = await c.post('sup_chengjian', `/api/tenders/${tenderId}/objections`, { stage: 'candidates', items: [objection('评标结果')] });
    expect(late.status).to.equal(409);
    expect(late.body.error.code).to.equal('OBJECTION_WINDOW_CLOSED');
  });

  it('a state-funded project must take the first candidate (条例55); the award sets the 30-day contract and 15-day report limits', async () => {
    await c.complete('purchaser', id, 'confirm_winner', { winnerBidId: bids[X], confirmationNote: '' });
    await c.expectNoIncidents(id);
    const back = await c.task('purchaser', id, 'confirm_winner');
    const problems = (await c.taskDetail('purchaser', back.id)).variables.awardProblems as { path: string; reason: string }[];
    expect(problems.map((p) => p.path)).to.deep.equal(['winnerBidId']);
    expect(problems[0]!.reason).to.contain('第五十五条');
    await c.complete('purchaser', id, 'confirm_winner', { winnerBidId: bids[Z], confirmationNote: '确定排名第一的中标候选人为中标人。' });
    await c.expectNoIncidents(id);
    const v = await c.vars(id);
    expect(v.award).to.deep.include({ bidId: bids[Z], supplierName: Z, amountFen: 45_500_000 });
    expect(v.challengeDeadlineAt ?? null).to.equal(null);
    expect(v.contractDeadlineAt).to.equal('2026-04-27T16:00:00.000Z');
    expect(v.writtenReportDeadlineAt).to.equal('2026-04-13T16:00:00.000Z');
    expect((v.awardNoticeData as Vars).regime).to.equal('works');
    const report = v.writtenReportData as Vars;
    expect(report).to.deep.include({ bidCount: 3, qualifiedCount: 3, reportDueDate: '2026-04-13' });
    expect((report.publicity as Vars).objectionCount).to.equal(1);
    const docs = await c.documents('works_supervisor', id);
    expect(docs.map((d) => d.templateId)).to.include.members(['award-notice', 'notice-of-award', 'works-tender-report']);
    // The shared documents are worded for the Bidding Law.
    for (const t of ['tender-notice', 'bid-opening-record', 'credit-check-record', 'expert-selection-record', 'evaluation-report', 'award-notice', 'notice-of-award']) {
      expect((await c.documentData('works_supervisor', docs.find((d) => d.templateId === t)!.id)).regime, t).to.equal('works');
    }
  });

  it('the purchaser signs within 30 days, accepts the works; the project is archived as a works tender', async () => {
    await c.advanceTo('2026-04-08T02:00:00Z');
    const sign = await c.task('purchaser', id, 'sign_contract');
    expect(sign.dueAt).to.equal('2026-04-27T16:00:00.000Z');
    await c.complete('purchaser', id, 'sign_contract', {
      contractNumber: 'FCGC-HT-2026-0001', signedDate: '2026-04-08', contractAmountYuan: 455_000,
      paymentTerms: '按月支付已完工程量的 70%，竣工验收合格后付至 97%，余款为质量保证金。', performancePeriod: '60 日历天',
      acceptanceRequirements: '按《建筑装饰装修工程质量验收标准》GB 50210 验收。', performanceBondYuan: 45_500,
    });
    await c.expectNoIncidents(id);
    expect((await c.documents('purchaser', id)).map((d) => d.templateId)).to.include('procurement-contract');
    await c.advanceTo('2026-06-15T02:00:00Z');
    await c.complete('purchaser', id, 'acceptance', {
      acceptanceResults: [{ requirement: '按 GB 50210 分项验收', result: 'pass', note: '各分项合格' }],
      acceptanceOverall: 'pass', acceptanceDate: '2026-06-15', acceptanceTeam: '建设、施工、监理、设计单位', acceptanceIssues: '无',
    });
    await c.expectNoIncidents(id);
    const end = await c.instance(id);
    expect(end.state).to.equal('completed');
    expect(end.variables.outcome).to.equal('archived');
    const p = await c.get('purchaser', `/api/projects/${projectId}`);
    expect(p.body).to.include({ status: 'archived', regime: 'works' });
    expect(JSON.stringify(p.body.award)).to.contain(Z);
  });
});
