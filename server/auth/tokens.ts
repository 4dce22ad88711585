/**
 * JWT access tokens (HS256). Verification pins the algorithm and checks exp, iss and aud against the
 * injected clock; `sub` is the user id, `tv` the user's token version (bumping it revokes old tokens) and `jti` the
 * token's own id (listed in revoked_tokens when that one token is logged out).
 */
import crypto from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import { AppError } from '../errors.ts';
import type { Role } from './roles.ts';

export interface TokenClaims {
  sub: string;
  username: string;
  roles: Role[];
  tv: number;
  iat: number;
  exp: number;
  /** Absent only in tokens issued before logout existed (they end with their expiry or a token-version bump). */
  jti?: string;
}

export interface TokenSubject {
  id: number;
  username: string;
  roles: Role[];
  tokenVersion: number;
}

const seconds = (clock: Clock) => Math.floor(clock.now().getTime() / 1000);

export function signToken(user: TokenSubject, jwtConfig: Config['jwt'], clock: Clock): string {
  return jwt.sign(
    { username: user.username, roles: user.roles, tv: user.tokenVersion, iat: seconds(clock) },
    jwtConfig.secret,
    {
      algorithm: 'HS256',
      subject: String(user.id),
      issuer: jwtConfig.issuer,
      audience: jwtConfig.audience,
      expiresIn: jwtConfig.expiresIn as jwt.SignOptions['expiresIn'],
      jwtid: crypto.randomUUID(),
    },
  );
}

export const tokenExpired = () =>
  new AppError(401, 'TOKEN_EXPIRED', '登录已过期，请重新登录 (token expired)');
export const tokenInvalid = () =>
  new AppError(401, 'INVALID_TOKEN', '登录凭证无效，请重新登录 (invalid token)');

/** Verified claims, or a 401 AppError. */
export function verifyToken(token: string, jwtConfig: Config['jwt'], clock: Clock): TokenClaims {
  let payload: string | jwt.JwtPayload;
  try {
    payload = jwt.verify(token, jwtConfig.secret, {
      algorithms: ['HS256'],
      issuer: jwtConfig.issuer,
      audience: jwtConfig.audience,
      clockTimestamp: seconds(clock),
      clockTolerance: 5,
    });
  } catch (err) {
    if (err instanceof jwt.TokenExpiredError) throw tokenExpired();
    throw tokenInvalid();
  }
  if (
    typeof payload !== 'object' ||
    typeof payload.sub !== 'string' ||
    !/^\d+$/.test(payload.sub) ||
    typeof payload.username !== 'string' ||
    typeof payload.tv !== 'number' ||
    typeof payload.exp !== 'number' ||
    (payload.jti !== undefined && (typeof payload.jti !== 'string' || payload.jti.length > 64)) ||
    !Array.isArray(payload.roles)
  ) {
    throw tokenInvalid();
  }
  return payload as TokenClaims;
}
