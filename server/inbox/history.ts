/**
 * The history of an instance as approvers read it: the steps from the engine's history (who completed what,
 * when), each completion's submitted decision and opinion as the form labels them, and the comments people
 * added — in time order, with display names.
 *
 * A completion's record is written by an engine change listener in the completion's own transaction: the
 * route hands the listener the labelled submission through `pendingCompletions` (keyed by task id) right
 * before it asks the engine to complete, so the record exists exactly when the completion committed. An adapter
 * that reports the completion later (Zeebe: its task sync) leaves the entry there; the route then writes the
 * record itself right after the engine accepted the completion.
 */
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type { ChangeListener, HistoryEntry, InstanceView } from '../engine/port.ts';
import type { FormComponent } from './form-validation.ts';

export interface SummaryItem {
  key: string;
  label: string;
  value: string;
}

export interface HistoryItem {
  at: string;
  kind: 'step' | 'completion' | 'comment';
  elementId: string | null;
  /** BPMN type of the step (e.g. bpmn:UserTask, bpmn:StartEvent); null for comments. */
  elementType: string | null;
  name: string | null;
  event: HistoryEntry['event'] | null;
  actor: string | null;
  actorName: string | null;
  taskId: string | null;
  text: string | null;
  summary: SummaryItem[];
}

interface CommentRow {
  id: number | string;
  instance_id: string;
  task_id: string | null;
  element_id: string | null;
  kind: 'comment' | 'completion';
  author: string;
  text: string | null;
  data: string | null;
  created_at: Date | string;
}

/** Submitted values as the form shows them (option labels, 是/否), for the history. Text is cut at 2,000. */
export function summarize(form: Record<string, unknown> | null, variables: Record<string, unknown>): SummaryItem[] {
  const out: SummaryItem[] = [];
  const walk = (list: unknown) => {
    if (!Array.isArray(list)) return;
    for (const c of list as FormComponent[]) {
      if (c?.components) walk(c.components);
      if (!c?.key || !(c.key in variables)) continue;
      const v = variables[c.key];
      if (v === undefined || v === null || v === '') continue;
      const label = (x: unknown) => c.values?.find((o) => o.value === x)?.label ?? String(x);
      let shown: string;
      if (Array.isArray(v)) shown = v.map(label).join('、');
      else if (typeof v === 'boolean') shown = v ? '是' : '否';
      else if (typeof v === 'object') continue;
      else shown = label(v);
      out.push({ key: c.key, label: c.label ?? c.key, value: shown.slice(0, 2000) });
    }
  };
  walk(form?.components);
  return out;
}

/** What a completion submitted: the values (to show the completed form again) and their labelled summary. */
export interface Submission {
  summary: SummaryItem[];
  values: Record<string, unknown>;
}

export const pendingCompletions = new Map<string, Submission>();

/** The stored `data` of a completion record. */
function parseSubmission(data: string | null): Submission {
  try {
    const parsed = JSON.parse(data ?? 'null') as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const p = parsed as Partial<Submission>;
      return { summary: Array.isArray(p.summary) ? p.summary : [], values: p.values && typeof p.values === 'object' ? p.values : {} };
    }
  } catch {
    /* unreadable: nothing to show */
  }
  return { summary: [], values: {} };
}

/** The values submitted when this task was completed through the inbox, or null. */
export async function submittedValues(sequelize: Sequelize, taskId: string): Promise<Record<string, unknown> | null> {
  const [row] = await sequelize.query<{ data: string | null }>(
    `SELECT data FROM inbox_comments WHERE task_id = :taskId AND kind = 'completion' ORDER BY id DESC LIMIT 1`,
    { replacements: { taskId }, type: QueryTypes.SELECT },
  );
  return row ? parseSubmission(row.data).values : null;
}

export function completionListener(sequelize: Sequelize): ChangeListener {
  return async (change, tx: Transaction) => {
    if (change.kind !== 'task.completed' || !change.instanceId) return;
    const submission = pendingCompletions.get(change.objectId);
    if (!submission) return; // completed outside the inbox API (e.g. by the engine on cancel): nothing submitted
    pendingCompletions.delete(change.objectId);
    await insertCompletion(sequelize, change.instanceId, change.objectId, String(change.data.elementId ?? ''), change.actor ?? '', submission, change.at, tx);
  };
}

/** One row of `inbox_comments`: a comment, or a completion's labelled submission. */
async function insertRecord(
  sequelize: Sequelize,
  r: { instanceId: string; taskId: string | null; elementId: string | null; kind: 'comment' | 'completion'; author: string; text: string | null; data: string | null; at: Date },
  tx?: Transaction,
): Promise<void> {
  await sequelize.query(
    `INSERT INTO inbox_comments (instance_id, task_id, element_id, kind, author, text, data, created_at)
     VALUES (:instanceId, :taskId, :elementId, :kind, :author, :text, :data, :at)`,
    { replacements: { ...r, elementId: r.elementId?.slice(0, 255) || null }, transaction: tx },
  );
}

export function insertCompletion(
  sequelize: Sequelize, instanceId: string, taskId: string, elementId: string, author: string, submission: Submission, at: Date, tx?: Transaction,
): Promise<void> {
  return insertRecord(sequelize, { instanceId, taskId, elementId, kind: 'completion', author, text: null, data: JSON.stringify(submission), at }, tx);
}

export function addComment(
  sequelize: Sequelize,
  c: { instanceId: string; taskId: string | null; elementId: string | null; author: string; text: string; at: Date },
): Promise<void> {
  return insertRecord(sequelize, { ...c, kind: 'comment', data: null });
}

async function displayNames(sequelize: Sequelize, usernames: string[]): Promise<Map<string, string>> {
  if (!usernames.length) return new Map();
  const rows = await sequelize.query<{ username: string; display_name: string }>(
    'SELECT username, display_name FROM users WHERE username IN (:names)',
    { replacements: { names: usernames }, type: QueryTypes.SELECT },
  );
  return new Map(rows.map((r) => [r.username, r.display_name]));
}

/**
 * What an approver reads: user tasks arriving and being completed (or canceled while open), and the completion of
 * service tasks and start/end events. Gateways, flows and intermediate events are mechanics; bpmn-engine also
 * reports elements on branches not taken as "canceled" though they never started — those are dropped.
 */
function shownSteps(history: HistoryEntry[]): HistoryEntry[] {
  const open = new Map<string, number>();
  const out: HistoryEntry[] = [];
  for (const h of history) {
    const userTask = h.elementType === 'bpmn:UserTask';
    if (h.event === 'started') open.set(h.elementId, (open.get(h.elementId) ?? 0) + 1);
    const wasOpen = (open.get(h.elementId) ?? 0) > 0;
    if (h.event === 'completed' || h.event === 'canceled' || h.event === 'error') open.set(h.elementId, Math.max(0, (open.get(h.elementId) ?? 0) - 1));
    if (userTask) {
      if (h.event !== 'canceled' || wasOpen) out.push(h);
    } else if (/^bpmn:(ServiceTask|StartEvent|EndEvent)$/.test(h.elementType) && (h.event === 'completed' || h.event === 'error')) {
      out.push(h);
    }
  }
  return out;
}

export async function instanceHistory(sequelize: Sequelize, view: InstanceView): Promise<HistoryItem[]> {
  const rows = await sequelize.query<CommentRow>('SELECT * FROM inbox_comments WHERE instance_id = :id ORDER BY id', {
    replacements: { id: view.instanceId },
    type: QueryTypes.SELECT,
  });
  const items: HistoryItem[] = [];
  for (const h of shownSteps(view.history)) {
    items.push({ at: h.at, kind: 'step', elementId: h.elementId, elementType: h.elementType, name: h.name, event: h.event, actor: h.actor, actorName: null, taskId: null, text: null, summary: [] });
  }
  const names = new Map(view.history.map((h) => [h.elementId, h.name]));
  for (const r of rows) {
    const summary = r.kind === 'completion' ? parseSubmission(r.data).summary : [];
    const at = new Date(r.created_at).toISOString();
    if (r.kind === 'completion') {
      // Shown on the step's own completion entry when it is there.
      const step = items.find(
        (i) => i.kind === 'step' && i.event === 'completed' && i.elementId === r.element_id && i.actor === r.author && !i.taskId &&
          Math.abs(Date.parse(i.at) - Date.parse(at)) < 60_000,
      );
      if (step) {
        step.taskId = r.task_id;
        step.summary = summary;
        continue;
      }
    }
    items.push({
      at,
      kind: r.kind,
      elementId: r.element_id,
      elementType: null,
      name: r.element_id ? (names.get(r.element_id) ?? null) : null,
      event: null,
      actor: r.author,
      actorName: null,
      taskId: r.task_id,
      text: r.text,
      summary,
    });
  }
  const who = await displayNames(sequelize, [...new Set(items.map((i) => i.actor).filter((a): a is string => !!a))]);
  for (const i of items) i.actorName = i.actor ? (who.get(i.actor) ?? null) : null;
  // Stable: same-time entries keep engine order, then records.
  return items.map((item, n) => ({ item, n })).sort((a, b) => a.item.at.localeCompare(b.item.at) || a.n - b.n).map((x) => x.item);
}
