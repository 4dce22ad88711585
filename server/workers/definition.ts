/** What a component hands the worker registry: how to build its worker, and its default options. */
import type { Database } from '../db.ts';
import type { Clock } from '../clock.ts';
import type { EnginePort, Worker, WorkerOptions } from '../engine/port.ts';

export interface WorkerDeps {
  db: Database;
  clock: Clock;
  /** The engine the worker runs in (set by registerWorkers; the process-change worker deploys through it). */
  engine?: EnginePort;
}

export interface WorkerDefinition {
  create(deps: WorkerDeps): Worker;
  options?: WorkerOptions;
}

/** Task type → definition; each component that owns workers exports one such table. */
export type WorkerTable = Readonly<Record<string, WorkerDefinition>>;
