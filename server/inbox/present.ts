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
}

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

export function presentTask(task: Task, now: Date): TaskItem {
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
    overdue: task.state === 'created' && task.dueAt != null && new Date(task.dueAt).getTime() < now.getTime(),
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
