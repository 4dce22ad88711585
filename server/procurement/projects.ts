/**
 * The `projects` table: one row per `procurement` instance, what the projects API lists and other components ask
 * about (`projectOfInstance`). Kept current by an engine change listener inside the transaction of every change of
 * the instance (so the row never lags behind the process), and by the chain's workers, which write the award,
 * contract, acceptance and archive they record.
 *
 * Status comes from where the instance stands: the active elements map to the part of the chain (CHAIN.md parts
 * A–F) they belong to; an ended instance takes its `outcome`. The map is a presentation of element ids, not flow
 * logic: an unknown element keeps the previous status.
 */
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type { ChangeListener, EngineChange, Variables } from '../engine/port.ts';

export const PROCUREMENT_PROCESS_ID = 'procurement';
/** Works tenders under the Bidding Law (processes/works-tender.bpmn) are projects too, with regime 'works'. */
export const WORKS_PROCESS_ID = 'works_tender';
export type Regime = 'procurement' | 'works';
export const PROCESS_OF_REGIME: Record<Regime, string> = { procurement: PROCUREMENT_PROCESS_ID, works: WORKS_PROCESS_ID };
const REGIME_OF_PROCESS: Record<string, Regime> = { [PROCUREMENT_PROCESS_ID]: 'procurement', [WORKS_PROCESS_ID]: 'works' };

export const PROJECT_STATUSES = [
  'applying', 'approving', 'returned', 'tendering', 'evaluating', 'awarded', 'contracting', 'accepting', 'archived', 'failed', 'withdrawn', 'terminated',
] as const;
export type ProjectStatus = (typeof PROJECT_STATUSES)[number];

const STAGES: Record<string, ProjectStatus> = {};
const put = (status: ProjectStatus, ids: string) => ids.split(/\s+/).filter(Boolean).forEach((id) => (STAGES[id] = status));
put('applying', 'start_application fill_application');
put('approving', 'assign_project_number gw_merge_before_city amounts_to_fen check_application gw_need_city city_finance_approval dept_approval finance_approval supervisor_approval generate_approval_form');
put('returned', 'revise_or_withdraw gw_merge_return');
put('tendering', 'gw_merge_tender prepare_tender check_tender_settings publish_tender generate_tender_notice generate_tender_documents gw_merge_window gw_bid_window bid_deadline_reached tender_amended apply_amendment generate_clarification_notice');
put('evaluating', 'open_bids generate_bid_opening_record gw_enough_bids qualify_bidders generate_credit_check_record qualification_review confirm_qualification gw_enough_qualified draw_experts generate_expert_selection_record gw_merge_evaluation prepare_evaluation expert_evaluation score_bids generate_evaluation_report compute_confirm_deadline confirm_winner confirm_deadline_passed deem_first_candidate gw_merge_confirmed');
put('awarded', 'record_award generate_award_notice generate_notice_of_award gw_merge_challenge_window gw_challenge_window challenge_window_closed challenge_filed answer_challenge record_challenge_reply generate_challenge_reply');
put('contracting', 'sign_contract contract_deadline_passed escalate_contract record_contract generate_contract publish_contract generate_contract_notice');
put('accepting', 'gw_merge_acceptance acceptance record_acceptance generate_acceptance_report archive_project');
put('failed', 'gw_merge_failed record_failed_tender generate_cancellation_notice decide_after_failure');
// works_tender's own steps (the rest share the procurement chain's element ids)
put('approving', 'gw_merge_before_check tender_registration gw_registration_result');
put('tendering', 'documents_objection_filed answer_documents_objection record_documents_objection_reply generate_documents_objection_reply gw_documents_objection_outcome');
put('evaluating', 'publish_candidates generate_candidate_publicity gw_merge_publicity gw_publicity_window publicity_ended candidates_objection_filed answer_candidates_objection record_candidates_objection_reply generate_candidates_objection_reply gw_candidates_objection_outcome gw_merge_confirm');
put('awarded', 'prepare_written_report generate_written_report');
put('contracting', 'mark_procurement_suspended mark_procurement_resumed');
const ORDER: ProjectStatus[] = ['applying', 'returned', 'approving', 'tendering', 'failed', 'evaluating', 'awarded', 'contracting', 'accepting'];

/** The project's status from the instance's state, active elements and variables. */
export function statusOf(state: string, activeElementIds: string[], variables: Variables, previous: ProjectStatus | null): ProjectStatus {
  if (state === 'canceled') return 'terminated';
  if (state === 'completed') {
    const outcome = variables.outcome;
    if (outcome === 'archived') return 'archived';
    if (outcome === 'terminated') return 'terminated';
    if (outcome === 'withdrawn' || variables.applicantAction === 'withdraw') return 'withdrawn';
    if (variables.archive && typeof variables.archive === 'object') return 'archived';
    // Without the variables (Zeebe reports the end without them): what the instance was doing decides.
    if (previous === 'returned' || previous === 'applying') return 'withdrawn';
    return previous === 'failed' || variables.nextAction === 'terminate' ? 'terminated' : previous ?? 'terminated';
  }
  // Several parts may be active at once (e.g. the escalation beside the contract): the latest part wins.
  let best: ProjectStatus | null = null;
  for (const id of activeElementIds) {
    const s = STAGES[id];
    if (s && (best === null || ORDER.indexOf(s) > ORDER.indexOf(best))) best = s;
  }
  return best ?? previous ?? 'applying';
}

export interface ProjectRow {
  id: number;
  instanceId: string;
  projectNumber: string | null;
  projectName: string | null;
  purchaserOrgId: number | null;
  purchaserName: string | null;
  initiator: string;
  agencyId: number | null;
  agencyName: string | null;
  method: string | null;
  budgetFen: number | null;
  maxPriceFen: number | null;
  status: ProjectStatus;
  regime: Regime;
  award: Record<string, unknown> | null;
  contract: Record<string, unknown> | null;
  acceptance: Record<string, unknown> | null;
  archive: Record<string, unknown> | null;
  retentionUntil: string | null;
  createdAt: string;
  updatedAt: string;
  endedAt: string | null;
}

const json = (v: unknown): Record<string, unknown> | null => {
  if (v === null || v === undefined || v === '') return null;
  try {
    return JSON.parse(String(v)) as Record<string, unknown>;
  } catch {
    return null;
  }
};
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const iso = (v: unknown): string | null => (v === null || v === undefined ? null : (v instanceof Date ? v : new Date(String(v))).toISOString());

export function toProject(r: Record<string, unknown>): ProjectRow {
  return {
    id: Number(r.id),
    instanceId: String(r.instance_id),
    projectNumber: (r.project_number as string | null) ?? null,
    projectName: (r.name as string | null) ?? null,
    purchaserOrgId: num(r.purchaser_org_id),
    purchaserName: (r.purchaser_name as string | null) ?? null,
    initiator: String(r.initiator),
    agencyId: num(r.agency_id),
    agencyName: (r.agency_name as string | null) ?? null,
    method: (r.method as string | null) ?? null,
    budgetFen: num(r.budget_fen),
    maxPriceFen: num(r.max_price_fen),
    status: r.status as ProjectStatus,
    regime: r.regime === 'works' ? 'works' : 'procurement',
    award: json(r.award),
    contract: json(r.contract),
    acceptance: json(r.acceptance),
    archive: json(r.archive),
    retentionUntil: (r.retention_until as string | null) ?? null,
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
    endedAt: iso(r.ended_at),
  };
}

const sequelizeOf = (tx: Transaction): Sequelize => (tx as unknown as { sequelize: Sequelize }).sequelize;

export async function projectRowOf(sequelize: Sequelize, instanceId: string, tx?: Transaction): Promise<ProjectRow | null> {
  const [row] = await sequelize.query<Record<string, unknown>>('SELECT * FROM projects WHERE instance_id = :instanceId', { replacements: { instanceId }, type: QueryTypes.SELECT, transaction: tx });
  return row ? toProject(row) : null;
}

/** The project of a `procurement` instance (other components: the tender and evaluation APIs, documents), or null. */
export async function projectOfInstance(tx: Transaction, instanceId: string): Promise<ProjectRow | null> {
  return projectRowOf(sequelizeOf(tx), instanceId, tx);
}

const str = (v: unknown, max: number) => (typeof v === 'string' && v.trim() ? v.trim().slice(0, max) : null);
const intOrNull = (v: unknown) => (typeof v === 'number' && Number.isSafeInteger(v) ? v : typeof v === 'string' && /^\d{1,15}$/.test(v) ? Number(v) : null);

/** The columns the variables decide (null: the variable is not there yet, the column keeps its value). */
function fromVariables(v: Variables): Record<string, unknown> {
  return {
    project_number: str(v.projectNumber, 64),
    name: str(v.projectName, 255),
    purchaser_org_id: intOrNull(v.purchaserOrgId),
    purchaser_name: str(v.purchaserName, 200),
    agency_id: intOrNull(v.agencyId),
    agency_name: str(v.agencyName, 200),
    method: str(v.method, 32),
    budget_fen: intOrNull(v.budgetFen),
    max_price_fen: intOrNull(v.maxPriceFen),
    award: v.award && typeof v.award === 'object' ? JSON.stringify({ ...(v.award as object), awardedAt: v.awardedAt ?? null }) : null,
    contract: v.contract && typeof v.contract === 'object' ? JSON.stringify(v.contract) : null,
  };
}

/**
 * Creates or refreshes the project row of an instance. `state`/`active` null: unknown here (Zeebe without a state
 * read), the status is left as it is unless the variables end it.
 */
export async function upsertProject(
  sequelize: Sequelize,
  p: { instanceId: string; initiator: string | null; variables: Variables; state: string | null; active: string[] | null; at: Date; regime?: Regime },
  tx?: Transaction,
): Promise<void> {
  const current = await projectRowOf(sequelize, p.instanceId, tx);
  const cols = fromVariables(p.variables);
  const status = p.state === null ? current?.status ?? 'applying' : statusOf(p.state, p.active ?? [], p.variables, current?.status ?? null);
  const ended = p.state === 'completed' || p.state === 'canceled';
  if (!current) {
    const initiator = str(p.variables.initiator, 64) ?? p.initiator;
    if (!initiator) return;
    const regime: Regime = p.regime ?? (p.variables.regime === 'works' ? 'works' : 'procurement');
    const row = { ...cols, instance_id: p.instanceId, initiator, status, regime, created_at: p.at, updated_at: p.at, ended_at: ended ? p.at : null };
    const keys = Object.keys(row);
    await sequelize.query(`INSERT INTO projects (${keys.join(', ')}) VALUES (${keys.map((k) => `:${k}`).join(', ')})`, { replacements: row, transaction: tx });
    return;
  }
  const set: Record<string, unknown> = { status, updated_at: p.at };
  for (const [k, v] of Object.entries(cols)) if (v !== null) set[k] = v;
  if (ended && !current.endedAt) set.ended_at = p.at;
  await sequelize.query(`UPDATE projects SET ${Object.keys(set).map((k) => `${k} = :${k}`).join(', ')} WHERE instance_id = :instanceId`, {
    replacements: { ...set, instanceId: p.instanceId },
    transaction: tx,
  });
}

/** Writes columns a worker records (award, contract, acceptance, archive, status) — in the caller's transaction. */
export async function updateProject(sequelize: Sequelize, instanceId: string, set: Record<string, unknown>, at: Date, tx?: Transaction): Promise<void> {
  const values: Record<string, unknown> = { updated_at: at };
  for (const [k, v] of Object.entries(set)) values[k] = v !== null && typeof v === 'object' && !(v instanceof Date) ? JSON.stringify(v) : v;
  await sequelize.query(`UPDATE projects SET ${Object.keys(values).map((k) => `${k} = :${k}`).join(', ')} WHERE instance_id = :instanceId`, {
    replacements: { ...values, instanceId },
    transaction: tx,
  });
}

interface InstanceRowData {
  state: string;
  variables: Variables;
  active: string[];
  bpmnProcessId: string;
  startedBy: string | null;
}

async function readInstanceRow(sequelize: Sequelize, instanceId: string, tx: Transaction): Promise<InstanceRowData | null> {
  const [row] = await sequelize.query<{ state: string; variables: string; active_elements: string | null; bpmn_process_id: string; started_by: string | null }>(
    'SELECT state, variables, active_elements, bpmn_process_id, started_by FROM engine_instances WHERE id = :id',
    { replacements: { id: instanceId }, transaction: tx, type: QueryTypes.SELECT },
  );
  if (!row) return null;
  let variables: Variables = {};
  let active: string[] = [];
  try {
    variables = JSON.parse(row.variables) as Variables;
    active = ((JSON.parse(row.active_elements ?? '[]') as { elementId: string }[]) ?? []).map((a) => a.elementId);
  } catch {
    /* a row the engine wrote is JSON; anything else leaves the defaults */
  }
  return { state: row.state, variables, active, bpmnProcessId: row.bpmn_process_id, startedBy: row.started_by };
}

/**
 * Keeps `projects` current, inside the transaction of each engine change. Embedded: the instance row of the same
 * transaction gives state, active elements and variables. Zeebe (no instance row): the start creates the row, task
 * creations carry the variables, and the end sets the final status.
 */
/** Changes that never move a project: assignments, incidents, deployments. */
const IGNORED = new Set<EngineChange['kind']>(['deployment.created', 'task.assigned', 'incident.created', 'incident.resolved']);

export function projectListener(sequelize: Sequelize): ChangeListener {
  // One refresh per instance and transaction: a run commits all its changes after writing the instance row.
  const seen = new WeakMap<Transaction, Set<string>>();
  return async (change: EngineChange, tx: Transaction) => {
    if (!change.instanceId || IGNORED.has(change.kind)) return;
    const done = seen.get(tx) ?? new Set<string>();
    seen.set(tx, done);
    if (done.has(change.instanceId)) return;
    const instance = await readInstanceRow(sequelize, change.instanceId, tx);
    if (instance) done.add(change.instanceId);
    let regime: Regime | undefined;
    if (change.kind === 'instance.started') {
      const pid = (change.data.bpmnProcessId as string | undefined) ?? instance?.bpmnProcessId;
      regime = pid ? REGIME_OF_PROCESS[pid] : undefined;
      if (!regime) return;
    } else if (instance) {
      regime = REGIME_OF_PROCESS[instance.bpmnProcessId];
      if (!regime) return;
    } else {
      const [known] = await sequelize.query('SELECT 1 AS x FROM projects WHERE instance_id = :id', { replacements: { id: change.instanceId }, transaction: tx, type: QueryTypes.SELECT });
      if (!known) return;
    }
    if (instance) {
      await upsertProject(sequelize, { instanceId: change.instanceId, initiator: instance.startedBy ?? change.actor, variables: instance.variables, state: instance.state, active: instance.active, at: change.at, regime }, tx);
      return;
    }
    const carried = change.data.variables && typeof change.data.variables === 'object' ? (change.data.variables as Variables) : {};
    const state = change.kind === 'instance.completed' ? 'completed' : change.kind === 'instance.canceled' ? 'canceled' : null;
    const active = change.kind === 'task.created' && typeof change.data.elementId === 'string' ? [change.data.elementId] : null;
    await upsertProject(sequelize, { instanceId: change.instanceId, initiator: change.actor, variables: carried, state: state ?? (active ? 'active' : null), active, at: change.at, regime }, tx);
  };
}
