/**
 * Reads a Camunda 8 (zeebe) BPMN model once per deployment: checks that the embedded runtime can run it,
 * collects each element's zeebe settings, and compiles the serialized context bpmn-engine executes.
 */
import BpmnModdle from 'bpmn-moddle';
import zeebeSchema from 'zeebe-bpmn-moddle/resources/zeebe.json' with { type: 'json' };
import serializer from 'moddle-context-serializer';
import { fullTypeResolver, hasJoiningGateway, prunedTypeResolver } from './dead-paths.ts';
import { feelSyntaxError, isFeel } from './feel.ts';
import type { ErrorDetail } from '../../errors.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */
type ModdleElement = { $type: string; id?: string; name?: string; [key: string]: any };

export interface Mapping {
  source: string;
  target: string;
}

export interface ElementInfo {
  id: string;
  type: string;
  name: string | null;
  /** zeebe:taskDefinition */
  taskType?: string;
  retries?: number;
  headers: Record<string, string>;
  inputs: Mapping[];
  outputs: Mapping[];
  userTask?: {
    assignee?: string;
    candidateGroups?: string;
    candidateUsers?: string;
    formId?: string;
    dueDate?: string;
    followUpDate?: string;
  };
  /** Message catch events / receive tasks / message boundary events. */
  message?: { name: string; correlationKey: string | null };
  /** Error codes an attached boundary or enclosing sub-process catches ('*' = any). */
  catchableErrors: Set<string>;
  /** The timer expression (duration, date or cycle) of a timer event. */
  timer?: string;
  /** The timeDate expression of a timer event, when it has one. */
  timeDate?: string;
  loop?: { inputCollection?: string; inputElement?: string; outputCollection?: string; outputElement?: string };
}

export interface CompiledModel {
  bpmnProcessId: string;
  name: string | null;
  elements: Map<string, ElementInfo>;
  /** Serialized moddle context for bpmn-engine's `sourceContext`. */
  sourceContext: unknown;
}

export interface ModelCheckOptions {
  /** Task types that have a worker. */
  taskTypes: Set<string>;
  formExists: (formId: string) => boolean;
}

export class ModelError extends Error {
  constructor(readonly problems: ErrorDetail[]) {
    super(`BPMN model cannot be deployed: ${problems.map((p) => `${p.path}: ${p.reason}`).join('; ')}`);
    this.name = 'ModelError';
  }
}

const MAX_XML_BYTES = 5 * 1024 * 1024;

export async function compileModel(xml: string, opts: ModelCheckOptions): Promise<CompiledModel> {
  if (Buffer.byteLength(xml, 'utf8') > MAX_XML_BYTES) throw new ModelError([{ path: 'xml', reason: 'model larger than 5 MB' }]);
  // External entities and DTDs are never needed in BPMN and are an XXE vector: refuse them outright.
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new ModelError([{ path: 'xml', reason: 'DOCTYPE/ENTITY declarations are not allowed' }]);
  const moddle = new BpmnModdle({ zeebe: zeebeSchema as any });
  let parsed: { rootElement: ModdleElement; warnings: { message: string }[] };
  try {
    parsed = (await moddle.fromXML(xml.trim(), 'bpmn:Definitions')) as any;
  } catch (err) {
    throw new ModelError([{ path: 'xml', reason: `not valid BPMN XML: ${(err as Error).message.split('\n')[0]}` }]);
  }
  const problems: ErrorDetail[] = [];
  for (const w of parsed.warnings ?? []) {
    if (/unparsable content|unresolved reference/i.test(w.message)) problems.push({ path: 'xml', reason: w.message.split('\n')[0] });
  }
  const defs = parsed.rootElement;
  const processes = (defs.rootElements ?? []).filter((e: ModdleElement) => e.$type === 'bpmn:Process');
  const executable = processes.filter((p: ModdleElement) => p.isExecutable);
  if (executable.length !== 1) {
    problems.push({ path: 'bpmn:process', reason: `exactly one executable process is required (found ${executable.length})` });
    throw new ModelError(problems);
  }
  const proc = executable[0];
  if (!/^[A-Za-z_][A-Za-z0-9_.-]{0,254}$/.test(proc.id ?? '')) {
    problems.push({ path: `bpmn:process`, reason: `process id "${proc.id}" must start with a letter and use only letters, digits, _ . -` });
  }
  const elements = new Map<string, ElementInfo>();
  collect(proc, elements, problems, opts, []);
  checkParallelJoins(proc, problems);
  if (problems.length) throw new ModelError(problems);

  const moddleContext = await moddle.fromXML(xml.trim());
  applyLoopMappings(moddleContext.rootElement as ModdleElement);
  const sourceContext = serializer(moddleContext as any, hasJoiningGateway(proc) ? fullTypeResolver : prunedTypeResolver);
  // bpmn-engine's getState() would stringify the whole model into every snapshot; run.ts drops it again and
  // recovery takes the model from the deployment, so the copy is never made.
  (sourceContext as unknown as { serialize: () => undefined }).serialize = () => undefined;
  return { bpmnProcessId: proc.id, name: proc.name ?? null, elements, sourceContext };
}

function ext(el: ModdleElement, type: string): ModdleElement | undefined {
  return (el.extensionElements?.values ?? []).find((v: ModdleElement) => v.$type === type);
}

function checkFeel(path: string, value: string | undefined, problems: ErrorDetail[]): void {
  if (value && isFeel(value)) {
    const err = feelSyntaxError(value);
    if (err) problems.push({ path, reason: `invalid FEEL ${value}: ${err}` });
  }
}

function mappings(list: ModdleElement[] | undefined, path: string, problems: ErrorDetail[]): Mapping[] {
  return (list ?? []).map((m, i) => {
    if (!m.target) problems.push({ path: `${path}[${i}]`, reason: 'mapping without target' });
    checkFeel(`${path}[${i}].source`, m.source, problems);
    return { source: m.source ?? '', target: m.target ?? '' };
  });
}

function collect(
  container: ModdleElement,
  out: Map<string, ElementInfo>,
  problems: ErrorDetail[],
  opts: ModelCheckOptions,
  enclosingCatches: Set<string>[],
): void {
  const flowElements: ModdleElement[] = container.flowElements ?? [];
  const graph = flowGraph(container);
  const boundaries = flowElements.filter((e) => e.$type === 'bpmn:BoundaryEvent');
  for (const el of flowElements) {
    const id = el.id!;
    const path = `${id}${el.name ? ` (${el.name})` : ''}`;
    const io = ext(el, 'zeebe:IoMapping');
    const info: ElementInfo = {
      id,
      type: el.$type,
      name: el.name ?? null,
      headers: {},
      inputs: mappings(io?.inputParameters, `${path}.input`, problems),
      outputs: mappings(io?.outputParameters, `${path}.output`, problems),
      catchableErrors: new Set(),
    };
    // Errors caught by boundary events on this element, and by those of enclosing sub-processes.
    for (const b of boundaries) {
      if (b.attachedToRef?.id !== id) continue;
      for (const d of b.eventDefinitions ?? []) {
        if (d.$type === 'bpmn:ErrorEventDefinition') info.catchableErrors.add(d.errorRef?.errorCode ?? '*');
      }
    }
    for (const s of enclosingCatches) for (const c of s) info.catchableErrors.add(c);

    const taskDef = ext(el, 'zeebe:TaskDefinition');
    const isJobElement = ['bpmn:ServiceTask', 'bpmn:SendTask', 'bpmn:BusinessRuleTask', 'bpmn:ScriptTask'].includes(el.$type) ||
      (el.$type === 'bpmn:IntermediateThrowEvent' || el.$type === 'bpmn:EndEvent') && (el.eventDefinitions ?? []).some((d: ModdleElement) => d.$type === 'bpmn:MessageEventDefinition');
    if (isJobElement) {
      if (!taskDef?.type) problems.push({ path, reason: 'service task without zeebe:taskDefinition type' });
      else if (isFeel(taskDef.type)) problems.push({ path, reason: 'a FEEL task type is not supported by the embedded engine' });
      else if (!opts.taskTypes.has(taskDef.type)) problems.push({ path, reason: `unknown task type "${taskDef.type}": no worker is registered for it` });
      info.taskType = taskDef?.type;
      if (taskDef?.retries !== undefined) {
        const r = Number(taskDef.retries);
        if (!Number.isInteger(r) || r < 0 || r > 100) problems.push({ path, reason: `retries "${taskDef.retries}" must be an integer 0..100` });
        else info.retries = r;
      }
    }
    // Task headers are static key/values on service and user tasks alike (Camunda 8).
    for (const h of ext(el, 'zeebe:TaskHeaders')?.values ?? []) info.headers[h.key] = h.value;
    if (el.$type === 'bpmn:UserTask') {
      if (!ext(el, 'zeebe:UserTask')) problems.push({ path, reason: 'user task must be a Camunda user task (<zeebe:userTask/>)' });
      const a = ext(el, 'zeebe:AssignmentDefinition');
      const f = ext(el, 'zeebe:FormDefinition');
      const s = ext(el, 'zeebe:TaskSchedule');
      info.userTask = {
        assignee: a?.assignee || undefined,
        candidateGroups: a?.candidateGroups || undefined,
        candidateUsers: a?.candidateUsers || undefined,
        formId: f?.formId || undefined,
        dueDate: s?.dueDate || undefined,
        followUpDate: s?.followUpDate || undefined,
      };
      const u = info.userTask;
      if (!u.assignee && !u.candidateGroups && !u.candidateUsers) {
        problems.push({ path, reason: 'user task has no assignee, candidate group or candidate user: nobody could see it' });
      }
      if (!u.formId) problems.push({ path, reason: 'user task has no form (zeebe:formDefinition formId)' });
      else if (!/^[A-Za-z0-9_.-]{1,200}$/.test(u.formId) || !opts.formExists(u.formId)) {
        problems.push({ path, reason: `form "${u.formId}" does not exist in forms/` });
      }
      for (const key of ['assignee', 'candidateGroups', 'candidateUsers', 'dueDate', 'followUpDate'] as const) {
        checkFeel(`${path}.${key}`, u[key], problems);
      }
    }
    for (const d of el.eventDefinitions ?? []) {
      if (d.$type === 'bpmn:MessageEventDefinition' && !isJobElement && el.$type !== 'bpmn:StartEvent') {
        const msg = d.messageRef;
        if (!msg?.name) problems.push({ path, reason: 'message event without a message name' });
        const sub = msg && ext(msg, 'zeebe:Subscription');
        if (!sub?.correlationKey) problems.push({ path, reason: 'message catch needs zeebe:subscription correlationKey' });
        checkFeel(`${path}.correlationKey`, sub?.correlationKey, problems);
        info.message = { name: msg?.name ?? '', correlationKey: sub?.correlationKey ?? null };
      }
      if (d.$type === 'bpmn:TimerEventDefinition') {
        const expr = d.timeDuration?.body ?? d.timeDate?.body ?? d.timeCycle?.body;
        if (!expr) problems.push({ path, reason: 'timer without timeDuration, timeDate or timeCycle' });
        checkFeel(`${path}.timer`, expr, problems);
        if (d.timeDate?.body) info.timeDate = d.timeDate.body;
        if (expr) info.timer = expr;
      }
      if (d.$type === 'bpmn:ErrorEventDefinition' && el.$type === 'bpmn:BoundaryEvent' && d.errorRef && !d.errorRef.errorCode) {
        problems.push({ path, reason: 'error boundary references an error without errorCode' });
      }
    }
    if (el.$type === 'bpmn:ReceiveTask' && el.messageRef) {
      const sub = ext(el.messageRef, 'zeebe:Subscription');
      info.message = { name: el.messageRef.name ?? '', correlationKey: sub?.correlationKey ?? null };
      if (!sub?.correlationKey) problems.push({ path, reason: 'receive task needs zeebe:subscription correlationKey' });
    }
    if (el.$type === 'bpmn:SequenceFlow' && el.conditionExpression?.body) {
      const body = el.conditionExpression.body as string;
      if (!isFeel(body)) problems.push({ path, reason: `condition "${body}" must be a FEEL expression starting with "="` });
      checkFeel(`${path}.condition`, body, problems);
    }
    if (el.$type === 'bpmn:ExclusiveGateway' || el.$type === 'bpmn:InclusiveGateway') {
      const outgoing = graph.outgoing(el);
      if (outgoing.length > 1) {
        for (const f of outgoing) {
          if (!f.conditionExpression && el.default?.id !== f.id) {
            problems.push({ path: `${f.id}`, reason: `flow out of gateway ${id} needs a condition or must be the default flow` });
          }
        }
      }
    }
    if (['bpmn:ScriptTask', 'bpmn:CallActivity', 'bpmn:ComplexGateway', 'bpmn:Transaction', 'bpmn:AdHocSubProcess'].includes(el.$type) && !taskDef) {
      problems.push({ path, reason: `${el.$type.slice(5)} is not supported by the embedded engine` });
    }
    const loop = el.loopCharacteristics;
    if (loop?.$type === 'bpmn:MultiInstanceLoopCharacteristics') {
      const z = ext(loop, 'zeebe:LoopCharacteristics');
      if (!z?.inputCollection) problems.push({ path, reason: 'multi-instance needs zeebe:loopCharacteristics inputCollection' });
      checkFeel(`${path}.inputCollection`, z?.inputCollection, problems);
      info.loop = { inputCollection: z?.inputCollection, inputElement: z?.inputElement, outputCollection: z?.outputCollection, outputElement: z?.outputElement };
    }
    out.set(id, info);
    if (el.$type === 'bpmn:SubProcess') {
      collect(el, out, problems, opts, [...enclosingCatches, info.catchableErrors]);
    }
  }
}

/**
 * bpmn-engine 25 (the only version on the registry here) joins a parallel block too early when one branch holds
 * an exclusive/inclusive split and the other branch finishes first. Such models are refused with the fix:
 * wrap the split and its merge in an embedded sub-process (which runs correctly; see the engine tests).
 */
function checkParallelJoins(scope: ModdleElement, problems: ErrorDetail[]): void {
  const elements: ModdleElement[] = scope.flowElements ?? [];
  const { incoming, outgoing } = flowGraph(scope);
  const isParallelJoin = (e: ModdleElement) => e.$type === 'bpmn:ParallelGateway' && incoming(e).length > 1;
  for (const fork of elements) {
    if (fork.$type !== 'bpmn:ParallelGateway' || outgoing(fork).length < 2) continue;
    const seen = new Set<string>();
    const splits: ModdleElement[] = [];
    let reachesJoin = false;
    const queue: ModdleElement[] = outgoing(fork).map((f) => f.targetRef);
    while (queue.length) {
      const el = queue.shift()!;
      if (!el?.id || seen.has(el.id)) continue;
      seen.add(el.id);
      if (isParallelJoin(el)) {
        reachesJoin = true;
        continue;
      }
      if ((el.$type === 'bpmn:ExclusiveGateway' || el.$type === 'bpmn:InclusiveGateway') && outgoing(el).length > 1) splits.push(el);
      for (const f of outgoing(el)) queue.push(f.targetRef);
    }
    if (reachesJoin) {
      for (const sp of splits) {
        problems.push({ path: sp.id!, reason: `gateway inside the parallel block opened at ${fork.id}: the embedded engine would join too early; wrap this split and its merge in an embedded sub-process` });
      }
    }
  }
  for (const el of elements) if (el.$type === 'bpmn:SubProcess') checkParallelJoins(el, problems);
}

/** Sequence flows by source and target: `incoming`/`outgoing` are only filled when the XML lists them. */
function flowGraph(scope: ModdleElement) {
  const flows = (scope.flowElements ?? []).filter((e: ModdleElement) => e.$type === 'bpmn:SequenceFlow') as ModdleElement[];
  return {
    incoming: (el: ModdleElement) => flows.filter((f) => f.targetRef?.id === el.id),
    outgoing: (el: ModdleElement) => flows.filter((f) => f.sourceRef?.id === el.id),
  };
}

/** bpmn-elements iterates `collection`/`elementVariable`; Camunda 8 writes them in zeebe:loopCharacteristics. */
function applyLoopMappings(node: ModdleElement): void {
  const visit = (el: ModdleElement) => {
    const loop = el.loopCharacteristics;
    if (loop?.$type === 'bpmn:MultiInstanceLoopCharacteristics') {
      const z = ext(loop, 'zeebe:LoopCharacteristics');
      if (z?.inputCollection) loop.collection = z.inputCollection;
      if (z?.inputElement) loop.elementVariable = z.inputElement;
    }
    for (const child of el.flowElements ?? []) visit(child);
  };
  for (const root of node.rootElements ?? []) visit(root);
}
