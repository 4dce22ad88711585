/**
 * A restored backup resumes every instance (docs/operations.md): chains run halfway on database A (the system in a
 * child process, test/faults/server-child.ts), an online backup is taken (SQLite: better-sqlite3's backup API;
 * MariaDB: mariadb-dump --single-transaction), A goes on (the finance approvals), then the backup is restored into a
 * fresh database B and the system started on it with the same bid-seal key: every instance stands where it stood at
 * the backup (finance approval open again), and each completes from there (approvals, tender published by workers,
 * a sealed bid, the deadline timer opens the bids → 废标 → terminated).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite from 'better-sqlite3';
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { openDatabase } from '../../server/db.ts';
import { createTestDatabaseUrl } from '../helpers/db.ts';
import { application } from '../chain/fixtures.ts';
import { bidBody, tenderSettings } from '../chain/steps.ts';
import { approve } from '../chain/driver.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const START = Date.parse('2026-03-02T01:00:00Z');
const CHAINS = 3;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

describe('faults: a restored backup resumes every instance from the backup point', function () {
  this.timeout(6 * 60_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backup-'));
  const offsetFile = path.join(dir, 'clock-offset');
  const sealKey = crypto.randomBytes(32).toString('base64');
  const drops: (() => Promise<void>)[] = [];
  let child: ChildProcess | null = null;
  let url = '';
  const tokens = new Map<string, string>();
  const setOffset = (ms: number) => fs.writeFileSync(offsetFile, String(ms));

  async function startOn(dbUrl: string) {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    tokens.clear();
    const c = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'server-child.ts'), dbUrl, String(port), offsetFile, sealKey], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    c.stderr!.on('data', (d) => (err = (err + d).slice(-4000)));
    await new Promise<void>((resolve, reject) => {
      let out = '';
      c.stdout!.on('data', (d) => ((out += d), out.includes('"ready"') && resolve()));
      c.once('exit', (code) => reject(new Error(`server exited (${code}): ${err}`)));
    });
    child = c;
  }
  async function stop() {
    const c = child!;
    child = null;
    const gone = new Promise((r) => c.once('exit', r));
    c.kill('SIGKILL');
    await gone;
  }
  async function call(method: string, p: string, user: string | null, body?: unknown): Promise<any> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (user) {
      if (!tokens.has(user)) tokens.set(user, (await call('POST', '/api/auth/login', null, { username: user, password: 'demo1234' })).token);
      headers.authorization = `Bearer ${tokens.get(user)}`;
    }
    const res = await fetch(url + p, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const json = await res.json();
    if (res.status >= 300) throw new Error(`${method} ${p} as ${user}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  }
  async function openTasks(user: string, key: string, elementId: string): Promise<string[]> {
    const page = await call('GET', `/api/tasks?scope=all&pageSize=10&businessKey=${key}&elementId=${elementId}`, user);
    return (page.items as { id: string }[]).map((t) => t.id);
  }
  async function complete(user: string, key: string, elementId: string, variables: Record<string, unknown> | ((d: any) => Record<string, unknown>)) {
    let ids: string[] = [];
    for (let i = 0; i < 100 && ids.length === 0; i++) {
      ids = await openTasks(user, key, elementId);
      if (!ids.length) await sleep(200);
    }
    expect(ids, `${key}: one open ${elementId}`).to.have.length(1);
    const vars = typeof variables === 'function' ? variables(await call('GET', `/api/tasks/${ids[0]}`, user)) : variables;
    await call('POST', `/api/tasks/${ids[0]}/complete`, user, { variables: vars });
  }
  const keys = Array.from({ length: CHAINS }, (_, i) => `BACKUP-${i + 1}`);

  after(async () => {
    if (child) await stop();
    for (const d of drops) await d();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('backs up halfway, goes on, restores into a fresh database: the instances resume from the backup and complete', async () => {
    setOffset(0);
    const a = await createTestDatabaseUrl();
    drops.push(a.drop);
    await startOn(a.url);
    for (const key of keys) {
      await call('POST', '/api/processes/procurement/instances', 'purchaser', { businessKey: key });
      await complete('purchaser', key, 'fill_application', (d) => ({ ...application(), agencyId: (d.variables.agencyOptions as { value: number }[])[0]!.value }));
      await complete('dept_approver', key, 'dept_approval', approve('同意。'));
    }
    // Online backup while the server runs.
    const backup = path.join(dir, a.url.startsWith('mysql') ? 'backup.sql' : 'backup.sqlite');
    if (a.url.startsWith('mysql')) {
      const u = new URL(a.url);
      const dump = execFileSync('mariadb-dump', ['--single-transaction', `-h${u.hostname}`, `-P${u.port || 3306}`, `-u${decodeURIComponent(u.username)}`, u.pathname.slice(1)], { maxBuffer: 1 << 30 });
      fs.writeFileSync(backup, dump);
    } else {
      const src = new BetterSqlite(a.url.slice('sqlite:'.length), { readonly: true });
      await src.backup(backup);
      src.close();
    }
    // A goes on after the backup.
    for (const key of keys) await complete('finance_section', key, 'finance_approval', approve('同意。'));
    for (const key of keys) expect(await openTasks('supervisor', key, 'supervisor_approval')).to.have.length(1);
    await stop();

    // Restore into a fresh database B and start the system there.
    const b = await createTestDatabaseUrl();
    drops.push(b.drop);
    if (b.url.startsWith('mysql')) {
      const u = new URL(b.url);
      execFileSync('mariadb', [`-h${u.hostname}`, `-P${u.port || 3306}`, `-u${decodeURIComponent(u.username)}`, u.pathname.slice(1)], { input: fs.readFileSync(backup) });
    } else {
      fs.copyFileSync(backup, b.url.slice('sqlite:'.length));
    }
    await startOn(b.url);
    for (const key of keys) {
      // The backup point: finance approval open again, the supervisor's not yet.
      expect(await openTasks('finance_section', key, 'finance_approval'), key).to.have.length(1);
      expect(await openTasks('supervisor', key, 'supervisor_approval'), key).to.have.length(0);
      await complete('finance_section', key, 'finance_approval', approve('同意。'));
      await complete('supervisor', key, 'supervisor_approval', approve('同意。'));
      await complete('agency', key, 'prepare_tender', tenderSettings());
    }
    setOffset(86_400_000);
    const db = await openDatabase(b.url);
    try {
      const q = <T extends object>(sql: string, replacements: unknown[] = []) => db.sequelize.query<T>(sql, { replacements, type: QueryTypes.SELECT });
      for (const key of keys) {
        let tenderId: number | undefined;
        for (let i = 0; i < 100 && tenderId === undefined; i++) {
          const [row] = await q<{ id: string }>('SELECT id FROM engine_instances WHERE business_key = ?', [key]);
          tenderId = (await call('GET', `/api/instances/${row!.id}`, 'auditor')).variables?.tenderId;
          if (tenderId === undefined) await sleep(200);
        }
        await call('POST', `/api/tenders/${tenderId}/bids`, 'supplier', bidBody({ priceYuan: 200_000 }));
      }
      setOffset(Date.parse('2026-03-24T01:31:00Z') - START);
      for (const key of keys) await complete('purchaser', key, 'decide_after_failure', { nextAction: 'terminate', decisionReason: '投标人不足三家，终止采购。' });
      let states: { state: string }[] = [];
      for (let i = 0; i < 100; i++) {
        states = await q<{ state: string }>("SELECT state FROM engine_instances WHERE business_key LIKE 'BACKUP-%'");
        if (states.every((s) => s.state === 'completed')) break;
        await sleep(200);
      }
      expect(states.map((s) => s.state)).to.deep.equal(keys.map(() => 'completed'));
      const twice = await q("SELECT instance_id, element_id FROM tasks WHERE state = 'completed' GROUP BY instance_id, element_id HAVING COUNT(*) > 1");
      expect(twice).to.deep.equal([]);
    } finally {
      await db.close();
    }
  });
});
