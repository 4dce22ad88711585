/**
 * Job workers of the tender component (task type → definition), merged into server/workers/index.ts. Each keys its
 * effects by job.key in its own transaction (besides the job_executions record every worker gets).
 */
import type { WorkerTable } from '../workers/definition.ts';
import { publishTender } from './publish.ts';
import { applyAmendmentJob, openBids, recordChallengeReply, recordFailedTender } from './lifecycle.ts';

export const TENDER_WORKERS: WorkerTable = {
  'publish-tender': { create: ({ db, clock }) => (job) => publishTender(db, clock, job), options: { retries: 3 } },
  'apply-amendment': { create: ({ db, clock }) => (job) => applyAmendmentJob(db, job, clock), options: { retries: 3 } },
  // Before the deadline the job fails (and is retried with back-off): bids are never opened early.
  'open-bids': { create: ({ db, clock }) => (job) => openBids(db, clock, job), options: { retries: 5 } },
  'record-failed-tender': { create: ({ db, clock }) => (job) => recordFailedTender(db, clock, job), options: { retries: 3 } },
  'record-challenge-reply': { create: ({ db, clock }) => (job) => recordChallengeReply(db, clock, job), options: { retries: 3 } },
};
