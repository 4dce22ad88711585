/**
 * `job_executions`: the result of every job a worker finished, keyed by the job's stable key, so that a job
 * delivered again (Zeebe delivers at least once) gets the recorded result instead of running the worker twice.
 * `zeebe_instances`: what the app knows about the process instances it started on Zeebe (business key, starter),
 * which Zeebe itself does not keep.
 */
import { DataTypes } from 'sequelize';
import type { MigrationContext } from '../server/migrate.ts';

export async function up({ qi, dialect }: MigrationContext): Promise<void> {
  const text = { type: dialect === 'mysql' ? DataTypes.TEXT('long') : DataTypes.TEXT, allowNull: true };
  await qi.createTable('job_executions', {
    job_key: { type: DataTypes.STRING(255), allowNull: false, primaryKey: true },
    job_type: { type: DataTypes.STRING(255), allowNull: false },
    instance_id: { type: DataTypes.STRING(40), allowNull: false },
    element_id: { type: DataTypes.STRING(255), allowNull: false },
    /** completed | bpmn-error */
    outcome: { type: DataTypes.STRING(16), allowNull: false },
    output: text,
    error_code: { type: DataTypes.STRING(255), allowNull: true },
    error_message: { type: DataTypes.STRING(2000), allowNull: true },
    created_at: { type: DataTypes.DATE(3), allowNull: false },
  });
  await qi.addIndex('job_executions', ['instance_id'], { name: 'job_executions_instance' });
  await qi.addIndex('job_executions', ['created_at'], { name: 'job_executions_created' });

  await qi.createTable('zeebe_instances', {
    id: { type: DataTypes.STRING(40), allowNull: false, primaryKey: true },
    process_definition_key: { type: DataTypes.STRING(40), allowNull: false },
    bpmn_process_id: { type: DataTypes.STRING(255), allowNull: false },
    version: { type: DataTypes.INTEGER, allowNull: false },
    business_key: { type: DataTypes.STRING(255), allowNull: true },
    state: { type: DataTypes.STRING(16), allowNull: false },
    started_by: { type: DataTypes.STRING(64), allowNull: true },
    started_at: { type: DataTypes.DATE(3), allowNull: false },
    ended_at: { type: DataTypes.DATE(3), allowNull: true },
  });
  await qi.addIndex('zeebe_instances', ['business_key'], { name: 'zeebe_instances_bkey' });
  await qi.addIndex('zeebe_instances', ['state'], { name: 'zeebe_instances_state' });
}

export async function down({ qi }: MigrationContext): Promise<void> {
  await qi.dropTable('zeebe_instances');
  await qi.dropTable('job_executions');
}
