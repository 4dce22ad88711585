/**
 * Chain scenario (d), issue 4 §7: a bidder on the 政府采购严重违法失信行为记录名单 (a credit record entered by the
 * finance section through /api/credit-records) is excluded at qualification with the evidence: the stored credit
 * check (record snapshot, digest) is named in `excludedBids`, the credit-check record document lists it, the agency
 * cannot re-admit it, and the three clean bidders go on to the expert draw.
 */
import { expect } from 'chai';
import { creditCode, startChain, type Chain } from './driver.ts';
import { approvedProject, prepareTender, reachDeadline, submitBid, threeBidders, type Bidder, type QualificationDecision } from './steps.ts';

const BLACK = '绵阳市诚信缺失电脑销售有限公司';
const BLACK_CODE = creditCode('91510703MA6H00021');
const LATER = '绵阳市后禁电子有限公司';
const LATER_CODE = creditCode('91510703MA6H00039');

describe('chain (d): black-listed bidder excluded at qualification with the evidence', function () {
  this.timeout(90_000);
  let c: Chain;
  let id = '';
  let bidders: Bidder[] = [];
  let blackBid = 0;
  let recordId = 0;
  before(async () => {
    c = await startChain();
    bidders = await threeBidders(c);
    await c.createSupplier('sup_black', { name: BLACK, creditCode: BLACK_CODE, scale: 'small' });
    const rec = await c.post('finance_section', '/api/credit-records', {
      subjectKind: 'supplier', subjectCode: BLACK_CODE, subjectName: BLACK, kind: 'black', listName: '政府采购严重违法失信行为记录名单',
      sourceUnit: 'czj', decisionNo: '涪财采处〔2026〕2号', reason: '在 2025 年某项目中提供虚假材料谋取中标', legalBasis: '《中华人民共和国政府采购法》第七十七条第一款第（一）项',
      validFrom: '2026-01-15', validTo: '2029-01-14',
    });
    expect(rec.status, JSON.stringify(rec.body)).to.equal(201);
    recordId = rec.body.id;
    // A company whose ban starts only after the bid deadline (1 April): on the check date it is clean.
    await c.createSupplier('sup_later', { name: LATER, creditCode: LATER_CODE, scale: 'medium' });
    const later = await c.post('finance_section', '/api/credit-records', {
      subjectKind: 'supplier', subjectCode: LATER_CODE, subjectName: LATER, kind: 'black', listName: '政府采购严重违法失信行为记录名单',
      sourceUnit: 'czj', decisionNo: '涪财采处〔2026〕5号', reason: '另案处罚，自 2026 年 4 月 1 日起禁止参加政府采购活动', legalBasis: '《中华人民共和国政府采购法》第七十七条',
      validFrom: '2026-04-01', validTo: '2027-03-31',
    });
    expect(later.status, JSON.stringify(later.body)).to.equal(201);
  });
  after(async () => {
    await c?.close();
  });

  it('five bids open; qualify-bidders excludes the black-listed bidder naming the record and the stored check', async () => {
    id = await approvedProject(c);
    const v = await prepareTender(c, id);
    const tenderId = v.tenderId as number;
    await c.advance(86_400_000);
    for (const b of bidders) await submitBid(c, b.user, tenderId, b);
    blackBid = (await submitBid(c, 'sup_black', tenderId, { priceYuan: 150_000, sme: true })).bidId;
    await submitBid(c, 'sup_later', tenderId, { priceYuan: 199_000 });
    const opened = await reachDeadline(c, id);
    expect(opened.bidCount).to.equal(5);
    const excluded = opened.excludedBids as { bidId: number; supplierName: string; reasons: string[]; creditCheckIds: number[] }[];
    expect(excluded.map((e) => e.bidId)).to.deep.equal([blackBid]);
    expect(excluded[0]!.reasons.join(' ')).to.contain('政府采购严重违法失信行为记录名单');
    expect(excluded[0]!.creditCheckIds).to.be.an('array').that.is.not.empty;
    // The evidence: the stored check, with the record as it was and a digest.
    const check = await c.get('agency', `/api/credit-checks/${excluded[0]!.creditCheckIds[0]}`);
    expect(check.status, JSON.stringify(check.body)).to.equal(200);
    expect(check.body.creditCode ?? check.body.subjectCode).to.equal(BLACK_CODE);
    expect(JSON.stringify(check.body)).to.contain('涪财采处〔2026〕2号');
    expect(JSON.stringify(check.body)).to.match(/[0-9a-f]{64}/);
    expect(JSON.stringify(check.body)).to.contain(String(recordId));
    // Prefilled decision: not qualified, with the reason.
    const decisions = opened.qualificationDecisions as QualificationDecision[];
    const black = decisions.find((d) => d.bidId === blackBid)!;
    expect(black.qualified).to.equal(false);
    expect(black.reason).to.contain('失信');
    expect(decisions.filter((d) => d.qualified).map((d) => d.supplierName)).to.have.members([...bidders.map((b) => b.name), LATER]);
    // The credit-check record document names it.
    const doc = (await c.documents('agency', id)).find((d) => d.templateId === 'credit-check-record');
    expect(doc, 'credit-check-record').to.exist;
    expect(JSON.stringify(await c.documentData('agency', doc!.id))).to.contain(BLACK);
  });

  it('the agency cannot re-admit the excluded bid; the four others (one banned only from a later date) are qualified and the experts are drawn', async () => {
    const t = await c.task('agency', id, 'qualification_review');
    const decisions = (await c.taskDetail('agency', t.id)).variables.qualificationDecisions as QualificationDecision[];
    const readmit = decisions.map((d) => (d.bidId === blackBid ? { ...d, qualified: true, reason: '代理机构认为合格' } : d));
    const res = await c.tryComplete('agency', t.id, { qualificationDecisions: readmit });
    if (res.status === 200) {
      // Accepted as a submission: confirm-qualification must still keep it out.
      const v = await c.vars(id);
      expect((v.qualifiedBids as { bidId: number }[]).map((b) => b.bidId)).to.not.include(blackBid);
    } else {
      expect(res.status, JSON.stringify(res.body)).to.equal(422);
      await c.complete('agency', id, 'qualification_review', { qualificationDecisions: decisions });
    }
    await c.expectNoIncidents(id);
    const v = await c.vars(id);
    expect(v.qualifiedCount).to.equal(4);
    expect((v.excludedBids as { bidId: number }[]).map((b) => b.bidId)).to.deep.equal([blackBid]);
    expect(v.panel).to.be.an('array').with.length(5);
  });
});
