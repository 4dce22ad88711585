/**
 * Crash recovery: the engine runs in a child process that is killed with SIGKILL; a new process on the same
 * database must find every instance where it was and drive it to the end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { openDatabase, type Database } from '../../server/db.ts';
import { migrate } from '../../server/migrate.ts';
import { createTestDatabaseUrl } from '../helpers/db.ts';

const child = path.join(path.dirname(fileURLToPath(import.meta.url)), 'crash-child.ts');

interface Running {
  proc: ChildProcess;
  lines: Record<string, unknown>[];
  waitFor(pred: (l: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
}

function run(url: string, mode: string, clockAt: string): Running {
  const proc = spawn(process.execPath, ['--import', 'tsx', child, url, mode, clockAt], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Record<string, unknown>[] = [];
  const waiters: { pred: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }[] = [];
  let buf = '';
  let stderr = '';
  proc.stderr!.on('data', (d) => (stderr += d));
  proc.stdout!.on('data', (d) => {
    buf += d;
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = JSON.parse(buf.slice(0, nl)) as Record<string, unknown>;
      buf = buf.slice(nl + 1);
      lines.push(line);
      for (const w of [...waiters]) if (w.pred(line)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(line); }
    }
  });
  return {
    proc,
    lines,
    waitFor: (pred) => {
      const hit = lines.find(pred);
      if (hit) return Promise.resolve(hit);
      return new Promise((resolve, reject) => {
        waiters.push({ pred, resolve });
        proc.on('exit', (code, sig) => reject(new Error(`child exited (${code ?? sig}) before the expected line: ${stderr.slice(-2000)}`)));
      });
    },
  };
}

function kill(r: Running): Promise<void> {
  return new Promise((resolve) => {
    if (r.proc.exitCode !== null || r.proc.signalCode) return resolve();
    r.proc.on('exit', () => resolve());
    r.proc.kill('SIGKILL');
  });
}

async function count(db: Database, sql: string): Promise<number> {
  const row = (await db.sequelize.query(sql, { plain: true })) as { n: number | string };
  return Number(row.n);
}

describe('crash recovery (SIGKILL)', function () {
  this.timeout(120_000);
  let url: string;
  let drop: () => Promise<void>;
  let db: Database;

  beforeEach(async () => {
    ({ url, drop } = await createTestDatabaseUrl());
    db = await openDatabase(url);
    await migrate(db);
  });
  afterEach(async () => {
    await db.close();
    await drop();
  });

  it('recovers an instance killed while waiting at a user task and again while waiting at a timer', async () => {
    const t0 = '2026-03-02T01:00:00Z';
    const a = run(url, 'start-and-wait', t0);
    const waiting = await a.waitFor((l) => l.event === 'waiting');
    expect(waiting.tasks).to.deep.equal(['sign']);
    await kill(a);

    // 31 days later (the boundary timer is 30 days): a new process fires the overdue timer on start.
    const b = run(url, 'resume-timers', '2026-04-02T02:00:00Z');
    const w2 = await b.waitFor((l) => l.event === 'waiting');
    expect(w2.tasks).to.deep.equal(['escalate']);
    await kill(b);

    const c = run(url, 'complete-all', '2026-04-02T03:00:00Z');
    await c.waitFor((l) => l.event === 'done');
    await kill(c);
    expect(await count(db, "SELECT COUNT(*) AS n FROM engine_instances WHERE state = 'completed'")).to.equal(1);
    expect(await count(db, "SELECT COUNT(*) AS n FROM tasks WHERE state = 'created'")).to.equal(0);
    expect(await count(db, 'SELECT COUNT(*) AS n FROM engine_timers')).to.equal(0);
  });

  it('loses nothing when killed at a random moment of busy work', async () => {
    const churn = run(url, 'churn', '2026-03-02T01:00:00Z');
    await churn.waitFor((l) => l.event === 'started' && Number(l.i) >= 15);
    await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 40)));
    await kill(churn);
    const reported = churn.lines.filter((l) => l.event === 'started').map((l) => l.instanceId as string);

    // Every instance the killed process reported as started is in the database, waiting or done; none half-way.
    const rows = (await db.sequelize.query('SELECT id, state FROM engine_instances', { type: 'SELECT' })) as { id: string; state: string }[];
    const ids = new Set(rows.map((r) => r.id));
    for (const id of reported) expect(ids.has(id), `instance ${id} lost`).to.equal(true);
    const stuck = await count(db, "SELECT COUNT(*) AS n FROM engine_instances i WHERE i.state = 'active' AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.instance_id = i.id AND t.state = 'created')");
    expect(stuck, 'active instances with nothing to wait for').to.equal(0);

    const rec = run(url, 'complete-all', '2026-03-02T02:00:00Z');
    await rec.waitFor((l) => l.event === 'done');
    await kill(rec);
    expect(await count(db, "SELECT COUNT(*) AS n FROM engine_instances WHERE state <> 'completed'")).to.equal(0);
    // Exactly one task per step: no task created twice for one execution.
    expect(await count(db, 'SELECT COUNT(*) AS n FROM (SELECT instance_id, execution_id FROM tasks GROUP BY instance_id, execution_id HAVING COUNT(*) > 1) d')).to.equal(0);
    const completedPerInstance = (await db.sequelize.query("SELECT instance_id, COUNT(*) AS n FROM tasks WHERE state = 'completed' GROUP BY instance_id", { type: 'SELECT' })) as { n: number }[];
    for (const r of completedPerInstance) expect(Number(r.n)).to.be.within(1, 2);
  });
});
