/**
 * Structured JSON logs (pino). Never log passwords, tokens or request bodies: the request serializer keeps only
 * method, path and ids, and the redaction list catches secrets that slip into log objects.
 */
import { pino, type Logger } from 'pino';
import type { LogLevel } from './config.ts';

export type { Logger };

export const REDACT_PATHS = [
  'password',
  'token',
  'secret',
  '*.password',
  '*.token',
  '*.secret',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
];

/** Tests run silent unless LOG_LEVEL asks otherwise. */
export function createLogger(level?: LogLevel): Logger {
  const runningTests = process.env.NODE_ENV === 'test' || process.argv.some((a) => /mocha/.test(a));
  return pino({
    level: level ?? (runningTests ? 'silent' : 'info'),
    base: { app: 'fucheng-eproc' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
  });
}

export const silentLogger: Logger = pino({ level: 'silent' });
