/** Chooses the engine adapter. Only this file and server/engine/<adapter>/ know which engine runs. */
import type { Database } from '../db.ts';
import type { Clock } from '../clock.ts';
import type { EnginePort } from './port.ts';
import { EmbeddedEngine } from './embedded/engine.ts';
import { ZeebeEngine } from './zeebe/engine.ts';
import type { ZeebeSettings } from './zeebe/settings.ts';
import { idempotentWorker } from './idempotent-worker.ts';

export interface EngineOptions {
  db: Database;
  clock: Clock;
  /** How often the scheduler looks for due timers and job retries (embedded) or syncs user tasks (zeebe), ms. */
  pollIntervalMs?: number;
  /** Where `zeebe:formDefinition formId` files live (default `forms`). */
  formsDir?: string;
  /** How many waiting instances keep a live engine (~2 MB each) between operations (LRU; default 32, 0 = none). */
  hotInstances?: number;
  /** Set: run on Camunda 8 (Zeebe) instead of the embedded engine. */
  zeebe?: ZeebeSettings;
  log?: (msg: string, data?: Record<string, unknown>) => void;
}

export type Engine = EnginePort & {
  /**
   * Embedded: fire every timer and job retry that is due now by the clock. Zeebe: bring the task projection up
   * to date. Returns how many instances (embedded) or tasks (zeebe) it changed. For tests and the scheduler.
   */
  runDue(): Promise<number>;
};

export function createEngine(opts: EngineOptions): Engine {
  const engine: Engine = opts.zeebe ? new ZeebeEngine({ ...opts, zeebe: opts.zeebe }) : new EmbeddedEngine(opts);
  // Every worker, on either engine, answers a repeated delivery of a job from its recorded outcome.
  const register = engine.registerWorker.bind(engine);
  engine.registerWorker = (type, worker, options) => register(type, idempotentWorker(opts.db, opts.clock, type, worker), options);
  return engine;
}
