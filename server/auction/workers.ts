// SCAFFOLD (lead): H7 replaces this file.
import type { WorkerTable } from '../workers/definition.ts';
export const AUCTION_WORKERS: WorkerTable = {};
