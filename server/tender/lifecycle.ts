/**
 * After publication: amendments (T4), the opening (the only decryption path), the failed tender, the award mark,
 * challenges and their replies. Worker entry points are keyed by job.key.
 */
import { appendAudit } from '../audit/index.ts';
import { createHash } from 'node:crypto';
import type { Transaction } from 'sequelize';
import type { Clock } from '../clock.ts';
import type { Database } from '../db.ts';
import { defineAuthModels } from '../auth/models.ts';
import { computeDeadline, type Deadline } from '../calendar/deadlines.ts';
import { shiftDate } from '../calendar/working-days.ts';
import { createCalendarService } from '../calendar/service.ts';
import { loadTimeLimits, TimeLimits } from '../calendar/time-limits.ts';
import type { ChangeListener, Job, Variables } from '../engine/port.ts';
import { AppError, notFound } from '../errors.ts';
import { atTimeOfDay, businessDate, shanghaiText } from './dates.ts';
import {
  bidOpeningRecordData, cancellationNoticeData, challengeReplyData, clarificationNoticeData, FAILURE_REASONS,
  type AmendmentChange, type ChallengeItem, type OpeningLine,
} from './documents.ts';
import { iso, isoOrNull, lockOf, num, numOrNull, sequelizeOf, tenderModels, type Row } from './models.ts';
import { aad, receiptDigest, SealBrokenError, unsealOpened } from './sealing.ts';
import type { BidContent } from './bids.ts';

const pubOf = (t: Row) => JSON.parse(t.get('publicJson') as string) as { tenderNoticeData: { project: Record<string, unknown>; noticeDate: string } };
const projectOf = (t: Row) => pubOf(t).tenderNoticeData.project;

// ---- amendments (T4) ---------------------------------------------------------------------------------------------

/**
 * The amendment rule counted forward: "≥ 15 days after the clarification is issued", with the same version and roll
 * rule. T4 (GP, 令87 Art.27) or W7 (works, 招标投标法第23条): both 15 days, each with its own basis.
 */
let forwardLimits: TimeLimits | null = null;
function forwardRule(): TimeLimits {
  forwardLimits ??= new TimeLimits(loadTimeLimits().map((v) => ({ ...v, rules: v.rules.map((r) => (r.id === 'T4' || r.id === 'W7' ? { ...r, direction: 'after' as const } : r)) })));
  return forwardLimits;
}

export interface AmendmentEffect {
  moved: boolean;
  newDeadline: Date;
  basis: string;
  latest: Deadline;
}

/**
 * T4: a substantive clarification or amendment must be issued at least 15 days before the bid deadline; later, the
 * deadline moves to at least 15 days after its issue (same time of day). A proposed later deadline is kept.
 */
export async function amendmentEffect(db: Database, clock: Clock, tx: Transaction, a: { deadline: Date; publishedAt: Date; substantive: boolean; proposed: Date | null; regime?: string | null }): Promise<AmendmentEffect> {
  const calendar = await createCalendarService(db, clock).calendar(tx);
  const rule = a.regime === 'works' ? 'W7' : 'T4';
  const latest = computeDeadline(calendar, new TimeLimits(), rule, a.deadline);
  let target = a.proposed && a.proposed.getTime() > a.deadline.getTime() ? a.proposed : a.deadline;
  const issued = businessDate(a.publishedAt);
  const parts: string[] = [];
  if (a.substantive && issued > latest.dueDate) {
    const forward = computeDeadline(calendar, forwardRule(), rule, a.publishedAt);
    // The new deadline must also pass the check this amendment failed (T4 counted back from it, where a
    // non-working last day moves earlier): step on from the forward date until it does.
    let date = forward.dueDate;
    for (let i = 0; i < 60 && computeDeadline(calendar, new TimeLimits(), rule, atTimeOfDay(date, a.deadline)).dueDate < issued; i++) date = shiftDate(date, 1);
    const min = atTimeOfDay(date, a.deadline);
    if (target.getTime() < min.getTime()) target = min;
    const stepped = date !== forward.dueDate ? `；按倒数的 ${rule}（非工作日提前）核对，最早为 ${date}` : '';
    parts.push(`${rule} ${latest.basis}：影响投标文件编制的澄清或修改应在投标截止时间至少 ${latest.value} 日前发出（截止 ${shanghaiText(a.deadline)} 对应的最晚发出日为 ${latest.dueDate}${latest.rolledFrom ? `，${latest.rolledFrom} 非工作日提前` : ''}）；本次于 ${issued} 发出，不足 ${latest.value} 日，投标截止时间顺延至发出之日起至少 ${forward.value} 日后：${forward.dueDate}${forward.rolledFrom ? `（${forward.rolledFrom} 非工作日顺延）` : ''}${stepped}`);
    for (const w of forward.warnings) parts.push(`提示：${w}`);
  } else if (a.substantive) {
    parts.push(`${rule} ${latest.basis}：本次澄清或修改于 ${issued} 发出，距投标截止不少于 ${latest.value} 日（最晚发出日 ${latest.dueDate}），截止时间不必顺延`);
  } else {
    parts.push(`本次澄清不影响投标文件编制，截止时间不变（${rule} 不适用）`);
  }
  const moved = target.getTime() !== a.deadline.getTime();
  if (moved) parts.push(`新的投标截止时间：${shanghaiText(target)}（北京时间）`);
  return { moved, newDeadline: target, basis: parts.join('；') + '。', latest };
}

export interface AmendmentInput {
  title: string;
  changes: AmendmentChange[];
  substantive: boolean;
  newBidDeadline: Date | null;
}

/** Stores an amendment and applies its effect on the deadline at once (bids are accepted until the new deadline). */
export async function createAmendment(db: Database, clock: Clock, tx: Transaction, tender: Row, by: string, input: AmendmentInput) {
  const { Amendment } = tenderModels(db.sequelize);
  const now = clock.now();
  const deadline = tender.get('bidDeadlineAt') as Date;
  const effect = await amendmentEffect(db, clock, tx, { deadline, publishedAt: now, substantive: input.substantive, proposed: input.newBidDeadline, regime: tender.get('regime') as string | null });
  const number = ((await Amendment.max('number', { where: { tenderId: tender.get('id') }, transaction: tx })) as number | null ?? 0) + 1;
  const row = await Amendment.create({
    tenderId: tender.get('id'), number, title: input.title, changesJson: JSON.stringify(input.changes), substantive: input.substantive,
    publishedAt: now, publishedBy: by, previousDeadlineAt: deadline, newDeadlineAt: effect.newDeadline, moved: effect.moved, basis: effect.basis,
  }, { transaction: tx });
  if (effect.moved) {
    await tender.update({
      bidDeadlineAt: effect.newDeadline,
      deadlineBasis: `${tender.get('deadlineBasis') as string}\n第 ${number} 号澄清/修改（${businessDate(now)}）：${effect.basis}`,
      updatedAt: now,
    }, { transaction: tx });
  }
  return { amendment: row, effect };
}

export function presentAmendment(a: Row) {
  return {
    amendmentId: a.get('id') as number,
    number: a.get('number') as number,
    title: a.get('title') as string,
    changes: JSON.parse(a.get('changesJson') as string) as AmendmentChange[],
    substantive: Boolean(a.get('substantive')),
    publishedAt: iso(a.get('publishedAt')),
    publishedBy: a.get('publishedBy') as string,
    previousDeadlineAt: iso(a.get('previousDeadlineAt')),
    newDeadlineAt: iso(a.get('newDeadlineAt')),
    moved: Boolean(a.get('moved')),
    basis: a.get('basis') as string,
  };
}

/** apply-amendment: the amendment's effect was applied when it was stored; this records it for the process. */
export async function applyAmendmentJob(db: Database, job: Job, clock?: Clock): Promise<Variables> {
  const amendmentId = Number(job.variables.amendmentId);
  if (!Number.isSafeInteger(amendmentId) || amendmentId < 1) throw new Error('变量 amendmentId 缺失 (variable amendmentId missing)');
  const { Amendment, Tender } = tenderModels(db.sequelize);
  return db.withTransaction(async (tx) => {
    const a = await Amendment.findByPk(amendmentId, { transaction: tx, lock: lockOf(tx) });
    if (!a) throw new Error(`amendment ${amendmentId} not found`);
    const t = await Tender.findByPk(a.get('tenderId') as number, { transaction: tx });
    if (!t) throw new Error(`tender of amendment ${amendmentId} not found`);
    if (!a.get('applyJobKey')) await a.update({ applyJobKey: job.key, appliedAt: clock ? clock.now() : new Date() }, { transaction: tx });
    const pub = pubOf(t);
    return {
      // The tender's deadline now: after several amendments, the latest one's.
      bidDeadlineAt: iso(t.get('bidDeadlineAt')),
      bidDeadlineBasis: t.get('deadlineBasis') as string,
      clarificationNoticeData: clarificationNoticeData({
        project: pub.tenderNoticeData.project, originalNoticeDate: pub.tenderNoticeData.noticeDate, publishedAt: a.get('publishedAt') as Date,
        changes: JSON.parse(a.get('changesJson') as string), substantive: Boolean(a.get('substantive')),
        previousDeadline: a.get('previousDeadlineAt') as Date, newDeadline: a.get('newDeadlineAt') as Date, moved: Boolean(a.get('moved')),
      }),
    };
  });
}

// ---- opening -----------------------------------------------------------------------------------------------------

export interface OpenedBid {
  bidId: number;
  supplierId: number;
  supplierName: string;
  creditCode: string;
  totalPriceFen: number;
  sme: BidContent['sme'];
  consortium: { name: string; creditCode: string }[];
}

interface SealedPayload {
  content: BidContent;
  salt: string;
  files: { fileId: number; sha256: string }[];
  submittedAt: string;
}

async function decryptBid(tx: Transaction, tenderId: number, b: Row): Promise<SealedPayload> {
  const plain = await unsealOpened(sequelizeOf(tx), tx, tenderId, aad.bid(tenderId, b.get('id') as number), {
    ciphertext: Buffer.from(b.get('ciphertext') as Buffer), iv: Buffer.from(b.get('iv') as Buffer), tag: Buffer.from(b.get('authTag') as Buffer),
  }, `投标 ${b.get('id')} (bid)`);
  return JSON.parse(plain.toString('utf8')) as SealedPayload;
}

async function hostName(db: Database, tx: Transaction, t: Row): Promise<string> {
  const users = JSON.parse(t.get('agencyUsers') as string) as string[];
  if (users[0]) {
    const u = await defineAuthModels(db.sequelize).User.findOne({ where: { username: users[0] }, transaction: tx });
    if (u?.displayName) return u.displayName;
  }
  return '代理机构主持人';
}

export interface OpeningOutputs extends Variables {
  bidCount: number;
  openedBids: OpenedBid[];
  bidOpeningRecordData: Record<string, unknown>;
}

/**
 * open-bids: at or after the deadline (refused before: the job fails and is retried), marks the tender opened and
 * decrypts the live bids in the same transaction, checking each against its receipt. With fewer live bids than
 * minBids nothing is decrypted (T7: 不足3家不得开标). A repeated job key returns the recorded opening.
 */
export async function openBids(db: Database, clock: Clock, job: Job): Promise<OpeningOutputs> {
  const tenderId = Number(job.variables.tenderId);
  if (!Number.isSafeInteger(tenderId) || tenderId < 1) throw new Error('变量 tenderId 缺失 (variable tenderId missing)');
  const { Tender, Bid, BidFile } = tenderModels(db.sequelize);
  return db.withTransaction(async (tx) => {
    const t = await Tender.findByPk(tenderId, { transaction: tx, lock: lockOf(tx) });
    if (!t) throw new Error(`tender ${tenderId} not found`);
    if (t.get('openJobKey')) return JSON.parse(t.get('openingJson') as string) as OpeningOutputs;
    const now = clock.now();
    const deadline = t.get('bidDeadlineAt') as Date;
    if (now.getTime() < deadline.getTime()) {
      throw new Error(`投标截止时间 ${shanghaiText(deadline)} 未到，不能开标 (the bid deadline has not passed; opening refused)`);
    }
    if (t.get('status') !== 'open') throw new Error(`招标状态为 ${t.get('status') as string}，不能开标 (tender is not open)`);
    const live = await Bid.findAll({ where: { tenderId, status: 'submitted' }, order: [['submittedAt', 'ASC'], ['id', 'ASC']], transaction: tx });
    const minBids = t.get('minBids') as number;
    const project = projectOf(t);
    const host = await hostName(db, tx, t);
    const depositFen = num(t.get('depositFen'));
    let out: OpeningOutputs;
    if (live.length < minBids) {
      const lines: OpeningLine[] = live.map((b) => ({ bidder: b.get('supplierName') as string, priceFen: 0, depositPaid: depositFen === 0, sealIntact: true, remarks: '未开标 (not opened)' }));
      out = {
        bidCount: live.length,
        openedBids: [],
        bidOpeningRecordData: bidOpeningRecordData({
          project, openingTime: now, openingPlace: (t.get('openingPlace') as string) ?? '', host, agencyName: (t.get('agencyName') as string) ?? '', bids: lines,
          note: `投标截止时提交投标文件的供应商 ${live.length} 家，少于 ${minBids} 家，依据财政部令第87号第四十一条不予开标，投标文件未解密。`,
        }),
      };
      await t.update({ openJobKey: job.key, bidCount: live.length, openingJson: JSON.stringify(out), updatedAt: now }, { transaction: tx });
      await appendAudit(tx, { at: now, actor: null, action: 'bids.not_opened', objectType: 'tender', objectId: String(tenderId), instanceId: job.instanceId, summary: { bidCount: live.length, minBids } });
      return out;
    }
    await t.update({ status: 'opened', openedAt: now, openJobKey: job.key, updatedAt: now }, { transaction: tx });
    const opened: OpenedBid[] = [];
    const lines: OpeningLine[] = [];
    for (const b of live) {
      const bidId = b.get('id') as number;
      let intact = true;
      let payload: SealedPayload | null = null;
      try {
        payload = await decryptBid(tx, tenderId, b);
        intact = receiptDigest({ tenderId, content: payload.content, salt: payload.salt, files: payload.files, submittedAt: payload.submittedAt }) === b.get('receiptSha256');
        for (const f of payload.files) {
          const file = await BidFile.findByPk(f.fileId, { transaction: tx });
          if (!file || file.get('sha256') !== f.sha256) { intact = false; continue; }
          const plain = await unsealOpened(db.sequelize, tx, tenderId, aad.file(tenderId, f.fileId), {
            ciphertext: Buffer.from(file.get('ciphertext') as Buffer), iv: Buffer.from(file.get('iv') as Buffer), tag: Buffer.from(file.get('authTag') as Buffer),
          }, `投标文件 ${f.fileId} (bid file)`);
          const headerLen = plain.readUInt32BE(0);
          const bytes = plain.subarray(4 + headerLen);
          if (createHash('sha256').update(bytes).digest('hex') !== f.sha256) intact = false;
        }
      } catch (err) {
        if (!(err instanceof SealBrokenError)) throw err;
        intact = false;
      }
      const supplierName = b.get('supplierName') as string;
      if (!payload || !intact) {
        lines.push({ bidder: supplierName, priceFen: payload?.content.totalPriceFen ?? 0, depositPaid: depositFen === 0, sealIntact: false, remarks: '密封校验失败，投标无效 (seal check failed: bid invalid)' });
        await b.update({ status: 'opened', openedSummary: JSON.stringify({ sealIntact: false }) }, { transaction: tx });
        continue;
      }
      const c = payload.content;
      const summary: OpenedBid = {
        bidId, supplierId: b.get('supplierId') as number, supplierName, creditCode: b.get('supplierCreditCode') as string,
        totalPriceFen: c.totalPriceFen, sme: c.sme, consortium: c.consortium.map((m) => ({ name: m.name, creditCode: m.creditCode })),
      };
      opened.push(summary);
      lines.push({
        bidder: supplierName, priceFen: c.totalPriceFen, depositPaid: depositFen === 0, sealIntact: true,
        announced: `交货期：${c.deliveryPeriod}；质保 ${c.warrantyMonths} 个月；投标有效期 ${c.validityDays} 日${c.sme.declared ? '；中小企业声明' : ''}${c.consortium.length ? `；联合体（${c.consortium.map((m) => m.name).join('、')}）` : ''}`.slice(0, 500),
        remarks: depositFen === 0 ? '' : '保证金到账情况由代理机构核对 (deposit to be verified by the agency)',
      });
      await b.update({ status: 'opened', openedSummary: JSON.stringify({ ...summary, sealIntact: true }) }, { transaction: tx });
    }
    out = {
      bidCount: opened.length,
      openedBids: opened,
      bidOpeningRecordData: bidOpeningRecordData({ project, openingTime: now, openingPlace: (t.get('openingPlace') as string) ?? '', host, agencyName: (t.get('agencyName') as string) ?? '', bids: lines }),
    };
    await t.update({ bidCount: opened.length, openingJson: JSON.stringify(out) }, { transaction: tx });
    await appendAudit(tx, { at: now, actor: null, action: 'bids.opened', objectType: 'tender', objectId: String(tenderId), instanceId: job.instanceId, summary: { bidCount: opened.length, sealsIntact: lines.every((l) => l.sealIntact) } });
    return out;
  });
}

export interface OpenedBidDetail extends OpenedBid {
  content: BidContent;
  submittedAt: string;
  receiptSha256: string;
}

/** The opened bids of a tender with their full content (decrypted through the opening path); throws before opening. */
export async function openedBidsOf(tx: Transaction, tenderId: number): Promise<OpenedBidDetail[]> {
  const sequelize = sequelizeOf(tx);
  const { Tender, Bid } = tenderModels(sequelize);
  const t = await Tender.findByPk(tenderId, { transaction: tx });
  if (!t) throw notFound('招标项目 (tender)', String(tenderId));
  if (!t.get('openedAt')) throw new AppError(409, 'BIDS_SEALED', '尚未开标，投标文件处于密封状态 (bids are sealed until the opening)');
  const rows = await Bid.findAll({ where: { tenderId, status: 'opened' }, order: [['submittedAt', 'ASC'], ['id', 'ASC']], transaction: tx });
  const out: OpenedBidDetail[] = [];
  for (const b of rows) {
    const summary = JSON.parse((b.get('openedSummary') as string) ?? '{}') as OpenedBid & { sealIntact?: boolean };
    if (!summary.sealIntact) continue;
    const payload = await decryptBid(tx, tenderId, b);
    const { sealIntact: _s, ...rest } = summary;
    out.push({ ...rest, content: payload.content, submittedAt: payload.submittedAt, receiptSha256: b.get('receiptSha256') as string });
  }
  return out;
}

// ---- summaries for other components ------------------------------------------------------------------------------

export function tenderSummary(t: Row) {
  return {
    tenderId: t.get('id') as number,
    tenderKey: String(t.get('id')),
    instanceId: t.get('instanceId') as string,
    round: t.get('round') as number,
    projectNumber: t.get('projectNumber') as string,
    projectName: t.get('projectName') as string,
    purchaserName: (t.get('purchaserName') as string | null) ?? null,
    agencyName: (t.get('agencyName') as string | null) ?? null,
    method: t.get('method') as string,
    procurementType: t.get('procurementType') as string,
    status: t.get('status') as string,
    publishedAt: iso(t.get('publishedAt')),
    bidDeadlineAt: iso(t.get('bidDeadlineAt')),
    bidDeadlineMinAt: iso(t.get('bidDeadlineMinAt')),
    bidDeadlineBasis: t.get('deadlineBasis') as string,
    minBids: t.get('minBids') as number,
    budgetFen: num(t.get('budgetFen')),
    maxPriceFen: numOrNull(t.get('maxPriceFen')),
    depositFen: num(t.get('depositFen')),
    openingPlace: (t.get('openingPlace') as string | null) ?? null,
    openedAt: isoOrNull(t.get('openedAt')),
    /** Known only after the opening (before it, the number of bids is confidential: 令87). */
    bidCount: t.get('openJobKey') ? (t.get('bidCount') as number) : null,
    failureReason: (t.get('failureReason') as string | null) ?? null,
    awardedBidId: (t.get('awardedBidId') as number | null) ?? null,
    awardedAt: isoOrNull(t.get('awardedAt')),
    challengeDeadlineAt: isoOrNull(t.get('challengeDeadlineAt')),
    evaluation: JSON.parse(t.get('evaluationJson') as string) as Record<string, unknown>,
  };
}

export type TenderSummary = ReturnType<typeof tenderSummary>;

/** The latest tender round of an instance, or null. */
export async function tenderOfInstance(tx: Transaction | undefined, instanceId: string, sequelize?: import('sequelize').Sequelize): Promise<TenderSummary | null> {
  const sq = sequelize ?? (tx ? sequelizeOf(tx) : undefined);
  if (!sq) throw new Error('tenderOfInstance needs a transaction or a Sequelize instance');
  const t = await tenderModels(sq).Tender.findOne({ where: { instanceId }, order: [['round', 'DESC']], transaction: tx });
  return t ? tenderSummary(t) : null;
}

/** record-award (H4) marks the award; the challenge window's end is kept for the challenge route. */
export async function markTenderAwarded(tx: Transaction, tenderId: number, bidId: number, at: Date | string, challengeDeadlineAt?: Date | string | null): Promise<void> {
  const { Tender, Bid } = tenderModels(sequelizeOf(tx));
  const t = await Tender.findByPk(tenderId, { transaction: tx, lock: lockOf(tx) });
  if (!t) throw notFound('招标项目 (tender)', String(tenderId));
  const bid = await Bid.findByPk(bidId, { transaction: tx });
  if (!bid || bid.get('tenderId') !== tenderId || bid.get('status') !== 'opened') throw new AppError(409, 'BID_NOT_OPENED', `投标 ${bidId} 不是本项目已开标的投标 (bid ${bidId} is not an opened bid of tender ${tenderId})`);
  if (!['opened', 'awarded'].includes(t.get('status') as string)) throw new AppError(409, 'TENDER_NOT_OPENED', `招标状态为 ${t.get('status') as string}，不能定标 (tender not in an opened state)`);
  await t.update({
    status: 'awarded', awardedBidId: bidId, awardedAt: new Date(at),
    challengeDeadlineAt: challengeDeadlineAt ? new Date(challengeDeadlineAt) : t.get('challengeDeadlineAt'), updatedAt: new Date(at),
  }, { transaction: tx });
}

// ---- failed tender -----------------------------------------------------------------------------------------------

export async function markTenderFailed(tx: Transaction, tenderId: number, reason: string, detail: string, at: Date, jobKey: string | null): Promise<void> {
  const { Tender } = tenderModels(sequelizeOf(tx));
  await Tender.update({ status: 'failed', failureReason: reason, failureDetail: detail, failedAt: at, failJobKey: jobKey, updatedAt: at }, { where: { id: tenderId }, transaction: tx });
}

/**
 * record-failed-tender: the reason comes from the tender's own state (variables of an earlier round may linger):
 * a challenge upheld with cancellation, too few bids at the opening, or too few qualified bidders.
 */
export async function recordFailedTender(db: Database, clock: Clock, job: Job): Promise<Variables> {
  const tenderId = Number(job.variables.tenderId);
  if (!Number.isSafeInteger(tenderId) || tenderId < 1) throw new Error('变量 tenderId 缺失 (variable tenderId missing)');
  const { Tender, Challenge } = tenderModels(db.sequelize);
  return db.withTransaction(async (tx) => {
    const t = await Tender.findByPk(tenderId, { transaction: tx, lock: lockOf(tx) });
    if (!t) throw new Error(`tender ${tenderId} not found`);
    const now = clock.now();
    const stored = t.get('failJobKey') ? (t.get('failedAt') as Date) : null;
    const at = stored ?? now;
    const minBids = t.get('minBids') as number;
    const bidCount = t.get('bidCount') as number | null;
    const upheld = await Challenge.findOne({ where: { tenderId, outcome: 'upheld_cancel' }, order: [['id', 'DESC']], transaction: tx });
    const works = t.get('regime') === 'works';
    let reason: string;
    let detail: string;
    // A complaint decision (流程 complaint, message complaint-decided) that cancels this very tender.
    const byComplaint = job.variables.complaintEffect === 'cancel' && Number(job.variables.complaintTenderId) === tenderId;
    if (byComplaint && works) {
      reason = FAILURE_REASONS.misconduct;
      detail = `行业主管部门投诉处理决定（${String(job.variables.complaintDecisionNo ?? '')}）认定投诉事项成立，中标无效，招标人应当依法重新招标（招标投标法实施条例第六十一条、第八十一条）。`;
    } else if (byComplaint) {
      reason = FAILURE_REASONS.misconduct;
      detail = `财政部门投诉处理决定（${String(job.variables.complaintDecisionNo ?? '')}）认定投诉事项成立，影响采购结果，依据财政部令第94号第三十二条、政府采购法第三十六条，本项目废标。`;
    } else if (upheld && works) {
      reason = FAILURE_REASONS.misconduct;
      detail = `异议（第 ${upheld.get('id') as number} 号）经审查成立，招标人决定终止本次招标并依法重新招标（招标投标法实施条例第二十二条、第五十四条）。`;
    } else if (upheld) {
      reason = FAILURE_REASONS.misconduct;
      detail = `供应商质疑（第 ${upheld.get('id') as number} 号）经审查成立，影响采购结果且无法纠正，依据财政部令第94号第十六条、政府采购法第三十六条，本项目废标。`;
    } else if (bidCount !== null && bidCount < minBids && works) {
      reason = FAILURE_REASONS.insufficient;
      detail = `至投标截止时间 ${shanghaiText(t.get('bidDeadlineAt') as Date)}，投标人 ${bidCount} 个，少于 ${minBids} 个，不得开标，招标人应当依法重新招标（招标投标法第二十八条；招标投标法实施条例第四十四条）。`;
    } else if (bidCount !== null && bidCount < minBids) {
      reason = FAILURE_REASONS.insufficient;
      detail = `至投标截止时间 ${shanghaiText(t.get('bidDeadlineAt') as Date)}，提交有效投标文件的供应商 ${bidCount} 家，不足 ${minBids} 家，依据财政部令第87号第四十一、四十三条，本项目废标。`;
    } else if (works) {
      const q = Number(job.variables.qualifiedCount);
      reason = FAILURE_REASONS.insufficient;
      detail = `资格审查合格的投标人${Number.isFinite(q) ? ` ${q} 个` : ''}，少于 ${minBids} 个，明显缺乏竞争，评标委员会否决全部投标，招标人应当依法重新招标（招标投标法第四十二条）。`;
    } else {
      const q = Number(job.variables.qualifiedCount);
      reason = FAILURE_REASONS.insufficient;
      detail = `资格审查合格的投标人${Number.isFinite(q) ? ` ${q} 家` : ''}，不足 ${minBids} 家，依据政府采购法第三十六条、财政部令第87号第四十三条，本项目废标。`;
    }
    if (!t.get('failJobKey')) await markTenderFailed(tx, tenderId, reason, detail, at, job.key);
    const pub = pubOf(t);
    return {
      failureReason: detail,
      cancellationNoticeData: {
        ...cancellationNoticeData({
          project: pub.tenderNoticeData.project, at, originalNoticeDate: pub.tenderNoticeData.noticeDate, reason, detail,
          nextAction: job.headers.nextAction, depositFen: num(t.get('depositFen')),
        }),
        ...(works ? { regime: 'works' } : {}),
      },
    };
  });
}

// ---- challenges --------------------------------------------------------------------------------------------------

export function presentChallenge(c: Row) {
  return {
    challengeId: c.get('id') as number,
    tenderId: c.get('tenderId') as number,
    submittedBy: c.get('submittedBy') as string,
    challengedDocument: c.get('challengedDocument') as string,
    items: JSON.parse(c.get('itemsJson') as string) as ChallengeItem[],
    /** challenge (质疑) | objection_documents | objection_candidates (异议 of a works tender) */
    kind: (c.get('kind') as string | null) ?? 'challenge',
    receivedAt: iso(c.get('receivedAt')),
    challengeReplyDueAt: iso(c.get('replyDueAt')),
    status: c.get('status') as string,
    outcome: (c.get('outcome') as string | null) ?? null,
    reply: (c.get('replyText') as string | null) ?? null,
    repliedAt: isoOrNull(c.get('repliedAt')),
  };
}

const OUTCOMES = ['rejected', 'upheld_reevaluate', 'upheld_cancel'];

/** record-challenge-reply: stores the agency's answer on the challenge and prepares the reply letter. */
export async function recordChallengeReply(db: Database, clock: Clock, job: Job): Promise<Variables> {
  const challengeId = Number(job.variables.challengeId);
  if (!Number.isSafeInteger(challengeId) || challengeId < 1) throw new Error('变量 challengeId 缺失 (variable challengeId missing)');
  const outcome = String(job.variables.challengeOutcome ?? '');
  if (!OUTCOMES.includes(outcome)) throw new Error(`challengeOutcome 应为 ${OUTCOMES.join('/')} (invalid challenge outcome)`);
  const replyText = typeof job.variables.challengeReply === 'string' ? job.variables.challengeReply.trim() : '';
  const { Challenge, Tender, Bid } = tenderModels(db.sequelize);
  return db.withTransaction(async (tx) => {
    const c = await Challenge.findByPk(challengeId, { transaction: tx, lock: lockOf(tx) });
    if (!c) throw new Error(`challenge ${challengeId} not found`);
    const t = await Tender.findByPk(c.get('tenderId') as number, { transaction: tx, lock: lockOf(tx) });
    if (!t) throw new Error('tender of the challenge not found');
    const now = clock.now();
    if (!c.get('replyJobKey')) {
      await c.update({ status: 'answered', outcome, replyText: replyText || null, replier: (t.get('agencyName') as string) ?? null, repliedAt: now, replyJobKey: job.key }, { transaction: tx });
      // Upheld with re-evaluation: the award is annulled; the evaluation runs again and record-award marks it anew.
      if (outcome === 'upheld_reevaluate' && t.get('status') === 'awarded') await t.update({ status: 'opened', awardedBidId: null, awardedAt: null, updatedAt: now }, { transaction: tx });
    }
    const bid = await Bid.findOne({ where: { tenderId: t.get('id'), organisationId: c.get('organisationId') }, order: [['id', 'DESC']], transaction: tx });
    const challenger: Record<string, unknown> = { name: (bid?.get('supplierName') as string) ?? c.get('submittedBy') };
    const cc = bid?.get('supplierCreditCode') as string | undefined;
    if (cc && /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/.test(cc)) challenger.creditCode = cc;
    return {
      challengeReplyData: challengeReplyData({
        project: projectOf(t), challenger, respondentName: (t.get('agencyName') as string) ?? '', challengedDocument: c.get('challengedDocument') as string,
        items: JSON.parse(c.get('itemsJson') as string), receivedAt: c.get('receivedAt') as Date, outcome: c.get('outcome') as string,
        replyText: (c.get('replyText') as string) ?? '', replier: (c.get('replier') as string) ?? '', repliedAt: c.get('repliedAt') as Date,
      }),
    };
  });
}

// ---- instance canceled ------------------------------------------------------------------------------------------

/**
 * A canceled process instance cancels its tender in the same transaction: bids are refused from then on, and bids
 * never opened stay sealed (a canceled tender without an opening time does not open).
 */
export const tenderCancelListener: ChangeListener = async (change, tx) => {
  if (change.kind !== 'instance.canceled' || !change.instanceId) return;
  const { Tender } = tenderModels(sequelizeOf(tx));
  await Tender.update(
    { status: 'canceled', failureReason: '采购流程已撤销 (procurement process canceled)', failedAt: change.at, updatedAt: change.at },
    { where: { instanceId: change.instanceId, status: ['open', 'opened', 'awarded'] }, transaction: tx },
  );
};
