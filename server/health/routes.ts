/** GET /api/health: no auth; 503 when the database does not answer. */
import type { Database } from '../db.ts';
import { addRoute, type Api } from '../http/route.ts';
import type { Logger } from '../logger.ts';
import { z } from 'zod';

export const healthSchema = z.object({
  status: z.enum(['ok', 'error']),
  db: z.enum(['up', 'down']),
  engine: z.string(),
  version: z.string(),
});

export function registerHealthRoutes(api: Api, deps: { db: Database; engineKind: string; version: string; logger: Logger }): void {
  addRoute(
    api,
    {
      method: 'get',
      path: '/api/health',
      tags: ['health'],
      summary: '健康检查 (health check)',
      access: 'public',
      response: { description: '服务正常', schema: healthSchema },
      errors: [503],
    },
    async ({ res }) => {
      const base = { engine: deps.engineKind, version: deps.version };
      try {
        await deps.db.sequelize.query('SELECT 1');
        return { status: 'ok', db: 'up', ...base };
      } catch (err) {
        deps.logger.error({ err }, 'health check: database query failed');
        res.status(503).json({ status: 'error', db: 'down', ...base });
        return undefined;
      }
    },
  );
}
