/**
 * npm run bench:load — the whole system (server/system.ts, embedded engine, a temp SQLite file) under N concurrent
 * simulated users over HTTP, next to a trivial Express route on the same machine in the same run.
 *
 * 1. Setup: BENCH_TASKS procurement applications (default 400) are filed through the API: each waits at 主管部门审批.
 * 2. Approvals: autocannon with BENCH_USERS connections (default 10) completes them as `dept_approver`
 *    (`POST /api/tasks/:id/complete`, each request a different task): completions per second and p95 latency.
 * 3. Baseline: the same autocannon settings against `GET /trivial` (an Express app that answers `{ok:true}`) for
 *    as long: requests per second and p95; the ratio approvals / trivial.
 * 4. Chains: BENCH_USERS users each file applications and take them through the three approvals
 *    (填报 → 主管部门 → 财政采购股 → 监督) for BENCH_CHAIN_SECONDS (default 30): chains completed per minute.
 * Goals (printed, not gated): no errors, p95 < 50 ms, approvals ≥ 30 % of the trivial route's throughput.
 * The last line, `BENCH_JSON {…}`, is machine-readable; the load average is printed with it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import express from 'express';
import autocannon from 'autocannon';
import { loadConfig } from '../server/config.ts';
import { startSystem } from '../server/system.ts';
import { applicationVariables } from '../test/helpers/application.ts';

// Measure what `npm start` runs: server/main.ts turns source maps off (Sequelize reads a stack on every query).
process.setSourceMapsEnabled(false);

const TASKS = Number(process.env.BENCH_TASKS ?? 400);
const USERS = Number(process.env.BENCH_USERS ?? 10);
const CHAIN_SECONDS = Number(process.env.BENCH_CHAIN_SECONDS ?? 30);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-load-'));
const config = loadConfig({
  DATABASE_URL: `sqlite:${path.join(dir, 'load.sqlite')}`,
  PORT: '0',
  HOST: '127.0.0.1',
  JWT_SECRET: 'bench-load-secret-0123456789-abcdefghijkl',
  LOG_LEVEL: 'silent',
  SEED_DEMO_CHAIN: 'false',
  BID_SEAL_KEY_FILE: path.join(dir, 'bid-seal.key'),
});
// The shared application data is dated for March 2026 (delivery dates, deadlines): time runs from there.
const epoch = Date.now();
const sys = await startSystem(config, { clock: { now: () => new Date(Date.parse('2026-03-02T01:00:00Z') + Date.now() - epoch) } });
const url = sys.url.replace('localhost', '127.0.0.1');

const tokens = new Map<string, string>();
async function call(method: string, p: string, user: string | null, body?: unknown): Promise<any> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (user) headers.authorization = `Bearer ${await token(user)}`;
  const res = await fetch(url + p, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = await res.json();
  if (res.status >= 300) throw new Error(`${method} ${p} as ${user}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}
async function token(user: string): Promise<string> {
  if (!tokens.has(user)) tokens.set(user, (await call('POST', '/api/auth/login', null, { username: user, password: 'demo1234' })).token);
  return tokens.get(user)!;
}
async function taskOf(user: string, key: string, elementId: string): Promise<string> {
  const page = await call('GET', `/api/tasks?scope=all&pageSize=10&businessKey=${key}&elementId=${elementId}`, user);
  const t = (page.items as { id: string }[])[0];
  if (!t) throw new Error(`${user} sees no ${elementId} of ${key}`);
  return t.id;
}
const approve = { decision: 'approve', comment: '同意。' };
let filed = 0;
/** Files one application (start + 填报采购申请); returns its business key, waiting at 主管部门审批. */
async function fileOne(): Promise<string> {
  const key = `LOAD-${++filed}`;
  await call('POST', '/api/processes/procurement/instances', 'purchaser', { businessKey: key });
  const id = await taskOf('purchaser', key, 'fill_application');
  const detail = await call('GET', `/api/tasks/${id}`, 'purchaser');
  const agency = (detail.variables.agencyOptions as { label: string; value: number }[])[0]!;
  await call('POST', `/api/tasks/${id}/complete`, 'purchaser', { variables: applicationVariables(agency.value) });
  return key;
}
async function pool<T>(n: number, items: T[], f: (x: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (i < items.length) await f(items[i++]!);
  }));
}
function p95(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.95))] ?? NaN;
}
interface Run { requests: number; seconds: number; perSecond: number; p50: number; p95: number; errors: number; non2xx: number }
async function cannon(opts: Record<string, unknown>): Promise<Run> {
  const times: number[] = [];
  const inst = autocannon({ ...opts, connections: USERS });
  inst.on('response', (_c: unknown, _s: number, _b: number, ms: number) => times.push(ms));
  const r = await inst;
  const seconds = r.duration;
  return { requests: times.length, seconds, perSecond: times.length / seconds, p50: [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)] ?? NaN, p95: p95(times), errors: r.errors + r.timeouts, non2xx: r.non2xx };
}

const t0 = Date.now();
const keys: string[] = [];
await pool(USERS, Array.from({ length: TASKS }), async () => void keys.push(await fileOne()));
const taskIds: string[] = [];
const approverToken = await token('dept_approver');
await pool(USERS, keys, async (k) => void taskIds.push(await taskOf('dept_approver', k, 'dept_approval')));
console.log(`setup: ${TASKS} applications filed in ${((Date.now() - t0) / 1000).toFixed(1)} s; ${USERS} users`);

// 2. Approvals: each request completes another task.
let next = 0;
const approvals = await cannon({
  url,
  amount: taskIds.length,
  requests: [{
    method: 'POST',
    setupRequest: (req: any) => ({ ...req, path: `/api/tasks/${taskIds[next++ % taskIds.length]}/complete`, headers: { 'content-type': 'application/json', authorization: `Bearer ${approverToken}` }, body: JSON.stringify({ variables: approve }) }),
  }],
});

// 3. Trivial Express route, same connections, for as long.
const trivialApp = express();
trivialApp.get('/trivial', (_req, res) => void res.json({ ok: true }));
const trivialServer = trivialApp.listen(0, '127.0.0.1');
await new Promise((r) => trivialServer.once('listening', r));
const trivial = await cannon({ url: `http://127.0.0.1:${(trivialServer.address() as AddressInfo).port}/trivial`, duration: Math.max(3, Math.round(approvals.seconds)) });
trivialServer.close();

// 4. Approval chains per minute: USERS users, each filing and approving through the three stages.
let chains = 0;
let chainErrors = 0;
const until = Date.now() + CHAIN_SECONDS * 1000;
await Promise.all(Array.from({ length: USERS }, async () => {
  while (Date.now() < until) {
    try {
      const key = await fileOne();
      for (const [user, el] of [['dept_approver', 'dept_approval'], ['finance_section', 'finance_approval'], ['supervisor', 'supervisor_approval']] as const) {
        await call('POST', `/api/tasks/${await taskOf(user, key, el)}/complete`, user, { variables: approve });
      }
      chains++;
    } catch (e) {
      chainErrors++;
      if (chainErrors < 3) console.error((e as Error).message);
    }
  }
}));
const chainsPerMinute = (chains * 60) / CHAIN_SECONDS;
const ratio = approvals.perSecond / trivial.perSecond;
const load = os.loadavg().map((x) => x.toFixed(2)).join(' ');
const f = (r: Run) => `${r.requests} req in ${r.seconds.toFixed(1)} s = ${r.perSecond.toFixed(1)}/s, p50 ${r.p50.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms, errors ${r.errors}, non-2xx ${r.non2xx}`;
console.log(`approvals (POST /api/tasks/:id/complete): ${f(approvals)}`);
console.log(`trivial Express route (GET /trivial):     ${f(trivial)}`);
console.log(`ratio approvals / trivial: ${(ratio * 100).toFixed(1)} %`);
console.log(`approval chains (填报 + 3 approvals, ${USERS} users, ${CHAIN_SECONDS} s): ${chains} = ${chainsPerMinute.toFixed(1)} per minute, errors ${chainErrors}`);
console.log(`load average (1/5/15 min): ${load}; ${os.cpus().length} CPUs`);
const goal = (ok: boolean, text: string) => console.log(`${ok ? 'MET ' : 'MISS'} ${text}`);
goal(approvals.errors + approvals.non2xx + chainErrors === 0, 'no errors');
goal(approvals.p95 < 50, `approval p95 < 50 ms (${approvals.p95.toFixed(1)} ms)`);
goal(ratio >= 0.3, `approvals ≥ 30 % of the trivial route's throughput (${(ratio * 100).toFixed(1)} %)`);
console.log(`BENCH_JSON ${JSON.stringify({ users: USERS, tasks: TASKS, approvals, trivial, ratio, chains, chainsPerMinute, chainErrors, loadavg: os.loadavg(), cpus: os.cpus().length })}`);
await sys.stop();
fs.rmSync(dir, { recursive: true, force: true });
