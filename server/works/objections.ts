/**
 * 异议 of a works tender (招标投标法实施条例): to the tender documents (条例22: filed ≥ 10 days before the bid deadline
 * (W2), answered within 3 days (W2a)) and to the evaluation result during the 中标候选人公示 (条例54: answered within
 * 3 days (W3c)). Both pause the tender until answered: the process waits in the answer task instead of at the
 * deadline or publicity timer. Stored in `challenges` with `kind` objection_documents / objection_candidates; the
 * process learns of one by the messages documents-objection-filed / candidates-objection-filed (key tenderKey).
 */
import { QueryTypes, type Transaction } from 'sequelize';
import type { AuthUser } from '../auth/types.ts';
import { appendAudit } from '../audit/index.ts';
import type { Clock } from '../clock.ts';
import type { Database } from '../db.ts';
import { businessDate, type Deadline } from '../calendar/deadlines.ts';
import { createCalendarService } from '../calendar/service.ts';
import type { Job, Variables } from '../engine/port.ts';
import { AppError, notFound } from '../errors.ts';
import { supplierOfOrganisation } from '../registry/index.ts';
import { shanghaiText } from '../tender/dates.ts';
import { lockOf, tenderModels, type Row } from '../tender/models.ts';

export type ObjectionStage = 'documents' | 'candidates';
export interface ObjectionItem { item: string; request: string; facts: string; law: string }

export const OBJECTION_KIND: Record<ObjectionStage, string> = { documents: 'objection_documents', candidates: 'objection_candidates' };
export const OBJECTION_MESSAGE: Record<ObjectionStage, string> = { documents: 'documents-objection-filed', candidates: 'candidates-objection-filed' };
const DOCUMENT: Record<ObjectionStage, string> = { documents: '招标文件', candidates: '评标结果' };
const REPLY_RULE: Record<ObjectionStage, string> = { documents: 'W2a', candidates: 'W3c' };

export interface FiledObjection {
  objectionId: number;
  stage: ObjectionStage;
  tenderId: number;
  receivedAt: string;
  replyDeadline: Pick<Deadline, 'ruleId' | 'basis' | 'dueDate' | 'dueAt'>;
}

/** Checks the window and the objector, stores the objection and its audit entry; the caller then tells the process. */
export async function fileObjection(
  db: Database, clock: Clock, user: AuthUser, tenderId: number, body: { stage: ObjectionStage; items: ObjectionItem[] },
): Promise<FiledObjection> {
  const { Tender, Bid, Challenge } = tenderModels(db.sequelize);
  const calendar = createCalendarService(db, clock);
  return db.withTransaction(async (tx) => {
    const t = await Tender.findByPk(tenderId, { transaction: tx, lock: lockOf(tx) });
    if (!t) throw notFound('招标项目 (tender)', String(tenderId));
    if (t.get('regime') !== 'works') {
      throw new AppError(409, 'NOT_A_WORKS_TENDER', '政府采购项目适用质疑程序（POST /api/tenders/:id/challenges），不适用工程招标的异议 (objections are for works tenders; file a challenge)');
    }
    if (!user.organisation) throw new AppError(403, 'NO_ORGANISATION', '提出异议须以供应商单位名义 (an objection is filed for a supplier organisation)');
    const now = clock.now();
    if (body.stage === 'documents') {
      if (t.get('status') !== 'open') throw new AppError(409, 'OBJECTION_WINDOW_CLOSED', '投标已截止，不能再对招标文件提出异议 (the tender is no longer open)');
      const last = await lastDayForDocumentObjection(db, clock, t, tx);
      if (businessDate(now) > last.dueDate) {
        throw new AppError(409, 'OBJECTION_WINDOW_CLOSED', `对招标文件的异议应当在投标截止时间10日前提出，最后一日为 ${last.dueDate}（投标截止 ${shanghaiText(t.get('bidDeadlineAt') as Date)}；${last.basis}）(objections to the documents close ${last.dueDate})`, [
          { path: 'stage', reason: `最后一日 ${last.dueDate}（W2：${last.basis}）` },
        ]);
      }
    } else {
      const ends = t.get('publicityEndsAt') as Date | null;
      const bid = await Bid.findOne({ where: { tenderId, organisationId: user.organisation.id, status: 'opened' }, transaction: tx });
      if (!bid) throw new AppError(403, 'NOT_A_BIDDER', '只有本项目已开标的投标人可以对评标结果提出异议 (only a bidder whose bid was opened may object to the result)');
      if (!ends) throw new AppError(409, 'NO_PUBLICITY', '中标候选人尚未公示，暂不能对评标结果提出异议 (the candidates are not published yet)');
      if (now.getTime() >= ends.getTime() || t.get('status') !== 'opened') {
        throw new AppError(409, 'OBJECTION_WINDOW_CLOSED', `中标候选人公示期已于 ${shanghaiText(ends)} 届满，不能再提出异议（招标投标法实施条例第五十四条）(the publicity period has ended)`);
      }
    }
    const supplier = await supplierOfOrganisation(tx, db.sequelize, user.organisation.id);
    if (!supplier) throw new AppError(403, 'NOT_A_SUPPLIER', '本单位不在供应商库中，不能提出异议 (the organisation has no supplier record)');
    const due = await calendar.deadline(REPLY_RULE[body.stage], now, tx);
    const c = await Challenge.create({
      tenderId, supplierId: supplier.id, organisationId: user.organisation.id, submittedBy: user.username, challengedDocument: DOCUMENT[body.stage],
      itemsJson: JSON.stringify(body.items), receivedAt: now, replyDueAt: new Date(due.dueAt), status: 'filed', kind: OBJECTION_KIND[body.stage],
    }, { transaction: tx });
    await appendAudit(tx, {
      at: now, actor: user.username, roles: user.roles, action: 'objection.filed', objectType: 'tender', objectId: String(tenderId),
      summary: { after: { objectionId: c.get('id'), stage: body.stage, items: body.items.length, replyDueAt: due.dueAt } },
    });
    return {
      objectionId: c.get('id') as number, stage: body.stage, tenderId, receivedAt: now.toISOString(),
      replyDeadline: { ruleId: due.ruleId, basis: due.basis, dueDate: due.dueDate, dueAt: due.dueAt },
    };
  });
}

/** W2 counted back from the bid deadline: the last day on which an objection to the documents may be filed. */
async function lastDayForDocumentObjection(db: Database, clock: Clock, t: Row, tx: Transaction): Promise<Deadline> {
  return createCalendarService(db, clock).deadline('W2', t.get('bidDeadlineAt') as Date, tx);
}

const CONCLUSIONS: Record<string, string> = {
  rejected: '异议不成立',
  upheld_amend: '异议成立，修改招标文件',
  upheld_cancel: '异议成立，重新招标',
  upheld_reevaluate: '异议成立，重新评标',
};
const OUTCOMES: Record<ObjectionStage, string[]> = { documents: ['rejected', 'upheld_amend', 'upheld_cancel'], candidates: ['rejected', 'upheld_reevaluate', 'upheld_cancel'] };

/**
 * record-objection-reply: stores the answer on the objection (once per job) and prepares the 异议答复函 (template 26).
 * An answer past its 3-day limit is still recorded; the reply letter states the date.
 */
export async function recordObjectionReply(db: Database, clock: Clock, job: Job): Promise<Variables> {
  const id = Number(job.variables.objectionId);
  if (!Number.isSafeInteger(id) || id < 1) throw new Error('变量 objectionId 缺失 (variable objectionId missing)');
  const outcome = String(job.variables.objectionOutcome ?? '');
  const replyText = typeof job.variables.objectionReply === 'string' ? job.variables.objectionReply.trim() : '';
  const { Challenge, Tender, Bid } = tenderModels(db.sequelize);
  return db.withTransaction(async (tx) => {
    const c = await Challenge.findByPk(id, { transaction: tx, lock: lockOf(tx) });
    if (!c) throw new Error(`objection ${id} not found`);
    const stage: ObjectionStage = c.get('kind') === 'objection_documents' ? 'documents' : 'candidates';
    if (!OUTCOMES[stage].includes(outcome)) throw new Error(`objectionOutcome 应为 ${OUTCOMES[stage].join('/')} (invalid objection outcome for stage ${stage})`);
    const t = await Tender.findByPk(c.get('tenderId') as number, { transaction: tx });
    if (!t) throw new Error('tender of the objection not found');
    const now = clock.now();
    if (!c.get('replyJobKey')) {
      await c.update({ status: 'answered', outcome, replyText: replyText || null, replier: (t.get('agencyName') as string) ?? null, repliedAt: now, replyJobKey: job.key }, { transaction: tx });
      await appendAudit(tx, {
        at: now, actor: null, action: 'objection.answered', objectType: 'tender', objectId: String(t.get('id')),
        summary: { after: { objectionId: id, stage, outcome } },
      });
    }
    const bid = await Bid.findOne({ where: { tenderId: t.get('id'), organisationId: c.get('organisationId') }, order: [['id', 'DESC']], transaction: tx });
    const objector: Record<string, unknown> = { name: (bid?.get('supplierName') as string) ?? (await orgName(db, c.get('organisationId') as number, tx)) ?? (c.get('submittedBy') as string) };
    const cc = bid?.get('supplierCreditCode') as string | undefined;
    if (cc && /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/.test(cc)) objector.creditCode = cc;
    const basis = stage === 'documents' ? '招标投标法实施条例第二十二条' : '招标投标法实施条例第五十四条';
    const pub = JSON.parse(t.get('publicJson') as string) as { tenderNoticeData: { project: Record<string, unknown> } };
    const repliedAt = c.get('repliedAt') as Date;
    const conclusion = CONCLUSIONS[(c.get('outcome') as string) ?? outcome] ?? '异议不成立';
    const replier = ((c.get('replier') as string) ?? '').length >= 2 ? (c.get('replier') as string) : '招标代理机构';
    const items = JSON.parse(c.get('itemsJson') as string) as ObjectionItem[];
    return {
      objectionStage: stage,
      objectionReplyData: {
        regime: 'works',
        objectionStage: DOCUMENT[stage],
        project: pub.tenderNoticeData.project,
        challenger: objector,
        respondentName: replier.slice(0, 100),
        challengedDocument: DOCUMENT[stage],
        items,
        letterDate: businessDate(c.get('receivedAt') as Date),
        receivedDate: businessDate(c.get('receivedAt') as Date),
        reply: {
          replies: items.map((i) => ({ item: i.item, reply: ((c.get('replyText') as string) || conclusion).slice(0, 5000), basis })),
          conclusion,
          replier: replier.slice(0, 100),
          replyDate: businessDate(repliedAt),
        },
      },
    };
  });
}

async function orgName(db: Database, orgId: number, tx: Transaction): Promise<string | null> {
  const [row] = await db.sequelize.query<{ name: string }>('SELECT name FROM organisations WHERE id = :id', { replacements: { id: orgId }, transaction: tx, type: QueryTypes.SELECT });
  return row?.name ?? null;
}
