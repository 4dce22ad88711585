/**
 * Scoring and ranking (评分与排序), a pure function of the bids, the experts' score sheets, the tender's evaluation
 * settings and a recorded random seed. Money is integer fen; scores are exact rationals (decimal.ts) and are
 * rounded to 2 decimals only when shown, half away from zero (四舍五入) on the exact value.
 *
 * Rules (令87 Art. 54–57, 68; 财库〔2020〕46号 Art. 9; 财库〔2011〕181号 Art. 5):
 * - Compliance (符合性): a bid is non-compliant when MORE THAN HALF of the panel marks it `compliant: false`
 *   (a tie — exactly half — keeps it compliant: the panel decides by simple majority, 令87 Art. 57/财库〔2016〕198号).
 *   Non-compliant bids take no part in the base price or the ranking and are listed as invalid (符合性审查).
 * - SME price deduction: a bid declaring small/micro status (`sme: true`) is evaluated at
 *   price × (100 − d) / 100, rounded half-up to whole fen, unless the project is reserved for SMEs (no deduction).
 * - Comprehensive (综合评分法): technical and business score of a bid = arithmetic mean of every panel member's score;
 *   评标基准价 = the lowest evaluated price among the compliant bids; price score = 基准价 / 评标价 × 100 × price weight
 *   (the weight as a fraction, i.e. × priceWeightPercent); total = price + technical + business (exact, then rounded).
 *   Ranking: total (as rounded to 2 decimals, the published figure) descending; equal totals → lower evaluated price
 *   first; still equal → random draw.
 * - Lowest price (最低评标价法): compliant bids ranked by evaluated price ascending; equal prices → random draw. The
 *   price score shown is 基准价 / 评标价 × 100 (for information; no technical or business score).
 * - Random draw (随机抽签, 令87 Art. 68): the tied bids are ordered by HMAC-SHA256(seed, "bid:" + bidId) ascending
 *   (hex); the 32-byte seed is recorded with the evaluation, so anyone can recompute the order.
 */
import crypto from 'node:crypto';
import { decimalOfNumber, Rational } from './decimal.ts';

export const SCORING_ALGORITHM = 'scoring-v1';
export const ROUNDING_RULE = '分数按精确值计算，仅在展示时保留两位小数，四舍五入（round half away from zero）；评审价按分取整，四舍五入';
export const COMPLIANCE_RULE = '超过半数评审专家认定不符合的投标为无效投标（符合性审查）；恰好半数不构成多数，投标仍视为符合';
export const TIE_RULE_COMPREHENSIVE = '按总得分（两位小数）由高到低排序；得分相同的，按评审价由低到高排序；得分且评审价相同的，随机抽签决定（HMAC-SHA256(种子, "bid:"+投标编号) 升序，种子已记录）';
export const TIE_RULE_LOWEST = '按评审价由低到高排序；评审价相同的，随机抽签决定（HMAC-SHA256(种子, "bid:"+投标编号) 升序，种子已记录）';

export interface ScoringBid {
  bidId: number;
  supplierId?: number | null;
  supplierName: string;
  creditCode: string;
  totalPriceFen: number;
  /** Declares small/micro enterprise status (中小企业声明函, or a prison enterprise / welfare unit treated alike). */
  sme: boolean;
}

export interface ExpertSheetEntry {
  bidId: number;
  technicalScore?: unknown;
  businessScore?: unknown;
  compliant?: unknown;
}

export interface ExpertSheet {
  expertCode: string;
  scores: ExpertSheetEntry[];
  opinion?: unknown;
}

export interface ScoringSettings {
  evaluationMethod: 'comprehensive' | 'lowest_price';
  priceWeightPercent: number | string | null;
  technicalWeightPercent: number | string | null;
  businessWeightPercent: number | string | null;
  smeDeductionPercent: number | string | null;
  smeReserved: boolean;
}

export interface RankedBid {
  rank: number;
  bidId: number;
  supplierId: number | null;
  supplierName: string;
  creditCode: string;
  bidPriceFen: number;
  evaluatedPriceFen: number;
  smeDeducted: boolean;
  priceScore: string;
  technicalScore: string | null;
  businessScore: string | null;
  /** technical + business (exact sum, then rounded): the report's 技术及商务分 column */
  technicalBusinessScore: string | null;
  totalScore: string;
  /** null: ranked on its own merits; 'lower_price': equal score, placed by the lower evaluated price; 'random_draw': placed by the recorded draw. */
  tieBreak: null | 'lower_price' | 'random_draw';
  /** The HMAC of the draw (hex) when tieBreak is 'random_draw'. */
  drawKey: string | null;
}

export interface NonCompliantBid {
  bidId: number;
  supplierName: string;
  creditCode: string;
  againstVotes: number;
  panelSize: number;
  reasons: string[];
}

export interface ScoringResult {
  algorithm: string;
  method: 'comprehensive' | 'lowest_price';
  basePriceFen: number | null;
  ranking: RankedBid[];
  nonCompliant: NonCompliantBid[];
  smeDeductionPercent: string;
  priceDeductions: { bidId: number; supplierName: string; bidPriceFen: number; evaluatedPriceFen: number }[];
  rules: { rounding: string; compliance: string; ties: string };
}

export class ScoringInputError extends Error {
  constructor(readonly problems: { path: string; reason: string }[]) {
    super(`评分数据有误 (scores invalid): ${problems.map((p) => `${p.path}: ${p.reason}`).join('; ')}`);
    this.name = 'ScoringInputError';
  }
}

/**
 * Whether a bid gets the small/micro price deduction: the opened bid's `sme` as the tender component records it,
 * `{declared, scale}` — declared with scale small or micro (medium-sized firms get no deduction, 财库〔2020〕46号
 * Art. 9) — or a plain `true` (a declaration of small/micro status).
 */
export function smallOrMicro(sme: unknown): boolean {
  if (sme === true) return true;
  if (sme && typeof sme === 'object') {
    const s = sme as { declared?: unknown; scale?: unknown };
    return s.declared === true && (s.scale === 'small' || s.scale === 'micro');
  }
  return false;
}

export function drawKey(seed: Buffer, bidId: number): string {
  return crypto.createHmac('sha256', seed).update(`bid:${bidId}`).digest('hex');
}

const HUNDRED = Rational.of(100);

function weight(v: number | string | null, name: string, problems: { path: string; reason: string }[]): Rational {
  const d = decimalOfNumber(v ?? 0);
  if (!d || d.sign() < 0 || d.compare(HUNDRED) > 0) {
    problems.push({ path: name, reason: `应为 0–100 的数 (must be 0–100), got ${String(v)}` });
    return Rational.of(0);
  }
  return d;
}

/** Scores and ranks the bids. Throws ScoringInputError listing every problem of the input. */
export function scoreBids(bids: ScoringBid[], sheets: ExpertSheet[], settings: ScoringSettings, seed: Buffer): ScoringResult {
  const problems: { path: string; reason: string }[] = [];
  if (settings.evaluationMethod !== 'comprehensive' && settings.evaluationMethod !== 'lowest_price') {
    throw new ScoringInputError([{ path: 'evaluationMethod', reason: `unknown evaluation method ${String(settings.evaluationMethod)}` }]);
  }
  if (!sheets.length) throw new ScoringInputError([{ path: 'expertScores', reason: '没有评审专家的评分 (no expert scored)' }]);
  if (seed.length < 16) throw new ScoringInputError([{ path: 'seed', reason: 'the draw seed must have at least 16 bytes' }]);
  const codes = new Set<string>();
  for (const [i, s] of sheets.entries()) {
    if (!s || typeof s.expertCode !== 'string') {
      problems.push({ path: `expertScores[${i}]`, reason: '评分表缺少专家编号 (score sheet without expertCode)' });
      continue;
    }
    if (codes.has(s.expertCode)) problems.push({ path: `expertScores[${i}].expertCode`, reason: `专家 ${s.expertCode} 重复评分 (scored twice)` });
    codes.add(s.expertCode);
  }
  // A sheet without an expert code cannot be read further.
  if (problems.some((p) => !p.path.endsWith('.expertCode'))) throw new ScoringInputError(problems);
  const comprehensive = settings.evaluationMethod === 'comprehensive';
  const pw = weight(settings.priceWeightPercent, 'priceWeightPercent', problems);
  const tw = comprehensive ? weight(settings.technicalWeightPercent, 'technicalWeightPercent', problems) : Rational.of(0);
  const bw = comprehensive ? weight(settings.businessWeightPercent, 'businessWeightPercent', problems) : Rational.of(0);
  const sme = settings.smeReserved ? Rational.of(0) : weight(settings.smeDeductionPercent, 'smeDeductionPercent', problems);
  const ids = new Set<number>();
  for (const b of bids) {
    if (!Number.isSafeInteger(b.totalPriceFen) || b.totalPriceFen <= 0) problems.push({ path: `bids.${b.bidId}.totalPriceFen`, reason: '报价应为正整数分 (price must be positive integer fen)' });
    if (ids.has(b.bidId)) problems.push({ path: `bids.${b.bidId}`, reason: 'duplicate bid' });
    ids.add(b.bidId);
  }

  // Per bid: compliance votes and the experts' scores.
  const entryOf = (sheet: ExpertSheet, bidId: number) => (Array.isArray(sheet.scores) ? sheet.scores : []).find((e) => e && Number(e.bidId) === bidId);
  const nonCompliant: NonCompliantBid[] = [];
  const compliantBids: ScoringBid[] = [];
  for (const b of bids) {
    const against = sheets.filter((s) => entryOf(s, b.bidId)?.compliant === false).length;
    if (against * 2 > sheets.length) {
      nonCompliant.push({
        bidId: b.bidId, supplierName: b.supplierName, creditCode: b.creditCode, againstVotes: against, panelSize: sheets.length,
        reasons: [`${against}/${sheets.length} 名评审专家认定未实质性响应招标文件 (${against} of ${sheets.length} experts found it non-compliant)`],
      });
    } else compliantBids.push(b);
  }

  const evaluated = new Map<number, bigint>();
  for (const b of compliantBids) {
    const deduct = b.sme && sme.sign() > 0;
    const price = Rational.of(b.totalPriceFen);
    evaluated.set(b.bidId, deduct ? price.mul(HUNDRED.sub(sme)).div(HUNDRED).round() : BigInt(b.totalPriceFen));
  }

  const techMean = new Map<number, Rational>();
  const busMean = new Map<number, Rational>();
  if (comprehensive) {
    for (const b of compliantBids) {
      let tSum = Rational.of(0);
      let bSum = Rational.of(0);
      for (const [i, s] of sheets.entries()) {
        const e = entryOf(s, b.bidId);
        const t = decimalOfNumber(e?.technicalScore);
        const u = decimalOfNumber(e?.businessScore);
        const where = `expertScores[${i}](${s.expertCode}).bid ${b.bidId}`;
        if (!t || t.sign() < 0 || t.compare(tw) > 0) problems.push({ path: `${where}.technicalScore`, reason: `技术分应为 0–${tw.toFixed(2)} (technical score must be 0–${tw.toFixed(2)}), got ${String(e?.technicalScore)}` });
        else tSum = tSum.add(t);
        if (!u || u.sign() < 0 || u.compare(bw) > 0) problems.push({ path: `${where}.businessScore`, reason: `商务分应为 0–${bw.toFixed(2)} (business score must be 0–${bw.toFixed(2)}), got ${String(e?.businessScore)}` });
        else bSum = bSum.add(u);
      }
      techMean.set(b.bidId, tSum.div(Rational.of(sheets.length)));
      busMean.set(b.bidId, bSum.div(Rational.of(sheets.length)));
    }
  }
  if (problems.length) throw new ScoringInputError(problems);

  const base = compliantBids.length ? compliantBids.map((b) => evaluated.get(b.bidId)!).reduce((a, c) => (c < a ? c : a)) : null;
  const rows = compliantBids.map((b) => {
    const ev = evaluated.get(b.bidId)!;
    const ratio = new Rational(base!, ev); // 基准价 / 评标价
    const priceScore = comprehensive ? ratio.mul(pw) : ratio.mul(HUNDRED);
    const total = comprehensive ? priceScore.add(techMean.get(b.bidId)!).add(busMean.get(b.bidId)!) : priceScore;
    return { b, ev, priceScore, total, shownTotal: total.toFixed(2), key: drawKey(seed, b.bidId) };
  });
  const byScore = (a: (typeof rows)[number], c: (typeof rows)[number]) => {
    if (comprehensive) {
      const t = new Rational(BigInt(c.shownTotal.replace('.', '')), 100n).compare(new Rational(BigInt(a.shownTotal.replace('.', '')), 100n));
      if (t) return t;
    }
    return a.ev < c.ev ? -1 : a.ev > c.ev ? 1 : 0;
  };
  rows.sort((a, c) => byScore(a, c) || (a.key < c.key ? -1 : a.key > c.key ? 1 : 0));

  const ranking: RankedBid[] = rows.map((r, i) => {
    const sameScore = (o: (typeof rows)[number]) => o !== r && (!comprehensive || o.shownTotal === r.shownTotal);
    const tiedOnScore = comprehensive && rows.some(sameScore);
    const tiedOnAll = rows.some((o) => sameScore(o) && o.ev === r.ev);
    return {
      rank: i + 1,
      bidId: r.b.bidId,
      supplierId: r.b.supplierId ?? null,
      supplierName: r.b.supplierName,
      creditCode: r.b.creditCode,
      bidPriceFen: r.b.totalPriceFen,
      evaluatedPriceFen: Number(r.ev),
      smeDeducted: r.ev !== BigInt(r.b.totalPriceFen),
      priceScore: r.priceScore.toFixed(2),
      technicalScore: comprehensive ? techMean.get(r.b.bidId)!.toFixed(2) : null,
      businessScore: comprehensive ? busMean.get(r.b.bidId)!.toFixed(2) : null,
      technicalBusinessScore: comprehensive ? techMean.get(r.b.bidId)!.add(busMean.get(r.b.bidId)!).toFixed(2) : null,
      totalScore: r.shownTotal,
      tieBreak: tiedOnAll ? 'random_draw' : tiedOnScore ? 'lower_price' : null,
      drawKey: tiedOnAll ? r.key : null,
    };
  });
  return {
    algorithm: SCORING_ALGORITHM,
    method: settings.evaluationMethod,
    basePriceFen: base === null ? null : Number(base),
    ranking,
    nonCompliant,
    smeDeductionPercent: sme.toFixed(2),
    priceDeductions: ranking.filter((r) => r.smeDeducted).map((r) => ({ bidId: r.bidId, supplierName: r.supplierName, bidPriceFen: r.bidPriceFen, evaluatedPriceFen: r.evaluatedPriceFen })),
    rules: { rounding: ROUNDING_RULE, compliance: COMPLIANCE_RULE, ties: comprehensive ? TIE_RULE_COMPREHENSIVE : TIE_RULE_LOWEST },
  };
}
