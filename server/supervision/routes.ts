/**
 * Supervision views (issue 8), read-only, for supervisors and auditors: every instance by state and current step,
 * overdue steps and breached legal deadlines, people who acted at more than one stage of one project, and the
 * bid-opening and evaluation records. Incidents are GET /api/incidents (server/instances).
 */
import { z } from 'zod';
import type { ComponentDeps } from '../http/component-deps.ts';
import { addRoute, type Api } from '../http/route.ts';
import { instancesByState, instancesByStep, listInstances, multiStageActors, overdue, tenderRecords } from './queries.ts';

const READERS = ['supervisor', 'auditor'] as const;
const id = z.string().trim().min(1).max(255).regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, '须为 BPMN 标识 (a BPMN id)');
const page = { limit: z.coerce.number().int().min(1).max(200).default(50), offset: z.coerce.number().int().min(0).max(1_000_000).default(0) };

const projectRef = {
  projectNumber: z.string().nullable(),
  projectName: z.string().nullable(),
  regime: z.enum(['procurement', 'works']).nullable().describe('政府采购 procurement / 工程建设项目招标 works；非项目流程为 null'),
};
const stepSchema = z.object({ elementId: z.string(), name: z.string().nullable(), elementType: z.string(), taskId: z.string().nullable(), assignee: z.string().nullable(), candidateGroups: z.array(z.string()), candidateUsers: z.array(z.string()), dueAt: z.string().nullable(), since: z.string().nullable() });
const instanceSchema = z.object({
  instanceId: z.string(), bpmnProcessId: z.string(), version: z.number().int(), businessKey: z.string().nullable(), state: z.string(), hasIncident: z.boolean(),
  startedAt: z.string(), startedBy: z.string().nullable(), endedAt: z.string().nullable(), currentSteps: z.array(stepSchema), ...projectRef,
});
const overdueSchema = z.object({
  now: z.string(),
  tasks: z.array(z.object({
    taskId: z.string(), instanceId: z.string(), bpmnProcessId: z.string(), businessKey: z.string().nullable(), elementId: z.string(), name: z.string().nullable(),
    assignee: z.string().nullable(), candidateGroups: z.array(z.string()), candidateUsers: z.array(z.string()), dueAt: z.string(), daysOverdue: z.number().int(),
    deadline: z.object({ key: z.string(), label: z.string(), legalBasis: z.string().nullable() }).nullable(), ...projectRef,
  })),
  breached: z.array(z.object({ instanceId: z.string(), key: z.string(), label: z.string(), at: z.string(), legalBasis: z.string().nullable(), step: z.string(), stepName: z.string().nullable(), ...projectRef })),
});
const multiStageSchema = z.object({
  items: z.array(z.object({ instanceId: z.string(), actor: z.string(), actorName: z.string().nullable(), isInitiator: z.boolean(), stages: z.array(z.object({ stage: z.string(), elementId: z.string(), at: z.string() })), ...projectRef })),
});
const tenderRecordSchema = z.object({
  tenderId: z.number().int(), instanceId: z.string(), round: z.number().int(), regime: z.enum(['procurement', 'works']), projectNumber: z.string(), projectName: z.string(), agencyName: z.string().nullable(), method: z.string(), status: z.string(),
  bidDeadlineAt: z.string(), openedAt: z.string().nullable(), bidCount: z.number().int().nullable().describe('开标后才有 (after the opening only)'), failureReason: z.string().nullable(), awardedAt: z.string().nullable(),
  draw: z.object({ drawId: z.number().int(), drawnAt: z.string(), panelSize: z.number().int(), algorithm: z.string(), verify: z.string() }).nullable(),
  evaluation: z.object({ evaluationId: z.number().int(), method: z.string(), scoredAt: z.string() }).nullable(),
  documents: z.array(z.object({ id: z.number().int(), templateId: z.string(), title: z.string(), latestVersion: z.number().int() })),
});

export function registerSupervisionRoutes(api: Api, deps: ComponentDeps): void {
  const sequelize = deps.db.sequelize;

  addRoute(
    api,
    {
      method: 'get',
      path: '/api/supervision/overview',
      tags: ['supervision'],
      summary: '监督总览 (instances by state and step, and what needs attention)',
      description: '各流程按状态的实例数、进行中实例按当前环节的分布（含最早开始时间），以及逾期环节、超过法定期限、故障、一人多环节的数量。',
      access: READERS,
      response: {
        description: '总览',
        schema: z.object({
          byState: z.array(z.object({ bpmnProcessId: z.string(), state: z.string(), count: z.number().int() })),
          bySteps: z.array(z.object({ bpmnProcessId: z.string(), elementId: z.string(), name: z.string().nullable(), elementType: z.string(), count: z.number().int(), oldestSince: z.string().nullable() })),
          attention: z.object({ overdueTasks: z.number().int(), breachedDeadlines: z.number().int(), openIncidents: z.number().int(), multiStageActors: z.number().int() }),
        }),
      },
    },
    async () => {
      const [byState, bySteps, late, multi, incidents] = await Promise.all([
        instancesByState(sequelize), instancesByStep(sequelize), overdue(sequelize, deps.clock.now()), multiStageActors(sequelize), deps.engine.listIncidents({ state: 'open' }),
      ]);
      return { byState, bySteps, attention: { overdueTasks: late.tasks.length, breachedDeadlines: late.breached.length, openIncidents: incidents.length, multiStageActors: multi.length } };
    },
  );

  addRoute(
    api,
    {
      method: 'get',
      path: '/api/supervision/instances',
      tags: ['supervision'],
      summary: '流程实例一览 (every instance, with its current steps)',
      description: '按流程、状态、当前环节筛选；每个实例列出项目编号与名称、当前环节、办理人或候选人、期限。',
      access: READERS,
      query: z.object({ bpmnProcessId: id.optional(), state: z.enum(['active', 'completed', 'canceled', 'terminated']).optional(), elementId: id.optional(), ...page }).strict(),
      response: { description: '实例列表', schema: z.object({ total: z.number().int(), items: z.array(instanceSchema) }) },
    },
    ({ query }) => listInstances(sequelize, query),
  );

  addRoute(
    api,
    {
      method: 'get',
      path: '/api/supervision/overdue',
      tags: ['supervision'],
      summary: '逾期环节与超过法定期限 (overdue steps and breached legal deadlines)',
      description: '逾期：待办任务已过期限（按期限先后）；超过法定期限：法定期限已过而须在期限内完成的环节仍未完成（确定中标人、答复质疑、签订合同、合同公告；工程招标：答复异议、订立合同），附法律依据。',
      access: READERS,
      response: { description: '逾期与超期', schema: overdueSchema },
    },
    async () => {
      const now = deps.clock.now();
      return { now: now.toISOString(), ...(await overdue(sequelize, now)) };
    },
  );

  addRoute(
    api,
    {
      method: 'get',
      path: '/api/supervision/multi-stage-actors',
      tags: ['supervision'],
      summary: '一人多环节 (one person at more than one stage of a project)',
      description: '同一项目中同一人办理了两个以上审批环节，或申请人自己审批。系统在办理时即拒绝（不相容岗位分离），此处用于发现历史数据或流程变更后的例外。',
      access: READERS,
      response: { description: '清单', schema: multiStageSchema },
    },
    async () => ({ items: await multiStageActors(sequelize) }),
  );

  addRoute(
    api,
    {
      method: 'get',
      path: '/api/supervision/tenders',
      tags: ['supervision'],
      summary: '开标与评审记录 (bid-opening and evaluation records)',
      description: '每个招标：截止与开标时间、开标后的投标数量、废标原因、专家抽取（可复核）、评审、开标记录表、专家抽取记录、信用查询记录、评标报告。开标前不显示投标数量。',
      access: READERS,
      query: z.object(page).strict(),
      response: { description: '记录', schema: z.object({ total: z.number().int(), items: z.array(tenderRecordSchema) }) },
    },
    ({ query }) => tenderRecords(sequelize, query.limit, query.offset),
  );
}
