/**
 * prepare-written-report (works-tender.bpmn, 提交招标投标情况书面报告): 招标投标法第四十七条 — within 15 days of
 * determining the winner (W4) the tenderer reports the tender to the administrative supervisory department. The data
 * (template 25) is read from the tender row and the instance's variables; the due date comes from record-award.
 */
import type { Clock } from '../clock.ts';
import type { Database } from '../db.ts';
import { businessDate } from '../calendar/deadlines.ts';
import type { Job, Variables } from '../engine/port.ts';
import { shanghaiIso } from '../tender/dates.ts';
import { tenderModels } from '../tender/models.ts';
import { SUPERVISOR_NAME } from './texts.ts';

type Obj = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
const int = (v: unknown): number | null => (typeof v === 'number' && Number.isSafeInteger(v) ? v : typeof v === 'string' && /^\d{1,15}$/.test(v) ? Number(v) : null);

export async function prepareWrittenReport(db: Database, clock: Clock, job: Job): Promise<Variables> {
  const v = job.variables;
  const tenderId = int(v.tenderId);
  if (tenderId === null) throw new Error('变量 tenderId 缺失 (variable tenderId missing)');
  const { Tender, Challenge } = tenderModels(db.sequelize);
  const t = await Tender.findByPk(tenderId);
  if (!t) throw new Error(`tender ${tenderId} not found`);
  const award = (v.award ?? {}) as Obj;
  const awardedAt = typeof v.awardedAt === 'string' ? new Date(v.awardedAt) : clock.now();
  const ranking = Array.isArray(v.ranking) ? (v.ranking as Obj[]) : [];
  const panel = Array.isArray(v.panel) ? v.panel : [];
  const objectionCount = await Challenge.count({ where: { tenderId, kind: 'objection_candidates' } });
  const due = (v.writtenReportDeadline ?? {}) as Obj;
  const pub = JSON.parse(t.get('publicJson') as string) as { tenderNoticeData: { project: Obj; noticeDate: string } };
  const publicityStart = typeof v.publicityStartAt === 'string' ? new Date(v.publicityStartAt) : null;
  const publicityEnd = t.get('publicityEndsAt') as Date | null;
  return {
    writtenReportData: {
      project: pub.tenderNoticeData.project,
      tendererName: str(v.purchaserName) || '招标人',
      agencyName: str(v.agencyName) || null,
      supervisorName: SUPERVISOR_NAME,
      method: str(t.get('method')),
      noticePublishedDate: pub.tenderNoticeData.noticeDate,
      bidDeadline: shanghaiIso(t.get('bidDeadlineAt') as Date),
      openingDate: businessDate((t.get('openedAt') as Date | null) ?? (t.get('bidDeadlineAt') as Date)),
      bidCount: int(t.get('bidCount')) ?? 0,
      qualifiedCount: int(v.qualifiedCount) ?? 0,
      panel: { size: int(v.panelSize) ?? panel.length, database: '综合评标专家库', drawDate: businessDate((t.get('openedAt') as Date | null) ?? awardedAt) },
      candidates: ranking.filter((r) => (int(r.rank) ?? 99) <= 3).map((r) => ({ rank: int(r.rank)!, supplierName: str(r.supplierName), bidPriceFen: int(r.bidPriceFen) ?? 0 })),
      publicity: {
        start: shanghaiIso(publicityStart ?? awardedAt),
        end: shanghaiIso(publicityEnd ?? awardedAt),
        objectionCount,
      },
      winner: { supplierName: str(award.supplierName), bidPriceFen: int(award.amountFen) ?? 0, noticeOfAwardDate: businessDate(awardedAt) },
      reportDueDate: str(due.dueDate) || businessDate(awardedAt),
      reportDate: businessDate(clock.now()),
      legalBasis: '招标投标法第四十七条：依法必须进行招标的项目，招标人应当自确定中标人之日起十五日内，向有关行政监督部门提交招标投标情况的书面报告',
    },
  };
}
