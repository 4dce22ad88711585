// SCAFFOLD (lead): H2 replaces this file.
import type { WorkerTable } from '../workers/definition.ts';
export const COMPLAINT_WORKERS: WorkerTable = {};
