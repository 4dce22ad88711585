/**
 * The inbox list: tasks the caller is assigned to, may claim (candidate group = one of their roles, or
 * candidate user = them), or completed. Candidate scopes start from the `task_candidates` index of OPEN
 * tasks (rows go when a task closes) and join `tasks` by primary key, so the cost follows the caller's own
 * tasks, not the 100k open tasks of everyone. Raw SQL, portable between SQLite and MySQL/MariaDB.
 */
import { QueryTypes } from 'sequelize';
import type { Task } from '../engine/task-projection.ts';
import type { AuthUser } from '../auth/types.ts';
import type { ListTasksQuery } from './schemas.ts';

export interface TaskPage {
  rows: Task[];
  total: number;
}

type Replacements = Record<string, unknown>;

/** Ids of open tasks where the caller is a candidate (user or one of their roles as group). */
function candidateIds(user: AuthUser): string {
  const byUser = `SELECT task_id AS id FROM task_candidates WHERE kind = 'user' AND value = :me`;
  return user.roles.length
    ? `${byUser} UNION SELECT task_id AS id FROM task_candidates WHERE kind = 'group' AND value IN (:roles)`
    : byUser;
}

function scopeSql(user: AuthUser, scope: ListTasksQuery['scope']): { from: string; where: string[] } {
  switch (scope) {
    case 'mine':
      return { from: 'tasks t', where: [`t.state = 'created'`, 't.assignee = :me'] };
    case 'completed':
      return { from: 'tasks t', where: [`t.state = 'completed'`, 't.completed_by = :me'] };
    // No outer `t.state` test: `task_candidates` holds open tasks only (the engine deletes the rows when a
    // task closes), and a state test would tempt MySQL into scanning every open task instead of the id list.
    case 'groups':
      return { from: `(${candidateIds(user)}) s JOIN tasks t ON t.id = s.id`, where: ['1 = 1'] };
    case 'all':
      return {
        from: `(${candidateIds(user)} UNION SELECT id FROM tasks WHERE assignee = :me AND state = 'created') s JOIN tasks t ON t.id = s.id`,
        where: ['1 = 1'],
      };
  }
}

function filterSql(q: ListTasksQuery, r: Replacements): string[] {
  const where: string[] = [];
  if (q.process) (where.push('t.bpmn_process_id = :process'), (r.process = q.process));
  if (q.elementId) (where.push('t.element_id = :elementId'), (r.elementId = q.elementId));
  if (q.businessKey) (where.push('t.business_key = :businessKey'), (r.businessKey = q.businessKey));
  if (q.dueAfter) (where.push('t.due_at >= :dueAfter'), (r.dueAfter = new Date(q.dueAfter)));
  if (q.dueBefore) (where.push('t.due_at < :dueBefore'), (r.dueBefore = new Date(q.dueBefore)));
  if (q.q) {
    // `!` escapes LIKE wildcards typed by the user.
    r.like = '%' + q.q.replace(/[!%_]/g, (c) => '!' + c) + '%';
    where.push(`(t.name LIKE :like ESCAPE '!' OR t.business_key LIKE :like ESCAPE '!')`);
  }
  return where;
}

export function resolveSort(q: ListTasksQuery): { sort: NonNullable<ListTasksQuery['sort']>; order: 'asc' | 'desc' } {
  const sort = q.sort ?? (q.scope === 'completed' ? 'completed' : 'due');
  const order = q.order ?? (sort === 'due' ? 'asc' : 'desc');
  return { sort, order };
}

function orderSql(q: ListTasksQuery): string {
  const { sort, order } = resolveSort(q);
  const dir = order === 'asc' ? 'ASC' : 'DESC';
  const column = { due: 't.due_at', created: 't.created_at', priority: 't.priority', completed: 't.completed_at' }[sort];
  const parts: string[] = [];
  // Tasks without a date go last in either direction.
  if (sort === 'due' || sort === 'completed') parts.push(`CASE WHEN ${column} IS NULL THEN 1 ELSE 0 END ASC`);
  parts.push(`${column} ${dir}`);
  if (sort !== 'created') parts.push(`t.created_at ${dir}`);
  parts.push(`t.id ${dir}`);
  return parts.join(', ');
}

export async function listTasks(TaskModel: typeof Task, user: AuthUser, q: ListTasksQuery): Promise<TaskPage> {
  const sequelize = TaskModel.sequelize!;
  const replacements: Replacements = { me: user.username, roles: user.roles };
  const scope = scopeSql(user, q.scope);
  const where = [...scope.where, ...filterSql(q, replacements)].join(' AND ');
  replacements.limit = q.pageSize;
  replacements.offset = (q.page - 1) * q.pageSize;
  // Page ids first (narrow rows to sort), then load those tasks by primary key.
  const [counted, page] = await Promise.all([
    sequelize.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${scope.from} WHERE ${where}`, {
      replacements,
      type: QueryTypes.SELECT,
    }),
    sequelize.query<{ id: string }>(
      `SELECT t.id FROM ${scope.from} WHERE ${where} ORDER BY ${orderSql(q)} LIMIT :limit OFFSET :offset`,
      { replacements, type: QueryTypes.SELECT },
    ),
  ]);
  const ids = page.map((r) => r.id);
  const loaded = ids.length ? await TaskModel.findAll({ where: { id: ids } }) : [];
  const byId = new Map(loaded.map((t) => [t.id, t]));
  const rows = ids.map((id) => byId.get(id)).filter((t): t is Task => t !== undefined);
  return { rows, total: Number(counted[0]?.n ?? 0) };
}
