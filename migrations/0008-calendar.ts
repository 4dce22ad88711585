/**
 * The working-day calendar's administrator data: day overrides laid over the chinese-days package (a State
 * Council change, a local closure) and the years whose holiday schedule an administrator has entered.
 */
import { DataTypes } from 'sequelize';
import type { MigrationContext } from '../server/migrate.ts';

export async function up({ qi }: MigrationContext): Promise<void> {
  await qi.createTable('calendar_overrides', {
    date: { type: DataTypes.STRING(10), allowNull: false, primaryKey: true },
    kind: { type: DataTypes.STRING(16), allowNull: false },
    name: { type: DataTypes.STRING(64), allowNull: false },
    reason: { type: DataTypes.STRING(500), allowNull: false },
    updated_by: { type: DataTypes.STRING(64), allowNull: false },
    updated_at: { type: DataTypes.DATE(3), allowNull: false },
  });
  await qi.createTable('calendar_years', {
    year: { type: DataTypes.INTEGER, allowNull: false, primaryKey: true },
    basis: { type: DataTypes.STRING(200), allowNull: false },
    declared_by: { type: DataTypes.STRING(64), allowNull: false },
    declared_at: { type: DataTypes.DATE(3), allowNull: false },
  });
}

export async function down({ qi }: MigrationContext): Promise<void> {
  await qi.dropTable('calendar_years');
  await qi.dropTable('calendar_overrides');
}
