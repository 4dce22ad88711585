/**
 * Chain scenario (c), issue 4 §6: fewer than 3 bids at the deadline → failed tender (废标): the tender is marked
 * failed with the reason, the cancellation notice is filed, the purchaser decides to re-tender, the agency
 * publishes round 2 (a new tender and deadline); a substantive amendment less than 15 days before the deadline
 * moves it (T4) and the opening waits for the moved deadline; three bids arrive and the chain goes on to
 * qualification.
 */
import { expect } from 'chai';
import { startChain, type Chain } from './driver.ts';
import { approvedProject, prepareTender, reachDeadline, shanghaiLocal, submitBid, threeBidders, type Bidder } from './steps.ts';

describe('chain (c): failed tender (fewer than 3 bids) and re-tender', function () {
  this.timeout(90_000);
  let c: Chain;
  let id = '';
  let bidders: Bidder[] = [];
  let firstTender = 0;
  let secondTender = 0;
  before(async () => {
    c = await startChain();
    bidders = await threeBidders(c);
  });
  after(async () => {
    await c?.close();
  });

  it('two bids at the deadline: the tender fails with the reason and a cancellation notice', async () => {
    id = await approvedProject(c);
    const v = await prepareTender(c, id);
    firstTender = v.tenderId as number;
    await c.advance(86_400_000);
    await submitBid(c, bidders[0]!.user, firstTender, bidders[0]!);
    await submitBid(c, bidders[1]!.user, firstTender, bidders[1]!);
    const after = await reachDeadline(c, id);
    expect(after.bidCount).to.equal(2);
    expect(after.failureReason).to.be.a('string').and.match(/3|三/);
    // No qualification, no draw.
    expect((await c.inbox('agency', { instanceId: id })).map((t) => t.elementId)).to.not.include('qualification_review');
    expect(after).to.not.have.property('panel');
    const docs = (await c.documents('purchaser', id)).map((d) => d.templateId);
    expect(docs).to.include.members(['bid-opening-record', 'cancellation-notice']);
    const tender = await c.get('supplier', `/api/tenders/${firstTender}`);
    expect(tender.status).to.equal(200);
    expect(tender.body.status).to.equal('failed');
    // Bidding on a failed tender is refused.
    const late = await c.post(bidders[2]!.user, `/api/tenders/${firstTender}/bids`, {});
    expect(late.status).to.be.within(400, 499);
  });

  it('the purchaser decides to re-tender; the agency publishes round 2 with a new deadline', async () => {
    await c.complete('purchaser', id, 'decide_after_failure', { nextAction: 'retender', decisionReason: '投标人不足三家，重新组织招标。' });
    await c.task('agency', id, 'prepare_tender');
    const v = await prepareTender(c, id, { bidDeadline: '2026-05-20T09:30' });
    expect(v.tenderRound).to.equal(2);
    expect(v.tenderId).to.not.equal(firstTender);
    expect(v.bidDeadlineAt).to.equal('2026-05-20T01:30:00.000Z');
    secondTender = v.tenderId as number;
    await c.advance(86_400_000);
    await submitBid(c, bidders[0]!.user, secondTender, bidders[0]!);
    await submitBid(c, bidders[1]!.user, secondTender, bidders[1]!);
    // Round 1 stays failed.
    expect((await c.get('agency', `/api/tenders/${firstTender}`)).body.status).to.equal('failed');
  });

  it('a substantive amendment 8 days before the deadline moves it to at least 15 days after the amendment (T4); the old deadline opens nothing', async () => {
    await c.advanceTo('2026-05-12T02:00:00Z'); // Tuesday 12 May, 10:00
    const res = await c.post('agency', `/api/tenders/${secondTender}/amendments`, {
      title: '关于技术参数的修改',
      changes: [{ item: '第三章 2.1 内存', original: '≥ 8GB', revised: '≥ 16GB' }],
      substantive: true,
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    // Not anybody's to amend.
    expect((await c.post('purchaser', `/api/tenders/${secondTender}/amendments`, { changes: [{ item: 'x', original: 'y', revised: 'z' }], substantive: false })).status).to.equal(403);
    await c.expectNoIncidents(id);
    const v = await c.vars(id);
    // 12 May + 15 days = 27 May (a Wednesday): the new deadline is not earlier.
    const moved = new Date(v.bidDeadlineAt as string).getTime();
    expect(moved, v.bidDeadlineAt as string).to.be.within(new Date('2026-05-27T01:30:00Z').getTime(), new Date('2026-05-28T01:30:00Z').getTime());
    expect(v.bidDeadlineBasis).to.be.a('string').and.contain('T4');
    expect((await c.documents('agency', id)).map((d) => d.templateId)).to.include('clarification-notice');
    const tender = await c.get('sup_kechuang', `/api/tenders/${secondTender}`);
    expect(new Date(tender.body.bidDeadlineAt).getTime()).to.equal(moved);

    // The old deadline passes: nothing opens, and a third bid is still accepted.
    await c.advanceTo('2026-05-20T01:30:01Z');
    await c.expectNoIncidents(id);
    expect((await c.vars(id)).bidCount).to.equal(2); // still round 1's count: round 2 not opened
    expect((await c.inbox('agency', { instanceId: id })).map((t) => t.elementId)).to.not.include('qualification_review');
    await submitBid(c, bidders[2]!.user, secondTender, bidders[2]!);
  });

  it('at the moved deadline three bids open and go on to qualification', async () => {
    const opened = await reachDeadline(c, id);
    expect(opened.bidCount).to.equal(3);
    expect(opened.tenderId).to.equal(secondTender);
    await c.task('agency', id, 'qualification_review');
  });

  it('another project fails the same way; the purchaser changes the method to 竞争性磋商: the approvals run again and the shorter T29a limit applies', async () => {
    const id2 = await approvedProject(c);
    const v = await prepareTender(c, id2, { bidDeadline: '2026-06-30T09:30' });
    await c.advance(86_400_000);
    await submitBid(c, bidders[0]!.user, v.tenderId as number, bidders[0]!);
    await reachDeadline(c, id2);
    await c.complete('purchaser', id2, 'decide_after_failure', { nextAction: 'change_method', newMethod: '竞争性磋商', decisionReason: '公开招标仅一家投标，改用竞争性磋商。' });
    await c.expectNoIncidents(id2);
    expect((await c.vars(id2)).method).to.equal('竞争性磋商');
    // Below the open-tender threshold (200万元): no city gate; the department, finance and supervisor approve again.
    await c.complete('dept_approver', id2, 'dept_approval', { decision: 'approve', comment: '同意变更为竞争性磋商。' });
    await c.complete('finance_section', id2, 'finance_approval', { decision: 'approve', comment: '同意。' });
    await c.complete('supervisor', id2, 'supervisor_approval', { decision: 'approve', comment: '同意。' });
    // 竞争性磋商: at least 10 days from the documents (T29a) — 13 days (to a Monday) suffice, which open tender (20) would refuse.
    const now = c.clock.now();
    const deadline = shanghaiLocal(new Date(now.getTime() + 13 * 86_400_000)).slice(0, 10) + 'T09:30';
    const after = await prepareTender(c, id2, { bidDeadline: deadline });
    expect(after.bidDeadlineBasis).to.be.a('string').and.contain('T29');
    expect(after.tenderRound).to.equal(2);
  });
});

