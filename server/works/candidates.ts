/**
 * publish-candidates (works-tender.bpmn, 公示中标候选人): 条例54 — the tenderer publishes the candidates within 3 days
 * of receiving the evaluation report (W3a), for at least 3 days (W3b). Publishing happens at once, so the start is
 * the job's time and the end is W3b counted from it; the end is kept on the tender row, which the objection route
 * checks. Re-evaluation after an upheld objection publishes again with a new period.
 */
import type { Clock } from '../clock.ts';
import type { Database } from '../db.ts';
import { businessDate } from '../calendar/deadlines.ts';
import { createCalendarService } from '../calendar/service.ts';
import type { Job, Variables } from '../engine/port.ts';
import { shanghaiIso } from '../tender/dates.ts';
import { projectHeader } from '../tender/documents.ts';
import { lockOf, tenderModels } from '../tender/models.ts';
import { SUPERVISOR_NAME, worksObjectionChannel } from './texts.ts';

type Obj = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
const int = (v: unknown): number | null => (typeof v === 'number' && Number.isSafeInteger(v) ? v : typeof v === 'string' && /^\d{1,15}$/.test(v) ? Number(v) : null);
const USCC = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/;
const EVAL_METHODS: Record<string, string> = { comprehensive: '综合评估法', lowest_price: '经评审的最低投标价法' };

export async function publishCandidates(db: Database, clock: Clock, job: Job): Promise<Variables> {
  const v = job.variables;
  const tenderId = int(v.tenderId);
  if (tenderId === null) throw new Error('变量 tenderId 缺失 (variable tenderId missing)');
  const ranking = Array.isArray(v.ranking) ? (v.ranking as Obj[]) : [];
  if (!ranking.length) throw new Error('没有评标排名，不能公示中标候选人 (no ranking to publish)');
  const calendar = createCalendarService(db, clock);
  const now = clock.now();
  const latestStart = await calendar.deadline('W3a', now);
  const end = await calendar.deadline('W3b', now);
  const { Tender } = tenderModels(db.sequelize);
  await db.withTransaction(async (tx) => {
    const t = await Tender.findByPk(tenderId, { transaction: tx, lock: lockOf(tx) });
    if (!t) throw new Error(`tender ${tenderId} not found`);
    await t.update({ publicityEndsAt: new Date(end.dueAt), updatedAt: now }, { transaction: tx });
  });

  const candidates = ranking
    .filter((r) => (int(r.rank) ?? 99) <= 3)
    .sort((a, b) => (int(a.rank) ?? 0) - (int(b.rank) ?? 0))
    .map((r) => ({
      rank: int(r.rank)!,
      supplierName: str(r.supplierName).slice(0, 200),
      ...(USCC.test(str(r.creditCode)) ? { creditCode: str(r.creditCode) } : {}),
      bidPriceFen: int(r.bidPriceFen) ?? 0,
      score: r.totalScore == null ? null : String(r.totalScore).slice(0, 12),
      qualityStandard: '合格（符合国家现行工程施工质量验收规范）',
      periodDays: int(v.plannedPeriodDays),
      projectManager: null,
      projectManagerCertificate: null,
      qualification: str(v.qualificationRequirement).slice(0, 500) || null,
    }));
  const rejectedBids = (Array.isArray(v.excludedBids) ? (v.excludedBids as Obj[]) : []).map((e) => ({
    supplierName: str(e.supplierName).slice(0, 200) || '（未具名）',
    reason: (Array.isArray(e.reasons) ? (e.reasons as unknown[]).map(String).join('；') : '资格审查未通过').slice(0, 500) || '资格审查未通过',
  }));
  const publicityStart = shanghaiIso(now);
  const publicityEnd = shanghaiIso(new Date(end.dueAt));
  const project = projectHeader(v);
  return {
    publicityStartAt: now.toISOString(),
    publicityEndsAt: end.dueAt,
    publicityBasis: `招标投标法实施条例第五十四条（${end.ruleId}：${end.basis}）：公示期自 ${businessDate(now)} 起，至 ${end.dueDate} 24:00 止（不含公示当日，不少于 ${end.value} 日${end.rolledFrom ? `；末日 ${end.rolledFrom} 非工作日顺延` : ''}）；收到评标报告后最迟应于 ${latestStart.dueDate} 前公示（${latestStart.basis}）。`,
    candidatePublicityData: {
      project,
      tendererName: str(v.purchaserName) || '招标人',
      agencyName: str(v.agencyName) || null,
      publishedDate: businessDate(now),
      publicityStart,
      publicityEnd,
      reportReceivedDate: businessDate(now),
      evaluationMethod: EVAL_METHODS[str(v.evaluationMethod)] ?? '综合评估法',
      candidates,
      rejectedBids,
      objectionChannel: worksObjectionChannel(str(v.agencyName)),
      objectionDeadline: publicityEnd,
      supervisorName: SUPERVISOR_NAME,
      legalBasis: '招标投标法实施条例第五十四条；《招标公告和公示信息发布管理办法》（国家发展改革委令第10号）第六条',
    },
  };
}
