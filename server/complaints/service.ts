/**
 * Complaints (投诉, 财政部令第94号) and staff reports (投诉举报): tables of migration 0014, the filing rules and the
 * suspension gate. The order of steps lives in processes/complaint.bpmn and processes/staff-report.bpmn; this module
 * only checks who may file, when, and keeps the rows the pages show.
 * The challenge and tender a complaint refers to are read (never written) from the tender component's tables.
 */
import crypto from 'node:crypto';
import { DataTypes, QueryTypes, type Model, type ModelStatic, type Sequelize, type Transaction } from 'sequelize';
import type { Database } from '../db.ts';
import type { AuthUser } from '../auth/types.ts';
import type { Deadline } from '../calendar/deadlines.ts';
import { AppError } from '../errors.ts';

type Row = Model<Record<string, unknown>>;
export interface ComplaintModels {
  Complaint: ModelStatic<Row>;
  Suspension: ModelStatic<Row>;
  StaffReport: ModelStatic<Row>;
}

const cache = new WeakMap<Sequelize, ComplaintModels>();
export function complaintModels(sequelize: Sequelize): ComplaintModels {
  const hit = cache.get(sequelize);
  if (hit) return hit;
  const S = DataTypes.STRING, T = DataTypes.TEXT, D = DataTypes.DATE(3), I = DataTypes.INTEGER;
  const id = { type: I, autoIncrement: true, primaryKey: true };
  const opts = (tableName: string) => ({ tableName, underscored: true, timestamps: false });
  const m: ComplaintModels = {
    Complaint: sequelize.define('Complaint', {
      id, instanceId: S(40), challengeId: I, tenderId: I, procurementInstanceId: S(40), projectNumber: S(64), projectName: S(200),
      purchaserName: S(200), agencyName: S(200), agencyUsers: T, complainant: S(64), complainantOrgId: I, complainantName: S(200),
      itemsJson: T, requests: T, deadlineJson: T, status: S(16), decisionJson: T, effect: S(16), filedAt: D, acceptedAt: D, decidedAt: D, updatedAt: D,
    }, opts('complaints')) as ModelStatic<Row>,
    Suspension: sequelize.define('ProcurementSuspension', {
      id, complaintId: I, procurementInstanceId: S(40), startedAt: D, untilAt: D, endedAt: D, jobKey: S(255),
    }, opts('procurement_suspensions')) as ModelStatic<Row>,
    StaffReport: sequelize.define('StaffReport', {
      id, trackingCode: S(32), instanceId: S(40), category: S(32), subject: S(200), facts: T, contact: S(200), status: S(16), reply: T, repliedAt: D, filedAt: D,
    }, opts('staff_reports')) as ModelStatic<Row>,
  };
  cache.set(sequelize, m);
  return m;
}

const iso = (v: unknown) => (v == null ? null : (v instanceof Date ? v : new Date(String(v))).toISOString());

// ---- the challenge a complaint refers to (tender component's tables, read only) -----------------------------------

export interface ChallengeFacts {
  /** 'works': a works tender's 异议 (kind objection_*), complained of to the industry supervisor (works_complaint). */
  regime: 'procurement' | 'works';
  kind: string;
  challengeId: number;
  tenderId: number;
  organisationId: number;
  status: string;
  outcome: string | null;
  receivedAt: Date;
  replyDueAt: Date;
  repliedAt: Date | null;
  replyText: string | null;
  items: unknown;
  instanceId: string;
  projectNumber: string | null;
  projectName: string | null;
  purchaserName: string | null;
  agencyName: string | null;
  agencyUsers: string[];
  project: Record<string, unknown> | null;
}

export async function challengeFacts(db: Database, challengeId: number, tx?: Transaction): Promise<ChallengeFacts | null> {
  const rows = await db.sequelize.query<Record<string, unknown>>(
    `SELECT c.id, c.tender_id, c.organisation_id, c.status, c.outcome, c.received_at, c.reply_due_at, c.replied_at, c.reply_text, c.items_json, c.kind,
            t.regime, t.instance_id, t.project_number, t.project_name, t.purchaser_name, t.agency_name, t.agency_users, t.public_json
       FROM challenges c JOIN tenders t ON t.id = c.tender_id WHERE c.id = ?`,
    { replacements: [challengeId], type: QueryTypes.SELECT, transaction: tx },
  );
  const r = rows[0];
  if (!r) return null;
  const parse = <T>(v: unknown, d: T): T => { try { return v == null ? d : (JSON.parse(String(v)) as T); } catch { return d; } };
  const pub = parse<{ tenderNoticeData?: { project?: Record<string, unknown> } }>(r.public_json, {});
  return {
    challengeId: Number(r.id), tenderId: Number(r.tender_id), organisationId: Number(r.organisation_id), status: String(r.status),
    outcome: (r.outcome as string | null) ?? null, receivedAt: new Date(String(r.received_at instanceof Date ? r.received_at.toISOString() : r.received_at)),
    replyDueAt: r.reply_due_at instanceof Date ? r.reply_due_at : new Date(String(r.reply_due_at)),
    repliedAt: r.replied_at == null ? null : r.replied_at instanceof Date ? r.replied_at : new Date(String(r.replied_at)),
    replyText: (r.reply_text as string | null) ?? null, items: parse(r.items_json, []), instanceId: String(r.instance_id),
    projectNumber: (r.project_number as string | null) ?? null, projectName: (r.project_name as string | null) ?? null,
    purchaserName: (r.purchaser_name as string | null) ?? null, agencyName: (r.agency_name as string | null) ?? null,
    agencyUsers: parse<string[]>(r.agency_users, []), project: pub.tenderNoticeData?.project ?? null,
    regime: r.regime === 'works' ? 'works' : 'procurement', kind: String(r.kind ?? 'challenge'),
  };
}

/**
 * When the complaint period (T15) starts: the day the reply was received, or, without a reply, the end of the
 * reply period (法 Art.55; 令94 Art.17). Null while the reply period is still running and no reply was given.
 */
export function complaintAnchor(c: ChallengeFacts, now: Date): Date | null {
  if (c.repliedAt) return c.repliedAt;
  return now.getTime() >= c.replyDueAt.getTime() ? c.replyDueAt : null;
}

export function outOfTime(deadline: Deadline): AppError {
  return new AppError(422, 'COMPLAINT_OUT_OF_TIME',
    `投诉期限已过：应于 ${deadline.dueDate} 前提出（${deadline.ruleId}，${deadline.basis}） (the complaint period ended on ${deadline.dueDate})`,
    [{ path: 'challengeId', reason: `deadline ${deadline.dueAt} (${deadline.ruleId}: ${deadline.basis})` }]);
}

// ---- who sees what --------------------------------------------------------------------------------------------------

export const isOverseer = (u: AuthUser) => u.roles.includes('supervisor') || u.roles.includes('auditor') || u.roles.includes('finance_section');

/** worksTenderIds: the works tenders (regime 'works'), whose complaints the works supervisor handles and sees. */
export function maySee(u: AuthUser, c: Row, worksTenderIds?: Set<number>): boolean {
  if (isOverseer(u)) return true;
  if (u.roles.includes('works_supervisor') && worksTenderIds?.has(Number(c.get('tenderId')))) return true;
  if (u.roles.includes('supplier') && u.organisation && u.organisation.id === c.get('complainantOrgId')) return true;
  if (u.roles.includes('purchaser') && u.organisation && u.organisation.name === c.get('purchaserName')) return true;
  const agencyUsers = JSON.parse(String(c.get('agencyUsers') ?? '[]')) as string[];
  return u.roles.includes('agency') && agencyUsers.includes(u.username);
}

export function presentComplaint(c: Row, suspensions: Row[] = []) {
  return {
    complaintId: c.get('id') as number,
    instanceId: (c.get('instanceId') as string | null) ?? null,
    challengeId: c.get('challengeId') as number,
    tenderId: c.get('tenderId') as number,
    procurementInstanceId: c.get('procurementInstanceId') as string,
    projectNumber: (c.get('projectNumber') as string | null) ?? null,
    projectName: (c.get('projectName') as string | null) ?? null,
    purchaserName: (c.get('purchaserName') as string | null) ?? null,
    agencyName: (c.get('agencyName') as string | null) ?? null,
    complainant: c.get('complainant') as string,
    complainantName: c.get('complainantName') as string,
    items: JSON.parse(String(c.get('itemsJson'))) as unknown[],
    requests: (c.get('requests') as string | null) ?? null,
    complaintDeadline: JSON.parse(String(c.get('deadlineJson'))) as Record<string, unknown>,
    status: c.get('status') as string,
    decision: c.get('decisionJson') ? (JSON.parse(String(c.get('decisionJson'))) as Record<string, unknown>) : null,
    effect: (c.get('effect') as string | null) ?? null,
    filedAt: iso(c.get('filedAt'))!,
    acceptedAt: iso(c.get('acceptedAt')),
    decidedAt: iso(c.get('decidedAt')),
    suspensions: suspensions.map((s) => ({ startedAt: iso(s.get('startedAt')), until: iso(s.get('untilAt')), endedAt: iso(s.get('endedAt')) })),
  };
}

// ---- suspension gate ------------------------------------------------------------------------------------------------

/** The suspension in force for a procurement instance at `now`, or null. */
export async function activeSuspension(sequelize: Sequelize, instanceId: string, now: Date): Promise<{ until: string; complaintId: number } | null> {
  const { Suspension } = complaintModels(sequelize);
  const rows = await Suspension.findAll({ where: { procurementInstanceId: instanceId, endedAt: null } });
  const open = rows.find((r) => (r.get('untilAt') as Date).getTime() > now.getTime());
  return open ? { until: iso(open.get('untilAt'))!, complaintId: open.get('complaintId') as number } : null;
}

/**
 * The inbox calls this before a task of an instance is claimed or completed: while the supervisor has suspended the
 * procurement (令94 Art.28) nothing moves it on; 409 PROCUREMENT_SUSPENDED names the end of the suspension.
 */
export async function assertNotSuspended(sequelize: Sequelize, instanceId: string, now: Date): Promise<void> {
  const s = await activeSuspension(sequelize, instanceId, now);
  if (s) {
    throw new AppError(409, 'PROCUREMENT_SUSPENDED',
      `采购活动已因投诉（第 ${s.complaintId} 号）暂停，至 ${s.until} 止，暂停期间不得办理 (the procurement is suspended until ${s.until})`,
      [{ path: 'instanceId', reason: `suspended until ${s.until}` }]);
  }
}

// ---- staff reports --------------------------------------------------------------------------------------------------

/** 16 characters of an unambiguous alphabet: unguessable, so the code alone shows the report and its reply. */
export function newTrackingCode(): string {
  const alphabet = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
  const bytes = crypto.randomBytes(16);
  let s = '';
  for (const b of bytes) s += alphabet[b % alphabet.length];
  return `JB-${s}`;
}

export function presentReport(r: Row) {
  return {
    trackingCode: r.get('trackingCode') as string,
    category: r.get('category') as string,
    subject: r.get('subject') as string,
    status: r.get('status') as string,
    filedAt: iso(r.get('filedAt'))!,
    reply: (r.get('reply') as string | null) ?? null,
    repliedAt: iso(r.get('repliedAt')),
  };
}
