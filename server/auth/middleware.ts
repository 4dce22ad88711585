/**
 * requireAuth: a valid Bearer token of an existing, enabled user whose token version still matches and whose id was
 * not logged out (the user is re-loaded on every request, so disabling a user stops their tokens at once).
 * requireRole: 403 naming the roles that may call the route.
 */
import type { RequestHandler } from 'express';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import { AppError, unauthorized } from '../errors.ts';
import { ROLE_LABELS, type Role } from './roles.ts';
import type { AuthService } from './service.ts';
import { verifyToken } from './tokens.ts';
import type { AuthUser } from './types.ts';

const revoked = () => new AppError(401, 'TOKEN_REVOKED', '登录凭证已失效，请重新登录 (token no longer valid)');

export function createRequireAuth(service: AuthService, config: Config, clock: Clock): RequestHandler {
  return async (req, res, next) => {
    res.setHeader('WWW-Authenticate', 'Bearer realm="fucheng-eproc"');
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(header) : null;
    if (!match) throw unauthorized();
    const claims = verifyToken(match[1], config.jwt, clock);
    const loaded = await service.loadUser(Number(claims.sub));
    if (!loaded || loaded.disabled || loaded.tokenVersion !== claims.tv || loaded.user.username !== claims.username) {
      throw revoked();
    }
    if (claims.jti && (await service.isRevoked(claims.jti))) throw revoked();
    res.removeHeader('WWW-Authenticate');
    req.user = loaded.user;
    req.token = { jti: claims.jti ?? null, expiresAt: new Date(claims.exp * 1000) };
    next();
  };
}

export function describeRoles(roles: readonly Role[]): string {
  return roles.map((r) => `${ROLE_LABELS[r]}(${r})`).join('、');
}

/** Must run after requireAuth. */
export function requireRole(...roles: Role[]): RequestHandler {
  return (req, _res, next) => {
    if (!req.user) throw unauthorized();
    if (!hasAnyRole(req.user, roles)) {
      throw new AppError(
        403,
        'FORBIDDEN',
        `需要以下角色之一：${describeRoles(roles)} (requires one of roles: ${roles.join(', ')})`,
        roles.map((r) => ({ path: 'roles', reason: r })),
      );
    }
    next();
  };
}

export function hasAnyRole(user: AuthUser, roles: readonly Role[]): boolean {
  return roles.some((r) => user.roles.includes(r));
}

/** The authenticated caller; 401 when a route forgot requireAuth. */
export function currentUser(req: { user?: AuthUser }): AuthUser {
  if (!req.user) throw unauthorized();
  return req.user;
}
