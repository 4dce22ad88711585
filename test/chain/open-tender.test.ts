/**
 * Chain scenario (a), issue 4 "done when": one open-tender project end to end as each role would do it, over HTTP,
 * with the ManualClock: application (POST /api/projects) → approvals → the agency prepares the tender (a deadline
 * too early is refused with its legal basis) → four suppliers bid (one replaces its bid, one withdraws) → the
 * clock reaches the deadline → opening → qualification → expert draw → five experts score in their inboxes →
 * ranking (checked against the hand computation below) → the purchaser confirms → award notice → the challenge
 * window passes → contract → contract publication → acceptance → archived. Documents, deadlines with their legal
 * basis and the project view are checked along the way.
 *
 * Hand computation (综合评分法, 令87 Art. 55; SME deduction 财库〔2022〕19号 10 %):
 *   bids (after the replacement and the withdrawal):
 *     A 绵阳某某信息技术有限公司 (small, declares SME)  198,000.00 → evaluated 198,000 × 90 % = 178,200.00
 *     B 成都蓉星计算机系统有限公司 (medium)            189,000.00 → evaluated 189,000.00
 *     C 四川长虹教育科技有限公司 (large)              210,000.00 → evaluated 210,000.00
 *   评标基准价 = lowest evaluated = 178,200.00
 *   price score = 178,200 / evaluated × 30:  A 30.00 · B 28.2857… → 28.29 · C 25.4571… → 25.46
 *   technical (5 experts, mean):  A (40+41+38+41+39)/5 = 39.80 · B (45+44+46+45+45)/5 = 45.00 · C (47+48+46+47+47)/5 = 47.00
 *   business (mean):              A (15+16+14+15+15)/5 = 15.00 · B (18+17+18+18+19)/5 = 18.00 · C (19+19+18+19+20)/5 = 19.00
 *   total: A 30 + 39.8 + 15 = 84.80 · B 28.2857… + 45 + 18 = 91.2857… → 91.29 · C 25.4571… + 47 + 19 = 91.4571… → 91.46
 *   ranking: 1 C (91.46), 2 B (91.29), 3 A (84.80) — no ties.
 */
import { expect } from 'chai';
import { creditCode, startChain, type Chain, type Vars } from './driver.ts';
import { application, demoAgencyId } from './fixtures.ts';
import { addExperts, bidBody, challengeBody, shanghaiLocal, confirmWinner, contractForm, expertsScore, prepareTender, reachDeadline, reviewQualification, submitBid, tenderSettings } from './steps.ts';

const A = '绵阳某某信息技术有限公司';
const B = '成都蓉星计算机系统有限公司';
const C = '四川长虹教育科技有限公司';
const D = '绵阳市科创电子科技有限公司';

/** Expert i's scores (panel order), the table of the hand computation. */
const SHEETS = [
  { [A]: { technicalScore: 40, businessScore: 15 }, [B]: { technicalScore: 45, businessScore: 18 }, [C]: { technicalScore: 47, businessScore: 19 } },
  { [A]: { technicalScore: 41, businessScore: 16 }, [B]: { technicalScore: 44, businessScore: 17 }, [C]: { technicalScore: 48, businessScore: 19 } },
  { [A]: { technicalScore: 38, businessScore: 14 }, [B]: { technicalScore: 46, businessScore: 18 }, [C]: { technicalScore: 46, businessScore: 18 } },
  { [A]: { technicalScore: 41, businessScore: 15 }, [B]: { technicalScore: 45, businessScore: 18 }, [C]: { technicalScore: 47, businessScore: 19 } },
  { [A]: { technicalScore: 39, businessScore: 15 }, [B]: { technicalScore: 45, businessScore: 19 }, [C]: { technicalScore: 47, businessScore: 20 } },
];

describe('chain (a): one open-tender project end to end', function () {
  this.timeout(120_000);
  let c: Chain;
  let id = '';
  let projectId: number | string = '';
  let tenderId = 0;
  const bids: Record<string, number> = {};

  before(async () => {
    c = await startChain();
    await c.createSupplier('sup_rongxing', { name: B, creditCode: creditCode('91510100MA61W8X7A') });
    await c.createSupplier('sup_changhong', { name: C, creditCode: creditCode('91510703MA6F00011'), scale: 'large' });
    await c.createSupplier('sup_kechuang', { name: D, creditCode: creditCode('91510703MA62XY1K0'), scale: 'micro' });
    await c.expertAccounts();
    await addExperts(c, 3);
  });
  after(async () => {
    await c?.close();
  });

  it('the purchaser files the application through the projects API; the instance starts and waits for the department', async () => {
    const res = await c.post('purchaser', '/api/projects', application({ agencyId: await demoAgencyId(c) }));
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    projectId = res.body.id;
    id = res.body.instanceId;
    expect(id, 'project.instanceId').to.be.a('string');
    await c.task('dept_approver', id, 'dept_approval');
    // Suppliers and experts have no business with projects.
    expect((await c.get('supplier', '/api/projects')).status).to.equal(403);
    expect((await c.get('expert', '/api/projects')).status).to.equal(403);
    const mine = await c.get('purchaser', '/api/projects');
    expect(mine.status).to.equal(200);
  });

  it('department, finance section and supervisor approve in their inboxes; the approval form is filed', async () => {
    await c.complete('dept_approver', id, 'dept_approval', { decision: 'approve', comment: '需求真实，配置标准符合规定。' });
    await c.complete('finance_section', id, 'finance_approval', { decision: 'approve', comment: '预算指标已落实。' });
    await c.complete('supervisor', id, 'supervisor_approval', { decision: 'approve', comment: '同意公开招标。' });
    const docs = (await c.documents('purchaser', id)).map((d) => d.templateId);
    expect(docs).to.include('approval-form');
  });

  it('the agency prepares the tender: a bid deadline under the 20-day minimum is refused with its legal basis, a valid one publishes', async () => {
    await c.complete('agency', id, 'prepare_tender', tenderSettings({ bidDeadline: '2026-03-12T09:30' }));
    const again = await c.task('agency', id, 'prepare_tender');
    const problems = (await c.taskDetail('agency', again.id)).variables.tenderProblems as { path: string; reason: string }[];
    expect(problems.map((p) => p.path), JSON.stringify(problems)).to.include('bidDeadline');

    const v = await prepareTender(c, id);
    tenderId = v.tenderId as number;
    expect(v).to.include({ tenderKey: String(tenderId), minBids: 3, tenderRound: 1 });
    expect(v.bidDeadlineAt).to.equal('2026-03-24T01:30:00.000Z');
    // Documents issued Monday 2 March: 20 days not counting that day (T3, 政府采购法 Art. 35) end on Sunday 22 March,
    // a non-working day, so the earliest deadline is Monday 23 March; the notice runs 5 working days (T1) to 9 March.
    expect(new Date(v.bidDeadlineMinAt as string).getTime()).to.be.within(new Date('2026-03-22T16:00:00Z').getTime(), new Date('2026-03-23T16:00:00Z').getTime());
    expect(v.bidDeadlineBasis).to.be.a('string').and.contain('T3').and.contain('2026-03-23').and.contain('T1').and.contain('2026-03-09');
    const docs = (await c.documents('agency', id)).map((d) => d.templateId);
    expect(docs).to.include.members(['tender-notice', 'tender-documents']);
  });

  it('suppliers see the open tender; four bid, one replaces its bid, one withdraws; each sees only its own', async () => {
    const list = await c.get('supplier', '/api/tenders');
    expect(list.status).to.equal(200);
    expect(JSON.stringify(list.body)).to.contain(String(tenderId));
    expect((await c.get('sup_rongxing', `/api/tenders/${tenderId}`)).status).to.equal(200);

    await c.advance(2 * 86_400_000);
    const first = await submitBid(c, 'supplier', tenderId, { priceYuan: 205_000, sme: true });
    bids[B] = (await submitBid(c, 'sup_rongxing', tenderId, { priceYuan: 189_000 })).bidId;
    bids[C] = (await submitBid(c, 'sup_changhong', tenderId, { priceYuan: 210_000, scale: 'large' })).bidId;
    bids[D] = (await submitBid(c, 'sup_kechuang', tenderId, { priceYuan: 200_000, sme: true, scale: 'micro' })).bidId;
    await c.advance(86_400_000);
    const replaced = await submitBid(c, 'supplier', tenderId, { priceYuan: 198_000, sme: true });
    expect(replaced.sha256).to.not.equal(first.sha256);
    bids[A] = replaced.bidId;
    const withdrawn = await c.del('sup_kechuang', `/api/tenders/${tenderId}/bids/${bids[D]}`);
    expect([200, 204], JSON.stringify(withdrawn.body)).to.include(withdrawn.status);
    // Another supplier cannot withdraw someone else's bid.
    expect([403, 404]).to.include((await c.del('sup_rongxing', `/api/tenders/${tenderId}/bids/${bids[C]}`)).status);

    const own = await c.get('supplier', `/api/tenders/${tenderId}/bids`);
    expect(own.status).to.equal(200);
    const ownText = JSON.stringify(own.body);
    expect(ownText).to.contain(replaced.sha256);
    expect(ownText).to.not.contain(B);
    expect(ownText).to.not.contain(C);
  });

  it('at the deadline the bids open (three), late bids and withdrawals are refused, qualification is prefilled', async () => {
    const v = await reachDeadline(c, id);
    expect(v.bidCount).to.equal(3);
    const opened = v.openedBids as { bidId: number; supplierName: string; totalPriceFen: number; sme: boolean }[];
    expect(Object.fromEntries(opened.map((b) => [b.supplierName, b.totalPriceFen]))).to.deep.equal({ [A]: 19_800_000, [B]: 18_900_000, [C]: 21_000_000 });
    const sme = opened.find((b) => b.supplierName === A)!.sme as unknown;
    expect(typeof sme === 'object' && sme ? (sme as { declared: boolean }).declared : sme).to.equal(true);
    const late = await c.post('sup_kechuang', `/api/tenders/${tenderId}/bids`, bidBody({ priceYuan: 150_000 }));
    expect([409, 422], JSON.stringify(late.body)).to.include(late.status);
    expect([409, 422]).to.include((await c.del('sup_rongxing', `/api/tenders/${tenderId}/bids/${bids[B]}`)).status);
    const docs = (await c.documents('agency', id)).map((d) => d.templateId);
    expect(docs).to.include.members(['bid-opening-record', 'credit-check-record']);
    // Opened: the agency and the supervisor may read the bids now.
    expect((await c.get('agency', `/api/tenders/${tenderId}/bids`)).status).to.equal(200);
    expect((await c.get('supervisor', `/api/tenders/${tenderId}/bids`)).status).to.equal(200);
  });

  it('the agency confirms qualification; five experts are drawn from the pool with a verifiable seed', async () => {
    const v = await reviewQualification(c, id);
    expect(v.qualifiedCount).to.equal(3);
    expect(v.panelSize).to.equal(5);
    const panel = v.panel as { code: string; username: string }[];
    expect(new Set(panel.map((p) => p.code)).size).to.equal(5);
    // FCZJ-0001 declared a conflict with bidder A (spouse works there): recused.
    expect(panel.map((p) => p.code)).to.not.include('FCZJ-0001');
    const verify = await c.get('supervisor', `/api/tenders/${tenderId}/expert-draw/verify`);
    expect(verify.status, JSON.stringify(verify.body)).to.equal(200);
    expect(verify.body.ok).to.equal(true);
    expect((await c.documents('agency', id)).map((d) => d.templateId)).to.include('expert-selection-record');
  });

  it('experts act only on their own task and within the weights', async () => {
    const panel = (await c.vars(id)).panel as { code: string; username: string }[];
    const t0 = await c.task(panel[0]!.username, id, 'expert_evaluation');
    // Another expert, the agency and a supplier cannot see or complete it.
    for (const u of [panel[1]!.username, 'agency', 'supplier', 'purchaser']) {
      expect((await c.get(u, `/api/tasks/${t0.id}`)).status, u).to.equal(403);
      expect((await c.tryComplete(u, t0.id, { evaluationOpinion: '越权' })).status, u).to.equal(403);
    }
    // A technical score above the technical weight (50) is refused, naming the row.
    const sheet = (await c.taskDetail(panel[0]!.username, t0.id)).variables.scoreSheet as Vars[];
    const over = sheet.map((r) => ({ ...r, technicalScore: 51, businessScore: 10 }));
    const res = await c.tryComplete(panel[0]!.username, t0.id, { scores: over, evaluationOpinion: '超出分值' });
    expect(res.status, JSON.stringify(res.body)).to.equal(422);
    expect(JSON.stringify(res.body.error.details)).to.contain('technicalScore');
  });

  it('each expert scores in the inbox; the ranking equals the hand computation (one expert tampers with the read-only price column, to no effect)', async () => {
    // Expert 1 sends bid A's price as 1 fen and C's as 100,000,000: only the opened bids' prices may count.
    await expertsScore(c, id, SHEETS, (i, scores) =>
      i === 0 ? scores.map((r) => ({ ...r, totalPriceFen: r.supplierName === A ? 1 : r.supplierName === C ? 100_000_000 : r.totalPriceFen })) : scores);
    const v = await c.vars(id);
    const ranking = (v.ranking as Vars[]).map((r) => ({
      rank: r.rank, supplierName: r.supplierName, bidPriceFen: r.bidPriceFen, evaluatedPriceFen: r.evaluatedPriceFen,
      priceScore: r.priceScore, technicalScore: r.technicalScore, businessScore: r.businessScore, totalScore: r.totalScore, tieBreak: r.tieBreak,
    }));
    expect(ranking).to.deep.equal([
      { rank: 1, supplierName: C, bidPriceFen: 21_000_000, evaluatedPriceFen: 21_000_000, priceScore: '25.46', technicalScore: '47.00', businessScore: '19.00', totalScore: '91.46', tieBreak: null },
      { rank: 2, supplierName: B, bidPriceFen: 18_900_000, evaluatedPriceFen: 18_900_000, priceScore: '28.29', technicalScore: '45.00', businessScore: '18.00', totalScore: '91.29', tieBreak: null },
      { rank: 3, supplierName: A, bidPriceFen: 19_800_000, evaluatedPriceFen: 17_820_000, priceScore: '30.00', technicalScore: '39.80', businessScore: '15.00', totalScore: '84.80', tieBreak: null },
    ]);
    expect(v.firstCandidateBidId).to.equal(bids[C]);
    expect((await c.documents('agency', id)).map((d) => d.templateId)).to.include('evaluation-report');
    // The evaluation through the API, for the purchaser of the project.
    const ev = await c.get('purchaser', `/api/tenders/${tenderId}/evaluation`);
    expect(ev.status, JSON.stringify(ev.body)).to.equal(200);
    expect(JSON.stringify(ev.body)).to.contain('91.46');
    // The confirmation is due within 5 working days of the report (T9, 实施条例 Art. 43): report Tuesday 24 March →
    // 25, 26, 27, 30, 31 March, 24:00 Shanghai. The task shows its legal basis.
    const confirm = await c.task('purchaser', id, 'confirm_winner');
    expect(v.confirmDeadlineAt).to.equal('2026-03-31T16:00:00.000Z');
    expect(confirm.legalBasis).to.be.a('string').and.contain('43');
    // The inbox shows the legal limit as the task's due date, so a silent purchaser is flagged overdue.
    expect(confirm.dueAt).to.equal(v.confirmDeadlineAt);
  });

  it('the purchaser confirms the first candidate; the award and the notice of award are published', async () => {
    // No challenge to the result before there is one.
    const early = await c.post('sup_rongxing', `/api/tenders/${tenderId}/challenges`, challengeBody('评审不公。'));
    expect(early.status, JSON.stringify(early.body)).to.equal(409);
    // Not a bid of this tender.
    const bad = await c.tryComplete('purchaser', (await c.task('purchaser', id, 'confirm_winner')).id, { winnerBidId: 99_999, confirmationNote: '随便选' });
    expect(bad.status, JSON.stringify(bad.body)).to.equal(422);
    const v = await confirmWinner(c, id, bids[C]!);
    expect(v.award).to.deep.include({ bidId: bids[C], supplierName: C, amountFen: 21_000_000 });
    // Award notice 24 March, published 1 working day (T11) → 25 March; challenges within 7 working days after it
    // (T13): 26, 27, 30, 31 March, 1, 2, 3 April (清明 4–6 April comes after) → 3 April 24:00.
    expect(v.challengeDeadlineAt).to.equal('2026-04-03T16:00:00.000Z');
    // Contract within 30 days of the notice of award (T20): 23 April (a Thursday) 24:00.
    expect(v.contractDeadlineAt).to.equal('2026-04-23T16:00:00.000Z');
    expect((await c.documents('purchaser', id)).map((d) => d.templateId)).to.include.members(['award-notice', 'notice-of-award']);
    // Nothing to sign before the challenge window has closed.
    expect((await c.inbox('purchaser', { instanceId: id })).map((t) => t.elementId)).to.not.include('sign_contract');
  });

  it('the challenge window passes without a challenge; the purchaser signs, publishes the contract, accepts; the project is archived', async () => {
    const v0 = await c.vars(id);
    await c.advanceTo(v0.challengeDeadlineAt as string);
    const late = await c.post('sup_rongxing', `/api/tenders/${tenderId}/challenges`, challengeBody('评审不公。'));
    expect(late.status, JSON.stringify(late.body)).to.equal(409);
    expect(late.body.error.code).to.equal('CHALLENGE_WINDOW_CLOSED');
    // Signed on Tuesday 7 April (after 清明), 10:00 Shanghai.
    await c.advanceTo('2026-04-07T02:00:00Z');
    const sign = await c.task('purchaser', id, 'sign_contract');
    expect(sign.dueAt).to.equal('2026-04-23T16:00:00.000Z');
    // The contract may not exceed the award, nor the performance bond 10 % of the contract (T25).
    const tooMuch = await c.tryComplete('purchaser', sign.id, { ...contractForm(210_000), contractAmountYuan: 210_000.01, signedDate: '2026-04-07' });
    expect(tooMuch.status, JSON.stringify(tooMuch.body)).to.equal(422);
    expect(JSON.stringify(tooMuch.body.error.details)).to.contain('contractAmountYuan');
    const bond = await c.tryComplete('purchaser', sign.id, { ...contractForm(210_000), performanceBondYuan: 21_000.01, signedDate: '2026-04-07' });
    expect(bond.status, JSON.stringify(bond.body)).to.equal(422);
    expect(JSON.stringify(bond.body.error.details)).to.contain('performanceBondYuan');
    await c.complete('purchaser', id, 'sign_contract', { ...contractForm(210_000), signedDate: '2026-04-07' });
    await c.expectNoIncidents(id);
    const v1 = await c.vars(id);
    // Published within 2 working days of signing (T21): 8, 9 April → 9 April 24:00.
    expect(v1.contractPublishDeadlineAt).to.equal('2026-04-09T16:00:00.000Z');
    const publish = await c.task('purchaser', id, 'publish_contract');
    expect(publish.dueAt).to.equal(v1.contractPublishDeadlineAt);
    const publication = { publicationMedia: '四川政府采购网', publishedDate: shanghaiLocal(c.clock.now()).slice(0, 10), publicationUrl: 'http://www.ccgp-sichuan.gov.cn/contract/FCJY-HT-2026-0001' };
    await c.complete('purchaser', id, 'publish_contract', publication);
    // Delivered; the first acceptance fails (two machines dead on arrival) and comes back to the purchaser.
    await c.advanceTo('2026-05-13T02:00:00Z');
    await c.complete('purchaser', id, 'acceptance', {
      acceptanceResults: [{ requirement: '整机开机测试', result: 'fail', note: '2 台无法开机' }],
      acceptanceOverall: 'fail', acceptanceDate: '2026-05-13', acceptanceTeam: '张采购、李老师（使用部门）', acceptanceIssues: '2 台整机无法开机，责令供应商更换。',
    });
    await c.expectNoIncidents(id);
    await c.task('purchaser', id, 'acceptance');
    expect((await c.instance(id)).state).to.equal('active');
    // Replaced and accepted on 20 May.
    await c.advanceTo('2026-05-20T02:00:00Z');
    await c.complete('purchaser', id, 'acceptance', {
      acceptanceResults: [
        { requirement: '按招标文件技术参数逐项验收', result: 'pass', note: '40 台配置与投标一致' },
        { requirement: '整机开机测试', result: 'pass', note: '全部正常' },
      ],
      acceptanceOverall: 'pass',
      acceptanceDate: '2026-05-20',
      acceptanceTeam: '张采购、李老师（使用部门）、王工（技术专家）',
      acceptanceIssues: '无',
    });
    await c.expectNoIncidents(id);
    const end = await c.instance(id);
    expect(end.state).to.equal('completed');
    expect(end.variables.outcome).to.equal('archived');
    expect(end.history.some((h) => h.elementId === 'end_archived')).to.equal(true);
  });

  it('every document of the chain was filed for the instance', async () => {
    const docs = (await c.documents('supervisor', id)).map((d) => d.templateId);
    expect(docs).to.include.members([
      'approval-form', 'tender-notice', 'tender-documents', 'bid-opening-record', 'credit-check-record', 'expert-selection-record',
      'evaluation-report', 'award-notice', 'notice-of-award', 'procurement-contract', 'contract-notice', 'acceptance-report',
    ]);
  });

  it('the project view shows the status, deadlines with their legal basis, the ranking, the award and the contract', async () => {
    const res = await c.get('purchaser', `/api/projects/${projectId}`);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const p = res.body as Vars;
    const deadlines = p.deadlines as { name?: string; at?: string; basis?: string; legalBasis?: string }[];
    expect(deadlines, 'deadlines').to.be.an('array').that.is.not.empty;
    for (const d of deadlines) expect(d.legalBasis ?? d.basis, JSON.stringify(d)).to.be.a('string').and.not.equal('');
    expect(JSON.stringify(p)).to.contain('91.46');
    expect(JSON.stringify(p.award)).to.contain(C);
    expect(JSON.stringify(p.contract)).to.contain('FCJY-HT-2026-0001');
    expect((await c.get('supplier', `/api/projects/${projectId}`)).status).to.equal(403);
    // A purchaser of another unit neither lists nor opens it.
    await c.createUser('purchaser_health', { roles: 'purchaser', organisationId: await c.createOrganisation('涪城区卫生健康局', 'purchaser_unit') });
    expect((await c.get('purchaser_health', `/api/projects/${projectId}`)).status).to.equal(404);
    expect(JSON.stringify((await c.get('purchaser_health', '/api/projects')).body)).to.not.contain(id);
    expect((await c.get('purchaser_health', `/api/instances/${id}`)).status).to.equal(403);
    const diagram = await c.get('purchaser', `/api/projects/${projectId}/diagram`);
    expect(diagram.status).to.equal(200);
    expect(diagram.body.completedElementIds).to.include.members(['open_bids', 'score_bids', 'archive_project']);
  });
});
