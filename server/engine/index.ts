/** Chooses the engine adapter. Only this file and server/engine/<adapter>/ know which engine runs. */
import type { Database } from '../db.ts';
import type { Clock } from '../clock.ts';
import type { EnginePort } from './port.ts';
import { EmbeddedEngine } from './embedded/engine.ts';

export interface EngineOptions {
  db: Database;
  clock: Clock;
  /** How often the scheduler looks for due timers and job retries (ms). */
  pollIntervalMs?: number;
  /** Where `zeebe:formDefinition formId` files live (default `forms`). */
  formsDir?: string;
  /** How many waiting instances keep a live engine (~2 MB each) between operations (LRU; default 32, 0 = none). */
  hotInstances?: number;
  log?: (msg: string, data?: Record<string, unknown>) => void;
}

export type Engine = EnginePort & {
  /** Fire every timer and job retry that is due now by the clock; returns how many ran. For tests and the scheduler. */
  runDue(): Promise<number>;
};

export function createEngine(opts: EngineOptions): Engine {
  return new EmbeddedEngine(opts);
}
