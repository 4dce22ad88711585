/**
 * Login and the loading of the calling user. Wrong user name, wrong password and a locked account all give
 * the same answer (no user enumeration); an unknown user costs the same scrypt time as a known one.
 */
import { Op, QueryTypes } from 'sequelize';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import { AppError } from '../errors.ts';
import type { AuthModels, User } from './models.ts';
import { dummyPasswordHash, verifyPassword } from './password.ts';
import { signToken } from './tokens.ts';
import type { AuthUser, OrganisationRef } from './types.ts';

export const MAX_LOGIN_FAILURES = 5;
export const LOCKOUT_MS = 15 * 60_000;

export const invalidCredentials = () =>
  new AppError(401, 'INVALID_CREDENTIALS', '用户名或密码错误 (invalid user name or password)');

export interface AuthService {
  login(username: string, password: string): Promise<{ token: string; user: AuthUser }>;
  /** The current state of a user, or null when unknown. */
  loadUser(id: number): Promise<{ user: AuthUser; disabled: boolean; tokenVersion: number } | null>;
  /** Whether this token id was logged out. */
  isRevoked(jti: string): Promise<boolean>;
  /** Logs out one token (until its expiry) and purges revocations of tokens that have expired anyway. */
  revokeToken(jti: string, userId: number, expiresAt: Date): Promise<void>;
  /** Logs out every token of the user (bumps the token version). */
  revokeAll(userId: number): Promise<void>;
}

export function createAuthService(models: AuthModels, config: Config, clock: Clock): AuthService {
  const { User, Organisation } = models;

  async function organisationOf(user: User): Promise<OrganisationRef | null> {
    if (user.organisationId == null) return null;
    const org = await Organisation.findByPk(user.organisationId);
    return org ? { id: org.id, name: org.name, kind: org.kind } : null;
  }

  async function toAuthUser(user: User): Promise<AuthUser> {
    return {
      id: user.id,
      username: user.username,
      displayName: user.displayName,
      roles: user.roleList(),
      organisation: await organisationOf(user),
    };
  }

  return {
    async login(username, password) {
      const user = await User.findOne({ where: { username } });
      const now = clock.now();
      if (!user) {
        await verifyPassword(password, await dummyPasswordHash());
        throw invalidCredentials();
      }
      if (user.lockedUntil && user.lockedUntil > now) {
        await verifyPassword(password, await dummyPasswordHash());
        throw invalidCredentials();
      }
      const ok = await verifyPassword(password, user.passwordHash);
      if (!ok) {
        // Atomic increment: parallel guesses must each count (a read-modify-write would let them overwrite).
        await User.increment('loginFailures', { by: 1, where: { id: user.id } });
        await user.reload();
        if (user.loginFailures >= MAX_LOGIN_FAILURES) {
          await User.update({ loginFailures: 0, lockedUntil: new Date(now.getTime() + LOCKOUT_MS) }, { where: { id: user.id } });
        }
        throw invalidCredentials();
      }
      if (user.disabled) {
        throw new AppError(401, 'ACCOUNT_DISABLED', '账号已停用，请联系管理员 (account disabled)');
      }
      // Only an unlocked account logs in: a lock set by a parallel wrong guess since the read above wins.
      const [cleared] = await User.update(
        { loginFailures: 0, lockedUntil: null, lastLoginAt: now },
        { where: { id: user.id, [Op.or]: [{ lockedUntil: null }, { lockedUntil: { [Op.lte]: now } }] } },
      );
      if (cleared !== 1) throw invalidCredentials();
      await user.reload();
      const authUser = await toAuthUser(user);
      const token = signToken({ ...authUser, tokenVersion: user.tokenVersion }, config.jwt, clock);
      return { token, user: authUser };
    },

    async isRevoked(jti) {
      const rows = await User.sequelize!.query('SELECT 1 AS x FROM revoked_tokens WHERE jti = :jti', { replacements: { jti }, type: QueryTypes.SELECT });
      return rows.length > 0;
    },

    async revokeToken(jti, userId, expiresAt) {
      const sequelize = User.sequelize!;
      const now = clock.now();
      await sequelize.transaction(async (transaction) => {
        await sequelize.query('DELETE FROM revoked_tokens WHERE expires_at < :now', { replacements: { now }, transaction });
        const [known] = await sequelize.query<{ x: number }>('SELECT 1 AS x FROM revoked_tokens WHERE jti = :jti', { replacements: { jti }, type: QueryTypes.SELECT, transaction });
        if (!known) {
          await sequelize.query('INSERT INTO revoked_tokens (jti, user_id, expires_at, revoked_at) VALUES (:jti, :userId, :expiresAt, :now)', { replacements: { jti, userId, expiresAt, now }, transaction });
        }
      });
    },

    async revokeAll(userId) {
      await User.increment('tokenVersion', { by: 1, where: { id: userId } });
    },

    async loadUser(id) {
      const user = await User.findByPk(id);
      if (!user) return null;
      return { user: await toAuthUser(user), disabled: user.disabled, tokenVersion: user.tokenVersion };
    },
  };
}
