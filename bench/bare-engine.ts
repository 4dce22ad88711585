/**
 * A bare, in-memory runner for Camunda 8 (zeebe) models on plain bpmn-engine: no database, no persistence.
 * Used by the engine benchmark as the baseline and by the model tests to walk every path of processes/*.bpmn.
 *
 * What it adds to bpmn-engine (the same things the embedded adapter must add):
 * - FEEL: strings starting with `=` are evaluated with @bpmn-io/feelin against the process variables
 *   (sequence-flow conditions, zeebe:ioMapping sources, assignee expressions);
 * - service tasks run the worker registered for their `zeebe:taskDefinition type`;
 * - user tasks (which bpmn-engine leaves waiting) are handed to a callback and completed with its result;
 * - Zeebe's output-mapping semantics: with `zeebe:output` mappings only the mapped variables reach the
 *   process scope, without them every completion variable is merged.
 */
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { Engine } from 'bpmn-engine';
import BpmnModdle from 'bpmn-moddle';
import * as Elements from 'bpmn-elements';
import serializer, { TypeResolver, type SerializableContext } from 'moddle-context-serializer';
import { evaluate } from '@bpmn-io/feelin';

const require = createRequire(import.meta.url);
/** The zeebe moddle extension (JSON schema of the zeebe: namespace). */
export const zeebeModdle: object = require('zeebe-bpmn-moddle/resources/zeebe.json');

export type Variables = Record<string, unknown>;

/** The zeebe:* extension elements of one BPMN element, flattened. */
export interface ZeebeInfo {
  isZeebeUserTask: boolean;
  taskType: string | null;
  retries: string | null;
  formId: string | null;
  assignee: string | null;
  candidateGroups: string | null;
  candidateUsers: string | null;
  dueDate: string | null;
  followUpDate: string | null;
  inputs: Array<{ source: string; target: string }>;
  outputs: Array<{ source: string; target: string }>;
  headers: Record<string, string>;
}

interface ExtensionValue {
  $type: string;
  [key: string]: unknown;
}

export function zeebeInfo(behaviour: { extensionElements?: { values?: ExtensionValue[] } } | undefined): ZeebeInfo {
  const info: ZeebeInfo = {
    isZeebeUserTask: false,
    taskType: null,
    retries: null,
    formId: null,
    assignee: null,
    candidateGroups: null,
    candidateUsers: null,
    dueDate: null,
    followUpDate: null,
    inputs: [],
    outputs: [],
    headers: {},
  };
  for (const v of behaviour?.extensionElements?.values ?? []) {
    switch (v.$type) {
      case 'zeebe:UserTask':
        info.isZeebeUserTask = true;
        break;
      case 'zeebe:TaskDefinition':
        info.taskType = (v.type as string) ?? null;
        info.retries = (v.retries as string) ?? null;
        break;
      case 'zeebe:FormDefinition':
        info.formId = (v.formId as string) ?? null;
        break;
      case 'zeebe:AssignmentDefinition':
        info.assignee = (v.assignee as string) ?? null;
        info.candidateGroups = (v.candidateGroups as string) ?? null;
        info.candidateUsers = (v.candidateUsers as string) ?? null;
        break;
      case 'zeebe:TaskSchedule':
        info.dueDate = (v.dueDate as string) ?? null;
        info.followUpDate = (v.followUpDate as string) ?? null;
        break;
      case 'zeebe:IoMapping': {
        const pairs = (list: unknown) =>
          ((list as Array<{ source?: string; target?: string }>) ?? []).map((p) => ({ source: p.source ?? '', target: p.target ?? '' }));
        info.inputs = pairs(v.inputParameters);
        info.outputs = pairs(v.outputParameters);
        break;
      }
      case 'zeebe:TaskHeaders':
        for (const h of (v.values as Array<{ key: string; value: string }>) ?? []) info.headers[h.key] = h.value;
        break;
      default:
        break;
    }
  }
  return info;
}

/** Evaluates a zeebe expression: `=FEEL` against `variables`, anything else is a literal string. */
export function feel(expression: string, variables: Variables): unknown {
  if (!expression.startsWith('=')) return expression;
  return evaluate(expression.slice(1), variables).value;
}

/** bpmn-elements `expressions` plug-in: FEEL for `=` strings, evaluated against the process variables. */
export const feelExpressions = {
  isExpression: (text: unknown) => typeof text === 'string' && text.startsWith('='),
  hasExpression: (text: unknown) => typeof text === 'string' && text.startsWith('='),
  resolveExpression(expression: unknown, context: { environment?: { variables?: Variables } } | undefined): unknown {
    if (typeof expression !== 'string' || !expression.startsWith('=')) return expression;
    return feel(expression, context?.environment?.variables ?? {});
  },
};

/** Sets `target` (a name or a dotted path, as in zeebe:output) in `variables`. */
export function setPath(variables: Variables, target: string, value: unknown): void {
  const parts = target.split('.');
  let node = variables;
  for (const p of parts.slice(0, -1)) {
    if (typeof node[p] !== 'object' || node[p] === null) node[p] = {};
    node = node[p] as Variables;
  }
  node[parts[parts.length - 1]] = value;
}

/** Zeebe output semantics: mapped outputs only, or every local variable when there are no mappings. */
export function applyOutputs(processVariables: Variables, local: Variables, outputs: ZeebeInfo['outputs']): void {
  if (outputs.length === 0) {
    Object.assign(processVariables, local);
    return;
  }
  const scope = { ...processVariables, ...local };
  for (const o of outputs) setPath(processVariables, o.target, feel(o.source, scope));
}

/** Parses and serializes a model once; pass the result to `runBare` for every instance. */
export async function compileModel(xml: string): Promise<SerializableContext> {
  const moddle = new BpmnModdle({ zeebe: zeebeModdle });
  const parsed = await moddle.fromXML(xml);
  return serializer(parsed, TypeResolver(Elements as unknown as Record<string, unknown>));
}

export interface UserTaskCall {
  elementId: string;
  name: string | null;
  formId: string | null;
  /** The evaluated assignee, candidate groups and users (expressions resolved). */
  assignee: string | null;
  candidateGroups: string[];
  candidateUsers: string[];
  headers: Record<string, string>;
  /** A copy of the process variables plus the task's input mappings. */
  variables: Variables;
}

export interface ServiceJobCall {
  elementId: string;
  type: string;
  headers: Record<string, string>;
  variables: Variables;
}

export interface BareRunOptions {
  sourceContext: SerializableContext;
  variables?: Variables;
  /** Workers by task type; a service task whose type has none fails the run. */
  workers: Record<string, (job: ServiceJobCall) => Variables | void | Promise<Variables | void>>;
  /** Completes each user task: returns the completion variables. */
  onUserTask: (task: UserTaskCall) => Variables | Promise<Variables>;
  /** Guard against endless loops in a model under test. */
  maxUserTasks?: number;
}

export interface BareRunResult {
  variables: Variables;
  /** Element ids in the order they started. */
  started: string[];
  /** Ids of the user tasks in the order they were completed. */
  userTasks: string[];
  /** The end event the process finished at. */
  endEventId: string | null;
  /** activity.start + activity.end events (each element run counts twice), for events/s figures. */
  elementEvents: number;
}

function list(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value.map(String);
  return String(value)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Runs one instance to its end. Rejects on an engine error (e.g. no gateway condition matched). */
export async function runBare(opts: BareRunOptions): Promise<BareRunResult> {
  const maxUserTasks = opts.maxUserTasks ?? 1000;
  const result: BareRunResult = { variables: {}, started: [], userTasks: [], endEventId: null, elementEvents: 0 };
  const listener = new EventEmitter();
  let liveVariables: Variables | null = null;

  const engine = new Engine({
    name: 'bare',
    sourceContext: opts.sourceContext,
    expressions: feelExpressions,
    variables: { ...(opts.variables ?? {}) },
    extensions: {
      // bpmn-elements' type wants {activate, deactivate}; returning nothing is allowed at run time.
      zeebe: ((activity: { type: string; id: string; behaviour: Record<string, unknown>; environment: { variables: Variables } }) => {
        if (activity.type !== 'bpmn:ServiceTask' && activity.type !== 'bpmn:SendTask' && activity.type !== 'bpmn:BusinessRuleTask') return;
        const info = zeebeInfo(activity.behaviour as Parameters<typeof zeebeInfo>[0]);
        activity.behaviour.Service = function Service() {
          return {
            execute(_message: unknown, callback: (err: Error | null, output?: unknown) => void) {
              const processVariables = activity.environment.variables;
              const worker = info.taskType ? opts.workers[info.taskType] : undefined;
              if (!worker) {
                callback(new Error(`no worker for task type "${info.taskType}" at ${activity.id}`));
                return;
              }
              const local: Variables = {};
              for (const i of info.inputs) setPath(local, i.target, feel(i.source, { ...processVariables, ...local }));
              Promise.resolve()
                .then(() => worker({ elementId: activity.id, type: info.taskType!, headers: info.headers, variables: { ...processVariables, ...local } }))
                .then(
                  (out) => {
                    applyOutputs(processVariables, out ?? {}, info.outputs);
                    callback(null, out ?? {});
                  },
                  (err: Error) => callback(err),
                );
            },
          };
        };
      }) as never,
    },
  });

  const done = new Promise<void>((resolve, reject) => {
    engine.once('end', () => resolve());
    engine.once('error', (err: Error) => reject(err));
    listener.on('activity.error', (api: { content?: { error?: Error } }) => reject(api.content?.error ?? new Error('activity error')));
  });

  listener.on('activity.start', (api: { id: string; environment: { variables: Variables } }) => {
    result.elementEvents++;
    result.started.push(api.id);
    liveVariables = api.environment.variables;
  });
  listener.on('activity.end', (api: { id: string; type: string; owner: { behaviour: never }; environment: { variables: Variables } }) => {
    result.elementEvents++;
    if (api.type === 'bpmn:EndEvent') {
      result.endEventId = api.id;
      applyOutputs(api.environment.variables, {}, zeebeInfo(api.owner.behaviour).outputs);
    }
  });
  let failure: ((err: Error) => void) | null = null;
  const failed = new Promise<never>((_, reject) => {
    failure = reject;
  });
  listener.on('wait', (api: { id: string; type: string; owner: { name?: string; behaviour: never }; environment: { variables: Variables }; signal: (m?: unknown) => void }) => {
    if (api.type !== 'bpmn:UserTask') return;
    const processVariables = api.environment.variables;
    const info = zeebeInfo(api.owner.behaviour);
    const local: Variables = {};
    for (const i of info.inputs) setPath(local, i.target, feel(i.source, { ...processVariables, ...local }));
    const scope = { ...processVariables, ...local };
    const call: UserTaskCall = {
      elementId: api.id,
      name: api.owner.name ?? null,
      formId: info.formId,
      assignee: info.assignee ? ((feel(info.assignee, scope) as string | null) ?? null) : null,
      candidateGroups: info.candidateGroups ? list(feel(info.candidateGroups, scope)) : [],
      candidateUsers: info.candidateUsers ? list(feel(info.candidateUsers, scope)) : [],
      headers: info.headers,
      variables: structuredClone(scope),
    };
    if (result.userTasks.length >= maxUserTasks) {
      failure?.(new Error(`more than ${maxUserTasks} user tasks: endless loop?`));
      return;
    }
    Promise.resolve()
      .then(() => opts.onUserTask(call))
      .then(
        (completion) => {
          result.userTasks.push(api.id);
          applyOutputs(processVariables, completion ?? {}, info.outputs);
          api.signal(completion ?? {});
        },
        (err: Error) => failure?.(err),
      );
  });

  try {
    await engine.execute({ listener });
    await Promise.race([done, failed]);
  } catch (err) {
    // An engine in error state is already halted (and its stop() never settles); stop only a live one.
    if (engine.state === 'running') void engine.stop();
    throw err;
  }
  result.variables = { ...(liveVariables ?? {}) };
  return result;
}
