/**
 * Job workers of the works tender (processes/works-tender.bpmn) that government procurement has no equivalent of;
 * the rest of the works chain reuses the procurement, tender and evaluation workers with `regime = 'works'`.
 */
import type { WorkerTable } from '../workers/definition.ts';
import { publishCandidates } from './candidates.ts';
import { recordObjectionReply } from './objections.ts';
import { prepareWrittenReport } from './report.ts';

export const WORKS_WORKERS: WorkerTable = {
  'publish-candidates': { create: ({ db, clock }) => (job) => publishCandidates(db, clock, job), options: { retries: 3 } },
  'record-objection-reply': { create: ({ db, clock }) => (job) => recordObjectionReply(db, clock, job), options: { retries: 3 } },
  'prepare-written-report': { create: ({ db, clock }) => (job) => prepareWrittenReport(db, clock, job), options: { retries: 3 } },
};
