/**
 * The OCDS data exchange (server/exchange/): `ocds_releases`, every Open Contracting release as published, appended
 * in the transaction of the change it reports and never changed afterwards (triggers refuse UPDATE and DELETE);
 * `ocds_outbox`, one row per release to push to the city platform, written in the same transaction, marked delivered
 * only after the platform acknowledged it (2xx). `seq` orders both: the release feed's cursor and the push order.
 * `ocds_head`, one row that every publishing transaction locks (MariaDB) before it inserts, so releases commit in
 * `seq` order and a reader following the cursor never passes over one that commits later.
 */
import { DataTypes } from 'sequelize';
import type { MigrationContext } from '../server/migrate.ts';

export async function up({ qi, dialect }: MigrationContext): Promise<void> {
  const longText = dialect === 'mysql' ? DataTypes.TEXT('medium') : DataTypes.TEXT;
  await qi.createTable('ocds_releases', {
    seq: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true },
    release_id: { type: DataTypes.STRING(160), allowNull: false, unique: true },
    ocid: { type: DataTypes.STRING(128), allowNull: false },
    instance_id: { type: DataTypes.STRING(40), allowNull: false },
    tags: { type: DataTypes.STRING(255), allowNull: false },
    date: { type: DataTypes.DATE(3), allowNull: false },
    /** the release JSON exactly as published */
    body: { type: longText, allowNull: false },
    /** what the release left published: digest per section, tender id, award ids (the next release compares) */
    state: { type: DataTypes.TEXT, allowNull: false },
  });
  await qi.addIndex('ocds_releases', ['ocid', 'seq'], { name: 'ocds_releases_ocid' });
  await qi.addIndex('ocds_releases', ['instance_id', 'seq'], { name: 'ocds_releases_instance' });

  await qi.createTable('ocds_outbox', {
    id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true },
    release_seq: { type: DataTypes.BIGINT, allowNull: false, unique: true },
    /** sent as the Idempotency-Key header: the release id, the same on every attempt */
    idempotency_key: { type: DataTypes.STRING(160), allowNull: false, unique: true },
    /** pending | delivered */
    state: { type: DataTypes.STRING(16), allowNull: false },
    attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    next_attempt_at: { type: DataTypes.DATE(3), allowNull: false },
    last_error: { type: DataTypes.STRING(500), allowNull: true },
    created_at: { type: DataTypes.DATE(3), allowNull: false },
    delivered_at: { type: DataTypes.DATE(3), allowNull: true },
  });
  await qi.addIndex('ocds_outbox', ['state', 'id'], { name: 'ocds_outbox_pending' });

  await qi.createTable('ocds_head', {
    id: { type: DataTypes.INTEGER, primaryKey: true },
    releases: { type: DataTypes.BIGINT, allowNull: false },
  });
  await qi.bulkInsert('ocds_head', [{ id: 1, releases: 0 }]);

  const s = qi.sequelize;
  for (const op of ['UPDATE', 'DELETE']) {
    await s.query(
      dialect === 'mysql'
        ? `CREATE TRIGGER ocds_releases_no_${op.toLowerCase()} BEFORE ${op} ON ocds_releases FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'published OCDS releases are append-only'`
        : `CREATE TRIGGER ocds_releases_no_${op.toLowerCase()} BEFORE ${op} ON ocds_releases BEGIN SELECT RAISE(ABORT, 'published OCDS releases are append-only'); END`,
    );
  }
}

export async function down({ qi }: MigrationContext): Promise<void> {
  await qi.sequelize.query('DROP TRIGGER IF EXISTS ocds_releases_no_update');
  await qi.sequelize.query('DROP TRIGGER IF EXISTS ocds_releases_no_delete');
  await qi.dropTable('ocds_head');
  await qi.dropTable('ocds_outbox');
  await qi.dropTable('ocds_releases');
}
