/** Job workers of the procurement component (task type → definition), merged into server/workers/index.ts. */
import type { WorkerTable } from '../workers/definition.ts';

export const PROCUREMENT_WORKERS: WorkerTable = {};
