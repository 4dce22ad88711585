/**
 * The engine port: the only way the rest of the application talks to a BPMN engine.
 * Two adapters implement it: `embedded` (bpmn-engine, state in the app DB) and `zeebe` (Camunda 8).
 * Keys are strings (Zeebe's int64 keys do not fit a JS number).
 */
import type { Transaction } from 'sequelize';

export type Variables = Record<string, unknown>;

export type InstanceState = 'active' | 'completed' | 'canceled';

export interface DeployRequest {
  /** BPMN 2.0 XML, Camunda 8 (zeebe) flavour. */
  xml: string;
  /** File name, e.g. `procurement.bpmn`. */
  resourceName: string;
  deployedBy?: string | null;
  comment?: string | null;
  /** Passed unchanged to the `deployment.created` change listeners (e.g. the modeller's source and diff). */
  metadata?: Record<string, unknown>;
}

/** A deployed version, without its XML. */
export interface DeploymentInfo {
  deploymentId: string;
  bpmnProcessId: string;
  name: string | null;
  version: number;
  resourceName: string;
  contentHash: string;
  deployedBy: string | null;
  comment: string | null;
  createdAt: string;
}

export interface DeploymentView extends DeploymentInfo {
  xml: string;
}

/** A problem the engine finds in a model it would refuse; `path` starts with the element id when there is one. */
export interface ModelProblem {
  path: string;
  reason: string;
}

export interface DeployResult {
  deploymentId: string;
  bpmnProcessId: string;
  name: string | null;
  version: number;
  /** false when the same content was already deployed: no new version is made. */
  created: boolean;
  contentHash: string;
}

export interface StartRequest {
  bpmnProcessId: string;
  /** Omitted: the newest version. */
  version?: number;
  variables?: Variables;
  businessKey?: string | null;
  startedBy?: string | null;
}

export interface InstanceRef {
  instanceId: string;
  bpmnProcessId: string;
  deploymentId: string;
  version: number;
  businessKey: string | null;
  state: InstanceState;
}

export interface ActiveElement {
  elementId: string;
  elementType: string;
  name: string | null;
}

export interface HistoryEntry {
  elementId: string;
  elementType: string;
  name: string | null;
  event: 'started' | 'completed' | 'canceled' | 'error';
  at: string;
  actor: string | null;
  detail: string | null;
}

export interface IncidentView {
  id: string;
  instanceId: string;
  bpmnProcessId: string;
  elementId: string;
  type: 'JOB_NO_RETRIES' | 'CONDITION_ERROR' | 'EXTRACT_VALUE_ERROR' | 'UNHANDLED_ERROR_EVENT' | 'ENGINE_ERROR';
  message: string;
  jobType: string | null;
  state: 'open' | 'resolved';
  createdAt: string;
  resolvedAt: string | null;
}

export interface InstanceView extends InstanceRef {
  variables: Variables;
  startedAt: string;
  startedBy: string | null;
  endedAt: string | null;
  activeElements: ActiveElement[];
  history: HistoryEntry[];
  incidents: IncidentView[];
}

export interface CompleteTaskRequest {
  taskId: string;
  variables?: Variables;
  /** User name of whoever completes it; recorded on the task and in the history. */
  actor: string;
}

export interface AssignTaskRequest {
  taskId: string;
  /** null unassigns. */
  assignee: string | null;
  /** false: fail with a conflict when someone else holds the task (claim). */
  allowOverride: boolean;
  actor: string;
}

export interface PublishMessageRequest {
  name: string;
  correlationKey: string;
  variables?: Variables;
  /** How long an uncorrelated message waits for a subscriber (Zeebe semantics). 0 = not buffered. */
  timeToLiveMs?: number;
  /** Idempotency: a second publish with the same id while the first is buffered is rejected. */
  messageId?: string | null;
}

export interface PublishResult {
  messageKey: string;
  /** Instances the message was delivered to now (empty when buffered). */
  correlatedInstanceIds: string[];
  buffered: boolean;
}

/** What a worker receives: Zeebe's job, engine-neutral. */
export interface Job {
  /**
   * Stable per execution of the element: the same on every delivery of the same job (embedded
   * `instanceId:elementId:n`, zeebe `processInstanceKey:elementId:elementInstanceKey`). Key a worker's outside
   * effects by it; the runner also answers a repeated delivery from `job_executions` (idempotent-worker.ts).
   */
  key: string;
  type: string;
  instanceId: string;
  bpmnProcessId: string;
  elementId: string;
  businessKey: string | null;
  variables: Variables;
  headers: Record<string, string>;
  retries: number;
}

export interface WorkerContext {
  now(): Date;
  log(msg: string, data?: Record<string, unknown>): void;
}

/** A worker returns the variables to merge into the instance, or throws BpmnError / any Error. */
export type Worker = (job: Job, ctx: WorkerContext) => Promise<Variables | void> | Variables | void;

export interface WorkerOptions {
  /** Used when the model gives no `zeebe:taskDefinition retries`. */
  retries?: number;
  /** A call that takes longer fails (and is retried): a hung worker must not hold its instance forever. */
  timeoutMs?: number;
}

/** Thrown by a worker to trigger an error boundary event with this error code. */
export class BpmnError extends Error {
  constructor(
    readonly code: string,
    message?: string,
    readonly variables: Variables = {},
  ) {
    super(message ?? code);
    this.name = 'BpmnError';
  }
}

/** A state change, handed to listeners inside the transaction that commits it (audit trail, outbox). */
export interface EngineChange {
  kind:
    | 'instance.started'
    | 'instance.completed'
    | 'instance.canceled'
    | 'task.created'
    | 'task.completed'
    | 'task.assigned'
    | 'task.canceled'
    | 'message.correlated'
    | 'incident.created'
    | 'incident.resolved'
    | 'deployment.created';
  instanceId: string | null;
  objectId: string;
  actor: string | null;
  at: Date;
  data: Record<string, unknown>;
}

export type ChangeListener = (change: EngineChange, tx: Transaction) => Promise<void> | void;

export interface EnginePort {
  readonly kind: 'embedded' | 'zeebe';
  registerWorker(type: string, worker: Worker, options?: WorkerOptions): void;
  /** Task types that have a worker: a model using another type is refused at deploy. */
  taskTypes(): string[];
  /** Called in the transaction of every state change. */
  onChange(listener: ChangeListener): void;
  /** Resolves when the engine answers, rejects when not (Zeebe: a gateway topology call). Absent: in process. */
  ping?(): Promise<void>;

  deploy(req: DeployRequest): Promise<DeployResult>;
  /** Every deployed version (optional: an adapter without it cannot serve the modeller's version history). */
  listDeployments?(filter?: { bpmnProcessId?: string }): Promise<DeploymentInfo[]>;
  /** One deployed version with its XML, or null. */
  getDeployment?(deploymentId: string): Promise<DeploymentView | null>;
  /**
   * The engine's own structural deploy checks on a model, without deploying it and without the worker/form
   * checks (the caller lints those). Empty when the engine would run the model.
   */
  validateModel?(xml: string): Promise<ModelProblem[]>;
  startInstance(req: StartRequest): Promise<InstanceRef>;
  completeUserTask(req: CompleteTaskRequest): Promise<void>;
  assignUserTask(req: AssignTaskRequest): Promise<void>;
  publishMessage(req: PublishMessageRequest): Promise<PublishResult>;
  cancelInstance(instanceId: string, actor: string): Promise<void>;
  getInstance(instanceId: string): Promise<InstanceView | null>;
  /**
   * The instance's variables and starter, without its history and incidents: what a task completion reads to
   * validate a form and check segregation of duties (a long procurement's history is hundreds of rows).
   */
  getVariables(instanceId: string): Promise<{ variables: Variables; startedBy: string | null } | null>;
  listIncidents(filter?: { state?: 'open' | 'resolved'; instanceId?: string }): Promise<IncidentView[]>;
  retryIncident(incidentId: string, retries?: number, actor?: string): Promise<void>;

  /** Start schedulers (timers, job retries) and resume what was interrupted. */
  start(): Promise<void>;
  stop(): Promise<void>;
}
