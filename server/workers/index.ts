/**
 * Job workers: one handler per `zeebe:taskDefinition type` used in processes/*.bpmn. Both engine adapters call
 * the same functions. A model whose service task type is not listed here is refused at deploy.
 */
import type { Database } from '../db.ts';
import type { Clock } from '../clock.ts';
import type { EnginePort, Worker, WorkerOptions } from '../engine/port.ts';
import { COMPUTE_DEADLINE_TASK_TYPE, computeDeadlineWorker } from './compute-deadline.ts';
import { GENERATE_DOCUMENT_TASK_TYPE, generateDocumentWorker } from './generate-document.ts';
import { PROJECT_NUMBER_TASK_TYPE, projectNumberWorker } from './project-number.ts';
import { DEPLOY_CHANGE_TASK_TYPE, deployChangeWorker, REJECT_CHANGE_TASK_TYPE, rejectChangeWorker } from '../modeler/change-workers.ts';

export interface WorkerDeps {
  db: Database;
  clock: Clock;
  /** The engine the worker runs in (set by registerWorkers; the process-change worker deploys through it). */
  engine?: EnginePort;
}

interface WorkerDefinition {
  create(deps: WorkerDeps): Worker;
  options?: WorkerOptions;
}

const WORKERS: Readonly<Record<string, WorkerDefinition>> = {
  [PROJECT_NUMBER_TASK_TYPE]: { create: projectNumberWorker, options: { retries: 3 } },
  [COMPUTE_DEADLINE_TASK_TYPE]: { create: computeDeadlineWorker, options: { retries: 3 } },
  [GENERATE_DOCUMENT_TASK_TYPE]: { create: generateDocumentWorker, options: { retries: 3 } },
  [DEPLOY_CHANGE_TASK_TYPE]: { create: deployChangeWorker, options: { retries: 3 } },
  [REJECT_CHANGE_TASK_TYPE]: { create: rejectChangeWorker, options: { retries: 3 } },
};

/** Every task type that has a worker. */
export const WORKER_TYPES: readonly string[] = Object.freeze(Object.keys(WORKERS));

export function registerWorkers(engine: EnginePort, deps: WorkerDeps): void {
  for (const [type, def] of Object.entries(WORKERS)) {
    engine.registerWorker(type, def.create({ ...deps, engine }), def.options);
  }
}
