/**
 * Chain scenario (issue 8, complaints): a rejected challenge → the challenger complains to the supervisor
 * (processes/complaint.bpmn) → accepted, respondents explain, the supervisor suspends the procurement (a completion in
 * it is refused 409 PROCUREMENT_SUSPENDED while suspended) → upheld with cancellation: the procurement goes to 废标.
 * Another project: upheld with re-evaluation sends the procurement back to the evaluation. Filing out of time and
 * by someone who did not challenge is refused.
 */
import { expect } from 'chai';
import { startChain, type Chain, type Vars } from './driver.ts';
import { approvedProject, challengeBody, confirmWinner, runToConfirmation, threeBidders, type Bidder } from './steps.ts';

function complaintBody(challengeId: number): Vars {
  return {
    challengeId,
    items: [{ item: '评审程序违法', request: '请求认定中标结果无效，责令重新开展采购活动。', facts: '评标委员会未按招标文件规定的评分标准评审我公司的业绩证明。', law: '政府采购法实施条例第四十一条；财政部令第87号第六十五条' }],
    requests: '认定中标结果无效。',
  };
}
const decision = (over: Vars) => ({ decisionResult: 'upheld', decisionNo: '涪财采决〔2026〕1号', findings: '经调取评审资料查明，评标委员会未按评分标准评审业绩证明。', reasoning: '依据财政部令第94号第三十二条处理。', medium: '四川政府采购网', ...over });

describe('chain (complaint): rejected challenge → complaint → suspension → decision changes the procurement', function () {
  this.timeout(120_000);
  let c: Chain;
  let bidders: Bidder[] = [];
  let id = '';
  let tenderId = 0;
  let challengeId = 0;
  let complaintId = 0;
  let complaintInstance = '';
  before(async () => {
    c = await startChain();
    bidders = await threeBidders(c);
    await c.expertAccounts();
  });
  after(async () => {
    await c?.close();
  });

  it('a challenge is answered (rejected); only the challenger may complain, with T15 as its deadline', async () => {
    id = await approvedProject(c);
    const run = await runToConfirmation(c, id, bidders);
    tenderId = run.tenderId;
    await confirmWinner(c, id, run.bids['四川长虹教育科技有限公司']!);
    const filed = await c.post('sup_kechuang', `/api/tenders/${tenderId}/challenges`, challengeBody('评标委员会对我公司的商务分评分过低，业绩证明未被采信。'));
    expect(filed.status, JSON.stringify(filed.body)).to.equal(201);
    challengeId = filed.body.challengeId;
    // Before the reply (and before the reply period ends) there is nothing to complain about yet.
    expect((await c.post('sup_kechuang', '/api/complaints', complaintBody(challengeId))).body.error.code).to.equal('CHALLENGE_PENDING');
    await c.complete('agency', id, 'answer_challenge', { challengeOutcome: 'rejected', challengeReply: '经核查，评标委员会已按招标文件评分标准对业绩证明逐项评审，质疑事项不成立。' });
    await c.expectNoIncidents(id);
    const other = await c.post('sup_rongxing', '/api/complaints', complaintBody(challengeId));
    expect(other.status, JSON.stringify(other.body)).to.equal(403);
    expect(other.body.error.code).to.equal('NOT_CHALLENGER');
    expect((await c.post('purchaser', '/api/complaints', complaintBody(challengeId))).status).to.equal(403);
    const res = await c.post('sup_kechuang', '/api/complaints', complaintBody(challengeId));
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    complaintId = res.body.complaintId;
    complaintInstance = res.body.instanceId;
    expect(res.body.complaintDeadline).to.include({ ruleId: 'T15' });
    expect(res.body.status).to.equal('filed');
    const audited = (await c.get('supervisor', '/api/audit?action=complaint.filed')).body.entries;
    expect(audited.map((e: Vars) => [e.actor, e.objectId])).to.deep.equal([['sup_kechuang', String(complaintId)]]);
    // A second complaint about the same challenge while this one is handled.
    expect((await c.post('sup_kechuang', '/api/complaints', complaintBody(challengeId))).status).to.equal(409);
    await c.expectNoIncidents(complaintInstance);
    const docs = await c.documents('supervisor', complaintInstance);
    expect(docs.map((d) => d.templateId)).to.include('complaint-decision');
  });

  it('who sees it: the complainant, the supervisor, the project\'s purchaser and agency; not another supplier', async () => {
    expect((await c.get('sup_kechuang', '/api/complaints')).body.complaints.map((x: Vars) => x.complaintId)).to.deep.equal([complaintId]);
    expect((await c.get('sup_rongxing', '/api/complaints')).body.complaints).to.deep.equal([]);
    expect((await c.get('sup_rongxing', `/api/complaints/${complaintId}`)).status).to.equal(404);
    for (const u of ['supervisor', 'purchaser', 'agency', 'auditor']) expect((await c.get(u, `/api/complaints/${complaintId}`)).status, u).to.equal(200);
  });

  it('accepted within T16a, respondents explain, the supervisor suspends: the procurement refuses completions (409)', async () => {
    const review = await c.task('supervisor', complaintInstance, 'review_complaint');
    expect(review.dueAt).to.be.a('string');
    await c.complete('supervisor', complaintInstance, 'review_complaint', { reviewDecision: 'accept', reviewReason: '符合投诉条件，予以受理。' });
    await c.complete('agency', complaintInstance, 'respondent_explanation', { respondentStatement: '评标委员会已按评分标准逐项评审业绩证明，详见评审记录。' });
    // The challenge window closes meanwhile: the purchaser's contract task is open.
    const v = await c.vars(id);
    await c.advanceTo(v.challengeDeadlineAt as string);
    await c.advance(60_000);
    const sign = await c.task('purchaser', id, 'sign_contract');
    await c.complete('supervisor', complaintInstance, 'investigate_complaint', { investigationNotes: '调取评审资料，询问评标委员会。', suspendProcurement: 'yes' });
    await c.expectNoIncidents(complaintInstance);
    const refused = await c.tryComplete('purchaser', sign.id, { contractNumber: 'X' });
    expect(refused.status, JSON.stringify(refused.body)).to.equal(409);
    expect(refused.body.error.code).to.equal('PROCUREMENT_SUSPENDED');
    const claim = await c.post('purchaser', `/api/tasks/${sign.id}/claim`);
    expect(claim.status).to.equal(409);
    const p = await c.instance(id);
    expect(p.history.map((h) => h.elementId)).to.include('procurement_suspended');
    expect(p.variables.procurementSuspended).to.equal(true);
    const detail = await c.get('sup_kechuang', `/api/complaints/${complaintId}`);
    expect(detail.body.suspensions).to.have.length(1);
    expect(detail.body.deadlines.map((d: Vars) => d.ruleId)).to.include.members(['T15', 'T16a', 'T16c', 'T17', 'T18']);
  });

  it('upheld with cancellation: decision document, the procurement resumes and goes to 废标', async () => {
    await c.complete('supervisor', complaintInstance, 'decide_complaint', decision({ complaintEffect: 'cancel' }));
    await c.expectNoIncidents(complaintInstance);
    await c.expectNoIncidents(id);
    const done = await c.instance(complaintInstance);
    expect(done.state).to.equal('completed');
    // Two documents of template 17: the 投诉书 filed at the start and the 投诉处理决定书.
    const docs = (await c.documents('sup_kechuang', complaintInstance)).filter((d) => d.templateId === 'complaint-decision');
    expect(docs).to.have.length(2);
    const datas = await Promise.all(docs.map((d) => c.documentData('supervisor', d.id)));
    const withDecision = datas.filter((d) => d.decision);
    expect(withDecision).to.have.length(1);
    expect((withDecision[0]!.decision as Vars).result).to.equal('投诉事项成立，责令重新开展采购活动');
    const p = await c.instance(id);
    expect(p.history.map((h) => h.elementId)).to.include.members(['procurement_resumed', 'complaint_decided_on_contract', 'record_failed_tender']);
    expect(String(p.variables.failureReason)).to.contain('投诉处理决定');
    expect((await c.get('agency', `/api/tenders/${tenderId}`)).body.status).to.equal('failed');
    expect((await c.inbox('purchaser', { instanceId: id })).map((t) => t.elementId)).to.deep.equal(['decide_after_failure']);
    const shown = await c.get('sup_kechuang', `/api/complaints/${complaintId}`);
    expect(shown.body).to.include({ status: 'decided', effect: 'cancel' });
    expect(shown.body.suspensions[0].endedAt).to.be.a('string');
    await c.complete('purchaser', id, 'decide_after_failure', { nextAction: 'terminate', decisionReason: '投诉处理决定认定中标结果无效，本年度不再采购。' });
  });

  it('another project: upheld with re-evaluation (no suspension) sends the procurement back to the evaluation', async () => {
    const id2 = await approvedProject(c);
    const run = await runToConfirmation(c, id2, bidders, { bidDeadline: '2026-06-16T09:30' });
    await confirmWinner(c, id2, run.bids['四川长虹教育科技有限公司']!);
    const ch = await c.post('sup_rongxing', `/api/tenders/${run.tenderId}/challenges`, challengeBody('第一中标候选人所投产品的内存配置不满足实质性要求。'));
    await c.complete('agency', id2, 'answer_challenge', { challengeOutcome: 'rejected', challengeReply: '经核查，所投产品满足招标文件要求，质疑事项不成立。' });
    const res = await c.post('sup_rongxing', '/api/complaints', complaintBody(ch.body.challengeId));
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    const ci = res.body.instanceId as string;
    // 补正 once, then accepted.
    await c.complete('supervisor', ci, 'review_complaint', { reviewDecision: 'correct', reviewReason: '请补充所投产品配置的证明材料。' });
    await c.complete('sup_rongxing', ci, 'correct_complaint', { correctedFacts: '附第一中标候选人产品彩页，内存为 8GB。' });
    await c.complete('supervisor', ci, 'review_complaint', { reviewDecision: 'accept', reviewReason: '补正后符合投诉条件。' });
    await c.complete('purchaser', ci, 'respondent_explanation', { respondentStatement: '采购人已将情况转交代理机构核实。' });
    await c.complete('supervisor', ci, 'investigate_complaint', { investigationNotes: '核对投标文件。', suspendProcurement: 'no' });
    await c.complete('supervisor', ci, 'decide_complaint', decision({ complaintEffect: 'reevaluate', decisionNo: '涪财采决〔2026〕2号' }));
    await c.expectNoIncidents(ci);
    await c.expectNoIncidents(id2);
    const p = await c.instance(id2);
    expect(p.history.map((h) => h.elementId)).to.include('complaint_decided_in_window');
    expect(p.activeElements.map((a) => a.elementId)).to.include('expert_evaluation');
  });

  it('a suspension ends by itself after T18 (30 days): the procurement is told, its tasks can be done again', async () => {
    const id3 = await approvedProject(c);
    const run = await runToConfirmation(c, id3, bidders, { bidDeadline: '2026-09-15T09:30' });
    await confirmWinner(c, id3, run.bids['四川长虹教育科技有限公司']!);
    const ch = await c.post('sup_changhong', `/api/tenders/${run.tenderId}/challenges`, challengeBody('我公司认为评审中的价格扣除计算有误。'));
    expect(ch.status, JSON.stringify(ch.body)).to.equal(201);
    await c.complete('agency', id3, 'answer_challenge', { challengeOutcome: 'rejected', challengeReply: '经复核，价格扣除计算无误，质疑事项不成立。' });
    const v = await c.vars(id3);
    await c.advanceTo(v.challengeDeadlineAt as string);
    await c.advance(60_000);
    const res = await c.post('sup_changhong', '/api/complaints', complaintBody(ch.body.challengeId));
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    const ci = res.body.instanceId as string;
    await c.complete('supervisor', ci, 'review_complaint', { reviewDecision: 'accept', reviewReason: '符合投诉条件。' });
    await c.complete('agency', ci, 'respondent_explanation', { respondentStatement: '价格扣除按招标文件第二章计算。' });
    await c.complete('supervisor', ci, 'investigate_complaint', { investigationNotes: '复核价格扣除。', suspendProcurement: 'yes' });
    const cv = await c.vars(ci);
    expect((cv.suspensionEnd as Vars).ruleId).to.equal('T18');
    const sign = await c.task('purchaser', id3, 'sign_contract');
    expect((await c.post('purchaser', `/api/tasks/${sign.id}/claim`)).body.error.code).to.equal('PROCUREMENT_SUSPENDED');
    await c.advanceTo(cv.suspensionEndAt as string);
    await c.advance(60_000);
    await c.expectNoIncidents(ci);
    const p = await c.instance(id3);
    expect(p.variables.procurementSuspended).to.equal(false);
    expect(p.history.map((h) => h.elementId)).to.include('procurement_resumed');
    expect((await c.post('purchaser', `/api/tasks/${sign.id}/claim`)).status).to.equal(200);
    // The decision task stays open; dismissed: no message, the contract goes on.
    await c.complete('supervisor', ci, 'decide_complaint', { ...decision({ decisionNo: '涪财采决〔2026〕3号' }), decisionResult: 'dismissed' });
    await c.expectNoIncidents(ci);
    expect((await c.get('supervisor', `/api/complaints/${res.body.complaintId}`)).body).to.include({ status: 'decided', effect: 'continue' });
    expect((await c.inbox('purchaser', { instanceId: id3 })).map((t) => t.elementId)).to.include('sign_contract');
  });

  it('a complaint after T15 is refused (422 naming the deadline)', async () => {
    // 15 working days after the first project's reply have long passed by now (the second project ran for months).
    const late = await c.post('sup_kechuang', '/api/complaints', complaintBody(challengeId));
    expect(late.status, JSON.stringify(late.body)).to.equal(422);
    expect(late.body.error.code).to.equal('COMPLAINT_OUT_OF_TIME');
    expect(late.body.error.message).to.contain('T15');
  });
});
