/** POST /api/auth/login, POST /api/auth/logout, GET /api/auth/me. */
import { z } from 'zod';
import type { Config } from '../config.ts';
import { appendAudit } from '../audit/index.ts';
import type { Database } from '../db.ts';
import type { Clock } from '../clock.ts';
import { addRoute, type Api } from '../http/route.ts';
import { ROLE_LABELS } from './roles.ts';
import { loginBody, loginResponse, meResponse } from './schemas.ts';
import type { AuthService } from './service.ts';

export function registerAuthRoutes(api: Api, deps: { auth: AuthService; config: Config; db?: Database; clock?: Clock }): void {
  addRoute(
    api,
    {
      method: 'post',
      path: '/api/auth/login',
      tags: ['auth'],
      summary: '登录，获取访问令牌 (log in)',
      access: 'public',
      body: loginBody,
      response: { description: '令牌与用户信息', schema: loginResponse },
    },
    async ({ body }) => {
      const { token, user } = await deps.auth.login(body.username, body.password);
      return { token, expiresIn: deps.config.jwt.expiresIn, user };
    },
  );

  addRoute(
    api,
    {
      method: 'post',
      path: '/api/auth/logout',
      tags: ['auth'],
      summary: '退出登录：使当前令牌（或本人全部令牌）立即失效 (log out: revoke this token, or every token of mine)',
      description: 'scope=session：当前令牌失效（其他设备上的登录不受影响）；scope=everywhere：本人的全部令牌失效。之后使用这些令牌的请求返回 401 TOKEN_REVOKED。',
      access: 'authenticated',
      body: z.object({ scope: z.enum(['session', 'everywhere']).describe('session 当前令牌 | everywhere 全部令牌') }).strict(),
      response: { description: '已退出', schema: z.object({ revoked: z.enum(['session', 'everywhere']) }) },
    },
    async ({ body, user, req }) => {
      const token = req.token;
      if (body.scope === 'everywhere' || !token?.jti) await deps.auth.revokeAll(user.id);
      else await deps.auth.revokeToken(token.jti, user.id, token.expiresAt);
      const revoked = body.scope === 'everywhere' || !token?.jti ? 'everywhere' : 'session';
      if (deps.db && deps.clock) {
        const at = deps.clock.now();
        await deps.db.withTransaction((tx) => appendAudit(tx, { at, actor: user.username, roles: user.roles, action: 'auth.logout', objectType: 'user', objectId: String(user.id), summary: { after: { scope: revoked } } }));
      }
      return { revoked };
    },
  );

  addRoute(
    api,
    {
      method: 'get',
      path: '/api/auth/me',
      tags: ['auth'],
      summary: '当前用户 (the calling user)',
      access: 'authenticated',
      response: { description: '当前用户及其角色', schema: meResponse },
    },
    ({ user }) => ({
      user,
      roleLabels: Object.fromEntries(user.roles.map((r) => [r, ROLE_LABELS[r]])),
    }),
  );
}
