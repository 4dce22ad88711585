/**
 * The audit trail (server/audit/): `audit_entries`, one row per state change, appended in the transaction of the
 * change, each holding the SHA-256 of the previous one (a hash chain); `audit_head`, one row with the last sequence
 * number and hash, locked by every appender so the chain stays dense and ordered. Triggers refuse UPDATE and DELETE
 * on the entries: the application never edits them, and a direct edit needs the triggers dropped first (the chain
 * verification still finds it).
 */
import { DataTypes } from 'sequelize';
import type { MigrationContext } from '../server/migrate.ts';

const AUDIT_GENESIS_HASH = '0'.repeat(64);

export async function up({ qi, dialect }: MigrationContext): Promise<void> {
  const longText = dialect === 'mysql' ? DataTypes.TEXT('medium') : DataTypes.TEXT;
  await qi.createTable('audit_entries', {
    seq: { type: DataTypes.BIGINT, primaryKey: true },
    at: { type: DataTypes.DATE(3), allowNull: false },
    actor: { type: DataTypes.STRING(64), allowNull: true },
    roles: { type: DataTypes.STRING(255), allowNull: true },
    action: { type: DataTypes.STRING(64), allowNull: false },
    object_type: { type: DataTypes.STRING(40), allowNull: false },
    object_id: { type: DataTypes.STRING(128), allowNull: false },
    instance_id: { type: DataTypes.STRING(40), allowNull: true },
    summary: { type: longText, allowNull: true },
    prev_hash: { type: DataTypes.CHAR(64), allowNull: false },
    hash: { type: DataTypes.CHAR(64), allowNull: false },
  });
  await qi.addIndex('audit_entries', ['actor', 'seq'], { name: 'audit_actor' });
  await qi.addIndex('audit_entries', ['action', 'seq'], { name: 'audit_action' });
  await qi.addIndex('audit_entries', ['object_type', 'object_id', 'seq'], { name: 'audit_object' });
  await qi.addIndex('audit_entries', ['instance_id', 'seq'], { name: 'audit_instance' });
  await qi.addIndex('audit_entries', ['at'], { name: 'audit_at' });

  await qi.createTable('audit_head', {
    id: { type: DataTypes.INTEGER, primaryKey: true },
    seq: { type: DataTypes.BIGINT, allowNull: false },
    hash: { type: DataTypes.CHAR(64), allowNull: false },
  });
  await qi.bulkInsert('audit_head', [{ id: 1, seq: 0, hash: AUDIT_GENESIS_HASH }]);

  const s = qi.sequelize;
  if (dialect === 'mysql') {
    for (const op of ['UPDATE', 'DELETE']) {
      await s.query(
        `CREATE TRIGGER audit_entries_no_${op.toLowerCase()} BEFORE ${op} ON audit_entries FOR EACH ROW ` +
          `SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit trail is append-only'`,
      );
    }
  } else {
    for (const op of ['UPDATE', 'DELETE']) {
      await s.query(
        `CREATE TRIGGER audit_entries_no_${op.toLowerCase()} BEFORE ${op} ON audit_entries ` +
          `BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END`,
      );
    }
  }
}

export async function down({ qi }: MigrationContext): Promise<void> {
  await qi.sequelize.query('DROP TRIGGER IF EXISTS audit_entries_no_update');
  await qi.sequelize.query('DROP TRIGGER IF EXISTS audit_entries_no_delete');
  await qi.dropTable('audit_head');
  await qi.dropTable('audit_entries');
}
