/** The shapes the inbox API returns (server/inbox/schemas.ts). */
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
  state: 'created' | 'completed' | 'canceled';
  priority: number;
  dueAt: string | null;
  followUpAt: string | null;
  createdAt: string;
  claimedAt: string | null;
  completedAt: string | null;
  completedBy: string | null;
  overdue: boolean;
  dueSoon: boolean;
  legalBasis: string | null;
  projectNumber: string | null;
  projectName: string | null;
}

export interface TaskPage {
  items: TaskItem[];
  page: number;
  pageSize: number;
  total: number;
  totalCapped: boolean;
  hasMore: boolean;
  nextCursor: string | null;
}

export interface TaskDetail extends TaskItem {
  headers: Record<string, string>;
  variables: Record<string, unknown>;
  form: Record<string, unknown> | null;
  submitted: Record<string, unknown> | null;
}

export interface HistoryItem {
  at: string;
  kind: 'step' | 'completion' | 'comment';
  elementId: string | null;
  elementType: string | null;
  name: string | null;
  event: 'started' | 'completed' | 'canceled' | 'error' | null;
  actor: string | null;
  actorName: string | null;
  taskId: string | null;
  text: string | null;
  summary: { key: string; label: string; value: string }[];
}

export interface Diagram {
  instanceId: string;
  processId: string;
  version: number;
  xml: string;
  currentElementId: string | null;
  activeElementIds: string[];
  completedElementIds: string[];
}

export interface DocumentRow {
  id: number;
  title: string;
  templateId: string;
  latestVersion: number;
  updatedAt: string;
}
