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
