/** Organisations (units taking part in procurement) and user accounts with their roles. */
import { DataTypes } from 'sequelize';
import type { MigrationContext } from '../server/migrate.ts';

export async function up({ qi }: MigrationContext): Promise<void> {
  await qi.createTable('organisations', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    name: { type: DataTypes.STRING(255), allowNull: false },
    // purchaser_unit | department | finance_bureau | supervision | city_finance | agency | supplier | expert_panel | centre
    kind: { type: DataTypes.STRING(32), allowNull: false },
    // 统一社会信用代码 (18 characters)
    credit_code: { type: DataTypes.STRING(18), allowNull: true },
    created_at: { type: DataTypes.DATE(3), allowNull: false },
  });
  await qi.addIndex('organisations', ['name'], { unique: true, name: 'organisations_name' });
  await qi.addIndex('organisations', ['credit_code'], { unique: true, name: 'organisations_credit_code' });

  await qi.createTable('users', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    username: { type: DataTypes.STRING(64), allowNull: false },
    display_name: { type: DataTypes.STRING(128), allowNull: false },
    // scrypt$N$r$p$salt$hash (base64url)
    password_hash: { type: DataTypes.STRING(255), allowNull: false },
    // comma-separated role names, e.g. "purchaser,auditor"
    roles: { type: DataTypes.STRING(255), allowNull: false, defaultValue: '' },
    organisation_id: {
      type: DataTypes.INTEGER,
      allowNull: true,
      references: { model: 'organisations', key: 'id' },
      onDelete: 'RESTRICT',
      onUpdate: 'CASCADE',
    },
    disabled: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    // bumped to revoke every token issued before (logout everywhere, password change, role change)
    token_version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    login_failures: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    locked_until: { type: DataTypes.DATE(3), allowNull: true },
    last_login_at: { type: DataTypes.DATE(3), allowNull: true },
    created_at: { type: DataTypes.DATE(3), allowNull: false },
    updated_at: { type: DataTypes.DATE(3), allowNull: false },
  });
  await qi.addIndex('users', ['username'], { unique: true, name: 'users_username' });
  await qi.addIndex('users', ['organisation_id'], { name: 'users_organisation' });
}

export async function down({ qi }: MigrationContext): Promise<void> {
  await qi.dropTable('users');
  await qi.dropTable('organisations');
}
