/**
 * OpenAPI 3 document built from the zod schemas every route registers (zod-to-openapi), served at
 * /api/openapi.json, with swagger-ui at /api/docs (the only place where the CSP allows what swagger-ui needs).
 */
import './no-telemetry.ts';
import express, { type Router } from 'express';
import helmet from 'helmet';
import swaggerUi from 'swagger-ui-express';
import { OpenAPIRegistry, OpenApiGeneratorV3 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

export const BEARER = 'bearerAuth';

export const errorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(z.object({ path: z.string(), reason: z.string() })),
  }),
});

export function createRegistry(): OpenAPIRegistry {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', BEARER, {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'POST /api/auth/login 获得的令牌 (token from POST /api/auth/login)',
  });
  return registry;
}

export function openApiDocument(registry: OpenAPIRegistry, version: string) {
  return new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: '3.0.3',
    info: {
      title: '涪城区公共资源交易中心 政府采购审批系统 API',
      version,
      description: 'BPMN 驱动的政府采购审批 (BPMN-driven e-procurement approval). 错误格式 {error:{code,message,details}}。',
    },
    servers: [{ url: '/' }],
  });
}

/** `/openapi.json` and `/docs`, to be mounted under /api. */
export function docsRouter(registry: OpenAPIRegistry, version: string): Router {
  const router = express.Router();
  let cached: unknown = null;
  router.get('/openapi.json', (_req, res) => {
    cached ??= openApiDocument(registry, version);
    res.json(cached);
  });
  router.use(
    '/docs',
    helmet({
      contentSecurityPolicy: {
        useDefaults: true,
        directives: {
          // swagger-ui: its own scripts, an inline <style>, data: images; no external hosts.
          'script-src': ["'self'"],
          'style-src': ["'self'", "'unsafe-inline'"],
          'img-src': ["'self'", 'data:'],
          'connect-src': ["'self'"],
          'upgrade-insecure-requests': null,
        },
      },
    }),
    swaggerUi.serve,
    swaggerUi.setup(undefined, {
      customSiteTitle: '政府采购审批系统 API',
      swaggerOptions: { url: '/api/openapi.json', validatorUrl: null },
    }),
  );
  return router;
}
