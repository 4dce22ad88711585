/**
 * Who may read a process instance: process admins, supervisors and auditors; whoever started it; and anyone
 * who is or was a candidate, assignee or completer of one of its tasks.
 */
import type { AuthUser } from '../auth/types.ts';
import { hasAnyRole } from '../auth/middleware.ts';
import type { Role } from '../auth/roles.ts';
import type { InstanceView } from '../engine/port.ts';
import type { Task } from '../engine/task-projection.ts';
import { canSeeTask } from '../inbox/access.ts';

export const INSTANCE_READERS: readonly Role[] = ['process_admin', 'supervisor', 'auditor'];

export async function canReadInstance(TaskModel: typeof Task, view: InstanceView, user: AuthUser): Promise<boolean> {
  if (hasAnyRole(user, INSTANCE_READERS)) return true;
  if (view.startedBy != null && view.startedBy === user.username) return true;
  const tasks = await TaskModel.findAll({ where: { instanceId: view.instanceId } });
  return tasks.some((t) => canSeeTask(t, user));
}
