/**
 * Segregation of duties (issue 4 point 3, CHAIN.md part A). A user task whose element carries the task header
 * `approvalStage` (city | dept | finance | supervisor) is an approval stage: the instance's initiator may never claim
 * or complete it, and a user who completed a task of one stage may not complete a task of another stage of the same
 * instance (403 SEGREGATION_OF_DUTIES naming the stage already acted in). The same stage twice (after a
 * resubmission) is allowed.
 *
 * The record is `stage_actions`, written by a `task.completed` listener inside the completion's transaction from the
 * task's header as the task projection stores it — so a stage counts exactly when its completion committed. The
 * check runs in the inbox routes (engine-neutral), before the engine is asked to claim or complete.
 */
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type { ChangeListener } from '../engine/port.ts';
import { AppError } from '../errors.ts';

export const APPROVAL_STAGE_HEADER = 'approvalStage';

export const STAGE_LABELS: Record<string, string> = {
  city: '市财政审批',
  dept: '主管部门审批',
  finance: '财政采购股审核',
  supervisor: '监督审批',
  works_registration: '招标备案（行业主管部门）',
};
const stageLabel = (s: string) => `${STAGE_LABELS[s] ?? s}（${s}）`;

/** The approval stage of a task from its stored headers (JSON of zeebe:taskHeaders), or null. */
export function approvalStageOf(headers: string | Record<string, string> | null | undefined): string | null {
  if (!headers) return null;
  let h: Record<string, unknown>;
  if (typeof headers === 'string') {
    try {
      h = JSON.parse(headers) as Record<string, unknown>;
    } catch {
      return null;
    }
  } else h = headers;
  const v = h?.[APPROVAL_STAGE_HEADER];
  return typeof v === 'string' && v.trim() ? v.trim() : null;
}

export interface StageAction {
  instanceId: string;
  stage: string;
  elementId: string;
  actor: string;
  taskId: string;
  at: string;
}

export async function stageActionsOf(sequelize: Sequelize, instanceId: string, tx?: Transaction): Promise<StageAction[]> {
  const rows = await sequelize.query<Record<string, unknown>>('SELECT * FROM stage_actions WHERE instance_id = :instanceId ORDER BY at, id', {
    replacements: { instanceId },
    type: QueryTypes.SELECT,
    transaction: tx,
  });
  return rows.map((r) => ({
    instanceId: String(r.instance_id),
    stage: String(r.stage),
    elementId: String(r.element_id),
    actor: String(r.actor),
    taskId: String(r.task_id),
    at: (r.at instanceof Date ? r.at : new Date(String(r.at))).toISOString(),
  }));
}

/** Writes the stage record of each completed approval task, in the completion's transaction. */
export function stageActionListener(sequelize: Sequelize): ChangeListener {
  return async (change, tx) => {
    if (change.kind !== 'task.completed' || !change.instanceId || !change.actor) return;
    const [task] = await sequelize.query<{ headers: string | null; element_id: string }>('SELECT headers, element_id FROM tasks WHERE id = :id', {
      replacements: { id: change.objectId },
      type: QueryTypes.SELECT,
      transaction: tx,
    });
    const stage = approvalStageOf(task?.headers);
    if (!task || !stage) return;
    const [known] = await sequelize.query('SELECT 1 AS x FROM stage_actions WHERE task_id = :id', { replacements: { id: change.objectId }, type: QueryTypes.SELECT, transaction: tx });
    if (known) return;
    await sequelize.query('INSERT INTO stage_actions (instance_id, stage, element_id, actor, task_id, at) VALUES (:instanceId, :stage, :elementId, :actor, :taskId, :at)', {
      replacements: { instanceId: change.instanceId, stage: stage.slice(0, 32), elementId: task.element_id, actor: change.actor, taskId: change.objectId, at: change.at },
      transaction: tx,
    });
  };
}

export interface SegregationSubject {
  instanceId: string;
  headers: string | null;
}

/**
 * Throws 403 SEGREGATION_OF_DUTIES when `username` may not act on this task: it is an approval stage and the user
 * is the instance's initiator, or completed a task of another approval stage of this instance. `initiatorOf` tells
 * the initiator when the instance has no project row (an instance started outside the projects API).
 */
export async function assertSegregationOfDuties(
  sequelize: Sequelize,
  task: SegregationSubject,
  username: string,
  initiatorOf?: (instanceId: string) => Promise<string | null>,
): Promise<void> {
  const stage = approvalStageOf(task.headers);
  if (!stage) return;
  const [project] = await sequelize.query<{ initiator: string }>('SELECT initiator FROM projects WHERE instance_id = :id', { replacements: { id: task.instanceId }, type: QueryTypes.SELECT });
  const initiator = project?.initiator ?? (initiatorOf ? await initiatorOf(task.instanceId) : null);
  if (initiator && initiator === username) {
    throw new AppError(403, 'SEGREGATION_OF_DUTIES', `职责分离：申请人不能审批本人的采购申请（${stageLabel(stage)}）(segregation of duties: the applicant may not approve their own application)`, [
      { path: APPROVAL_STAGE_HEADER, reason: `${username} 是本项目的申请人 (the initiator of this instance)` },
    ]);
  }
  const other = (await stageActionsOf(sequelize, task.instanceId)).find((a) => a.actor === username && a.stage !== stage);
  if (other) {
    throw new AppError(
      403,
      'SEGREGATION_OF_DUTIES',
      `职责分离：您已办理本项目的${stageLabel(other.stage)}，不能再办理${stageLabel(stage)} (segregation of duties: you already acted in the ${other.stage} stage of this instance)`,
      [{ path: APPROVAL_STAGE_HEADER, reason: `already completed stage ${other.stage} (${other.elementId}) of this instance` }],
    );
  }
}
