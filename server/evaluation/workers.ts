/** Job workers of the evaluation component (task type → definition), merged into server/workers/index.ts. */
import type { WorkerTable } from '../workers/definition.ts';

export const EVALUATION_WORKERS: WorkerTable = {};
