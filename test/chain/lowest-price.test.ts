/**
 * Scoring against a hand-computed example, second method (issue 4 §9, "done when": scoring against hand-computed
 * examples): an open tender evaluated by the lowest evaluated price (最低评标价法, 令87 Art. 53–54). The experts
 * only judge compliance (符合性); a bid a majority of the panel finds non-compliant is invalid (令87 Art. 57).
 *
 * Hand computation:
 *   蓉星 189,000.00 (medium)            → evaluated 189,000.00
 *   长虹 210,000.00 (large)             → evaluated 210,000.00
 *   科创 200,000.00 (micro, SME, −10 %) → evaluated 180,000.00 — would be first, but experts 1–3 of 5 find it
 *                                          non-compliant (3 of 5 is a majority) → invalid
 *   蓉星 is found non-compliant by experts 4–5 only (2 of 5, no majority) → stays
 *   基准价 = 189,000 (蓉星); price score = 基准价 / evaluated × 100: 蓉星 100.00, 长虹 90.00
 *   ranking: 1 蓉星, 2 长虹
 */
import { expect } from 'chai';
import { startChain, type Chain } from './driver.ts';
import { approvedProject, expertsScore, prepareTender, reachDeadline, reviewQualification, submitBid, threeBidders, type Bidder } from './steps.ts';

const R = '成都蓉星计算机系统有限公司';
const H = '四川长虹教育科技有限公司';
const K = '绵阳市科创电子科技有限公司';

describe('chain: lowest evaluated price, compliance by panel majority, hand-computed ranking', function () {
  this.timeout(90_000);
  let c: Chain;
  let id = '';
  let bidders: Bidder[] = [];
  before(async () => {
    c = await startChain();
    bidders = await threeBidders(c);
  });
  after(async () => {
    await c?.close();
  });

  it('the agency publishes a lowest-price tender: notice and tender documents are filed', async () => {
    id = await approvedProject(c);
    const v = await prepareTender(c, id, { evaluationMethod: 'lowest_price' });
    expect(v.evaluationMethod).to.equal('lowest_price');
    expect((await c.documents('agency', id)).map((d) => d.templateId)).to.include.members(['tender-notice', 'tender-documents']);
  });

  it('three bids open, all qualify, five experts judge compliance; the ranking equals the hand computation', async () => {
    const tenderId = (await c.vars(id)).tenderId as number;
    await c.advance(86_400_000);
    for (const b of bidders) await submitBid(c, b.user, tenderId, b);
    await reachDeadline(c, id);
    await reviewQualification(c, id);
    const sheets = [0, 1, 2, 3, 4].map((i) => ({
      [R]: { technicalScore: 0, businessScore: 0, compliant: i < 3 },
      [H]: { technicalScore: 0, businessScore: 0, compliant: true },
      [K]: { technicalScore: 0, businessScore: 0, compliant: i >= 3 },
    }));
    // The form shows only the compliance checkbox for this method: that is all an expert sends.
    await expertsScore(c, id, sheets, (_i, scores) => scores.map(({ technicalScore: _t, businessScore: _b, ...rest }) => rest));
    const v = await c.vars(id);
    const ranking = (v.ranking as Record<string, unknown>[]).map((r) => [r.rank, r.supplierName, r.evaluatedPriceFen, r.priceScore, r.totalScore]);
    expect(ranking).to.deep.equal([
      [1, R, 18_900_000, '100.00', '100.00'],
      [2, H, 21_000_000, '90.00', '90.00'],
    ]);
    const report = (await c.documents('agency', id)).find((d) => d.templateId === 'evaluation-report');
    expect(JSON.stringify(await c.documentData('agency', report!.id))).to.contain(K);
    await c.task('purchaser', id, 'confirm_winner');
  });
});
