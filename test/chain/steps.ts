/**
 * The chain's steps after approval (CHAIN.md parts B–F), each as the person who does it: the agency prepares the
 * tender, suppliers bid through the tender API, the clock reaches the deadline, the agency reviews qualification,
 * the drawn experts score in their inboxes, the purchaser confirms, signs, publishes, accepts.
 * Field names are the contract's (CHAIN.md); bodies of the tender API are H2's (server/tender/routes.ts).
 */
import { expect } from 'chai';
import { approve, creditCode, type Chain, type Vars } from './driver.ts';
import { application, approveAll, fileApplication } from './fixtures.ts';

/** Shanghai local `YYYY-MM-DDTHH:mm` of an instant (the tender form's datetime). */
export function shanghaiLocal(at: Date | string): string {
  return new Date(new Date(at).getTime() + 8 * 3_600_000).toISOString().slice(0, 16);
}

/** An application filed and approved by all four stages: the instance waits at 准备招标文件. */
export async function approvedProject(c: Chain, values: Vars = application()): Promise<string> {
  const id = await fileApplication(c, 'purchaser', values);
  await approveAll(c, id);
  await c.task('agency', id, 'prepare_tender');
  return id;
}

/** Comprehensive scoring, goods: price 30 % (令87 Art. 55 floor), technical 50 %, business 20 %, SME deduction 10 %. */
export function tenderSettings(over: Vars = {}): Vars {
  return {
    evaluationMethod: 'comprehensive',
    priceWeightPercent: 30,
    technicalWeightPercent: 50,
    businessWeightPercent: 20,
    smeDeductionPercent: 10,
    qualificationRequirements: '具有独立承担民事责任的能力；具有良好的商业信誉和健全的财务会计制度；参加政府采购活动前三年内在经营活动中没有重大违法记录；未被列入失信被执行人、重大税收违法失信主体、政府采购严重违法失信行为记录名单。',
    scoringCriteria: '价格分 30 分（低价优先法）；技术分 50 分（配置参数、售后服务、培训方案）；商务分 20 分（业绩、资质、质保）。',
    bidDeadline: '2026-03-24T09:30',
    openingPlace: '涪城区公共资源交易中心开标一室',
    depositYuan: 4000,
    ...over,
  };
}

/** The agency completes 准备招标文件; returns the variables after publication (tenderId, bidDeadlineAt, …). */
export async function prepareTender(c: Chain, id: string, over: Vars = {}): Promise<Vars> {
  await c.complete('agency', id, 'prepare_tender', tenderSettings(over));
  await c.expectNoIncidents(id);
  const v = await c.vars(id);
  expect(v.tenderId, `tenderId after publish-tender; tenderProblems: ${JSON.stringify(v.tenderProblems)}`).to.be.a('number');
  return v;
}

export interface BidInput {
  priceYuan: number;
  sme?: boolean;
  /** The company's size as declared with the SME statement (default small when sme, else medium). */
  scale?: 'large' | 'medium' | 'small' | 'micro';
  quantity?: number;
  deviations?: string;
}

/**
 * The supplier's bid body (server/tender/bids.ts submitBidSchema): the price schedule of the tender's one line
 * (40 台式计算机, the unit price = total / 40 exactly), delivery, warranty, validity, the SME statement.
 */
export function bidBody(b: BidInput): Vars {
  const quantity = b.quantity ?? 40;
  const totalPriceFen = Math.round(b.priceYuan * 100);
  if (totalPriceFen % quantity !== 0) throw new Error(`price ${b.priceYuan} is not ${quantity} × a whole unit price in fen`);
  return {
    priceSchedule: [{ itemCode: 'A02010104', itemName: '台式计算机', quantity, unitPriceFen: totalPriceFen / quantity, lineTotalFen: totalPriceFen }],
    totalPriceFen,
    deliveryPeriod: '合同签订后 30 日内',
    warrantyMonths: 36,
    validityDays: 90,
    sme: { declared: b.sme ?? false, scale: b.scale ?? (b.sme ? 'small' : 'medium') },
    consortium: [],
    deviations: b.deviations ?? '无偏离',
  };
}

/** POST /api/tenders/:id/bids as the supplier; expects the 201 receipt. */
export async function submitBid(c: Chain, user: string, tenderId: number, b: BidInput): Promise<{ bidId: number; sha256: string; submittedAt: string; salt: string }> {
  const res = await c.post(user, `/api/tenders/${tenderId}/bids`, bidBody(b));
  expect(res.status, `${user} bidding: ${JSON.stringify(res.body)}`).to.equal(201);
  expect(res.body.sha256).to.match(/^[0-9a-f]{64}$/);
  return res.body;
}

/** The clock to the bid deadline: the timer opens the bids (open-bids) and the chain runs to the next wait. */
export async function reachDeadline(c: Chain, id: string): Promise<Vars> {
  const v = await c.vars(id);
  await c.advanceTo(v.bidDeadlineAt as string);
  await c.expectNoIncidents(id);
  return c.vars(id);
}

/** The agency confirms 资格审查 as prefilled by qualify-bidders (optionally changing some decisions). */
export async function reviewQualification(c: Chain, id: string, change: (d: QualificationDecision[]) => QualificationDecision[] = (d) => d): Promise<Vars> {
  const t = await c.task('agency', id, 'qualification_review');
  const detail = await c.taskDetail('agency', t.id);
  const decisions = detail.variables.qualificationDecisions as QualificationDecision[];
  expect(decisions, 'qualificationDecisions prefilled').to.be.an('array');
  await c.complete('agency', id, 'qualification_review', { qualificationDecisions: change(decisions.map((d) => ({ ...d }))) });
  await c.expectNoIncidents(id);
  return c.vars(id);
}

export interface QualificationDecision {
  bidId: number;
  supplierName: string;
  qualified: boolean;
  reason: string;
}

export interface ExpertScore {
  technicalScore: number;
  businessScore: number;
  compliant?: boolean;
}

/**
 * Every drawn expert finds 专家评审 in the inbox and scores: `sheets[i]` is the i-th panel member's score per
 * supplier name. Returns the panel (as the variables name it).
 */
export async function expertsScore(
  c: Chain,
  id: string,
  sheets: Record<string, ExpertScore>[],
  /** What expert i actually sends (e.g. a tampered copy of the read-only columns). */
  send: (i: number, scores: Vars[]) => Vars[] = (_i, scores) => scores,
  /** All experts submit at the same moment (they score independently, in parallel). */
  opts: { parallel?: boolean } = {},
): Promise<{ expertId: number; code: string; username: string }[]> {
  const v = await c.vars(id);
  const panel = v.panel as { expertId: number; code: string; username: string }[];
  expect(panel, 'panel drawn').to.be.an('array').with.length(sheets.length);
  const prepared: { i: number; member: (typeof panel)[number]; taskId: string; variables: Vars }[] = [];
  for (const [i, member] of panel.entries()) {
    const t = await c.task(member.username, id, 'expert_evaluation');
    expect(t.assignee).to.equal(member.username);
    const detail = await c.taskDetail(member.username, t.id);
    const sheet = detail.variables.scoreSheet as { bidId: number; supplierName: string; totalPriceFen: number }[];
    expect(sheet, 'scoreSheet').to.be.an('array');
    const scores = sheet.map((row) => {
      const s = sheets[i]![row.supplierName];
      if (!s) throw new Error(`no score for ${row.supplierName} in sheet ${i}`);
      return { ...row, technicalScore: s.technicalScore, businessScore: s.businessScore, compliant: s.compliant ?? true };
    });
    prepared.push({ i, member, taskId: t.id, variables: { scores: send(i, scores), evaluationOpinion: `评审专家 ${member.code} 按招标文件评分标准独立评审。` } });
  }
  const submit = async (p: { member: (typeof panel)[number]; taskId: string; variables: Vars }) => {
    const res = await c.tryComplete(p.member.username, p.taskId, p.variables);
    expect(res.status, `${p.member.username} scoring: ${JSON.stringify(res.body)}`).to.equal(200);
  };
  if (opts.parallel) await Promise.all(prepared.map(submit));
  else for (const p of prepared) await submit(p);
  await c.expectNoIncidents(id);
  return panel;
}

/** Extra experts of the project's specialty (A0201 计算机设备) with logins, so the draw can fill a panel of 5 or 7. */
export async function addExperts(c: Chain, n: number): Promise<void> {
  const org = await c.organisationId('涪城区政府采购评审专家库');
  for (let i = 1; i <= n; i++) {
    const code = `FCZJ-09${String(i).padStart(2, '0')}`;
    const username = `expert_fczj_09${String(i).padStart(2, '0')}`;
    const userId = await c.createUser(username, { roles: 'expert', organisationId: org, displayName: `专家${i}` });
    const res = await c.post('supervisor', '/api/experts', {
      code, name: `测试专家${i}`, employer: `西南科技大学信息工程学院${i}系`, title: '副教授', specialties: ['A0201'],
      phone: `139081600${String(i).padStart(2, '0')}`, userId,
    });
    expect(res.status, `expert ${code}: ${JSON.stringify(res.body)}`).to.equal(201);
  }
}

/** 采购人确认中标人 as the purchaser. */
export async function confirmWinner(c: Chain, id: string, bidId: number): Promise<Vars> {
  await c.complete('purchaser', id, 'confirm_winner', { winnerBidId: bidId, confirmationNote: '同意评标委员会推荐的第一中标候选人。' });
  await c.expectNoIncidents(id);
  return c.vars(id);
}

export function contractForm(amountYuan: number): Vars {
  return {
    contractNumber: 'FCJY-HT-2026-0001',
    signedDate: '2026-04-20',
    contractAmountYuan: amountYuan,
    paymentTerms: '验收合格后 10 个工作日内支付合同总价的 100%。',
    performancePeriod: '合同签订后 30 日内交货并安装调试完毕。',
    acceptanceRequirements: '按招标文件技术参数逐项验收；整机开机测试；原厂质保凭证。',
    performanceBondYuan: Math.floor(amountYuan * 0.05),
  };
}

export { approve };

export interface Bidder extends BidInput {
  user: string;
  name: string;
  technicalScore?: number;
  businessScore?: number;
}

/** Three supplier companies besides the demo supplier, with logins; returns them as bidders with prices. */
export async function threeBidders(c: Chain): Promise<Bidder[]> {
  await c.createSupplier('sup_rongxing', { name: '成都蓉星计算机系统有限公司', creditCode: creditCode('91510100MA61W8X7A') });
  await c.createSupplier('sup_changhong', { name: '四川长虹教育科技有限公司', creditCode: creditCode('91510703MA6F00011'), scale: 'large' });
  await c.createSupplier('sup_kechuang', { name: '绵阳市科创电子科技有限公司', creditCode: creditCode('91510703MA62XY1K0'), scale: 'micro' });
  return [
    { user: 'sup_rongxing', name: '成都蓉星计算机系统有限公司', priceYuan: 189_000, technicalScore: 45, businessScore: 18 },
    { user: 'sup_changhong', name: '四川长虹教育科技有限公司', priceYuan: 210_000, scale: 'large', technicalScore: 47, businessScore: 19 },
    { user: 'sup_kechuang', name: '绵阳市科创电子科技有限公司', priceYuan: 200_000, sme: true, scale: 'micro', technicalScore: 42, businessScore: 16 },
  ];
}

/** Every panel member gives each bidder its technicalScore/businessScore (equal sheets). */
export function equalSheets(bidders: Bidder[], panelSize = 5): Record<string, ExpertScore>[] {
  const sheet = Object.fromEntries(bidders.map((b) => [b.name, { technicalScore: b.technicalScore ?? 40, businessScore: b.businessScore ?? 15 }]));
  return Array.from({ length: panelSize }, () => sheet);
}

/**
 * From an approved project to the purchaser's 确认中标人: tender published, the bidders bid, deadline, opening,
 * qualification as prefilled, the draw, every expert scores. Returns the tender id and bid ids by supplier name.
 */
export async function runToConfirmation(
  c: Chain,
  id: string,
  bidders: Bidder[],
  tender: Vars = {},
  /** Suppliers bid and experts score at the same moment. */
  opts: { parallel?: boolean } = {},
): Promise<{ tenderId: number; bids: Record<string, number> }> {
  const v = await prepareTender(c, id, tender);
  const tenderId = v.tenderId as number;
  await c.advance(86_400_000);
  const bids: Record<string, number> = {};
  if (opts.parallel) {
    const receipts = await Promise.all(bidders.map((b) => submitBid(c, b.user, tenderId, b)));
    bidders.forEach((b, i) => (bids[b.name] = receipts[i]!.bidId));
  } else for (const b of bidders) bids[b.name] = (await submitBid(c, b.user, tenderId, b)).bidId;
  await reachDeadline(c, id);
  await reviewQualification(c, id);
  await expertsScore(c, id, equalSheets(bidders), undefined, opts);
  await c.task('purchaser', id, 'confirm_winner');
  return { tenderId, bids };
}

/** A supplier's 质疑 (challenge) as POST /api/tenders/:id/challenges takes it. */
export function challengeBody(facts: string): Vars {
  return {
    challengedDocument: '中标（成交）结果',
    items: [{ item: '中标结果', request: '请求认定第一中标候选人投标无效并重新评审。', facts, law: '《政府采购货物和服务招标投标管理办法》（财政部令第87号）第六十三条、第六十四条' }],
  };
}
