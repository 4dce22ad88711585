/** Job workers of the tender component (task type → definition), merged into server/workers/index.ts. */
import type { WorkerTable } from '../workers/definition.ts';

export const TENDER_WORKERS: WorkerTable = {};
