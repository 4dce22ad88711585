/** Request and response schemas of the template and document API. */
import { z } from 'zod';
import { idParam } from '../http/validate.ts';

export const templateIdSchema = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, '模板标识格式不正确 (malformed template id)').max(64);
// documents.project_number is VARCHAR(64): MariaDB refuses a longer value at INSERT.
export const projectNumberSchema = z.string().max(64).regex(/^[A-Z][A-Z0-9]{1,15}-\d{4}-\d{4,}$/, '项目编号格式不正确，如 FCZC-2026-0001 (malformed project number)');

export const templateInfoSchema = z.object({
  id: z.string(),
  no: z.string(),
  title: z.string(),
  titleEn: z.string(),
  step: z.string(),
  legalBasis: z.string(),
  ocdsDocumentType: z.string(),
  version: z.string(),
});
const jsonSchema = z.record(z.string(), z.unknown()).describe('JSON Schema (draft 2020-12), $refs inlined');
export const templateListSchema = z.object({ templates: z.array(templateInfoSchema.extend({ schema: jsonSchema })) });
export const templateDetailSchema = templateInfoSchema.extend({
  schema: jsonSchema,
  sample: z.record(z.string(), z.unknown()),
  keyFields: z.array(z.string()),
});
export const templateParams = z.object({ id: templateIdSchema }).strict();

export const documentSchema = z.object({
  id: z.number().int(),
  templateId: z.string(),
  title: z.string(),
  projectNumber: z.string().nullable(),
  instanceId: z.string().nullable(),
  ownerOrgId: z.number().int().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  latestVersion: z.number().int(),
  updatedAt: z.string(),
});
export const versionSchema = z.object({
  documentId: z.number().int(),
  version: z.number().int(),
  templateId: z.string(),
  templateVersion: z.string(),
  sha256: z.string(),
  jobKey: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
});
export const generatedSchema = z.object({ document: documentSchema, version: versionSchema });
export const documentListSchema = z.object({ documents: z.array(documentSchema), total: z.number().int() });
export const versionListSchema = z.object({ document: documentSchema, versions: z.array(versionSchema) });
export const versionDetailSchema = versionSchema.extend({ data: z.unknown() });

const templateData = z.record(z.string(), z.unknown()).describe('符合模板 JSON Schema 的数据 (data matching the template schema)');

export const createBody = z
  .object({
    templateId: templateIdSchema,
    data: templateData,
    projectNumber: projectNumberSchema.optional(),
    instanceId: idParam.optional(),
  })
  .strict();
export const previewBody = z.object({ data: templateData }).strict();
export const regenerateBody = z.object({ data: templateData.optional() }).strict();

export const documentParams = z.object({ id: z.coerce.number().int().min(1).max(2_147_483_647) }).strict();
export const versionParams = documentParams.extend({ version: z.coerce.number().int().min(1).max(100_000) }).strict();
export const versionQuery = z.object({ version: z.coerce.number().int().min(1).max(100_000).optional() }).strict();
export const listQuery = z
  .object({
    project: projectNumberSchema.optional(),
    instanceId: idParam.optional(),
    templateId: templateIdSchema.optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    offset: z.coerce.number().int().min(0).max(100_000).default(0),
  })
  .strict();
