/**
 * What changed between two versions of a model. bpmn-js-differ finds added, removed, changed and moved elements;
 * it reports old/new swapped and only flags an element as changed when something inside its zeebe extension
 * elements changed, so the Camunda 8 settings (task type, candidate groups, form, headers, mappings, conditions,
 * timers, messages) are compared here property by property.
 */
import { diff as bpmnDiff } from 'bpmn-js-differ';
import { elementProperties, parseModel, type ModdleElement } from './model-read.ts';

export interface ElementRef {
  id: string;
  type: string;
  name: string | null;
}

export interface PropertyChange {
  /** Stable key, e.g. `assignment.candidateGroups`, `header.legalBasis`, `condition`, `name`. */
  property: string;
  oldValue: string | null;
  newValue: string | null;
}

export interface ChangedElement extends ElementRef {
  changes: PropertyChange[];
}

export interface ModelDiff {
  added: ElementRef[];
  removed: ElementRef[];
  changed: ChangedElement[];
  /** Moved or resized only (diagram), no semantic change. */
  layoutChanged: ElementRef[];
  summary: { added: number; removed: number; changed: number; layoutChanged: number };
}

/** Differ attributes covered by elementProperties (or pure references), not repeated from the differ. */
const COVERED_ATTRS = new Set([
  'name', 'documentation', 'extensionElements', 'conditionExpression', 'eventDefinitions', 'default', 'sourceRef',
  'targetRef', 'attachedToRef', 'loopCharacteristics', 'messageRef', 'incoming', 'outgoing', 'flowElements', 'cancelActivity',
]);

const ref = (el: ModdleElement): ElementRef => ({ id: el.id!, type: el.$type, name: el.name ?? null });

function attrValue(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'object') {
    const o = v as ModdleElement;
    return o.id ?? o.body ?? o.$type ?? JSON.stringify(o);
  }
  return String(v);
}

export async function diffModels(oldXml: string, newXml: string): Promise<ModelDiff> {
  const [a, b] = await Promise.all([parseModel(oldXml), parseModel(newXml)]);
  const d = bpmnDiff(a.definitions, b.definitions);
  const added: ElementRef[] = [];
  const removed: ElementRef[] = [];
  const changed: ChangedElement[] = [];
  const layoutChanged: ElementRef[] = [];

  for (const [id, el] of b.elements) if (!a.elements.has(id)) added.push(ref(el));
  for (const [id, el] of a.elements) if (!b.elements.has(id)) removed.push(ref(el));

  // Elements in both: our property comparison plus whatever else the differ saw on them.
  const ids = new Set([...a.elements.keys()].filter((id) => b.elements.has(id)));
  for (const root of b.definitions.rootElements ?? []) if (root.id && a.elements.has(root.id)) ids.add(root.id);
  for (const id of ids) {
    const oldEl = a.elements.get(id) ?? (a.definitions.rootElements ?? []).find((r: ModdleElement) => r.id === id);
    const newEl = b.elements.get(id) ?? (b.definitions.rootElements ?? []).find((r: ModdleElement) => r.id === id);
    if (!oldEl || !newEl) continue;
    const changes: PropertyChange[] = [];
    if (oldEl.$type !== newEl.$type) changes.push({ property: 'type', oldValue: oldEl.$type, newValue: newEl.$type });
    const po = elementProperties(oldEl);
    const pn = elementProperties(newEl);
    for (const key of [...new Set([...Object.keys(po), ...Object.keys(pn)])].sort()) {
      if (po[key] !== pn[key]) changes.push({ property: key, oldValue: po[key] ?? null, newValue: pn[key] ?? null });
    }
    const differ = d._changed[id];
    if (differ) {
      for (const [attr, v] of Object.entries(differ.attrs)) {
        // Keys may be paths such as `eventDefinitions[0]`: covered when their first segment is.
        if (COVERED_ATTRS.has(attr.replace(/[[.].*$/, '')) || attr === '$type') continue;
        // bpmn-js-differ 3 reports oldValue/newValue swapped.
        const oldValue = attrValue(v.newValue);
        const newValue = attrValue(v.oldValue);
        if (oldValue !== newValue) changes.push({ property: attr, oldValue, newValue });
      }
      if (!changes.length && Object.keys(differ.attrs).length === 0) {
        // The differ saw a change inside the element that none of the compared properties covers.
        changes.push({ property: 'other', oldValue: null, newValue: null });
      }
    }
    if (changes.length) changed.push({ ...ref(newEl), changes });
    else if (d._layoutChanged[id]) layoutChanged.push(ref(newEl));
  }
  const byId = (x: ElementRef, y: ElementRef) => x.id.localeCompare(y.id);
  added.sort(byId);
  removed.sort(byId);
  changed.sort(byId);
  layoutChanged.sort(byId);
  return {
    added, removed, changed, layoutChanged,
    summary: { added: added.length, removed: removed.length, changed: changed.length, layoutChanged: layoutChanged.length },
  };
}

/** An empty diff: the first version of a process has nothing before it. */
export function emptyDiff(): ModelDiff {
  return { added: [], removed: [], changed: [], layoutChanged: [], summary: { added: 0, removed: 0, changed: 0, layoutChanged: 0 } };
}
