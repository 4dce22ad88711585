/**
 * The embedded engine's tables. `commitRun` writes everything one engine run changed — instance snapshot,
 * tasks, timers, subscriptions, jobs, incidents, history — in one transaction, guarded by the instance's
 * revision so that two concurrent changes of one instance cannot both commit.
 */
import { DataTypes, Op, type ModelStatic, type Model, type Sequelize, type Transaction } from 'sequelize';
import { conflict } from '../../errors.ts';
import type { Database } from '../../db.ts';
import { defineTaskModels } from '../task-projection.ts';
import type { EngineChange, InstanceState } from '../port.ts';
import type { RunResult } from './run.ts';
import { newKey } from './keys.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Row = Model<any, any> & Record<string, any>;
export type Models = ReturnType<typeof defineEngineModels>;

const s = (n: number) => DataTypes.STRING(n);
const date = DataTypes.DATE(3);

export function defineEngineModels(sequelize: Sequelize) {
  // LONGTEXT on MySQL (snapshots exceed TEXT's 64 KB); SQLite has one TEXT type and warns about options.
  const long = sequelize.getDialect() === 'mysql' ? DataTypes.TEXT('long') : DataTypes.TEXT;
  const opts = (tableName: string) => ({ tableName, timestamps: false, underscored: true });
  const Deployment = sequelize.define('EngineDeployment', {
    id: { type: s(40), primaryKey: true },
    bpmnProcessId: s(255), name: s(255), version: DataTypes.INTEGER, resourceName: s(255), xml: long,
    contentHash: s(64), deployedBy: s(64), comment: s(1000), createdAt: date,
  }, opts('engine_deployments')) as ModelStatic<Row>;
  const Instance = sequelize.define('EngineInstance', {
    id: { type: s(40), primaryKey: true },
    deploymentId: s(40), bpmnProcessId: s(255), version: DataTypes.INTEGER, businessKey: s(255), state: s(16),
    variables: long, engineState: long, activeElements: long, counters: long, waitState: long,
    hasIncident: DataTypes.BOOLEAN, rev: DataTypes.INTEGER, startedBy: s(64), startedAt: date, updatedAt: date, endedAt: date,
  }, opts('engine_instances')) as ModelStatic<Row>;
  const History = sequelize.define('EngineHistory', {
    id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
    instanceId: s(40), elementId: s(255), elementType: s(64), name: s(255), event: s(16), actor: s(64), detail: s(2000), at: date,
  }, opts('engine_history')) as ModelStatic<Row>;
  const Timer = sequelize.define('EngineTimer', {
    id: { type: s(40), primaryKey: true },
    instanceId: s(40), elementId: s(255), executionId: s(255), dueAt: date, createdAt: date,
  }, opts('engine_timers')) as ModelStatic<Row>;
  const Job = sequelize.define('EngineJob', {
    id: { type: s(40), primaryKey: true },
    instanceId: s(40), elementId: s(255), executionId: s(255), type: s(255), retries: DataTypes.INTEGER, state: s(16),
    nextAttemptAt: date, errorMessage: s(2000), createdAt: date, updatedAt: date,
  }, opts('engine_jobs')) as ModelStatic<Row>;
  const Subscription = sequelize.define('EngineSubscription', {
    id: { type: s(40), primaryKey: true },
    instanceId: s(40), elementId: s(255), executionId: s(255), messageName: s(255), correlationKey: s(255), createdAt: date,
  }, opts('engine_subscriptions')) as ModelStatic<Row>;
  const Message = sequelize.define('EngineMessage', {
    id: { type: s(40), primaryKey: true },
    name: s(255), correlationKey: s(255), messageId: s(255), variables: long, expiresAt: date, createdAt: date,
  }, opts('engine_messages')) as ModelStatic<Row>;
  const Incident = sequelize.define('EngineIncident', {
    id: { type: s(40), primaryKey: true },
    instanceId: s(40), bpmnProcessId: s(255), elementId: s(255), type: s(32), message: s(2000), jobType: s(255), jobId: s(40),
    state: s(16), createdAt: date, resolvedAt: date,
  }, opts('engine_incidents')) as ModelStatic<Row>;
  const { Task: TaskModel, TaskCandidate: CandidateModel } = defineTaskModels(sequelize);
  return { Deployment, Instance, History, Timer, Job, Subscription, Message, Incident, Task: TaskModel, TaskCandidate: CandidateModel };
}

export interface InstanceRow {
  id: string;
  deploymentId: string;
  bpmnProcessId: string;
  version: number;
  businessKey: string | null;
  state: InstanceState;
  variables: string;
  engineState: string | null;
  activeElements: string | null;
  counters: string | null;
  waitState: string | null;
  hasIncident: boolean;
  rev: number;
  startedBy: string | null;
  startedAt: Date;
  endedAt: Date | null;
}

export interface CommitContext {
  instance: InstanceRow;
  /** true when the instance row does not exist yet. */
  isNew: boolean;
  run: RunResult;
  now: Date;
  actor: string | null;
  /** Extra changes this operation made (task assignment, message consumption, …). */
  changes: EngineChange[];
  /** Buffered message rows consumed by this run. */
  consumedMessageIds?: string[];
  canceled?: boolean;
}

export class EngineStore {
  readonly m: Models;
  constructor(
    readonly db: Database,
    private readonly listeners: ((c: EngineChange, tx: Transaction) => Promise<void> | void)[],
  ) {
    this.m = defineEngineModels(db.sequelize);
  }

  async loadInstance(id: string): Promise<InstanceRow | null> {
    const row = await this.m.Instance.findByPk(id);
    return row ? (row.get({ plain: true }) as InstanceRow) : null;
  }

  async currentRev(id: string): Promise<number | null> {
    const row = await this.m.Instance.findByPk(id, { attributes: ['rev'], raw: true });
    return row ? Number((row as unknown as { rev: number }).rev) : null;
  }

  /** Everything one run changed, in one transaction; throws 409 when the instance moved on meanwhile. */
  async commitRun(c: CommitContext): Promise<{ createdTaskIds: string[] }> {
    const { run, instance, now } = c;
    const createdTaskIds: string[] = [];
    await this.db.withTransaction(async (tx) => {
      const m = this.m;
      const state: InstanceState = c.canceled ? 'canceled' : run.ended ? 'completed' : 'active';
      const values = {
        variables: JSON.stringify(run.variables),
        engineState: state === 'active' ? JSON.stringify(run.snapshot) : null,
        activeElements: JSON.stringify(run.activeElements),
        counters: JSON.stringify(run.counters),
        waitState: state === 'active' ? JSON.stringify(run.wait) : null,
        state,
        updatedAt: now,
        endedAt: state === 'active' ? null : now,
        hasIncident: state === 'active' && run.wait.jobs.some((j) => j.state === 'failed'),
      };
      if (c.isNew) {
        await m.Instance.create({ ...instance, ...values, rev: 1 }, { transaction: tx });
      } else {
        const [count] = await m.Instance.update({ ...values, rev: instance.rev + 1 }, {
          where: { id: instance.id, rev: instance.rev, state: 'active' },
          transaction: tx,
        });
        if (count !== 1) throw conflict(`流程实例 ${instance.id} 已被其他操作更新，请刷新后重试 (instance changed concurrently)`, 'INSTANCE_CHANGED');
      }
      const changes: EngineChange[] = [...c.changes];
      if (c.isNew) changes.unshift(change('instance.started', instance.id, instance.id, c.actor, now, { bpmnProcessId: instance.bpmnProcessId, version: instance.version, businessKey: instance.businessKey }));

      // Tasks: completions are conditional, so a second completer of the same task gets a conflict.
      for (const t of run.completedTasks) {
        const [count] = await m.Task.update(
          { state: 'completed', completedAt: now, completedBy: t.actor, assignee: t.actor },
          { where: { id: t.id, state: 'created' }, transaction: tx },
        );
        if (count !== 1) throw conflict('任务已被办理 (task already completed)', 'TASK_ALREADY_COMPLETED');
        changes.push(change('task.completed', instance.id, t.id, t.actor, now, { elementId: t.elementId }));
      }
      const canceled = [...run.canceledTasks];
      if (state !== 'active') {
        // Whatever was still open when the instance ended or was canceled.
        const closed = new Set([...run.completedTasks, ...canceled].map((t) => t.id));
        for (const t of [...run.previous.openTasks, ...run.newTasks]) if (!closed.has(t.id)) canceled.push({ id: t.id, executionId: t.executionId, elementId: t.elementId });
      }
      const newIds = new Set(run.newTasks.map((t) => t.id));
      const canceledExisting = canceled.filter((t) => !newIds.has(t.id));
      if (canceledExisting.length) {
        await m.Task.update({ state: 'canceled', completedAt: now }, { where: { id: canceledExisting.map((t) => t.id), state: 'created' }, transaction: tx });
        for (const t of canceledExisting) changes.push(change('task.canceled', instance.id, t.id, c.actor, now, { elementId: t.elementId }));
      }
      const closedIds = [...run.completedTasks, ...canceledExisting].map((t) => t.id);
      if (closedIds.length) await m.TaskCandidate.destroy({ where: { taskId: closedIds }, transaction: tx });
      const created = run.newTasks.filter((t) => !canceled.some((x) => x.id === t.id));
      if (created.length) {
        const rows = created.map((t) => ({
          id: t.id,
          instanceId: instance.id,
          bpmnProcessId: instance.bpmnProcessId,
          processVersion: instance.version,
          businessKey: instance.businessKey,
          elementId: t.elementId,
          executionId: t.executionId,
          name: t.name,
          formId: t.formId,
          candidateGroups: t.candidateGroups.join(',') || null,
          candidateUsers: t.candidateUsers.join(',') || null,
          assignee: t.assignee,
          state: 'created' as const,
          headers: Object.keys(t.headers).length ? JSON.stringify(t.headers) : null,
          dueAt: t.dueAt,
          followUpAt: t.followUpAt,
          createdAt: now,
          claimedAt: t.assignee ? now : null,
          completedAt: null,
          completedBy: null,
        }));
        await m.Task.bulkCreate(rows, { transaction: tx });
        const cands: { taskId: string; kind: 'group' | 'user'; value: string; dueAt: Date | null; createdAt: Date }[] = [];
        for (const t of created) {
          createdTaskIds.push(t.id);
          for (const g of new Set(t.candidateGroups)) cands.push({ taskId: t.id, kind: 'group', value: g.slice(0, 64), dueAt: t.dueAt, createdAt: now });
          for (const u of new Set(t.candidateUsers)) cands.push({ taskId: t.id, kind: 'user', value: u.slice(0, 64), dueAt: t.dueAt, createdAt: now });
          changes.push(change('task.created', instance.id, t.id, c.actor, now, { elementId: t.elementId, candidateGroups: t.candidateGroups, assignee: t.assignee }));
        }
        if (cands.length) await m.TaskCandidate.bulkCreate(cands, { transaction: tx });
      }

      // Index tables for the scheduler and for message correlation: write only what changed.
      const key = {
        timer: (t: { executionId: string; dueAt: Date | string }) => `${t.executionId}@${new Date(t.dueAt).getTime()}`,
        sub: (x: { executionId: string; messageName: string; correlationKey: string }) => `${x.executionId}|${x.messageName}|${x.correlationKey}`,
        job: (j: object) => JSON.stringify(j),
      };
      const [timersGone, timersNew] = diff(run.previous.timers, run.wait.timers, key.timer);
      if (timersGone.length) await m.Timer.destroy({ where: { instanceId: instance.id, executionId: timersGone.map((t) => t.executionId) }, transaction: tx });
      if (timersNew.length) await m.Timer.bulkCreate(timersNew.map((t) => ({ id: newKey(), instanceId: instance.id, elementId: t.elementId, executionId: t.executionId, dueAt: t.dueAt, createdAt: now })), { transaction: tx });
      const [subsGone, subsNew] = diff(run.previous.subscriptions, run.wait.subscriptions, key.sub);
      if (subsGone.length) await m.Subscription.destroy({ where: { instanceId: instance.id, executionId: subsGone.map((x) => x.executionId) }, transaction: tx });
      if (subsNew.length) await m.Subscription.bulkCreate(subsNew.map((x) => ({ id: newKey(), instanceId: instance.id, elementId: x.elementId, executionId: x.executionId, messageName: x.messageName, correlationKey: x.correlationKey, createdAt: now })), { transaction: tx });
      const [jobsGone, jobsNew] = diff(run.previous.jobs, run.wait.jobs, key.job);
      if (jobsGone.length) await m.Job.destroy({ where: { id: jobsGone.map((j) => j.id) }, transaction: tx });
      if (jobsNew.length) await m.Job.bulkCreate(jobsNew.map((j) => ({ ...j, instanceId: instance.id, createdAt: now, updatedAt: now })), { transaction: tx });
      if (run.resolvedJobIds.length || state !== 'active') {
        const where = state !== 'active' ? { instanceId: instance.id, state: 'open' } : { jobId: run.resolvedJobIds, state: 'open' };
        const open = await m.Incident.findAll({ where, transaction: tx });
        if (open.length) {
          await m.Incident.update({ state: 'resolved', resolvedAt: now }, { where: { id: open.map((i) => i.id) }, transaction: tx });
          for (const i of open) changes.push(change('incident.resolved', instance.id, i.id, c.actor, now, { elementId: i.elementId }));
        }
      }
      for (const inc of run.incidents) {
        const id = newKey();
        await m.Incident.create({ id, instanceId: instance.id, bpmnProcessId: instance.bpmnProcessId, elementId: inc.elementId, type: inc.type, message: inc.message, jobType: inc.jobType, jobId: inc.jobId, state: 'open', createdAt: now, resolvedAt: null }, { transaction: tx });
        changes.push(change('incident.created', instance.id, id, null, now, { elementId: inc.elementId, type: inc.type, message: inc.message }));
      }
      if (c.consumedMessageIds?.length) await m.Message.destroy({ where: { id: c.consumedMessageIds }, transaction: tx });
      if (run.history.length) {
        await m.History.bulkCreate(run.history.map((h) => ({ ...h, instanceId: instance.id, name: h.name?.slice(0, 255) ?? null, detail: h.detail?.slice(0, 2000) ?? null })), { transaction: tx });
      }
      if (state === 'completed') changes.push(change('instance.completed', instance.id, instance.id, c.actor, now, {}));
      if (state === 'canceled') changes.push(change('instance.canceled', instance.id, instance.id, c.actor, now, {}));
      for (const ch of changes) for (const l of this.listeners) await l(ch, tx);
    });
    return { createdTaskIds };
  }

  async dueTimerInstances(now: Date, limit: number): Promise<string[]> {
    const rows = await this.m.Timer.findAll({ where: { dueAt: { [Op.lte]: now } }, attributes: ['instanceId'], order: [['dueAt', 'ASC']], limit });
    return [...new Set(rows.map((r) => r.instanceId as string))];
  }

  async dueJobInstances(now: Date, limit: number): Promise<string[]> {
    const rows = await this.m.Job.findAll({ where: { state: 'pending', nextAttemptAt: { [Op.lte]: now } }, attributes: ['instanceId'], order: [['nextAttemptAt', 'ASC']], limit });
    return [...new Set(rows.map((r) => r.instanceId as string))];
  }
}

/** Rows of `before` that are gone or changed, and rows of `after` that are new or changed. */
function diff<T>(before: T[], after: T[], key: (x: T) => string): [T[], T[]] {
  const b = new Set(before.map(key));
  const a = new Set(after.map(key));
  return [before.filter((x) => !a.has(key(x))), after.filter((x) => !b.has(key(x)))];
}

export function change(kind: EngineChange['kind'], instanceId: string | null, objectId: string, actor: string | null, at: Date, data: Record<string, unknown>): EngineChange {
  return { kind, instanceId, objectId, actor, at, data };
}

export function parseJson<T>(text: string | null | undefined, fallback: T): T {
  if (!text) return fallback;
  return JSON.parse(text) as T;
}

