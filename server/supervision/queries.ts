/**
 * What supervision reads across every process instance: where instances stand, what is overdue or past its legal
 * deadline, who acted at more than one stage of one project, and the bid-opening and evaluation records. Read-only
 * SQL over the engine's projection tables (engine_instances, tasks), projects, stage_actions, tenders, expert draws,
 * evaluations and documents; nothing here is confidential before the opening (no bid content, no count).
 */
import { QueryTypes, type Sequelize } from 'sequelize';
import type { ActiveElement, Variables } from '../engine/port.ts';
import { PROJECT_DEADLINES, type ProjectDeadline } from '../procurement/legal-deadlines.ts';

type Row = Record<string, unknown>;
const iso = (v: unknown): string | null => (v == null ? null : new Date(v as string).toISOString());
const list = (v: unknown): string[] => (typeof v === 'string' && v ? v.split(',').map((s) => s.trim()).filter(Boolean) : []);
function parse<T>(v: unknown, fallback: T): T {
  if (typeof v !== 'string' || !v) return fallback;
  try {
    return JSON.parse(v) as T;
  } catch {
    return fallback;
  }
}
const select = <T = Row>(sequelize: Sequelize, sql: string, replacements: unknown[] | Record<string, unknown> = []) =>
  sequelize.query<T & object>(sql, { type: QueryTypes.SELECT, replacements });

/** 政府采购 (procurement.bpmn) or 工程建设项目招标 (works-tender.bpmn): `projects.regime`, migration 0018. */
export type Regime = 'procurement' | 'works';

export interface ProjectRef {
  projectNumber: string | null;
  projectName: string | null;
  /** Which law the project runs under; null for an instance that is no project (complaint, process change…). */
  regime: Regime | null;
}

const NO_PROJECT: ProjectRef = { projectNumber: null, projectName: null, regime: null };
const regimeOf = (v: unknown): Regime | null => (v === 'works' ? 'works' : v === 'procurement' ? 'procurement' : null);

/** The processes whose instances are projects, and the regime each runs under. */
export const PROJECT_PROCESSES: Record<string, Regime> = { procurement: 'procurement', works_tender: 'works' };

async function projectsOf(sequelize: Sequelize, instanceIds: string[]): Promise<Map<string, ProjectRef>> {
  const out = new Map<string, ProjectRef>();
  for (let i = 0; i < instanceIds.length; i += 500) {
    const chunk = instanceIds.slice(i, i + 500);
    if (!chunk.length) continue;
    const rows = await select<{ instance_id: string; project_number: string | null; name: string | null; regime: string | null }>(
      sequelize, `SELECT instance_id, project_number, name, regime FROM projects WHERE instance_id IN (${chunk.map(() => '?').join(', ')})`, chunk);
    for (const r of rows) out.set(r.instance_id, { projectNumber: r.project_number, projectName: r.name, regime: regimeOf(r.regime) });
  }
  return out;
}

// ---- instances by state and step --------------------------------------------------------------------------

/**
 * What an instance waits at: its activities; the event listeners bpmn-engine keeps active beside them (boundary
 * messages such as 暂停采购活动, event sub-process starts) only when nothing else is waiting, e.g. a timer or a
 * message catch between two steps.
 */
export function waitingSteps(active: ActiveElement[]): ActiveElement[] {
  const steps = active.filter((a) => !/EventDefinition$|^bpmn:BoundaryEvent$/.test(a.elementType));
  return steps.length ? steps : active;
}

export interface StepCount { bpmnProcessId: string; elementId: string; name: string | null; elementType: string; count: number; oldestSince: string | null }

export async function instancesByState(sequelize: Sequelize): Promise<{ bpmnProcessId: string; state: string; count: number }[]> {
  const rows = await select<{ bpmn_process_id: string; state: string; n: number | string }>(
    sequelize, 'SELECT bpmn_process_id, state, COUNT(*) AS n FROM engine_instances GROUP BY bpmn_process_id, state ORDER BY bpmn_process_id, state');
  return rows.map((r) => ({ bpmnProcessId: r.bpmn_process_id, state: r.state, count: Number(r.n) }));
}

/** Active instances by the element each waits at (user tasks, timers, message catches, service tasks in retry). */
export async function instancesByStep(sequelize: Sequelize): Promise<StepCount[]> {
  const rows = await select<{ id: string; bpmn_process_id: string; active_elements: string | null; updated_at: unknown }>(
    sequelize, "SELECT id, bpmn_process_id, active_elements, updated_at FROM engine_instances WHERE state = 'active'");
  const taskSince = new Map<string, string>();
  for (const t of await select<{ bpmn_process_id: string; element_id: string; since: unknown }>(
    sequelize, "SELECT bpmn_process_id, element_id, MIN(created_at) AS since FROM tasks WHERE state = 'created' GROUP BY bpmn_process_id, element_id")) {
    taskSince.set(`${t.bpmn_process_id} ${t.element_id}`, iso(t.since)!);
  }
  const steps = new Map<string, StepCount>();
  for (const r of rows) {
    for (const a of waitingSteps(parse<ActiveElement[]>(r.active_elements, []))) {
      const key = `${r.bpmn_process_id} ${a.elementId}`;
      let s = steps.get(key);
      if (!s) steps.set(key, (s = { bpmnProcessId: r.bpmn_process_id, elementId: a.elementId, name: a.name, elementType: a.elementType, count: 0, oldestSince: taskSince.get(key) ?? null }));
      s.count++;
      const since = iso(r.updated_at);
      if (!taskSince.has(key) && since && (!s.oldestSince || since < s.oldestSince)) s.oldestSince = since;
    }
  }
  return [...steps.values()].sort((a, b) => a.bpmnProcessId.localeCompare(b.bpmnProcessId) || b.count - a.count || a.elementId.localeCompare(b.elementId));
}

export interface InstanceFilter { bpmnProcessId?: string; state?: string; elementId?: string; limit: number; offset: number }

export interface CurrentStep { elementId: string; name: string | null; elementType: string; taskId: string | null; assignee: string | null; candidateGroups: string[]; candidateUsers: string[]; dueAt: string | null; since: string | null }

export interface InstanceItem extends ProjectRef {
  instanceId: string;
  bpmnProcessId: string;
  version: number;
  businessKey: string | null;
  state: string;
  hasIncident: boolean;
  startedAt: string;
  startedBy: string | null;
  endedAt: string | null;
  currentSteps: CurrentStep[];
}

export async function listInstances(sequelize: Sequelize, f: InstanceFilter): Promise<{ total: number; items: InstanceItem[] }> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (f.bpmnProcessId) (where.push('bpmn_process_id = ?'), params.push(f.bpmnProcessId));
  if (f.state) (where.push('state = ?'), params.push(f.state));
  // A coarse filter in SQL (the element id inside the JSON), made exact below.
  if (f.elementId) (where.push("state = 'active' AND active_elements LIKE ? ESCAPE '!'"), params.push(`%"elementId":"${f.elementId.replace(/[!%_]/g, '!$&')}"%`));
  const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
  let rows = await select<Row>(sequelize, `SELECT id, bpmn_process_id, version, business_key, state, has_incident, started_at, started_by, ended_at, active_elements FROM engine_instances ${clause} ORDER BY started_at DESC, id DESC`, params);
  if (f.elementId) rows = rows.filter((r) => waitingSteps(parse<ActiveElement[]>(r.active_elements, [])).some((a) => a.elementId === f.elementId));
  const total = rows.length;
  const page = rows.slice(f.offset, f.offset + f.limit);
  const ids = page.map((r) => String(r.id));
  const projects = await projectsOf(sequelize, ids);
  const tasks = ids.length
    ? await select<Row>(sequelize, `SELECT id, instance_id, element_id, name, assignee, candidate_groups, candidate_users, due_at, created_at FROM tasks WHERE state = 'created' AND instance_id IN (${ids.map(() => '?').join(', ')})`, ids)
    : [];
  const items = page.map((r): InstanceItem => {
    const id = String(r.id);
    const open = tasks.filter((t) => t.instance_id === id);
    const steps: CurrentStep[] = open.map((t) => ({
      elementId: String(t.element_id), name: (t.name as string | null) ?? null, elementType: 'bpmn:UserTask', taskId: String(t.id), assignee: (t.assignee as string | null) ?? null,
      candidateGroups: list(t.candidate_groups), candidateUsers: list(t.candidate_users), dueAt: iso(t.due_at), since: iso(t.created_at),
    }));
    if (r.state === 'active') {
      for (const a of waitingSteps(parse<ActiveElement[]>(r.active_elements, []))) {
        if (!steps.some((s) => s.elementId === a.elementId)) steps.push({ elementId: a.elementId, name: a.name, elementType: a.elementType, taskId: null, assignee: null, candidateGroups: [], candidateUsers: [], dueAt: null, since: null });
      }
    }
    return {
      instanceId: id, bpmnProcessId: String(r.bpmn_process_id), version: Number(r.version), businessKey: (r.business_key as string | null) ?? null, state: String(r.state),
      hasIncident: Boolean(Number(r.has_incident)), startedAt: iso(r.started_at)!, startedBy: (r.started_by as string | null) ?? null, endedAt: iso(r.ended_at),
      currentSteps: steps, ...(projects.get(id) ?? { ...NO_PROJECT, regime: PROJECT_PROCESSES[String(r.bpmn_process_id)] ?? null }),
    };
  });
  return { total, items };
}

// ---- overdue steps and breached legal deadlines -----------------------------------------------------------

export interface OverdueTask extends ProjectRef {
  taskId: string;
  instanceId: string;
  bpmnProcessId: string;
  businessKey: string | null;
  elementId: string;
  name: string | null;
  assignee: string | null;
  candidateGroups: string[];
  candidateUsers: string[];
  dueAt: string;
  /** Whole days past due (calendar days, started days count). */
  daysOverdue: number;
  /** The legal deadline the due date is, when it is one. */
  deadline: { key: string; label: string; legalBasis: string | null } | null;
}

export interface BreachedDeadline extends ProjectRef {
  instanceId: string;
  key: string;
  label: string;
  at: string;
  legalBasis: string | null;
  /** The step that had to be done by then and is still open. */
  step: string;
  stepName: string | null;
}

const DAY = 86_400_000;

/**
 * The legal deadlines of a project process. A works tender (works-tender.bpmn) shares the procurement table's
 * variables and steps where the Bidding Law has the same deadline (合同订立 at sign_contract, W8), but that table's
 * fallback bases cite the GP Law: for a works tender the basis comes only from the instance's own variables
 * (`<key>Basis`, or `{ ruleId, basis }` under the key). Its own: the replies to 异议 (objections), 3 days from
 * receipt, during which the tender is suspended (W2a, W3c; time-limits.json).
 */
const WORKS_DEADLINES: ProjectDeadline[] = [
  ...PROJECT_DEADLINES.map((d) => ({
    ...d,
    basis: (v: Variables) => {
      const own = v[`${d.key}Basis`];
      if (typeof own === 'string' && own) return own;
      const rule = v[d.key] as { basis?: unknown; ruleId?: unknown } | undefined;
      return rule && typeof rule === 'object' && typeof rule.basis === 'string' ? `${typeof rule.ruleId === 'string' ? `${rule.ruleId} ` : ''}${rule.basis}` : null;
    },
  })),
  { key: 'documentsObjectionReplyDue', at: 'objectionReplyDueAt', label: '招标文件异议答复期限 (reply to an objection to the tender documents)', step: 'answer_documents_objection', basis: () => 'W2a 招标投标法实施条例第22条' },
  { key: 'candidatesObjectionReplyDue', at: 'objectionReplyDueAt', label: '评标结果异议答复期限 (reply to an objection to the evaluation result)', step: 'answer_candidates_objection', basis: () => 'W3c 招标投标法实施条例第54条' },
];

function deadlinesOf(bpmnProcessId: string): ProjectDeadline[] {
  return bpmnProcessId === 'works_tender' ? WORKS_DEADLINES : PROJECT_DEADLINES;
}

export async function overdue(sequelize: Sequelize, now: Date): Promise<{ tasks: OverdueTask[]; breached: BreachedDeadline[] }> {
  const rows = await select<Row>(sequelize,
    "SELECT id, instance_id, bpmn_process_id, business_key, element_id, name, assignee, candidate_groups, candidate_users, due_at FROM tasks WHERE state = 'created' AND due_at IS NOT NULL AND due_at < ? ORDER BY due_at ASC",
    [now]);
  // Every active project's (procurement or works tender) deadlines whose step is still waiting.
  const processes = Object.keys(PROJECT_PROCESSES);
  const active = await select<{ id: string; bpmn_process_id: string; variables: string; active_elements: string | null }>(sequelize,
    `SELECT id, bpmn_process_id, variables, active_elements FROM engine_instances WHERE state = 'active' AND bpmn_process_id IN (${processes.map(() => '?').join(', ')})`, processes);
  const breached: BreachedDeadline[] = [];
  const deadlineOfTask = new Map<string, BreachedDeadline>();
  for (const inst of active) {
    const v = parse<Variables>(inst.variables, {});
    const waiting = parse<ActiveElement[]>(inst.active_elements, []);
    for (const d of deadlinesOf(inst.bpmn_process_id)) {
      const at = v[d.at];
      if (!d.step || typeof at !== 'string' || Number.isNaN(Date.parse(at)) || Date.parse(at) > now.getTime()) continue;
      const step = waiting.find((a) => a.elementId === d.step);
      if (!step) continue;
      const basis = d.basis(v);
      const b: BreachedDeadline = { instanceId: inst.id, key: d.key, label: d.label, at: new Date(at).toISOString(), legalBasis: typeof basis === 'string' && basis ? basis : null, step: d.step, stepName: step.name, ...NO_PROJECT, regime: PROJECT_PROCESSES[inst.bpmn_process_id] ?? null };
      breached.push(b);
      deadlineOfTask.set(`${inst.id} ${d.step}`, b);
    }
  }
  const projects = await projectsOf(sequelize, [...new Set([...rows.map((r) => String(r.instance_id)), ...breached.map((b) => b.instanceId)])]);
  for (const b of breached) Object.assign(b, projects.get(b.instanceId) ?? {});
  const tasks = rows.map((t): OverdueTask => {
    const instanceId = String(t.instance_id);
    const dueAt = iso(t.due_at)!;
    const d = deadlineOfTask.get(`${instanceId} ${String(t.element_id)}`);
    return {
      taskId: String(t.id), instanceId, bpmnProcessId: String(t.bpmn_process_id), businessKey: (t.business_key as string | null) ?? null, elementId: String(t.element_id),
      name: (t.name as string | null) ?? null, assignee: (t.assignee as string | null) ?? null, candidateGroups: list(t.candidate_groups), candidateUsers: list(t.candidate_users),
      dueAt, daysOverdue: Math.ceil((now.getTime() - Date.parse(dueAt)) / DAY),
      deadline: d ? { key: d.key, label: d.label, legalBasis: d.legalBasis } : null,
      ...(projects.get(instanceId) ?? { ...NO_PROJECT, regime: PROJECT_PROCESSES[String(t.bpmn_process_id)] ?? null }),
    };
  });
  breached.sort((a, b) => a.at.localeCompare(b.at));
  return { tasks, breached };
}

// ---- one person at more than one stage --------------------------------------------------------------------

export interface MultiStageActor extends ProjectRef {
  instanceId: string;
  actor: string;
  actorName: string | null;
  /** The applicant (initiator) also approved: the worst case of the two. */
  isInitiator: boolean;
  stages: { stage: string; elementId: string; at: string }[];
}

/**
 * Projects where one person completed two or more approval stages, or approved their own application. The engine
 * refuses both at completion (server/procurement/segregation.ts); this view still finds them, e.g. in data from
 * before the rule or from a model whose stages were renamed.
 */
export async function multiStageActors(sequelize: Sequelize): Promise<MultiStageActor[]> {
  const rows = await select<{ instance_id: string; actor: string; stage: string; element_id: string; at: unknown; initiator: string | null }>(sequelize, `
    SELECT s.instance_id, s.actor, s.stage, s.element_id, s.at, p.initiator
    FROM stage_actions s LEFT JOIN projects p ON p.instance_id = s.instance_id
    WHERE EXISTS (
      SELECT 1 FROM stage_actions o WHERE o.instance_id = s.instance_id AND o.actor = s.actor AND o.stage <> s.stage
    ) OR p.initiator = s.actor
    ORDER BY s.instance_id, s.actor, s.at`);
  const out = new Map<string, MultiStageActor>();
  for (const r of rows) {
    const key = `${r.instance_id} ${r.actor}`;
    let m = out.get(key);
    if (!m) out.set(key, (m = { instanceId: r.instance_id, actor: r.actor, actorName: null, isInitiator: r.initiator === r.actor, stages: [], ...NO_PROJECT }));
    m.stages.push({ stage: r.stage, elementId: r.element_id, at: iso(r.at)! });
  }
  const items = [...out.values()];
  const projects = await projectsOf(sequelize, [...new Set(items.map((m) => m.instanceId))]);
  const names = new Map<string, string>();
  const actors = [...new Set(items.map((m) => m.actor))];
  if (actors.length) {
    for (const u of await select<{ username: string; display_name: string }>(sequelize, `SELECT username, display_name FROM users WHERE username IN (${actors.map(() => '?').join(', ')})`, actors)) names.set(u.username, u.display_name);
  }
  for (const m of items) Object.assign(m, projects.get(m.instanceId) ?? {}, { actorName: names.get(m.actor) ?? null });
  return items;
}

// ---- bid opening and evaluation records -------------------------------------------------------------------

export interface TenderRecord {
  tenderId: number;
  instanceId: string;
  round: number;
  regime: Regime;
  projectNumber: string;
  projectName: string;
  agencyName: string | null;
  method: string;
  status: string;
  bidDeadlineAt: string;
  openedAt: string | null;
  /** Only once opened (87号令: the number of bids is confidential until the opening). */
  bidCount: number | null;
  failureReason: string | null;
  awardedAt: string | null;
  draw: { drawId: number; drawnAt: string; panelSize: number; algorithm: string; verify: string } | null;
  evaluation: { evaluationId: number; method: string; scoredAt: string } | null;
  documents: { id: number; templateId: string; title: string; latestVersion: number }[];
}

const RECORD_TEMPLATES = ['bid-opening-record', 'expert-selection-record', 'credit-check-record', 'evaluation-report'];

export async function tenderRecords(sequelize: Sequelize, limit: number, offset: number): Promise<{ total: number; items: TenderRecord[] }> {
  const [{ n }] = await select<{ n: number | string }>(sequelize, 'SELECT COUNT(*) AS n FROM tenders');
  const rows = await select<Row>(sequelize,
    `SELECT id, instance_id, round, regime, project_number, project_name, agency_name, method, status, bid_deadline_at, opened_at, bid_count, failure_reason, awarded_at
     FROM tenders ORDER BY bid_deadline_at DESC, id DESC LIMIT ${Number(limit)} OFFSET ${Number(offset)}`);
  const ids = rows.map((r) => Number(r.id));
  const instanceIds = [...new Set(rows.map((r) => String(r.instance_id)))];
  const inList = (xs: unknown[]) => xs.map(() => '?').join(', ');
  const draws = ids.length ? await select<Row>(sequelize, `SELECT id, tender_id, drawn_at, panel_size, algorithm FROM expert_draws WHERE tender_id IN (${inList(ids)}) ORDER BY id`, ids) : [];
  const evals = ids.length ? await select<Row>(sequelize, `SELECT id, tender_id, method, scored_at FROM evaluations WHERE tender_id IN (${inList(ids)}) ORDER BY id`, ids) : [];
  const docs = instanceIds.length
    ? await select<Row>(sequelize, `SELECT id, instance_id, template_id, title, latest_version FROM documents WHERE template_id IN (${inList(RECORD_TEMPLATES)}) AND instance_id IN (${inList(instanceIds)}) ORDER BY id`, [...RECORD_TEMPLATES, ...instanceIds])
    : [];
  const items = rows.map((r): TenderRecord => {
    const id = Number(r.id);
    const opened = r.opened_at != null;
    const draw = draws.filter((d) => Number(d.tender_id) === id).at(-1);
    const ev = evals.filter((e) => Number(e.tender_id) === id).at(-1);
    return {
      tenderId: id, instanceId: String(r.instance_id), round: Number(r.round), regime: regimeOf(r.regime) ?? 'procurement', projectNumber: String(r.project_number), projectName: String(r.project_name),
      agencyName: (r.agency_name as string | null) ?? null, method: String(r.method), status: String(r.status), bidDeadlineAt: iso(r.bid_deadline_at)!,
      openedAt: iso(r.opened_at), bidCount: opened && r.bid_count != null ? Number(r.bid_count) : null, failureReason: (r.failure_reason as string | null) ?? null, awardedAt: iso(r.awarded_at),
      draw: draw ? { drawId: Number(draw.id), drawnAt: iso(draw.drawn_at)!, panelSize: Number(draw.panel_size), algorithm: String(draw.algorithm), verify: `/api/tenders/${id}/expert-draw/verify` } : null,
      evaluation: ev ? { evaluationId: Number(ev.id), method: String(ev.method), scoredAt: iso(ev.scored_at)! } : null,
      documents: docs.filter((d) => d.instance_id === r.instance_id).map((d) => ({ id: Number(d.id), templateId: String(d.template_id), title: String(d.title), latestVersion: Number(d.latest_version) })),
    };
  });
  return { total: Number(n), items };
}
