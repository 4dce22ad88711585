/**
 * The embedded adapter of the engine port: bpmn-engine in this process, every instance dormant in the app
 * database between changes. Each operation loads the instance's snapshot, runs the engine until it waits
 * again, and commits the result in one transaction (see store.ts).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Op } from 'sequelize';
import type { Transaction } from 'sequelize';
import { AppError, conflict, notFound, validationFailed } from '../../errors.ts';
import type { Engine, EngineOptions } from '../index.ts';
import type {
  AssignTaskRequest, ChangeListener, CompleteTaskRequest, DeployRequest, DeployResult, DeploymentInfo, DeploymentView,
  EngineChange, IncidentView, InstanceRef, ModelProblem, InstanceView, PublishMessageRequest, PublishResult, StartRequest, Variables, Worker, WorkerOptions,
} from '../port.ts';
import { compileModel, ModelError, type CompiledModel } from './model.ts';
import { compileDeployed, getDeploymentRecord, listDeploymentRecords, validateModelXml } from '../deployment-records.ts';
import { EngineRunError, InstanceRun, type RunResult, type WaitState } from './run.ts';
import { change, EngineStore, parseJson, type InstanceRow } from './store.ts';
import { newKey } from './keys.ts';

const MAX_DUE_PER_TICK = 200;
/** Due time of a timer parked by an incident: never, until the incident is retried. */
const PARKED = new Date('9999-12-31T00:00:00Z');

export class EmbeddedEngine implements Engine {
  readonly kind = 'embedded' as const;
  private readonly workers = new Map<string, { fn: Worker; options: WorkerOptions }>();
  private readonly listeners: ChangeListener[] = [];
  private readonly store: EngineStore;
  private readonly models = new Map<string, Promise<CompiledModel>>();
  private readonly locks = new Map<string, Promise<unknown>>();
  /** Hot runs by instance id, oldest first (Map order): an LRU of engines kept between operations. */
  private readonly hot = new Map<string, { instance: InstanceRow; run: InstanceRun }>();
  private readonly hotCapacity: number;
  private readonly formsDir: string;
  private poller: NodeJS.Timeout | null = null;
  private ticking: Promise<number> | null = null;
  private stopped = false;

  constructor(private readonly opts: EngineOptions & { formsDir?: string }) {
    this.store = new EngineStore(opts.db, this.listeners);
    this.formsDir = path.resolve(opts.formsDir ?? 'forms');
    this.hotCapacity = opts.hotInstances ?? 32;
  }

  private log(msg: string, data?: Record<string, unknown>): void {
    this.opts.log?.(msg, data);
  }

  registerWorker(type: string, worker: Worker, options: WorkerOptions = {}): void {
    if (this.workers.has(type)) throw new Error(`a worker for task type "${type}" is already registered`);
    this.workers.set(type, { fn: worker, options });
  }

  taskTypes(): string[] {
    return [...this.workers.keys()].sort();
  }

  onChange(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  // ---- deployments ---------------------------------------------------------------------------------------

  async deploy(req: DeployRequest): Promise<DeployResult> {
    let model: CompiledModel;
    try {
      model = await compileModel(req.xml, {
        taskTypes: new Set(this.workers.keys()),
        formExists: (id) => fs.existsSync(path.join(this.formsDir, `${id}.form`)),
      });
    } catch (err) {
      if (err instanceof ModelError) throw validationFailed(`${req.resourceName}: 模型不可部署 (model cannot be deployed)`, err.problems);
      throw err;
    }
    const contentHash = crypto.createHash('sha256').update(req.xml).digest('hex');
    const now = this.opts.clock.now();
    const m = this.store.m;
    const result = await this.opts.db.withTransaction(async (tx) => {
      const latest = await m.Deployment.findOne({ where: { bpmnProcessId: model.bpmnProcessId }, order: [['version', 'DESC']], transaction: tx });
      if (latest && latest.contentHash === contentHash) {
        return { deploymentId: latest.id as string, bpmnProcessId: model.bpmnProcessId, name: latest.name as string | null, version: latest.version as number, created: false, contentHash };
      }
      const id = newKey();
      const version = latest ? (latest.version as number) + 1 : 1;
      await m.Deployment.create({ id, bpmnProcessId: model.bpmnProcessId, name: model.name, version, resourceName: req.resourceName.slice(0, 255), xml: req.xml, contentHash, deployedBy: req.deployedBy ?? null, comment: req.comment ?? null, createdAt: now }, { transaction: tx });
      const ch = change('deployment.created', null, id, req.deployedBy ?? null, now, { bpmnProcessId: model.bpmnProcessId, version, resourceName: req.resourceName, ...(req.metadata ? { metadata: req.metadata } : {}) });
      for (const l of this.listeners) await l(ch, tx);
      return { deploymentId: id, bpmnProcessId: model.bpmnProcessId, name: model.name, version, created: true, contentHash };
    });
    this.models.set(result.deploymentId, Promise.resolve(model));
    return result;
  }

  listDeployments(filter: { bpmnProcessId?: string } = {}): Promise<DeploymentInfo[]> {
    return listDeploymentRecords(this.store.m.Deployment, filter);
  }

  getDeployment(deploymentId: string): Promise<DeploymentView | null> {
    return getDeploymentRecord(this.store.m.Deployment, deploymentId);
  }

  validateModel(xml: string): Promise<ModelProblem[]> {
    return validateModelXml(xml);
  }

  private model(deploymentId: string): Promise<CompiledModel> {
    let p = this.models.get(deploymentId);
    if (!p) {
      p = (async () => {
        const row = await this.store.m.Deployment.findByPk(deploymentId);
        if (!row) throw new Error(`deployment ${deploymentId} is missing`);
        // Already accepted once: compile without the worker/form checks (a worker may be gone; jobs then raise incidents).
        return compileDeployed(row.xml as string);
      })();
      p.catch(() => this.models.delete(deploymentId));
      this.models.set(deploymentId, p);
    }
    return p;
  }

  // ---- instances -----------------------------------------------------------------------------------------

  async startInstance(req: StartRequest): Promise<InstanceRef> {
    const variables = checkVariables(req.variables ?? {});
    const where: Record<string, unknown> = { bpmnProcessId: req.bpmnProcessId };
    if (req.version !== undefined) where.version = req.version;
    const dep = await this.store.m.Deployment.findOne({ where, order: [['version', 'DESC']] });
    if (!dep) throw notFound('流程 (process)', req.version !== undefined ? `${req.bpmnProcessId} v${req.version}` : req.bpmnProcessId);
    const model = await this.model(dep.id as string);
    const now = this.opts.clock.now();
    const instance: InstanceRow = {
      id: newKey(),
      deploymentId: dep.id as string,
      bpmnProcessId: dep.bpmnProcessId as string,
      version: dep.version as number,
      businessKey: req.businessKey ?? null,
      state: 'active',
      variables: '{}',
      engineState: null,
      activeElements: null,
      counters: null,
      waitState: null,
      hasIncident: false,
      rev: 0,
      startedBy: req.startedBy ?? null,
      startedAt: now,
      endedAt: null,
    };
    return this.withLock(instance.id, async () => {
      const run = this.newRun(instance, model);
      await this.guard(run, () => run.start(variables));
      const consumed = await this.deliverBuffered(run);
      const result = await this.guard(run, () => run.result());
      try {
        await this.store.commitRun({ instance, isNew: true, run: result, now, actor: req.startedBy ?? null, changes: [], consumedMessageIds: consumed });
      } catch (err) {
        await run.dispose();
        throw err;
      }
      this.keepHot(instance, run, result);
      return toRef(instance, result);
    });
  }

  async completeUserTask(req: CompleteTaskRequest): Promise<void> {
    const variables = checkVariables(req.variables ?? {});
    const task = await this.store.m.Task.findByPk(req.taskId);
    if (!task) throw notFound('任务 (task)', req.taskId);
    if (task.state !== 'created') throw conflict('任务已被办理或已取消 (task is no longer open)', 'TASK_ALREADY_COMPLETED');
    await this.withLock(task.instanceId, async () => {
      await this.operate(task.instanceId, req.actor, async (run) => {
        const ok = await run.completeUserTask(task.executionId, variables, req.actor);
        // Not waiting any more: completed (or ended) by an operation that ran first.
        if (!ok) throw conflict('任务已被办理或已取消 (task is no longer open)', 'TASK_ALREADY_COMPLETED');
      });
    });
  }

  async assignUserTask(req: AssignTaskRequest): Promise<void> {
    const m = this.store.m;
    const now = this.opts.clock.now();
    await this.opts.db.withTransaction(async (tx) => {
      const task = await m.Task.findByPk(req.taskId, { transaction: tx });
      if (!task) throw notFound('任务 (task)', req.taskId);
      if (task.state !== 'created') throw conflict('任务已被办理或已取消 (task is no longer open)', 'TASK_ALREADY_COMPLETED');
      const where: Record<string, unknown> = { id: req.taskId, state: 'created' };
      if (!req.allowOverride) {
        where.assignee = req.assignee === null ? req.actor : { [Op.or]: [null, req.assignee] };
      }
      const [count] = await m.Task.update({ assignee: req.assignee, claimedAt: req.assignee ? now : null }, { where, transaction: tx });
      if (count !== 1) {
        throw req.assignee === null
          ? conflict('只有当前签收人可以退回签收 (only the assignee can unclaim)', 'TASK_NOT_ASSIGNED_TO_YOU')
          : conflict(`任务已被 ${task.assignee} 签收 (task already claimed)`, 'TASK_ALREADY_CLAIMED');
      }
      const ch = change('task.assigned', task.instanceId, task.id, req.actor, now, { from: task.assignee, to: req.assignee });
      for (const l of this.listeners) await l(ch, tx);
    });
  }

  async cancelInstance(instanceId: string, actor: string): Promise<void> {
    await this.withLock(instanceId, () =>
      this.operate(instanceId, actor, (run) => run.cancel(), { canceled: true }),
    );
  }

  async publishMessage(req: PublishMessageRequest): Promise<PublishResult> {
    const variables = checkVariables(req.variables ?? {});
    const m = this.store.m;
    const messageKey = newKey();
    if (req.messageId) {
      const dup = await m.Message.findOne({ where: { messageId: req.messageId } });
      if (dup) throw conflict(`消息 ${req.messageId} 已发布 (message with this id is already buffered)`, 'MESSAGE_ALREADY_PUBLISHED');
    }
    const subs = await m.Subscription.findAll({ where: { messageName: req.name, correlationKey: req.correlationKey } });
    const delivered: string[] = [];
    for (const instanceId of [...new Set(subs.map((s) => s.instanceId as string))]) {
      const ok = await this.withLock(instanceId, () =>
        this.operate(instanceId, null, async (run) => {
          const sub = run.waitingMessages().find((s) => s.messageName === req.name && s.correlationKey === req.correlationKey);
          return sub ? run.deliverMessage(sub.executionId, variables) : false;
        }, { change: (now) => change('message.correlated', instanceId, messageKey, null, now, { name: req.name, correlationKey: req.correlationKey }) }),
      ).catch(async (err) => {
        if (err instanceof AppError && (err.status === 404 || err.code === 'INSTANCE_NOT_ACTIVE')) return false;
        if (err instanceof AppError && err.code === 'PROCESS_ERROR' && err.cause instanceof EngineRunError) {
          // This instance's model failed on the message: it gets an incident and keeps waiting; the others still
          // receive the message (Zeebe correlates per instance).
          await this.recordFailure(instanceId, err.cause, `message "${req.name}" (${req.correlationKey}) could not be handled: `);
          return false;
        }
        throw err;
      });
      if (ok) delivered.push(instanceId);
    }
    const ttl = req.timeToLiveMs ?? 0;
    if (!delivered.length && ttl > 0) {
      const now = this.opts.clock.now();
      await m.Message.create({ id: messageKey, name: req.name, correlationKey: req.correlationKey, messageId: req.messageId ?? null, variables: JSON.stringify(variables), expiresAt: new Date(now.getTime() + ttl), createdAt: now });
      return { messageKey, correlatedInstanceIds: [], buffered: true };
    }
    return { messageKey, correlatedInstanceIds: delivered, buffered: false };
  }

  async getInstance(instanceId: string): Promise<InstanceView | null> {
    const row = await this.store.loadInstance(instanceId);
    if (!row) return null;
    const [history, incidents] = await Promise.all([
      this.store.m.History.findAll({ where: { instanceId }, order: [['id', 'ASC']] }),
      this.listIncidents({ instanceId }),
    ]);
    return {
      ...toRef(row),
      variables: parseJson<Variables>(row.variables, {}),
      startedAt: new Date(row.startedAt).toISOString(),
      startedBy: row.startedBy,
      endedAt: row.endedAt ? new Date(row.endedAt).toISOString() : null,
      activeElements: row.state === 'active' ? parseJson(row.activeElements, []) : [],
      history: history.map((h) => ({
        elementId: h.elementId, elementType: h.elementType, name: h.name, event: h.event, at: new Date(h.at).toISOString(), actor: h.actor, detail: h.detail,
      })),
      incidents,
    };
  }

  async getVariables(instanceId: string): Promise<{ variables: Variables; startedBy: string | null } | null> {
    const row = await this.store.loadInstance(instanceId);
    return row ? { variables: parseJson<Variables>(row.variables, {}), startedBy: row.startedBy } : null;
  }

  async listIncidents(filter: { state?: 'open' | 'resolved'; instanceId?: string } = {}): Promise<IncidentView[]> {
    const where: Record<string, unknown> = {};
    if (filter.state) where.state = filter.state;
    if (filter.instanceId) where.instanceId = filter.instanceId;
    const rows = await this.store.m.Incident.findAll({ where, order: [['createdAt', 'DESC']], limit: 1000 });
    return rows.map((r) => ({
      id: r.id, instanceId: r.instanceId, bpmnProcessId: r.bpmnProcessId, elementId: r.elementId, type: r.type, message: r.message,
      jobType: r.jobType, state: r.state, createdAt: new Date(r.createdAt).toISOString(), resolvedAt: r.resolvedAt ? new Date(r.resolvedAt).toISOString() : null,
    }));
  }

  async retryIncident(incidentId: string, retries = 1, actor?: string): Promise<void> {
    if (!Number.isInteger(retries) || retries < 1 || retries > 100) throw validationFailed('retries 必须是 1..100 的整数', [{ path: 'retries', reason: 'must be an integer 1..100' }]);
    const m = this.store.m;
    const found = await m.Incident.findByPk(incidentId);
    if (!found) throw notFound('故障 (incident)', incidentId);
    const instanceId = found.instanceId as string;
    await this.withLock(instanceId, async () => {
      const now = this.opts.clock.now();
      await this.opts.db.withTransaction(async (tx) => {
        const inc = await m.Incident.findByPk(incidentId, { transaction: tx });
        if (!inc || inc.state !== 'open') throw conflict('该故障已处理 (incident already resolved)', 'INCIDENT_RESOLVED');
        await this.changeWaitState(instanceId, tx, (wait) => {
          if (inc.jobId) {
            // Zeebe: give the job new retries; it is activated again.
            for (const j of wait.jobs) if (j.id === inc.jobId) Object.assign(j, { retries, state: 'pending', nextAttemptAt: now });
          } else {
            // A model error hit by the scheduler: make the parked timers due so the run is tried again.
            for (const t of wait.timers) if (new Date(t.dueAt).getTime() >= PARKED.getTime()) t.dueAt = now;
          }
        });
        if (inc.jobId) await m.Job.update({ retries, state: 'pending', nextAttemptAt: now, updatedAt: now }, { where: { id: inc.jobId }, transaction: tx });
        else await m.Timer.update({ dueAt: now }, { where: { instanceId, dueAt: { [Op.gte]: PARKED } }, transaction: tx });
        await m.Incident.update({ state: 'resolved', resolvedAt: now }, { where: { id: incidentId }, transaction: tx });
        const ch = change('incident.resolved', instanceId, incidentId, actor ?? null, now, { retries });
        for (const l of this.listeners) await l(ch, tx);
      });
    });
    await this.runInstanceDue(instanceId);
  }

  /**
   * Changes an instance's wait state outside an engine run (incident retry, parked timers), bumping its
   * revision so that no hot run commits over it. Call under the instance lock, inside a transaction.
   */
  private async changeWaitState(instanceId: string, tx: Transaction, mutate: (wait: WaitState) => void): Promise<void> {
    this.evict(instanceId);
    const m = this.store.m;
    const inst = await m.Instance.findByPk(instanceId, { transaction: tx });
    if (!inst || inst.state !== 'active') throw conflict('流程实例已结束 (instance is not active)', 'INSTANCE_NOT_ACTIVE');
    const wait = parseJson<WaitState>(inst.waitState as string, { openTasks: [], timers: [], subscriptions: [], jobs: [] });
    mutate(wait);
    const hasIncident = wait.jobs.some((j) => j.state === 'failed');
    const [n] = await m.Instance.update({ waitState: JSON.stringify(wait), hasIncident, rev: (inst.rev as number) + 1 }, { where: { id: instanceId, rev: inst.rev }, transaction: tx });
    if (n !== 1) throw conflict('流程实例已被其他操作更新 (instance changed concurrently)', 'INSTANCE_CHANGED');
  }

  // ---- scheduler -----------------------------------------------------------------------------------------

  async start(): Promise<void> {
    this.stopped = false;
    await this.runDue();
    const every = this.opts.pollIntervalMs ?? 1000;
    this.poller = setInterval(() => {
      this.runDue().catch((err) => this.log('scheduler tick failed', { error: (err as Error).message }));
    }, every);
    this.poller.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.poller) clearInterval(this.poller);
    this.poller = null;
    if (this.ticking) await this.ticking.catch(() => 0);
    await Promise.allSettled([...this.locks.values()]);
  }

  /** Fires due timers and due job retries, each instance in its own run and transaction. */
  runDue(): Promise<number> {
    if (this.ticking) return this.ticking;
    this.ticking = (async () => {
      const now = this.opts.clock.now();
      const ids = new Set([
        ...(await this.store.dueTimerInstances(now, MAX_DUE_PER_TICK)),
        ...(await this.store.dueJobInstances(now, MAX_DUE_PER_TICK)),
      ]);
      let n = 0;
      for (const id of ids) {
        if (this.stopped) break;
        if (await this.runInstanceDue(id)) n++;
      }
      return n;
    })().finally(() => {
      this.ticking = null;
    });
    return this.ticking;
  }

  private async runInstanceDue(instanceId: string): Promise<boolean> {
    try {
      await this.withLock(instanceId, () => this.operate(instanceId, null, async () => undefined));
      return true;
    } catch (err) {
      if (err instanceof AppError && (err.status === 404 || err.status === 409)) return false;
      const cause = err instanceof AppError && err.cause instanceof EngineRunError ? err.cause : err;
      if (cause instanceof EngineRunError) {
        await this.recordFailure(instanceId, cause);
        return false;
      }
      throw err;
    }
  }

  /**
   * A model error met by the scheduler or a message: nobody is there to be told, so the instance keeps its last good
   * state and gets an incident (and its due timers are parked until the incident is retried).
   */
  private async recordFailure(instanceId: string, err: EngineRunError, context = ''): Promise<void> {
    const m = this.store.m;
    this.log('engine run failed', { instanceId, error: err.message });
    await this.withLock(instanceId, async () => {
      const now = this.opts.clock.now();
      await this.opts.db.withTransaction(async (tx) => {
        const inst = await m.Instance.findByPk(instanceId, { transaction: tx });
        if (!inst || inst.state !== 'active') return;
        // Park the instance's due timers until the incident is retried, so the scheduler does not spin on it.
        await this.changeWaitState(instanceId, tx, (wait) => {
          for (const t of wait.timers) if (new Date(t.dueAt).getTime() <= now.getTime()) t.dueAt = PARKED;
        });
        await m.Timer.update({ dueAt: PARKED }, { where: { instanceId, dueAt: { [Op.lte]: now } }, transaction: tx });
        const id = newKey();
        await m.Incident.create({ id, instanceId, bpmnProcessId: inst.bpmnProcessId, elementId: err.elementId ?? inst.bpmnProcessId, type: 'ENGINE_ERROR', message: `${context}${err.message}`.slice(0, 2000), jobType: null, jobId: null, state: 'open', createdAt: now, resolvedAt: null }, { transaction: tx });
        await m.Instance.update({ hasIncident: true }, { where: { id: instanceId }, transaction: tx });
        const ch = change('incident.created', instanceId, id, null, now, { elementId: err.elementId, type: 'ENGINE_ERROR', message: err.message });
        for (const l of this.listeners) await l(ch, tx);
      });
    });
  }

  // ---- internals -----------------------------------------------------------------------------------------

  private newRun(instance: InstanceRow, model: CompiledModel): InstanceRun {
    return new InstanceRun({
      instanceId: instance.id,
      bpmnProcessId: instance.bpmnProcessId,
      businessKey: instance.businessKey,
      model,
      clock: this.opts.clock,
      workers: this.workers,
      log: (msg, data) => this.log(msg, { instanceId: instance.id, ...data }),
      snapshot: instance.engineState ? JSON.parse(instance.engineState) : undefined,
      variables: parseJson(instance.variables, {}),
      counters: parseJson(instance.counters, {}),
      wait: parseJson<WaitState | undefined>(instance.waitState, undefined),
    });
  }

  /**
   * Load → resume → act → commit, for an existing active instance. Returns what `act` returned.
   * A run that committed stays hot in memory (bounded LRU), so the next operation on the instance skips the
   * load and the recovery; the revision check on commit catches a hot run gone stale (then it reloads once).
   */
  private async operate<T>(
    instanceId: string,
    actor: string | null,
    act: (run: InstanceRun) => Promise<T>,
    opts: { canceled?: boolean; change?: (now: Date) => EngineChange } = {},
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      let hot = attempt === 1 ? this.takeHot(instanceId) : undefined;
      if (hot && (await this.store.currentRev(instanceId)) !== hot.instance.rev) {
        // Another process changed the instance since this run committed: start over from the database.
        await hot.run.dispose();
        hot = undefined;
      }
      let instance: InstanceRow;
      let run: InstanceRun;
      if (hot) {
        ({ instance, run } = hot);
        run.beginOperation();
      } else {
        const row = await this.store.loadInstance(instanceId);
        if (!row) throw notFound('流程实例 (instance)', instanceId);
        if (row.state !== 'active') throw conflict(`流程实例已${row.state === 'completed' ? '结束' : '撤销'} (instance is ${row.state})`, 'INSTANCE_NOT_ACTIVE');
        instance = row;
        run = this.newRun(instance, await this.model(instance.deploymentId));
      }
      const now = this.opts.clock.now();
      let out!: T;
      await this.guard(run, async () => {
        if (!hot) await run.resume();
        await run.poke();
        out = await act(run);
      });
      const consumed = opts.canceled ? [] : await this.deliverBuffered(run);
      const result: RunResult = await this.guard(run, () => run.result());
      try {
        await this.store.commitRun({
          instance, isNew: false, run: result, now, actor, canceled: opts.canceled,
          changes: opts.change ? [opts.change(now)] : [], consumedMessageIds: consumed,
        });
      } catch (err) {
        await run.dispose();
        if (hot && err instanceof AppError && err.code === 'INSTANCE_CHANGED') continue; // stale hot run: reload
        throw err;
      }
      this.keepHot(instance, run, result, opts.canceled);
      return out;
    }
  }

  private takeHot(instanceId: string): { instance: InstanceRow; run: InstanceRun } | undefined {
    const entry = this.hot.get(instanceId);
    this.hot.delete(instanceId);
    return entry;
  }

  private keepHot(instance: InstanceRow, run: InstanceRun, result: RunResult, canceled?: boolean): void {
    if (result.ended || canceled || this.hotCapacity === 0) {
      void run.dispose();
      return;
    }
    this.hot.set(instance.id, { instance: { ...instance, rev: instance.rev + 1, state: 'active' }, run });
    while (this.hot.size > this.hotCapacity) {
      const [oldest, entry] = this.hot.entries().next().value as [string, { run: InstanceRun }];
      this.hot.delete(oldest);
      void entry.run.dispose();
    }
  }

  /** Drops a hot run after its instance was changed outside a run (incident retry, parked timers). */
  private evict(instanceId: string): void {
    const entry = this.hot.get(instanceId);
    this.hot.delete(instanceId);
    if (entry) void entry.run.dispose();
  }

  /** Buffered messages (published with a TTL before anyone waited) go to new subscriptions. */
  private async deliverBuffered(run: InstanceRun): Promise<string[]> {
    const consumed: string[] = [];
    for (let round = 0; round < 10; round++) {
      const subs = run.waitingMessages();
      if (!subs.length) break;
      const now = this.opts.clock.now();
      const msgs = await this.store.m.Message.findAll({
        where: { [Op.or]: subs.map((s) => ({ name: s.messageName, correlationKey: s.correlationKey })), expiresAt: { [Op.gt]: now } },
        order: [['createdAt', 'ASC']],
      });
      const msg = msgs.find((x) => !consumed.includes(x.id as string));
      if (!msg) break;
      const sub = subs.find((s) => s.messageName === msg.name && s.correlationKey === msg.correlationKey)!;
      consumed.push(msg.id as string);
      await this.guard(run, () => run.deliverMessage(sub.executionId, parseJson(msg.variables as string, {})));
    }
    return consumed;
  }

  /** Engine failures become a 422 naming the element; the instance keeps its last committed state. */
  private async guard<T>(run: InstanceRun, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      await run.dispose();
      if (err instanceof EngineRunError) {
        throw Object.assign(
          new AppError(422, 'PROCESS_ERROR', `流程无法继续: ${err.message}`, [{ path: err.elementId ?? 'process', reason: err.message }]),
          { cause: err },
        );
      }
      throw err;
    }
  }

  private async withLock<T>(instanceId: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(instanceId) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(fn);
    this.locks.set(instanceId, next);
    try {
      return await next;
    } finally {
      if (this.locks.get(instanceId) === next) this.locks.delete(instanceId);
    }
  }
}

function toRef(row: InstanceRow, result?: RunResult): InstanceRef {
  return {
    instanceId: row.id,
    bpmnProcessId: row.bpmnProcessId,
    deploymentId: row.deploymentId,
    version: row.version,
    businessKey: row.businessKey,
    state: result ? (result.ended ? 'completed' : 'active') : row.state,
  };
}

/** Variables cross the port as a JSON object; a deep copy keeps callers from mutating engine state. */
function checkVariables(vars: Variables): Variables {
  if (!vars || typeof vars !== 'object' || Array.isArray(vars)) throw validationFailed('variables 必须是 JSON 对象', [{ path: 'variables', reason: 'must be an object' }]);
  return JSON.parse(JSON.stringify(vars)) as Variables;
}

