/**
 * Complaints (投诉) and the public 投诉举报 channel. Filing checks who and when (only the challenger, within T15 of
 * the reply or of the end of the reply period) and starts the `complaint` / `staff-report` process; everything
 * after that is the model's (processes/complaint.bpmn, processes/staff-report.bpmn).
 */
import { z } from 'zod';
import { Op, QueryTypes } from 'sequelize';
import type { AuthUser } from '../auth/types.ts';
import type { Api } from '../http/route.ts';
import { addRoute } from '../http/route.ts';
import type { ComponentDeps } from '../http/component-deps.ts';
import { createCalendarService } from '../calendar/service.ts';
import { AppError, forbidden, notFound } from '../errors.ts';
import {
  challengeFacts, complaintAnchor, complaintModels, isOverseer, maySee, newTrackingCode, outOfTime, presentComplaint, presentReport,
} from './service.ts';
import { appendAudit } from '../audit/index.ts';

const loose = z.record(z.string(), z.unknown());
const idParams = z.object({ id: z.coerce.number().int().positive() });
const itemSchema = z.object({
  item: z.string().trim().min(2).max(200).describe('投诉事项'),
  request: z.string().trim().min(1).max(2000).describe('请求'),
  facts: z.string().trim().min(1).max(5000).describe('事实依据'),
  law: z.string().trim().min(1).max(2000).describe('法律依据'),
}).strict();
const REPORT_CATEGORIES = ['工作作风', '违规操作', '泄露信息', '索贿受贿', '其他'] as const;
/** Deadlines the complaint's steps carry (instance variables set by compute-deadline), shown with their legal basis. */
const DEADLINE_VARIABLES = ['reviewDeadline', 'explanationDeadline', 'decisionDeadline', 'suspensionEnd'];

export function registerComplaintRoutes(api: Api, deps: ComponentDeps): void {
  const { db, engine, clock, logger } = deps;
  const calendar = createCalendarService(db, clock);
  const models = () => complaintModels(db.sequelize);
  /** The works tenders, for a works supervisor (who sees their complaints); undefined for anyone else. */
  const worksTenders = async (user: AuthUser): Promise<Set<number> | undefined> => {
    if (!user.roles.includes('works_supervisor')) return undefined;
    const rows = await db.sequelize.query<{ id: number }>("SELECT id FROM tenders WHERE regime = 'works'", { type: QueryTypes.SELECT });
    return new Set(rows.map((r) => Number(r.id)));
  };

  addRoute(api, {
    method: 'post', path: '/api/complaints', tags: ['complaints'], summary: '提出投诉 (file a complaint)',
    description: '只有提出该质疑的供应商，在质疑答复之日（未答复的，答复期满之日）起15个工作日内（T15，政府采购法第55条，财政部令第94号第17条）；' +
      '逾期 422 COMPLAINT_OUT_OF_TIME 并写明期限。保存后启动流程 complaint（政府采购投诉处理），投诉书作为文书存档。',
    access: ['supplier'],
    body: z.object({
      challengeId: z.number().int().positive().describe('所针对的质疑'),
      items: z.array(itemSchema).min(1).max(20),
      requests: z.string().trim().max(2000).optional().describe('投诉请求（总）'),
    }).strict(),
    response: { status: 201, description: '已提交', schema: loose }, errors: [404, 409],
  }, async ({ body, user }) => {
    const now = clock.now();
    const facts = await challengeFacts(db, body.challengeId);
    if (!facts) throw notFound('质疑 (challenge)', String(body.challengeId));
    if (!user.organisation || user.organisation.id !== facts.organisationId) {
      throw new AppError(403, 'NOT_CHALLENGER', '只有提出该质疑的供应商可以就其投诉 (only the supplier that filed the challenge may complain)');
    }
    const anchor = complaintAnchor(facts, now);
    if (!anchor) throw new AppError(409, 'CHALLENGE_PENDING', `质疑答复期尚未届满（${facts.replyDueAt.toISOString()}），请等待答复 (the reply period has not ended)`);
    // Works (招标投标法实施条例第六十条): within 10 days of knowing (W5: from the objection's answer, or the end of its
    // 3-day reply period), to the industry supervisor; the objection came first.
    const works = facts.regime === 'works';
    const deadline = await calendar.deadline(works ? 'W5' : 'T15', anchor);
    if (now.getTime() > new Date(deadline.dueAt).getTime()) throw outOfTime(deadline);
    const procurement = await engine.getInstance(facts.instanceId);
    const initiator = typeof procurement?.variables.initiator === 'string' ? procurement.variables.initiator : null;
    const respondentUsers = [...new Set([...(initiator ? [initiator] : []), ...facts.agencyUsers])];
    const { Complaint } = models();
    const created = await db.withTransaction(async (tx) => {
      const open = await Complaint.findOne({ where: { challengeId: facts.challengeId, status: { [Op.notIn]: ['rejected', 'decided'] } }, transaction: tx });
      if (open) throw new AppError(409, 'COMPLAINT_EXISTS', `该质疑已有正在处理的投诉（第 ${String(open.get('id'))} 号） (a complaint about this challenge is being handled)`);
      const c = await Complaint.create({
        instanceId: null, challengeId: facts.challengeId, tenderId: facts.tenderId, procurementInstanceId: facts.instanceId,
        projectNumber: facts.projectNumber, projectName: facts.projectName, purchaserName: facts.purchaserName, agencyName: facts.agencyName,
        agencyUsers: JSON.stringify(facts.agencyUsers), complainant: user.username, complainantOrgId: user.organisation!.id,
        complainantName: user.organisation!.name, itemsJson: JSON.stringify(body.items), requests: body.requests ?? null,
        deadlineJson: JSON.stringify(deadline), status: 'filed', filedAt: now, updatedAt: now,
      }, { transaction: tx });
      await appendAudit(tx, {
        at: now, actor: user.username, roles: user.roles, action: 'complaint.filed', objectType: 'complaint', objectId: String(c.get('id')),
        summary: { after: { challengeId: facts.challengeId, tenderId: facts.tenderId, items: body.items.length } },
      });
      return c;
    });
    const complaintId = created.get('id') as number;
    try {
      const ref = await engine.startInstance({
        bpmnProcessId: works ? 'works_complaint' : 'complaint', startedBy: user.username, businessKey: `complaint-${complaintId}`,
        variables: {
          complaintId, complainant: user.username, respondentUsers, tenderKey: String(facts.tenderId), procurementInstanceId: facts.instanceId,
          projectNumber: facts.projectNumber, projectName: facts.projectName, ...(works ? { regime: 'works' } : {}),
        },
      });
      await created.update({ instanceId: ref.instanceId });
    } catch (err) {
      logger.error({ err, complaintId }, 'complaint process not started');
      await created.update({ status: 'rejected', updatedAt: clock.now() });
      throw new AppError(503, 'ENGINE_UNAVAILABLE', `投诉未能进入处理流程，请稍后重试 (complaint process not started)`);
    }
    return presentComplaint(created);
  });

  addRoute(api, {
    method: 'get', path: '/api/complaints', tags: ['complaints'], summary: '投诉列表 (complaints)',
    description: '供应商：本单位的投诉；采购人、代理机构：本项目的投诉；监督、财政、审计：全部。',
    access: ['supplier', 'purchaser', 'agency', 'supervisor', 'auditor', 'finance_section', 'works_supervisor'],
    response: { description: '投诉', schema: z.object({ complaints: z.array(loose) }) },
  }, async ({ user }) => {
    const rows = await models().Complaint.findAll({ order: [['id', 'DESC']], limit: 500 });
    const works = await worksTenders(user);
    return { complaints: rows.filter((c) => maySee(user, c, works)).map((c) => presentComplaint(c)) };
  });

  addRoute(api, {
    method: 'get', path: '/api/complaints/:id', tags: ['complaints'], summary: '投诉详情 (one complaint)',
    description: '状态、当前环节、各环节期限及法律依据、暂停记录、处理决定；文书见 GET /api/documents?instanceId=。',
    access: ['supplier', 'purchaser', 'agency', 'supervisor', 'auditor', 'finance_section', 'works_supervisor'], params: idParams,
    response: { description: '投诉', schema: loose }, errors: [404],
  }, async ({ params, user }) => {
    const c = await models().Complaint.findByPk(params.id);
    if (!c || !maySee(user, c, await worksTenders(user))) throw notFound('投诉 (complaint)', String(params.id));
    const suspensions = await models().Suspension.findAll({ where: { complaintId: params.id }, order: [['id', 'ASC']] });
    const inst = c.get('instanceId') ? await engine.getInstance(String(c.get('instanceId'))) : null;
    const deadlines: unknown[] = [{ step: 'complaintDeadline', ...JSON.parse(String(c.get('deadlineJson'))) }];
    for (const v of DEADLINE_VARIABLES) {
      const d = inst?.variables[v];
      if (d && typeof d === 'object') deadlines.push({ step: v, ...(d as object) });
    }
    return {
      ...presentComplaint(c, suspensions),
      deadlines,
      activeSteps: (inst?.activeElements ?? []).filter((a) => a.elementType === 'bpmn:UserTask').map((a) => ({ elementId: a.elementId, name: a.name })),
      processState: inst?.state ?? null,
    };
  });

  // ---- public 投诉举报 ------------------------------------------------------------------------------------------

  const recent = new Map<string, number[]>();
  const LIMIT = 5;
  const WINDOW_MS = 3_600_000;
  addRoute(api, {
    method: 'post', path: '/api/reports', tags: ['reports'], summary: '投诉举报（交易中心工作人员） (report about staff)',
    description: '无需登录。每个来源地址每小时最多 5 件（超过 429 RATE_LIMITED）；事实 ≤ 5000 字。返回查询码，凭查询码查看办理状态和答复。由监督部门办理（流程 staff-report）。',
    access: 'public',
    body: z.object({
      category: z.enum(REPORT_CATEGORIES),
      subject: z.string().trim().min(2).max(200),
      facts: z.string().trim().min(10).max(5000),
      contact: z.string().trim().max(200).optional(),
    }).strict(),
    response: { status: 201, description: '已受理', schema: z.object({ trackingCode: z.string(), status: z.string(), filedAt: z.string() }) }, errors: [429],
  }, async ({ body, req }) => {
    const now = clock.now();
    const key = req.ip ?? 'unknown';
    const times = (recent.get(key) ?? []).filter((t) => now.getTime() - t < WINDOW_MS);
    if (times.length >= LIMIT) throw new AppError(429, 'RATE_LIMITED', '提交过于频繁，请一小时后再试 (too many reports from this address; try again in an hour)');
    times.push(now.getTime());
    recent.set(key, times);
    const { StaffReport } = models();
    const trackingCode = newTrackingCode();
    const r = await db.withTransaction(async (tx) => {
      const row = await StaffReport.create({
        trackingCode, instanceId: null, category: body.category, subject: body.subject, facts: body.facts, contact: body.contact ?? null, status: 'received', filedAt: now,
      }, { transaction: tx });
      await appendAudit(tx, { at: now, actor: null, action: 'report.filed', objectType: 'report', objectId: String(row.get('id')), summary: { after: { category: body.category } } });
      return row;
    });
    try {
      const ref = await engine.startInstance({
        bpmnProcessId: 'staff-report', startedBy: null, businessKey: trackingCode,
        variables: { trackingCode, category: body.category, subject: body.subject, facts: body.facts },
      });
      await r.update({ instanceId: ref.instanceId });
    } catch (err) {
      logger.error({ err, trackingCode }, 'staff-report process not started');
    }
    return { trackingCode, status: 'received', filedAt: now.toISOString() };
  });

  addRoute(api, {
    method: 'get', path: '/api/reports/:trackingCode', tags: ['reports'], summary: '凭查询码查看举报 (report by tracking code)',
    description: '无需登录：只显示类别、事由、状态和答复（不显示事实和联系方式）。',
    access: 'public', params: z.object({ trackingCode: z.string().trim().regex(/^JB-[A-Z0-9]{16}$/) }),
    response: { description: '举报', schema: loose }, errors: [404],
  }, async ({ params }) => {
    const r = await models().StaffReport.findOne({ where: { trackingCode: params.trackingCode } });
    if (!r) throw notFound('举报 (report)', params.trackingCode);
    return presentReport(r);
  });

  addRoute(api, {
    method: 'get', path: '/api/reports', tags: ['reports'], summary: '投诉举报列表 (reports, supervision)',
    description: '监督、审计：全部举报及事实、联系方式。',
    access: ['supervisor', 'auditor'],
    response: { description: '举报', schema: z.object({ reports: z.array(loose) }) },
  }, async ({ user }) => {
    if (!isOverseer(user)) throw forbidden('仅监督与审计 (supervision only)');
    const rows = await models().StaffReport.findAll({ order: [['id', 'DESC']], limit: 500 });
    return { reports: rows.map((r) => ({ ...presentReport(r), facts: r.get('facts'), contact: r.get('contact') ?? null, instanceId: r.get('instanceId') ?? null })) };
  });
}
