/**
 * Qualification after opening (资格审查): the credit check of every bidder and of every consortium member
 * (财库〔2016〕125号: one failed member fails the consortium), and the price limit (令87 Art. 63: a bid above the
 * budget or the maximum price is invalid). Both are objective and automatic: such bids are excluded with their
 * evidence and the agency's review cannot re-admit them. The agency then confirms the rest (qualificationDecisions):
 * it may exclude a bid only with a reason.
 */
import type { Transaction } from 'sequelize';
import { checkCredit, type CreditCheckResult } from '../credit/index.ts';
import { AppError } from '../errors.ts';
import { businessDate } from '../calendar/deadlines.ts';
import { clip, projectHeader, shanghaiIso } from './documents.ts';
import type { Variables } from '../engine/port.ts';

export interface OpenedBid {
  bidId: number;
  supplierId?: number | null;
  supplierName: string;
  creditCode: string;
  totalPriceFen: number;
  /** {declared, scale} as the tender component records it (or a plain boolean) */
  sme?: unknown;
  consortium?: { name: string; creditCode: string }[];
}

export interface QualificationDecision {
  bidId: number;
  supplierName: string;
  qualified: boolean;
  reason: string;
}

export interface ExcludedBid {
  bidId: number;
  supplierName: string;
  reasons: string[];
  creditCheckIds: number[];
}

export interface QualificationOutput {
  qualificationDecisions: QualificationDecision[];
  excludedBids: ExcludedBid[];
  /** bids excluded automatically (credit or price): never re-admitted */
  lockedBidIds: number[];
  creditChecks: { bidId: number; subject: string; creditCode: string; member: boolean; checkId: number; result: 'pass' | 'fail'; digest: string }[];
  creditCheckRecordData: Record<string, unknown>;
}

const CHANNELS = ['信用中国—失信被执行人', '信用中国—重大税收违法失信主体', '中国政府采购网—政府采购严重违法失信行为记录'] as const;

/** Which of the three 125号 channels a register record belongs to (by its list name). */
function channelOf(listName: string | null): (typeof CHANNELS)[number] {
  const n = listName ?? '';
  if (n.includes('失信被执行')) return CHANNELS[0];
  if (n.includes('税')) return CHANNELS[1];
  return CHANNELS[2];
}

export const PRICE_LIMIT_BASIS = '财政部令第87号第六十三条第（四）项：报价超过招标文件中规定的预算金额或者最高限价的，投标无效';
export const CREDIT_BASIS = '财库〔2016〕125号：被列入失信被执行人、重大税收违法案件当事人名单、政府采购严重违法失信行为记录名单的供应商，拒绝其参与政府采购活动；联合体成员之一被列入的，视同联合体被列入';

function recordText(c: CreditCheckResult, member: boolean, name: string): string {
  return c.decidingRecords
    .map((r) => `${member ? '联合体成员' : ''}${name}被列入${r.listName ?? '不良信用记录'}（${r.sourceUnitName}${r.decisionNo ? `，${r.decisionNo}` : ''}，有效期 ${r.validFrom} 至 ${r.validTo ?? '撤销为止'}；记录 #${r.id}）`)
    .join('；');
}

/** Runs the checks in `tx` (stored by checkCredit) and decides the automatic exclusions. */
export async function qualifyBids(tx: Transaction, v: Variables, at: Date, checkedBy: string): Promise<QualificationOutput> {
  const bids = (Array.isArray(v.openedBids) ? v.openedBids : []) as OpenedBid[];
  if (!bids.length) throw new Error('没有已开标的投标 (variable openedBids is empty or missing)');
  const date = businessDate(at);
  const limitFen = typeof v.maxPriceFen === 'number' && v.maxPriceFen > 0 ? v.maxPriceFen : typeof v.budgetFen === 'number' ? v.budgetFen : null;
  const limitName = typeof v.maxPriceFen === 'number' && v.maxPriceFen > 0 ? '最高限价' : '预算金额';
  const projectRef = typeof v.projectNumber === 'string' ? v.projectNumber : null;

  const decisions: QualificationDecision[] = [];
  const excluded: ExcludedBid[] = [];
  const locked: number[] = [];
  const creditChecks: QualificationOutput['creditChecks'] = [];
  const docChecks: Record<string, unknown>[] = [];
  const conclusions: Record<string, unknown>[] = [];
  let seq = 0;
  for (const bid of bids) {
    const reasons: string[] = [];
    const ids: number[] = [];
    const subjects = [{ name: bid.supplierName, creditCode: bid.creditCode, member: false }, ...(bid.consortium ?? []).map((m) => ({ ...m, member: true }))];
    let creditFailed = false;
    for (const s of subjects) {
      let check: CreditCheckResult;
      try {
        check = await checkCredit(tx, { creditCode: s.creditCode, date, purpose: '资格审查（投标人信用信息查询）', projectRef, checkedBy, at });
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        creditFailed = true;
        reasons.push(`${s.member ? '联合体成员' : ''}${s.name}的统一社会信用代码 ${s.creditCode} 无效，无法核查信用记录 (invalid credit code: ${err.message})`);
        continue;
      }
      ids.push(check.checkId);
      creditChecks.push({ bidId: bid.bidId, subject: s.name, creditCode: check.creditCode, member: s.member, checkId: check.checkId, result: check.result, digest: check.digest });
      if (check.result === 'fail') {
        creditFailed = true;
        reasons.push(`${recordText(check, s.member, s.name)}；${s.member ? '联合体视同被列入，' : ''}拒绝参与本项目 — ${CREDIT_BASIS}（信用核查 #${check.checkId}）`);
      }
      for (const channel of CHANNELS) {
        const hits = check.decidingRecords.filter((r) => channelOf(r.listName) === channel);
        seq++;
        docChecks.push({
          subject: clip(s.name),
          channel,
          queriedAt: shanghaiIso(at),
          result: hits.length ? '查询到不良记录' : '未查询到不良记录',
          screenshotId: `XY-${check.checkId}-${seq}`,
          ...(hits.length ? { detail: clip(hits.map((r) => `${r.listName ?? ''} ${r.decisionNo ?? ''} ${r.validFrom}—${r.validTo ?? ''}`).join('；'), 500) } : {}),
        });
      }
    }
    const overLimit = limitFen !== null && bid.totalPriceFen > limitFen;
    if (overLimit) reasons.push(`投标报价 ${bid.totalPriceFen} 分超过${limitName} ${limitFen} 分，投标无效 — ${PRICE_LIMIT_BASIS}`);
    const auto = creditFailed || overLimit;
    if (auto) {
      locked.push(bid.bidId);
      excluded.push({ bidId: bid.bidId, supplierName: bid.supplierName, reasons, creditCheckIds: ids });
    }
    decisions.push({ bidId: bid.bidId, supplierName: bid.supplierName, qualified: !auto, reason: reasons.join('；') });
    conclusions.push({
      subject: clip(bid.supplierName),
      conclusion: creditFailed ? '拒绝参与本项目' : '通过',
      ...(creditFailed ? { reason: clip(reasons.filter((r) => !r.startsWith('投标报价')).join('；'), 500) } : {}),
    });
  }

  const creditCheckRecordData: Record<string, unknown> = {
    project: projectHeader(v),
    cutoff: shanghaiIso(typeof v.bidDeadlineAt === 'string' ? v.bidDeadlineAt : at),
    checks: docChecks,
    conclusions,
    checker: '电子交易系统信用核查（自动）',
    checkDate: date,
  };
  return { qualificationDecisions: decisions, excludedBids: excluded, lockedBidIds: locked, creditChecks, creditCheckRecordData };
}

export class QualificationInputError extends Error {
  constructor(readonly problems: { path: string; reason: string }[]) {
    super(`资格审查结论有误 (qualification decisions invalid): ${problems.map((p) => `${p.path}: ${p.reason}`).join('; ')}`);
    this.name = 'QualificationInputError';
  }
}

/**
 * Merges the agency's decisions into the automatic result. A bid excluded automatically stays excluded whatever
 * the decision says; a bid the agency excludes needs a reason; a bid with no decision keeps the prefilled one.
 */
export function confirmQualification(opened: OpenedBid[], auto: QualificationOutput, decisionsIn: unknown): { qualifiedBids: OpenedBid[]; qualifiedCount: number; excludedBids: ExcludedBid[]; readmissionRefused: number[] } {
  const problems: { path: string; reason: string }[] = [];
  const decisions = Array.isArray(decisionsIn) ? (decisionsIn as Partial<QualificationDecision>[]) : [];
  const qualifiedBids: OpenedBid[] = [];
  const excludedBids: ExcludedBid[] = [];
  const refused: number[] = [];
  const known = new Set(opened.map((b) => b.bidId));
  decisions.forEach((d, i) => {
    if (!known.has(Number(d?.bidId))) problems.push({ path: `qualificationDecisions[${i}].bidId`, reason: `不是本项目已开标的投标 (not an opened bid of this tender): ${String(d?.bidId)}` });
  });
  for (const bid of opened) {
    const autoEx = auto.excludedBids.find((e) => e.bidId === bid.bidId);
    const idx = decisions.findIndex((d) => Number(d?.bidId) === bid.bidId);
    const d = idx >= 0 ? decisions[idx] : undefined;
    if (autoEx && auto.lockedBidIds.includes(bid.bidId)) {
      if (d?.qualified === true) refused.push(bid.bidId);
      excludedBids.push(autoEx);
      continue;
    }
    const checkIds = auto.creditChecks.filter((c) => c.bidId === bid.bidId).map((c) => c.checkId);
    if (d && d.qualified === false) {
      const reason = typeof d.reason === 'string' ? d.reason.trim() : '';
      if (!reason) {
        problems.push({ path: `qualificationDecisions[${idx}].reason`, reason: `认定 ${bid.supplierName} 资格审查不合格须写明理由 (an exclusion needs a reason)` });
        continue;
      }
      excludedBids.push({ bidId: bid.bidId, supplierName: bid.supplierName, reasons: [`资格审查不合格：${reason}`], creditCheckIds: checkIds });
      continue;
    }
    if (d && d.qualified !== true) {
      problems.push({ path: `qualificationDecisions[${idx}].qualified`, reason: '请选择是否通过资格审查 (qualified must be true or false)' });
      continue;
    }
    qualifiedBids.push(bid);
  }
  if (problems.length) throw new QualificationInputError(problems);
  return { qualifiedBids, qualifiedCount: qualifiedBids.length, excludedBids, readmissionRefused: refused };
}
