/**
 * The Zeebe adapter of the engine port (Camunda 8, through @camunda8/sdk): the same models and the same worker
 * functions as the embedded engine, run by a Zeebe cluster.
 *   - gRPC (SDK's ZeebeGrpcClient): DeployResource (the BPMN plus the forms it links), CreateProcessInstance,
 *     PublishMessage, CancelProcessInstance, ActivateJobs (long polling, one loop per registered task type),
 *     CompleteJob / FailJob (retries and back-off as in embedded mode) / ThrowError (BPMN errors),
 *     UpdateJobRetries + ResolveIncident.
 *   - REST (`/v2`, see rest.ts): Camunda user tasks (search, claim with allowOverride:false, unassign,
 *     complete), variables, process instance state, incidents.
 *   - The app's `tasks` projection is kept by task-sync.ts; `zeebe_instances` keeps what Zeebe does not
 *     (business key, starter); `engine_deployments` records each deployed definition (id = its Zeebe key).
 * Job key given to workers (`Job.key`): `<processInstanceKey>:<elementId>:<elementInstanceKey>`. Zeebe keeps a
 * job's key across time-outs, failures and retries, but the element-instance key is what names "this execution
 * of this element": it is fixed for the life of the activation whatever happens to its job record, and a new
 * activation of the element (a loop) gets a new one. Either way a redelivery carries the same key.
 */
import { ARRAY_RESULT_MESSAGE, errorText } from '../worker-result.ts';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Camunda8 } from '@camunda8/sdk';
import { DataTypes, Model, type Sequelize } from 'sequelize';
import { conflict, notFound, validationFailed } from '../../errors.ts';
import type { Engine, EngineOptions } from '../index.ts';
import {
  BpmnError, type DeploymentInfo, type DeploymentView, type ModelProblem, type AssignTaskRequest, type ChangeListener, type CompleteTaskRequest, type DeployRequest, type DeployResult, type HistoryEntry,
  type IncidentView, type InstanceRef, type InstanceState, type InstanceView, type Job, type PublishMessageRequest, type PublishResult,
  type StartRequest, type Variables, type Worker, type WorkerOptions,
} from '../port.ts';
import { compileModel, ModelError, type CompiledModel } from '../embedded/model.ts';
import { defineEngineModels } from '../embedded/store.ts';
import { compileDeployed, getDeploymentRecord, listDeploymentRecords, validateModelXml } from '../deployment-records.ts';
import { ZeebeRest, RestError, type RestIncident } from './rest.ts';
import { TaskSync, change } from './task-sync.ts';
import type { ZeebeSettings } from './settings.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */
type ZeebeClient = ReturnType<Camunda8['getZeebeGrpcApiClient']>;

const DEFAULT_RETRIES = 3;
const BACKOFF_BASE_MS = 1_000;
const BACKOFF_MAX_MS = 5 * 60_000;
const DEFAULT_WORKER_TIMEOUT_MS = 60_000;
/** A job stays with this worker for its time limit plus this margin before Zeebe hands it out again. */
const JOB_TIMEOUT_MARGIN_MS = 30_000;
const GRPC = { INVALID_ARGUMENT: 3, NOT_FOUND: 5, ALREADY_EXISTS: 6, FAILED_PRECONDITION: 9 } as const;

class ZeebeInstance extends Model {
  declare id: string;
  declare processDefinitionKey: string;
  declare bpmnProcessId: string;
  declare version: number;
  declare businessKey: string | null;
  declare state: InstanceState;
  declare startedBy: string | null;
  declare startedAt: Date;
  declare endedAt: Date | null;
}

function defineZeebeInstance(sequelize: Sequelize): typeof ZeebeInstance {
  if (!sequelize.models.ZeebeInstance) {
    const s = (n: number) => DataTypes.STRING(n);
    ZeebeInstance.init(
      {
        id: { type: s(40), primaryKey: true },
        processDefinitionKey: s(40), bpmnProcessId: s(255), version: DataTypes.INTEGER, businessKey: s(255), state: s(16), startedBy: s(64),
        startedAt: DataTypes.DATE(3), endedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'zeebe_instances', timestamps: false, underscored: true, modelName: 'ZeebeInstance' },
    );
  }
  return ZeebeInstance;
}

const grpcCode = (err: unknown): number | undefined => (err as { code?: number })?.code;

/** LosslessDto and friends → plain JSON values. */
const plain = <T>(v: unknown): T => JSON.parse(JSON.stringify(v ?? {})) as T;

function checkVariables(vars: Variables): Variables {
  if (!vars || typeof vars !== 'object' || Array.isArray(vars)) throw validationFailed('variables 必须是 JSON 对象', [{ path: 'variables', reason: 'must be an object' }]);
  return plain<Variables>(vars);
}

const INCIDENT_TYPES = new Set(['JOB_NO_RETRIES', 'CONDITION_ERROR', 'EXTRACT_VALUE_ERROR', 'UNHANDLED_ERROR_EVENT']);

export class ZeebeEngine implements Engine {
  readonly kind = 'zeebe' as const;
  private readonly workers = new Map<string, { fn: Worker; options: WorkerOptions }>();
  private readonly listeners: ChangeListener[] = [];
  private readonly c8: Camunda8;
  private readonly zbc: ZeebeClient;
  private readonly rest: ZeebeRest;
  private readonly m: ReturnType<typeof defineEngineModels>;
  private readonly Instance: typeof ZeebeInstance;
  private readonly sync: TaskSync;
  private readonly formsDir: string;
  private readonly models = new Map<string, Promise<CompiledModel | null>>();
  private readonly businessKeys = new Map<string, string | null>();
  private readonly touchedInstances = new Set<string>();
  private readonly inflight = new Set<Promise<void>>();
  private loops: Promise<void>[] = [];
  private poller: NodeJS.Timeout | null = null;
  private syncing: Promise<number> | null = null;
  private running = false;

  constructor(private readonly opts: EngineOptions & { zeebe: ZeebeSettings; localWriteGraceMs?: number }) {
    const s = opts.zeebe;
    this.c8 = new Camunda8({
      ZEEBE_GRPC_ADDRESS: s.grpcAddress,
      ZEEBE_REST_ADDRESS: s.restAddress,
      CAMUNDA_AUTH_STRATEGY: s.auth === 'oauth' ? 'OAUTH' : 'NONE',
      ...(s.auth === 'oauth'
        ? { ZEEBE_CLIENT_ID: s.clientId, ZEEBE_CLIENT_SECRET: s.clientSecret, CAMUNDA_OAUTH_URL: s.oauthUrl, ZEEBE_TOKEN_AUDIENCE: s.tokenAudience }
        : {}),
      CAMUNDA_TOKEN_DISK_CACHE_DISABLE: true,
      CAMUNDA_LOG_LEVEL: 'error',
      // The adapter logs what matters through the app's logger; the SDK's own INFO lines go to stdout.
      zeebeGrpcSettings: { ZEEBE_CLIENT_LOG_LEVEL: 'ERROR' },
    } as any);
    this.zbc = this.c8.getZeebeGrpcApiClient();
    // The SDK's OAuth provider (client credentials, cached and refreshed) also signs our REST calls.
    const provider = (this.c8 as unknown as { oAuthProvider: { getHeaders(aud: string): Promise<Record<string, string>> } }).oAuthProvider;
    this.rest = new ZeebeRest(s.restAddress, s.auth === 'oauth' ? () => provider.getHeaders('ZEEBE') : async () => ({}));
    this.m = defineEngineModels(opts.db.sequelize);
    this.Instance = defineZeebeInstance(opts.db.sequelize);
    this.formsDir = path.resolve(opts.formsDir ?? 'forms');
    this.sync = new TaskSync({
      db: opts.db, clock: opts.clock, rest: this.rest, Task: this.m.Task, TaskCandidate: this.m.TaskCandidate, listeners: this.listeners,
      businessKey: (id) => this.businessKey(id),
      formId: async (defKey, elementId) => (await this.model(defKey))?.elements.get(elementId)?.userTask?.formId ?? null,
      touched: (id) => this.touchedInstances.add(id),
      localWriteGraceMs: opts.localWriteGraceMs,
    });
  }

  private log(msg: string, data?: Record<string, unknown>): void {
    this.opts.log?.(msg, data);
  }

  registerWorker(type: string, worker: Worker, options: WorkerOptions = {}): void {
    if (this.workers.has(type)) throw new Error(`a worker for task type "${type}" is already registered`);
    this.workers.set(type, { fn: worker, options });
    if (this.running) this.loops.push(this.pollLoop(type));
  }

  taskTypes(): string[] {
    return [...this.workers.keys()].sort();
  }

  onChange(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  private async emit(ch: ReturnType<typeof change>): Promise<void> {
    await this.opts.db.withTransaction(async (tx) => {
      for (const l of this.listeners) await l(ch, tx);
    });
  }

  // ---- deployments ---------------------------------------------------------------------------------------

  async deploy(req: DeployRequest): Promise<DeployResult> {
    // The same checks as embedded mode, so a model is accepted or refused alike in both modes.
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
    // Linked forms (zeebe:formDefinition formId) must be deployed to Zeebe too, or the user task raises an incident.
    const formIds = [...new Set([...model.elements.values()].map((e) => e.userTask?.formId).filter((x): x is string => !!x))];
    const resources: any[] = [
      { process: Buffer.from(req.xml, 'utf8'), name: req.resourceName.endsWith('.bpmn') ? req.resourceName : `${req.resourceName}.bpmn` },
      ...formIds.map((id) => ({ form: fs.readFileSync(path.join(this.formsDir, `${id}.form`)), name: `${id}.form` })),
    ];
    let res: any;
    try {
      res = await this.zbc.deployResources(resources);
    } catch (err) {
      if (grpcCode(err) === GRPC.INVALID_ARGUMENT) {
        throw validationFailed(`${req.resourceName}: Zeebe 拒绝部署 (Zeebe refused the deployment)`, [{ path: 'xml', reason: (err as Error).message.slice(0, 2000) }]);
      }
      throw err;
    }
    const proc = (res.deployments as any[]).map((d) => d.process).find((p) => p && p.bpmnProcessId === model.bpmnProcessId);
    if (!proc) throw new Error(`Zeebe deployed no process ${model.bpmnProcessId}`);
    const key = String(proc.processDefinitionKey);
    const version = Number(proc.version);
    const contentHash = crypto.createHash('sha256').update(req.xml).digest('hex');
    const now = this.opts.clock.now();
    const created = await this.opts.db.withTransaction(async (tx) => {
      if (await this.m.Deployment.findByPk(key, { transaction: tx, attributes: ['id'] })) return false;
      await this.m.Deployment.create({ id: key, bpmnProcessId: model.bpmnProcessId, name: model.name, version, resourceName: req.resourceName.slice(0, 255), xml: req.xml, contentHash, deployedBy: req.deployedBy ?? null, comment: req.comment ?? null, createdAt: now }, { transaction: tx });
      const ch = change('deployment.created', null, key, req.deployedBy ?? null, now, { bpmnProcessId: model.bpmnProcessId, version, resourceName: req.resourceName, ...(req.metadata ? { metadata: req.metadata } : {}) });
      for (const l of this.listeners) await l(ch, tx);
      return true;
    });
    this.models.set(key, Promise.resolve(model));
    return { deploymentId: key, bpmnProcessId: model.bpmnProcessId, name: model.name, version, created, contentHash };
  }

  /** Definitions deployed through this app (engine_deployments; id = Zeebe's process definition key). */
  listDeployments(filter: { bpmnProcessId?: string } = {}): Promise<DeploymentInfo[]> {
    return listDeploymentRecords(this.m.Deployment, filter);
  }

  getDeployment(deploymentId: string): Promise<DeploymentView | null> {
    return getDeploymentRecord(this.m.Deployment, deploymentId);
  }

  validateModel(xml: string): Promise<ModelProblem[]> {
    return validateModelXml(xml);
  }

  /** The compiled model of a deployed definition (from engine_deployments), or null when it was deployed elsewhere. */
  private model(processDefinitionKey: string): Promise<CompiledModel | null> {
    let p = this.models.get(processDefinitionKey);
    if (!p) {
      p = (async () => {
        const row = await this.m.Deployment.findByPk(processDefinitionKey);
        if (!row) return null;
        return compileDeployed(row.xml as string);
      })();
      p.catch(() => this.models.delete(processDefinitionKey));
      this.models.set(processDefinitionKey, p);
    }
    return p;
  }

  // ---- instances -----------------------------------------------------------------------------------------

  async startInstance(req: StartRequest): Promise<InstanceRef> {
    const variables = checkVariables(req.variables ?? {});
    let res: any;
    try {
      res = await this.zbc.createProcessInstance({ bpmnProcessId: req.bpmnProcessId, variables, ...(req.version !== undefined ? { version: req.version } : {}) } as any);
    } catch (err) {
      if (grpcCode(err) === GRPC.NOT_FOUND) throw notFound('流程 (process)', req.version !== undefined ? `${req.bpmnProcessId} v${req.version}` : req.bpmnProcessId);
      if (grpcCode(err) === GRPC.INVALID_ARGUMENT) throw validationFailed('Zeebe 拒绝启动流程 (Zeebe refused to start the instance)', [{ path: 'variables', reason: (err as Error).message.slice(0, 2000) }]);
      throw err;
    }
    const ref: InstanceRef = {
      instanceId: String(res.processInstanceKey), bpmnProcessId: res.bpmnProcessId, deploymentId: String(res.processDefinitionKey),
      version: Number(res.version), businessKey: req.businessKey ?? null, state: 'active',
    };
    const now = this.opts.clock.now();
    this.businessKeys.set(ref.instanceId, ref.businessKey);
    await this.opts.db.withTransaction(async (tx) => {
      await this.Instance.create({ id: ref.instanceId, processDefinitionKey: ref.deploymentId, bpmnProcessId: ref.bpmnProcessId, version: ref.version, businessKey: ref.businessKey, state: 'active', startedBy: req.startedBy ?? null, startedAt: now, endedAt: null }, { transaction: tx });
      // A sync running since Zeebe created the instance may have projected its first task without the key.
      if (ref.businessKey) await this.m.Task.update({ businessKey: ref.businessKey }, { where: { instanceId: ref.instanceId, businessKey: null }, transaction: tx });
      const ch = change('instance.started', ref.instanceId, ref.instanceId, req.startedBy ?? null, now, { bpmnProcessId: ref.bpmnProcessId, version: ref.version, businessKey: ref.businessKey });
      for (const l of this.listeners) await l(ch, tx);
    });
    return ref;
  }

  private async businessKey(instanceId: string): Promise<string | null> {
    if (this.businessKeys.has(instanceId)) return this.businessKeys.get(instanceId)!;
    const row = await this.Instance.findByPk(instanceId, { attributes: ['businessKey'] });
    const key = row?.businessKey ?? null;
    if (this.businessKeys.size > 10_000) this.businessKeys.clear();
    // Not cached when unknown: the row may be written a moment after Zeebe created the instance.
    if (row) this.businessKeys.set(instanceId, key);
    return key;
  }

  async cancelInstance(instanceId: string, actor: string): Promise<void> {
    try {
      await this.zbc.cancelProcessInstance(instanceId);
    } catch (err) {
      if (grpcCode(err) !== GRPC.NOT_FOUND) throw err;
      const known = await this.Instance.findByPk(instanceId);
      if (!known) throw notFound('流程实例 (instance)', instanceId);
      throw conflict(`流程实例已${known.state === 'canceled' ? '撤销' : '结束'} (instance is not active)`, 'INSTANCE_NOT_ACTIVE');
    }
    const now = this.opts.clock.now();
    await this.opts.db.withTransaction(async (tx) => {
      await this.Instance.update({ state: 'canceled', endedAt: now }, { where: { id: instanceId, state: 'active' }, transaction: tx });
      const open = await this.m.Task.findAll({ where: { instanceId, state: 'created' }, attributes: ['id'], transaction: tx });
      for (const t of open) await this.sync.close(t.id, 'canceled', actor, now, tx);
      const ch = change('instance.canceled', instanceId, instanceId, actor, now, {});
      for (const l of this.listeners) await l(ch, tx);
    });
  }

  async getVariables(instanceId: string): Promise<{ variables: Variables; startedBy: string | null } | null> {
    // Zeebe's REST answers variables with the instance; history is not fetched separately here anyway.
    const view = await this.getInstance(instanceId);
    return view ? { variables: view.variables, startedBy: view.startedBy } : null;
  }

  async getInstance(instanceId: string): Promise<InstanceView | null> {
    const row = await this.Instance.findByPk(instanceId);
    let pi;
    try {
      pi = await this.rest.getProcessInstance(instanceId);
    } catch (err) {
      if (!(err instanceof RestError && err.status === 404)) throw err;
      if (!row) return null;
    }
    const [vars, tasks, incidents] = await Promise.all([
      pi ? this.rest.searchVariables(instanceId) : Promise.resolve([]),
      this.m.Task.findAll({ where: { instanceId }, order: [['createdAt', 'ASC'], ['id', 'ASC']] }),
      this.listIncidents({ instanceId }),
    ]);
    const variables: Variables = {};
    for (const v of vars) {
      try {
        variables[v.name] = JSON.parse(v.value);
      } catch {
        variables[v.name] = v.value;
      }
    }
    const state: InstanceState = pi ? (pi.state === 'COMPLETED' ? 'completed' : pi.state === 'TERMINATED' ? 'canceled' : 'active') : row!.state;
    if (row && row.state === 'active' && state !== 'active') await this.markEnded(row, state, pi?.endDate ? new Date(pi.endDate) : this.opts.clock.now());
    // Zeebe's element history lives in Operate; the view shows what the app saw: its user tasks.
    const history: HistoryEntry[] = [];
    for (const t of tasks) {
      history.push({ elementId: t.elementId, elementType: 'bpmn:UserTask', name: t.name, event: 'started', at: new Date(t.createdAt).toISOString(), actor: null, detail: null });
      if (t.state !== 'created' && t.completedAt) {
        history.push({ elementId: t.elementId, elementType: 'bpmn:UserTask', name: t.name, event: t.state === 'completed' ? 'completed' : 'canceled', at: new Date(t.completedAt).toISOString(), actor: t.completedBy, detail: null });
      }
    }
    return {
      instanceId,
      bpmnProcessId: pi?.processDefinitionId ?? row!.bpmnProcessId,
      deploymentId: String(pi?.processDefinitionKey ?? row!.processDefinitionKey),
      version: Number(pi?.processDefinitionVersion ?? row!.version),
      businessKey: row?.businessKey ?? null,
      state,
      variables,
      startedAt: pi?.startDate ? new Date(pi.startDate).toISOString() : new Date(row!.startedAt).toISOString(),
      startedBy: row?.startedBy ?? null,
      endedAt: pi?.endDate ? new Date(pi.endDate).toISOString() : row?.endedAt ? new Date(row.endedAt).toISOString() : null,
      activeElements: state === 'active' ? tasks.filter((t) => t.state === 'created').map((t) => ({ elementId: t.elementId, elementType: 'bpmn:UserTask', name: t.name })) : [],
      history,
      incidents,
    };
  }

  private async markEnded(row: ZeebeInstance, state: InstanceState, at: Date): Promise<void> {
    await this.opts.db.withTransaction(async (tx) => {
      const [n] = await this.Instance.update({ state, endedAt: at }, { where: { id: row.id, state: 'active' }, transaction: tx });
      if (n !== 1) return;
      const ch = change(state === 'completed' ? 'instance.completed' : 'instance.canceled', row.id, row.id, null, this.opts.clock.now(), {});
      for (const l of this.listeners) await l(ch, tx);
    });
  }

  /** Instances whose tasks or jobs just finished may have ended: look them up and record it. */
  private async checkTouched(): Promise<void> {
    const ids = [...this.touchedInstances];
    this.touchedInstances.clear();
    for (const id of ids) {
      const row = await this.Instance.findByPk(id);
      if (!row || row.state !== 'active') continue;
      try {
        const pi = await this.rest.getProcessInstance(id);
        if (pi.state === 'COMPLETED' || pi.state === 'TERMINATED') await this.markEnded(row, pi.state === 'COMPLETED' ? 'completed' : 'canceled', pi.endDate ? new Date(pi.endDate) : this.opts.clock.now());
      } catch (err) {
        if (!(err instanceof RestError && err.status === 404)) throw err;
        this.touchedInstances.add(id); // not exported yet: look again next time
      }
    }
  }

  // ---- user tasks ----------------------------------------------------------------------------------------

  async completeUserTask(req: CompleteTaskRequest): Promise<void> {
    const variables = checkVariables(req.variables ?? {});
    const task = await this.m.Task.findByPk(req.taskId);
    if (!task) throw notFound('任务 (task)', req.taskId);
    if (task.state !== 'created') throw conflict('任务已被办理或已取消 (task is no longer open)', 'TASK_ALREADY_COMPLETED');
    // Marked before the call: a sync pass running meanwhile must leave this task to us.
    this.sync.wroteLocally(task.id);
    try {
      await this.rest.completeUserTask(task.id, variables);
    } catch (err) {
      if (err instanceof RestError && (err.status === 404 || err.status === 409)) throw conflict('任务已被办理或已取消 (task is no longer open)', 'TASK_ALREADY_COMPLETED');
      if (err instanceof RestError && err.status === 400) throw validationFailed('Camunda 拒绝办理 (Camunda refused the completion)', [{ path: 'variables', reason: err.detail }]);
      throw err;
    }
    this.sync.wroteLocally(task.id);
    const now = this.opts.clock.now();
    const n = await this.sync.close(task.id, 'completed', req.actor, now);
    if (n === 1) return;
    // Camunda accepted this completion, so it is ours even when a sync pass that had already looked the task up
    // closed the projection first (from Camunda's COMPLETED state): record who did it rather than report a 409.
    const row = await this.m.Task.findByPk(task.id, { attributes: ['id', 'state', 'completedBy'] });
    if (row?.state !== 'completed') throw conflict('任务已被办理或已取消 (task is no longer open)', 'TASK_ALREADY_COMPLETED');
    if (row.completedBy !== req.actor) await this.m.Task.update({ completedBy: req.actor, assignee: req.actor }, { where: { id: task.id, state: 'completed' } });
  }

  async assignUserTask(req: AssignTaskRequest): Promise<void> {
    const task = await this.m.Task.findByPk(req.taskId);
    if (!task) throw notFound('任务 (task)', req.taskId);
    if (task.state !== 'created') throw conflict('任务已被办理或已取消 (task is no longer open)', 'TASK_ALREADY_COMPLETED');
    if (req.assignee === null && !req.allowOverride && task.assignee !== req.actor) {
      throw conflict('只有当前签收人可以退回签收 (only the assignee can unclaim)', 'TASK_NOT_ASSIGNED_TO_YOU');
    }
    try {
      if (req.assignee === null) await this.rest.unassignUserTask(task.id);
      else await this.rest.assignUserTask(task.id, req.assignee, req.allowOverride);
    } catch (err) {
      if (err instanceof RestError && err.status === 404) throw conflict('任务已被办理或已取消 (task is no longer open)', 'TASK_ALREADY_COMPLETED');
      if (err instanceof RestError && err.status === 409) throw conflict(`任务已被他人签收 (task already claimed)`, 'TASK_ALREADY_CLAIMED');
      throw err;
    }
    this.sync.wroteLocally(task.id);
    const now = this.opts.clock.now();
    await this.opts.db.withTransaction(async (tx) => {
      const [n] = await this.m.Task.update({ assignee: req.assignee, claimedAt: req.assignee ? now : null }, { where: { id: task.id, state: 'created' }, transaction: tx });
      if (n !== 1) throw conflict('任务已被办理或已取消 (task is no longer open)', 'TASK_ALREADY_COMPLETED');
      const ch = change('task.assigned', task.instanceId, task.id, req.actor, now, { from: task.assignee, to: req.assignee });
      for (const l of this.listeners) await l(ch, tx);
    });
  }

  // ---- messages ------------------------------------------------------------------------------------------

  /**
   * Zeebe correlates asynchronously: the publish returns the message key only. `correlatedInstanceIds` is
   * therefore always empty here, and `buffered` says whether the message waits (time to live > 0).
   */
  async publishMessage(req: PublishMessageRequest): Promise<PublishResult> {
    const variables = checkVariables(req.variables ?? {});
    try {
      const res: any = await this.zbc.publishMessage({
        name: req.name, correlationKey: req.correlationKey, variables, timeToLive: req.timeToLiveMs ?? 0, ...(req.messageId ? { messageId: req.messageId } : {}),
      } as any);
      return { messageKey: String(res.key), correlatedInstanceIds: [], buffered: (req.timeToLiveMs ?? 0) > 0 };
    } catch (err) {
      if (grpcCode(err) === GRPC.ALREADY_EXISTS) throw conflict(`消息 ${req.messageId} 已发布 (message with this id is already buffered)`, 'MESSAGE_ALREADY_PUBLISHED');
      throw err;
    }
  }

  // ---- incidents -----------------------------------------------------------------------------------------

  async listIncidents(filter: { state?: 'open' | 'resolved'; instanceId?: string } = {}): Promise<IncidentView[]> {
    const f: Record<string, unknown> = {};
    if (filter.instanceId) f.processInstanceKey = filter.instanceId;
    if (filter.state) f.state = filter.state === 'open' ? 'ACTIVE' : 'RESOLVED';
    const rows = await this.rest.searchIncidents(f);
    const out: IncidentView[] = [];
    for (const r of rows) out.push(await this.incidentView(r));
    return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  private async incidentView(r: RestIncident & { processDefinitionKey?: string }): Promise<IncidentView> {
    const model = r.processDefinitionKey ? await this.model(String(r.processDefinitionKey)) : null;
    return {
      id: String(r.incidentKey), instanceId: String(r.processInstanceKey), bpmnProcessId: r.processDefinitionId, elementId: r.elementId,
      type: (INCIDENT_TYPES.has(r.errorType) ? r.errorType : 'ENGINE_ERROR') as IncidentView['type'],
      message: r.errorMessage ?? '', jobType: model?.elements.get(r.elementId)?.taskType ?? null,
      state: r.state === 'ACTIVE' || r.state === 'PENDING' ? 'open' : 'resolved', createdAt: new Date(r.creationTime).toISOString(), resolvedAt: null,
    };
  }

  async retryIncident(incidentId: string, retries = 1, actor?: string): Promise<void> {
    if (!Number.isInteger(retries) || retries < 1 || retries > 100) throw validationFailed('retries 必须是 1..100 的整数', [{ path: 'retries', reason: 'must be an integer 1..100' }]);
    const [inc] = await this.rest.searchIncidents({ incidentKey: incidentId });
    if (!inc) throw notFound('故障 (incident)', incidentId);
    if (inc.state !== 'ACTIVE') throw conflict('该故障已处理 (incident already resolved)', 'INCIDENT_RESOLVED');
    try {
      if (inc.jobKey) await this.zbc.updateJobRetries({ jobKey: String(inc.jobKey), retries } as any);
      await this.zbc.resolveIncident({ incidentKey: incidentId } as any);
    } catch (err) {
      if (grpcCode(err) === GRPC.NOT_FOUND) throw conflict('该故障已处理 (incident already resolved)', 'INCIDENT_RESOLVED');
      throw err;
    }
    await this.emit(change('incident.resolved', String(inc.processInstanceKey), incidentId, actor ?? null, this.opts.clock.now(), { retries }));
  }

  // ---- job workers ---------------------------------------------------------------------------------------

  private async pollLoop(type: string): Promise<void> {
    const s = this.opts.zeebe;
    const reg = this.workers.get(type)!;
    let failures = 0;
    while (this.running) {
      let jobs: any[];
      try {
        jobs = await this.zbc.activateJobs({
          type, worker: s.workerName ?? 'fucheng-eproc', maxJobsToActivate: s.maxJobsPerType ?? 8,
          timeout: (reg.options.timeoutMs ?? DEFAULT_WORKER_TIMEOUT_MS) + JOB_TIMEOUT_MARGIN_MS, requestTimeout: s.longPollMs ?? 10_000,
        } as any);
        failures = 0;
      } catch (err) {
        if (!this.running) break;
        failures++;
        this.log('activating jobs failed', { type, error: (err as Error).message });
        await new Promise((r) => setTimeout(r, Math.min(30_000, 250 * 2 ** Math.min(failures, 7))));
        continue;
      }
      await Promise.all(jobs.map((j) => this.track(this.handle(type, j))));
    }
  }

  private track(p: Promise<void>): Promise<void> {
    this.inflight.add(p);
    return p.finally(() => this.inflight.delete(p));
  }

  /** Runs one activated job through its worker and answers Zeebe: complete, throw a BPMN error, or fail. */
  private async handle(type: string, raw: any): Promise<void> {
    const reg = this.workers.get(type)!;
    const jobKey = String(raw.key);
    const instanceId = String(raw.processInstanceKey);
    const job: Job = {
      key: `${instanceId}:${raw.elementId}:${String(raw.elementInstanceKey)}`,
      type,
      instanceId,
      bpmnProcessId: raw.bpmnProcessId,
      elementId: raw.elementId,
      businessKey: await this.businessKey(instanceId).catch(() => null),
      variables: plain<Variables>(raw.variables),
      headers: plain<Record<string, string>>(raw.customHeaders),
      retries: Number(raw.retries),
    };
    const ctx = {
      now: () => this.opts.clock.now(),
      log: (m: string, data?: Record<string, unknown>) => this.log(m, { jobKey, key: job.key, type, ...data }),
    };
    try {
      let out: Variables | void;
      try {
        const limit = reg.options.timeoutMs ?? DEFAULT_WORKER_TIMEOUT_MS;
        let timer: NodeJS.Timeout | undefined;
        try {
          out = await Promise.race([
            Promise.resolve(reg.fn(job, ctx)),
            new Promise<never>((_, reject) => {
              timer = setTimeout(() => reject(new Error(`worker "${type}" timed out after ${limit} ms`)), limit);
            }),
          ]);
        } finally {
          clearTimeout(timer);
        }
      } catch (err) {
        if (err instanceof BpmnError) {
          await this.zbc.throwError({ jobKey, errorCode: err.code, errorMessage: err.message, variables: err.variables ?? {} } as any);
          return;
        }
        await this.failJob(job, jobKey, reg.options.retries, errorText(err));
        return;
      }
      if (Array.isArray(out)) {
        // Not a variables document: the SDK cannot send it, and sending nothing would lose it silently.
        await this.failJob(job, jobKey, reg.options.retries, ARRAY_RESULT_MESSAGE);
        return;
      }
      try {
        await this.zbc.completeJob({ jobKey, variables: (out && typeof out === 'object' ? out : {}) as any });
      } catch (err) {
        // Zeebe refuses the result itself (not an object, too large): answering again would be refused again and
        // the job would come back after every time-out without end, so it fails like a worker error (→ incident).
        if (grpcCode(err) !== GRPC.INVALID_ARGUMENT) throw err;
        await this.failJob(job, jobKey, reg.options.retries, `Zeebe 拒绝了作业结果 (Zeebe refused the job's result): ${(err as Error).message}`);
      }
    } catch (err) {
      // NOT_FOUND: the job was completed by an earlier delivery, or its instance ended: nothing to do.
      if (grpcCode(err) === GRPC.NOT_FOUND || grpcCode(err) === GRPC.FAILED_PRECONDITION) this.log('job answer refused by Zeebe', { jobKey, type, error: (err as Error).message });
      else this.log('job answer failed; Zeebe will hand the job out again after its timeout', { jobKey, type, error: (err as Error).message });
    } finally {
      this.touchedInstances.add(instanceId);
    }
  }

  /** FailJob with one retry less and back-off as in embedded mode; the last retry opens an incident. */
  private async failJob(job: Job, jobKey: string, configuredRetries: number | undefined, text: string): Promise<void> {
    const left = Math.max(0, job.retries - 1);
    const message = text.slice(0, 2000);
    const attempt = Math.max(1, (configuredRetries ?? DEFAULT_RETRIES) - left);
    const retryBackOff = left > 0 ? Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1)) : 0;
    this.log('job failed', { jobKey, type: job.type, retriesLeft: left, error: message });
    await this.zbc.failJob({ jobKey, retries: left, errorMessage: message, retryBackOff } as any);
    if (left === 0) await this.emit(change('incident.created', job.instanceId, jobKey, null, this.opts.clock.now(), { elementId: job.elementId, type: 'JOB_NO_RETRIES', message }));
  }

  // ---- lifecycle -----------------------------------------------------------------------------------------

  /** Brings the task projection up to date and notices ended instances; returns how many tasks changed. */
  runDue(): Promise<number> {
    if (this.syncing) return this.syncing;
    this.syncing = (async () => {
      const n = await this.sync.sync();
      await this.checkTouched();
      return n;
    })().finally(() => {
      this.syncing = null;
    });
    return this.syncing;
  }

  /** Resolves when no job is being handled in this process (for tests and shutdown). */
  async whenIdle(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.loops = [...this.workers.keys()].map((type) => this.pollLoop(type));
    await this.runDue().catch((err) => this.log('task sync failed', { error: (err as Error).message }));
    this.poller = setInterval(() => {
      this.runDue().catch((err) => this.log('task sync failed', { error: (err as Error).message }));
    }, this.opts.pollIntervalMs ?? 1000);
    this.poller.unref();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.poller) clearInterval(this.poller);
    this.poller = null;
    // Jobs in hand are answered first; then the channel closes and the open long polls run out (at most
    // longPollMs; a job activated in between is handed out again by Zeebe after its timeout).
    await this.whenIdle();
    await this.zbc.close().catch(() => undefined);
    await Promise.allSettled(this.loops);
    await this.whenIdle();
    if (this.syncing) await this.syncing.catch(() => 0);
  }

  /** For /api/health: can we reach the gateway? */
  async topology(): Promise<unknown> {
    return this.zbc.topology();
  }

  async ping(): Promise<void> {
    await this.topology();
  }
}

