/**
 * Refusals worth supervising are audit entries too: every 403 the API answers (who, which route, why) and every
 * failed login (the user name tried, never the password). They change no state, so they get their own short
 * transaction; an Express error middleware just before the error handler sees them all in one place.
 */
import type { ErrorRequestHandler } from 'express';
import type { Clock } from '../clock.ts';
import type { Database } from '../db.ts';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { recordAudit } from './index.ts';

const LOGIN_REFUSALS = new Set(['INVALID_CREDENTIALS', 'ACCOUNT_DISABLED']);

export function auditRefusals(db: Database, clock: Clock, logger: Logger): ErrorRequestHandler {
  return (err, req, _res, next) => {
    if (!(err instanceof AppError)) return next(err);
    const route = `${req.method} ${req.baseUrl}${req.route?.path ?? req.path}`;
    let entry: Parameters<typeof recordAudit>[1] | null = null;
    if (err.status === 403) {
      entry = {
        at: clock.now(), actor: req.user?.username ?? null, roles: req.user?.roles, action: 'auth.permission_denied',
        objectType: 'route', objectId: route.slice(0, 128), summary: { code: err.code, path: req.originalUrl.split('?')[0]!.slice(0, 200) },
      };
    } else if (LOGIN_REFUSALS.has(err.code) && req.method === 'POST') {
      const tried = typeof req.body?.username === 'string' ? req.body.username.slice(0, 64) : null;
      entry = { at: clock.now(), actor: tried, action: 'auth.login_failed', objectType: 'user', objectId: tried ?? '(none)', summary: { code: err.code } };
    }
    if (!entry) return next(err);
    recordAudit(db, entry).then(
      () => next(err),
      (auditErr) => {
        // The refusal stands either way; a failed record is logged, not turned into a 500.
        logger.error({ err: auditErr }, 'audit entry for a refusal could not be written');
        next(err);
      },
    );
  };
}
