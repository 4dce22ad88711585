/**
 * Business numbers (项目编号 such as FCZC-2026-0001): one counter per (prefix, year) and a record of every number
 * handed out, keyed by the idempotency key of the job that asked for it (Zeebe delivers a job at least once).
 */
import { DataTypes } from 'sequelize';
import type { MigrationContext } from '../server/migrate.ts';

export async function up({ qi }: MigrationContext): Promise<void> {
  await qi.createTable('number_sequences', {
    prefix: { type: DataTypes.STRING(32), allowNull: false, primaryKey: true },
    year: { type: DataTypes.INTEGER, allowNull: false, primaryKey: true },
    last_value: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    updated_at: { type: DataTypes.DATE(3), allowNull: false },
  });

  await qi.createTable('assigned_numbers', {
    idempotency_key: { type: DataTypes.STRING(255), allowNull: false, primaryKey: true },
    number: { type: DataTypes.STRING(64), allowNull: false },
    prefix: { type: DataTypes.STRING(32), allowNull: false },
    year: { type: DataTypes.INTEGER, allowNull: false },
    seq: { type: DataTypes.INTEGER, allowNull: false },
    created_at: { type: DataTypes.DATE(3), allowNull: false },
  });
  await qi.addIndex('assigned_numbers', ['number'], { unique: true, name: 'assigned_numbers_number' });
  await qi.addIndex('assigned_numbers', ['prefix', 'year', 'seq'], { unique: true, name: 'assigned_numbers_seq' });
}

export async function down({ qi }: MigrationContext): Promise<void> {
  await qi.dropTable('assigned_numbers');
  await qi.dropTable('number_sequences');
}
