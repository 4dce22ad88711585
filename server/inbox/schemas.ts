/** Request and response schemas of the task (inbox) API. */
import { z } from 'zod';
import { idParam, variablesSchema } from '../http/validate.ts';

const isoDate = z
  .string()
  .max(40)
  .refine((s) => /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(s) && !Number.isNaN(Date.parse(s)), {
    message: '必须是 ISO 8601 时间，如 2026-03-02T08:00:00+08:00 (must be an ISO 8601 date-time)',
  });

const shortText = (max: number) => z.string().trim().min(1).max(max);

export const TASK_SCOPES = ['mine', 'groups', 'completed', 'all'] as const;
export const TASK_SORTS = ['due', 'created', 'priority', 'completed'] as const;

export const listTasksQuery = z
  .object({
    scope: z.enum(TASK_SCOPES).default('all'),
    process: shortText(255).optional(),
    elementId: shortText(255).optional(),
    businessKey: shortText(255).optional(),
    project: shortText(64).optional(),
    dueState: z.enum(['overdue', 'soon']).optional(),
    dueBefore: isoDate.optional(),
    dueAfter: isoDate.optional(),
    q: shortText(100).optional(),
    sort: z.enum(TASK_SORTS).optional(),
    order: z.enum(['asc', 'desc']).optional(),
    page: z.coerce.number().int().min(1).max(100_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(100).default(20),
    after: z.string().max(400).optional(),
  })
  .strict();

export type ListTasksQuery = z.output<typeof listTasksQuery>;

export const taskIdParams = z.object({ id: idParam }).strict();

export const completeBody = z.object({ variables: variablesSchema.optional() }).strict();

export const taskItemSchema = z.object({
  id: z.string(),
  name: z.string().nullable(),
  elementId: z.string(),
  processId: z.string(),
  processVersion: z.number().int(),
  instanceId: z.string(),
  businessKey: z.string().nullable(),
  formId: z.string().nullable(),
  candidateGroups: z.array(z.string()),
  candidateUsers: z.array(z.string()),
  assignee: z.string().nullable(),
  state: z.enum(['created', 'completed', 'canceled']),
  priority: z.number().int(),
  dueAt: z.string().nullable(),
  followUpAt: z.string().nullable(),
  createdAt: z.string(),
  claimedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  completedBy: z.string().nullable(),
  overdue: z.boolean(),
  dueSoon: z.boolean(),
  legalBasis: z.string().nullable(),
  projectNumber: z.string().nullable(),
  projectName: z.string().nullable(),
});

export const taskPageSchema = z.object({
  items: z.array(taskItemSchema),
  page: z.number().int(),
  pageSize: z.number().int(),
  total: z.number().int(),
  totalCapped: z.boolean(),
  hasMore: z.boolean(),
  nextCursor: z.string().nullable(),
});

export const taskDetailSchema = taskItemSchema.extend({
  headers: z.record(z.string(), z.string()),
  variables: z.record(z.string(), z.unknown()),
  form: z.record(z.string(), z.unknown()).nullable(),
  /** For a task completed through the inbox: the values submitted then; otherwise null. */
  submitted: z.record(z.string(), z.unknown()).nullable(),
});

export const commentBody = z
  .object({ text: z.string().trim().min(1, '评论不能为空 (comment is empty)').max(2000, '评论最多 2000 个字 (at most 2000 characters)') })
  .strict();

const summaryItemSchema = z.object({ key: z.string(), label: z.string(), value: z.string() });

export const historyItemSchema = z.object({
  at: z.string(),
  kind: z.enum(['step', 'completion', 'comment']),
  elementId: z.string().nullable(),
  elementType: z.string().nullable(),
  name: z.string().nullable(),
  event: z.enum(['started', 'completed', 'canceled', 'error']).nullable(),
  actor: z.string().nullable(),
  actorName: z.string().nullable(),
  taskId: z.string().nullable(),
  text: z.string().nullable(),
  summary: z.array(summaryItemSchema),
});

export const historySchema = z.object({ instanceId: z.string(), items: z.array(historyItemSchema) });

export const commentCreatedSchema = z.object({ instanceId: z.string(), taskId: z.string(), author: z.string(), text: z.string(), at: z.string() });

export const diagramSchema = z.object({
  instanceId: z.string(),
  processId: z.string(),
  version: z.number().int(),
  xml: z.string(),
  /** The step of this task (null for an instance diagram). */
  currentElementId: z.string().nullable(),
  activeElementIds: z.array(z.string()),
  completedElementIds: z.array(z.string()),
});
