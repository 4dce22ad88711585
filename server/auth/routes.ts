/** POST /api/auth/login, GET /api/auth/me. */
import type { Config } from '../config.ts';
import { addRoute, type Api } from '../http/route.ts';
import { ROLE_LABELS } from './roles.ts';
import { loginBody, loginResponse, meResponse } from './schemas.ts';
import type { AuthService } from './service.ts';

export function registerAuthRoutes(api: Api, deps: { auth: AuthService; config: Config }): void {
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
