/**
 * Chain scenario (e), issue 4 §11: a challenge (质疑) filed inside the window pauses the chain (no contract task),
 * the agency answers it in the inbox within the reply limit, upholds it with re-evaluation: the chain goes back to
 * the evaluation, the same panel scores again, the new ranking names another first candidate, the purchaser
 * confirms again and a new award notice version is filed.
 */
import { expect } from 'chai';
import { startChain, type Chain, type Vars } from './driver.ts';
import { approvedProject, challengeBody, confirmWinner, expertsScore, runToConfirmation, threeBidders, type Bidder } from './steps.ts';

describe('chain (e): challenge upheld → re-evaluation (and, on another project, rejected, then upheld with cancellation)', function () {
  this.timeout(90_000);
  let c: Chain;
  let id = '';
  let bidders: Bidder[] = [];
  let tenderId = 0;
  let bids: Record<string, number> = {};
  before(async () => {
    c = await startChain();
    bidders = await threeBidders(c);
    await c.expertAccounts();
  });
  after(async () => {
    await c?.close();
  });

  it('runs to the award: 长虹 first', async () => {
    id = await approvedProject(c);
    ({ tenderId, bids } = await runToConfirmation(c, id, bidders));
    const v = await c.vars(id);
    expect(v.firstCandidateBidId).to.equal(bids['四川长虹教育科技有限公司']);
    await confirmWinner(c, id, bids['四川长虹教育科技有限公司']!);
  });

  it('only a supplier that bid may challenge, and only inside the window; a challenge pauses the chain', async () => {
    const v = await c.vars(id);
    expect((await c.post('supplier', `/api/tenders/${tenderId}/challenges`, challengeBody('我公司未投标，但认为评审不公。'))).status).to.equal(403);
    const filed = await c.post('sup_rongxing', `/api/tenders/${tenderId}/challenges`, challengeBody('第一中标候选人所投产品的内存配置不满足招标文件第三章第 2.1 条实质性要求（≥ 16GB），技术分不应高于我公司。'));
    expect(filed.status, JSON.stringify(filed.body)).to.equal(201);
    const answer = await c.task('agency', id, 'answer_challenge');
    // Filed Tuesday 24 March: reply within 7 working days (T14) → 25, 26, 27, 30, 31 March, 1, 2 April, 24:00.
    expect(filed.body.replyDeadline).to.deep.include({ ruleId: 'T14', dueAt: '2026-04-02T16:00:00.000Z' });
    expect(answer.dueAt).to.equal('2026-04-02T16:00:00.000Z');
    // The window closes while the challenge is open: still no contract to sign.
    await c.advanceTo(v.challengeDeadlineAt as string);
    await c.advance(60_000);
    expect((await c.inbox('purchaser', { instanceId: id })).map((t) => t.elementId)).to.not.include('sign_contract');
    const list = await c.get('agency', `/api/tenders/${tenderId}/challenges`);
    expect(list.status).to.equal(200);
    expect(JSON.stringify(list.body)).to.contain('内存配置');
  });

  it('the agency upholds it with re-evaluation; the panel scores again; the new first candidate is confirmed', async () => {
    await c.complete('agency', id, 'answer_challenge', { challengeOutcome: 'upheld_reevaluate', challengeReply: '经核查质疑成立：第一中标候选人内存配置为 8GB，不满足实质性要求，依法组织原评标委员会重新评审。' });
    await c.expectNoIncidents(id);
    expect((await c.documents('agency', id)).map((d) => d.templateId)).to.include('challenge-letter-reply');
    // Re-evaluation: the panel marks 长虹's technical offer down for the memory shortfall (technical 30 instead of 47).
    const sheets = Array.from({ length: 5 }, () => Object.fromEntries(bidders.map((b) => [b.name, {
      technicalScore: b.name === '四川长虹教育科技有限公司' ? 30 : b.technicalScore ?? 40, businessScore: b.businessScore ?? 15,
    }])));
    await expertsScore(c, id, sheets);
    const v = await c.vars(id);
    const ranking = v.ranking as Vars[];
    // 基准价 = 科创 200,000 × 90 % = 180,000. 蓉星 180000/189000 × 30 + 45 + 18 = 91.57; 科创 30 + 42 + 16 = 88.00;
    // 长虹 180000/210000 × 30 + 30 + 19 = 74.71.
    expect(ranking.map((r) => [r.supplierName, r.totalScore])).to.deep.equal([
      ['成都蓉星计算机系统有限公司', '91.57'], ['绵阳市科创电子科技有限公司', '88.00'], ['四川长虹教育科技有限公司', '74.71'],
    ]);
    expect(v.firstCandidateBidId).to.equal(bids['成都蓉星计算机系统有限公司']);
    const after = await confirmWinner(c, id, v.firstCandidateBidId as number);
    expect((after.award as Vars).bidId).to.equal(v.firstCandidateBidId);
    const award = (await c.documents('purchaser', id)).find((d) => d.templateId === 'award-notice');
    expect(award!.latestVersion).to.equal(2);
  });

  it('another project: a rejected challenge returns to the window; a second one upheld with cancellation fails the tender; the purchaser terminates', async () => {
    const id2 = await approvedProject(c);
    const run = await runToConfirmation(c, id2, bidders, { bidDeadline: '2026-05-12T09:30' });
    const v = await confirmWinner(c, id2, run.bids['四川长虹教育科技有限公司']!);
    const first = await c.post('sup_kechuang', `/api/tenders/${run.tenderId}/challenges`, challengeBody('评标委员会对我公司的商务分评分过低，业绩证明未被采信。'));
    expect(first.status, JSON.stringify(first.body)).to.equal(201);
    await c.complete('agency', id2, 'answer_challenge', { challengeOutcome: 'rejected', challengeReply: '经核查，评标委员会已按招标文件评分标准对业绩证明逐项评审，质疑事项不成立。' });
    await c.expectNoIncidents(id2);
    // Back in the window: a second challenge is still possible, no contract yet.
    expect((await c.inbox('purchaser', { instanceId: id2 })).map((t) => t.elementId)).to.not.include('sign_contract');
    const second = await c.post('sup_rongxing', `/api/tenders/${run.tenderId}/challenges`, challengeBody('招标文件的技术参数指向特定品牌，排斥潜在供应商。'));
    expect(second.status, JSON.stringify(second.body)).to.equal(201);
    await c.complete('agency', id2, 'answer_challenge', { challengeOutcome: 'upheld_cancel', challengeReply: '经核查质疑成立：招标文件技术参数存在倾向性，影响中标结果且无法补救，本项目废标，重新组织采购。' });
    await c.expectNoIncidents(id2);
    const after = await c.vars(id2);
    expect(after.failureReason).to.be.a('string').and.not.equal('');
    expect((await c.documents('purchaser', id2)).map((d) => d.templateId)).to.include('cancellation-notice');
    expect((await c.get('agency', `/api/tenders/${run.tenderId}`)).body.status).to.equal('failed');
    // The window closing later changes nothing.
    await c.advanceTo(v.challengeDeadlineAt as string);
    await c.advance(60_000);
    expect((await c.inbox('purchaser', { instanceId: id2 })).map((t) => t.elementId)).to.deep.equal(['decide_after_failure']);
    await c.complete('purchaser', id2, 'decide_after_failure', { nextAction: 'terminate', decisionReason: '需求调整，本年度不再采购。' });
    const end = await c.instance(id2);
    expect(end.state).to.equal('completed');
    expect(end.variables.outcome).to.equal('terminated');
  });
});

