/** Embedded engine state and the user-task projection (both adapters write `tasks`). */
import { DataTypes } from 'sequelize';
import type { MigrationContext } from '../server/migrate.ts';

const id = { type: DataTypes.STRING(40), allowNull: false, primaryKey: true };
const ref = { type: DataTypes.STRING(40), allowNull: false };
const time = (allowNull = false) => ({ type: DataTypes.DATE(3), allowNull });
const str = (len: number, allowNull = true) => ({ type: DataTypes.STRING(len), allowNull });

export async function up({ qi, dialect }: MigrationContext): Promise<void> {
  // LONGTEXT on MySQL: engine snapshots and models exceed TEXT's 64 KB.
  const text = { type: dialect === 'mysql' ? DataTypes.TEXT('long') : DataTypes.TEXT, allowNull: true };
  await qi.createTable('engine_deployments', {
    id,
    bpmn_process_id: str(255, false),
    name: str(255),
    version: { type: DataTypes.INTEGER, allowNull: false },
    resource_name: str(255, false),
    xml: { ...text, allowNull: false },
    content_hash: { type: DataTypes.STRING(64), allowNull: false },
    deployed_by: str(64),
    comment: str(1000),
    created_at: time(),
  });
  await qi.addIndex('engine_deployments', ['bpmn_process_id', 'version'], { unique: true, name: 'engine_deployments_pid_version' });
  await qi.addIndex('engine_deployments', ['bpmn_process_id', 'content_hash'], { name: 'engine_deployments_pid_hash' });

  await qi.createTable('engine_instances', {
    id,
    deployment_id: ref,
    bpmn_process_id: str(255, false),
    version: { type: DataTypes.INTEGER, allowNull: false },
    business_key: str(255),
    state: str(16, false),
    variables: { ...text, allowNull: false },
    engine_state: text,
    active_elements: text,
    counters: text,
    wait_state: text,
    has_incident: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    rev: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    started_by: str(64),
    started_at: time(),
    updated_at: time(),
    ended_at: time(true),
  });
  await qi.addIndex('engine_instances', ['state'], { name: 'engine_instances_state' });
  await qi.addIndex('engine_instances', ['business_key'], { name: 'engine_instances_bkey' });
  await qi.addIndex('engine_instances', ['bpmn_process_id', 'state'], { name: 'engine_instances_pid_state' });

  await qi.createTable('engine_history', {
    id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true },
    instance_id: ref,
    element_id: str(255, false),
    element_type: str(64, false),
    name: str(255),
    event: str(16, false),
    actor: str(64),
    detail: str(2000),
    at: time(),
  });
  await qi.addIndex('engine_history', ['instance_id', 'id'], { name: 'engine_history_instance' });

  await qi.createTable('engine_timers', {
    id,
    instance_id: ref,
    element_id: str(255, false),
    execution_id: str(255, false),
    due_at: time(),
    created_at: time(),
  });
  await qi.addIndex('engine_timers', ['due_at'], { name: 'engine_timers_due' });
  await qi.addIndex('engine_timers', ['instance_id'], { name: 'engine_timers_instance' });

  await qi.createTable('engine_jobs', {
    id,
    instance_id: ref,
    element_id: str(255, false),
    execution_id: str(255, false),
    type: str(255, false),
    retries: { type: DataTypes.INTEGER, allowNull: false },
    state: str(16, false),
    next_attempt_at: time(true),
    error_message: str(2000),
    created_at: time(),
    updated_at: time(),
  });
  await qi.addIndex('engine_jobs', ['state', 'next_attempt_at'], { name: 'engine_jobs_due' });
  await qi.addIndex('engine_jobs', ['instance_id', 'element_id'], { name: 'engine_jobs_instance' });

  await qi.createTable('engine_subscriptions', {
    id,
    instance_id: ref,
    element_id: str(255, false),
    execution_id: str(255, false),
    message_name: str(255, false),
    correlation_key: str(255, false),
    created_at: time(),
  });
  await qi.addIndex('engine_subscriptions', ['message_name', 'correlation_key'], { name: 'engine_subscriptions_key' });
  await qi.addIndex('engine_subscriptions', ['instance_id'], { name: 'engine_subscriptions_instance' });

  await qi.createTable('engine_messages', {
    id,
    name: str(255, false),
    correlation_key: str(255, false),
    message_id: str(255),
    variables: { ...text, allowNull: false },
    expires_at: time(),
    created_at: time(),
  });
  await qi.addIndex('engine_messages', ['name', 'correlation_key'], { name: 'engine_messages_key' });
  await qi.addIndex('engine_messages', ['message_id'], { unique: true, name: 'engine_messages_mid' });

  await qi.createTable('engine_incidents', {
    id,
    instance_id: ref,
    bpmn_process_id: str(255, false),
    element_id: str(255, false),
    type: str(32, false),
    message: str(2000, false),
    job_type: str(255),
    job_id: str(40),
    state: str(16, false),
    created_at: time(),
    resolved_at: time(true),
  });
  await qi.addIndex('engine_incidents', ['state'], { name: 'engine_incidents_state' });
  await qi.addIndex('engine_incidents', ['instance_id'], { name: 'engine_incidents_instance' });

  await qi.createTable('tasks', {
    id,
    instance_id: ref,
    bpmn_process_id: str(255, false),
    process_version: { type: DataTypes.INTEGER, allowNull: false },
    business_key: str(255),
    element_id: str(255, false),
    execution_id: str(255, false),
    name: str(255),
    form_id: str(255),
    candidate_groups: str(1000),
    candidate_users: str(1000),
    assignee: str(64),
    state: str(16, false),
    priority: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 50 },
    headers: text,
    due_at: time(true),
    follow_up_at: time(true),
    created_at: time(),
    claimed_at: time(true),
    completed_at: time(true),
    completed_by: str(64),
  });
  await qi.addIndex('tasks', ['state', 'due_at'], { name: 'tasks_state_due' });
  await qi.addIndex('tasks', ['assignee', 'state', 'due_at'], { name: 'tasks_assignee' });
  await qi.addIndex('tasks', ['completed_by', 'completed_at'], { name: 'tasks_completed_by' });
  await qi.addIndex('tasks', ['instance_id'], { name: 'tasks_instance' });
  await qi.addIndex('tasks', ['instance_id', 'execution_id'], { unique: true, name: 'tasks_execution' });

  // Index of who may see each OPEN task (rows go when the task closes): keeps inbox queries small.
  await qi.createTable('task_candidates', {
    task_id: { type: DataTypes.STRING(40), allowNull: false, primaryKey: true },
    kind: { type: DataTypes.STRING(8), allowNull: false, primaryKey: true },
    value: { type: DataTypes.STRING(64), allowNull: false, primaryKey: true },
    due_at: time(true),
    created_at: time(),
  });
  await qi.addIndex('task_candidates', ['kind', 'value', 'due_at'], { name: 'task_candidates_lookup' });
}

export async function down({ qi }: MigrationContext): Promise<void> {
  for (const t of ['task_candidates', 'tasks', 'engine_incidents', 'engine_messages', 'engine_subscriptions', 'engine_jobs', 'engine_timers', 'engine_history', 'engine_instances', 'engine_deployments']) {
    await qi.dropTable(t);
  }
}
