/** Loading a task for a caller: 404 when it does not exist, 403 when the caller may not see it. */
import { AppError, forbidden, notFound } from '../errors.ts';
import { isTaskVisibleTo, type Task } from '../engine/task-projection.ts';
import type { AuthUser } from '../auth/types.ts';
import type { EnginePort } from '../engine/port.ts';
import { assertSegregationOfDuties } from '../procurement/segregation.ts';

/** Candidates and the assignee may see a task; whoever completed it may still read it. */
export function canSeeTask(task: Task, user: AuthUser): boolean {
  return isTaskVisibleTo(task, user) || (task.completedBy != null && task.completedBy === user.username);
}

export async function loadTaskFor(TaskModel: typeof Task, id: string, user: AuthUser): Promise<Task> {
  const task = await TaskModel.findByPk(id);
  if (!task) throw notFound('任务 (task)', id);
  if (!canSeeTask(task, user)) {
    throw forbidden(`您不是任务 ${id} 的候选人或处理人 (not a candidate or the assignee of this task)`);
  }
  return task;
}

/** 409 unless the task is open. */
export function assertOpen(task: Task): void {
  if (task.state === 'completed') {
    throw new AppError(409, 'TASK_ALREADY_COMPLETED', `任务已由 ${task.completedBy ?? '他人'} 办理完成 (task already completed)`);
  }
  if (task.state !== 'created') {
    throw new AppError(409, 'TASK_CANCELED', '任务已取消（流程已撤销或已越过此环节）(task was canceled)');
  }
}

export function claimedByOther(task: Task): AppError {
  return new AppError(409, 'TASK_ALREADY_CLAIMED', `任务已被 ${task.assignee} 签收 (task already claimed by someone else)`);
}

/**
 * Segregation of duties on approval stages (task header approvalStage; server/procurement/segregation.ts): 403
 * SEGREGATION_OF_DUTIES for the instance's initiator, and for a user who completed another stage of the instance.
 */
export async function assertMayActOn(task: Task, user: AuthUser, engine: EnginePort): Promise<void> {
  await assertSegregationOfDuties(task.sequelize, task, user.username, async (instanceId) => {
    const view = await engine.getVariables(instanceId);
    const initiator = view?.variables.initiator;
    return typeof initiator === 'string' ? initiator : view?.startedBy ?? null;
  });
}
