/**
 * The JSON error convention for every /api response: { error: { code, message, details } }.
 * AppError → its status; body-parser failures → 400/413/415; anything else → 500 INTERNAL, logged, no internals.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, type ErrorDetail } from '../errors.ts';
import type { Logger } from '../logger.ts';

export interface ErrorBody {
  error: { code: string; message: string; details: ErrorDetail[] };
}

export function errorBody(code: string, message: string, details: ErrorDetail[] = []): ErrorBody {
  return { error: { code, message, details } };
}

interface BodyParserError {
  type?: string;
  limit?: number;
  status?: number;
  expose?: boolean;
}

/** Maps a body-parser (express.json) failure to a client error, or null when it is not one. */
function bodyParserError(err: unknown): AppError | null {
  const e = err as BodyParserError;
  if (!e || typeof e !== 'object' || typeof e.type !== 'string') return null;
  switch (e.type) {
    case 'entity.parse.failed':
      return new AppError(400, 'BAD_REQUEST', '请求体不是合法的 JSON (request body is not valid JSON)');
    case 'entity.too.large':
      return new AppError(413, 'PAYLOAD_TOO_LARGE', `请求体过大，上限 ${Math.round((e.limit ?? 1024 * 1024) / 1024)} KB (request body too large)`);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', '不支持的请求体编码，请使用 UTF-8 (unsupported body encoding)');
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return new AppError(400, 'BAD_REQUEST', '请求体不完整 (incomplete request body)');
    default:
      if (typeof e.status === 'number' && e.status >= 400 && e.status < 500 && e.expose) {
        return new AppError(e.status, 'BAD_REQUEST', '无法读取请求体 (cannot read request body)');
      }
      return null;
  }
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    const known = err instanceof AppError ? err : bodyParserError(err);
    if (known) {
      if (known.status >= 500) logger.error({ err, method: req.method, path: req.path }, 'request failed');
      res.status(known.status).json(errorBody(known.code, known.message, known.details));
      return;
    }
    logger.error({ err, method: req.method, path: req.path }, 'unhandled error');
    res.status(500).json(errorBody('INTERNAL', '服务器内部错误，请稍后重试 (internal server error)'));
  };
}

/** JSON 404 for any /api path no router answered. */
export const apiNotFound: RequestHandler = (req, res) => {
  res
    .status(404)
    .json(errorBody('NOT_FOUND', `接口不存在：${req.method} ${req.originalUrl.split('?')[0]} (no such API route)`));
};

/** 415 when a request with a body does not declare JSON (the JSON parser would silently ignore it). */
export const requireJsonBody: RequestHandler = (req, res, next) => {
  // A raw-body route (server/http/route.ts `rawBody`) has already read its declared type.
  if (res.locals.rawBody !== undefined) return next();
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (hasBody && !['GET', 'HEAD', 'OPTIONS'].includes(req.method) && !req.is('application/json')) {
    next(new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', '请求体必须是 JSON，Content-Type: application/json (body must be JSON)'));
    return;
  }
  next();
};
