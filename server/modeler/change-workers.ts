/**
 * Workers of the governance process `process_change`: deploy an approved model, record a refused one. Listed in
 * server/workers/index.ts; they reach the engine they run in through WorkerDeps.engine.
 */
import type { Clock } from '../clock.ts';
import type { Database } from '../db.ts';
import type { EnginePort, Worker } from '../engine/port.ts';
import { createChangeRequestService, type ChangeRequestService } from './change-requests.ts';
import { createDeploymentService } from './service.ts';

export { DEPLOY_CHANGE_TASK_TYPE, REJECT_CHANGE_TASK_TYPE } from './change-requests.ts';

interface Deps {
  db: Database;
  clock: Clock;
  engine?: EnginePort;
}

function lazyService(deps: Deps): () => ChangeRequestService {
  let service: ChangeRequestService | null = null;
  return () => {
    if (!deps.engine) throw new Error('process-change workers need WorkerDeps.engine');
    // formsDir is only used by the lint, which ran when the change was requested.
    service ??= createChangeRequestService({ ...deps, engine: deps.engine, deployments: createDeploymentService({ db: deps.db, engine: deps.engine, clock: deps.clock, formsDir: 'forms' }) });
    return service;
  };
}

export function deployChangeWorker(deps: Deps): Worker {
  const service = lazyService(deps);
  return (job) => service().applyApproved(job);
}

export function rejectChangeWorker(deps: Deps): Worker {
  const service = lazyService(deps);
  return async (job) => {
    await service().applyRejected(job);
  };
}
