/**
 * The state machine behind the Zeebe test doubles: a tiny, single-partition stand-in for a Zeebe broker that
 * executes a SUBSET of BPMN with Zeebe's documented semantics, so that the adapter's protocol use can be tested
 * without a broker. It is NOT Zeebe and proves nothing about Zeebe itself.
 *
 * BPMN subset (anything else is refused at deploy with INVALID_ARGUMENT, naming the element):
 *   - none start event, none end event, none intermediate throw event (with zeebe:ioMapping outputs);
 *   - service task with zeebe:taskDefinition (type, retries), zeebe:taskHeaders, zeebe:ioMapping;
 *   - Camunda user task (<zeebe:userTask/>) with zeebe:assignmentDefinition (assignee / candidateGroups /
 *     candidateUsers, static or FEEL), zeebe:formDefinition formId, zeebe:taskSchedule dueDate/followUpDate (FEEL),
 *     zeebe:ioMapping;
 *   - exclusive gateway with FEEL conditions and a default flow (no match and no default → CONDITION_ERROR incident);
 *   - intermediate message catch event with zeebe:subscription correlationKey;
 *   - interrupting error boundary event on a service task (by errorCode, or catch-all without errorRef).
 * One token per instance (a linear path through gateways). Keys are int64 decimal strings like Zeebe's
 * (partition 1 keys start at 2^51 + 1). Time (job deadlines, retry back-off, message TTL, task dates) follows the
 * injected clock; long polling waits in real time.
 */
import crypto from 'node:crypto';
import BpmnModdle from 'bpmn-moddle';
import zeebeSchema from 'zeebe-bpmn-moddle/resources/zeebe.json' with { type: 'json' };
import { evaluate } from '@bpmn-io/feelin';
import type { Clock } from '../../../server/clock.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Vars = Record<string, unknown>;

export class BrokerError extends Error {
  constructor(
    /** gRPC-style status name; the REST double maps it to an HTTP status. */
    readonly status: 'NOT_FOUND' | 'INVALID_ARGUMENT' | 'FAILED_PRECONDITION' | 'ALREADY_EXISTS' | 'CONFLICT',
    message: string,
  ) {
    super(message);
  }
}

interface Mapping {
  source: string;
  target: string;
}

interface ElementDef {
  id: string;
  type: string;
  name: string | null;
  outgoing: { id: string; target: string; condition: string | null }[];
  defaultFlow: string | null;
  inputs: Mapping[];
  outputs: Mapping[];
  taskType?: string;
  retries?: number;
  headers: Record<string, string>;
  user?: { assignee?: string; candidateGroups?: string; candidateUsers?: string; formId?: string; dueDate?: string; followUpDate?: string };
  message?: { name: string; correlationKey: string };
  /** Error boundaries attached to this element: errorCode (null = catch-all) → boundary element id. */
  errorBoundaries: { code: string | null; boundaryId: string }[];
}

interface ProcessDef {
  key: string;
  bpmnProcessId: string;
  version: number;
  resourceName: string;
  checksum: string;
  start: string;
  elements: Map<string, ElementDef>;
}

export interface JobRecord {
  key: string;
  type: string;
  instanceKey: string;
  elementId: string;
  elementInstanceKey: string;
  processDefinitionKey: string;
  bpmnProcessId: string;
  version: number;
  retries: number;
  state: 'activatable' | 'activated' | 'failed';
  deadline: number;
  backoffUntil: number;
  worker: string;
  headers: Record<string, string>;
  local: Vars;
  errorMessage: string;
  /** How many times this job was handed to a worker (activation count). */
  activations: number;
  /** Handed to a worker that has not answered yet (complete, fail or throw error). */
  awaitingAnswer: boolean;
}

export interface UserTaskRecord {
  userTaskKey: string;
  elementId: string;
  elementInstanceKey: string;
  name: string | null;
  processInstanceKey: string;
  processDefinitionKey: string;
  processDefinitionId: string;
  processDefinitionVersion: number;
  formKey: string | null;
  assignee: string | null;
  candidateGroups: string[];
  candidateUsers: string[];
  state: 'CREATED' | 'COMPLETED' | 'CANCELED';
  creationDate: string;
  completionDate: string | null;
  dueDate: string | null;
  followUpDate: string | null;
  customHeaders: Record<string, string>;
  priority: number;
  local: Vars;
  /** Real time (ms) from which the record is visible to search: secondary storage lags behind the broker. */
  visibleAt: number;
}

export interface IncidentRecord {
  incidentKey: string;
  processInstanceKey: string;
  processDefinitionId: string;
  elementId: string;
  elementInstanceKey: string;
  errorType: 'JOB_NO_RETRIES' | 'UNHANDLED_ERROR_EVENT' | 'CONDITION_ERROR' | 'EXTRACT_VALUE_ERROR';
  errorMessage: string;
  jobKey: string | null;
  state: 'ACTIVE' | 'RESOLVED';
  creationTime: string;
}

export interface InstanceRecord {
  key: string;
  def: ProcessDef;
  vars: Vars;
  state: 'ACTIVE' | 'COMPLETED' | 'TERMINATED';
  /** The element the single token is at (while waiting), with its element-instance key. */
  at: { elementId: string; elementInstanceKey: string } | null;
  startDate: string;
  endDate: string | null;
}

interface Subscription {
  instanceKey: string;
  elementId: string;
  elementInstanceKey: string;
  name: string;
  correlationKey: string;
}

interface BufferedMessage {
  key: string;
  /** Zeebe correlates a message at most once per process (bpmnProcessId). */
  correlatedTo: Set<string>;
  name: string;
  correlationKey: string;
  messageId: string;
  variables: Vars;
  expiresAt: number;
}

const moddle = new BpmnModdle({ zeebe: zeebeSchema });

function feel(expression: string, vars: Vars): unknown {
  const body = expression.trimStart().startsWith('=') ? expression.trimStart().slice(1) : null;
  if (body === null) return expression;
  const { value } = evaluate(body, vars) as { value: unknown };
  return plain(value);
}

function plain(value: unknown): unknown {
  if (value && typeof value === 'object') {
    if (typeof (value as { toISO?: unknown }).toISO === 'function') return (value as { toISO(): string }).toISO();
    if (Array.isArray(value)) return value.map(plain);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

function setPath(target: Vars, path: string, value: unknown): void {
  const parts = path.split('.');
  let node: Vars = target;
  for (const key of parts.slice(0, -1)) {
    const next = node[key];
    node = node[key] = next && typeof next === 'object' && !Array.isArray(next) ? { ...(next as Vars) } : {};
  }
  node[parts[parts.length - 1]!] = value;
}

const ext = (el: any, type: string): any => (el.extensionElements?.values ?? []).find((v: any) => v.$type === type);

export class Broker {
  /** Fault injection: while stalled, Topology calls get no answer (a hung cluster); unstalling answers them. */
  private stalledTopology: (() => void)[] | null = null;
  stallTopology(on: boolean): void {
    if (on) this.stalledTopology ??= [];
    else {
      const waiting = this.stalledTopology ?? [];
      this.stalledTopology = null;
      for (const release of waiting) release();
    }
  }
  /** Resolves at once, or when the stall ends. */
  topologyAnswer(): Promise<void> {
    return this.stalledTopology ? new Promise((resolve) => this.stalledTopology!.push(resolve)) : Promise.resolve();
  }
  private nextKey = 2n ** 51n + 1n;
  readonly processes = new Map<string, ProcessDef>();
  readonly forms = new Map<string, { formId: string; version: number; formKey: string; checksum: string }>();
  readonly instances = new Map<string, InstanceRecord>();
  readonly jobs = new Map<string, JobRecord>();
  readonly userTasks = new Map<string, UserTaskRecord>();
  readonly incidents = new Map<string, IncidentRecord>();
  private readonly subscriptions: Subscription[] = [];
  private readonly messages: BufferedMessage[] = [];
  private readonly waiters = new Set<() => void>();
  /**
   * Fault injection: the next N CompleteJob commands are acknowledged but lost (as when a command is not
   * committed before a leader change); Zeebe then hands the job out again after its deadline.
   */
  loseCompletions = 0;
  /** Counts of calls by name, so tests can check what the adapter asked for. */
  readonly calls = new Map<string, number>();

  constructor(
    readonly clock: Clock,
    /** How long (real ms) a change takes to reach the search endpoints (Zeebe's exporter lag). */
    public searchLagMs = 0,
  ) {}

  key(): string {
    return String(this.nextKey++);
  }

  count(call: string): void {
    this.calls.set(call, (this.calls.get(call) ?? 0) + 1);
  }

  private now(): number {
    return this.clock.now().getTime();
  }

  /** Wakes long-polling activations. */
  notify(): void {
    for (const w of [...this.waiters]) w();
  }

  onChange(fn: () => void): () => void {
    this.waiters.add(fn);
    return () => this.waiters.delete(fn);
  }

  // ---- deployment ----------------------------------------------------------------------------------------

  async deploy(resources: { name: string; content: Buffer }[]): Promise<{ key: string; deployments: any[] }> {
    if (!resources.length) throw new BrokerError('INVALID_ARGUMENT', 'Expected to deploy at least one resource, but none given');
    const out: any[] = [];
    const parsed: { kind: 'process'; def: Omit<ProcessDef, 'key' | 'version'> }[] = [];
    const forms: { formId: string; checksum: string; name: string }[] = [];
    for (const r of resources) {
      const checksum = crypto.createHash('md5').update(r.content).digest('hex');
      if (r.name.endsWith('.form')) {
        let form: { id?: unknown };
        try {
          form = JSON.parse(r.content.toString('utf8'));
        } catch {
          throw new BrokerError('INVALID_ARGUMENT', `'${r.name}': form is not valid JSON`);
        }
        if (typeof form.id !== 'string') throw new BrokerError('INVALID_ARGUMENT', `'${r.name}': form has no id`);
        forms.push({ formId: form.id, checksum, name: r.name });
      } else if (r.name.endsWith('.bpmn')) {
        parsed.push({ kind: 'process', def: await this.parse(r.name, r.content.toString('utf8'), checksum) });
      } else {
        throw new BrokerError('INVALID_ARGUMENT', `Expected to deploy a resource with a known extension, but got '${r.name}'`);
      }
    }
    for (const f of forms) {
      const prev = this.forms.get(f.formId);
      if (prev && prev.checksum === f.checksum) out.push({ form: { formId: f.formId, version: prev.version, formKey: prev.formKey, resourceName: f.name, tenantId: '<default>' } });
      else {
        const rec = { formId: f.formId, version: (prev?.version ?? 0) + 1, formKey: this.key(), checksum: f.checksum };
        this.forms.set(f.formId, rec);
        out.push({ form: { formId: f.formId, version: rec.version, formKey: rec.formKey, resourceName: f.name, tenantId: '<default>' } });
      }
    }
    for (const p of parsed) {
      const latest = this.latest(p.def.bpmnProcessId);
      // Zeebe: deploying the same content again makes no new version and returns the existing one.
      let def: ProcessDef;
      if (latest && latest.checksum === p.def.checksum) def = latest;
      else {
        def = { ...p.def, key: this.key(), version: (latest?.version ?? 0) + 1 };
        this.processes.set(def.key, def);
      }
      out.push({ process: { bpmnProcessId: def.bpmnProcessId, version: def.version, processDefinitionKey: def.key, resourceName: def.resourceName, tenantId: '<default>' } });
    }
    return { key: this.key(), deployments: out };
  }

  private latest(bpmnProcessId: string): ProcessDef | undefined {
    let best: ProcessDef | undefined;
    for (const p of this.processes.values()) if (p.bpmnProcessId === bpmnProcessId && (!best || p.version > best.version)) best = p;
    return best;
  }

  private async parse(resourceName: string, xml: string, checksum: string): Promise<Omit<ProcessDef, 'key' | 'version'>> {
    let root: any;
    try {
      ({ rootElement: root } = await moddle.fromXML(xml, 'bpmn:Definitions'));
    } catch (err) {
      throw new BrokerError('INVALID_ARGUMENT', `'${resourceName}': ${(err as Error).message}`);
    }
    const procs = (root.rootElements ?? []).filter((e: any) => e.$type === 'bpmn:Process' && e.isExecutable);
    if (procs.length !== 1) throw new BrokerError('INVALID_ARGUMENT', `'${resourceName}': the double supports exactly one executable process per resource`);
    const proc = procs[0];
    const elements = new Map<string, ElementDef>();
    const refuse = (id: string, why: string) => new BrokerError('INVALID_ARGUMENT', `'${resourceName}': element '${id}': ${why} (outside the test double's BPMN subset)`);
    let start: string | null = null;
    const flows = (proc.flowElements ?? []).filter((e: any) => e.$type === 'bpmn:SequenceFlow');
    for (const el of proc.flowElements ?? []) {
      if (el.$type === 'bpmn:SequenceFlow') continue;
      const io = ext(el, 'zeebe:IoMapping');
      const def: ElementDef = {
        id: el.id,
        type: el.$type,
        name: el.name ?? null,
        outgoing: flows.filter((f: any) => f.sourceRef.id === el.id).map((f: any) => ({ id: f.id, target: f.targetRef.id, condition: f.conditionExpression?.body ?? null })),
        defaultFlow: el.default?.id ?? null,
        inputs: (io?.inputParameters ?? []).map((m: any) => ({ source: m.source, target: m.target })),
        outputs: (io?.outputParameters ?? []).map((m: any) => ({ source: m.source, target: m.target })),
        headers: Object.fromEntries((ext(el, 'zeebe:TaskHeaders')?.values ?? []).map((h: any) => [h.key, h.value])),
        errorBoundaries: [],
      };
      const defs = el.eventDefinitions ?? [];
      switch (el.$type) {
        case 'bpmn:StartEvent':
          if (defs.length) throw refuse(el.id, 'only none start events');
          start = el.id;
          break;
        case 'bpmn:EndEvent':
          if (defs.length) throw refuse(el.id, 'only none end events');
          break;
        case 'bpmn:IntermediateThrowEvent':
          if (defs.length) throw refuse(el.id, 'only none intermediate throw events');
          break;
        case 'bpmn:ServiceTask': {
          const td = ext(el, 'zeebe:TaskDefinition');
          if (!td?.type) throw new BrokerError('INVALID_ARGUMENT', `'${resourceName}': element '${el.id}': Must have exactly one 'zeebe:taskDefinition' extension element`);
          def.taskType = td.type;
          def.retries = Number(td.retries ?? 3);
          break;
        }
        case 'bpmn:UserTask': {
          if (!ext(el, 'zeebe:UserTask')) throw refuse(el.id, 'only Camunda user tasks (<zeebe:userTask/>)');
          const a = ext(el, 'zeebe:AssignmentDefinition');
          const f = ext(el, 'zeebe:FormDefinition');
          const s = ext(el, 'zeebe:TaskSchedule');
          def.user = { assignee: a?.assignee, candidateGroups: a?.candidateGroups, candidateUsers: a?.candidateUsers, formId: f?.formId, dueDate: s?.dueDate, followUpDate: s?.followUpDate };
          break;
        }
        case 'bpmn:ExclusiveGateway':
          break;
        case 'bpmn:IntermediateCatchEvent': {
          const m = defs[0];
          if (defs.length !== 1 || m.$type !== 'bpmn:MessageEventDefinition') throw refuse(el.id, 'only message catch events');
          const sub = ext(m.messageRef, 'zeebe:Subscription');
          def.message = { name: m.messageRef.name, correlationKey: sub?.correlationKey ?? '' };
          break;
        }
        case 'bpmn:BoundaryEvent': {
          const e = defs[0];
          if (defs.length !== 1 || e.$type !== 'bpmn:ErrorEventDefinition' || el.cancelActivity === false) throw refuse(el.id, 'only interrupting error boundary events');
          break;
        }
        default:
          throw refuse(el.id, `${el.$type} is not supported`);
      }
      elements.set(el.id, def);
    }
    for (const el of proc.flowElements ?? []) {
      if (el.$type !== 'bpmn:BoundaryEvent') continue;
      const host = elements.get(el.attachedToRef.id);
      if (!host?.taskType) throw refuse(el.id, 'error boundaries only on service tasks');
      host.errorBoundaries.push({ code: el.eventDefinitions[0].errorRef?.errorCode ?? null, boundaryId: el.id });
    }
    if (!start) throw new BrokerError('INVALID_ARGUMENT', `'${resourceName}': process has no none start event`);
    return { bpmnProcessId: proc.id, resourceName, checksum, start, elements };
  }

  // ---- instances -----------------------------------------------------------------------------------------

  createInstance(req: { bpmnProcessId: string; version: number; processDefinitionKey?: string; variables: Vars }): InstanceRecord {
    let def: ProcessDef | undefined;
    if (req.processDefinitionKey && req.processDefinitionKey !== '0') def = this.processes.get(req.processDefinitionKey);
    else if (req.version > 0) def = [...this.processes.values()].find((p) => p.bpmnProcessId === req.bpmnProcessId && p.version === req.version);
    else def = this.latest(req.bpmnProcessId);
    if (!def) throw new BrokerError('NOT_FOUND', `Expected to find process definition with process ID '${req.bpmnProcessId}', but none found`);
    const inst: InstanceRecord = { key: this.key(), def, vars: { ...req.variables }, state: 'ACTIVE', at: null, startDate: this.clock.now().toISOString(), endDate: null };
    this.instances.set(inst.key, inst);
    this.enter(inst, def.start);
    return inst;
  }

  cancelInstance(key: string): void {
    const inst = this.instances.get(key);
    if (!inst || inst.state !== 'ACTIVE') throw new BrokerError('NOT_FOUND', `Expected to cancel a process instance with key '${key}', but no such process was found`);
    this.end(inst, 'TERMINATED');
  }

  private visibleLater(): number {
    return Date.now() + this.searchLagMs;
  }

  /** Moves the token into an element and runs until it waits or the instance ends. */
  private enter(inst: InstanceRecord, elementId: string): void {
    const el = inst.def.elements.get(elementId)!;
    const eik = this.key();
    inst.at = { elementId, elementInstanceKey: eik };
    let local: Vars;
    try {
      local = this.inputs(el, inst.vars);
    } catch (err) {
      this.incident(inst, el, eik, 'EXTRACT_VALUE_ERROR', (err as Error).message, null);
      return;
    }
    switch (el.type) {
      case 'bpmn:StartEvent':
        return this.leave(inst, el, {}, {});
      case 'bpmn:EndEvent':
        try {
          this.applyOutputs(inst, el, local, {});
        } catch (err) {
          return this.incident(inst, el, eik, 'EXTRACT_VALUE_ERROR', (err as Error).message, null);
        }
        return this.end(inst, 'COMPLETED');
      case 'bpmn:ServiceTask': {
        const job: JobRecord = {
          key: this.key(), type: el.taskType!, instanceKey: inst.key, elementId, elementInstanceKey: eik, processDefinitionKey: inst.def.key,
          bpmnProcessId: inst.def.bpmnProcessId, version: inst.def.version, retries: el.retries ?? 3, state: 'activatable', deadline: 0, backoffUntil: 0,
          worker: '', headers: el.headers, local, errorMessage: '', activations: 0, awaitingAnswer: false,
        };
        this.jobs.set(job.key, job);
        this.notify();
        return;
      }
      case 'bpmn:UserTask': {
        const scope = { ...inst.vars, ...local };
        try {
          const u = el.user!;
          const list = (v?: string) => {
            if (!v) return [];
            const r = feel(v, scope);
            return (Array.isArray(r) ? r : String(r ?? '').split(',')).map((x) => String(x).trim()).filter(Boolean);
          };
          const date = (v?: string) => {
            if (!v) return null;
            const r = feel(v, scope);
            return r === null || r === undefined || r === '' ? null : new Date(String(r)).toISOString();
          };
          const assignee = u.assignee ? String(feel(u.assignee, scope) ?? '').trim() || null : null;
          const t: UserTaskRecord = {
            userTaskKey: this.key(), elementId, elementInstanceKey: eik, name: el.name, processInstanceKey: inst.key, processDefinitionKey: inst.def.key,
            processDefinitionId: inst.def.bpmnProcessId, processDefinitionVersion: inst.def.version,
            formKey: u.formId ? (this.forms.get(u.formId)?.formKey ?? null) : null,
            assignee, candidateGroups: list(u.candidateGroups), candidateUsers: list(u.candidateUsers), state: 'CREATED',
            creationDate: this.clock.now().toISOString(), completionDate: null, dueDate: date(u.dueDate), followUpDate: date(u.followUpDate),
            customHeaders: el.headers, priority: 50, local, visibleAt: this.visibleLater(),
          };
          if (u.formId && !t.formKey) {
            // Zeebe raises an incident when a linked form was never deployed.
            return this.incident(inst, el, eik, 'EXTRACT_VALUE_ERROR', `Expected to find a form with id '${u.formId}', but no form with this id is found`, null);
          }
          this.userTasks.set(t.userTaskKey, t);
        } catch (err) {
          this.incident(inst, el, eik, 'EXTRACT_VALUE_ERROR', (err as Error).message, null);
        }
        return;
      }
      case 'bpmn:ExclusiveGateway': {
        // A merging gateway with one unconditional outgoing flow just passes the token on.
        if (el.outgoing.length === 1 && el.outgoing[0]!.condition === null) return this.enter(inst, el.outgoing[0]!.target);
        for (const f of el.outgoing) {
          if (f.id === el.defaultFlow || f.condition === null) continue;
          let ok: unknown;
          try {
            ok = feel(f.condition, inst.vars);
          } catch (err) {
            return this.incident(inst, el, eik, 'CONDITION_ERROR', (err as Error).message, null);
          }
          if (ok === true) return this.enter(inst, f.target);
        }
        const dflt = el.outgoing.find((f) => f.id === el.defaultFlow);
        if (dflt) return this.enter(inst, dflt.target);
        return this.incident(inst, el, eik, 'CONDITION_ERROR', `Expected at least one condition to evaluate to true, or to have a default flow`, null);
      }
      case 'bpmn:IntermediateCatchEvent': {
        let key: unknown;
        try {
          key = feel(el.message!.correlationKey, inst.vars);
        } catch (err) {
          return this.incident(inst, el, eik, 'EXTRACT_VALUE_ERROR', (err as Error).message, null);
        }
        if (key === null || key === undefined) return this.incident(inst, el, eik, 'EXTRACT_VALUE_ERROR', `Failed to extract the correlation key for '${el.message!.correlationKey}'`, null);
        const sub: Subscription = { instanceKey: inst.key, elementId, elementInstanceKey: eik, name: el.message!.name, correlationKey: String(key) };
        const buffered = this.messages.find((m) => m.name === sub.name && m.correlationKey === sub.correlationKey && m.expiresAt > this.now() && !m.correlatedTo.has(inst.def.bpmnProcessId));
        if (buffered) {
          buffered.correlatedTo.add(inst.def.bpmnProcessId);
          return this.correlate(inst, sub, buffered.variables);
        }
        this.subscriptions.push(sub);
        return;
      }
      case 'bpmn:BoundaryEvent':
      case 'bpmn:IntermediateThrowEvent':
        return this.leave(inst, el, local, {});
    }
  }

  private inputs(el: ElementDef, vars: Vars): Vars {
    const local: Vars = {};
    for (const m of el.inputs) setPath(local, m.target, feel(m.source, { ...vars, ...local }));
    return local;
  }

  /** Zeebe output semantics: with output mappings only the targets reach the process scope, else the result does. */
  private applyOutputs(inst: InstanceRecord, el: ElementDef, local: Vars, result: Vars): void {
    if (!el.outputs.length) {
      Object.assign(inst.vars, result);
      return;
    }
    const scope = { ...inst.vars, ...local, ...result };
    const updates: Vars = { ...inst.vars };
    for (const m of el.outputs) setPath(updates, m.target, feel(m.source, scope));
    Object.assign(inst.vars, updates);
  }

  private leave(inst: InstanceRecord, el: ElementDef, local: Vars, result: Vars): void {
    try {
      if (el.type !== 'bpmn:StartEvent') this.applyOutputs(inst, el, local, result);
    } catch (err) {
      return this.incident(inst, el, inst.at!.elementInstanceKey, 'EXTRACT_VALUE_ERROR', (err as Error).message, null);
    }
    const next = el.outgoing[0];
    if (!next) return this.end(inst, 'COMPLETED');
    this.enter(inst, next.target);
  }

  private end(inst: InstanceRecord, state: 'COMPLETED' | 'TERMINATED'): void {
    inst.state = state;
    inst.at = null;
    inst.endDate = this.clock.now().toISOString();
    for (const [k, j] of this.jobs) if (j.instanceKey === inst.key) this.jobs.delete(k);
    for (const t of this.userTasks.values()) {
      if (t.processInstanceKey === inst.key && t.state === 'CREATED') Object.assign(t, { state: 'CANCELED', completionDate: inst.endDate, visibleAt: this.visibleLater() });
    }
    for (let i = this.subscriptions.length - 1; i >= 0; i--) if (this.subscriptions[i]!.instanceKey === inst.key) this.subscriptions.splice(i, 1);
    for (const inc of this.incidents.values()) if (inc.processInstanceKey === inst.key) inc.state = 'RESOLVED';
  }

  private incident(inst: InstanceRecord, el: ElementDef, eik: string, type: IncidentRecord['errorType'], message: string, jobKey: string | null): void {
    const inc: IncidentRecord = {
      incidentKey: this.key(), processInstanceKey: inst.key, processDefinitionId: inst.def.bpmnProcessId, elementId: el.id, elementInstanceKey: eik,
      errorType: type, errorMessage: message, jobKey, state: 'ACTIVE', creationTime: this.clock.now().toISOString(),
    };
    this.incidents.set(inc.incidentKey, inc);
  }

  // ---- jobs ----------------------------------------------------------------------------------------------

  /** Jobs of `type` a worker may take now: fresh, timed out (deadline passed), or back-off elapsed. */
  activatable(type: string, max: number, worker: string, timeoutMs: number): JobRecord[] {
    const now = this.now();
    const out: JobRecord[] = [];
    for (const j of this.jobs.values()) {
      if (out.length >= max) break;
      if (j.type !== type || j.retries <= 0 || j.state === 'failed') continue;
      const free = (j.state === 'activatable' && j.backoffUntil <= now) || (j.state === 'activated' && j.deadline <= now);
      if (!free) continue;
      Object.assign(j, { state: 'activated', deadline: now + timeoutMs, worker, activations: j.activations + 1, awaitingAnswer: true });
      out.push(j);
    }
    return out;
  }

  jobVariables(j: JobRecord): Vars {
    const inst = this.instances.get(j.instanceKey)!;
    return { ...inst.vars, ...j.local };
  }

  private job(key: string, what: string): JobRecord {
    const j = this.jobs.get(key);
    if (!j) throw new BrokerError('NOT_FOUND', `Expected to ${what} job with key '${key}', but no such job was found`);
    return j;
  }

  completeJob(key: string, variables: Vars): void {
    const j = this.job(key, 'complete');
    if (j.state === 'failed') throw new BrokerError('FAILED_PRECONDITION', `Expected to complete job with key '${key}', but it is in state 'FAILED'`);
    j.awaitingAnswer = false;
    if (this.loseCompletions > 0) {
      this.loseCompletions--;
      return;
    }
    this.jobs.delete(key);
    const inst = this.instances.get(j.instanceKey)!;
    const el = inst.def.elements.get(j.elementId)!;
    this.leave(inst, el, j.local, variables);
    this.notify();
  }

  failJob(key: string, retries: number, message: string, backoffMs: number): void {
    const j = this.job(key, 'fail');
    if (j.state !== 'activated') throw new BrokerError('FAILED_PRECONDITION', `Expected to fail activated job with key '${key}', but it is not activated`);
    j.awaitingAnswer = false;
    Object.assign(j, { retries, errorMessage: message, backoffUntil: this.now() + Math.max(0, backoffMs) });
    if (retries > 0) j.state = 'activatable';
    else {
      j.state = 'failed';
      const inst = this.instances.get(j.instanceKey)!;
      this.incident(inst, inst.def.elements.get(j.elementId)!, j.elementInstanceKey, 'JOB_NO_RETRIES', message || 'No more retries left.', j.key);
    }
    this.notify();
  }

  throwError(key: string, code: string, message: string, variables: Vars): void {
    const j = this.job(key, 'throw an error for');
    if (j.state !== 'activated') throw new BrokerError('FAILED_PRECONDITION', `Expected to throw an error for activated job with key '${key}', but it is not activated`);
    j.awaitingAnswer = false;
    const inst = this.instances.get(j.instanceKey)!;
    const el = inst.def.elements.get(j.elementId)!;
    const boundary = el.errorBoundaries.find((b) => b.code === code) ?? el.errorBoundaries.find((b) => b.code === null);
    if (!boundary) {
      j.state = 'failed';
      j.retries = 0;
      this.incident(inst, el, j.elementInstanceKey, 'UNHANDLED_ERROR_EVENT', `Expected to throw an error event with the code '${code}' with message '${message}', but it was not caught.`, j.key);
      return;
    }
    this.jobs.delete(key);
    Object.assign(inst.vars, variables);
    this.enter(inst, boundary.boundaryId);
    this.notify();
  }

  updateJobRetries(key: string, retries: number): void {
    const j = this.job(key, 'update retries of');
    j.retries = retries;
  }

  resolveIncident(key: string): void {
    const inc = this.incidents.get(key);
    if (!inc || inc.state !== 'ACTIVE') throw new BrokerError('NOT_FOUND', `Expected to resolve incident with key '${key}', but no such incident was found`);
    if (inc.jobKey) {
      const j = this.jobs.get(inc.jobKey);
      if (j && j.retries <= 0) throw new BrokerError('FAILED_PRECONDITION', `Expected to resolve incident with key '${key}', but job with key '${inc.jobKey}' has no retries left`);
      if (j) Object.assign(j, { state: 'activatable', backoffUntil: 0 });
    }
    inc.state = 'RESOLVED';
    this.notify();
  }

  // ---- messages ------------------------------------------------------------------------------------------

  publish(req: { name: string; correlationKey: string; ttlMs: number; messageId: string; variables: Vars }): string {
    const now = this.now();
    if (req.messageId && this.messages.some((m) => m.messageId === req.messageId && m.expiresAt > now)) {
      throw new BrokerError('ALREADY_EXISTS', `Expected to publish a new message with id '${req.messageId}', but a message with that id was already published`);
    }
    const key = this.key();
    // A message correlates to every instance waiting for it (at most once per instance).
    const subs = this.subscriptions.filter((s) => s.name === req.name && s.correlationKey === req.correlationKey);
    const seen = new Set<string>();
    const correlatedTo = new Set<string>();
    for (const s of subs) {
      if (seen.has(s.instanceKey)) continue;
      seen.add(s.instanceKey);
      this.subscriptions.splice(this.subscriptions.indexOf(s), 1);
      const inst = this.instances.get(s.instanceKey)!;
      correlatedTo.add(inst.def.bpmnProcessId);
      this.correlate(inst, s, req.variables);
    }
    // Buffered for its time to live even when it correlated now (to instances of other processes later).
    if (req.ttlMs > 0) this.messages.push({ key, correlatedTo, name: req.name, correlationKey: req.correlationKey, messageId: req.messageId, variables: req.variables, expiresAt: now + req.ttlMs });
    return key;
  }

  private correlate(inst: InstanceRecord, sub: Subscription, variables: Vars): void {
    const el = inst.def.elements.get(sub.elementId)!;
    this.leave(inst, el, {}, variables);
    this.notify();
  }

  // ---- user tasks ----------------------------------------------------------------------------------------

  userTask(key: string): UserTaskRecord {
    const t = this.userTasks.get(key);
    if (!t) throw new BrokerError('NOT_FOUND', `Command 'ASSIGN' rejected with code 'NOT_FOUND': Expected to find user task with key '${key}', but no user task found`);
    return t;
  }

  assign(key: string, assignee: string | null, allowOverride: boolean): void {
    const t = this.userTask(key);
    if (t.state !== 'CREATED') throw new BrokerError('CONFLICT', `Expected to assign user task with key '${key}', but it is in state '${t.state}'`);
    if (assignee !== null && !allowOverride && t.assignee && t.assignee !== assignee) {
      throw new BrokerError('CONFLICT', `Command 'CLAIM' rejected with code 'INVALID_STATE': Expected to claim user task with key '${key}', but it has already been assigned`);
    }
    t.assignee = assignee;
    t.visibleAt = this.visibleLater();
  }

  completeUserTask(key: string, variables: Vars): void {
    const t = this.userTask(key);
    if (t.state !== 'CREATED') throw new BrokerError('CONFLICT', `Command 'COMPLETE' rejected with code 'INVALID_STATE': Expected to complete user task with key '${key}', but it is in state '${t.state}'`);
    Object.assign(t, { state: 'COMPLETED', completionDate: this.clock.now().toISOString(), visibleAt: this.visibleLater() });
    const inst = this.instances.get(t.processInstanceKey)!;
    this.leave(inst, inst.def.elements.get(t.elementId)!, t.local, variables);
    this.notify();
  }

  /** Nothing for a worker to do now and nothing unexported: the system is at rest. */
  quiet(): boolean {
    const now = this.now();
    for (const j of this.jobs.values()) {
      if (j.awaitingAnswer && j.deadline > now) return false;
      if (j.retries <= 0 || j.state === 'failed') continue;
      if (j.state === 'activatable' && j.backoffUntil <= now) return false;
      if (j.state === 'activated' && j.deadline <= now) return false;
    }
    for (const t of this.userTasks.values()) if (t.visibleAt > Date.now()) return false;
    return true;
  }
}
