/**
 * The governance switch (PROCESS_CHANGE_APPROVAL): a process admin's deploy becomes a change request, and the
 * BPMN process `process_change` (processes/process-change.bpmn) puts it before the supervisor. Its service tasks
 * deploy the approved model (`deploy-process-change`) or record the refusal (`reject-process-change`).
 */
import crypto from 'node:crypto';
import type { Clock } from '../clock.ts';
import type { Database } from '../db.ts';
import type { EnginePort, Job } from '../engine/port.ts';
import { defineTaskModels } from '../engine/task-projection.ts';
import { AppError, conflict, notFound } from '../errors.ts';
import { emptyDiff, type ModelDiff } from './diff.ts';
import { defineModelerModels, type ChangeRequestRow, type ChangeRequestStatus } from './models.ts';
import { keyedLock, type DeployInput, type DeploymentService } from './service.ts';

export const PROCESS_CHANGE_PROCESS_ID = 'process_change';
export const DEPLOY_CHANGE_TASK_TYPE = 'deploy-process-change';
export const REJECT_CHANGE_TASK_TYPE = 'reject-process-change';
/** The user task of process_change whose completer is the deciding supervisor. */
const REVIEW_ELEMENT = 'supervisor_review';

export interface ChangeRequestView {
  id: string;
  bpmnProcessId: string;
  baseDeploymentId: string | null;
  comment: string;
  status: ChangeRequestStatus;
  requestedBy: string;
  requestedAt: string;
  approvalInstanceId: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionComment: string | null;
  deploymentId: string | null;
  diffSummary: ModelDiff['summary'] | null;
}

export interface ChangeRequestDetail extends ChangeRequestView {
  xml: string;
  diff: ModelDiff;
}

function view(r: ChangeRequestRow): ChangeRequestView {
  const diff = r.diff ? (JSON.parse(r.diff) as ModelDiff) : null;
  return {
    id: r.id, bpmnProcessId: r.bpmnProcessId, baseDeploymentId: r.baseDeploymentId, comment: r.comment, status: r.status,
    requestedBy: r.requestedBy, requestedAt: new Date(r.requestedAt).toISOString(), approvalInstanceId: r.approvalInstanceId,
    decidedBy: r.decidedBy, decidedAt: r.decidedAt ? new Date(r.decidedAt).toISOString() : null, decisionComment: r.decisionComment,
    deploymentId: r.deploymentId, diffSummary: diff?.summary ?? null,
  };
}

/** One line per change for the supervisor's form, e.g. "修改 city_finance_approval（市财政审批）：assignment.candidateGroups". */
export function changeSummaryText(diff: ModelDiff): string {
  const name = (e: { id: string; name: string | null }) => (e.name ? `${e.id}（${e.name}）` : e.id);
  const lines = [
    ...diff.added.map((e) => `新增 ${name(e)}`),
    ...diff.removed.map((e) => `删除 ${name(e)}`),
    ...diff.changed.map((e) => `修改 ${name(e)}：${e.changes.map((c) => c.property).join('、')}`),
  ];
  return lines.length ? lines.join('；') : '仅布局变化';
}

/**
 * Shared by every service in this Node process: the "already pending?" check and the insert of a request run one
 * at a time per process id, so two submissions at the same moment cannot both pass the check.
 */
const requestLock = keyedLock();

export interface ChangeRequestDeps {
  db: Database;
  engine: EnginePort;
  clock: Clock;
  deployments: DeploymentService;
}

export function createChangeRequestService(deps: ChangeRequestDeps) {
  const { db, engine, clock, deployments } = deps;
  const { ChangeRequest } = defineModelerModels(db.sequelize);

  async function find(id: string): Promise<ChangeRequestRow> {
    const row = await ChangeRequest.findByPk(id);
    if (!row) throw notFound('变更申请 (change request)', id);
    return row;
  }

  async function list(filter: { status?: ChangeRequestStatus } = {}): Promise<ChangeRequestView[]> {
    const rows = await ChangeRequest.findAll({
      where: filter.status ? { status: filter.status } : {},
      attributes: { exclude: ['xml'] },
      order: [['requestedAt', 'DESC']],
      limit: 500,
    });
    return rows.map(view);
  }

  async function get(id: string): Promise<ChangeRequestDetail> {
    const row = await find(id);
    const diff = row.diff ? (JSON.parse(row.diff) as ModelDiff) : emptyDiff();
    return { ...view(row), xml: row.xml, diff };
  }

  /** Lints, refuses an identical model or a second open request for the process, stores it and starts the approval. */
  async function request(input: DeployInput): Promise<ChangeRequestView> {
    const { bpmnProcessId, name } = await deployments.lintForDeploy(input.xml);
    return requestLock(bpmnProcessId, () => store(bpmnProcessId, name, input));
  }

  async function store(bpmnProcessId: string, name: string | null, input: DeployInput): Promise<ChangeRequestView> {
    const { previous, diff } = await deployments.changesAgainstLatest(bpmnProcessId, input.xml);
    const open = await ChangeRequest.findOne({ where: { bpmnProcessId, status: 'pending' } });
    if (open) throw conflict(`流程 ${bpmnProcessId} 已有待审批的变更 ${open.id}，请等待监督审批后再提交 (a change of this process is already pending)`, 'CHANGE_PENDING');
    const id = crypto.randomUUID();
    const now = clock.now();
    await ChangeRequest.create({
      id, bpmnProcessId, baseDeploymentId: previous?.deploymentId ?? null, resourceName: input.resourceName ?? `${bpmnProcessId}.bpmn`,
      xml: input.xml, contentHash: crypto.createHash('sha256').update(input.xml).digest('hex'), comment: input.comment,
      diff: JSON.stringify(diff), status: 'pending', requestedBy: input.username, requestedAt: now,
      approvalInstanceId: null, decidedBy: null, decidedAt: null, decisionComment: null, deploymentId: null,
    });
    try {
      const ref = await engine.startInstance({
        bpmnProcessId: PROCESS_CHANGE_PROCESS_ID,
        businessKey: id,
        startedBy: input.username,
        variables: {
          changeRequestId: id, bpmnProcessId, processName: name ?? bpmnProcessId, baseVersion: previous?.version ?? 0,
          requestedBy: input.username, changeComment: input.comment, changeSummary: changeSummaryText(diff),
        },
      });
      await ChangeRequest.update({ approvalInstanceId: ref.instanceId }, { where: { id } });
    } catch (err) {
      // No approval process, no request: nothing is left pending that nobody could decide.
      await ChangeRequest.destroy({ where: { id } });
      throw err;
    }
    return view(await find(id));
  }

  /**
   * The supervisor who decided the review task, and their comment. The worker runs inside the completing run, before
   * the task row is marked completed, so the decider is the task's assignee (the inbox claims a task before completing it).
   */
  async function decision(job: Job): Promise<{ decidedBy: string | null; decisionComment: string | null }> {
    const { Task } = defineTaskModels(db.sequelize);
    const task = await Task.findOne({ where: { instanceId: job.instanceId, elementId: REVIEW_ELEMENT }, order: [['createdAt', 'DESC']] });
    const comment = job.variables.reviewComment;
    return { decidedBy: task?.completedBy ?? task?.assignee ?? null, decisionComment: typeof comment === 'string' ? comment.slice(0, 1000) : null };
  }

  function requestOf(job: Job): Promise<ChangeRequestRow> {
    const id = job.variables.changeRequestId;
    if (typeof id !== 'string') throw new AppError(422, 'VALIDATION_FAILED', 'changeRequestId 缺失 (missing changeRequestId)');
    return find(id);
  }

  /** deploy-process-change: deploys the approved model. Idempotent (a job may be delivered twice). */
  async function applyApproved(job: Job): Promise<Record<string, unknown>> {
    const cr = await requestOf(job);
    if (cr.status === 'deployed') return { deploymentId: cr.deploymentId };
    if (cr.status !== 'pending') throw conflict(`变更 ${cr.id} 状态为 ${cr.status}，不能部署`, 'CHANGE_NOT_PENDING');
    const d = await decision(job);
    if (d.decidedBy && d.decidedBy === cr.requestedBy) {
      // An account holding both process_admin and supervisor must not approve its own change: it is returned, and
      // the requester may submit it again for another supervisor to decide.
      const reason = `不得审批本人提交的变更，已退回 (a change cannot be approved by its requester ${cr.requestedBy})`;
      await ChangeRequest.update(
        { status: 'rejected', decidedBy: d.decidedBy, decidedAt: clock.now(), decisionComment: `${reason}${d.decisionComment ? `；${d.decisionComment}` : ''}`.slice(0, 1000) },
        { where: { id: cr.id, status: 'pending' } },
      );
      return { deploymentId: null, selfApprovalRefused: true };
    }
    const comment = `${cr.comment}（${d.decidedBy ?? '监督'} 审批通过）`.slice(0, 1000);
    // Linted when requested; the engine checks workers and forms again on deploy.
    const warnings: never[] = [];
    try {
      const out = await deployments.deployLinted(cr.bpmnProcessId, { xml: cr.xml, comment, resourceName: cr.resourceName, username: cr.requestedBy }, warnings, { id: cr.id, ...d });
      return { deploymentId: out.deployment.deploymentId, deployedVersion: out.deployment.version };
    } catch (err) {
      if (err instanceof AppError && err.code === 'NO_CHANGES') {
        // Someone deployed the same model meanwhile: the change is in force; record that version.
        const latest = (await deployments.list({ bpmnProcessId: cr.bpmnProcessId }))[0];
        await ChangeRequest.update({ status: 'deployed', deploymentId: latest.deploymentId, decidedBy: d.decidedBy, decidedAt: clock.now(), decisionComment: d.decisionComment }, { where: { id: cr.id, status: 'pending' } });
        return { deploymentId: latest.deploymentId, deployedVersion: latest.version };
      }
      throw err;
    }
  }

  /** reject-process-change: records the refusal; nothing is deployed. */
  async function applyRejected(job: Job): Promise<void> {
    const cr = await requestOf(job);
    if (cr.status !== 'pending') return;
    const d = await decision(job);
    await ChangeRequest.update({ status: 'rejected', decidedBy: d.decidedBy, decidedAt: clock.now(), decisionComment: d.decisionComment }, { where: { id: cr.id, status: 'pending' } });
  }

  return { list, get, request, applyApproved, applyRejected };
}

export type ChangeRequestService = ReturnType<typeof createChangeRequestService>;
