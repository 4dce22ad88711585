/**
 * Worker for `zeebe:taskDefinition type="generate-document"`: renders a standard document from the instance's
 * data and stores it as a new version linked to the instance and its project number.
 *   headers: templateId (a template of templates/, e.g. approval-form), resultVariable (optional, default
 *            `<templateId in camelCase>Document`), dataVariable (optional: the name of one variable holding the whole
 *            data object, e.g. `tenderNoticeData` prepared by the chain's workers)
 *   data:    the instance variables named like the template schema's top-level properties (input mappings on the
 *            service task build them, e.g. `project` and `approvals` for the approval form), or with dataVariable
 *            that variable's properties
 *   output:  { [resultVariable]: { id, version, sha256 } }
 * Filled in from the records when the data leaves them out: the 采购人 (project.purchaser) is the initiator's
 * organisation, and approval entries that name their user task (`elementId`) get the approver and the date.
 * Idempotent: the version is stored under the job key, so a redelivered job returns the stored version instead of
 * making a second one; a later pass through the same step (after a resubmission) adds a version to the same
 * document. Data that does not match the schema is a BpmnError DOCUMENT_DATA_INVALID (an incident unless the model
 * catches it) listing every problem: retrying would not fix it.
 */
import { defineAuthModels } from '../auth/models.ts';
import { createCalendarService } from '../calendar/service.ts';
import { findTemplate } from '../documents/catalogue.ts';
import { shanghaiDate } from '../documents/dates.ts';
import { createDocumentService } from '../documents/service.ts';
import { BpmnError, type Job, type Worker } from '../engine/port.ts';
import { defineTaskModels } from '../engine/task-projection.ts';
import { AppError } from '../errors.ts';
import type { WorkerDeps } from './index.ts';

export const GENERATE_DOCUMENT_TASK_TYPE = 'generate-document';
export const DOCUMENT_ACTOR = 'system';
const VARIABLE = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

const camel = (id: string) => id.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

/** FEEL yields null for a missing variable; in template data a missing value is an absent property. */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) out[k] = withoutNulls(v);
    return out;
  }
  return value;
}

/** The variables the template's schema declares at its top level (nulls dropped). */
export function templateData(templateId: string, variables: Record<string, unknown>): Record<string, unknown> {
  const t = findTemplate(templateId);
  if (!t) throw new Error(`模板 ${templateId} 不存在 (unknown template ${templateId})`);
  const props = Object.keys((t.schema.properties ?? {}) as Record<string, unknown>);
  const data: Record<string, unknown> = {};
  for (const p of props) if (variables[p] !== undefined && variables[p] !== null) data[p] = withoutNulls(variables[p]);
  return data;
}


export function generateDocumentWorker(deps: WorkerDeps): Worker {
  const documents = createDocumentService({ db: deps.db, clock: deps.clock, calendar: createCalendarService(deps.db, deps.clock) });

  // Defined on first use: registering the worker must not touch the database.
  const users = () => defineAuthModels(deps.db.sequelize);
  const tasks = () => defineTaskModels(deps.db.sequelize).Task;

  /** The initiator's organisation: the document's owner, and the 采购人 when the model's data names none. */
  async function initiatorOrganisation(job: Job): Promise<{ id: number; name: string; creditCode: string | null } | null> {
    const initiator = job.variables.initiator;
    if (typeof initiator !== 'string') return null;
    const { User, Organisation } = users();
    const user = await User.findOne({ where: { username: initiator } });
    const org = user?.organisationId != null ? await Organisation.findByPk(user.organisationId) : null;
    return org ? { id: org.id, name: org.name, creditCode: org.creditCode } : null;
  }

  async function displayName(username: string | null): Promise<string | undefined> {
    if (!username) return undefined;
    return (await users().User.findOne({ where: { username } }))?.displayName ?? username;
  }

  /**
   * Approval entries that name their user task (`elementId`) get the approver and the date from the task records
   * (the inbox projection): the last completion of that element in this instance. The task being completed in the
   * run that reached this step is not committed yet: it gets today's date and its assignee, if it was claimed.
   */
  async function completeApprovals(data: Record<string, unknown>, job: Job): Promise<void> {
    if (!Array.isArray(data.approvals)) return;
    for (const a of data.approvals as Array<Record<string, unknown>>) {
      if (typeof a?.elementId !== 'string' || (a.person && a.date)) continue;
      const t = await tasks().findOne({
        where: { instanceId: job.instanceId, elementId: a.elementId, state: ['completed', 'created'] },
        order: [['createdAt', 'DESC']],
      });
      if (!t) continue;
      const done = t.state === 'completed' && t.completedAt;
      const person = await displayName(done ? t.completedBy : t.assignee);
      if (!a.person && person) a.person = person;
      a.date ??= shanghaiDate(done ? t.completedAt! : deps.clock.now());
    }
  }

  return async (job, ctx) => {
    const templateId = (job.headers.templateId ?? '').trim();
    if (!templateId) throw new Error('任务头缺少 templateId (header "templateId" missing)');
    if (!findTemplate(templateId)) throw new Error(`任务头 templateId 指向不存在的模板 ${templateId} (unknown template)`);
    const resultVariable = (job.headers.resultVariable ?? '').trim() || `${camel(templateId)}Document`;
    if (!VARIABLE.test(resultVariable)) throw new Error(`任务头 resultVariable 无效 (invalid header "resultVariable": ${resultVariable})`);
    const dataVariable = (job.headers.dataVariable ?? '').trim();
    let source: Record<string, unknown> = job.variables;
    if (dataVariable) {
      const value = job.variables[dataVariable];
      if (!value || typeof value !== 'object' || Array.isArray(value)) {
        throw new Error(`变量 ${dataVariable} 不是文书数据对象 (variable named by header "dataVariable" is not an object)`);
      }
      source = value as Record<string, unknown>;
    }
    const data = templateData(templateId, source);
    const owner = await initiatorOrganisation(job);
    const project = data.project as Record<string, unknown> | undefined;
    if (project && typeof project === 'object' && !project.purchaser) {
      const initiator = typeof job.variables.initiator === 'string' ? job.variables.initiator : '';
      // Without a registered organisation the document still states who applied, visibly, rather than blocking the process.
      project.purchaser = owner
        ? owner.creditCode ? { name: owner.name, creditCode: owner.creditCode } : { name: owner.name }
        : { name: `${initiator || '发起人'}（未登记所属单位）` };
    }
    await completeApprovals(data, job);
    try {
      const result = await documents.generate({
        templateId,
        data,
        actor: DOCUMENT_ACTOR,
        ownerOrgId: owner?.id ?? null,
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
