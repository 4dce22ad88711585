/**
 * The task API (inbox). Reads come from the `tasks` projection; every change goes through the engine port,
 * which re-checks state atomically (a lost race surfaces as its 409).
 */
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { EnginePort } from '../engine/port.ts';
import type { Task } from '../engine/task-projection.ts';
import { AppError } from '../errors.ts';
import { addRoute, type Api } from '../http/route.ts';
import { emptyBody } from '../http/validate.ts';
import type { Logger } from '../logger.ts';
import { assertOpen, claimedByOther, loadTaskFor } from './access.ts';
import { assertFormVariables } from './form-fields.ts';
import { readForm } from './forms.ts';
import { parseHeaders, presentTask } from './present.ts';
import { listTasks } from './query.ts';
import { completeBody, listTasksQuery, taskDetailSchema, taskIdParams, taskItemSchema, taskPageSchema } from './schemas.ts';

export interface InboxDeps {
  Task: typeof Task;
  engine: EnginePort;
  clock: Clock;
  config: Pick<Config, 'formsDir'>;
  logger: Logger;
}

export function registerInboxRoutes(api: Api, deps: InboxDeps): void {
  const { Task, engine, clock } = deps;
  const reloadItem = async (id: string) => presentTask((await Task.findByPk(id))!, clock.now());

  addRoute(
    api,
    {
      method: 'get',
      path: '/api/tasks',
      tags: ['tasks'],
      summary: '待办/已办任务列表 (task list)',
      description:
        'scope: mine=我签收的待办; groups=我的角色或我本人是候选人的待办; completed=我办理完成的; all=mine+groups（默认）。' +
        'dueAfter 含、dueBefore 不含 (dueAfter inclusive, dueBefore exclusive)。默认排序：待办按到期时间升序，已办按完成时间降序。',
      access: 'authenticated',
      query: listTasksQuery,
      response: { description: '分页任务列表', schema: taskPageSchema },
    },
    async ({ query, user }) => {
      const { rows, total } = await listTasks(Task, user, query);
      const now = clock.now();
      return { items: rows.map((t) => presentTask(t, now)), page: query.page, pageSize: query.pageSize, total };
    },
  );

  addRoute(
    api,
    {
      method: 'get',
      path: '/api/tasks/:id',
      tags: ['tasks'],
      summary: '任务详情：流程变量与表单 (task with variables and form)',
      description: '仅候选人、处理人和办理人可查看 (candidates, the assignee and the completer only)。',
      access: 'authenticated',
      params: taskIdParams,
      response: { description: '任务详情', schema: taskDetailSchema },
      errors: [404],
    },
    async ({ params, user }) => {
      const task = await loadTaskFor(Task, params.id, user);
      const [instance, form] = await Promise.all([
        engine.getInstance(task.instanceId),
        readForm(deps.config.formsDir, task.formId, deps.logger),
      ]);
      return { ...presentTask(task, clock.now()), headers: parseHeaders(task), variables: instance?.variables ?? {}, form };
    },
  );

  addRoute(
    api,
    {
      method: 'post',
      path: '/api/tasks/:id/claim',
      tags: ['tasks'],
      summary: '签收任务 (claim)',
      description: '仅候选人；他人已签收时 409 TASK_ALREADY_CLAIMED (candidates only)。',
      access: 'authenticated',
      params: taskIdParams,
      body: emptyBody,
      response: { description: '签收后的任务', schema: taskItemSchema },
      errors: [404, 409],
    },
    async ({ params, user }) => {
      const task = await loadTaskFor(Task, params.id, user);
      assertOpen(task);
      if (task.assignee === user.username) return presentTask(task, clock.now());
      if (task.assignee) throw claimedByOther(task);
      await engine.assignUserTask({ taskId: task.id, assignee: user.username, allowOverride: false, actor: user.username });
      return reloadItem(task.id);
    },
  );

  addRoute(
    api,
    {
      method: 'post',
      path: '/api/tasks/:id/unclaim',
      tags: ['tasks'],
      summary: '退回签收 (unclaim)',
      description: '仅当前处理人 (the assignee only)。',
      access: 'authenticated',
      params: taskIdParams,
      body: emptyBody,
      response: { description: '退回后的任务', schema: taskItemSchema },
      errors: [404, 409],
    },
    async ({ params, user }) => {
      const task = await loadTaskFor(Task, params.id, user);
      assertOpen(task);
      if (!task.assignee) throw new AppError(409, 'TASK_NOT_CLAIMED', '任务尚未被签收 (task is not claimed)');
      if (task.assignee !== user.username) {
        throw new AppError(403, 'FORBIDDEN', `只有处理人 ${task.assignee} 可以退回签收 (only the assignee can unclaim)`);
      }
      await engine.assignUserTask({ taskId: task.id, assignee: null, allowOverride: false, actor: user.username });
      return reloadItem(task.id);
    },
  );

  addRoute(
    api,
    {
      method: 'post',
      path: '/api/tasks/:id/complete',
      tags: ['tasks'],
      summary: '办理完成任务 (complete)',
      description:
        '处理人，或未签收任务的候选人（办理即签收）。variables 为 JSON 对象：最多 100 个键，键名为标识符，总计 ≤ 256 KB。' +
        ' (the assignee, or a candidate of an unclaimed task, which is claimed implicitly)。只能提交任务表单中的字段 (only the fields of the task\'s form)。',
      access: 'authenticated',
      params: taskIdParams,
      body: completeBody,
      response: { description: '已完成的任务', schema: taskItemSchema },
      errors: [404, 409],
    },
    async ({ params, body, user }) => {
      const task = await loadTaskFor(Task, params.id, user);
      assertOpen(task);
      if (task.assignee && task.assignee !== user.username) throw claimedByOther(task);
      assertFormVariables(await readForm(deps.config.formsDir, task.formId, deps.logger), task.formId, body.variables ?? {});
      const claimedNow = !task.assignee;
      if (claimedNow) {
        await engine.assignUserTask({ taskId: task.id, assignee: user.username, allowOverride: false, actor: user.username });
      }
      try {
        await engine.completeUserTask({ taskId: task.id, variables: body.variables ?? {}, actor: user.username });
      } catch (err) {
        // Give back an implicit claim when the completion was refused, so the task stays free for the group.
        if (claimedNow) {
          await engine
            .assignUserTask({ taskId: task.id, assignee: null, allowOverride: false, actor: user.username })
            .catch(() => undefined);
        }
        throw err;
      }
      return reloadItem(task.id);
    },
  );
}
