/**
 * The Express application (no listen): security headers, request logs, the JSON body parser, every
 * component's routes, the OpenAPI document and swagger-ui, the JSON 404 for /api and the error handler.
 */
import { inputGuard } from './http/input-guard.ts';
import crypto from 'node:crypto';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import type { Database } from './db.ts';
import type { EnginePort } from './engine/port.ts';
import { defineTaskModels } from './engine/task-projection.ts';
import { defineAuthModels } from './auth/models.ts';
import { createRequireAuth } from './auth/middleware.ts';
import { registerAuthRoutes } from './auth/routes.ts';
import { registerCalendarRoutes } from './calendar/routes.ts';
import { registerCreditRoutes } from './credit/routes.ts';
import { registerRegistryRoutes } from './registry/routes.ts';
import { registerDocumentRoutes } from './documents/routes.ts';
import { createDocumentService } from './documents/service.ts';
import { createCalendarService } from './calendar/service.ts';
import { createAuthService } from './auth/service.ts';
import { registerHealthRoutes } from './health/routes.ts';
import { apiNotFound, errorHandler, requireJsonBody } from './http/errors.ts';
import { createRegistry, docsRouter } from './http/openapi.ts';
import { RawBodyRoutes, type Api } from './http/route.ts';
import { registerInboxRoutes } from './inbox/routes.ts';
import { registerInstanceRoutes } from './instances/routes.ts';
import { registerDeploymentRoutes } from './modeler/routes.ts';
import { registerProjectRoutes } from './procurement/routes.ts';
import { registerTenderRoutes } from './tender/routes.ts';
import { registerEvaluationRoutes } from './evaluation/routes.ts';
import { registerAuditRoutes } from './audit/routes.ts';
import { auditRefusals } from './audit/refusals.ts';
import { registerComplaintRoutes } from './complaints/routes.ts';
import { registerExchangeRoutes } from './exchange/routes.ts';
import { registerStatisticsRoutes } from './statistics/routes.ts';
import { registerSupervisionRoutes } from './supervision/routes.ts';
import { registerAuctionRoutes } from './auction/routes.ts';
import { registerWorksRoutes } from './works/routes.ts';
import { installMetrics } from './metrics/index.ts';
import { silentLogger, type Logger } from './logger.ts';
import { APP_VERSION } from './version.ts';
import { webRouter } from './web/static.ts';

export interface AppDeps {
  config: Config;
  db: Database;
  engine: EnginePort;
  clock: Clock;
  logger?: Logger;
}

export function buildApp({ config, db, engine, clock, logger = silentLogger }: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  installMetrics(app, { config, db, engine }); // first: request timing for every route; GET /metrics

  // No upgrade-insecure-requests: district intranets often serve plain HTTP, where it would break the UI.
  app.use(helmet({ contentSecurityPolicy: { directives: { 'upgrade-insecure-requests': null } } }));
  app.use(
    pinoHttp({
      logger,
      genReqId: (req, res) => {
        const id = crypto.randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      // One line per request; never headers (tokens) or bodies.
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, path: req.url.split('?')[0] }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      customProps: (req) => ({ user: (req as express.Request).user?.username }),
    }),
  );

  const { Task } = defineTaskModels(db.sequelize);
  const authModels = defineAuthModels(db.sequelize);
  const auth = createAuthService(authModels, config, clock);

  const api: Api = {
    router: express.Router(),
    registry: createRegistry(),
    requireAuth: createRequireAuth(auth, config, clock),
    rawBodies: new RawBodyRoutes(),
  };
  registerHealthRoutes(api, { db, engine, version: APP_VERSION, logger });
  registerAuthRoutes(api, { auth, config, db, clock });
  registerInboxRoutes(api, { Task, engine, clock, config, logger });
  registerInstanceRoutes(api, { Task, engine, clock });
  registerDeploymentRoutes(api, { db, engine, clock, formsDir: config.formsDir, approvalRequired: () => config.processChangeApproval });
  registerCalendarRoutes(api, { calendar: createCalendarService(db, clock), clock });
  registerRegistryRoutes(api, { db, clock });
  registerCreditRoutes(api, { db, clock });
  const documentCalendar = createCalendarService(db, clock);
  registerDocumentRoutes(api, { documents: createDocumentService({ db, clock, calendar: documentCalendar }), engine, Task, clock, calendar: documentCalendar });

  const chain = { db, engine, clock, config, logger, Task };
  registerProjectRoutes(api, chain);
  registerTenderRoutes(api, chain);
  registerEvaluationRoutes(api, chain);
  // Supervision (issue 8): the audit trail, complaints and the public 投诉举报 channel.
  registerAuditRoutes(api, chain);
  registerComplaintRoutes(api, chain);
  registerAuctionRoutes(api, chain); // official-car auctions and shop leases (issue 11)
  registerWorksRoutes(api, chain); // works tenders under the Bidding Law: objections (issue 11)
  registerSupervisionRoutes(api, chain); // instances by step, overdue and breached deadlines, multi-stage actors, opening records
  registerStatisticsRoutes(api, chain); // the statistics dashboard and its CSV/XLSX export
  registerExchangeRoutes(api, chain); // OCDS releases and records (after the projects: its listener reads their row)

  app.use(api.rawBodies!.middleware); // CSV imports and evidence files: their declared types only, before the JSON-only guard
  app.use('/api', requireJsonBody, express.json({ limit: '1mb' }), inputGuard);
  app.use(api.router);
  app.use('/api', docsRouter(api.registry, APP_VERSION));
  app.use('/api', apiNotFound);
  app.use(webRouter());
  app.use(auditRefusals(db, clock, logger)); // 403s and failed logins into the audit trail, then the JSON error
  app.use(errorHandler(logger));
  return app;
}
