/**
 * Worker for `zeebe:taskDefinition type="generate-document"`: renders a standard document from the instance's
 * data and stores it as a new version linked to the instance and its project number.
 *   headers: templateId (a template of templates/, e.g. approval-form), resultVariable (optional, default
 *            `<templateId in camelCase>Document`)
 *   data:    the instance variables named like the template schema's top-level properties (input mappings on the
 *            service task build them, e.g. `project` and `approvals` for the approval form)
 *   output:  { [resultVariable]: { id, version, sha256 } }
 * Idempotent: the version is stored under the job key, so a redelivered job returns the stored version instead of
 * making a second one; a later pass through the same step (after a resubmission) adds a version to the same
 * document. Data that does not match the schema is a BpmnError DOCUMENT_DATA_INVALID (an incident unless the model
 * catches it) listing every problem: retrying would not fix it.
 */
import { QueryTypes } from 'sequelize';
import { createCalendarService } from '../calendar/service.ts';
import { findTemplate } from '../documents/catalogue.ts';
import { createDocumentService } from '../documents/service.ts';
import { BpmnError, type Job, type Worker } from '../engine/port.ts';
import { AppError } from '../errors.ts';
import type { WorkerDeps } from './index.ts';

export const GENERATE_DOCUMENT_TASK_TYPE = 'generate-document';
export const DOCUMENT_ACTOR = 'system';
const VARIABLE = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

const camel = (id: string) => id.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

/** The variables the template's schema declares at its top level. */
export function templateData(templateId: string, variables: Record<string, unknown>): Record<string, unknown> {
  const t = findTemplate(templateId);
  if (!t) throw new Error(`模板 ${templateId} 不存在 (unknown template ${templateId})`);
  const props = Object.keys((t.schema.properties ?? {}) as Record<string, unknown>);
  const data: Record<string, unknown> = {};
  for (const p of props) if (variables[p] !== undefined && variables[p] !== null) data[p] = variables[p];
  return data;
}

export function generateDocumentWorker(deps: WorkerDeps): Worker {
  const documents = createDocumentService({ db: deps.db, clock: deps.clock, calendar: createCalendarService(deps.db, deps.clock) });

  async function initiatorOrganisation(job: Job): Promise<number | null> {
    const initiator = job.variables.initiator;
    if (typeof initiator !== 'string') return null;
    const rows = await deps.db.sequelize.query<{ organisation_id: number | null }>(
      'SELECT organisation_id FROM users WHERE username = :u',
      { replacements: { u: initiator }, type: QueryTypes.SELECT },
    );
    return rows[0]?.organisation_id == null ? null : Number(rows[0].organisation_id);
  }

  return async (job, ctx) => {
    const templateId = (job.headers.templateId ?? '').trim();
    if (!templateId) throw new Error('任务头缺少 templateId (header "templateId" missing)');
    if (!findTemplate(templateId)) throw new Error(`任务头 templateId 指向不存在的模板 ${templateId} (unknown template)`);
    const resultVariable = (job.headers.resultVariable ?? '').trim() || `${camel(templateId)}Document`;
    if (!VARIABLE.test(resultVariable)) throw new Error(`任务头 resultVariable 无效 (invalid header "resultVariable": ${resultVariable})`);
    try {
      const result = await documents.generate({
        templateId,
        data: templateData(templateId, job.variables),
        actor: DOCUMENT_ACTOR,
        ownerOrgId: await initiatorOrganisation(job),
        projectNumber: typeof job.variables.projectNumber === 'string' ? job.variables.projectNumber : null,
        instanceId: job.instanceId,
        sourceKey: `${job.instanceId}:${job.elementId}`,
        jobKey: job.key,
      });
      ctx.log(result.created ? 'document generated' : 'document re-delivered', {
        instanceId: job.instanceId,
        templateId,
        documentId: result.document.id,
        version: result.version.version,
      });
      return { [resultVariable]: { id: result.document.id, version: result.version.version, sha256: result.version.sha256 } };
    } catch (err) {
      if (err instanceof AppError && err.code === 'DOCUMENT_DATA_INVALID') {
        const list = err.details.map((d) => `${d.path}: ${d.reason}`).join('; ');
        throw new BpmnError('DOCUMENT_DATA_INVALID', `${err.message} — ${list}`);
      }
      throw err;
    }
  };
}
