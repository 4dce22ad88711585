/**
 * The modeller's record of each deployed version, beside the engine's own `engine_deployments` (which keeps the
 * XML, version, who and comment): where it came from, what changed against the version before it, and the lint
 * warnings accepted when it was deployed. And the change requests of the governance switch
 * (PROCESS_CHANGE_APPROVAL): a model waiting for the supervisor's approval before it is deployed.
 */
import { DataTypes } from 'sequelize';
import type { MigrationContext } from '../server/migrate.ts';

export async function up({ qi, dialect }: MigrationContext): Promise<void> {
  // LONGTEXT on MySQL: a model and its diff can exceed TEXT's 64 KB.
  const text = (allowNull: boolean) => ({ type: dialect === 'mysql' ? DataTypes.TEXT('long') : DataTypes.TEXT, allowNull });
  const str = (len: number, allowNull = true) => ({ type: DataTypes.STRING(len), allowNull });

  await qi.createTable('deployment_records', {
    deployment_id: { type: DataTypes.STRING(40), allowNull: false, primaryKey: true },
    bpmn_process_id: str(255, false),
    version: { type: DataTypes.INTEGER, allowNull: false },
    source: str(16, false),
    previous_deployment_id: str(40),
    change_request_id: str(40),
    diff: text(true),
    lint_warnings: text(true),
    created_at: { type: DataTypes.DATE(3), allowNull: false },
  });
  await qi.addIndex('deployment_records', ['bpmn_process_id', 'version'], { name: 'deployment_records_pid_version' });

  await qi.createTable('process_change_requests', {
    id: { type: DataTypes.STRING(40), allowNull: false, primaryKey: true },
    bpmn_process_id: str(255, false),
    base_deployment_id: str(40),
    resource_name: str(255, false),
    xml: text(false),
    content_hash: str(64, false),
    comment: str(1000, false),
    diff: text(true),
    status: str(16, false),
    requested_by: str(64, false),
    requested_at: { type: DataTypes.DATE(3), allowNull: false },
    approval_instance_id: str(40),
    decided_by: str(64),
    decided_at: { type: DataTypes.DATE(3), allowNull: true },
    decision_comment: str(1000),
    deployment_id: str(40),
  });
  await qi.addIndex('process_change_requests', ['status', 'requested_at'], { name: 'process_change_requests_status' });
  await qi.addIndex('process_change_requests', ['approval_instance_id'], { name: 'process_change_requests_instance' });
}

export async function down({ qi }: MigrationContext): Promise<void> {
  await qi.dropTable('process_change_requests');
  await qi.dropTable('deployment_records');
}
