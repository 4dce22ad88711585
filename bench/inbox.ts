/**
 * npm run bench:inbox — latency of the inbox list (`GET /api/tasks`) with BENCH_OPEN open tasks (default 100,000)
 * and BENCH_COMPLETED completed tasks (default 1,000,000) in the database, on a temp SQLite file or a fresh
 * database on the server in DATABASE_URL=mysql://….
 *
 * The data is written with multi-row INSERTs straight into the task projection (`tasks`, `task_candidates`) and
 * `inbox_projects`, the way the engine writes them: open tasks spread over 10 candidate groups (so one group
 * holds ~10,000), 70 % with a due date within ±30 days, completed tasks by 500 users. Then the real app (buildApp,
 * JWT auth, zod, the query, JSON) answers HTTP requests on a local port, one at a time; each case prints p50/p95
 * and their ratio to a baseline measured in the same process, interleaved request by request (so both see the
 * same load on a shared machine): `GET /api/health`, one `SELECT 1` round trip through the same app (and
 * `GET /api/auth/me` for the cost of authentication). Every case is run once untimed first. Goal: p95 < 20 ms for one
 * user's groups. The last line, `BENCH_JSON {…}`, is machine-readable. BENCH_RUNS sets the requests per case
 * (default 300); BENCH_KEEP=1 keeps the database and prints its URL.
 */
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { buildApp } from '../server/app.ts';
import { systemClock } from '../server/clock.ts';
import { loadConfig } from '../server/config.ts';
import { openDatabase, type Database } from '../server/db.ts';
import { createEngine } from '../server/engine/index.ts';
import { migrate } from '../server/migrate.ts';
import { seedDemo } from '../server/seed/demo.ts';
import { defineTaskModels } from '../server/engine/task-projection.ts';
import { listTasks } from '../server/inbox/query.ts';
import { listTasksQuery } from '../server/inbox/schemas.ts';
import { createTestDatabaseUrl } from '../test/helpers/db.ts';

const OPEN = Number(process.env.BENCH_OPEN ?? 100_000);
const COMPLETED = Number(process.env.BENCH_COMPLETED ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 300);
const GROUPS = ['dept_approver', 'finance_section', 'supervisor', 'city_finance', 'agency', 'g_edu', 'g_health', 'g_transport', 'g_water', 'g_culture'];
const USER = 'dept_approver'; // its one role is the group measured
const PASSWORD = 'bench-demo-1234';
const NOW = Date.now();

function sqlDate(db: Database, ms: number | null): string {
  if (ms === null) return 'NULL';
  const iso = new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
  // The formats Sequelize itself writes: SQLite keeps an offset in the text, MySQL a DATETIME(3).
  return db.dialect === 'sqlite' ? `'${iso} +00:00'` : `'${iso}'`;
}

async function insertRows(db: Database, table: string, columns: string[], count: number, row: (i: number) => string[], batch = 1000): Promise<void> {
  const head = `INSERT INTO ${table} (${columns.join(', ')}) VALUES `;
  const perTx = 50_000;
  for (let start = 0; start < count; start += perTx) {
    await db.withTransaction(async (tx) => {
      for (let b = start; b < Math.min(count, start + perTx); b += batch) {
        const values: string[] = [];
        for (let i = b; i < Math.min(count, start + perTx, b + batch); i++) values.push(`(${row(i).join(', ')})`);
        await db.sequelize.query(head + values.join(', '), { transaction: tx });
      }
    });
  }
}

const TASK_COLUMNS = [
  'id', 'instance_id', 'bpmn_process_id', 'process_version', 'business_key', 'element_id', 'execution_id', 'name', 'form_id',
  'candidate_groups', 'candidate_users', 'assignee', 'state', 'priority', 'headers', 'due_at', 'follow_up_at', 'created_at',
  'claimed_at', 'completed_at', 'completed_by',
];
const HEADERS = `'{"legalBasis":"政府采购法实施条例第29条"}'`;

async function generate(db: Database): Promise<void> {
  const t0 = performance.now();
  const dueOf = (i: number) => (i % 10 < 7 ? NOW + ((i * 7919) % (60 * 24)) * 3_600_000 / 24 - 30 * 86_400_000 : null);
  const createdOf = (i: number) => NOW - ((i * 104_729) % (90 * 86_400)) * 1000;
  await insertRows(db, 'tasks', TASK_COLUMNS, OPEN, (i) => {
    const id = `o${i}`;
    const group = GROUPS[i % GROUPS.length]!;
    return [
      `'${id}'`, `'inst-${id}'`, `'procurement'`, '1', 'NULL', `'dept_approval'`, `'exec-${id}'`, `'主管部门审批'`, `'approval-dept'`,
      `'${group}'`, 'NULL', 'NULL', `'created'`, String(i % 100), HEADERS, sqlDate(db, dueOf(i)), 'NULL', sqlDate(db, createdOf(i)),
      'NULL', 'NULL', 'NULL',
    ];
  });
  await insertRows(db, 'task_candidates', ['task_id', 'kind', 'value', 'due_at', 'created_at'], OPEN, (i) => [
    `'o${i}'`, `'group'`, `'${GROUPS[i % GROUPS.length]}'`, sqlDate(db, dueOf(i)), sqlDate(db, createdOf(i)),
  ]);
  await insertRows(db, 'inbox_projects', ['instance_id', 'project_number', 'project_name', 'updated_at'], OPEN, (i) => [
    `'inst-o${i}'`, `'FCZC-2026-${String(i).padStart(6, '0')}'`, `'涪城区第${i}号办公设备采购项目'`, sqlDate(db, NOW),
  ]);
  console.log(`  ${OPEN.toLocaleString()} open tasks (+ candidates, projects) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const t1 = performance.now();
  await insertRows(db, 'tasks', TASK_COLUMNS, COMPLETED, (i) => {
    const id = `c${i}`;
    const user = i % 500 === 0 ? USER : `user${i % 500}`;
    const done = NOW - ((i * 7) % (365 * 86_400)) * 1000;
    return [
      `'${id}'`, `'inst-${id}'`, `'procurement'`, '1', 'NULL', `'dept_approval'`, `'exec-${id}'`, `'主管部门审批'`, `'approval-dept'`,
      `'${GROUPS[i % GROUPS.length]}'`, 'NULL', `'${user}'`, `'completed'`, '50', HEADERS, 'NULL', 'NULL', sqlDate(db, done - 86_400_000),
      sqlDate(db, done - 3_600_000), sqlDate(db, done), `'${user}'`,
    ];
  });
  console.log(`  ${COMPLETED.toLocaleString()} completed tasks in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
  if (db.dialect === 'mysql') await db.sequelize.query('ANALYZE TABLE tasks, task_candidates, inbox_projects');
  else await db.sequelize.query('ANALYZE');
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function timed(url: string, headers: Record<string, string>): Promise<{ ms: number; body: unknown }> {
  const t = performance.now();
  const res = await fetch(url, { headers });
  const body = await res.json();
  const ms = performance.now() - t;
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${JSON.stringify(body)}`);
  return { ms, body };
}

interface Measured {
  p50: number;
  p95: number;
  /** The SELECT 1 baseline, measured interleaved with this case (same load on a shared machine). */
  baseP50: number;
  baseP95: number;
  body: unknown;
}

/** `runs` requests of the case, each followed by one baseline request, after `warmup` of each. */
async function measure(url: string, token: string | null, baseline: string, runs: number, warmup = 30): Promise<Measured> {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  let body: unknown = null;
  for (let i = 0; i < warmup; i++) {
    body = (await timed(url, headers)).body;
    await timed(baseline, {});
  }
  const times: number[] = [];
  const base: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await timed(url, headers);
    body = r.body;
    times.push(r.ms);
    base.push((await timed(baseline, {})).ms);
  }
  times.sort((a, b) => a - b);
  base.sort((a, b) => a - b);
  return { p50: pct(times, 50), p95: pct(times, 95), baseP50: pct(base, 50), baseP95: pct(base, 95), body };
}

async function main(): Promise<void> {
  const { url: dbUrl, drop } = await createTestDatabaseUrl();
  const db = await openDatabase(dbUrl);
  console.log(`bench:inbox on ${db.dialect} (${OPEN.toLocaleString()} open, ${COMPLETED.toLocaleString()} completed tasks; ${RUNS} requests per case)`);
  try {
    await migrate(db);
    await seedDemo(db, { password: PASSWORD });
    await generate(db);
    const config = loadConfig({ JWT_SECRET: 'bench-secret-0123456789-abcdefghijklmnop', DEMO_PASSWORD: PASSWORD, LOG_LEVEL: 'silent', DATABASE_URL: dbUrl });
    const engine = createEngine({ db, clock: systemClock, formsDir: config.formsDir });
    const app = buildApp({ config, db, engine, clock: systemClock });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: USER, password: PASSWORD }) });
    const token = ((await login.json()) as { token: string }).token;

    const health = `${base}/api/health`;
    const me = await measure(`${base}/api/auth/me`, token, health, RUNS);
    console.log(`  baseline GET /api/health (SELECT 1 through the app): p50 ${me.baseP50.toFixed(2)} ms, p95 ${me.baseP95.toFixed(2)} ms`);
    console.log(`  GET /api/auth/me (JWT + user, for the cost of auth):  p50 ${me.p50.toFixed(2)} ms, p95 ${me.p95.toFixed(2)} ms`);
    // Settle: the first queries after a bulk load pay for background flushing; one untimed pass over every case.
    const first = await measure(`${base}/api/tasks?scope=groups`, token, health, 1, 0);
    const cursor = (first.body as { nextCursor: string }).nextCursor;
    const cases: [string, string][] = [
      ['groups, default sort (due asc), page 1', '/api/tasks?scope=groups'],
      ['all (groups + assigned), page 1', '/api/tasks?scope=all'],
      ['groups, sort=created desc', '/api/tasks?scope=groups&sort=created&order=desc'],
      ['groups, next page by cursor', `/api/tasks?scope=groups&after=${encodeURIComponent(cursor)}`],
      ['groups, page 50 by offset', '/api/tasks?scope=groups&page=50'],
      ['groups, dueState=overdue', '/api/tasks?scope=groups&dueState=overdue'],
      ['groups, sort=priority', '/api/tasks?scope=groups&sort=priority'],
      ['groups, text search q=项目编号 fragment', `/api/tasks?scope=groups&q=${encodeURIComponent('2026-00999')}`],
      ['groups, project=FCZC-2026-000990', '/api/tasks?scope=groups&project=FCZC-2026-000990'],
      ['completed by me (of 1M completed)', '/api/tasks?scope=completed'],
    ];
    for (const [, path] of cases) await measure(base + path, token, health, 0, 30);
    const results: Record<string, { p50: number; p95: number; baseP50: number; baseP95: number; total: number }> = {};
    for (const [name, path] of cases) {
      const r = await measure(base + path, token, health, RUNS);
      const b = r.body as { total: number; totalCapped: boolean; items: unknown[] };
      results[name] = { p50: r.p50, p95: r.p95, baseP50: r.baseP50, baseP95: r.baseP95, total: b.total };
      console.log(
        `  ${name.padEnd(42)} p50 ${r.p50.toFixed(2).padStart(6)} ms  p95 ${r.p95.toFixed(2).padStart(6)} ms  ` +
          `(SELECT 1 alongside: p50 ${r.baseP50.toFixed(2)}, p95 ${r.baseP95.toFixed(2)}; ×${(r.p50 / r.baseP50).toFixed(1)} at p50; ` +
          `${b.items.length} items, total ${b.total}${b.totalCapped ? '+' : ''})`,
      );
    }
    // The query alone (no HTTP, no auth), in process: what the database part of the main case costs.
    const { Task } = defineTaskModels(db.sequelize);
    const caller = { id: 0, username: USER, displayName: USER, roles: [USER], organisation: null } as unknown as Parameters<typeof listTasks>[1];
    const q = listTasksQuery.parse({ scope: 'groups' });
    const alone: number[] = [];
    for (let i = 0; i < RUNS + 30; i++) {
      const t = performance.now();
      await listTasks(Task, caller, q, { now: new Date(), dueSoonMs: 48 * 3_600_000 });
      if (i >= 30) alone.push(performance.now() - t);
    }
    alone.sort((a, b) => a - b);
    console.log(`  query alone (listTasks in process, groups page 1)    p50 ${pct(alone, 50).toFixed(2).padStart(6)} ms  p95 ${pct(alone, 95).toFixed(2).padStart(6)} ms`);
    const goal = results['groups, default sort (due asc), page 1']!;
    console.log(`  goal p95 < 20 ms for one user's groups: ${goal.p95 < 20 ? 'met' : `missed by ${(goal.p95 - 20).toFixed(1)} ms`} (p95 ${goal.p95.toFixed(2)} ms)`);
    console.log('BENCH_JSON ' + JSON.stringify({ dialect: db.dialect, open: OPEN, completed: COMPLETED, runs: RUNS, authMe: { p50: me.p50, p95: me.p95 }, results }));
    await new Promise((r) => server.close(r));
    await engine.stop();
  } finally {
    await db.close();
    // BENCH_KEEP=1 keeps the database for EXPLAIN and the like.
    if (process.env.BENCH_KEEP === '1') console.log(`kept ${dbUrl}`);
    else await drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
