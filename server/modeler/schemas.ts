/** Request and response schemas of the deployments (modeller) API. */
import { z } from 'zod';
import { idParam } from '../http/validate.ts';

/** Characters of the XML string; the 1 MB JSON body limit (413) is the byte bound. */
export const MAX_XML_CHARS = 1024 * 1024;

const xml = z.string().min(1, 'xml 不能为空 (xml is required)').max(MAX_XML_CHARS, 'xml 过大 (model too large)');

export const lintBody = z.object({ xml }).strict();

export const deployBody = z
  .object({
    xml,
    comment: z.string().trim().min(1, '请填写部署说明 (a comment is required)').max(1000),
    resourceName: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,200}\.bpmn$/, '文件名须为 <名称>.bpmn (resource name must be <name>.bpmn)')
      .optional(),
  })
  .strict();

export const listQuery = z
  .object({ bpmnProcessId: z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,254}$/, '流程标识格式不正确 (malformed process id)').optional() })
  .strict();

export const idParams = z.object({ id: idParam }).strict();
export const diffParams = z.object({ id: idParam, otherId: idParam }).strict();

const problem = z.object({
  elementId: z.string().nullable(),
  rule: z.string(),
  severity: z.enum(['error', 'warning']),
  message: z.string(),
  messageEn: z.string(),
});

export const lintResultSchema = z.object({
  bpmnProcessId: z.string().nullable(),
  name: z.string().nullable(),
  problems: z.array(problem),
  errorCount: z.number().int(),
  warningCount: z.number().int(),
});

const elementRef = z.object({ id: z.string(), type: z.string(), name: z.string().nullable() });
const summary = z.object({ added: z.number().int(), removed: z.number().int(), changed: z.number().int(), layoutChanged: z.number().int() });

export const diffSchema = z.object({
  added: z.array(elementRef),
  removed: z.array(elementRef),
  changed: z.array(
    elementRef.extend({
      changes: z.array(z.object({ property: z.string(), oldValue: z.string().nullable(), newValue: z.string().nullable() })),
    }),
  ),
  layoutChanged: z.array(elementRef),
  summary,
});

const deploymentInfo = z.object({
  deploymentId: z.string(),
  bpmnProcessId: z.string(),
  name: z.string().nullable(),
  version: z.number().int(),
  resourceName: z.string(),
  contentHash: z.string(),
  deployedBy: z.string().nullable(),
  comment: z.string().nullable(),
  createdAt: z.string(),
});

export const deploymentSummarySchema = deploymentInfo.extend({
  source: z.enum(['shipped', 'ui', 'engine']),
  previousDeploymentId: z.string().nullable(),
  latest: z.boolean(),
  diffSummary: summary.nullable(),
});

export const deploymentListSchema = z.object({
  items: z.array(deploymentSummarySchema),
  /** PROCESS_CHANGE_APPROVAL: deploys go through POST /api/deployments/change-requests. */
  approvalRequired: z.boolean(),
});

export const deploymentDetailSchema = deploymentSummarySchema.extend({
  xml: z.string(),
  diff: diffSchema,
  lintWarnings: z.array(problem),
});

export const deployResultSchema = z.object({
  deployment: deploymentSummarySchema,
  diff: diffSchema,
  warnings: z.array(problem),
});

export const diffResultSchema = z.object({ from: deploymentInfo, to: deploymentInfo, diff: diffSchema });

export const changeRequestQuery = z.object({ status: z.enum(['pending', 'deployed', 'rejected']).optional() }).strict();

export const changeRequestSchema = z.object({
  id: z.string(),
  bpmnProcessId: z.string(),
  baseDeploymentId: z.string().nullable(),
  comment: z.string(),
  status: z.enum(['pending', 'deployed', 'rejected']),
  requestedBy: z.string(),
  requestedAt: z.string(),
  approvalInstanceId: z.string().nullable(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  decisionComment: z.string().nullable(),
  deploymentId: z.string().nullable(),
  diffSummary: summary.nullable(),
});
export const changeRequestListSchema = z.object({ items: z.array(changeRequestSchema) });
export const changeRequestDetailSchema = changeRequestSchema.extend({ xml: z.string(), diff: diffSchema });
