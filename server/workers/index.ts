/**
 * Job workers: one handler per `zeebe:taskDefinition type` used in processes/*.bpmn. Both engine adapters call
 * the same functions. A model whose service task type is not listed here is refused at deploy.
 */
import type { EnginePort } from '../engine/port.ts';
import type { WorkerDeps, WorkerTable } from './definition.ts';
import { TENDER_WORKERS } from '../tender/workers.ts';
import { EVALUATION_WORKERS } from '../evaluation/workers.ts';
import { PROCUREMENT_WORKERS } from '../procurement/workers.ts';
import { COMPLAINT_WORKERS } from '../complaints/workers.ts';
import { AUCTION_WORKERS } from '../auction/workers.ts';
import { WORKS_WORKERS } from '../works/workers.ts';
import { COMPUTE_DEADLINE_TASK_TYPE, computeDeadlineWorker } from './compute-deadline.ts';
import { GENERATE_DOCUMENT_TASK_TYPE, generateDocumentWorker } from './generate-document.ts';
import { PROJECT_NUMBER_TASK_TYPE, projectNumberWorker } from './project-number.ts';
import { publishingReleases } from '../exchange/listener.ts';
import { DEPLOY_CHANGE_TASK_TYPE, deployChangeWorker, REJECT_CHANGE_TASK_TYPE, rejectChangeWorker } from '../modeler/change-workers.ts';

export type { WorkerDeps } from './definition.ts';

// The workers that record what OCDS reports publish the release right after (server/exchange/listener.ts).
const WORKERS: WorkerTable = publishingReleases({
  [PROJECT_NUMBER_TASK_TYPE]: { create: projectNumberWorker, options: { retries: 3 } },
  [COMPUTE_DEADLINE_TASK_TYPE]: { create: computeDeadlineWorker, options: { retries: 3 } },
  [GENERATE_DOCUMENT_TASK_TYPE]: { create: generateDocumentWorker, options: { retries: 3 } },
  [DEPLOY_CHANGE_TASK_TYPE]: { create: deployChangeWorker, options: { retries: 3 } },
  [REJECT_CHANGE_TASK_TYPE]: { create: rejectChangeWorker, options: { retries: 3 } },
  // The procurement chain after approval: each component declares its own task types.
  ...TENDER_WORKERS,
  ...EVALUATION_WORKERS,
  ...PROCUREMENT_WORKERS,
  ...COMPLAINT_WORKERS,
  ...AUCTION_WORKERS,
  ...WORKS_WORKERS,
});

/** Every task type that has a worker. */
export const WORKER_TYPES: readonly string[] = Object.freeze(Object.keys(WORKERS));

export function registerWorkers(engine: EnginePort, deps: WorkerDeps): void {
  for (const [type, def] of Object.entries(WORKERS)) {
    engine.registerWorker(type, def.create({ ...deps, engine }), def.options);
  }
}
