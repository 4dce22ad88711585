/**
 * HTTP routes of the procurement component (CHAIN.md "HTTP"):
 *   POST /api/projects              purchaser: validate like the form and like check-application, start the
 *                                   `procurement` instance (?regime=works: `works_tender` with the form
 *                                   works-application), complete 填报采购申请 as the purchaser → 201 project
 *   GET  /api/projects              purchaser: own organisation's; agency: its assigned projects; approvers,
 *                                   supervisor, city finance, auditor, process admin: all; works supervisor: works
 *   GET  /api/projects/:id          status, current steps, deadlines with legal basis, documents, tender, ranking,
 *                                   award, contract (same access; another's project is 404)
 *   GET  /api/projects/:id/diagram  the instance's deployed model with active and completed steps
 */
import { PROJECT_DEADLINES } from './legal-deadlines.ts';
import { QueryTypes } from 'sequelize';
import { z } from 'zod';
import type { AuthUser } from '../auth/types.ts';
import { hasAnyRole } from '../auth/middleware.ts';
import type { Role } from '../auth/roles.ts';
import { businessDate } from '../calendar/deadlines.ts';
import { createDocumentService } from '../documents/service.ts';
import type { InstanceView, Variables } from '../engine/port.ts';
import { AppError, notFound, validationFailed, type ErrorDetail } from '../errors.ts';
import type { ComponentDeps } from '../http/component-deps.ts';
import { addRoute, type Api } from '../http/route.ts';
import { formFieldKeys } from '../inbox/form-fields.ts';
import { validateSubmission } from '../inbox/form-validation.ts';
import { readForm } from '../inbox/forms.ts';
import { insertCompletion, pendingCompletions, summarize } from '../inbox/history.ts';
import { startVariables } from '../instances/start-variables.ts';
import { agenciesOfUser } from '../registry/index.ts';
import { evaluationOf } from '../evaluation/index.ts';
import { tenderOfInstance } from '../tender/index.ts';
import { checkApplication } from './application.ts';
import { attachProjectListeners } from './listeners.ts';
import { PROCESS_OF_REGIME, PROJECT_STATUSES, projectRowOf, toProject, upsertProject, type ProjectRow, type Regime } from './projects.ts';

export const APPLICATION_FORM_ID = 'procurement-application';
/** The works tender's application form (processes/works-tender.bpmn, 填报招标申请). */
export const WORKS_APPLICATION_FORM_ID = 'works-application';
const FORM_OF_REGIME: Record<Regime, string> = { procurement: APPLICATION_FORM_ID, works: WORKS_APPLICATION_FORM_ID };
const REGIMES = ['procurement', 'works'] as const;
export const FILL_APPLICATION_ELEMENT = 'fill_application';

/** The application variables of CHAIN.md part A (accepted even while the form file lags behind the contract). */
export const APPLICATION_KEYS = [
  'projectName', 'categoryCode', 'procurementType', 'method', 'budgetYuan', 'maxPriceYuan', 'fundingSource', 'organisationForm',
  'importedProducts', 'smeReserved', 'deliveryDate', 'deliveryPlace', 'description', 'agencyId', 'items',
] as const;

/** Roles that see every project. */
export const PROJECT_READERS_ALL: readonly Role[] = ['dept_approver', 'finance_section', 'supervisor', 'city_finance', 'auditor', 'process_admin'];
/** The works supervisor (住建局) reads works tenders only. */
export const PROJECT_READERS: readonly Role[] = ['purchaser', 'agency', ...PROJECT_READERS_ALL, 'works_supervisor'];

const applicationBody = z.record(z.string(), z.unknown()).describe('采购申请（与表单 procurement-application 相同的字段）(the application variables)');
const listQuery = z.object({
  q: z.string().trim().max(100).optional(),
  status: z.enum(PROJECT_STATUSES).optional(),
  regime: z.enum(REGIMES).optional().describe('procurement 政府采购 | works 工程建设项目招标'),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
const createQuery = z.object({ regime: z.enum(REGIMES).default('procurement').describe('procurement：政府采购（procurement.bpmn）；works：工程建设项目招标（works-tender.bpmn）') }).strict();
const idParams = z.object({ id: z.coerce.number().int().min(1).max(2_147_483_647) }).strict();

const deadlineSchema = z.object({ key: z.string(), label: z.string(), at: z.string(), legalBasis: z.string().nullable(), overdue: z.boolean() });
const stepSchema = z.object({
  elementId: z.string(), name: z.string().nullable(), taskId: z.string().nullable(), assignee: z.string().nullable(),
  candidateGroups: z.array(z.string()), candidateUsers: z.array(z.string()), dueAt: z.string().nullable(),
});
const projectRowSchema = z.object({
  id: z.number().int(), instanceId: z.string(), projectNumber: z.string().nullable(), projectName: z.string().nullable(),
  purchaserOrgId: z.number().nullable(), purchaserName: z.string().nullable(), initiator: z.string(), agencyId: z.number().nullable(),
  agencyName: z.string().nullable(), method: z.string().nullable(), budgetFen: z.number().nullable(), maxPriceFen: z.number().nullable(),
  status: z.enum(PROJECT_STATUSES), regime: z.enum(REGIMES), createdAt: z.string(), updatedAt: z.string(), endedAt: z.string().nullable(),
});
const projectDetailSchema = projectRowSchema.extend({
  currentSteps: z.array(stepSchema),
  deadlines: z.array(deadlineSchema),
  documents: z.array(z.object({ id: z.number(), title: z.string(), templateId: z.string(), latestVersion: z.number(), updatedAt: z.string() })),
  tender: z.record(z.string(), z.unknown()).nullable(),
  ranking: z.array(z.record(z.string(), z.unknown())).nullable(),
  award: z.record(z.string(), z.unknown()).nullable(),
  contract: z.record(z.string(), z.unknown()).nullable(),
  acceptance: z.record(z.string(), z.unknown()).nullable(),
  archive: z.record(z.string(), z.unknown()).nullable(),
  applicationProblems: z.array(z.object({ path: z.string(), reason: z.string() })),
}).passthrough();
const diagramSchema = z.object({
  instanceId: z.string(), processId: z.string(), version: z.number().int(), xml: z.string(), currentElementId: z.string().nullable(),
  activeElementIds: z.array(z.string()), completedElementIds: z.array(z.string()),
});


const stripPrefix = (d: ErrorDetail): ErrorDetail => ({ path: d.path.replace(/^variables\./, ''), reason: d.reason });
const noJobKey = (o: Record<string, unknown> | null) => {
  if (!o) return null;
  const { jobKey: _k, ...rest } = o;
  return rest;
};

export function registerProjectRoutes(api: Api, deps: ComponentDeps): void {
  const { db, engine, clock, config, logger, Task } = deps;
  const sequelize = db.sequelize;
  attachProjectListeners(engine, sequelize);
  const documents = createDocumentService({ db, clock });

  /** The SQL condition limiting projects to what the user may see (null: everything). */
  async function scopeOf(user: AuthUser): Promise<{ sql: string; replacements: Record<string, unknown> } | null> {
    if (hasAnyRole(user, PROJECT_READERS_ALL)) return null;
    const parts: string[] = [];
    const replacements: Record<string, unknown> = { username: user.username };
    parts.push('initiator = :username');
    if (user.roles.includes('works_supervisor')) parts.push("regime = 'works'");
    if (user.roles.includes('purchaser') && user.organisation) {
      parts.push('purchaser_org_id = :orgId');
      replacements.orgId = user.organisation.id;
    }
    if (user.roles.includes('agency')) {
      const agencies = await agenciesOfUser(sequelize, user.id);
      if (agencies.length) {
        parts.push(`agency_id IN (${agencies.map((_, i) => `:agency${i}`).join(', ')})`);
        agencies.forEach((a, i) => (replacements[`agency${i}`] = a.id));
      }
    }
    return { sql: `(${parts.join(' OR ')})`, replacements };
  }

  async function loadProject(id: number, user: AuthUser): Promise<ProjectRow> {
    const scope = await scopeOf(user);
    const [row] = await sequelize.query<Record<string, unknown>>(`SELECT * FROM projects WHERE id = :id${scope ? ` AND ${scope.sql}` : ''}`, {
      replacements: { id, ...(scope?.replacements ?? {}) },
      type: QueryTypes.SELECT,
    });
    // Someone else's project is as unknown as a missing one (no probing of ids).
    if (!row) throw notFound('采购项目 (project)', String(id));
    return toProject(row);
  }

  /** The list row: the project without the recorded award, contract, acceptance and archive (the detail shows them). */
  const present = ({ award: _a, contract: _c, acceptance: _ac, archive: _ar, retentionUntil: _r, ...rest }: ProjectRow) => rest;

  addRoute(
    api,
    {
      method: 'post',
      path: '/api/projects',
      tags: ['projects'],
      summary: '新建采购项目：提交采购申请并发起流程 (create a project: file the application and start its process)',
      description:
        '请求体即采购申请表单（procurement-application）的字段。先按表单规则和申请检查（品目、商品库、数量、金额合计不超过预算、最高限价、代理机构）校验，' +
        '有问题时 422 逐项列出，不发起流程；通过后发起 procurement 流程并以当前采购人身份办理“填报采购申请”。201 返回项目（含生成的项目编号）。' +
        'regime=works：工程建设项目招标，请求体为表单 works-application 的字段，发起 works_tender 流程并办理“填报招标申请”。' +
        ' (validated like the form and like check-application; 422 names every field and nothing starts)',
      access: ['purchaser'],
      query: createQuery,
      body: applicationBody,
      response: { status: 201, description: '新建的项目', schema: projectDetailSchema },
      errors: [],
    },
    async ({ body, user, query }) => {
      const regime: Regime = query.regime;
      const formId = FORM_OF_REGIME[regime];
      const form = await readForm(config.formsDir, formId, logger);
      if (!form) throw new AppError(503, 'FORM_UNAVAILABLE', `申请表单 ${formId} 不可用 (the application form is unavailable)`);
      const allowed = new Set<string>([...formFieldKeys(form), ...(regime === 'procurement' ? APPLICATION_KEYS : [])]);
      const unknown = Object.keys(body).filter((k) => !allowed.has(k));
      if (unknown.length) {
        throw validationFailed(`申请中没有这些字段 (not fields of the application): ${unknown.join(', ')}`, unknown.map((k) => ({ path: k, reason: `not a field of form ${formId}` })));
      }
      const started = await startVariables({}, { username: user.username, now: clock.now(), organisation: user.organisation, sequelize });
      // regime tells the shared workers which law applies (works: 招标投标法); not a form field, not client-settable.
      const base = regime === 'works' ? { ...started, regime: 'works' } : started;
      const checked = validateSubmission(form, body, { variables: base, today: businessDate(clock.now()) });
      const application = await checkApplication(sequelize, { ...base, ...checked.variables });
      const details = [...checked.errors.map(stripPrefix)];
      for (const p of application.problems) if (!details.some((d) => d.path === p.path && d.reason === p.reason)) details.push(p);
      if (details.length) throw validationFailed(`采购申请未通过校验：${details.length} 处需要修改 (the application is invalid)`, details);

      const ref = await engine.startInstance({ bpmnProcessId: PROCESS_OF_REGIME[regime], variables: base, startedBy: user.username });
      try {
        await upsertProject(sequelize, { instanceId: ref.instanceId, initiator: user.username, variables: base, state: null, active: null, at: clock.now(), regime });
        const task = await openTask(ref.instanceId);
        const submission = { summary: summarize(form, checked.variables), values: checked.variables };
        pendingCompletions.set(task.id, submission);
        try {
          await engine.completeUserTask({ taskId: task.id, variables: checked.variables, actor: user.username });
          if (pendingCompletions.get(task.id) === submission) {
            await insertCompletion(sequelize, ref.instanceId, task.id, task.elementId, user.username, submission, clock.now());
          }
        } finally {
          if (pendingCompletions.get(task.id) === submission) pendingCompletions.delete(task.id);
        }
      } catch (err) {
        // The application was valid but the process could not take it: leave no half-started project behind.
        await engine.cancelInstance(ref.instanceId, user.username).catch(() => undefined);
        throw err;
      }
      const row = await projectRowOf(sequelize, ref.instanceId);
      if (!row) throw new AppError(500, 'INTERNAL', 'project row missing');
      return detail(row);
    },
  );

  /** The instance's open 填报采购申请 task (Zeebe projects it a moment after the start). */
  async function openTask(instanceId: string) {
    const until = Date.now() + 10_000;
    for (;;) {
      const t = await Task.findOne({ where: { instanceId, elementId: FILL_APPLICATION_ELEMENT, state: 'created' } });
      if (t) return t;
      if (Date.now() > until) throw new AppError(503, 'ENGINE_UNAVAILABLE', '流程未生成“填报采购申请”任务 (the process did not open fill_application)');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  addRoute(
    api,
    {
      method: 'get',
      path: '/api/projects',
      tags: ['projects'],
      summary: '采购项目列表 (projects)',
      description: '采购人：本单位的项目；代理机构：委托本机构的项目；审批、监督、市财政、审计、流程管理员：全部；行业主管部门（works_supervisor）：工程建设项目招标。q 按项目编号或名称搜索，status 按状态筛选，regime 按政府采购（procurement）或工程招标（works）筛选。',
      access: PROJECT_READERS,
      query: listQuery,
      response: { description: '项目列表', schema: z.object({ items: z.array(projectRowSchema), total: z.number().int(), offset: z.number().int(), limit: z.number().int() }) },
    },
    async ({ query, user }) => {
      const scope = await scopeOf(user);
      const where: string[] = [];
      const r: Record<string, unknown> = { ...(scope?.replacements ?? {}), limit: query.limit, offset: query.offset };
      if (scope) where.push(scope.sql);
      if (query.status) (where.push('status = :status'), (r.status = query.status));
      if (query.regime) (where.push('regime = :regime'), (r.regime = query.regime));
      if (query.q) {
        where.push('(INSTR(LOWER(COALESCE(project_number, \'\')), :q) > 0 OR INSTR(LOWER(COALESCE(name, \'\')), :q) > 0)');
        r.q = query.q.toLowerCase();
      }
      const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
      const rows = await sequelize.query<Record<string, unknown>>(`SELECT * FROM projects ${w} ORDER BY created_at DESC, id DESC LIMIT :limit OFFSET :offset`, { replacements: r, type: QueryTypes.SELECT });
      const [count] = await sequelize.query<{ n: number }>(`SELECT COUNT(*) AS n FROM projects ${w}`, { replacements: r, type: QueryTypes.SELECT });
      return { items: rows.map((x) => present(toProject(x))), total: Number(count?.n ?? 0), offset: query.offset, limit: query.limit };
    },
  );

  async function detail(p: ProjectRow) {
    const view = await engine.getInstance(p.instanceId);
    const v: Variables = view?.variables ?? {};
    const open = await Task.findAll({ where: { instanceId: p.instanceId, state: 'created' }, order: [['createdAt', 'ASC']] });
    const now = clock.now();
    type Step = { elementId: string; name: string | null; taskId: string | null; assignee: string | null; candidateGroups: string[]; candidateUsers: string[]; dueAt: string | null };
    const currentSteps: Step[] = open.map((t) => ({
      elementId: t.elementId, name: t.name, taskId: t.id, assignee: t.assignee, candidateGroups: t.groups(), candidateUsers: t.users(), dueAt: t.dueAt ? t.dueAt.toISOString() : null,
    }));
    for (const a of view?.activeElements ?? []) {
      if (!currentSteps.some((s) => s.elementId === a.elementId)) currentSteps.push({ elementId: a.elementId, name: a.name, taskId: null, assignee: null, candidateGroups: [], candidateUsers: [], dueAt: null });
    }
    const deadlines = PROJECT_DEADLINES.flatMap((d) => {
      const at = v[d.at];
      if (typeof at !== 'string' || Number.isNaN(Date.parse(at))) return [];
      const basis = d.basis(v);
      return [{ key: d.key, label: d.label, at, legalBasis: typeof basis === 'string' && basis ? basis : null, overdue: Date.parse(at) < now.getTime() }];
    });
    const docs = (await documents.listDocuments({ instanceId: p.instanceId, limit: 200, offset: 0 })).map((d) => ({ id: d.id, title: d.title, templateId: d.templateId, latestVersion: d.latestVersion, updatedAt: d.updatedAt }));
    const tenderId = typeof v.tenderId === 'number' ? v.tenderId : null;
    let tender: Record<string, unknown> | null = await tenderOfInstance(undefined, p.instanceId, sequelize).catch(() => null);
    if (!tender && tenderId !== null) {
      tender = { tenderId, round: v.tenderRound ?? null, bidDeadlineAt: v.bidDeadlineAt ?? null, bidDeadlineBasis: v.bidDeadlineBasis ?? null, publishedAt: v.publishedAt ?? null, minBids: v.minBids ?? null, bidCount: v.bidCount ?? null };
    }
    let ranking: Record<string, unknown>[] | null = null;
    const evaluatedTender = typeof tender?.tenderId === 'number' ? tender.tenderId : tenderId;
    if (evaluatedTender !== null) ranking = (await evaluationOf(undefined, evaluatedTender, { sequelize }).catch(() => null))?.ranking ?? null;
    if (!ranking && Array.isArray(v.ranking)) ranking = v.ranking as Record<string, unknown>[];
    const application = Object.fromEntries(
      ['categoryCode', 'procurementType', 'fundingSource', 'organisationForm', 'smeReserved', 'importedProducts', 'deliveryDate', 'deliveryPlace', 'description', 'projectApprovalNo', 'stateFunded', 'plannedPeriodDays', 'qualificationRequirement'].filter((k) => v[k] !== undefined && v[k] !== null).map((k) => [k, v[k]]),
    );
    return {
      ...present(p),
      ...application,
      items: Array.isArray(v.itemsFen) ? v.itemsFen : Array.isArray(v.items) ? v.items : [],
      currentSteps,
      deadlines,
      documents: docs,
      tender,
      ranking,
      award: noJobKey(p.award) ?? (v.award && typeof v.award === 'object' ? (v.award as Record<string, unknown>) : null),
      awardedAt: typeof v.awardedAt === 'string' ? v.awardedAt : (p.award?.awardedAt as string | undefined) ?? null,
      challengeDeadlineAt: typeof v.challengeDeadlineAt === 'string' ? v.challengeDeadlineAt : null,
      contractDeadlineAt: typeof v.contractDeadlineAt === 'string' ? v.contractDeadlineAt : null,
      contract: p.contract ?? (v.contract && typeof v.contract === 'object' ? (v.contract as Record<string, unknown>) : null),
      acceptance: p.acceptance,
      archive: noJobKey(p.archive),
      retentionUntil: p.retentionUntil,
      applicationProblems: Array.isArray(v.applicationProblems) ? (v.applicationProblems as ErrorDetail[]) : [],
    };
  }

  addRoute(
    api,
    {
      method: 'get',
      path: '/api/projects/:id',
      tags: ['projects'],
      summary: '采购项目详情 (project detail)',
      description: '状态、当前环节与待办、法定期限及依据、文书、招标概况、评审排名（评审后）、中标、合同。访问范围同列表；无权查看的项目 404。',
      access: PROJECT_READERS,
      params: idParams,
      response: { description: '项目详情', schema: projectDetailSchema },
      errors: [404],
    },
    async ({ params, user }) => detail(await loadProject(params.id, user)),
  );

  addRoute(
    api,
    {
      method: 'get',
      path: '/api/projects/:id/diagram',
      tags: ['projects'],
      summary: '采购项目流程图：当前环节与已完成环节 (the project\'s process diagram)',
      description: '与 /api/instances/:id/diagram 相同的结构：实例所部署版本的 XML、当前环节和已完成环节。访问范围同项目详情。',
      access: PROJECT_READERS,
      params: idParams,
      response: { description: '流程图', schema: diagramSchema },
      errors: [404],
    },
    async ({ params, user }) => {
      const p = await loadProject(params.id, user);
      const view: InstanceView | null = await engine.getInstance(p.instanceId);
      if (!view) throw notFound('流程实例 (instance)', p.instanceId);
      const deployment = engine.getDeployment ? await engine.getDeployment(view.deploymentId) : null;
      if (!deployment) throw new AppError(404, 'NOT_FOUND', `流程版本 ${view.deploymentId} 的模型不可用 (the deployed model is not available)`);
      const active = view.activeElements.map((a) => a.elementId);
      const completed = [...new Set(view.history.filter((h) => h.event === 'completed').map((h) => h.elementId))].filter((id) => !active.includes(id));
      return { instanceId: view.instanceId, processId: view.bpmnProcessId, version: view.version, xml: deployment.xml, currentElementId: null, activeElementIds: active, completedElementIds: completed };
    },
  );

}
