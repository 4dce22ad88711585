/**
 * The inbox list: tasks the caller is assigned to, may claim (candidate group = one of their roles, or
 * candidate user = them), or completed.
 *
 * Query design (measured by `npm run bench:inbox`, see docs/architecture.md): the page is a UNION of one small
 * "branch" per source — each of the caller's groups and the caller as candidate user read from the covering
 * indexes of `task_candidates` (open tasks only), the caller's own open tasks from `tasks` — where every branch
 * is already ordered by the sort key and limited to the rows the page needs, so each one is an index range scan
 * that stops after ~page-size entries however many tasks the group holds. Sorting by due date keeps tasks
 * without a date last by splitting each source into a dated and an undated branch (both index-ordered) instead
 * of sorting on an expression. Next pages follow a keyset cursor (`after`); `page` offsets still work. The
 * count is capped (COUNT_CAP) so a group with 10,000 tasks is not counted row by row on every page.
 * Filters that need task columns (process, step, project, text) join `tasks` (and `inbox_projects`) inside each
 * branch. Raw SQL, portable between SQLite and MySQL/MariaDB.
 */
import { QueryTypes } from 'sequelize';
import type { Task } from '../engine/task-projection.ts';
import type { AuthUser } from '../auth/types.ts';
import { validationFailed } from '../errors.ts';
import type { ProjectData } from './project-index.ts';
import type { ListTasksQuery } from './schemas.ts';

export const COUNT_CAP = 1000;

export interface TaskPage {
  rows: Task[];
  /** Exact below COUNT_CAP, else COUNT_CAP with totalCapped. */
  total: number;
  totalCapped: boolean;
  hasMore: boolean;
  /** Cursor of the next page (`after=`), null on the last page. */
  nextCursor: string | null;
  /** Project data of the rows' instances (from the same query). */
  projects: Map<string, ProjectData>;
}

const DATE_ATTRIBUTES = ['dueAt', 'followUpAt', 'createdAt', 'claimedAt', 'completedAt'] as const;

/** Raw SQLite rows carry dates as text ('2026-03-02 01:00:00.000 +00:00'); model reads give Dates. */
function normalizeDates(task: Task): Task {
  for (const k of DATE_ATTRIBUTES) {
    const v = task.getDataValue(k) as unknown;
    if (typeof v === 'string') task.setDataValue(k, new Date(v.replace(' ', 'T').replace(' ', '')));
  }
  return task;
}

type Replacements = Record<string, unknown>;
type Sort = NonNullable<ListTasksQuery['sort']>;

/** One place tasks come from: its table expression, its condition and its column names. */
interface Source {
  from: string;
  where: string[];
  id: string;
  due: string;
  created: string;
  /** True when the source is `task_candidates` (task columns need a join). */
  candidates: boolean;
}

interface Cursor {
  k0: number;
  k1: string | number | null;
  k2: string | null;
  id: string;
}

export function resolveSort(q: ListTasksQuery): { sort: Sort; order: 'asc' | 'desc' } {
  const sort = q.sort ?? (q.scope === 'completed' ? 'completed' : 'due');
  const order = q.order ?? (sort === 'due' ? 'asc' : 'desc');
  return { sort, order };
}

function sources(user: AuthUser, scope: ListTasksQuery['scope'], r: Replacements): Source[] {
  const cand = (kind: 'group' | 'user', param: string): Source => ({
    from: 'task_candidates c',
    where: [`c.kind = '${kind}'`, `c.value = :${param}`],
    id: 'c.task_id',
    due: 'c.due_at',
    created: 'c.created_at',
    candidates: true,
  });
  const own = (where: string[]): Source => ({ from: 'tasks t', where, id: 't.id', due: 't.due_at', created: 't.created_at', candidates: false });
  const candidates = (): Source[] => {
    const list = [cand('user', 'me')];
    user.roles.forEach((role, i) => {
      r[`g${i}`] = role;
      list.push(cand('group', `g${i}`));
    });
    return list;
  };
  switch (scope) {
    case 'mine':
      return [own([`t.state = 'created'`, 't.assignee = :me'])];
    case 'completed':
      return [own([`t.state = 'completed'`, 't.completed_by = :me'])];
    case 'groups':
      return candidates();
    case 'all':
      return [...candidates(), own([`t.state = 'created'`, 't.assignee = :me'])];
  }
}

function needsTaskColumns(q: ListTasksQuery, sort: Sort): boolean {
  return !!(q.process || q.elementId || q.businessKey || q.project || q.q || sort === 'priority' || sort === 'completed');
}

function filterSql(q: ListTasksQuery, src: Source, r: Replacements, now: Date, dueSoonMs: number): string[] {
  const where: string[] = [];
  if (q.process) (where.push('t.bpmn_process_id = :process'), (r.process = q.process));
  if (q.elementId) (where.push('t.element_id = :elementId'), (r.elementId = q.elementId));
  if (q.businessKey) (where.push('t.business_key = :businessKey'), (r.businessKey = q.businessKey));
  if (q.project) (where.push('p.project_number = :project'), (r.project = q.project));
  if (q.dueAfter) (where.push(`${src.due} >= :dueAfter`), (r.dueAfter = new Date(q.dueAfter)));
  if (q.dueBefore) (where.push(`${src.due} < :dueBefore`), (r.dueBefore = new Date(q.dueBefore)));
  if (q.dueState === 'overdue') (where.push(`${src.due} < :now`), (r.now = now));
  if (q.dueState === 'soon') {
    where.push(`${src.due} >= :now`, `${src.due} < :soon`);
    r.now = now;
    r.soon = new Date(now.getTime() + dueSoonMs);
  }
  if (q.q) {
    // `!` escapes LIKE wildcards typed by the user.
    r.like = '%' + q.q.replace(/[!%_]/g, (c) => '!' + c) + '%';
    where.push(
      `(t.name LIKE :like ESCAPE '!' OR t.business_key LIKE :like ESCAPE '!' OR p.project_number LIKE :like ESCAPE '!' OR p.project_name LIKE :like ESCAPE '!')`,
    );
  }
  return where;
}

function fromSql(src: Source, join: boolean, q: ListTasksQuery): string {
  let from = src.from;
  if (join && src.candidates) from += ' JOIN tasks t ON t.id = c.task_id';
  if (q.project || q.q) from += ' LEFT JOIN inbox_projects p ON p.instance_id = t.instance_id';
  return from;
}

/** The sort keys of a source: k1 (primary), k2 (tie-break) and the id, as column expressions. */
function keys(src: Source, sort: Sort): { k1: string; k2: string | null } {
  switch (sort) {
    case 'due':
      return { k1: src.due, k2: src.created };
    case 'created':
      return { k1: src.created, k2: null };
    case 'priority':
      return { k1: 't.priority', k2: src.created };
    case 'completed':
      return { k1: 't.completed_at', k2: null };
  }
}

/** "after the cursor" for keys in this direction, expanded (row-value comparisons use indexes badly on MySQL). */
function afterSql(cols: { expr: string; param: string; value: unknown }[], dir: 'asc' | 'desc', r: Replacements): string {
  const op = dir === 'asc' ? '>' : '<';
  const live = cols.filter((c) => c.value !== null);
  for (const c of live) r[c.param] = c.value;
  let sql = '';
  for (let i = live.length - 1; i >= 0; i--) {
    const c = live[i]!;
    sql = sql ? `(${c.expr} ${op} :${c.param} OR (${c.expr} = :${c.param} AND ${sql}))` : `${c.expr} ${op} :${c.param}`;
  }
  // A leading range on the first key lets the index seek.
  return live.length > 1 ? `${live[0]!.expr} ${op}= :${live[0]!.param} AND ${sql}` : sql;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.k0, c.k1, c.k2, c.id])).toString('base64url');
}

export function decodeCursor(text: string): Cursor {
  try {
    const [k0, k1, k2, id] = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown[];
    const okDate = (v: unknown) => v === null || (typeof v === 'string' && !Number.isNaN(Date.parse(v)));
    if ((k0 === 0 || k0 === 1) && (okDate(k1) || Number.isInteger(k1)) && okDate(k2) && typeof id === 'string' && id.length <= 40) {
      return { k0, k1: k1 as Cursor['k1'], k2: k2 as string | null, id };
    }
  } catch {
    /* fall through */
  }
  throw validationFailed('分页游标无效 (invalid cursor)', [{ path: 'after', reason: '不是本接口返回的 nextCursor (not a nextCursor of this list)' }]);
}

function cursorOf(task: Task, sort: Sort): Cursor {
  const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
  switch (sort) {
    case 'due':
      return { k0: task.dueAt ? 0 : 1, k1: iso(task.dueAt), k2: iso(task.createdAt), id: task.id };
    case 'created':
      return { k0: 0, k1: iso(task.createdAt), k2: null, id: task.id };
    case 'priority':
      return { k0: 0, k1: task.priority ?? 50, k2: iso(task.createdAt), id: task.id };
    case 'completed':
      return { k0: task.completedAt ? 0 : 1, k1: iso(task.completedAt), k2: null, id: task.id };
  }
}

const asParam = (v: string | number | null) => (typeof v === 'string' ? new Date(v) : v);

export interface ListOptions {
  now: Date;
  dueSoonMs: number;
}

export async function listTasks(TaskModel: typeof Task, user: AuthUser, q: ListTasksQuery, opts: ListOptions): Promise<TaskPage> {
  const sequelize = TaskModel.sequelize!;
  const { sort, order } = resolveSort(q);
  const dir = order === 'asc' ? 'ASC' : 'DESC';
  const r: Replacements = { me: user.username };
  const srcs = sources(user, q.scope, r);
  const join = needsTaskColumns(q, sort);
  const cursor = q.after ? decodeCursor(q.after) : null;
  const offset = cursor ? 0 : (q.page - 1) * q.pageSize;
  r.take = offset + q.pageSize + 1;
  r.offset = offset;
  r.cap = COUNT_CAP + 1;

  const branches: string[] = [];
  const countBranches: string[] = [];
  srcs.forEach((src, s) => {
    const base = [...src.where, ...filterSql(q, src, r, opts.now, opts.dueSoonMs)];
    const from = fromSql(src, join, q);
    countBranches.push(`SELECT * FROM (SELECT ${src.id} AS id FROM ${from} WHERE ${base.join(' AND ')} LIMIT :cap) cb${s}`);
    const { k1, k2 } = keys(src, sort);
    // Dated and undated tasks in separate index-ordered branches: k0 puts undated ones last in both directions.
    const parts: { k0: number; cond: string[] }[] =
      sort === 'due' || sort === 'completed'
        ? [{ k0: 0, cond: [`${k1} IS NOT NULL`] }, { k0: 1, cond: [`${k1} IS NULL`] }]
        : [{ k0: 0, cond: [] }];
    for (const part of parts) {
      const where = [...base, ...part.cond];
      if (cursor) {
        if (part.k0 < cursor.k0) continue; // this branch lies wholly before the cursor
        if (part.k0 === cursor.k0) {
          const n = `${s}_${part.k0}`;
          const cols = [
            { expr: k1, param: `c1_${n}`, value: part.k0 === 1 ? null : asParam(cursor.k1) },
            ...(k2 ? [{ expr: k2, param: `c2_${n}`, value: asParam(cursor.k2) }] : []),
            { expr: src.id, param: `ci_${n}`, value: cursor.id },
          ];
          where.push(afterSql(cols, order, r));
        }
      }
      const orderBy = [part.k0 === 1 ? null : `${k1} ${dir}`, k2 ? `${k2} ${dir}` : null, `${src.id} ${dir}`].filter(Boolean).join(', ');
      branches.push(
        `SELECT * FROM (SELECT ${src.id} AS id, ${part.k0} AS k0, ${k1} AS k1, ${k2 ?? 'NULL'} AS k2 FROM ${from} ` +
          `WHERE ${where.join(' AND ')} ORDER BY ${orderBy} LIMIT :take) b${s}_${part.k0}`,
      );
    }
  });

  // One round trip for the page: the ids in order, joined to their task rows and project data.
  const pageSql = branches.length
    ? `SELECT t.*, p.project_number AS inbox_project_number, p.project_name AS inbox_project_name FROM (` +
      `SELECT id, k0, k1, k2 FROM (${branches.join(' UNION ')}) u0 ORDER BY k0 ASC, k1 ${dir}, k2 ${dir}, id ${dir} LIMIT :take OFFSET :offset` +
      `) u JOIN tasks t ON t.id = u.id LEFT JOIN inbox_projects p ON p.instance_id = t.instance_id ` +
      `ORDER BY u.k0 ASC, u.k1 ${dir}, u.k2 ${dir}, u.id ${dir}`
    : null;
  const [counted, page] = await Promise.all([
    sequelize.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM (${countBranches.join(' UNION ')}) u`, { replacements: r, type: QueryTypes.SELECT }),
    pageSql ? sequelize.query(pageSql, { replacements: r, model: TaskModel, mapToModel: true }) : Promise.resolve([] as Task[]),
  ]);
  const hasMore = page.length > q.pageSize;
  const rows = page.slice(0, q.pageSize).map(normalizeDates);
  const projects = new Map<string, ProjectData>();
  for (const t of rows) {
    const number = t.get('inbox_project_number' as keyof Task) as string | null | undefined;
    const name = t.get('inbox_project_name' as keyof Task) as string | null | undefined;
    if (number != null || name != null) projects.set(t.instanceId, { projectNumber: number ?? null, projectName: name ?? null });
  }
  const n = Number(counted[0]?.n ?? 0);
  const last = rows[rows.length - 1];
  return {
    rows,
    total: Math.min(n, COUNT_CAP),
    totalCapped: n > COUNT_CAP,
    hasMore,
    nextCursor: hasMore && last ? encodeCursor(cursorOf(last, sort)) : null,
    projects,
  };
}
