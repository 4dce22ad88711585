/**
 * Keeps the app's `tasks` projection (and `task_candidates`) in step with Camunda user tasks, so the inbox,
 * its visibility rules and segregation of duties work exactly as in embedded mode.
 *
 * Camunda's search endpoints read secondary storage and lag behind the broker (eventually consistent), so:
 *   - tasks appear in the projection when a sync finds them in `POST /v2/user-tasks/search` (state CREATED);
 *   - our own claims and completions update the projection at once (in the adapter), and the sync does not
 *     overwrite a task this process changed within `localWriteGraceMs` with an older search result;
 *   - an open projected task that no longer shows as CREATED is looked up (`GET /v2/user-tasks/{key}`) and
 *     closed only when Camunda says COMPLETED / CANCELED / FAILED.
 * Each insert or close is one transaction with its `EngineChange`, and is conditional, so two app nodes syncing
 * at once create each task once.
 */
import type { Transaction } from 'sequelize';
import type { Database } from '../../db.ts';
import type { Clock } from '../../clock.ts';
import type { ChangeListener, EngineChange } from '../port.ts';
import type { Task, TaskCandidate } from '../task-projection.ts';
import type { RestUserTask, ZeebeRest } from './rest.ts';

export interface TaskSyncDeps {
  db: Database;
  clock: Clock;
  rest: ZeebeRest;
  Task: typeof Task;
  TaskCandidate: typeof TaskCandidate;
  listeners: ChangeListener[];
  /** Business key of an instance started by this app (null for others). */
  businessKey(instanceId: string): Promise<string | null>;
  /** The model's formId of a user task element (Camunda reports only the deployed form's key). */
  formId(processDefinitionKey: string, elementId: string): Promise<string | null>;
  /** Called for instances whose tasks closed: they may have ended. */
  touched(instanceId: string): void;
  localWriteGraceMs?: number;
}

export function change(kind: EngineChange['kind'], instanceId: string | null, objectId: string, actor: string | null, at: Date, data: Record<string, unknown>): EngineChange {
  return { kind, instanceId, objectId, actor, at, data };
}

const date = (s?: string | null): Date | null => (s ? new Date(s) : null);

export class TaskSync {
  /** Task keys this process changed itself, with the real time until which search results may be older. */
  private readonly localWrites = new Map<string, number>();

  constructor(private readonly d: TaskSyncDeps) {}

  /** Remember a change made through this process, so a lagging search does not undo it. */
  wroteLocally(taskId: string): void {
    this.localWrites.set(taskId, Date.now() + (this.d.localWriteGraceMs ?? 30_000));
  }

  private recentlyWritten(taskId: string): boolean {
    const until = this.localWrites.get(taskId);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.localWrites.delete(taskId);
    return false;
  }

  async emit(tx: Transaction, ch: EngineChange): Promise<void> {
    for (const l of this.d.listeners) await l(ch, tx);
  }

  /** One pass; returns how many projection rows changed. */
  async sync(): Promise<number> {
    const { Task } = this.d;
    const open = await this.d.rest.searchUserTasks({ state: 'CREATED' });
    const seen = new Map(open.map((t) => [t.userTaskKey, t]));
    let changed = 0;
    const ids = [...seen.keys()];
    const known = new Map<string, Task>();
    for (let i = 0; i < ids.length; i += 500) {
      for (const row of await Task.findAll({ where: { id: ids.slice(i, i + 500) } })) known.set(row.id, row);
    }
    for (const t of open) {
      const row = known.get(t.userTaskKey);
      if (!row) {
        if (await this.insert(t)) changed++;
      } else if (row.state === 'created' && (row.assignee ?? null) !== (t.assignee ?? null) && !this.recentlyWritten(row.id)) {
        // Assigned in Tasklist or by another app node.
        if (await this.reassign(row, t.assignee ?? null)) changed++;
      }
    }
    const projectedOpen = await Task.findAll({ where: { state: 'created' }, attributes: ['id', 'instanceId', 'elementId', 'assignee'] });
    for (const row of projectedOpen) {
      if (seen.has(row.id) || this.recentlyWritten(row.id)) continue;
      let current: RestUserTask;
      try {
        current = await this.d.rest.getUserTask(row.id);
      } catch (err) {
        if ((err as { status?: number }).status === 404) continue; // not exported yet
        throw err;
      }
      if (current.state === 'COMPLETED') changed += await this.close(row.id, 'completed', current.assignee ?? row.assignee ?? null, date(current.completionDate));
      else if (current.state === 'CANCELED' || current.state === 'FAILED') changed += await this.close(row.id, 'canceled', null, date(current.completionDate));
    }
    return changed;
  }

  private async insert(t: RestUserTask): Promise<boolean> {
    const { Task, TaskCandidate, clock } = this.d;
    const [businessKey, formId, variables] = await Promise.all([
      this.d.businessKey(t.processInstanceKey),
      this.d.formId(t.processDefinitionKey, t.elementId),
      this.instanceVariables(t.processInstanceKey),
    ]);
    const now = clock.now();
    const groups = [...new Set(t.candidateGroups ?? [])];
    const users = [...new Set(t.candidateUsers ?? [])];
    const dueAt = date(t.dueDate);
    return this.d.db.withTransaction(async (tx) => {
      if (await Task.findByPk(t.userTaskKey, { transaction: tx, attributes: ['id'] })) return false;
      const headers = t.customHeaders && Object.keys(t.customHeaders).length ? JSON.stringify(t.customHeaders) : null;
      await Task.create({
        id: t.userTaskKey, instanceId: t.processInstanceKey, bpmnProcessId: t.processDefinitionId, processVersion: t.processDefinitionVersion, businessKey,
        elementId: t.elementId, executionId: t.elementInstanceKey, name: t.name ?? null, formId,
        candidateGroups: groups.join(',') || null, candidateUsers: users.join(',') || null, assignee: t.assignee ?? null, state: 'created',
        priority: t.priority ?? 50, headers, dueAt, followUpAt: date(t.followUpDate), createdAt: date(t.creationDate) ?? now,
        claimedAt: t.assignee ? now : null, completedAt: null, completedBy: null,
      }, { transaction: tx });
      const cands = [
        ...groups.map((g) => ({ taskId: t.userTaskKey, kind: 'group' as const, value: g.slice(0, 64), dueAt, createdAt: now })),
        ...users.map((u) => ({ taskId: t.userTaskKey, kind: 'user' as const, value: u.slice(0, 64), dueAt, createdAt: now })),
      ];
      if (cands.length) await TaskCandidate.bulkCreate(cands, { transaction: tx });
      // The instance's variables travel with the change (as the embedded engine's listeners read them from its
      // instance row), so listeners such as the inbox's project index see the data the task was created with.
      await this.emit(tx, change('task.created', t.processInstanceKey, t.userTaskKey, null, now, { elementId: t.elementId, candidateGroups: groups, assignee: t.assignee ?? null, variables }));
      return true;
    });
  }

  /** The process-scope variables of an instance as values (Camunda returns each as JSON text). */
  private async instanceVariables(instanceId: string): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    for (const v of await this.d.rest.searchVariables(instanceId)) {
      try {
        out[v.name] = JSON.parse(v.value);
      } catch {
        out[v.name] = v.value;
      }
    }
    return out;
  }

  private async reassign(row: Task, assignee: string | null): Promise<boolean> {
    const now = this.d.clock.now();
    return this.d.db.withTransaction(async (tx) => {
      const [n] = await this.d.Task.update({ assignee, claimedAt: assignee ? now : null }, { where: { id: row.id, state: 'created', assignee: row.assignee }, transaction: tx });
      if (n !== 1) return false;
      await this.emit(tx, change('task.assigned', row.instanceId, row.id, null, now, { from: row.assignee, to: assignee }));
      return true;
    });
  }

  /** Closes an open projected task (conditional: 0 when it was closed already). */
  async close(taskId: string, state: 'completed' | 'canceled', actor: string | null, at: Date | null, tx?: Transaction): Promise<number> {
    const now = this.d.clock.now();
    const run = async (t: Transaction) => {
      const row = await this.d.Task.findByPk(taskId, { transaction: t });
      if (!row || row.state !== 'created') return 0;
      const values = state === 'completed' ? { state, completedAt: at ?? now, completedBy: actor, assignee: actor ?? row.assignee } : { state, completedAt: at ?? now };
      const [n] = await this.d.Task.update(values, { where: { id: taskId, state: 'created' }, transaction: t });
      if (n !== 1) return 0;
      await this.d.TaskCandidate.destroy({ where: { taskId }, transaction: t });
      await this.emit(t, change(state === 'completed' ? 'task.completed' : 'task.canceled', row.instanceId, taskId, actor, now, { elementId: row.elementId }));
      this.d.touched(row.instanceId);
      return 1;
    };
    return tx ? run(tx) : this.d.db.withTransaction(run);
  }
}
