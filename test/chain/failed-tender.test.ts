/**
 * Chain scenario (c), issue 4 §6: fewer than 3 bids at the deadline → failed tender (废标): the tender is marked
 * failed with the reason, the cancellation notice is filed, the purchaser decides to re-tender, the agency
 * publishes round 2 (a new tender and deadline), three bids arrive and the chain goes on to qualification.
 */
import { expect } from 'chai';
import { startChain, type Chain } from './driver.ts';
import { approvedProject, prepareTender, reachDeadline, submitBid, threeBidders, type Bidder } from './steps.ts';

describe('chain (c): failed tender (fewer than 3 bids) and re-tender', function () {
  this.timeout(90_000);
  let c: Chain;
  let id = '';
  let bidders: Bidder[] = [];
  let firstTender = 0;
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

  it('the purchaser decides to re-tender; the agency publishes round 2 with a new deadline; three bids go on to qualification', async () => {
    await c.complete('purchaser', id, 'decide_after_failure', { nextAction: 'retender', decisionReason: '投标人不足三家，重新组织招标。' });
    await c.task('agency', id, 'prepare_tender');
    const v = await prepareTender(c, id, { bidDeadline: '2026-04-28T09:30' });
    expect(v.tenderRound).to.equal(2);
    expect(v.tenderId).to.not.equal(firstTender);
    expect(v.bidDeadlineAt).to.equal('2026-04-28T01:30:00.000Z');
    await c.advance(86_400_000);
    for (const b of bidders) await submitBid(c, b.user, v.tenderId as number, b);
    const opened = await reachDeadline(c, id);
    expect(opened.bidCount).to.equal(3);
    await c.task('agency', id, 'qualification_review');
    // Round 1 stays failed.
    expect((await c.get('agency', `/api/tenders/${firstTender}`)).body.status).to.equal('failed');
  });
});
