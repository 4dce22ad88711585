/**
 * Procurement projects (server/procurement/): one row per `procurement` instance, kept current by an engine change
 * listener inside the engine's transaction and by the chain's own workers (award, contract, acceptance, archive);
 * and `stage_actions`, who completed which approval stage (task header `approvalStage`) of which instance, written by
 * the `task.completed` listener in the completion's transaction — the record segregation of duties is checked
 * against and the approval form names its approvers from.
 */
import { DataTypes } from 'sequelize';
import type { MigrationContext } from '../server/migrate.ts';

export async function up({ qi, dialect }: MigrationContext): Promise<void> {
  const longText = dialect === 'mysql' ? DataTypes.TEXT('medium') : DataTypes.TEXT;
  await qi.createTable('projects', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    instance_id: { type: DataTypes.STRING(40), allowNull: false, unique: true },
    project_number: { type: DataTypes.STRING(64), allowNull: true },
    name: { type: DataTypes.STRING(255), allowNull: true },
    purchaser_org_id: { type: DataTypes.INTEGER, allowNull: true },
    purchaser_name: { type: DataTypes.STRING(200), allowNull: true },
    initiator: { type: DataTypes.STRING(64), allowNull: false },
    agency_id: { type: DataTypes.INTEGER, allowNull: true },
    agency_name: { type: DataTypes.STRING(200), allowNull: true },
    method: { type: DataTypes.STRING(32), allowNull: true },
    budget_fen: { type: DataTypes.BIGINT, allowNull: true },
    max_price_fen: { type: DataTypes.BIGINT, allowNull: true },
    // applying|approving|returned|tendering|evaluating|awarded|contracting|accepting|archived|failed|withdrawn|terminated
    status: { type: DataTypes.STRING(16), allowNull: false },
    award: { type: longText, allowNull: true },
    contract: { type: longText, allowNull: true },
    acceptance: { type: longText, allowNull: true },
    archive: { type: longText, allowNull: true },
    retention_until: { type: DataTypes.STRING(10), allowNull: true },
    created_at: { type: DataTypes.DATE(3), allowNull: false },
    updated_at: { type: DataTypes.DATE(3), allowNull: false },
    ended_at: { type: DataTypes.DATE(3), allowNull: true },
  });
  await qi.addIndex('projects', ['purchaser_org_id', 'created_at'], { name: 'projects_purchaser' });
  await qi.addIndex('projects', ['agency_id', 'created_at'], { name: 'projects_agency' });
  await qi.addIndex('projects', ['project_number'], { name: 'projects_number' });

  await qi.createTable('stage_actions', {
    id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true },
    instance_id: { type: DataTypes.STRING(40), allowNull: false },
    stage: { type: DataTypes.STRING(32), allowNull: false },
    element_id: { type: DataTypes.STRING(255), allowNull: false },
    actor: { type: DataTypes.STRING(64), allowNull: false },
    task_id: { type: DataTypes.STRING(40), allowNull: false, unique: true },
    at: { type: DataTypes.DATE(3), allowNull: false },
  });
  await qi.addIndex('stage_actions', ['instance_id', 'actor'], { name: 'stage_actions_instance_actor' });
}

export async function down({ qi }: MigrationContext): Promise<void> {
  await qi.dropTable('stage_actions');
  await qi.dropTable('projects');
}
