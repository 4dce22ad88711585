/**
 * 项目编号 and 项目名称 of each instance, for searching and showing tasks by project (`inbox_projects`). Kept by an
 * engine change listener inside the transaction of the change that creates a task, so the inbox never shows a
 * task whose project data is older than the task. Project data only changes through completions, and every
 * completion that continues the process creates a task, so `task.created` is enough.
 *
 * The variables are read from the embedded engine's instance row in that transaction; the Zeebe adapter, which
 * has no such row, hands them over in the change's `data.variables` (read from Camunda when it projects the task).
 */
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type { ChangeListener, EngineChange } from '../engine/port.ts';

/** Variable names the procurement models use for the project (README: the procurement model). */
export const PROJECT_NUMBER_VAR = 'projectNumber';
export const PROJECT_NAME_VAR = 'projectName';

const text = (v: unknown, max: number) => (typeof v === 'string' && v.trim() ? v.trim().slice(0, max) : null);

export async function upsertProject(sequelize: Sequelize, instanceId: string, variables: Record<string, unknown>, at: Date, tx?: Transaction): Promise<void> {
  const row = { id: instanceId, num: text(variables[PROJECT_NUMBER_VAR], 64), name: text(variables[PROJECT_NAME_VAR], 255), at };
  // Select-then-write is safe: the engine holds the instance's lock and this runs in its transaction.
  const [exists] = await sequelize.query('SELECT 1 AS x FROM inbox_projects WHERE instance_id = :id', { replacements: row, transaction: tx, type: QueryTypes.SELECT });
  await sequelize.query(
    exists
      ? 'UPDATE inbox_projects SET project_number = :num, project_name = :name, updated_at = :at WHERE instance_id = :id'
      : 'INSERT INTO inbox_projects (instance_id, project_number, project_name, updated_at) VALUES (:id, :num, :name, :at)',
    { replacements: row, transaction: tx },
  );
}

export function projectIndexListener(sequelize: Sequelize): ChangeListener {
  return async (change: EngineChange, tx: Transaction) => {
    if (change.kind !== 'task.created' || !change.instanceId) return;
    // An adapter without instance rows here (Zeebe) hands the instance's variables over with the change.
    const carried = change.data.variables;
    if (carried && typeof carried === 'object' && !Array.isArray(carried)) {
      await upsertProject(sequelize, change.instanceId, carried as Record<string, unknown>, change.at, tx);
      return;
    }
    const [row] = await sequelize.query<{ variables: string }>('SELECT variables FROM engine_instances WHERE id = :id', {
      replacements: { id: change.instanceId },
      transaction: tx,
      type: QueryTypes.SELECT,
    });
    if (!row) return;
    let variables: Record<string, unknown> = {};
    try {
      variables = JSON.parse(row.variables) as Record<string, unknown>;
    } catch {
      return;
    }
    await upsertProject(sequelize, change.instanceId, variables, change.at, tx);
  };
}

export interface ProjectData {
  projectNumber: string | null;
  projectName: string | null;
}

/** Project data of these instances (absent instances are missing from the map). */
export async function loadProjects(sequelize: Sequelize, instanceIds: string[]): Promise<Map<string, ProjectData>> {
  const ids = [...new Set(instanceIds)];
  if (!ids.length) return new Map();
  const rows = await sequelize.query<{ instance_id: string; project_number: string | null; project_name: string | null }>(
    'SELECT instance_id, project_number, project_name FROM inbox_projects WHERE instance_id IN (:ids)',
    { replacements: { ids }, type: QueryTypes.SELECT },
  );
  return new Map(rows.map((r) => [r.instance_id, { projectNumber: r.project_number, projectName: r.project_name }]));
}
