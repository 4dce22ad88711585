// SCAFFOLD (lead): H6 replaces this file.
import type { Express } from 'express';
import type { Config } from '../config.ts';
import type { Database } from '../db.ts';
import type { EnginePort } from '../engine/port.ts';
/** Request metrics middleware (installed first) and GET /metrics (Prometheus text format). */
export function installMetrics(_app: Express, _deps: { config: Config; db: Database; engine: EnginePort }): void {}
