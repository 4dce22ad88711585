/**
 * publish-tender: checks the agency's settings against the legal limits (bid deadline on the working-day calendar,
 * deposit cap), creates the tender row (round n of the instance) with its wrapped data key, and prepares the tender
 * notice and tender documents data. Keyed by job.key: a second delivery returns the row it created.
 */
import { UniqueConstraintError, type Transaction } from 'sequelize';
import type { Clock } from '../clock.ts';
import type { Database } from '../db.ts';
import { createCalendarService } from '../calendar/service.ts';
import type { Deadline } from '../calendar/deadlines.ts';
import { BpmnError, type Job, type Variables } from '../engine/port.ts';
import type { ErrorDetail } from '../errors.ts';
import { businessDate, parseDeadlineInput, shanghaiIso, shanghaiText, startOfShanghaiDay } from './dates.ts';
import { num, tenderModels, type Row } from './models.ts';
import { newWrappedDataKey } from './sealing.ts';
import { worksDocumentsOverlay, worksNoticeOverlay } from '../works/texts.ts';
import { projectHeader, tenderDocumentsData, tenderNoticeData, type TenderItem } from './documents.ts';

export const METHODS = ['公开招标', '邀请招标', '竞争性谈判', '竞争性磋商', '询价', '单一来源'] as const;
export type Method = (typeof METHODS)[number];

/** Rules whose deadlines the bid deadline may not precede, by method (CHAIN.md B; brief §2.2). */
export const DEADLINE_RULES: Record<Method, string[]> = {
  公开招标: ['T3', 'T1'],
  邀请招标: ['T3', 'T1'],
  竞争性谈判: ['T28'],
  询价: ['T28'],
  竞争性磋商: ['T29a'],
  单一来源: ['T27'],
};

/** Works tenders (招标投标法): only open and invited tenders, ≥ 20 days from the documents to the deadline (W6). */
export const WORKS_METHODS: readonly Method[] = ['公开招标', '邀请招标'];
export const WORKS_DEADLINE_RULES = ['W6'];
export type Regime = 'procurement' | 'works';
export const regimeOf = (v: Variables): Regime => (v.regime === 'works' ? 'works' : 'procurement');

/** T7: bids needed to open; single source negotiates with one supplier. */
export function minBidsFor(method: Method): number {
  return method === '单一来源' ? 1 : 3;
}

export interface DeadlineCheck {
  minAt: Date;
  /** the rule deadlines, latest first */
  deadlines: Deadline[];
  basis: string;
}

/** The earliest legal bid deadline for documents issued at `issuedAt`: the start of the latest rule deadline's day. */
export async function minimumBidDeadline(db: Database, clock: Clock, method: Method, issuedAt: Date, tx?: Transaction, regime: Regime = 'procurement'): Promise<DeadlineCheck> {
  const calendar = createCalendarService(db, clock);
  const deadlines: Deadline[] = [];
  for (const rule of regime === 'works' ? WORKS_DEADLINE_RULES : DEADLINE_RULES[method]) deadlines.push(await calendar.deadline(rule, issuedAt, tx));
  deadlines.sort((a, b) => b.dueDate.localeCompare(a.dueDate));
  const minAt = startOfShanghaiDay(deadlines[0].dueDate);
  const parts = deadlines.map((d) => `${d.ruleId} ${d.event}：${d.value}${d.dayType === 'WD' ? '个工作日' : '日'}（${d.basis}；自 ${d.anchorDate} 起算，不含当日）→ ${d.dueDate}${d.rolledFrom ? `（${d.rolledFrom} 非工作日顺延）` : ''}`);
  const warnings = [...new Set(deadlines.flatMap((d) => d.warnings))];
  const basis = `${method}：投标截止日不得早于 ${deadlines[0].dueDate}。${parts.join('；')}。${warnings.length ? `提示：${warnings.join('；')}` : ''}`;
  return { minAt, deadlines, basis };
}

const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
const isPosInt = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;

/** 元 as the form gives it (number or text, ≤ 2 decimals) → integer fen, exactly; null when it is not such an amount. */
export function yuanToFenExact(v: unknown): number | null {
  let text: string;
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || v < 0) return null;
    text = String(v);
    if (/e/i.test(text)) return null;
  } else if (typeof v === 'string') text = v.trim().replace(/,/g, '');
  else return null;
  const m = /^(\d{1,12})(?:\.(\d{1,2}))?$/.exec(text);
  if (!m) return null;
  const fen = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return Number.isSafeInteger(fen) ? fen : null;
}

/** itemsFen of check-application → the tender's items (quantity kept as a decimal string). */
export function tenderItemsOf(v: unknown): TenderItem[] | null {
  if (!Array.isArray(v) || v.length === 0) return null;
  const items: TenderItem[] = [];
  for (const raw of v) {
    const r = raw as Record<string, unknown>;
    const quantity = typeof r.quantity === 'number' ? String(r.quantity) : str(r.quantity);
    if (!str(r.itemCode) || !str(r.itemName) || !/^\d{1,9}(\.\d{1,3})?$/.test(quantity)) return null;
    items.push({
      itemCode: str(r.itemCode), itemName: str(r.itemName), quantity, unit: str(r.unit) || '项',
      unitPriceFen: num(r.unitPriceFen), lineTotalFen: num(r.lineTotalFen),
    });
  }
  return items;
}

export interface PublishOutputs extends Variables {
  tenderId: number;
  tenderKey: string;
  tenderRound: number;
  bidDeadlineAt: string;
  bidDeadlineMinAt: string;
  bidDeadlineBasis: string;
  minBids: number;
  publishedAt: string;
  tenderNoticeData: Record<string, unknown>;
  tenderDocumentsData: Record<string, unknown>;
  tenderProblems: ErrorDetail[];
}

export function publishOutputsOf(t: Row): PublishOutputs {
  const pub = JSON.parse(t.get('publicJson') as string) as { tenderNoticeData: Record<string, unknown>; tenderDocumentsData: Record<string, unknown> };
  return {
    tenderId: t.get('id') as number,
    tenderKey: String(t.get('id')),
    tenderRound: t.get('round') as number,
    bidDeadlineAt: (t.get('bidDeadlineAt') as Date).toISOString(),
    bidDeadlineMinAt: (t.get('bidDeadlineMinAt') as Date).toISOString(),
    bidDeadlineBasis: t.get('deadlineBasis') as string,
    minBids: t.get('minBids') as number,
    publishedAt: (t.get('publishedAt') as Date).toISOString(),
    tenderNoticeData: pub.tenderNoticeData,
    tenderDocumentsData: pub.tenderDocumentsData,
    tenderProblems: [],
  };
}

export async function publishTender(db: Database, clock: Clock, job: Job): Promise<PublishOutputs> {
  try {
    return await publishOnce(db, clock, job);
  } catch (err) {
    // Two deliveries of the same job at the same instant (MariaDB): the one that lost the unique job key answers
    // with the winner's tender.
    if (!(err instanceof UniqueConstraintError)) throw err;
    const done = await tenderModels(db.sequelize).Tender.findOne({ where: { publishJobKey: job.key } });
    if (!done) throw err;
    return publishOutputsOf(done);
  }
}

async function publishOnce(db: Database, clock: Clock, job: Job): Promise<PublishOutputs> {
  const { Tender } = tenderModels(db.sequelize);
  const v = job.variables;
  return db.withTransaction(async (tx) => {
    const done = await Tender.findOne({ where: { publishJobKey: job.key }, transaction: tx });
    if (done) return publishOutputsOf(done);

    const now = clock.now();
    const problems: ErrorDetail[] = [];
    const regime = regimeOf(v);
    const method = str(v.method) as Method;
    const methods = regime === 'works' ? WORKS_METHODS : METHODS;
    if (!methods.includes(method)) problems.push({ path: 'method', reason: `${regime === 'works' ? '招标方式' : '采购方式'}无效，应为 ${methods.join('、')} 之一 (unknown method)` });
    const budgetFen = v.budgetFen;
    if (!isPosInt(budgetFen)) problems.push({ path: 'budgetFen', reason: '预算金额（分）应为正整数 (budget in fen must be a positive integer)' });
    const maxPriceFen = v.maxPriceFen == null ? null : v.maxPriceFen;
    if (maxPriceFen !== null && !isPosInt(maxPriceFen)) problems.push({ path: 'maxPriceFen', reason: '最高限价（分）应为正整数 (maximum price in fen must be a positive integer)' });
    const items = tenderItemsOf(v.itemsFen);
    if (!items) problems.push({ path: 'itemsFen', reason: '采购标的明细缺失或格式不正确 (items missing or malformed)' });
    if (!str(v.projectNumber)) problems.push({ path: 'projectNumber', reason: '缺少项目编号 (project number missing)' });
    const openingPlace = str(v.openingPlace);
    if (openingPlace.length < 2) problems.push({ path: 'openingPlace', reason: '请填写开标地点 (opening place required)' });
    const depositFen = v.depositYuan == null || v.depositYuan === '' ? 0 : yuanToFenExact(v.depositYuan);
    if (depositFen === null) problems.push({ path: 'depositYuan', reason: '投标保证金应为不小于 0、最多两位小数的金额（元）(deposit: an amount in yuan, ≥ 0, at most 2 decimals)' });
    const agencyUsers = Array.isArray(v.agencyUsers) ? v.agencyUsers.filter((u): u is string => typeof u === 'string' && u.length > 0) : [];
    if (!agencyUsers.length) problems.push({ path: 'agencyUsers', reason: '代理机构没有经办人员 (the agency has no staff users)' });

    const deadline = parseDeadlineInput(v.bidDeadline);
    let check: DeadlineCheck | null = null;
    if (!deadline) problems.push({ path: 'bidDeadline', reason: '投标截止时间应为北京时间 YYYY-MM-DDTHH:mm (bid deadline: Shanghai local date and time)' });
    if (methods.includes(method)) {
      check = await minimumBidDeadline(db, clock, method, now, tx, regime);
      if (deadline && deadline.getTime() < check.minAt.getTime()) {
        const first = check.deadlines[0];
        problems.push({
          path: 'bidDeadline',
          reason: `投标截止时间 ${shanghaiText(deadline)} 早于法定最早日期 ${first.dueDate}（${first.ruleId}：${first.basis}，${first.value}${first.dayType === 'WD' ? '个工作日' : '日'}）(bid deadline earlier than the legal minimum ${first.dueDate})`,
        });
      }
    }
    if (isPosInt(budgetFen) && depositFen !== null && depositFen > 0) {
      // T23 (works: 条例26, of the estimated price): ≤ 2 %; integer arithmetic (depositFen * 100 ≤ budgetFen * 2).
      if (depositFen * 100 > (budgetFen as number) * 2) {
        const cap = Math.floor(((budgetFen as number) * 2) / 100);
        const capText = `${Math.floor(cap / 100)}.${String(cap % 100).padStart(2, '0')} 元`;
        problems.push({
          path: 'depositYuan',
          reason: regime === 'works'
            ? `投标保证金不得超过招标项目估算价的 2%，即 ${capText}（招标投标法实施条例第二十六条）(deposit above 2 % of the estimated price)`
            : `投标保证金不得超过预算金额的 2%，即 ${capText}（T23：实施条例 Art.33；令74 Art.14）(deposit above 2 % of the budget)`,
        });
      }
    }
    if (problems.length) {
      throw new BpmnError('TENDER_INVALID', `招标设置不符合要求：${problems.map((p) => p.path).join('、')} (tender settings invalid)`, { tenderProblems: problems });
    }

    const prev = (await Tender.max('round', { where: { instanceId: job.instanceId }, transaction: tx })) as number | null;
    const round = (prev ?? 0) + 1;
    const min = minBidsFor(method);
    const evaluation = {
      evaluationMethod: str(v.evaluationMethod) || 'comprehensive',
      priceWeightPercent: v.priceWeightPercent ?? null,
      technicalWeightPercent: v.technicalWeightPercent ?? null,
      businessWeightPercent: v.businessWeightPercent ?? null,
      smeDeductionPercent: v.smeDeductionPercent ?? null,
      smeReserved: v.smeReserved === true,
      qualificationRequirements: v.qualificationRequirements ?? null,
      scoringCriteria: v.scoringCriteria ?? null,
    };
    const project = projectHeader(v);
    const gpNotice = tenderNoticeData({ v, project, items: items!, publishedAt: now, deadline: deadline!, documentsTo: await documentsTo(db, clock, now, tx, regime), openingPlace });
    const gpDocuments = tenderDocumentsData({ v, project, items: items!, publishedAt: now, deadline: deadline!, openingPlace, depositFen: depositFen! });
    // Works: the Bidding Law's wording, and `regime` tells the shared templates which law they cite.
    const notice = regime === 'works' ? { ...gpNotice, ...worksNoticeOverlay(v, gpNotice) } : gpNotice;
    const documents = regime === 'works' ? { ...gpDocuments, ...worksDocumentsOverlay(v, gpDocuments as { qualifications: string[] }) } : gpDocuments;
    const basis = regime === 'works'
      ? `${check!.basis}所定投标截止时间：${shanghaiText(deadline!)}（北京时间）；开标与投标截止同时进行，投标人少于 ${min} 个的不得开标，招标人应当重新招标（招标投标法第二十八条；实施条例第四十四条）。`
      : `${check!.basis}所定投标截止时间：${shanghaiText(deadline!)}（北京时间）；开标与投标截止同时进行，投标人不足 ${min} 家不得开标（T7：令87 Art.41,43）。`;
    const row = await Tender.create(
      {
        instanceId: job.instanceId, round, projectNumber: str(v.projectNumber), projectName: str(v.projectName) || str(v.projectNumber),
        purchaserName: str(v.purchaserName) || null, agencyName: str(v.agencyName) || null, method, procurementType: str(v.procurementType) || 'goods', regime,
        status: 'open', publishedAt: now, bidDeadlineAt: deadline, bidDeadlineMinAt: check!.minAt, deadlineBasis: basis, minBids: min,
        evaluationJson: JSON.stringify(evaluation), budgetFen, maxPriceFen, depositFen, openingPlace, agencyUsers: JSON.stringify(agencyUsers),
        publicJson: JSON.stringify({ items, consortiumAccepted: notice.consortiumAccepted, tenderNoticeData: notice, tenderDocumentsData: documents }),
        dataKeyWrapped: Buffer.alloc(0), sealKeyId: '-', publishJobKey: job.key, createdAt: now, updatedAt: now,
      },
      { transaction: tx },
    );
    const key = newWrappedDataKey(db.sequelize, row.get('id') as number);
    await row.update({ dataKeyWrapped: key.wrapped, sealKeyId: key.keyId }, { transaction: tx });
    return publishOutputsOf(row);
  });
}

/** T2: tender documents are supplied for ≥ 5 working days from the notice (works, W1: ≥ 5 days, 条例16). */
async function documentsTo(db: Database, clock: Clock, at: Date, tx: Transaction, regime: Regime): Promise<string> {
  return (await createCalendarService(db, clock).deadline(regime === 'works' ? 'W1' : 'T2', at, tx)).dueDate;
}

export { businessDate, shanghaiIso };
