/**
 * Application errors carry the HTTP status and the JSON body the client sees:
 * { error: { code, message, details: [{ path, reason }] } }. Anything else is a 500 with no internals.
 */
export interface ErrorDetail {
  path: string;
  reason: string;
}

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badRequest = (message: string, details: ErrorDetail[] = []) =>
  new AppError(400, 'BAD_REQUEST', message, details);
export const validationFailed = (message: string, details: ErrorDetail[] = []) =>
  new AppError(422, 'VALIDATION_FAILED', message, details);
export const unauthorized = (message = '未登录或登录已过期 (authentication required)') =>
  new AppError(401, 'UNAUTHORIZED', message);
export const forbidden = (message: string) => new AppError(403, 'FORBIDDEN', message);
export const notFound = (what: string, id: string) => new AppError(404, 'NOT_FOUND', `${what} ${id} not found`);
export const conflict = (message: string, code = 'CONFLICT') => new AppError(409, code, message);
