/**
 * GET /metrics in the Prometheus text format (prom-client), outside /api (no JSON body guard, no JWT).
 *
 * - `http_request_duration_seconds{method,route,status}`: the route label is the Express route pattern
 *   (`/api/tasks/:id/complete`), never the raw URL, so label cardinality stays bounded; requests no route
 *   matched (static files, 404s) are labelled `unmatched`.
 * - process metrics (prom-client defaults: CPU, memory, event loop lag, handles, GC).
 * - engine gauges read from the database at scrape time: open user tasks, active instances, open incidents,
 *   failed jobs (retries exhausted) and pending jobs.
 *
 * When `METRICS_TOKEN` is set, a matching `Authorization: Bearer <token>` is required (401 otherwise). Errors (401,
 * 503) are the API's JSON error body {error:{code,message,details}}; only the 200 is Prometheus text.
 * Each app gets its own registry: tests build many apps in one process.
 */
import crypto from 'node:crypto';
import type { Express, Request, Response, NextFunction } from 'express';
import { QueryTypes } from 'sequelize';
import client from 'prom-client';
import type { Config } from '../config.ts';
import { errorBody } from '../http/errors.ts';
import type { Database } from '../db.ts';
import type { EnginePort } from '../engine/port.ts';

export const METRICS_PATH = '/metrics';

/** Route pattern of a matched request (`/api/tasks/:id`), or `unmatched`. */
export function routeLabel(req: Request): string {
  const route = (req as Request & { route?: { path?: unknown } }).route;
  if (!route || typeof route.path !== 'string') return 'unmatched';
  return `${req.baseUrl ?? ''}${route.path}` || '/';
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer (.+)$/.exec(header ?? '');
  if (!m) return false;
  const a = crypto.createHash('sha256').update(m[1]).digest();
  const b = crypto.createHash('sha256').update(token).digest();
  return crypto.timingSafeEqual(a, b);
}

async function count(db: Database, sql: string): Promise<number> {
  const rows = await db.sequelize.query<{ n: number | string }>(sql, { type: QueryTypes.SELECT });
  return Number(rows[0]?.n ?? 0);
}

/** Request metrics middleware (installed first) and GET /metrics (Prometheus text format). */
export function installMetrics(app: Express, deps: { config: Config; db: Database; engine: EnginePort }): client.Registry {
  const { config, db, engine } = deps;
  const registry = new client.Registry();
  registry.setDefaultLabels({ engine: engine.kind });
  client.collectDefaultMetrics({ register: registry });

  const duration = new client.Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP 请求耗时（秒），按方法、路由模式、状态码 (HTTP request duration by method, route pattern and status)',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  // Engine gauges: counted in the database when scraped (indexed on state), so they are right after restarts.
  const gauge = (name: string, help: string, sql: string) =>
    new client.Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        this.set(await count(db, sql));
      },
    });
  gauge('eproc_open_tasks', '待办用户任务数 (open user tasks)', "SELECT COUNT(*) AS n FROM tasks WHERE state = 'created'");
  gauge('eproc_active_instances', '运行中的流程实例数 (active process instances)', "SELECT COUNT(*) AS n FROM engine_instances WHERE state = 'active'");
  gauge('eproc_open_incidents', '未解决的事故数 (open incidents)', "SELECT COUNT(*) AS n FROM engine_incidents WHERE state = 'open'");
  gauge('eproc_failed_jobs', '重试耗尽的作业数 (jobs whose retries are exhausted)', "SELECT COUNT(*) AS n FROM engine_jobs WHERE state = 'failed'");
  gauge('eproc_pending_jobs', '待执行或等待重试的作业数 (jobs waiting to run or to be retried)', "SELECT COUNT(*) AS n FROM engine_jobs WHERE state = 'pending'");

  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.path === METRICS_PATH) return next();
    const end = duration.startTimer();
    res.once('finish', () => end({ method: req.method, route: routeLabel(req), status: String(res.statusCode) }));
    next();
  });

  app.get(METRICS_PATH, async (req: Request, res: Response) => {
    if (config.metricsToken && !tokenMatches(req.get('authorization'), config.metricsToken)) {
      // Errors in the API's JSON shape ({error:{code,message,details}}); only the success case is Prometheus text.
      res.status(401).set('WWW-Authenticate', 'Bearer').json(errorBody('UNAUTHORIZED', '需要指标令牌 (METRICS_TOKEN bearer token required)'));
      return;
    }
    try {
      const body = await registry.metrics();
      res.type(registry.contentType).send(body);
    } catch (err) {
      res.status(503).json(errorBody('METRICS_UNAVAILABLE', `指标不可用 (metrics unavailable): ${(err as Error).message}`));
    }
  });
  return registry;
}
