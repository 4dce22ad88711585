/**
 * Process instances, incidents and messages. Every change goes through the engine port; its AppErrors
 * (404 unknown process/instance/incident, 409 wrong state, 422 model or variable problems) pass through.
 */
import { startVariables } from './start-variables.ts';
import type { Clock } from '../clock.ts';
import type { EnginePort } from '../engine/port.ts';
import type { Task } from '../engine/task-projection.ts';
import { forbidden, notFound } from '../errors.ts';
import { addRoute, type Api } from '../http/route.ts';
import { emptyBody } from '../http/validate.ts';
import { canReadInstance } from './access.ts';
import {
  idParams, incidentListSchema, incidentsQuery, instanceRefSchema, instanceViewSchema, messageBody, processParams,
  publishResultSchema, retryBody, retryResultSchema, startBody,
} from './schemas.ts';

export interface InstanceDeps {
  Task: typeof Task;
  engine: EnginePort;
  clock: Clock;
}

export function registerInstanceRoutes(api: Api, deps: InstanceDeps): void {
  const { engine, Task } = deps;

  addRoute(
    api,
    {
      method: 'post',
      path: '/api/processes/:bpmnProcessId/instances',
      tags: ['instances'],
      summary: '发起流程实例 (start a process instance)',
      description: '变量 initiator（当前用户）与 cityApprovalThresholdFen（当日有效的公开招标数额标准）由服务端设置，客户端提交这些变量将被拒绝 (422)。未部署的流程 404。',
      access: ['purchaser', 'process_admin'],
      params: processParams,
      body: startBody,
      response: { status: 201, description: '已发起的实例', schema: instanceRefSchema },
      errors: [404],
    },
    async ({ params, body, user }) =>
      engine.startInstance({
        bpmnProcessId: params.bpmnProcessId,
        version: body.version,
        businessKey: body.businessKey ?? null,
        variables: await startVariables(body.variables ?? {}, { username: user.username, now: deps.clock.now(), organisation: user.organisation, sequelize: Task.sequelize! }),
        startedBy: user.username,
      }),
  );

  addRoute(
    api,
    {
      method: 'get',
      path: '/api/instances/:id',
      tags: ['instances'],
      summary: '流程实例详情 (instance view)',
      description: '流程管理员、监督、审计、发起人，以及该实例任一任务的候选人/处理人/办理人可查看。',
      access: 'authenticated',
      params: idParams,
      response: { description: '实例、变量、历史与故障', schema: instanceViewSchema },
      errors: [404],
    },
    async ({ params, user }) => {
      const view = await engine.getInstance(params.id);
      if (!view) throw notFound('流程实例 (instance)', params.id);
      if (!(await canReadInstance(Task, view, user))) {
        throw forbidden(`无权查看流程实例 ${params.id} (not involved in this instance)`);
      }
      return view;
    },
  );

  addRoute(
    api,
    {
      method: 'post',
      path: '/api/instances/:id/cancel',
      tags: ['instances'],
      summary: '撤销流程实例 (cancel an instance)',
      access: ['process_admin', 'supervisor'],
      params: idParams,
      body: emptyBody,
      response: { description: '撤销后的实例', schema: instanceViewSchema },
      errors: [404, 409],
    },
    async ({ params, user }) => {
      await engine.cancelInstance(params.id, user.username);
      const view = await engine.getInstance(params.id);
      if (!view) throw notFound('流程实例 (instance)', params.id);
      return view;
    },
  );

  addRoute(
    api,
    {
      method: 'get',
      path: '/api/incidents',
      tags: ['incidents'],
      summary: '流程故障列表 (incidents)',
      access: ['process_admin', 'supervisor', 'auditor'],
      query: incidentsQuery,
      response: { description: '故障列表（最多 1000 条，新的在前）', schema: incidentListSchema },
    },
    async ({ query }) => ({ items: await engine.listIncidents({ state: query.state, instanceId: query.instanceId }) }),
  );

  addRoute(
    api,
    {
      method: 'post',
      path: '/api/incidents/:id/retry',
      tags: ['incidents'],
      summary: '重试故障 (retry an incident)',
      access: ['process_admin'],
      params: idParams,
      body: retryBody,
      response: { description: '已重试', schema: retryResultSchema },
      errors: [404, 409],
    },
    async ({ params, body, user }) => {
      await engine.retryIncident(params.id, body.retries ?? 1, user.username);
      return { incidentId: params.id, retried: true as const };
    },
  );

  addRoute(
    api,
    {
      method: 'post',
      path: '/api/messages',
      tags: ['messages'],
      summary: '发布消息 (publish a message)',
      description: '按 name + correlationKey 投递给等待的实例；timeToLiveMs>0 时无人等待则缓存。messageId 重复 409。',
      access: ['process_admin', 'supervisor'],
      body: messageBody,
      response: { description: '投递结果', schema: publishResultSchema },
      errors: [409],
    },
    ({ body }) =>
      engine.publishMessage({
        name: body.name,
        correlationKey: body.correlationKey,
        variables: body.variables,
        timeToLiveMs: body.timeToLiveMs,
        messageId: body.messageId ?? null,
      }),
  );
}
