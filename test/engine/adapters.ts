/**
 * One harness shape for both engine adapters, so the behaviour suite (behaviour.ts) runs unchanged on each:
 *   - embedded: bpmn-engine in process, state in the test database;
 *   - zeebe: the Zeebe adapter talking gRPC and REST to the in-process doubles in ./zeebe-doubles. The doubles
 *     check the adapter's protocol use against Zeebe's documented semantics; they are not Zeebe.
 * `settle()` waits until the engine is at rest: a no-op for embedded (every operation completes before it
 * returns); for zeebe, until the double has no job to hand out or in a worker's hands, the adapter handles
 * none, and the task projection has caught up with the (lagging) search endpoint.
 */
import { ManualClock } from '../../server/clock.ts';
import { createEngine, type Engine } from '../../server/engine/index.ts';
import type { ZeebeEngine } from '../../server/engine/zeebe/engine.ts';
import { Task } from '../../server/engine/task-projection.ts';
import { testDatabase, type TestDatabase } from '../helpers/db.ts';
import { testFormsDir } from './harness.ts';
import { startZeebeDoubles, type ZeebeDoubles } from './zeebe-doubles/index.ts';

export type AdapterKind = 'embedded' | 'zeebe';

export interface AdapterHarness {
  kind: AdapterKind;
  tdb: TestDatabase;
  clock: ManualClock;
  engine: Engine;
  doubles: ZeebeDoubles | null;
  settle(): Promise<void>;
  /** Moves the clock and lets whatever became due run (timers, job retries / back-off). */
  advance(ms: number): Promise<void>;
  openTasks(instanceId: string): Promise<Task[]>;
  close(): Promise<void>;
}

export interface AdapterOptions {
  hotInstances?: number;
  /** zeebe: how long the double's search endpoints lag behind (ms). */
  searchLagMs?: number;
  formsDir?: string;
  /** Start time of the manual clock. */
  now?: string;
  /** zeebe: the doubles require an OAuth bearer token; the adapter gets these client credentials. */
  oauth?: { clientId: string; clientSecret: string };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function adapterHarness(kind: AdapterKind, setup: (engine: Engine, deps: { db: TestDatabase['db']; clock: ManualClock }) => void, opts: AdapterOptions = {}): Promise<AdapterHarness> {
  const tdb = await testDatabase();
  const clock = new ManualClock(opts.now ?? '2026-03-02T01:00:00Z');
  const formsDir = opts.formsDir ?? testFormsDir;
  let doubles: ZeebeDoubles | null = null;
  let engine: Engine;
  if (kind === 'zeebe') {
    // The SDK reads the expiry from the token, so the double's token is JWT-shaped (unsigned: nothing verifies it).
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const token = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: 'eproc', aud: 'zeebe-api', exp: Math.floor(Date.now() / 1000) + 3600 })}.double`;
    doubles = await startZeebeDoubles(clock, { searchLagMs: opts.searchLagMs ?? 0, ...(opts.oauth ? { token, client: { id: 'eproc', secret: 'right-secret' } } : {}) });
    const auth = opts.oauth
      ? { auth: 'oauth' as const, clientId: opts.oauth.clientId, clientSecret: opts.oauth.clientSecret, oauthUrl: `${doubles.restAddress}/oauth/token`, tokenAudience: 'zeebe-api' }
      : { auth: 'none' as const };
    engine = createEngine({
      db: tdb.db, clock, formsDir, pollIntervalMs: 3_600_000,
      zeebe: { grpcAddress: doubles.grpcAddress, restAddress: doubles.restAddress, ...auth, longPollMs: 250, workerName: 'test' },
    });
  } else {
    engine = createEngine({ db: tdb.db, clock, formsDir, hotInstances: opts.hotInstances });
  }
  setup(engine, { db: tdb.db, clock });
  if (kind === 'zeebe') await engine.start();

  const settle = async (): Promise<void> => {
    if (!doubles) return;
    const z = engine as unknown as ZeebeEngine;
    let calm = 0;
    for (let round = 0; round < 1_000; round++) {
      await z.whenIdle();
      if (doubles.broker.quiet()) {
        const changed = await engine.runDue();
        await z.whenIdle();
        calm = changed === 0 && doubles.broker.quiet() ? calm + 1 : 0;
        if (calm >= 2) return;
      }
      await sleep(5);
    }
    throw new Error('the zeebe adapter did not come to rest');
  };

  return {
    kind,
    tdb,
    clock,
    engine,
    doubles,
    settle,
    advance: async (ms) => {
      clock.advance(ms);
      if (doubles) {
        doubles.broker.notify();
        await settle();
      } else await engine.runDue();
    },
    openTasks: async (instanceId) => {
      await settle();
      return Task.findAll({ where: { instanceId, state: 'created' }, order: [['createdAt', 'ASC'], ['elementId', 'ASC']] });
    },
    close: async () => {
      await engine.stop();
      await doubles?.close();
      await tdb.drop();
    },
  };
}
