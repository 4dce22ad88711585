/**
 * Evaluation rules are data (rules.json), versioned by effective date like the procurement thresholds: the entry in
 * force on a Shanghai date is the latest whose effectiveFrom is not after it. This module reads them and answers the
 * questions the evaluation workers ask: the panel size, the price-weight bounds, the SME deduction band, and whether
 * prepare_tender's evaluation settings obey them (check-evaluation-settings).
 */
import fs from 'node:fs';
import { z } from 'zod';
import { businessDate } from '../calendar/deadlines.ts';
import { openTenderThreshold, type Level } from '../procurement/thresholds.ts';
import { parseDecimal, type Decimal } from './decimal.ts';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const bounds = z.object({ min: z.number().min(0).max(100), max: z.number().min(0).max(100) });
const file = z.object({
  _note: z.string().optional(),
  panel: z.array(z.object({
    effectiveFrom: day, methods: z.array(z.string()).min(1), minSize: z.number().int().min(1), odd: z.boolean(),
    /** 'works': a Bidding-Law works tender (招标投标法第37条); absent: government procurement. */
    regime: z.enum(['procurement', 'works']).optional(),
    largeBudgetFen: z.number().int().positive().optional(), largeMinSize: z.number().int().min(1),
    largeBasis: z.enum(['budget', 'openTenderThreshold']), basis: z.string().min(1),
  })).min(1),
  priceWeight: z.array(z.object({
    effectiveFrom: day, regime: z.string().min(1), methods: z.array(z.string()).min(1), goods: bounds, services: bounds, basis: z.string().min(1),
  })).min(1),
  lowestPriceOnly: z.array(z.object({ effectiveFrom: day, methods: z.array(z.string()).min(1), basis: z.string().min(1) })),
  smeDeduction: z.array(z.object({ effectiveFrom: day, min: z.number().min(0).max(100), max: z.number().min(0).max(100), basis: z.string().min(1) })).min(1),
  smeReservedBasis: z.string().min(1),
  weightsSumBasis: z.string().min(1),
  evaluationMethodBasis: z.string().min(1),
  /** Works tenders (招标投标法, 七部委12号令): evaluation methods and their basis; no statutory price-weight band. */
  worksEvaluationMethodBasis: z.string().min(1),
  worksPriceWeightBasis: z.string().min(1),
});
export type Regime = 'procurement' | 'works';
export type EvaluationRules = z.infer<typeof file>;

let cached: EvaluationRules | null = null;

export function loadEvaluationRules(path: URL | string = new URL('./rules.json', import.meta.url)): EvaluationRules {
  return file.parse(JSON.parse(fs.readFileSync(path, 'utf8')));
}

export function evaluationRules(): EvaluationRules {
  return (cached ??= loadEvaluationRules());
}

/** The latest entry (among those `match` accepts) whose effectiveFrom is not after `date`. */
function inForce<T extends { effectiveFrom: string }>(entries: T[], date: string, match: (e: T) => boolean = () => true): T | null {
  return entries.filter((e) => match(e) && e.effectiveFrom <= date).sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? 1 : -1))[0] ?? null;
}

export interface PanelRule {
  /** The smallest lawful panel for this project (odd when the rule asks for odd). */
  minSize: number;
  odd: boolean;
  /** true when the larger size applies (budget ≥ 1000万 for tenders; ≥ the open-tender threshold otherwise). */
  large: boolean;
  basis: string;
}

/** Panel size for a method and budget on a date. Throws (a configuration gap) when no rule covers the method. */
export function panelRule(method: string, budgetFen: number, at: Date, opts: { rules?: EvaluationRules; level?: Level; regime?: Regime } = {}): PanelRule {
  const rules = opts.rules ?? evaluationRules();
  const date = businessDate(at);
  const regime = opts.regime ?? 'procurement';
  const rule = inForce(rules.panel, date, (e) => e.methods.includes(method) && (e.regime ?? 'procurement') === regime);
  if (!rule) throw new Error(`没有适用于“${method}”的评审小组人数规则 (no panel-size rule for method ${method} on ${date}; server/evaluation/rules.json)`);
  const threshold = rule.largeBasis === 'budget' ? (rule.largeBudgetFen ?? Number.POSITIVE_INFINITY) : openTenderThreshold(at, opts.level ?? 'county').goodsServicesFen;
  // "以上" includes the number itself (令87 Art. 86).
  const large = budgetFen >= threshold;
  let minSize = large ? rule.largeMinSize : rule.minSize;
  if (rule.odd && minSize % 2 === 0) minSize += 1;
  const thresholdText = rule.largeBasis === 'budget' ? `预算 ≥ ${threshold / 1_000_000} 万元` : `达到公开招标数额标准（${threshold / 1_000_000} 万元）`;
  return { minSize, odd: rule.odd, large, basis: `${rule.basis}；本项目${large ? '' : '未'}${thresholdText}，至少 ${minSize} 人${rule.odd ? '（单数）' : ''}` };
}

export interface PriceWeightRule {
  regime: string;
  min: number;
  max: number;
  basis: string;
}

/** Price-weight bounds for the method and goods/services on a date; null when the method has no such rule. */
export function priceWeightRule(method: string, procurementType: 'goods' | 'services', date: string, rules = evaluationRules()): PriceWeightRule | null {
  const r = inForce(rules.priceWeight, date, (e) => e.methods.includes(method));
  if (!r) return null;
  return { regime: r.regime, ...r[procurementType], basis: r.basis };
}

export interface SmeBand {
  min: number;
  max: number;
  basis: string;
}

export function smeBand(date: string, rules = evaluationRules()): SmeBand {
  const r = inForce(rules.smeDeduction, date);
  if (!r) throw new Error(`${date} 没有生效的中小企业价格扣除规则 (no SME deduction band in force; server/evaluation/rules.json)`);
  return { min: r.min, max: r.max, basis: r.basis };
}

export function lowestPriceOnlyRule(method: string, date: string, rules = evaluationRules()): { basis: string } | null {
  const r = inForce(rules.lowestPriceOnly, date, (e) => e.methods.includes(method));
  return r ? { basis: r.basis } : null;
}

export interface SettingsProblem {
  path: string;
  reason: string;
}

export interface EvaluationSettingsInput {
  method: unknown;
  procurementType: unknown;
  smeReserved: unknown;
  evaluationMethod: unknown;
  priceWeightPercent: unknown;
  technicalWeightPercent: unknown;
  businessWeightPercent: unknown;
  smeDeductionPercent: unknown;
}

/** A percentage as an exact decimal with at most 2 places, in [0, 100]; null for a missing value. */
function percent(v: unknown): Decimal | null | 'bad' {
  if (v === null || v === undefined || v === '') return null;
  if (typeof v !== 'number' && typeof v !== 'string') return 'bad';
  const d = parseDecimal(String(v));
  if (!d || d.scale > 2 || d.compare(parseDecimal('0')!) < 0 || d.compare(parseDecimal('100')!) > 0) return 'bad';
  return d;
}

const fmt = (d: Decimal) => d.toFixed(2).replace(/\.?0+$/, '');

type PercentKey = 'priceWeightPercent' | 'technicalWeightPercent' | 'businessWeightPercent' | 'smeDeductionPercent';

/** The four percentages of the settings, parsed exactly; a malformed one becomes a problem naming its field. */
function percents(s: EvaluationSettingsInput, names: Record<PercentKey, string>, problems: SettingsProblem[]): Partial<Record<PercentKey, Decimal | null>> {
  const values: Partial<Record<PercentKey, Decimal | null>> = {};
  for (const key of Object.keys(names) as PercentKey[]) {
    const v = percent(s[key]);
    if (v === 'bad') problems.push({ path: key, reason: `${names[key]}应为 0–100 之间、最多两位小数的数 (${key} must be a number 0–100 with at most 2 decimals)` });
    else values[key] = v;
  }
  return values;
}

/** Price, technical and business weights must add up to exactly 100 (null when one is missing or the sum is right). */
function weightsSumProblem(pw: Decimal | null | undefined, tw: Decimal | null | undefined, bw: Decimal | null | undefined, basis: string): SettingsProblem | null {
  if (!pw || !tw || !bw) return null;
  const sum = pw.add(tw).add(bw);
  if (sum.compare(parseDecimal('100')!) === 0) return null;
  return { path: 'technicalWeightPercent', reason: `价格、技术、商务权重之和应为 100%，现为 ${fmt(sum)}% (weights must sum to 100, got ${fmt(sum)}) — ${basis}` };
}

/**
 * Every problem of the evaluation settings against the rules in force on `date` (the Shanghai date the tender is
 * published). Empty when they are lawful.
 */
export function evaluationSettingsProblems(s: EvaluationSettingsInput, date: string, rules = evaluationRules(), regime: Regime = 'procurement'): SettingsProblem[] {
  if (regime === 'works') return worksSettingsProblems(s, rules);
  const problems: SettingsProblem[] = [];
  const method = String(s.method ?? '');
  const type = s.procurementType === 'services' ? 'services' : s.procurementType === 'goods' ? 'goods' : null;
  if (!type) problems.push({ path: 'procurementType', reason: '采购类别应为货物或服务 (procurementType must be goods or services)' });
  const evalMethod = s.evaluationMethod;
  if (evalMethod !== 'comprehensive' && evalMethod !== 'lowest_price') {
    problems.push({ path: 'evaluationMethod', reason: `评标方法应为综合评分法或最低评标价法 (evaluationMethod must be comprehensive or lowest_price) — ${rules.evaluationMethodBasis}` });
  }
  const values = percents(s, { priceWeightPercent: '价格分权重', technicalWeightPercent: '技术分权重', businessWeightPercent: '商务分权重', smeDeductionPercent: '小微企业价格扣除比例' }, problems);

  if (evalMethod === 'comprehensive') {
    const only = lowestPriceOnlyRule(method, date, rules);
    if (only) problems.push({ path: 'evaluationMethod', reason: `${method}不适用综合评分法，应采用最低评标价法 (${method} is awarded on the lowest price) — ${only.basis}` });
    const pw = values.priceWeightPercent;
    if (pw === null) problems.push({ path: 'priceWeightPercent', reason: '综合评分法须填写价格分权重 (price weight required)' });
    if (type && pw) {
      const rule = priceWeightRule(method, type, date, rules);
      if (!rule) {
        if (!only) problems.push({ path: 'evaluationMethod', reason: `${method || '该采购方式'}没有价格分权重规则，不能采用综合评分法 (no price-weight rule for ${method || 'this method'} on ${date})` });
      } else {
        const min = parseDecimal(String(rule.min))!;
        const max = parseDecimal(String(rule.max))!;
        if (pw.compare(min) < 0 || pw.compare(max) > 0) {
          const range = rule.max >= 100 ? `不得低于 ${rule.min}%` : `应为 ${rule.min}%–${rule.max}%`;
          problems.push({
            path: 'priceWeightPercent',
            reason: `${rule.regime}：${type === 'goods' ? '货物' : '服务'}项目价格分权重${range}，现为 ${fmt(pw)}% (price weight ${fmt(pw)}% outside ${rule.min}–${rule.max}% under ${rule.regime}) — ${rule.basis}`,
          });
        }
      }
    }
    const tw = values.technicalWeightPercent;
    const bw = values.businessWeightPercent;
    if (tw === null) problems.push({ path: 'technicalWeightPercent', reason: '综合评分法须填写技术分权重 (technical weight required)' });
    if (bw === null) problems.push({ path: 'businessWeightPercent', reason: '综合评分法须填写商务分权重 (business weight required)' });
    const sum = weightsSumProblem(pw, tw, bw, rules.weightsSumBasis);
    if (sum) problems.push(sum);
  }

  const sme = values.smeDeductionPercent;
  if (sme !== undefined) {
    if (s.smeReserved === true) {
      if (sme !== null && sme.sign() !== 0) {
        problems.push({ path: 'smeDeductionPercent', reason: `专门面向中小企业的项目不再执行价格扣除，扣除比例应为 0 (no SME deduction in a reserved project) — ${rules.smeReservedBasis}` });
      }
    } else if (method === '单一来源' && (sme === null || sme.sign() === 0)) {
      // One supplier: there is no price competition for a deduction to act on.
    } else {
      const band = smeBand(date, rules);
      const min = parseDecimal(String(band.min))!;
      const max = parseDecimal(String(band.max))!;
      if (sme === null || sme.compare(min) < 0 || sme.compare(max) > 0) {
        problems.push({
          path: 'smeDeductionPercent',
          reason: `小微企业价格扣除比例应为 ${band.min}%–${band.max}%，现为 ${sme === null ? '未填' : `${fmt(sme)}%`} (SME deduction must be ${band.min}–${band.max}% on ${date}) — ${band.basis}`,
        });
      }
    }
  }
  return problems;
}

/**
 * A works tender under the Bidding Law: 经评审的最低投标价法 (lowest_price) or 综合评估法 (comprehensive). The law sets
 * no price-weight band (the documents do) and the GP SME deduction band does not apply; the weights of 综合评估法
 * must still be given and sum to 100.
 */
function worksSettingsProblems(s: EvaluationSettingsInput, rules: EvaluationRules): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  if (s.procurementType !== 'works') problems.push({ path: 'procurementType', reason: '工程建设项目招标的项目类别应为工程 (procurementType must be works)' });
  const evalMethod = s.evaluationMethod;
  if (evalMethod !== 'comprehensive' && evalMethod !== 'lowest_price') {
    problems.push({ path: 'evaluationMethod', reason: `评标方法应为综合评估法或经评审的最低投标价法 (evaluationMethod must be comprehensive or lowest_price) — ${rules.worksEvaluationMethodBasis}` });
  }
  const values = percents(s, { priceWeightPercent: '价格分权重', technicalWeightPercent: '技术分权重', businessWeightPercent: '商务分权重', smeDeductionPercent: '价格扣除比例' }, problems);
  if (evalMethod === 'comprehensive') {
    const { priceWeightPercent: pw, technicalWeightPercent: tw, businessWeightPercent: bw } = values;
    if (pw === null) problems.push({ path: 'priceWeightPercent', reason: `综合评估法须填写价格分权重 (price weight required) — ${rules.worksPriceWeightBasis}` });
    if (tw === null) problems.push({ path: 'technicalWeightPercent', reason: '综合评估法须填写技术分权重 (technical weight required)' });
    if (bw === null) problems.push({ path: 'businessWeightPercent', reason: '综合评估法须填写商务分权重 (business weight required)' });
    const sum = weightsSumProblem(pw ?? null, tw ?? null, bw ?? null, rules.worksPriceWeightBasis);
    if (sum) problems.push(sum);
  }
  return problems;
}
