/**
 * Complaints (投诉, 财政部令第94号) and the public 投诉举报 channel (server/complaints/):
 * `complaints` one row per complaint and its `complaint` process instance; `procurement_suspensions` the 暂停采购活动
 * decisions (the inbox refuses to claim or complete a task of a suspended procurement instance until `until_at` or
 * `ended_at`); `staff_reports` reports about the centre's own staff, looked up by their tracking code.
 */
import { DataTypes } from 'sequelize';
import type { MigrationContext } from '../server/migrate.ts';

export async function up({ qi, dialect }: MigrationContext): Promise<void> {
  const longText = dialect === 'mysql' ? DataTypes.TEXT('medium') : DataTypes.TEXT;
  await qi.createTable('complaints', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    instance_id: { type: DataTypes.STRING(40), allowNull: true },
    challenge_id: { type: DataTypes.INTEGER, allowNull: false },
    tender_id: { type: DataTypes.INTEGER, allowNull: false },
    procurement_instance_id: { type: DataTypes.STRING(40), allowNull: false },
    project_number: { type: DataTypes.STRING(64), allowNull: true },
    project_name: { type: DataTypes.STRING(200), allowNull: true },
    purchaser_name: { type: DataTypes.STRING(200), allowNull: true },
    agency_name: { type: DataTypes.STRING(200), allowNull: true },
    agency_users: { type: DataTypes.TEXT, allowNull: true },
    complainant: { type: DataTypes.STRING(64), allowNull: false },
    complainant_org_id: { type: DataTypes.INTEGER, allowNull: false },
    complainant_name: { type: DataTypes.STRING(200), allowNull: false },
    items_json: { type: longText, allowNull: false },
    requests: { type: DataTypes.TEXT, allowNull: true },
    deadline_json: { type: DataTypes.TEXT, allowNull: false },
    status: { type: DataTypes.STRING(16), allowNull: false },
    decision_json: { type: longText, allowNull: true },
    effect: { type: DataTypes.STRING(16), allowNull: true },
    filed_at: { type: DataTypes.DATE(3), allowNull: false },
    accepted_at: { type: DataTypes.DATE(3), allowNull: true },
    decided_at: { type: DataTypes.DATE(3), allowNull: true },
    updated_at: { type: DataTypes.DATE(3), allowNull: false },
  });
  await qi.addIndex('complaints', ['challenge_id'], { name: 'complaints_challenge' });
  await qi.addIndex('complaints', ['complainant_org_id'], { name: 'complaints_org' });
  await qi.addIndex('complaints', ['instance_id'], { name: 'complaints_instance' });

  await qi.createTable('procurement_suspensions', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    complaint_id: { type: DataTypes.INTEGER, allowNull: false },
    procurement_instance_id: { type: DataTypes.STRING(40), allowNull: false },
    started_at: { type: DataTypes.DATE(3), allowNull: false },
    until_at: { type: DataTypes.DATE(3), allowNull: false },
    ended_at: { type: DataTypes.DATE(3), allowNull: true },
    job_key: { type: DataTypes.STRING(255), allowNull: false, unique: true },
  });
  await qi.addIndex('procurement_suspensions', ['procurement_instance_id'], { name: 'suspensions_instance' });

  await qi.createTable('staff_reports', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    tracking_code: { type: DataTypes.STRING(32), allowNull: false, unique: true },
    instance_id: { type: DataTypes.STRING(40), allowNull: true },
    category: { type: DataTypes.STRING(32), allowNull: false },
    subject: { type: DataTypes.STRING(200), allowNull: false },
    facts: { type: longText, allowNull: false },
    contact: { type: DataTypes.STRING(200), allowNull: true },
    status: { type: DataTypes.STRING(16), allowNull: false },
    reply: { type: DataTypes.TEXT, allowNull: true },
    replied_at: { type: DataTypes.DATE(3), allowNull: true },
    filed_at: { type: DataTypes.DATE(3), allowNull: false },
  });
}

export async function down({ qi }: MigrationContext): Promise<void> {
  await qi.dropTable('staff_reports');
  await qi.dropTable('procurement_suspensions');
  await qi.dropTable('complaints');
}
