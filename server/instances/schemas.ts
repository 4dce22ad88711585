/** Request and response schemas of the instance, incident and message API. */
import { z } from 'zod';
import { idParam, variablesSchema } from '../http/validate.ts';

export const processParams = z
  .object({
    bpmnProcessId: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,254}$/, '流程标识格式不正确 (malformed BPMN process id)'),
  })
  .strict();

export const startBody = z
  .object({
    variables: variablesSchema.optional(),
    businessKey: z.string().trim().min(1).max(255).optional(),
    version: z.number().int().min(1).optional(),
  })
  .strict();

export const idParams = z.object({ id: idParam }).strict();

export const incidentsQuery = z
  .object({
    state: z.enum(['open', 'resolved']).optional(),
    instanceId: idParam.optional(),
  })
  .strict();

export const retryBody = z.object({ retries: z.number().int().min(1).max(100).optional() }).strict();

export const messageBody = z
  .object({
    name: z.string().trim().min(1).max(255),
    correlationKey: z.string().min(1).max(255),
    variables: variablesSchema.optional(),
    timeToLiveMs: z.number().int().min(0).max(365 * 86_400_000).optional(),
    messageId: z.string().min(1).max(255).optional(),
  })
  .strict();

export const instanceRefSchema = z.object({
  instanceId: z.string(),
  bpmnProcessId: z.string(),
  deploymentId: z.string(),
  version: z.number().int(),
  businessKey: z.string().nullable(),
  state: z.enum(['active', 'completed', 'canceled']),
});

export const incidentSchema = z.object({
  id: z.string(),
  instanceId: z.string(),
  bpmnProcessId: z.string(),
  elementId: z.string(),
  type: z.string(),
  message: z.string(),
  jobType: z.string().nullable(),
  state: z.enum(['open', 'resolved']),
  createdAt: z.string(),
  resolvedAt: z.string().nullable(),
});

export const instanceViewSchema = instanceRefSchema.extend({
  variables: z.record(z.string(), z.unknown()),
  startedAt: z.string(),
  startedBy: z.string().nullable(),
  endedAt: z.string().nullable(),
  activeElements: z.array(z.object({ elementId: z.string(), elementType: z.string(), name: z.string().nullable() })),
  history: z.array(
    z.object({
      elementId: z.string(),
      elementType: z.string(),
      name: z.string().nullable(),
      event: z.enum(['started', 'completed', 'canceled', 'error']),
      at: z.string(),
      actor: z.string().nullable(),
      detail: z.string().nullable(),
    }),
  ),
  incidents: z.array(incidentSchema),
});

export const incidentListSchema = z.object({ items: z.array(incidentSchema) });
export const retryResultSchema = z.object({ incidentId: z.string(), retried: z.literal(true) });
export const publishResultSchema = z.object({
  messageKey: z.string(),
  correlatedInstanceIds: z.array(z.string()),
  buffered: z.boolean(),
});
