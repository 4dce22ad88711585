/**
 * What the task view shows besides the form: the instance history with comments, adding a comment, and the BPMN
 * diagram of the instance's own deployed version with the current and the completed steps. Readable by whoever
 * may see the task (candidates, assignee, completer) or, for the instance routes, read the instance.
 */
import type { Sequelize } from 'sequelize';
import type { Clock } from '../clock.ts';
import type { EnginePort, InstanceView } from '../engine/port.ts';
import type { Task } from '../engine/task-projection.ts';
import { AppError, forbidden, notFound } from '../errors.ts';
import { addRoute, type Api } from '../http/route.ts';
import { canReadInstance } from '../instances/access.ts';
import { idParams } from '../instances/schemas.ts';
import { loadTaskFor } from './access.ts';
import { addComment, instanceHistory } from './history.ts';
import { commentBody, commentCreatedSchema, diagramSchema, historySchema, taskIdParams } from './schemas.ts';

export interface HistoryDeps {
  Task: typeof Task;
  engine: EnginePort;
  clock: Clock;
  sequelize: Sequelize;
}

/** The deployment reader is optional on the port (an adapter may not keep the XML). */
type DeploymentReader = { getDeployment?(id: string): Promise<{ xml: string } | null> };

export function registerHistoryRoutes(api: Api, deps: HistoryDeps): void {
  const { Task, engine, sequelize } = deps;

  const instanceOf = async (id: string): Promise<InstanceView> => {
    const view = await engine.getInstance(id);
    if (!view) throw notFound('流程实例 (instance)', id);
    return view;
  };
  const readableInstance = async (id: string, user: Parameters<typeof canReadInstance>[2]) => {
    const view = await instanceOf(id);
    if (!(await canReadInstance(Task, view, user))) throw forbidden(`无权查看流程实例 ${id} (not involved in this instance)`);
    return view;
  };

  const diagram = async (view: InstanceView, currentElementId: string | null) => {
    const reader = engine as unknown as DeploymentReader;
    const deployment = reader.getDeployment ? await reader.getDeployment(view.deploymentId) : null;
    if (!deployment) {
      throw new AppError(404, 'NOT_FOUND', `流程版本 ${view.deploymentId} 的模型不可用 (the deployed model is not available)`);
    }
    const active = view.activeElements.map((a) => a.elementId);
    const completed = [...new Set(view.history.filter((h) => h.event === 'completed').map((h) => h.elementId))].filter((id) => !active.includes(id));
    return {
      instanceId: view.instanceId,
      processId: view.bpmnProcessId,
      version: view.version,
      xml: deployment.xml,
      currentElementId,
      activeElementIds: active,
      completedElementIds: completed,
    };
  };

  addRoute(
    api,
    {
      method: 'get',
      path: '/api/tasks/:id/history',
      tags: ['tasks'],
      summary: '任务所在流程的办理记录与评论 (history of the task\'s instance, with comments)',
      description: '按时间排列：各环节的到达与办理（办理人、审批结论与意见），以及评论。仅能查看该任务的人 (those who can see the task)。',
      access: 'authenticated',
      params: taskIdParams,
      response: { description: '办理记录', schema: historySchema },
      errors: [404],
    },
    async ({ params, user }) => {
      const task = await loadTaskFor(Task, params.id, user);
      const view = await instanceOf(task.instanceId);
      return { instanceId: view.instanceId, items: await instanceHistory(sequelize, view) };
    },
  );

  addRoute(
    api,
    {
      method: 'get',
      path: '/api/instances/:id/history',
      tags: ['instances'],
      summary: '流程实例的办理记录与评论 (instance history with comments)',
      description: '流程管理员、监督、审计、发起人，以及该实例任一任务的候选人/处理人/办理人可查看。',
      access: 'authenticated',
      params: idParams,
      response: { description: '办理记录', schema: historySchema },
      errors: [404],
    },
    async ({ params, user }) => {
      const view = await readableInstance(params.id, user);
      return { instanceId: view.instanceId, items: await instanceHistory(sequelize, view) };
    },
  );

  addRoute(
    api,
    {
      method: 'post',
      path: '/api/tasks/:id/comments',
      tags: ['tasks'],
      summary: '对任务发表评论 (comment on a task)',
      description: '评论记入该流程实例的办理记录。候选人、处理人和办理人可评论，已办结的任务也可 (also after completion)。',
      access: 'authenticated',
      params: taskIdParams,
      body: commentBody,
      response: { status: 201, description: '已记录的评论', schema: commentCreatedSchema },
      errors: [404],
    },
    async ({ params, body, user }) => {
      const task = await loadTaskFor(Task, params.id, user);
      const at = deps.clock.now();
      await addComment(sequelize, { instanceId: task.instanceId, taskId: task.id, elementId: task.elementId, author: user.username, text: body.text, at });
      return { instanceId: task.instanceId, taskId: task.id, author: user.username, text: body.text, at: at.toISOString() };
    },
  );

  addRoute(
    api,
    {
      method: 'get',
      path: '/api/tasks/:id/diagram',
      tags: ['tasks'],
      summary: '任务所在流程的流程图 (BPMN diagram of the task\'s instance)',
      description: '该实例所用版本的 BPMN XML、当前环节、进行中与已完成的环节。仅能查看该任务的人。',
      access: 'authenticated',
      params: taskIdParams,
      response: { description: '流程图与环节状态', schema: diagramSchema },
      errors: [404],
    },
    async ({ params, user }) => {
      const task = await loadTaskFor(Task, params.id, user);
      return diagram(await instanceOf(task.instanceId), task.elementId);
    },
  );

  addRoute(
    api,
    {
      method: 'get',
      path: '/api/instances/:id/diagram',
      tags: ['instances'],
      summary: '流程实例的流程图 (BPMN diagram of an instance)',
      description: '流程管理员、监督、审计、发起人，以及该实例任一任务的候选人/处理人/办理人可查看。',
      access: 'authenticated',
      params: idParams,
      response: { description: '流程图与环节状态', schema: diagramSchema },
      errors: [404],
    },
    async ({ params, user }) => diagram(await readableInstance(params.id, user), null),
  );
}
