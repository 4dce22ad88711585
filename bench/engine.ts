/**
 * npm run bench:engine — what persistence costs, in one process:
 *   (a) bare bpmn-engine in memory (zeebe moddle, FEEL, a service that returns at once, user tasks signalled on wait);
 *   (b) the persisted embedded runtime, createEngine({db, clock}), on a temp SQLite file (or a fresh MySQL/MariaDB
 *       database when DATABASE_URL=mysql://…): start, then complete each user task through engine.completeUserTask
 *       as it appears in the `tasks` table;
 *   (c) 10,000 instances left dormant at a user task: RSS and heap before and after (dormant instances must live in
 *       the database, not in memory).
 * Environment: BENCH_N (default 200) instances for (a) and (b); BENCH_DORMANT (default 10000) for (c), 0 skips it;
 * BENCH_HOT sets the engine's hotInstances (its LRU of live engines kept between operations; default: the engine's).
 * Memory in (c) is sampled before, half-way and at the end: the hot cache fills in the first half, so growth in the
 * second half is what each further dormant instance costs.
 * "Element events" are activity starts plus ends: bpmn-engine's activity.start/activity.end in (a), the
 * engine_history rows (started/completed) in (b).
 */
import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { QueryTypes } from 'sequelize';
import { compileModel, runBare } from './bare-engine.ts';
import { openDatabase, type Database } from '../server/db.ts';
import { migrate } from '../server/migrate.ts';
import { systemClock } from '../server/clock.ts';
import { createEngine, type Engine } from '../server/engine/index.ts';
import { createTestDatabaseUrl } from '../test/helpers/db.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const MODEL = fs.readFileSync(path.join(here, 'models', 'twenty-steps.bpmn'), 'utf8');
const PROCESS_ID = 'bench_twenty_steps';
const FORMS_DIR = path.join(here, 'forms');

function positiveInt(name: string, fallback: number, allowZero = false): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1)) throw new Error(`${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer (got "${raw}")`);
  return n;
}

const N = positiveInt('BENCH_N', 200);
const DORMANT = positiveInt('BENCH_DORMANT', 10_000, true);
const HOT = process.env.BENCH_HOT === undefined || process.env.BENCH_HOT === '' ? undefined : positiveInt('BENCH_HOT', 0, true);

// Measure what `npm start` runs: server/main.ts turns source maps off (Sequelize reads a stack on every query).
process.setSourceMapsEnabled(false);
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** Completion variables of the i-th instance's user tasks: alternate the branches of the first gateway. */
const completion = (i: number) => ({ decision: 'approve', amount: i % 2 === 0 ? 250_000 : 5_000 });

interface Measure {
  instances: number;
  events: number;
  seconds: number;
}

const rate = (n: number, s: number) => (s > 0 ? n / s : 0);
const fmt = (n: number, digits = 1) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const mb = (bytes: number) => `${fmt(bytes / 1024 / 1024)} MB`;

async function benchBare(n: number): Promise<Measure> {
  const sourceContext = await compileModel(MODEL);
  const workers = { 'bench-step': () => ({}) };
  // Warm up the JIT and the FEEL parser outside the measurement.
  for (let i = 0; i < Math.min(10, n); i++) await runBare({ sourceContext, workers, onUserTask: () => completion(i), variables: { i } });
  let events = 0;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const r = await runBare({ sourceContext, workers, onUserTask: () => completion(i), variables: { i } });
    if (r.endEventId !== 'end') throw new Error(`bare run ${i} ended at ${r.endEventId}`);
    events += r.elementEvents;
  }
  return { instances: n, events, seconds: (performance.now() - t0) / 1000 };
}

interface Persisted {
  db: Database;
  engine: Engine;
  url: string;
  drop(): Promise<void>;
}

async function openPersisted(): Promise<Persisted> {
  const { url, drop } = await createTestDatabaseUrl();
  const db = await openDatabase(url);
  await migrate(db);
  const engine = createEngine({ db, clock: systemClock, formsDir: FORMS_DIR, hotInstances: HOT });
  engine.registerWorker('bench-step', () => ({}));
  await engine.deploy({ xml: MODEL, resourceName: 'twenty-steps.bpmn', deployedBy: 'bench' });
  return {
    db,
    engine,
    url,
    drop: async () => {
      await engine.stop();
      await db.close();
      await drop();
    },
  };
}

async function openTaskIds(db: Database, instanceId: string): Promise<string[]> {
  const rows = await db.sequelize.query<{ id: string }>(
    "SELECT id FROM tasks WHERE instance_id = :instanceId AND state = 'created' ORDER BY created_at, id",
    { replacements: { instanceId }, type: QueryTypes.SELECT },
  );
  return rows.map((r) => r.id);
}

async function runPersisted(p: Persisted, i: number): Promise<string> {
  const ref = await p.engine.startInstance({ bpmnProcessId: PROCESS_ID, variables: { i }, startedBy: 'bench' });
  for (let guard = 0; guard < 20; guard++) {
    const open = await openTaskIds(p.db, ref.instanceId);
    if (open.length === 0) break;
    for (const taskId of open) await p.engine.completeUserTask({ taskId, variables: completion(i), actor: 'bench' });
  }
  const view = await p.engine.getInstance(ref.instanceId);
  if (view?.state !== 'completed') {
    throw new Error(`instance ${ref.instanceId} is ${view?.state}; incidents: ${JSON.stringify(view?.incidents ?? [])}`);
  }
  return ref.instanceId;
}

async function historyEvents(db: Database, instanceIds: string[]): Promise<number> {
  let total = 0;
  for (let i = 0; i < instanceIds.length; i += 500) {
    const row = await db.sequelize.query<{ n: number | string }>(
      "SELECT COUNT(*) AS n FROM engine_history WHERE event IN ('started', 'completed') AND instance_id IN (:ids)",
      { replacements: { ids: instanceIds.slice(i, i + 500) }, type: QueryTypes.SELECT, plain: true },
    );
    total += Number(row?.n ?? 0);
  }
  return total;
}

async function benchPersisted(p: Persisted, n: number): Promise<Measure> {
  for (let i = 0; i < Math.min(5, n); i++) await runPersisted(p, -1 - i); // warm-up
  const ids: string[] = [];
  const t0 = performance.now();
  for (let i = 0; i < n; i++) ids.push(await runPersisted(p, i));
  const seconds = (performance.now() - t0) / 1000;
  return { instances: n, events: await historyEvents(p.db, ids), seconds };
}

function memory() {
  gc();
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external };
}

async function benchDormant(p: Persisted, count: number) {
  const before = memory();
  let half = before;
  const t0 = performance.now();
  let lastReport = t0;
  for (let i = 0; i < count; i++) {
    await p.engine.startInstance({ bpmnProcessId: PROCESS_ID, variables: { i }, startedBy: 'bench' });
    if (i + 1 === Math.floor(count / 2)) half = memory();
    if (performance.now() - lastReport > 10_000) {
      lastReport = performance.now();
      console.log(`    … ${i + 1}/${count} started`);
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  const after = memory();
  const row = await p.db.sequelize.query<{ n: number | string }>(
    "SELECT COUNT(*) AS n FROM tasks WHERE state = 'created' AND element_id = 'u1'",
    { type: QueryTypes.SELECT, plain: true },
  );
  return { count, seconds, before, half, after, waiting: Number(row?.n ?? 0) };
}

async function main(): Promise<void> {
  const dialect = (process.env.DATABASE_URL ?? '').startsWith('mysql') ? 'mysql' : 'sqlite';
  console.log(`bench:engine  model=${PROCESS_ID} (21 elements, 19 run per instance: 10 service + 5 user tasks)  N=${N}  db=${dialect}  node=${process.version}`);

  const a = await benchBare(N);
  console.log(
    `(a) bare bpmn-engine, in memory : ${a.instances} instances in ${fmt(a.seconds, 2)} s → ${fmt(rate(a.instances, a.seconds))} instances/s, ` +
      `${fmt(rate(a.events, a.seconds), 0)} element events/s (${fmt(a.events / a.instances, 0)} per instance)`,
  );

  const p = await openPersisted();
  try {
    const b = await benchPersisted(p, N);
    console.log(
      `(b) embedded runtime, persisted : ${b.instances} instances in ${fmt(b.seconds, 2)} s → ${fmt(rate(b.instances, b.seconds))} instances/s, ` +
        `${fmt(rate(b.events, b.seconds), 0)} element events/s (${fmt(b.events / b.instances, 0)} per instance)  [${dialect}]`,
    );
    const ratio = rate(a.instances, a.seconds) / Math.max(rate(b.instances, b.seconds), 1e-9);
    console.log(`    ratio bare / persisted: ${fmt(ratio, 2)}× instances/s; persisted costs ${fmt((1000 * b.seconds) / b.instances, 1)} ms per instance vs ${fmt((1000 * a.seconds) / a.instances, 1)} ms`);

    const summary: Record<string, unknown> = {
      n: N,
      dialect,
      bare: { instancesPerSec: rate(a.instances, a.seconds), eventsPerSec: rate(a.events, a.seconds) },
      persisted: { instancesPerSec: rate(b.instances, b.seconds), eventsPerSec: rate(b.events, b.seconds) },
      ratio,
    };

    if (DORMANT > 0) {
      console.log(`(c) starting ${DORMANT} instances that stay dormant at user task u1 …`);
      const c = await benchDormant(p, DORMANT);
      const secondHalf = c.count - Math.floor(c.count / 2);
      const line = (label: string, key: 'rss' | 'heapUsed' | 'heapTotal' | 'external') => {
        const total = c.after[key] - c.before[key];
        const late = c.after[key] - c.half[key];
        console.log(
          `    ${label} before ${mb(c.before[key])}  half-way ${mb(c.half[key])}  after ${mb(c.after[key])}  ` +
            `(total ${total >= 0 ? '+' : ''}${mb(total)}; second half ${late >= 0 ? '+' : ''}${mb(late)} = ${fmt(late / secondHalf / 1024, 2)} KB per instance)`,
        );
      };
      console.log(`    started in ${fmt(c.seconds, 1)} s (${fmt(rate(c.count, c.seconds))}/s); ${c.waiting} tasks waiting at u1; hotInstances=${HOT ?? 'engine default'}`);
      line('RSS       ', 'rss');
      line('heap used ', 'heapUsed');
      line('heap total', 'heapTotal');
      line('external  ', 'external');
      summary.dormant = {
        count: c.count,
        hotInstances: HOT ?? null,
        startsPerSec: rate(c.count, c.seconds),
        rss: { before: c.before.rss, half: c.half.rss, after: c.after.rss },
        heapUsed: { before: c.before.heapUsed, half: c.half.heapUsed, after: c.after.heapUsed },
      };
    }
    console.log(`BENCH_JSON ${JSON.stringify(summary)}`);
  } finally {
    await p.drop();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
