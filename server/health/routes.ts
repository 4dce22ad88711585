/**
 * GET /api/health: no auth. 503 when the database does not answer, or when a remote engine (Zeebe) does not
 * answer within a few seconds: a load balancer or compose health check then stops sending work to this node.
 */
import type { Database } from '../db.ts';
import type { EnginePort } from '../engine/port.ts';
import { addRoute, type Api } from '../http/route.ts';
import type { Logger } from '../logger.ts';
import { z } from 'zod';

export const healthSchema = z.object({
  status: z.enum(['ok', 'error']),
  db: z.enum(['up', 'down']),
  engine: z.string(),
  /** 'up' for the embedded engine (in process); for Zeebe, whether the gateway answered. */
  engineStatus: z.enum(['up', 'down']),
  version: z.string(),
});

export const ENGINE_PING_TIMEOUT_MS = 3000;

async function engineUp(engine: Pick<EnginePort, 'ping'>, logger: Logger): Promise<boolean> {
  if (!engine.ping) return true;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      engine.ping(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ENGINE_PING_TIMEOUT_MS} ms`)), ENGINE_PING_TIMEOUT_MS);
      }),
    ]);
    return true;
  } catch (err) {
    logger.error({ err }, 'health check: engine did not answer');
    return false;
  } finally {
    clearTimeout(timer);
  }
}

export function registerHealthRoutes(api: Api, deps: { db: Database; engine: Pick<EnginePort, 'kind' | 'ping'>; version: string; logger: Logger }): void {
  addRoute(
    api,
    {
      method: 'get',
      path: '/api/health',
      tags: ['health'],
      summary: '健康检查 (health check)',
      description: '数据库或（分布式模式下）Zeebe 网关无应答时返回 503。',
      access: 'public',
      response: { description: '服务正常', schema: healthSchema },
      errors: [503],
    },
    async ({ res }) => {
      const [dbUp, engUp] = await Promise.all([
        deps.db.sequelize.query('SELECT 1').then(
          () => true,
          (err) => {
            deps.logger.error({ err }, 'health check: database query failed');
            return false;
          },
        ),
        engineUp(deps.engine, deps.logger),
      ]);
      const body = {
        status: dbUp && engUp ? ('ok' as const) : ('error' as const),
        db: dbUp ? ('up' as const) : ('down' as const),
        engine: deps.engine.kind,
        engineStatus: engUp ? ('up' as const) : ('down' as const),
        version: deps.version,
      };
      if (!dbUp || !engUp) {
        res.status(503).json(body);
        return undefined;
      }
      return body;
    },
  );
}
