/**
 * Shared BPMN layout aid for the generated models (procurement.bpmn, complaint.bpmn, staff-report.bpmn): an element
 * table (nodes on a grid of rows and columns, flows with optional waypoints) → Camunda 8 semantics + BPMNDI.
 * The BPMN file stays the program; the scripts that call this only save hand-placing shapes and waypoints.
 */
export type Kind = 'start' | 'end' | 'user' | 'service' | 'gw' | 'evgw' | 'throw' | 'timer' | 'message' | 'bError' | 'bTimer' | 'bMessage';
export interface Node {
  id: string;
  kind: Kind;
  name?: string;
  doc?: string;
  row: number;
  col: number;
  lane?: number;
  // zeebe
  type?: string;
  retries?: number;
  form?: string;
  assignee?: string;
  groups?: string;
  users?: string;
  due?: string;
  inputs?: Array<[string, string]>;
  outputs?: Array<[string, string]>;
  headers?: Array<[string, string]>;
  mi?: { coll: string; el: string; outColl: string; outEl: string };
  timeDate?: string;
  message?: string; // message id
  attachedTo?: string;
  interrupting?: boolean;
  error?: string; // error id
  defaultFlow?: string;
  /** Boundary events: horizontal offset from the host's centre (default 20), and on the top edge instead of the bottom. */
  dx?: number;
  top?: boolean;
}
export type Side = 'top' | 'bottom' | 'left' | 'right';
export interface Flow {
  id: string;
  from: string;
  to: string;
  name?: string;
  cond?: string;
  exit?: Side;
  enter?: Side;
  via?: Array<['x' | 'y', number]>;
}


const COL = 150;
export const X = (col: number) => 180 + col * COL;
const ROW = 520;
export const Y = (row: number) => 230 + row * ROW;
export const LANE = (lane: number) => (lane === 0 ? 0 : lane < 0 ? -120 : lane === 1 ? 130 : 240);
export const RM = (k: number) => X(21) + k * 30; // right margin tracks
export const LM = (k: number) => 60 + k * 30; // left margin tracks

const size = (k: Kind) =>
  k === 'user' || k === 'service' ? { w: 100, h: 80 } : k === 'gw' || k === 'evgw' ? { w: 50, h: 50 } : { w: 36, h: 36 };

export interface ModelSpec {
  definitionsId: string;
  processId: string;
  processName: string;
  versionTag: string;
  doc: string;
  /** `<bpmn:error>` and `<bpmn:message>` declarations (XML, indented two spaces). */
  declarations: string;
  nodes: Node[];
  flows: Flow[];
}

/** A `<bpmn:message>` with its Zeebe correlation key. */
export function messageDeclaration(id: string, name: string, correlationKey: string): string {
  return `  <bpmn:message id="${id}" name="${name}">
    <bpmn:extensionElements>
      <zeebe:subscription correlationKey="${correlationKey}" />
    </bpmn:extensionElements>
  </bpmn:message>
`;
}

const isBoundary = (k: Kind) => k === 'bError' || k === 'bTimer' || k === 'bMessage';

/** The model's XML (semantics and diagram). Fails on a flow whose end is unknown. */
export function modelXml(spec: ModelSpec): string {
  const n = spec.nodes;
  const f = spec.flows;
const byId = new Map(n.map((x) => [x.id, x]));
interface Box { x: number; y: number; w: number; h: number }
const boxes = new Map<string, Box>();
for (const e of n) {
  const { w, h } = size(e.kind);
  if (isBoundary(e.kind)) continue;
  const cx = X(e.col);
  const cy = Y(e.row) + LANE(e.lane ?? 0);
  boxes.set(e.id, { x: cx - w / 2, y: cy - h / 2, w, h });
}
for (const e of n) {
  if (!isBoundary(e.kind)) continue;
  const host = boxes.get(e.attachedTo!)!;
  boxes.set(e.id, { x: host.x + host.w / 2 - 18 + (e.dx ?? 20), y: e.top ? host.y - 18 : host.y + host.h - 18, w: 36, h: 36 });
}
const cx = (b: Box) => b.x + b.w / 2;
const cy = (b: Box) => b.y + b.h / 2;
function sidePoint(b: Box, s: Side) {
  if (s === 'top') return { x: cx(b), y: b.y };
  if (s === 'bottom') return { x: cx(b), y: b.y + b.h };
  if (s === 'left') return { x: b.x, y: cy(b) };
  return { x: b.x + b.w, y: cy(b) };
}
function route(fl: Flow) {
  const s = boxes.get(fl.from)!;
  const t = boxes.get(fl.to)!;
  const exit: Side = fl.exit ?? 'right';
  const enter: Side = fl.enter ?? 'left';
  const pts = [sidePoint(s, exit)];
  for (const [axis, v] of fl.via ?? []) {
    const last = pts[pts.length - 1];
    pts.push(axis === 'x' ? { x: v, y: last.y } : { x: last.x, y: v });
  }
  const end = sidePoint(t, enter);
  const last = pts[pts.length - 1];
  if (last.x !== end.x && last.y !== end.y) {
    pts.push(enter === 'top' || enter === 'bottom' ? { x: end.x, y: last.y } : { x: last.x, y: end.y });
  }
  pts.push(end);
  // drop duplicates and collinear middles
  const out = pts.filter((p, i) => i === 0 || p.x !== pts[i - 1].x || p.y !== pts[i - 1].y);
  return out.filter((p, i) => {
    if (i === 0 || i === out.length - 1) return true;
    const a = out[i - 1], c = out[i + 1];
    return !((a.x === p.x && p.x === c.x) || (a.y === p.y && p.y === c.y));
  });
}

// ---------------------------------------------------------------- XML
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const escText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const incoming = (id: string) => f.filter((x) => x.to === id).map((x) => x.id);
const outgoing = (id: string) => f.filter((x) => x.from === id).map((x) => x.id);

function extensions(e: Node): string {
  const parts: string[] = [];
  if (e.kind === 'service') parts.push(`<zeebe:taskDefinition type="${e.type}" retries="${e.retries ?? 3}" />`);
  if (e.kind === 'user') {
    parts.push('<zeebe:userTask />');
    parts.push(`<zeebe:formDefinition formId="${e.form}" />`);
    const a = [e.assignee ? `assignee="${esc(e.assignee)}"` : '', e.groups ? `candidateGroups="${esc(e.groups)}"` : '', e.users ? `candidateUsers="${esc(e.users)}"` : ''].filter(Boolean).join(' ');
    parts.push(`<zeebe:assignmentDefinition ${a} />`);
    if (e.due) parts.push(`<zeebe:taskSchedule dueDate="${esc(e.due)}" />`);
  }
  if (e.inputs?.length || e.outputs?.length) {
    parts.push('<zeebe:ioMapping>');
    for (const [s, t] of e.inputs ?? []) parts.push(`  <zeebe:input source="${esc(s)}" target="${t}" />`);
    for (const [s, t] of e.outputs ?? []) parts.push(`  <zeebe:output source="${esc(s)}" target="${t}" />`);
    parts.push('</zeebe:ioMapping>');
  }
  if (e.headers?.length) {
    parts.push('<zeebe:taskHeaders>');
    for (const [k, v] of e.headers) parts.push(`  <zeebe:header key="${k}" value="${esc(v)}" />`);
    parts.push('</zeebe:taskHeaders>');
  }
  if (!parts.length) return '';
  return `      <bpmn:extensionElements>\n${parts.map((p) => `        ${p}`).join('\n')}\n      </bpmn:extensionElements>\n`;
}

const TAG: Record<Kind, string> = {
  start: 'startEvent', end: 'endEvent', user: 'userTask', service: 'serviceTask', gw: 'exclusiveGateway', evgw: 'eventBasedGateway',
  throw: 'intermediateThrowEvent', timer: 'intermediateCatchEvent', message: 'intermediateCatchEvent', bError: 'boundaryEvent', bTimer: 'boundaryEvent', bMessage: 'boundaryEvent',
};

function element(e: Node): string {
  const tag = TAG[e.kind];
  const attrs = [`id="${e.id}"`];
  if (e.name) attrs.push(`name="${esc(e.name)}"`);
  if (isBoundary(e.kind)) {
    if ((e.kind === 'bTimer' || e.kind === 'bMessage') && e.interrupting === false) attrs.push('cancelActivity="false"');
    attrs.push(`attachedToRef="${e.attachedTo}"`);
  }
  const gwOut = outgoing(e.id);
  if (e.kind === 'gw' && e.defaultFlow) attrs.push(`default="${e.defaultFlow}"`);
  let body = '';
  if (e.doc) body += `      <bpmn:documentation>${escText(e.doc)}</bpmn:documentation>\n`;
  body += extensions(e);
  for (const i of incoming(e.id)) body += `      <bpmn:incoming>${i}</bpmn:incoming>\n`;
  for (const o of gwOut) body += `      <bpmn:outgoing>${o}</bpmn:outgoing>\n`;
  if (e.mi) {
    body += `      <bpmn:multiInstanceLoopCharacteristics>\n        <bpmn:extensionElements>\n          <zeebe:loopCharacteristics inputCollection="${esc(e.mi.coll)}" inputElement="${e.mi.el}" outputCollection="${e.mi.outColl}" outputElement="${esc(e.mi.outEl)}" />\n        </bpmn:extensionElements>\n      </bpmn:multiInstanceLoopCharacteristics>\n`;
  }
  if (e.kind === 'timer' || e.kind === 'bTimer') {
    body += `      <bpmn:timerEventDefinition id="${e.id}_timer">\n        <bpmn:timeDate xsi:type="bpmn:tFormalExpression">${escText(e.timeDate!)}</bpmn:timeDate>\n      </bpmn:timerEventDefinition>\n`;
  }
  if (e.kind === 'message' || e.kind === 'bMessage') body += `      <bpmn:messageEventDefinition id="${e.id}_message" messageRef="${e.message}" />\n`;
  if (e.kind === 'bError') body += `      <bpmn:errorEventDefinition id="${e.id}_error" errorRef="${e.error}" />\n`;
  return `    <bpmn:${tag} ${attrs.join(' ')}>\n${body}    </bpmn:${tag}>\n`;
}

function sequenceFlow(x: Flow): string {
  const attrs = [`id="${x.id}"`];
  if (x.name) attrs.push(`name="${esc(x.name)}"`);
  attrs.push(`sourceRef="${x.from}"`, `targetRef="${x.to}"`);
  if (!x.cond) return `    <bpmn:sequenceFlow ${attrs.join(' ')} />\n`;
  return `    <bpmn:sequenceFlow ${attrs.join(' ')}>\n      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${escText(x.cond)}</bpmn:conditionExpression>\n    </bpmn:sequenceFlow>\n`;
}

function xml(): string {
  let s = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:modeler="http://camunda.org/schema/modeler/1.0" id="${spec.definitionsId}" targetNamespace="http://fucheng.gov.cn/eprocurement/bpmn" exporter="fucheng-eprocurement" exporterVersion="0.2.0" modeler:executionPlatform="Camunda Cloud" modeler:executionPlatformVersion="8.8.0">
${spec.declarations}  <bpmn:process id="${spec.processId}" name="${esc(spec.processName)}" isExecutable="true">
    <bpmn:documentation>${escText(spec.doc)}</bpmn:documentation>
    <bpmn:extensionElements>
      <zeebe:versionTag value="${spec.versionTag}" />
    </bpmn:extensionElements>
`;
  for (const e of n) s += element(e);
  for (const x of f) s += sequenceFlow(x);
  s += `  </bpmn:process>
  <bpmndi:BPMNDiagram id="diagram_${spec.processId}">
    <bpmndi:BPMNPlane id="plane_${spec.processId}" bpmnElement="${spec.processId}">
`;
  for (const e of n) {
    const b = boxes.get(e.id)!;
    const marker = e.kind === 'gw' ? ' isMarkerVisible="true"' : '';
    s += `      <bpmndi:BPMNShape id="${e.id}_di" bpmnElement="${e.id}"${marker}>\n        <dc:Bounds x="${b.x}" y="${b.y}" width="${b.w}" height="${b.h}" />\n      </bpmndi:BPMNShape>\n`;
  }
  for (const x of f) {
    s += `      <bpmndi:BPMNEdge id="${x.id}_di" bpmnElement="${x.id}">\n`;
    for (const p of route(x)) s += `        <di:waypoint x="${p.x}" y="${p.y}" />\n`;
    s += `      </bpmndi:BPMNEdge>\n`;
  }
  s += `    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
`;
  return s;
}

  for (const x of f) {
    if (!byId.has(x.from) || !byId.has(x.to)) throw new Error(`flow ${x.id}: unknown end`);
  }
  return xml();
}
