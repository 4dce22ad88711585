/**
 * Where releases are published from:
 * - an engine change listener, inside the engine's transaction of every change of a procurement instance (approvals
 *   end → planning; the instance ends or is canceled → tender cancellation), attached after the project listener so
 *   it reads the `projects` row that transaction just wrote;
 * - the chain's workers that record what OCDS reports (tender published, amended, opened, failed; award, contract,
 *   acceptance, archive): their rows are committed by the worker, and a job's completion alone raises no engine
 *   change, so `publishingReleases` publishes right after the worker, before the engine commits the job. A crash in
 *   between redelivers the job (the workers are idempotent by job key) and publishes then; a failed publish fails
 *   the job, which is retried. Publishing twice is harmless: releases.ts appends only what changed.
 */
import type { Transaction } from 'sequelize';
import type { EngineChange, EnginePort } from '../engine/port.ts';
import type { WorkerTable } from '../workers/definition.ts';
import { publishReleases } from './releases.ts';

const attached = new WeakSet<EnginePort>();
const IGNORED = new Set<EngineChange['kind']>(['deployment.created', 'task.assigned', 'incident.created', 'incident.resolved']);

export function attachExchangeListener(engine: EnginePort): void {
  if (attached.has(engine)) return;
  attached.add(engine);
  const seen = new WeakMap<Transaction, Set<string>>();
  engine.onChange(async (change, tx) => {
    if (!change.instanceId || IGNORED.has(change.kind)) return;
    const done = seen.get(tx) ?? new Set<string>();
    seen.set(tx, done);
    if (done.has(change.instanceId)) return;
    done.add(change.instanceId);
    await publishReleases(tx, change.instanceId, change.at);
  });
}

/** Job types whose worker records a fact a release reports. */
export const RELEASE_JOB_TYPES = new Set([
  'publish-tender', 'apply-amendment', 'open-bids', 'record-failed-tender', 'record-award', 'record-contract', 'record-acceptance', 'archive-project',
]);

/** The worker table with those workers followed by publishing (server/workers/index.ts). */
export function publishingReleases(table: WorkerTable): WorkerTable {
  const out: Record<string, WorkerTable[string]> = {};
  for (const [type, def] of Object.entries(table)) {
    out[type] = !RELEASE_JOB_TYPES.has(type)
      ? def
      : {
          ...def,
          create: (deps) => {
            const worker = def.create(deps);
            return async (job, ctx) => {
              const result = await worker(job, ctx);
              await deps.db.withTransaction((tx) => publishReleases(tx, job.instanceId, deps.clock.now()));
              return result;
            };
          },
        };
  }
  return out;
}
