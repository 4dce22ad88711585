/**
 * Logging out (POST /api/auth/logout): `revoked_tokens` holds the id (`jti`) of each access token revoked before it
 * expired, until it would have expired anyway (then the row is purged); the auth middleware refuses a token whose id
 * is listed. "Everywhere" needs no row: it bumps the user's token version (users.token_version).
 */
import { DataTypes } from 'sequelize';
import type { MigrationContext } from '../server/migrate.ts';

export async function up({ qi }: MigrationContext): Promise<void> {
  await qi.createTable('revoked_tokens', {
    jti: { type: DataTypes.STRING(64), primaryKey: true },
    user_id: { type: DataTypes.INTEGER, allowNull: false },
    expires_at: { type: DataTypes.DATE(3), allowNull: false },
    revoked_at: { type: DataTypes.DATE(3), allowNull: false },
  });
  await qi.addIndex('revoked_tokens', ['expires_at'], { name: 'revoked_tokens_expiry' });
}

export async function down({ qi }: MigrationContext): Promise<void> {
  await qi.dropTable('revoked_tokens');
}
