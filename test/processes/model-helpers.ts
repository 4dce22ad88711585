/** Reading processes/*.bpmn and forms/*.form for the model tests. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import BpmnModdle from 'bpmn-moddle';
import { zeebeModdle, zeebeInfo, type ZeebeInfo } from '../../bench/bare-engine.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const PROCESSES_DIR = path.join(ROOT, 'processes');
export const FORMS_DIR = path.join(ROOT, 'forms');

export function readModel(name: string): string {
  return fs.readFileSync(path.join(PROCESSES_DIR, name), 'utf8');
}

export interface FormComponent {
  id?: string;
  key?: string;
  type: string;
  label?: string;
  dateLabel?: string;
  text?: string;
  values?: Array<{ label: string; value: string }>;
  validate?: Record<string, unknown>;
  conditional?: { hide?: string };
  components?: FormComponent[];
  [k: string]: unknown;
}

export interface FormSchema {
  id: string;
  type: string;
  schemaVersion: number;
  components: FormComponent[];
  [k: string]: unknown;
}

export function formFiles(): string[] {
  return fs.readdirSync(FORMS_DIR).filter((f) => f.endsWith('.form')).sort();
}

export function readForm(formId: string): FormSchema {
  return JSON.parse(fs.readFileSync(path.join(FORMS_DIR, `${formId}.form`), 'utf8')) as FormSchema;
}

/** All components, groups flattened. */
export function flatComponents(components: FormComponent[]): FormComponent[] {
  return components.flatMap((c) => [c, ...flatComponents(c.components ?? [])]);
}

export function keyed(form: FormSchema): Map<string, FormComponent> {
  const map = new Map<string, FormComponent>();
  for (const c of flatComponents(form.components)) if (c.key) map.set(c.key, c);
  return map;
}

/** A moddle element, loosely typed. */
export interface El {
  $type: string;
  id: string;
  name?: string;
  default?: El;
  sourceRef?: El;
  targetRef?: El;
  incoming?: El[];
  outgoing?: El[];
  conditionExpression?: { body?: string };
  flowElements?: El[];
  extensionElements?: { values?: Array<{ $type: string; [k: string]: unknown }> };
  [k: string]: unknown;
}

export interface DiShape {
  bpmnElement: El;
  bounds: { x: number; y: number; width: number; height: number };
}
export interface DiEdge {
  bpmnElement: El;
  waypoint: Array<{ x: number; y: number }>;
}

export interface ParsedModel {
  warnings: unknown[];
  process: El;
  elements: El[];
  flows: El[];
  shapes: DiShape[];
  edges: DiEdge[];
  info(el: El): ZeebeInfo;
}

export async function parseModel(xml: string): Promise<ParsedModel> {
  const moddle = new BpmnModdle({ zeebe: zeebeModdle });
  const { rootElement, warnings } = (await moddle.fromXML(xml)) as unknown as {
    rootElement: { rootElements: El[]; diagrams: Array<{ plane: { planeElement: Array<DiShape & DiEdge & { $type: string }> } }> };
    warnings: unknown[];
  };
  const process = rootElement.rootElements.find((e) => e.$type === 'bpmn:Process')!;
  const all = process.flowElements ?? [];
  const planeElements = rootElement.diagrams.flatMap((d) => d.plane.planeElement ?? []);
  return {
    warnings,
    process,
    elements: all.filter((e) => e.$type !== 'bpmn:SequenceFlow'),
    flows: all.filter((e) => e.$type === 'bpmn:SequenceFlow'),
    shapes: planeElements.filter((p) => p.$type === 'bpmndi:BPMNShape'),
    edges: planeElements.filter((p) => p.$type === 'bpmndi:BPMNEdge'),
    info: (el) => zeebeInfo(el as never),
  };
}

/** The whole-chain model (CHAIN.md A–F), processes/procurement.bpmn. */
export const CHAIN_MODEL_PATH = path.join(PROCESSES_DIR, 'procurement.bpmn');
export const CHAIN_MODEL = (): string => fs.readFileSync(CHAIN_MODEL_PATH, 'utf8');

/**
 * Stage A (application and approval) of a procurement model, cut out for engines that cannot run the rest (the
 * Zeebe test doubles: no timers, event-based gateways or multi-instance). Keeps every element reachable from the
 * start without passing `gw_merge_tender`, unchanged; the flow into `gw_merge_tender` ends instead at a new end
 * event `end_approval_stage` (outcome `approved`). The cut is a test device, never deployed by the application.
 */
export async function approvalStageModel(xml: string): Promise<string> {
  const moddle = new BpmnModdle({ zeebe: zeebeModdle }) as unknown as {
    fromXML(xml: string): Promise<unknown>;
    create(type: string, attrs?: Record<string, unknown>): unknown;
    toXML(root: unknown, opts?: { format?: boolean }): Promise<{ xml: string }>;
  };
  const { rootElement } = (await moddle.fromXML(xml)) as unknown as { rootElement: El & { rootElements: El[]; diagrams: Array<{ plane: { planeElement: Array<El & { bpmnElement: El; bounds?: { x: number; y: number } }> } }> } };
  const proc = rootElement.rootElements.find((e) => e.$type === 'bpmn:Process')!;
  const all = proc.flowElements!;
  const flows = all.filter((e) => e.$type === 'bpmn:SequenceFlow');
  const keep = new Set<string>();
  const queue = ['start_application'];
  while (queue.length) {
    const id = queue.shift()!;
    if (keep.has(id) || id === 'gw_merge_tender') continue;
    keep.add(id);
    for (const f of flows.filter((x) => x.sourceRef!.id === id)) queue.push(f.targetRef!.id);
    for (const b of all.filter((x) => x.$type === 'bpmn:BoundaryEvent' && (x.attachedToRef as El).id === id)) queue.push(b.id);
  }
  const end = moddle.create('bpmn:EndEvent', { id: 'end_approval_stage', name: '审批通过（测试截断）' }) as unknown as El;
  const outcome = moddle.create('zeebe:IoMapping', { outputParameters: [moddle.create('zeebe:Output', { source: '="approved"', target: 'outcome' })] });
  end.extensionElements = moddle.create('bpmn:ExtensionElements', { values: [outcome] }) as never;
  const kept = all.filter((e) => {
    if (e.$type === 'bpmn:SequenceFlow') return keep.has(e.sourceRef!.id) && (keep.has(e.targetRef!.id) || e.targetRef!.id === 'gw_merge_tender');
    return keep.has(e.id);
  });
  for (const f of kept) if (f.$type === 'bpmn:SequenceFlow' && f.targetRef!.id === 'gw_merge_tender') f.targetRef = end;
  const keptFlows = new Set(kept.filter((e) => e.$type === 'bpmn:SequenceFlow'));
  for (const e of kept) {
    if (e.incoming) e.incoming = e.incoming.filter((f) => keptFlows.has(f));
    if (e.outgoing) e.outgoing = e.outgoing.filter((f) => keptFlows.has(f));
  }
  end.incoming = [...keptFlows].filter((f) => f.targetRef === end);
  proc.flowElements = [...kept, end];
  const ids = new Set(proc.flowElements.map((e) => e.id));
  for (const d of rootElement.diagrams) d.plane.planeElement = d.plane.planeElement.filter((p) => ids.has(p.bpmnElement.id));
  const { xml: out } = await moddle.toXML(rootElement as never, { format: true });
  return out;
}
