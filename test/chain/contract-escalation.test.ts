/**
 * Chain scenario (f), issue 4 §12: the contract must be signed within 30 days of the award notice (T20). When the
 * deadline passes, the supervisor gets 合同签订超期督办 in the inbox (non-interrupting boundary timer) while the
 * purchaser can still sign; signing then moves the chain on to publication. Before that, issue §10: the purchaser's
 * silence past the confirmation limit (T9) makes the first candidate the winner (boundary timer).
 */
import { expect } from 'chai';
import { startChain, type Chain } from './driver.ts';
import { approvedProject, contractForm, runToConfirmation, shanghaiLocal, threeBidders, type Bidder } from './steps.ts';

describe('chain (f): contract deadline passes → supervisor escalation, purchaser can still sign', function () {
  this.timeout(90_000);
  let c: Chain;
  let id = '';
  let bidders: Bidder[] = [];
  before(async () => {
    c = await startChain();
    bidders = await threeBidders(c);
    await c.expertAccounts();
  });
  after(async () => {
    await c?.close();
  });

  it('the purchaser stays silent past the confirmation limit: the first candidate is deemed the winner (timer)', async () => {
    id = await approvedProject(c);
    // The suppliers bid, and the experts score, at the same moment (as they would, each on their own).
    const { bids } = await runToConfirmation(c, id, bidders, {}, { parallel: true });
    const before = await c.vars(id);
    const limit = new Date(before.confirmDeadlineAt as string).getTime();
    await c.advanceTo(new Date(limit - 60_000));
    await c.task('purchaser', id, 'confirm_winner');
    expect(before).to.not.have.property('award');
    await c.advanceTo(new Date(limit + 1000));
    await c.expectNoIncidents(id);
    const v = await c.vars(id);
    expect(v.winnerDeemed).to.equal(true);
    expect(v.winnerBidId).to.equal(bids['四川长虹教育科技有限公司']);
    expect((v.award as Record<string, unknown>).bidId).to.equal(bids['四川长虹教育科技有限公司']);
    expect((await c.inbox('purchaser', { instanceId: id })).map((t) => t.elementId)).to.not.include('confirm_winner');
    expect((await c.documents('purchaser', id)).map((d) => d.templateId)).to.include('award-notice');
  });

  it('after the challenge window the purchaser must sign by the contract deadline (30 days from the award notice)', async () => {
    const v = await c.vars(id);
    // Deemed at 00:00:01 on Wednesday 1 April (Shanghai): 30 days (T20) end on Friday 1 May, inside the Labour Day
    // holiday (1–5 May 2026), so the limit rolls forward to Wednesday 6 May, 24:00.
    expect(v.awardedAt).to.equal('2026-03-31T16:00:01.000Z');
    expect(v.contractDeadlineAt).to.equal('2026-05-06T16:00:00.000Z');
    await c.advanceTo(v.challengeDeadlineAt as string);
    await c.advance(60_000);
    const sign = await c.task('purchaser', id, 'sign_contract');
    expect(sign.elementId).to.equal('sign_contract');
    expect(await c.inbox('supervisor', { instanceId: id })).to.deep.equal([]);
  });

  it('one minute before the deadline nothing escalates; at the deadline the supervisor gets the escalation task', async () => {
    const v = await c.vars(id);
    const deadline = new Date(v.contractDeadlineAt as string).getTime();
    await c.advanceTo(new Date(deadline - 60_000));
    expect((await c.inbox('supervisor', { instanceId: id })).map((t) => t.elementId)).to.not.include('escalate_contract');
    await c.advanceTo(new Date(deadline + 1000));
    await c.expectNoIncidents(id);
    const esc = await c.task('supervisor', id, 'escalate_contract');
    expect(esc.elementId).to.equal('escalate_contract');
    // The purchaser sees neither the escalation nor lost the signing task.
    expect((await c.inbox('purchaser', { instanceId: id })).map((t) => t.elementId)).to.deep.equal(['sign_contract']);
    expect((await c.get('purchaser', `/api/tasks/${esc.id}`)).status).to.equal(403);
  });

  it('the purchaser signs late; the chain goes on to publication; the supervisor closes the escalation', async () => {
    await c.complete('purchaser', id, 'sign_contract', { ...contractForm(210_000), signedDate: shanghaiLocal(c.clock.now()).slice(0, 10) });
    await c.expectNoIncidents(id);
    await c.task('purchaser', id, 'publish_contract');
    await c.complete('supervisor', id, 'escalate_contract', { escalationMeasures: '已约谈采购人，合同已签订，责令今后在中标通知书发出之日起 30 日内签订合同。' });
    await c.expectNoIncidents(id);
    const h = (await c.instance(id)).history;
    expect(h.some((e) => e.elementId === 'end_escalation_handled')).to.equal(true);
    await c.task('purchaser', id, 'publish_contract');
  });
});
