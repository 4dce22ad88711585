/**
 * The task API (inbox). Reads come from the `tasks` projection; every change goes through the engine port,
 * which re-checks state atomically (a lost race surfaces as its 409).
 */
import { businessDate } from '../calendar/deadlines.ts';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { EnginePort } from '../engine/port.ts';
import type { Task } from '../engine/task-projection.ts';
import { AppError, validationFailed } from '../errors.ts';
import { addRoute, type Api } from '../http/route.ts';
import { emptyBody } from '../http/validate.ts';
import type { Logger } from '../logger.ts';
import { assertMayActOn, assertOpen, claimedByOther, loadTaskFor } from './access.ts';
import { assertNotSuspended } from '../complaints/service.ts';
import { assertFormVariables } from './form-fields.ts';
import { validateSubmission } from './form-validation.ts';
import { readForm } from './forms.ts';
import { completionListener, insertCompletion, pendingCompletions, submittedValues, summarize } from './history.ts';
import { registerHistoryRoutes } from './history-routes.ts';
import { parseHeaders, presentTask } from './present.ts';
import { loadProjects, projectIndexListener, type ProjectData } from './project-index.ts';
import { COUNT_CAP, listTasks } from './query.ts';
import { completeBody, listTasksQuery, taskDetailSchema, taskIdParams, taskItemSchema, taskPageSchema } from './schemas.ts';

/** The Asia/Shanghai calendar day of a moment, YYYY-MM-DD (dates in forms are Shanghai days). */

// An engine gets the inbox's change listeners once, however many apps are built on it.
const listening = new WeakSet<EnginePort>();

export interface InboxDeps {
  Task: typeof Task;
  engine: EnginePort;
  clock: Clock;
  config: Pick<Config, 'formsDir' | 'inboxDueSoonHours'>;
  logger: Logger;
}

export function registerInboxRoutes(api: Api, deps: InboxDeps): void {
  const { Task, engine, clock } = deps;
  const sequelize = Task.sequelize!;
  if (!listening.has(engine)) {
    listening.add(engine);
    engine.onChange(projectIndexListener(sequelize));
    engine.onChange(completionListener(sequelize));
  }
  const dueSoonMs = deps.config.inboxDueSoonHours * 3_600_000;
  const present = async (tasks: Task[], known?: Map<string, ProjectData>) => {
    const projects = known ?? (await loadProjects(sequelize, tasks.map((t) => t.instanceId)));
    const now = clock.now();
    return tasks.map((t) => presentTask(t, { now, dueSoonMs, project: projects.get(t.instanceId) }));
  };
  const presentOne = async (task: Task) => (await present([task]))[0]!;
  const reloadItem = async (id: string) => presentOne((await Task.findByPk(id))!);

  addRoute(
    api,
    {
      method: 'get',
      path: '/api/tasks',
      tags: ['tasks'],
      summary: '待办/已办任务列表 (task list)',
      description:
        'scope: mine=我签收的待办; groups=我的角色或我本人是候选人的待办; completed=我办理完成的; all=mine+groups（默认）。' +
        'dueAfter 含、dueBefore 不含 (dueAfter inclusive, dueBefore exclusive)；dueState=overdue 已超期，soon 即将到期（INBOX_DUE_SOON_HOURS 内）。' +
        'project=项目编号；q 搜索任务名称、业务键、项目编号和项目名称。默认排序：待办按到期时间升序（无到期日的在后），已办按完成时间降序。' +
        `翻页：after=上一页的 nextCursor（键集分页，推荐），或 page（偏移）。total 最多计到 ${COUNT_CAP}，超过时 totalCapped=true。`,
      access: 'authenticated',
      query: listTasksQuery,
      response: { description: '分页任务列表', schema: taskPageSchema },
    },
    async ({ query, user }) => {
      const page = await listTasks(Task, user, query, { now: clock.now(), dueSoonMs });
      return {
        items: await present(page.rows, page.projects),
        page: query.after ? 1 : query.page,
        pageSize: query.pageSize,
        total: page.total,
        totalCapped: page.totalCapped,
        hasMore: page.hasMore,
        nextCursor: page.nextCursor,
      };
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
        engine.getVariables(task.instanceId),
        readForm(deps.config.formsDir, task.formId, deps.logger),
      ]);
      // A completed task shows what was submitted then (the instance's variables may have moved on).
      const submitted = task.state === 'completed' ? await submittedValues(sequelize, task.id) : null;
      return { ...(await presentOne(task)), headers: parseHeaders(task), variables: instance?.variables ?? {}, form, submitted };
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
      await assertMayActOn(task, user, engine);
      await assertNotSuspended(sequelize, task.instanceId, clock.now());
      if (task.assignee === user.username) return presentOne(task);
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
        ' (the assignee, or a candidate of an unclaimed task, which is claimed implicitly)。只能提交任务表单中的字段 (only the fields of the task\'s form)；' +
        '提交按表单规则校验（必填、类型、最小/最大值、长度、格式、选项、日期；被条件隐藏的字段不校验也不写入），不通过时 422，details 逐项列出字段和原因，任务不变。' +
        '退回即 decision=return 的办理，须写明审批意见。' +
        '服务端另向流程写入 completedBy（用户名）和 completedByName（姓名），客户端不能提交 (server-owned completion variables)。',
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
      await assertMayActOn(task, user, engine);
      await assertNotSuspended(sequelize, task.instanceId, clock.now());
      const form = await readForm(deps.config.formsDir, task.formId, deps.logger);
      if (task.formId && !form) {
        throw validationFailed(`任务表单 ${task.formId} 不可用，无法校验，暂不能办理 (the task's form is unavailable)`, [{ path: 'formId', reason: 'form not readable' }]);
      }
      assertFormVariables(form, task.formId, body.variables ?? {});
      let variables = body.variables ?? {};
      if (form) {
        const instance = await engine.getVariables(task.instanceId);
        const checked = validateSubmission(form, variables, { variables: instance?.variables ?? {}, today: businessDate(clock.now()) });
        if (checked.errors.length) {
          throw validationFailed(`表单校验未通过：${checked.errors.length} 处需要修改 (the submission does not satisfy the form)`, checked.errors);
        }
        variables = checked.variables;
      }
      const claimedNow = !task.assignee;
      if (claimedNow) {
        await engine.assignUserTask({ taskId: task.id, assignee: user.username, allowOverride: false, actor: user.username });
      }
      // The completion's record (decision and opinion as the form labels them) is written by the listener in
      // the engine's transaction.
      // One completion of a task at a time in this process: a second submission racing the first (a double
      // click, two tabs) would otherwise replace the record the listener writes, so the history could show the
      // refused submission's decision instead of the one the process took.
      if (pendingCompletions.has(task.id)) {
        throw new AppError(409, 'TASK_ALREADY_COMPLETED', '该任务正在办理中，请勿重复提交 (a completion of this task is already in progress)');
      }
      const submission = { summary: summarize(form, variables), values: variables };
      pendingCompletions.set(task.id, submission);
      try {
        // Server-owned: who completed the task (clients cannot send these — not fields of any form, refused
        // above). Approval tasks map them to their approver variables for the 审批表.
        const serverOwned = { completedBy: user.username, completedByName: user.displayName };
        await engine.completeUserTask({ taskId: task.id, variables: { ...variables, ...serverOwned }, actor: user.username });
        if (pendingCompletions.get(task.id) === submission) {
          // The adapter did not report the completion in its transaction (Zeebe reports it later).
          await insertCompletion(sequelize, task.instanceId, task.id, task.elementId, user.username, submission, clock.now());
        }
      } catch (err) {
        // Give back an implicit claim when the completion was refused, so the task stays free for the group.
        if (claimedNow) {
          await engine
            .assignUserTask({ taskId: task.id, assignee: null, allowOverride: false, actor: user.username })
            .catch(() => undefined);
        }
        throw err;
      } finally {
        if (pendingCompletions.get(task.id) === submission) pendingCompletions.delete(task.id);
      }
      return reloadItem(task.id);
    },
  );

  registerHistoryRoutes(api, { Task, engine, clock, sequelize });
}
