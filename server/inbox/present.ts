/** The JSON shape of a task as the inbox shows it. */
import type { Task } from '../engine/task-projection.ts';

export interface TaskItem {
  id: string;
  name: string | null;
  elementId: string;
  processId: string;
  processVersion: number;
  instanceId: string;
  businessKey: string | null;
  formId: string | null;
  candidateGroups: string[];
  candidateUsers: string[];
  assignee: string | null;
  state: Task['state'];
  priority: number;
  dueAt: string | null;
  followUpAt: string | null;
  createdAt: string;
  claimedAt: string | null;
  completedAt: string | null;
  completedBy: string | null;
  /** An open task whose due date has passed. */
  overdue: boolean;
  /** An open task due within the configured threshold (INBOX_DUE_SOON_HOURS). */
  dueSoon: boolean;
  /** The legal basis of the step and its deadline: the task header `legalBasis`. */
  legalBasis: string | null;
  projectNumber: string | null;
  projectName: string | null;
}

export interface PresentOptions {
  now: Date;
  dueSoonMs: number;
  project?: { projectNumber: string | null; projectName: string | null } | null;
}

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

export function presentTask(task: Task, opts: PresentOptions): TaskItem {
  const { now } = opts;
  const due = task.dueAt ? new Date(task.dueAt).getTime() : null;
  const open = task.state === 'created';
  return {
    id: task.id,
    name: task.name,
    elementId: task.elementId,
    processId: task.bpmnProcessId,
    processVersion: task.processVersion,
    instanceId: task.instanceId,
    businessKey: task.businessKey,
    formId: task.formId,
    candidateGroups: task.groups(),
    candidateUsers: task.users(),
    assignee: task.assignee,
    state: task.state,
    priority: task.priority ?? 50,
    dueAt: iso(task.dueAt),
    followUpAt: iso(task.followUpAt),
    createdAt: iso(task.createdAt) ?? '',
    claimedAt: iso(task.claimedAt),
    completedAt: iso(task.completedAt),
    completedBy: task.completedBy,
    overdue: open && due != null && due < now.getTime(),
    dueSoon: open && due != null && due >= now.getTime() && due < now.getTime() + opts.dueSoonMs,
    legalBasis: parseHeaders(task).legalBasis ?? null,
    projectNumber: opts.project?.projectNumber ?? null,
    projectName: opts.project?.projectName ?? null,
  };
}

export function parseHeaders(task: Task): Record<string, string> {
  if (!task.headers) return {};
  try {
    const parsed = JSON.parse(task.headers) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
  } catch {
    return {};
  }
}
