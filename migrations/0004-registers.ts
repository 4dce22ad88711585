/**
 * Registers (suppliers, agencies, goods catalogue, experts with their panel history), the version history of every
 * register change, and credit: records from the member bureaus, their evidence files and the stored credit checks
 * (供应商信用信息查询记录). Dates of validity are Shanghai calendar dates as YYYY-MM-DD strings (inclusive).
 */
import { DataTypes } from 'sequelize';
import type { MigrationContext } from '../server/migrate.ts';

const id = { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true };
const stamp = (allowNull = false) => ({ type: DataTypes.DATE(3), allowNull });
const str = (n: number, allowNull = false) => ({ type: DataTypes.STRING(n), allowNull });
const text = (allowNull = false) => ({ type: DataTypes.TEXT, allowNull });
const int = (allowNull = false) => ({ type: DataTypes.INTEGER, allowNull });

export async function up({ qi, dialect }: MigrationContext): Promise<void> {
  await qi.createTable('suppliers', {
    id,
    credit_code: str(18),
    name: str(200),
    legal_rep: str(64),
    contact_name: str(64),
    contact_phone: str(32),
    address: str(300),
    // large | medium | small | micro (SME policies, 财库〔2020〕46号)
    scale: str(8),
    // JSON [{ name, certNo, expiresOn }]
    qualifications: text(),
    bank_name: str(128, true),
    bank_account: str(40, true),
    // active | suspended | cancelled
    status: str(16),
    // the user organisation that owns the record (suppliers edit only their own)
    organisation_id: int(true),
    // register | bid (created for an unregistered bidder) | import
    source: str(16),
    version: int(),
    created_at: stamp(),
    updated_at: stamp(),
    updated_by: str(64),
  });
  await qi.addIndex('suppliers', ['credit_code'], { unique: true, name: 'suppliers_credit_code' });
  await qi.addIndex('suppliers', ['organisation_id'], { unique: true, name: 'suppliers_organisation' });
  await qi.addIndex('suppliers', ['name'], { name: 'suppliers_name' });

  await qi.createTable('agencies', {
    id,
    credit_code: str(18),
    name: str(200),
    contact_name: str(64),
    contact_phone: str(32),
    address: str(300),
    // JSON [userId, …]: accounts that may act for the agency
    staff_user_ids: text(),
    organisation_id: int(true),
    status: str(16),
    version: int(),
    created_at: stamp(),
    updated_at: stamp(),
    updated_by: str(64),
  });
  await qi.addIndex('agencies', ['credit_code'], { unique: true, name: 'agencies_credit_code' });
  await qi.addIndex('agencies', ['organisation_id'], { unique: true, name: 'agencies_organisation' });

  await qi.createTable('goods_items', {
    id,
    // 政府采购品目分类目录 code, e.g. A02010104
    category_code: str(16),
    name: str(128),
    spec: str(400),
    unit: str(16),
    reference_price_fen: { type: DataTypes.BIGINT, allowNull: false },
    // active | withdrawn
    status: str(16),
    version: int(),
    created_at: stamp(),
    updated_at: stamp(),
    updated_by: str(64),
  });
  await qi.addIndex('goods_items', ['category_code', 'name', 'spec'], { unique: true, name: 'goods_items_identity' });

  await qi.createTable('experts', {
    id,
    // 专家编号, the register's own key (CSV import matches on it)
    code: str(32),
    name: str(64),
    id_number: str(18, true),
    employer: str(200),
    title: str(64),
    // JSON [category code, …]
    specialties: text(),
    phone: str(32),
    // active | suspended | retired
    status: str(16),
    // JSON [{ kind: supplier|employer, value, note }]
    conflicts: text(),
    // the expert's own login, if any (an expert sees only their own record)
    user_id: int(true),
    version: int(),
    created_at: stamp(),
    updated_at: stamp(),
    updated_by: str(64),
  });
  await qi.addIndex('experts', ['code'], { unique: true, name: 'experts_code' });
  await qi.addIndex('experts', ['user_id'], { unique: true, name: 'experts_user' });

  await qi.createTable('expert_panel_service', {
    id,
    expert_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'experts', key: 'id' }, onDelete: 'RESTRICT' },
    project_ref: str(64),
    lot_ref: str(32),
    // member | leader
    role: str(16),
    served_on: str(10),
    note: str(500, true),
    recorded_by: str(64),
    recorded_at: stamp(),
  });
  await qi.addIndex('expert_panel_service', ['expert_id', 'project_ref', 'lot_ref'], { unique: true, name: 'expert_panel_service_once' });

  // Every register change, as a snapshot of the record after it (suppliers' 变更记录, and the same for the others).
  await qi.createTable('register_versions', {
    id,
    register: str(16),
    record_id: int(),
    version: int(),
    // create | update | import | bid
    action: str(16),
    data: text(),
    changed_by: str(64),
    changed_at: stamp(),
  });
  await qi.addIndex('register_versions', ['register', 'record_id', 'version'], { unique: true, name: 'register_versions_key' });

  await qi.createTable('credit_records', {
    id,
    // supplier | agency | expert
    subject_kind: str(16),
    // 统一社会信用代码 for suppliers and agencies, 专家编号 for experts
    subject_code: str(32),
    subject_name: str(200),
    // red | black | other
    kind: str(8),
    list_name: str(64, true),
    // key of server/credit/source-units.json
    source_unit: str(32),
    decision_no: str(100, true),
    reason: str(1000),
    legal_basis: str(500),
    valid_from: str(10),
    // null: no end date
    valid_to: str(10, true),
    version: int(),
    created_by: str(64),
    created_at: stamp(),
    updated_by: str(64),
    updated_at: stamp(),
  });
  await qi.addIndex('credit_records', ['subject_code', 'kind', 'source_unit'], { name: 'credit_records_subject' });

  await qi.createTable('credit_evidence', {
    record_id: { type: DataTypes.INTEGER, primaryKey: true, references: { model: 'credit_records', key: 'id' }, onDelete: 'CASCADE' },
    filename: str(200),
    mime: str(64),
    size: int(),
    sha256: str(64),
    // MEDIUMBLOB on MySQL (16 MB); the route caps uploads well below
    bytes: { type: dialect === 'mysql' ? DataTypes.BLOB('medium') : DataTypes.BLOB, allowNull: false },
    uploaded_by: str(64),
    uploaded_at: stamp(),
  });

  await qi.createTable('credit_checks', {
    id,
    subject_code: str(32),
    subject_name: str(200, true),
    check_date: str(10),
    purpose: str(100),
    project_ref: str(64, true),
    // pass | fail
    result: str(8),
    // JSON snapshots of the records as they were at the check (evidence must not change when a record does)
    deciding_records: text(),
    other_records: text(),
    red_list_effects: text(),
    policy_version: str(32),
    // sha256 of the canonical JSON of the check, to show it was not altered
    digest: str(64),
    checked_by: str(64),
    checked_at: stamp(),
  });
  await qi.addIndex('credit_checks', ['subject_code'], { name: 'credit_checks_subject' });
  await qi.addIndex('credit_checks', ['project_ref'], { name: 'credit_checks_project' });
}

export async function down({ qi }: MigrationContext): Promise<void> {
  for (const t of ['credit_checks', 'credit_evidence', 'credit_records', 'register_versions', 'expert_panel_service', 'experts', 'goods_items', 'agencies', 'suppliers']) {
    await qi.dropTable(t);
  }
}
