/**
 * One declaration per route: method, path, who may call it, the zod schemas of its input and output.
 * `addRoute` mounts it on the router (auth → role check → validation → handler) and registers it in the
 * OpenAPI document, so the documentation, the validation and the access rule cannot drift apart.
 */
import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import type { OpenAPIRegistry, RouteConfig } from '@asteasolutions/zod-to-openapi';
import type { ZodObject, ZodType, output } from 'zod';
import { requireRole, describeRoles } from '../auth/middleware.ts';
import type { Role } from '../auth/roles.ts';
import type { AuthUser } from '../auth/types.ts';
import { AppError } from '../errors.ts';
import { BEARER, errorSchema } from './openapi.ts';
import { parseBody, parseParams, parseQuery } from './validate.ts';

/** 'public': anyone; 'authenticated': any logged-in user (object rules checked in the handler); roles: any of them. */
export type Access = 'public' | 'authenticated' | readonly Role[];

export interface Api {
  router: Router;
  registry: OpenAPIRegistry;
  requireAuth: RequestHandler;
  /** Body parsers of the routes that take a non-JSON body (`rawBody`); mounted before the JSON-only guard. */
  rawBodies?: RawBodyRoutes;
}

/** A route whose body is not JSON (a CSV import, an evidence file): read as text or bytes into `res.locals.rawBody`. */
export interface RawBodySpec {
  /** Accepted Content-Types, e.g. ['text/csv']; anything else is 415. */
  contentTypes: readonly string[];
  /** 'text' → string (UTF-8), 'bytes' → Buffer. */
  as: 'text' | 'bytes';
  limitBytes: number;
  description: string;
}

type Out<S> = S extends ZodType ? output<S> : undefined;

export interface RouteSpec<B, Q, P, A extends Access> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express path, e.g. /api/tasks/:id */
  path: string;
  tags: string[];
  summary: string;
  description?: string;
  access: A;
  body?: B;
  query?: Q;
  params?: P;
  /** contentType: a non-JSON answer the handler sends itself (e.g. text/csv); schema describes it. */
  response: { status?: number; description: string; schema: ZodType; contentType?: string };
  rawBody?: RawBodySpec;
  /** Error statuses this route can answer besides 401/403/422 (added from `access` and the schemas). */
  errors?: number[];
}

export interface RouteInput<B, Q, P, A extends Access> {
  body: Out<B>;
  query: Out<Q>;
  params: Out<P>;
  user: A extends 'public' ? AuthUser | undefined : AuthUser;
  req: Request;
  res: Response;
}

/**
 * Body parsers of the raw-body routes, run before the app's JSON-only guard as one middleware (not as routes, so
 * the router lists each route once): the wrong Content-Type is a 415 naming the accepted ones; the body ends up in
 * res.locals.rawBody and req.body stays undefined, so the JSON parser and the input guard leave it alone. Every
 * other route stays JSON-only.
 */
export class RawBodyRoutes {
  private readonly routes: { method: string; pattern: RegExp; steps: RequestHandler[] }[] = [];

  /** `auth`: the route's requireAuth/requireRole, run first so a stranger gets 401/403 before any 415/413. */
  add(method: string, path: string, raw: RawBodySpec, auth: readonly RequestHandler[] = []): void {
    const types = [...raw.contentTypes];
    const pattern = new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z0-9_]+/g, '[^/]+')}$`);
    const checkType: RequestHandler = (req, _res, next) => {
      const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
      if (hasBody && !req.is(types)) {
        next(new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', `请求体类型应为 ${types.join(' 或 ')} (Content-Type must be ${types.join(' or ')})`));
        return;
      }
      next();
    };
    const parse = raw.as === 'text' ? express.text({ type: types, limit: raw.limitBytes }) : express.raw({ type: types, limit: raw.limitBytes });
    const hand: RequestHandler = (req, res, next) => {
      res.locals.rawBody = req.body;
      req.body = undefined;
      next();
    };
    this.routes.push({ method: method.toUpperCase(), pattern, steps: [...auth, checkType, parse, hand] });
  }

  readonly middleware: RequestHandler = (req, res, next) => {
    const route = this.routes.find((r) => r.method === req.method && r.pattern.test(req.path));
    if (!route) return next();
    const run = (i: number, err?: unknown): void => {
      if (err || i === route.steps.length) return next(err);
      const step = route.steps[i];
      let called = false;
      const cb = (e?: unknown) => {
        if (called) return;
        called = true;
        run(i + 1, e);
      };
      try {
        // requireAuth is async and throws its 401: hand a rejection on as the error.
        Promise.resolve(step(req, res, cb)).catch((e: unknown) => cb(e ?? new Error('rejected')));
      } catch (e) {
        cb(e);
      }
    };
    run(0);
  };
}

const ERROR_TEXT: Record<number, string> = {
  400: '请求格式错误 (malformed request)',
  401: '未登录或令牌无效 (not authenticated)',
  403: '无权操作 (forbidden)',
  404: '不存在 (not found)',
  409: '状态冲突 (conflict)',
  413: '请求体过大 (payload too large)',
  422: '校验失败 (validation failed)',
  503: '服务不可用 (service unavailable)',
};

export function toOpenApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

export function accessText(access: Access): string {
  if (access === 'public') return '无需登录 (public)';
  if (access === 'authenticated') return '任何已登录用户，另按对象归属检查 (any authenticated user; object rules apply)';
  return `角色：${describeRoles(access)}`;
}

export function addRoute<
  B extends ZodType | undefined = undefined,
  Q extends ZodObject | undefined = undefined,
  P extends ZodObject | undefined = undefined,
  A extends Access = Access,
>(api: Api, spec: RouteSpec<B, Q, P, A>, handler: (input: RouteInput<B, Q, P, A>) => unknown): void {
  const middleware: RequestHandler[] = [];
  if (spec.access !== 'public') middleware.push(api.requireAuth);
  if (Array.isArray(spec.access)) middleware.push(requireRole(...(spec.access as readonly Role[])));

  const status = spec.response.status ?? 200;
  if (spec.rawBody) {
    if (!api.rawBodies) throw new Error(`route ${spec.method.toUpperCase()} ${spec.path} takes a raw body but the app has no rawBodies`);
    // Authentication and the role gate come before the body's type and size (401, then 403, then 415/413/422).
    api.rawBodies.add(spec.method, spec.path, spec.rawBody, [...middleware]);
  }
  middleware.push(async (req, res) => {
    const input = {
      body: spec.body ? parseBody(spec.body, req) : undefined,
      query: spec.query ? parseQuery(spec.query, req) : undefined,
      params: spec.params ? parseParams(spec.params, req) : undefined,
      user: req.user,
      req,
      res,
    } as RouteInput<B, Q, P, A>;
    const result = await handler(input);
    if (!res.headersSent) res.status(status).json(result);
  });
  api.router[spec.method](spec.path, ...middleware);

  const errorStatuses = new Set<number>(spec.errors ?? []);
  if (spec.access !== 'public') errorStatuses.add(401);
  if (Array.isArray(spec.access)) errorStatuses.add(403);
  if (spec.body || spec.query || spec.params) errorStatuses.add(422);
  if (spec.body) errorStatuses.add(400);
  if (spec.rawBody) for (const code of [413, 415, 422]) errorStatuses.add(code);
  const responses: RouteConfig['responses'] = {
    [status]: { description: spec.response.description, content: { [spec.response.contentType ?? 'application/json']: { schema: spec.response.schema } } },
  };
  for (const code of [...errorStatuses].sort()) {
    responses[code] = { description: ERROR_TEXT[code] ?? '错误 (error)', content: { 'application/json': { schema: errorSchema } } };
  }
  api.registry.registerPath({
    method: spec.method,
    path: toOpenApiPath(spec.path),
    tags: spec.tags,
    summary: spec.summary,
    description: [spec.description, `权限 (access): ${accessText(spec.access)}`].filter(Boolean).join('\n\n'),
    security: spec.access === 'public' ? [] : [{ [BEARER]: [] }],
    request: {
      body: spec.rawBody
        ? {
            required: true,
            description: `${spec.rawBody.description}（上限 ${Math.round(spec.rawBody.limitBytes / 1024)} KB）`,
            content: Object.fromEntries(spec.rawBody.contentTypes.map((t) => [t, { schema: { type: 'string', format: spec.rawBody!.as === 'bytes' ? 'binary' : undefined } }])),
          }
        : spec.body
          ? { required: false, content: { 'application/json': { schema: spec.body } } }
          : undefined,
      query: spec.query,
      params: spec.params,
    },
    responses,
    'x-access': spec.access === 'public' || spec.access === 'authenticated' ? spec.access : [...spec.access],
  } as RouteConfig);
}
