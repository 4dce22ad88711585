/**
 * The inbox: comments on tasks and instances and the record of each completion (shown in the history), the project data each instance's tasks are
 * searched by (项目编号/项目名称, kept by an engine change listener in the engine's transaction), and covering
 * indexes that let a group inbox be paged from `task_candidates` alone (the key columns plus task_id), so
 * the first page of 10,000+ open group tasks reads ~20 index entries instead of every row.
 */
import { DataTypes } from 'sequelize';
import type { MigrationContext } from '../server/migrate.ts';

export async function up({ qi, dialect }: MigrationContext): Promise<void> {
  // kind 'comment': a remark on a task or instance; kind 'completion': what a completer submitted (decision and
  // opinion as labelled by the form), written in the completion's transaction.
  await qi.createTable('inbox_comments', {
    id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true },
    instance_id: { type: DataTypes.STRING(40), allowNull: false },
    task_id: { type: DataTypes.STRING(40), allowNull: true },
    element_id: { type: DataTypes.STRING(255), allowNull: true },
    kind: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'comment' },
    author: { type: DataTypes.STRING(64), allowNull: false },
    text: { type: DataTypes.STRING(2000), allowNull: true },
    data: { type: dialect === 'mysql' ? DataTypes.TEXT('medium') : DataTypes.TEXT, allowNull: true },
    created_at: { type: DataTypes.DATE(3), allowNull: false },
  });
  await qi.addIndex('inbox_comments', ['instance_id', 'id'], { name: 'inbox_comments_instance' });

  await qi.createTable('inbox_projects', {
    instance_id: { type: DataTypes.STRING(40), allowNull: false, primaryKey: true },
    project_number: { type: DataTypes.STRING(64), allowNull: true },
    project_name: { type: DataTypes.STRING(255), allowNull: true },
    updated_at: { type: DataTypes.DATE(3), allowNull: false },
  });
  await qi.addIndex('inbox_projects', ['project_number'], { name: 'inbox_projects_number' });

  await qi.addIndex('task_candidates', ['kind', 'value', 'due_at', 'created_at', 'task_id'], { name: 'task_candidates_due_cover' });
  await qi.addIndex('task_candidates', ['kind', 'value', 'created_at', 'task_id'], { name: 'task_candidates_created_cover' });
  // The narrower lookup index of 0002 is a prefix of the covering one.
  await qi.removeIndex('task_candidates', 'task_candidates_lookup');
  await qi.addIndex('tasks', ['assignee', 'state', 'created_at'], { name: 'tasks_assignee_created' });
}

export async function down({ qi }: MigrationContext): Promise<void> {
  await qi.removeIndex('tasks', 'tasks_assignee_created');
  await qi.addIndex('task_candidates', ['kind', 'value', 'due_at'], { name: 'task_candidates_lookup' });
  await qi.removeIndex('task_candidates', 'task_candidates_created_cover');
  await qi.removeIndex('task_candidates', 'task_candidates_due_cover');
  await qi.dropTable('inbox_projects');
  await qi.dropTable('inbox_comments');
}
