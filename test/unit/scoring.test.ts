/**
 * Scoring against hand-computed examples (令87 Art. 54–57, 68). Every expected figure below is worked out in the
 * comments; the module keeps scores exact and rounds half-up to 2 decimals only when it shows them.
 */
import { expect } from 'chai';
import { drawKey, scoreBids, ScoringInputError, smallOrMicro, type ExpertSheet, type ScoringBid, type ScoringSettings } from '../../server/evaluation/scoring.ts';
import { parseDecimal, Rational } from '../../server/evaluation/decimal.ts';

const seedA = Buffer.alloc(32, 1);
const bid = (bidId: number, supplierName: string, totalPriceFen: number, sme = false): ScoringBid => ({ bidId, supplierName, creditCode: `91510703MA6AT3L5${bidId}X`.slice(0, 18), totalPriceFen, sme });
/** Sheets for n experts: per bid, arrays of technical and business scores (one per expert). */
function sheets(per: Record<number, { t?: number[]; b?: number[]; c?: boolean[] }>, n: number): ExpertSheet[] {
  return Array.from({ length: n }, (_, i) => ({
    expertCode: `E${i + 1}`,
    scores: Object.entries(per).map(([bidId, s]) => ({ bidId: Number(bidId), technicalScore: s.t?.[i] ?? null, businessScore: s.b?.[i] ?? null, compliant: s.c ? s.c[i] : true })),
  }));
}

describe('unit: exact decimals', () => {
  it('rounds half away from zero only when shown', () => {
    expect(new Rational(65625n, 1000n).toFixed(2)).to.equal('65.63');
    expect(new Rational(1n, 3n).toFixed(2)).to.equal('0.33');
    expect(new Rational(2n, 3n).toFixed(2)).to.equal('0.67');
    expect(new Rational(-5n, 1000n).toFixed(2)).to.equal('-0.01');
    expect(parseDecimal('92.345')!.toFixed(2)).to.equal('92.35');
    // 0.1 + 0.2 is exact here (floats give 0.30000000000000004)
    expect(parseDecimal('0.1')!.add(parseDecimal('0.2')!).compare(parseDecimal('0.3')!)).to.equal(0);
    expect(parseDecimal('1e5')).to.equal(null);
  });
});

describe('unit: scoring (评分与排序)', () => {
  const comprehensive: ScoringSettings = { evaluationMethod: 'comprehensive', priceWeightPercent: 30, technicalWeightPercent: 50, businessWeightPercent: 20, smeDeductionPercent: 10, smeReserved: false };

  /*
   * Example 1 — comprehensive, SME deduction changes the winner. Weights price 30 / technical 50 / business 20,
   * small/micro deduction 10 %, three experts.
   *   A  1,000,000.00 元 (100,000,000 fen), large firm;  technical 40, 42, 41 → mean 41;  business 15, 16, 17 → 16
   *   B  1,050,000.00 元 (105,000,000 fen), small firm;  technical 40, 41, 39 → mean 40;  business 16, 16, 16 → 16
   *   C  1,200,000.00 元 (120,000,000 fen), large firm;  technical 30, 31, 32 → mean 31;  business 10, 11, 12 → 11
   * B's evaluated price = 105,000,000 × 90 % = 94,500,000 fen → the lowest → 评标基准价 = 94,500,000.
   *   B: price score = 94.5/94.5 × 30 = 30.00; total = 30 + 40 + 16 = 86.00
   *   A: price score = 94.5/100 × 30 = 28.35;  total = 28.35 + 41 + 16 = 85.35
   *   C: price score = 94.5/120 × 30 = 23.625 → shown 23.63; total = 23.625 + 31 + 11 = 65.625 → shown 65.63
   * Without the deduction (reserved project): base = A's 100,000,000; A = 30 + 41 + 16 = 87.00;
   *   B = 100/105 × 30 = 28.5714… + 40 + 16 = 84.5714… → 84.57; C = 100/120 × 30 = 25 + 31 + 11 = 67.00; A wins.
   */
  it('example 1: the SME deduction makes the small firm the winner', () => {
    const bids = [bid(1, '甲公司', 100_000_000), bid(2, '乙公司（小型企业）', 105_000_000, true), bid(3, '丙公司', 120_000_000)];
    const s = sheets({ 1: { t: [40, 42, 41], b: [15, 16, 17] }, 2: { t: [40, 41, 39], b: [16, 16, 16] }, 3: { t: [30, 31, 32], b: [10, 11, 12] } }, 3);
    const r = scoreBids(bids, s, comprehensive, seedA);
    expect(r.basePriceFen).to.equal(94_500_000);
    expect(r.ranking.map((x) => [x.rank, x.bidId, x.evaluatedPriceFen, x.priceScore, x.technicalScore, x.businessScore, x.totalScore, x.tieBreak])).to.deep.equal([
      [1, 2, 94_500_000, '30.00', '40.00', '16.00', '86.00', null],
      [2, 1, 100_000_000, '28.35', '41.00', '16.00', '85.35', null],
      [3, 3, 120_000_000, '23.63', '31.00', '11.00', '65.63', null],
    ]);
    expect(r.priceDeductions).to.deep.equal([{ bidId: 2, supplierName: '乙公司（小型企业）', bidPriceFen: 105_000_000, evaluatedPriceFen: 94_500_000 }]);

    const reserved = scoreBids(bids, s, { ...comprehensive, smeReserved: true }, seedA);
    expect(reserved.basePriceFen).to.equal(100_000_000);
    expect(reserved.ranking.map((x) => [x.bidId, x.totalScore])).to.deep.equal([[1, '87.00'], [2, '84.57'], [3, '67.00']]);
  });

  /*
   * Example 2 — a tie resolved by price, then by the recorded draw. Weights 30 / 60 / 10, reserved project (no
   * deduction), three experts.
   *   P 1,000,000.00 元: technical 49, 50, 51 → 50; business 5 → price 30 → total 85.00
   *   Q 1,250,000.00 元: technical 55; business 6 → price 100/125 × 30 = 24 → total 24 + 55 + 6 = 85.00
   *   R 1,000,000.00 元: technical 50; business 4, 5, 6 → 5 → price 30 → total 85.00
   * All three total 85.00. Q has the higher evaluated price → third ("lower_price"). P and R also have the same
   * price → their order comes from the random draw: HMAC-SHA256(seed, "bid:<id>") ascending.
   */
  it('example 2: equal totals go to the lower price; equal prices to the recorded draw', () => {
    const settings: ScoringSettings = { evaluationMethod: 'comprehensive', priceWeightPercent: 30, technicalWeightPercent: 60, businessWeightPercent: 10, smeDeductionPercent: 0, smeReserved: true };
    const bids = [bid(11, 'P 公司', 100_000_000), bid(12, 'Q 公司', 125_000_000), bid(13, 'R 公司', 100_000_000)];
    const s = sheets({ 11: { t: [49, 50, 51], b: [5, 5, 5] }, 12: { t: [55, 55, 55], b: [6, 6, 6] }, 13: { t: [50, 50, 50], b: [4, 5, 6] } }, 3);
    const orderFor = (seed: Buffer) => (drawKey(seed, 11) < drawKey(seed, 13) ? [11, 13] : [13, 11]);
    const r = scoreBids(bids, s, settings, seedA);
    expect(r.ranking.map((x) => x.totalScore)).to.deep.equal(['85.00', '85.00', '85.00']);
    expect(r.ranking.map((x) => x.bidId)).to.deep.equal([...orderFor(seedA), 12]);
    expect(r.ranking.map((x) => x.tieBreak)).to.deep.equal(['random_draw', 'random_draw', 'lower_price']);
    expect(r.ranking[0].drawKey).to.equal(drawKey(seedA, r.ranking[0].bidId));
    // The same seed gives the same order; some other seed gives the other order (the draw really decides).
    expect(scoreBids(bids, s, settings, seedA).ranking.map((x) => x.bidId)).to.deep.equal(r.ranking.map((x) => x.bidId));
    let other: Buffer | null = null;
    for (let i = 2; i < 50 && !other; i++) if (orderFor(Buffer.alloc(32, i))[0] !== orderFor(seedA)[0]) other = Buffer.alloc(32, i);
    expect(other, 'a seed that orders P and R the other way').to.not.equal(null);
    expect(scoreBids(bids, s, settings, other!).ranking.map((x) => x.bidId)).to.deep.equal([...orderFor(other!), 12]);

    // Without the tie on price: Q alone behind P by price only.
    const two = scoreBids(bids.slice(0, 2), sheets({ 11: { t: [49, 50, 51], b: [5, 5, 5] }, 12: { t: [55, 55, 55], b: [6, 6, 6] } }, 3), settings, seedA);
    expect(two.ranking.map((x) => [x.bidId, x.tieBreak])).to.deep.equal([[11, 'lower_price'], [12, 'lower_price']]);
  });

  /*
   * Example 3 — lowest evaluated price with a non-compliant bid; five experts; SME deduction 10 %.
   *   X   800,000.00 元: 3 of 5 experts find it non-compliant → more than half → invalid (符合性审查)
   *   Y   900,000.00 元, small firm → evaluated 810,000.00 元 (81,000,000 fen)
   *   Z   850,000.00 元 → 85,000,000 fen
   *   W   950,000.00 元: 2 of 5 against → not a majority → compliant
   * Ranking by evaluated price: Y (81,000,000), Z (85,000,000), W (95,000,000). 基准价 = 81,000,000.
   * Information price score = 81/85 × 100 = 95.2941… → 95.29; 81/95 × 100 = 85.2631… → 85.26.
   */
  it('example 3: lowest price ranks the compliant bids by evaluated price; a majority finding excludes a bid', () => {
    const settings: ScoringSettings = { evaluationMethod: 'lowest_price', priceWeightPercent: 100, technicalWeightPercent: null, businessWeightPercent: null, smeDeductionPercent: 10, smeReserved: false };
    const bids = [bid(21, 'X 公司', 80_000_000), bid(22, 'Y 公司', 90_000_000, true), bid(23, 'Z 公司', 85_000_000), bid(24, 'W 公司', 95_000_000)];
    const s = sheets({ 21: { c: [false, false, true, false, true] }, 22: {}, 23: {}, 24: { c: [false, true, true, false, true] } }, 5);
    const r = scoreBids(bids, s, settings, seedA);
    expect(r.nonCompliant.map((n) => [n.bidId, n.againstVotes, n.panelSize])).to.deep.equal([[21, 3, 5]]);
    expect(r.basePriceFen).to.equal(81_000_000);
    expect(r.ranking.map((x) => [x.rank, x.bidId, x.evaluatedPriceFen, x.priceScore, x.technicalScore, x.totalScore])).to.deep.equal([
      [1, 22, 81_000_000, '100.00', null, '100.00'],
      [2, 23, 85_000_000, '95.29', null, '95.29'],
      [3, 24, 95_000_000, '85.26', null, '85.26'],
    ]);
    // Exactly half of an even panel is not a majority.
    const half = scoreBids([bid(31, '甲', 100), bid(32, '乙', 200)], sheets({ 31: { c: [false, false, true, true] }, 32: {} }, 4), settings, seedA);
    expect(half.nonCompliant).to.have.length(0);
    // Equal evaluated prices are tied and broken by the draw.
    const tied = scoreBids([bid(41, '甲', 100_00), bid(42, '乙', 100_00)], sheets({ 41: {}, 42: {} }, 3), settings, seedA);
    expect(tied.ranking.map((x) => x.tieBreak)).to.deep.equal(['random_draw', 'random_draw']);
    expect(tied.ranking[0].bidId).to.equal(drawKey(seedA, 41) < drawKey(seedA, 42) ? 41 : 42);
  });

  it('rounds the deducted price half-up to whole fen', () => {
    // 1,234.57 元 × 94 % = 1,160.4958 元 → 116,049.58 fen → 116,050 fen
    const r = scoreBids([bid(1, '甲', 123_457, true)], sheets({ 1: {} }, 3), { evaluationMethod: 'lowest_price', priceWeightPercent: 100, technicalWeightPercent: null, businessWeightPercent: null, smeDeductionPercent: 6, smeReserved: false }, seedA);
    expect(r.ranking[0].evaluatedPriceFen).to.equal(116_050);
  });

  it('refuses scores outside the allowed range, missing scores and a duplicate expert, naming each', () => {
    const bids = [bid(1, '甲', 100_000)];
    let err: unknown;
    try {
      scoreBids(bids, [
        { expertCode: 'E1', scores: [{ bidId: 1, technicalScore: 51, businessScore: 10 }] },
        { expertCode: 'E2', scores: [{ bidId: 1, technicalScore: 40 }] },
        { expertCode: 'E2', scores: [{ bidId: 1, technicalScore: -1, businessScore: 'x' }] },
      ], comprehensive, seedA);
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(ScoringInputError);
    const paths = (err as ScoringInputError).problems.map((p) => p.path);
    expect(paths).to.include('expertScores[2].expertCode');
    expect(paths).to.include('expertScores[0](E1).bid 1.technicalScore');
    expect(paths).to.include('expertScores[1](E2).bid 1.businessScore');
    expect(paths).to.include('expertScores[2](E2).bid 1.technicalScore');
  });

  it('the deduction is for small and micro firms only (财库〔2020〕46号 Art. 9)', () => {
    expect(smallOrMicro({ declared: true, scale: 'small' })).to.equal(true);
    expect(smallOrMicro({ declared: true, scale: 'micro' })).to.equal(true);
    expect(smallOrMicro({ declared: true, scale: 'medium' })).to.equal(false);
    expect(smallOrMicro({ declared: false, scale: 'micro' })).to.equal(false);
    expect(smallOrMicro(true)).to.equal(true);
    expect(smallOrMicro(undefined)).to.equal(false);
  });

  it('a malformed sheet is an input error, never a crash', () => {
    const bids = [bid(1, '甲', 100_000)];
    expect(() => scoreBids(bids, [null as unknown as ExpertSheet], comprehensive, seedA)).to.throw(ScoringInputError, /expertCode/);
    expect(() => scoreBids(bids, [{ expertCode: 'E1', scores: null as never }], comprehensive, seedA)).to.throw(ScoringInputError, /technicalScore/);
    expect(() => scoreBids(bids, [], comprehensive, seedA)).to.throw(ScoringInputError, /no expert scored/);
  });
});
