/**
 * One engine run: bpmn-engine is started or recovered from the instance's snapshot, driven until every path
 * waits (user task, timer, message, job backoff) or ends, and what changed is collected for the store to
 * commit in one transaction. Nothing here writes to the database.
 */
import { EventEmitter } from 'node:events';
import { Engine as BpmnEngine } from 'bpmn-engine';
import zeebeSchema from 'zeebe-bpmn-moddle/resources/zeebe.json' with { type: 'json' };
import type { Clock } from '../../clock.ts';
import { BpmnError, type Job, type Variables, type Worker, type WorkerOptions } from '../port.ts';
import { ARRAY_RESULT_MESSAGE, errorText } from '../worker-result.ts';
import { ISOInterval, getDate } from '@0dep/piso';
import { evalFeel, isFeel, FeelError } from './feel.ts';
import { newKey } from './keys.ts';
import type { CompiledModel, ElementInfo } from './model.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Api = any;

const DEFAULT_RETRIES = 3;
const BACKOFF_BASE_MS = 1_000;
const BACKOFF_MAX_MS = 5 * 60_000;
const DEFAULT_WORKER_TIMEOUT_MS = 60_000;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

export interface JobRecord {
  id: string;
  elementId: string;
  executionId: string;
  type: string;
  retries: number;
  state: 'pending' | 'failed';
  nextAttemptAt: Date | null;
  errorMessage: string | null;
}

export interface OpenTaskRef {
  id: string;
  executionId: string;
  elementId: string;
}

export interface NewTask {
  id: string;
  executionId: string;
  elementId: string;
  name: string | null;
  formId: string | null;
  assignee: string | null;
  candidateGroups: string[];
  candidateUsers: string[];
  dueAt: Date | null;
  followUpAt: Date | null;
  headers: Record<string, string>;
}

export interface TimerRecord {
  executionId: string;
  elementId: string;
  dueAt: Date;
}

export interface SubscriptionRecord {
  executionId: string;
  elementId: string;
  messageName: string;
  correlationKey: string;
}

export interface NewIncident {
  elementId: string;
  type: 'JOB_NO_RETRIES' | 'UNHANDLED_ERROR_EVENT';
  message: string;
  jobType: string | null;
  jobId: string;
}

export interface HistoryRecord {
  elementId: string;
  elementType: string;
  name: string | null;
  event: 'started' | 'completed' | 'canceled' | 'error';
  at: Date;
  actor: string | null;
  detail: string | null;
}

/** What an instance waits for, kept in its row so that loading it takes one query. */
export interface WaitState {
  openTasks: OpenTaskRef[];
  timers: TimerRecord[];
  subscriptions: SubscriptionRecord[];
  jobs: JobRecord[];
}

export interface RunInput {
  instanceId: string;
  bpmnProcessId: string;
  businessKey: string | null;
  model: CompiledModel;
  clock: Clock;
  workers: Map<string, { fn: Worker; options: WorkerOptions }>;
  log: (msg: string, data?: Record<string, unknown>) => void;
  /** Absent for a new instance. */
  snapshot?: unknown;
  /** The committed process variables of an existing instance. */
  variables?: Variables;
  counters?: Record<string, number>;
  wait?: WaitState;
}

export interface RunResult {
  snapshot: unknown;
  variables: Variables;
  counters: Record<string, number>;
  ended: boolean;
  activeElements: { elementId: string; elementType: string; name: string | null }[];
  newTasks: NewTask[];
  completedTasks: { id: string; executionId: string; elementId: string; actor: string }[];
  canceledTasks: { id: string; executionId: string; elementId: string }[];
  /** The state after this operation; `previous` is what was committed before it. */
  wait: WaitState;
  previous: WaitState;
  resolvedJobIds: string[];
  incidents: NewIncident[];
  history: HistoryRecord[];
}

/** An ISO 8601 date-time with zone and a real calendar date, or null. */
function parseIsoDateTime(value: unknown): Date | null {
  if (typeof value !== 'string' || !ISO_DATE_TIME.test(value)) return null;
  const [y, m, d] = [Number(value.slice(0, 4)), Number(value.slice(5, 7)), Number(value.slice(8, 10))];
  const day = new Date(Date.UTC(y, m - 1, d));
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== m - 1 || day.getUTCDate() !== d) return null;
  const parsed = new Date(value);
  return Number.isNaN(parsed.getTime()) ? null : parsed;
}

/** Sets `a.b.c` in `target`, creating objects on the way (replacing non-objects). */
function setPath(target: Variables, path: string, value: unknown): void {
  const parts = path.split('.');
  let node: Record<string, unknown> = target;
  for (const key of parts.slice(0, -1)) {
    const next = node[key];
    node = node[key] = next && typeof next === 'object' && !Array.isArray(next) ? { ...(next as Record<string, unknown>) } : {};
  }
  node[parts[parts.length - 1]!] = value;
}

/** A failure of the model at run time (no matching gateway condition, bad FEEL, …): nothing is saved. */
export class EngineRunError extends Error {
  constructor(
    readonly elementId: string | null,
    message: string,
  ) {
    super(message);
    this.name = 'EngineRunError';
  }
}

export class InstanceRun {
  private engine: any;
  private listener = new EventEmitter();
  private waits = new Map<string, { api: Api; elementId: string; kind: 'user' | 'message' }>();
  private pending = 0;
  private pendingZero: (() => void)[] = [];
  private failure: EngineRunError | null = null;
  private ended = false;
  private counters: Record<string, number>;
  /**
   * The process variables. Zeebe has one process scope that every element sees; bpmn-engine copies variables
   * into each sub-process environment, so the run keeps them here and FEEL reads them from here.
   */
  private vars: Variables;
  // State that outlives one operation (a run may be kept hot in memory between operations).
  private readonly openTasks: Map<string, OpenTaskRef>;
  private readonly knownTimers: Map<string, TimerRecord>;
  private readonly activeTimers = new Map<string, TimerRecord>();
  private readonly timerFires = new Map<string, () => void>();
  private readonly jobs: Map<string, JobRecord>;
  private readonly jobReruns = new Map<string, () => void>();
  private readonly subscriptions = new Map<string, SubscriptionRecord>();
  private readonly timeDates = new Map<string, Date>();
  private previous: WaitState;
  // What the current operation changed.
  private resolvedJobIds: string[] = [];
  private newTasks = new Map<string, NewTask>();
  private completedTasks: { id: string; executionId: string; elementId: string; actor: string }[] = [];
  private canceledTasks: { id: string; executionId: string; elementId: string }[] = [];
  private signaled = new Map<string, string>();
  private incidents: NewIncident[] = [];
  private history: HistoryRecord[] = [];

  constructor(private readonly input: RunInput) {
    this.counters = { ...(input.counters ?? {}) };
    this.vars = { ...(input.variables ?? {}) };
    const wait = input.wait ?? { openTasks: [], timers: [], subscriptions: [], jobs: [] };
    this.previous = wait;
    this.openTasks = new Map(wait.openTasks.map((t) => [t.executionId, t]));
    this.knownTimers = new Map(wait.timers.map((t) => [t.executionId, { ...t, dueAt: new Date(t.dueAt) }]));
    this.jobs = new Map(wait.jobs.map((j) => [j.id, { ...j, nextAttemptAt: j.nextAttemptAt ? new Date(j.nextAttemptAt) : null }]));
    this.wireListener();
    this.engine = new BpmnEngine({
      name: input.instanceId,
      sourceContext: input.model.sourceContext,
      moddleOptions: { zeebe: zeebeSchema },
      extensions: { zeebe: (activity: any) => this.extension(activity) },
      expressions: this.expressions(),
      timers: this.timers(),
      settings: { enableDummyService: false },
    } as any);
    this.engine.on('error', (err: Error) => this.fail(null, err));
  }

  // ---- driving ------------------------------------------------------------------------------------------

  async start(variables: Variables): Promise<void> {
    this.vars = { ...variables };
    await this.engine.execute({ listener: this.listener });
    await this.settle();
  }

  async resume(): Promise<void> {
    this.engine.recover(this.input.snapshot);
    await this.engine.resume({ listener: this.listener });
    await this.settle();
  }

  /** Starts a new operation on a run kept in memory since the last one committed. */
  beginOperation(): void {
    this.resolvedJobIds = [];
    this.newTasks = new Map();
    this.completedTasks = [];
    this.canceledTasks = [];
    this.signaled = new Map();
    this.incidents = [];
    this.history = [];
  }

  /** Fires timers and re-runs job retries that are due by the clock (a recovered run did so on resume). */
  async poke(): Promise<void> {
    const now = this.input.clock.now().getTime();
    for (const [execId, t] of [...this.activeTimers]) {
      if (t.dueAt.getTime() <= now) this.timerFires.get(execId)?.();
    }
    for (const [jobId, rerun] of [...this.jobReruns]) {
      const job = this.jobs.get(jobId);
      if (job?.state === 'pending' && (!job.nextAttemptAt || job.nextAttemptAt.getTime() <= now)) {
        this.jobReruns.delete(jobId);
        rerun();
      }
    }
    await this.settle();
  }

  /** Completes a waiting user task with its variables (already validated by the caller). */
  async completeUserTask(executionId: string, variables: Variables, actor: string): Promise<boolean> {
    const wait = this.waits.get(executionId);
    if (!wait || wait.kind !== 'user') return false;
    const info = this.info(wait.elementId);
    this.applyOutputs(info, variables, wait.api.content);
    this.signaled.set(executionId, actor);
    const taskId = this.openTasks.get(executionId)?.id ?? this.newTasks.get(executionId)?.id;
    if (!taskId) return false;
    this.completedTasks.push({ id: taskId, executionId, elementId: wait.elementId, actor });
    wait.api.signal({ ...variables });
    await this.settle();
    return true;
  }

  /** Delivers a message to a waiting catch event; false when this instance does not wait for it. */
  async deliverMessage(executionId: string, variables: Variables): Promise<boolean> {
    const wait = this.waits.get(executionId);
    if (!wait || wait.kind !== 'message') return false;
    this.applyOutputs(this.info(wait.elementId), variables);
    wait.api.signal({ ...variables });
    await this.settle();
    return true;
  }

  async cancel(): Promise<void> {
    const defs = await this.engine.getDefinitions();
    for (const def of defs) for (const proc of def.getRunningProcesses()) proc.getApi().discard();
    await this.settle();
    this.ended = true;
  }

  waitingMessages(): SubscriptionRecord[] {
    return [...this.subscriptions.values()];
  }

  /** What this operation changed and the state to commit. The run stays usable for the next operation. */
  async result(): Promise<RunResult> {
    if (this.failure) throw this.failure;
    const postponed: Api[] = this.ended ? [] : (this.engine.execution?.getPostponed() ?? []);
    const raw = this.ended ? null : await this.engine.getState();
    // The model is supplied from the deployment on recovery; keeping it out of the snapshot halves its size.
    for (const d of raw?.definitions ?? []) delete d.source;
    for (const t of this.newTasks.values()) this.openTasks.set(t.executionId, { id: t.id, executionId: t.executionId, elementId: t.elementId });
    for (const t of [...this.completedTasks, ...this.canceledTasks]) this.openTasks.delete(t.executionId);
    const wait: WaitState = this.ended
      ? { openTasks: [], timers: [], subscriptions: [], jobs: [] }
      : {
          openTasks: [...this.openTasks.values()],
          timers: [...this.activeTimers.values()],
          subscriptions: [...this.subscriptions.values()],
          jobs: [...this.jobs.values()],
        };
    const result: RunResult = {
      snapshot: raw,
      variables: this.variables(),
      counters: { ...this.counters },
      ended: this.ended,
      activeElements: postponed.map((a) => ({ elementId: a.id, elementType: a.type, name: a.name ?? null })),
      newTasks: [...this.newTasks.values()],
      completedTasks: this.completedTasks,
      canceledTasks: this.canceledTasks,
      wait,
      previous: this.previous,
      resolvedJobIds: this.resolvedJobIds,
      incidents: this.incidents,
      history: this.history,
    };
    this.previous = structuredClone(wait);
    return result;
  }


  async dispose(): Promise<void> {
    this.listener.removeAllListeners();
    // bpmn-engine's stop() never settles on an engine that failed; a dropped engine needs no stop then.
    if (this.engine.execution && !this.ended && !this.failure) {
      try {
        await Promise.race([this.engine.stop(), new Promise((r) => setTimeout(r, 1_000).unref())]);
      } catch {
        /* it is dropped anyway */
      }
    }
    this.engine.removeAllListeners();
  }

  /** Waits until no worker call or timer callback is outstanding and the engine has nothing queued. */
  private async settle(): Promise<void> {
    for (;;) {
      if (this.pending > 0) await new Promise<void>((r) => this.pendingZero.push(r));
      await new Promise((r) => setImmediate(r));
      if (this.pending === 0) break;
    }
    if (this.failure) throw this.failure;
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.pending++;
    return p.finally(() => {
      this.pending--;
      if (this.pending === 0) this.pendingZero.splice(0).forEach((r) => r());
    });
  }

  private fail(elementId: string | null, err: unknown): void {
    if (this.failure) return;
    const e = err as { message?: string; source?: { content?: { id?: string } }; inner?: Error };
    const id = elementId ?? e?.source?.content?.id ?? null;
    const message = (e?.inner instanceof FeelError ? e.inner.message : e?.message) ?? String(err);
    this.failure = new EngineRunError(id, id ? `${id}: ${message}` : message);
  }

  // ---- variables -----------------------------------------------------------------------------------------

  private variables(): Variables {
    return { ...this.vars };
  }

  private setVariables(vars: Variables): void {
    Object.assign(this.vars, vars);
  }

  /** Zeebe output semantics: with output mappings only the mapped targets reach the process, else everything. */
  private applyOutputs(info: ElementInfo, local: Variables, content?: any): void {
    if (info.loop && content && !content.isRootScope) {
      // A multi-instance iteration: its variables stay local; only outputElement reaches outputCollection[index].
      const { outputCollection, outputElement } = info.loop;
      if (!outputCollection) return;
      const scope = { ...this.variables(), ...this.loopLocals({ content }), ...local };
      const value = outputElement ? evalFeel(outputElement, scope) : null;
      const existing = this.vars[outputCollection];
      const current = Array.isArray(existing) ? [...existing] : [];
      current[content.index ?? current.length] = value;
      this.setVariables({ [outputCollection]: current });
      return;
    }
    if (!info.outputs.length) {
      this.setVariables(local);
      return;
    }
    const scope = { ...this.variables(), ...local };
    const out: Variables = {};
    for (const m of info.outputs) {
      const value = evalFeel(m.source, { ...scope, ...out });
      const root = m.target.split('.')[0]!;
      // A path target extends the existing object; a plain target replaces the variable (Zeebe).
      if (root !== m.target && !(root in out)) out[root] = structuredClone(this.vars[root] ?? {});
      setPath(out, m.target, value);
    }
    this.setVariables(out);
  }

  private inputScope(info: ElementInfo, extra: Variables = {}): Variables {
    const scope: Variables = { ...this.variables(), ...extra };
    for (const m of info.inputs) scope[m.target] = evalFeel(m.source, scope);
    return scope;
  }

  private info(elementId: string): ElementInfo {
    const info = this.input.model.elements.get(elementId);
    if (!info) throw new EngineRunError(elementId, `element ${elementId} is not in the deployed model`);
    return info;
  }

  // ---- bpmn-engine plug-ins ------------------------------------------------------------------------------

  private expressions() {
    return {
      isExpression: (text: unknown) => isFeel(text),
      hasExpression: (text: unknown) => isFeel(text),
      resolveExpression: (expression: unknown, context: any) => {
        const value = isFeel(expression) ? evalFeel(expression, { ...this.vars, ...this.loopLocals(context) }) : expression;
        const info = this.input.model.elements.get(context?.content?.id);
        if (info?.timer !== undefined && info.timer === expression && (value === null || value === undefined || value === '')) {
          // bpmn-engine would treat an empty timer as no timer and pass on at once; Zeebe fails the element.
          throw new FeelError(String(expression), `timer ${String(expression)} evaluated to nothing`);
        }
        return info?.timeDate !== undefined && info.timeDate === expression ? this.shiftTimeDate(info.id, value) : value;
      },
    };
  }

  /** Inside a multi-instance body, the element variable (zeebe inputElement) is visible to FEEL. */
  private loopLocals(context: any): Variables {
    const content = context?.content;
    const id = content?.id;
    if (!id || content?.isRootScope) return {};
    const loop = this.input.model.elements.get(id)?.loop;
    if (!loop?.inputElement || !(loop.inputElement in content)) return {};
    return { [loop.inputElement]: content[loop.inputElement], loopCounter: (content.index ?? 0) + 1 };
  }

  private timers() {
    const run = this;
    const clearTimeout = (ref: any) => {
      if (!ref?.executionId) return;
      run.activeTimers.delete(ref.executionId);
      run.timerFires.delete(ref.executionId);
    };
    return {
      get executing() {
        return [];
      },
      setTimeout: (cb: () => void, _delay: number) => ({ cb }),
      clearTimeout,
      register(owner: any) {
        return {
          setTimeout(cb: (...args: unknown[]) => void, delay: number, ...args: unknown[]) {
            const executionId: string = owner.executionId;
            const known = run.knownTimers.get(executionId);
            const dueAt = known?.dueAt ?? run.timerDue(owner, delay);
            const rec: TimerRecord = { executionId, elementId: owner.id, dueAt };
            run.activeTimers.set(executionId, rec);
            const ref = { executionId };
            // Fires after the engine has finished registering the timer (never re-entrantly).
            const fire = () => {
              run.timerFires.delete(executionId);
              run.track(new Promise<void>((resolve) => setImmediate(resolve))).then(() => {
                if (!run.activeTimers.has(executionId)) return;
                run.activeTimers.delete(executionId);
                run.knownTimers.delete(executionId);
                try {
                  cb(...args);
                } catch (err) {
                  run.fail(owner.id, err);
                }
              });
            };
            if (dueAt.getTime() <= run.input.clock.now().getTime()) fire();
            else run.timerFires.set(executionId, fire);
            return ref;
          },
          clearTimeout,
        };
      },
    };
  }

  /** When a new timer is due by the injected clock (bpmn-engine itself computes with the real clock). */
  /**
   * bpmn-engine compares a timeDate with the real clock and fires at once when it has passed. It is handed the
   * date moved by (real now − clock now), so that it waits exactly when the injected clock says the date is
   * ahead; the true date is kept for the due time. With the system clock the shift is zero.
   */
  private shiftTimeDate(elementId: string, value: unknown): unknown {
    if (value === null || value === undefined || value === '') return value;
    let date: Date;
    try {
      date = getDate(String(value));
    } catch {
      return value; // the engine reports the bad date
    }
    this.timeDates.set(elementId, date);
    return new Date(date.getTime() + (Date.now() - this.input.clock.now().getTime())).toISOString();
  }

  timerDue(owner: any, delay: number): Date {
    const now = this.input.clock.now();
    const type: string | undefined = owner.timerType;
    const value = type ? owner[type] : undefined;
    try {
      if (type === 'timeDate' && this.timeDates.has(owner.id)) return this.timeDates.get(owner.id)!;
      if (type === 'timeDate' && value) return getDate(String(value));
      if ((type === 'timeDuration' || type === 'timeCycle') && value) return new ISOInterval(String(value)).parse().getExpireAt(now, now);
    } catch {
      /* fall back to the engine's own delay */
    }
    return new Date(now.getTime() + Math.max(0, delay));
  }

  private extension(activity: any) {
    const info = this.input.model.elements.get(activity.id);
    if (info?.taskType && activity.behaviour) {
      const run = this;
      activity.behaviour.Service = function ZeebeJobService() {
        return { execute: (msg: any, cb: (err: unknown, out?: unknown) => void) => run.executeJob(info, msg, cb) };
      };
    }
    return { activate() {}, deactivate() {} };
  }

  private wireListener(): void {
    const l = this.listener;
    const now = () => this.input.clock.now();
    const record = (api: Api, event: HistoryRecord['event'], actor: string | null = null, detail: string | null = null) => {
      if (!api?.id || api.type === 'bpmn:SequenceFlow' || api.type === 'bpmn:Process') return;
      if (api.content?.isMultiInstance && api.content?.isRootScope === false) return;
      this.history.push({ elementId: api.id, elementType: api.type, name: api.name ?? null, event, at: now(), actor, detail });
    };
    l.on('activity.start', (api: Api) => {
      if (api.fields?.redelivered) return;
      record(api, 'started');
    });
    l.on('activity.end', (api: Api) => {
      // Events (none end, intermediate throw, timer catch) apply their output mappings when they complete;
      // tasks and message catches apply theirs with the variables they complete with.
      const info = this.input.model.elements.get(api.id);
      if (info?.outputs.length && !info.taskType && !info.message && !info.userTask && /Event$/.test(info.type)) {
        try {
          this.applyOutputs(info, {});
        } catch (err) {
          this.fail(info.id, err);
        }
      }
      const execId = api.content?.executionId;
      const actor = execId ? (this.signaled.get(execId) ?? null) : null;
      record(api, 'completed', actor);
      this.closeElement(api, false);
    });
    l.on('activity.discard', (api: Api) => {
      record(api, 'canceled');
      this.closeElement(api, true);
    });
    l.on('activity.leave', (api: Api) => this.closeElement(api, true));
    l.on('wait', (api: Api) => this.onWait(api));
    l.on('process.end', () => {
      this.ended = true;
    });
    let lastErrorElement: string | null = null;
    l.on('process.error', (api: Api) => {
      const err = api?.content?.error ?? new Error('process error');
      this.fail(err?.source?.content?.id ?? lastErrorElement ?? api?.id ?? null, err);
    });
    l.on('activity.error', (api: Api) => {
      // A caught error is normal flow; an uncaught one becomes process.error, naming this element.
      lastErrorElement = api.id;
      record(api, 'error', null, api.content?.error?.message ?? null);
    });
  }

  private closeElement(api: Api, canceled: boolean): void {
    const execId: string | undefined = api.content?.executionId;
    if (!execId) return;
    const wait = this.waits.get(execId);
    if (wait) {
      this.waits.delete(execId);
      if (wait.kind === 'user' && canceled && !this.signaled.has(execId)) {
        if (this.newTasks.has(execId)) this.newTasks.delete(execId);
        else if (this.openTasks.has(execId)) this.canceledTasks.push({ ...this.openTasks.get(execId)! });
      }
    }
    this.subscriptions.delete(execId);
  }

  private onWait(api: Api): void {
    const execId: string = api.executionId ?? api.content?.executionId;
    const info = this.input.model.elements.get(api.id);
    if (!info) return;
    if (api.type === 'bpmn:UserTask') {
      if (api.content?.isRootScope && info.loop) return;
      this.waits.set(execId, { api, elementId: api.id, kind: 'user' });
      if (this.openTasks.has(execId) || this.newTasks.has(execId)) return;
      try {
        this.newTasks.set(execId, this.describeTask(info, execId, api));
      } catch (err) {
        this.fail(api.id, err);
      }
      return;
    }
    if (info.message) {
      this.waits.set(execId, { api, elementId: api.id, kind: 'message' });
      try {
        const key = info.message.correlationKey ? evalFeel(info.message.correlationKey, this.variables()) : null;
        if (key === null || key === undefined || key === '') {
          throw new EngineRunError(api.id, `correlation key ${info.message.correlationKey} evaluated to nothing`);
        }
        this.subscriptions.set(execId, { executionId: execId, elementId: api.id, messageName: info.message.name, correlationKey: String(key) });
      } catch (err) {
        this.fail(api.id, err);
      }
    }
  }

  private describeTask(info: ElementInfo, executionId: string, api: Api): NewTask {
    const u = info.userTask ?? {};
    const scope = this.inputScope(info, this.loopLocals({ content: api.content }));
    const list = (v: string | undefined): string[] => {
      if (!v) return [];
      const r = evalFeel(v, scope);
      const arr = Array.isArray(r) ? r : String(r ?? '').split(',');
      return arr.map((x) => String(x).trim()).filter(Boolean);
    };
    const date = (v: string | undefined, what: string): Date | null => {
      if (!v) return null;
      const r = evalFeel(v, scope);
      if (r === null || r === undefined || r === '') return null;
      // Only an ISO 8601 date-time with a zone (as FEEL's date and time() gives): a number or 2026-02-30 is a model error.
      const d = parseIsoDateTime(r);
      if (!d) throw new EngineRunError(info.id, `${what} ${v} is not an ISO date-time with a time zone (got ${JSON.stringify(r)})`);
      return d;
    };
    const assignee = u.assignee ? String(evalFeel(u.assignee, scope) ?? '').trim() || null : null;
    return {
      id: newKey(),
      executionId,
      elementId: info.id,
      name: info.name,
      formId: u.formId ?? null,
      assignee,
      candidateGroups: list(u.candidateGroups),
      candidateUsers: list(u.candidateUsers),
      dueAt: date(u.dueDate, 'due date'),
      followUpAt: date(u.followUpDate, 'follow-up date'),
      headers: info.headers,
    };
  }

  // ---- jobs ----------------------------------------------------------------------------------------------

  private executeJob(info: ElementInfo, msg: any, cb: (err: unknown, out?: unknown) => void, rerunOf?: string): void {
    let jobId = rerunOf;
    if (!jobId) {
      const redelivered = Boolean(msg.fields?.redelivered);
      if (!redelivered) this.counters[info.id] = (this.counters[info.id] ?? 0) + 1;
      const n = this.counters[info.id] ?? 1;
      // Stable across a crash before commit: the re-run from the same snapshot computes the same key.
      jobId = `${this.input.instanceId}:${info.id}:${n}`;
    }
    const key = jobId;
    const executionId: string = msg.content?.executionId ?? '';
    const existing = this.jobs.get(jobId);
    const now = this.input.clock.now();
    this.jobReruns.set(key, () => this.executeJob(info, msg, cb, key));
    if (existing?.state === 'failed') return; // incident open: wait for a retry
    if (existing?.state === 'pending' && existing.nextAttemptAt && existing.nextAttemptAt > now) return; // backoff
    this.jobReruns.delete(key);

    const registered = this.input.workers.get(info.taskType!);
    const retries = existing?.retries ?? info.retries ?? registered?.options.retries ?? DEFAULT_RETRIES;
    let scope: Variables;
    try {
      scope = this.inputScope(info, this.loopLocals({ content: msg.content }));
    } catch (err) {
      this.fail(info.id, err);
      return;
    }
    const job: Job = {
      key,
      type: info.taskType!,
      instanceId: this.input.instanceId,
      bpmnProcessId: this.input.bpmnProcessId,
      elementId: info.id,
      businessKey: this.input.businessKey,
      variables: scope,
      headers: { ...info.headers },
      retries,
    };
    const ctx = {
      now: () => this.input.clock.now(),
      log: (m: string, data?: Record<string, unknown>) => this.input.log(m, { jobId: key, type: job.type, ...data }),
    };
    // A failure of any kind (thrown value, BPMN error, a result that is not variables) ends here.
    const onFailure = (err: unknown): void => {
      if (err instanceof BpmnError) {
        if (info.catchableErrors.has(err.code) || info.catchableErrors.has('*')) {
          if (existing) this.resolvedJobIds.push(key);
          this.jobs.delete(key);
          this.setVariables(err.variables);
          cb(Object.assign(new Error(err.message), { code: err.code, name: 'BpmnError' }));
          return;
        }
        this.jobs.set(key, { id: key, elementId: info.id, executionId, type: job.type, retries: 0, state: 'failed', nextAttemptAt: null, errorMessage: `BPMN error ${err.code}: ${err.message}` });
        this.incidents.push({ elementId: info.id, type: 'UNHANDLED_ERROR_EVENT', message: `BPMN error "${err.code}" is not caught by any boundary event: ${err.message}`, jobType: job.type, jobId: key });
        this.jobReruns.set(key, () => this.executeJob(info, msg, cb, key));
        return;
      }
      const left = retries - 1;
      const message = errorText(err);
      this.input.log('job failed', { jobId: key, type: job.type, retriesLeft: left, error: message });
      this.jobReruns.set(key, () => this.executeJob(info, msg, cb, key));
      if (left > 0) {
        const attempt = Math.max(1, (info.retries ?? DEFAULT_RETRIES) - left);
        const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
        this.jobs.set(key, { id: key, elementId: info.id, executionId, type: job.type, retries: left, state: 'pending', nextAttemptAt: new Date(this.input.clock.now().getTime() + delay), errorMessage: message.slice(0, 2000) });
      } else {
        this.jobs.set(key, { id: key, elementId: info.id, executionId, type: job.type, retries: 0, state: 'failed', nextAttemptAt: null, errorMessage: message.slice(0, 2000) });
        this.incidents.push({ elementId: info.id, type: 'JOB_NO_RETRIES', message: `job "${job.type}" failed and has no retries left: ${message}`.slice(0, 2000), jobType: job.type, jobId: key });
      }
    };
    this.track(
      (async () => {
        if (!registered) throw new Error(`no worker registered for task type "${info.taskType}"`);
        const limit = registered.options.timeoutMs ?? DEFAULT_WORKER_TIMEOUT_MS;
        let timer: NodeJS.Timeout | undefined;
        try {
          return await Promise.race([
            Promise.resolve(registered.fn(job, ctx)),
            new Promise<never>((_, reject) => {
              timer = setTimeout(() => reject(new Error(`worker "${job.type}" timed out after ${limit} ms`)), limit);
            }),
          ]);
        } finally {
          clearTimeout(timer);
        }
      })(),
    ).then(
      (out) => {
        if (Array.isArray(out)) return onFailure(new Error(ARRAY_RESULT_MESSAGE));
        if (existing) this.resolvedJobIds.push(key);
        this.jobs.delete(key);
        try {
          const vars = out && typeof out === 'object' ? (out as Variables) : {};
          this.applyOutputs(info, vars, msg.content);
          cb(null, vars);
        } catch (err) {
          this.fail(info.id, err);
        }
      },
      (err) => onFailure(err),
    );
  }
}
