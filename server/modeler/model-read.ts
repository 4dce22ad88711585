/**
 * Reads a guarded model with bpmn-moddle + the zeebe moddle, and flattens each element's Camunda 8 settings
 * (task type, assignment, form, headers, mappings, conditions, timers, messages…) into one property map that
 * both the lint (app checks) and the diff (changed properties) use.
 */
import BpmnModdle from 'bpmn-moddle';
import zeebeSchema from 'zeebe-bpmn-moddle/resources/zeebe.json' with { type: 'json' };
import { guardModelXml, invalidModel } from './xml-guard.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */
export type ModdleElement = { $type: string; id?: string; name?: string; [key: string]: any };

export interface ParsedModel {
  definitions: ModdleElement;
  /** Every element with an id inside the definitions (processes, flow elements, flows, participants…), by id. */
  elements: Map<string, ModdleElement>;
  /** The (first) executable process. */
  process: ModdleElement | null;
}

/** Guards, then parses. Throws INVALID_MODEL (422) for anything that is not a readable BPMN 2.0 model. */
export async function parseModel(xml: string): Promise<ParsedModel> {
  guardModelXml(xml);
  const moddle = new BpmnModdle({ zeebe: zeebeSchema as any });
  let parsed: { rootElement: unknown; warnings: { message: string }[] };
  try {
    parsed = await moddle.fromXML(xml.trim(), 'bpmn:Definitions');
  } catch (err) {
    const first = (err as Error).message.split('\n')[0];
    throw invalidModel(`不是合法的 BPMN XML：${first}`, `not valid BPMN XML: ${first}`);
  }
  const bad = (parsed.warnings ?? []).filter((w) => /unparsable content|unresolved reference|unknown type/i.test(w.message));
  if (bad.length) {
    const first = bad[0].message.split('\n')[0];
    throw invalidModel(`无法解析的内容：${first}`, `unparsable content: ${first}`, bad.slice(1, 20).map((w) => ({ path: 'xml', reason: w.message.split('\n')[0] })));
  }
  const definitions = parsed.rootElement as ModdleElement;
  const elements = new Map<string, ModdleElement>();
  const visit = (el: ModdleElement) => {
    if (el.id) elements.set(el.id, el);
    for (const child of [...(el.flowElements ?? []), ...(el.artifacts ?? []), ...(el.participants ?? []), ...(el.laneSets ?? []).flatMap((s: ModdleElement) => s.lanes ?? [])]) visit(child);
  };
  for (const root of definitions.rootElements ?? []) visit(root);
  const process = (definitions.rootElements ?? []).find((e: ModdleElement) => e.$type === 'bpmn:Process' && e.isExecutable) ?? null;
  return { definitions, elements, process };
}

export function ext(el: ModdleElement, type: string): ModdleElement | undefined {
  return (el.extensionElements?.values ?? []).find((v: ModdleElement) => v.$type === type);
}

export const isFeel = (v: string | undefined): boolean => typeof v === 'string' && v.trim().startsWith('=');

/** Extension elements that elementProperties reads by name (the rest are flattened generically). */
const LISTED_EXTENSIONS = new Set([
  'zeebe:TaskDefinition', 'zeebe:AssignmentDefinition', 'zeebe:FormDefinition', 'zeebe:TaskSchedule', 'zeebe:UserTask',
  'zeebe:TaskHeaders', 'zeebe:IoMapping', 'zeebe:Properties', 'zeebe:CalledElement',
]);

/** `prefix.attr` for each attribute, `prefix.list[i].attr` inside lists and child elements (moddle's own `$…` keys skipped). */
function flatten(value: unknown, prefix: string, set: (key: string, value: unknown) => void): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => flatten(item, `${prefix}[${i}]`, set));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) if (!k.startsWith('$')) flatten(v, `${prefix}.${k}`, set);
  } else {
    set(prefix, value);
  }
}

/** The flattened, comparable settings of one element. Keys are stable names shown in the diff. */
export function elementProperties(el: ModdleElement): Record<string, string> {
  const p: Record<string, string> = {};
  const set = (key: string, value: unknown) => {
    if (value !== undefined && value !== null && value !== '') p[key] = String(value);
  };
  set('name', el.name);
  set('documentation', (el.documentation ?? []).map((d: ModdleElement) => d.text ?? '').join('\n'));
  const td = ext(el, 'zeebe:TaskDefinition');
  set('taskDefinition.type', td?.type);
  set('taskDefinition.retries', td?.retries);
  const a = ext(el, 'zeebe:AssignmentDefinition');
  set('assignment.assignee', a?.assignee);
  set('assignment.candidateGroups', a?.candidateGroups);
  set('assignment.candidateUsers', a?.candidateUsers);
  const f = ext(el, 'zeebe:FormDefinition');
  set('form.formId', f?.formId);
  set('form.formKey', f?.formKey);
  set('form.externalReference', f?.externalReference);
  const s = ext(el, 'zeebe:TaskSchedule');
  set('schedule.dueDate', s?.dueDate);
  set('schedule.followUpDate', s?.followUpDate);
  if (ext(el, 'zeebe:UserTask')) p['userTask'] = 'zeebe:userTask';
  for (const h of ext(el, 'zeebe:TaskHeaders')?.values ?? []) set(`header.${h.key}`, h.value);
  const io = ext(el, 'zeebe:IoMapping');
  for (const m of io?.inputParameters ?? []) set(`input.${m.target}`, m.source ?? '');
  for (const m of io?.outputParameters ?? []) set(`output.${m.target}`, m.source ?? '');
  for (const prop of ext(el, 'zeebe:Properties')?.properties ?? []) set(`property.${prop.name}`, prop.value);
  set('calledElement.processId', ext(el, 'zeebe:CalledElement')?.processId);
  if (el.$type === 'bpmn:SequenceFlow') {
    set('sourceRef', el.sourceRef?.id);
    set('targetRef', el.targetRef?.id);
    set('condition', el.conditionExpression?.body);
  }
  set('default', el.default?.id);
  set('attachedToRef', el.attachedToRef?.id);
  if (el.cancelActivity === false) p['cancelActivity'] = 'false';
  for (const d of el.eventDefinitions ?? []) {
    if (d.$type === 'bpmn:TimerEventDefinition') {
      set('timer.timeDuration', d.timeDuration?.body);
      set('timer.timeDate', d.timeDate?.body);
      set('timer.timeCycle', d.timeCycle?.body);
    } else if (d.$type === 'bpmn:MessageEventDefinition') {
      set('message.name', d.messageRef?.name ?? '');
      set('message.correlationKey', d.messageRef && ext(d.messageRef, 'zeebe:Subscription')?.correlationKey);
    } else if (d.$type === 'bpmn:ErrorEventDefinition') {
      set('error.code', d.errorRef?.errorCode ?? '*');
    } else {
      set('eventDefinition', d.$type);
    }
  }
  if (el.$type === 'bpmn:ReceiveTask' && el.messageRef) {
    set('message.name', el.messageRef.name);
    set('message.correlationKey', ext(el.messageRef, 'zeebe:Subscription')?.correlationKey);
  }
  // Any other zeebe extension (script, execution listeners, priority, version tag, called decision…), flattened, so
  // the diff shows its old and new values instead of a bare "other".
  for (const v of el.extensionElements?.values ?? []) {
    if (typeof v?.$type === 'string' && v.$type.startsWith('zeebe:') && !LISTED_EXTENSIONS.has(v.$type)) {
      const local = v.$type.slice('zeebe:'.length);
      flatten(v, local.charAt(0).toLowerCase() + local.slice(1), set);
    }
  }
  const loop = el.loopCharacteristics;
  if (loop?.$type === 'bpmn:MultiInstanceLoopCharacteristics') {
    set('loop.sequential', loop.isSequential ? 'true' : 'false');
    const z = ext(loop, 'zeebe:LoopCharacteristics');
    set('loop.inputCollection', z?.inputCollection);
    set('loop.inputElement', z?.inputElement);
    set('loop.outputCollection', z?.outputCollection);
    set('loop.outputElement', z?.outputElement);
    set('loop.completionCondition', loop.completionCondition?.body);
  }
  return p;
}

/** Candidate groups of a user task as written: a comma list, or the string literals of a FEEL expression. */
export function candidateGroupNames(value: string): { names: string[]; dynamic: boolean } {
  if (isFeel(value)) {
    const names = [...value.matchAll(/"([^"\\]*)"/g)].map((m) => m[1]);
    // A FEEL expression of only string literals (e.g. ["a","b"]) is fully known; anything else depends on variables.
    const rest = value.trim().slice(1).replace(/"([^"\\]*)"/g, '').replace(/[\s[\],]/g, '');
    return { names, dynamic: rest.length > 0 };
  }
  return { names: value.split(',').map((s) => s.trim()).filter(Boolean), dynamic: false };
}
