/**
 * The outbox (issue 8): releases published in a business transaction are pushed to a local HTTP receiver on a random
 * port that fails the first pushes (a 500, then a timeout, then a reset connection). Asserted: eventual delivery of
 * every release, exactly once per idempotency key at the receiver (which deduplicates by key, as the city platform
 * must), in publication order; a crash between the acknowledgement and the mark resends the SAME key; nothing is lost
 * over a restart of the poller; a rolled-back business transaction queues nothing. SQLite and MariaDB.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { ConfigError, loadConfig } from '../../server/config.ts';
import { OutboxPoller, outboxRows, startOutbox } from '../../server/exchange/outbox.ts';
import { publishReleases, releasesSince } from '../../server/exchange/releases.ts';
import { ManualClock } from '../../server/clock.ts';
import { startSystem } from '../../server/system.ts';
import { createTestDatabaseUrl, testDatabase, type TestDatabase } from '../helpers/db.ts';
import { validateReleasePackage } from './ocds-schemas.ts';

type Behaviour = 'ok' | '500' | 'hang' | 'reset';

/** The city platform double: answers per the script, then 200; keeps the first body per Idempotency-Key. */
class Receiver {
  server!: http.Server;
  url = '';
  script: Behaviour[] = [];
  /** every push as it arrived (key, what the receiver did) */
  attempts: { key: string; did: Behaviour; auth: string | undefined }[] = [];
  /** deduplicated by key, in the order first accepted */
  accepted = new Map<string, Record<string, unknown>>();
  duplicates = 0;
  private hanging: http.ServerResponse[] = [];

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const key = String(req.headers['idempotency-key'] ?? '');
        const did = this.script.shift() ?? 'ok';
        this.attempts.push({ key, did, auth: req.headers.authorization });
        if (did === '500') return void res.writeHead(500).end('boom');
        if (did === 'hang') return void this.hanging.push(res);
        if (did === 'reset') return void req.socket.destroy();
        // A key seen before is acknowledged again (200) and not stored twice.
        const seen = this.accepted.has(key);
        if (seen) this.duplicates++;
        else this.accepted.set(key, JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
        res.writeHead(seen ? 200 : 201, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/ocds/releases`;
  }

  async stop(): Promise<void> {
    for (const r of this.hanging) r.socket?.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

let projectNo = 0;

/** A procurement past its approvals: its project row, and its planning release published in one transaction. */
async function approvedProcurement(tdb: TestDatabase, at = new Date('2026-03-02T01:00:00Z')): Promise<string> {
  let id = '';
  projectNo++;
  const instanceId = `outbox-test-${projectNo}`;
  const number = `FCZC-2026-${String(projectNo).padStart(4, '0')}`;
  await tdb.db.withTransaction(async (tx) => {
    await tdb.db.sequelize.query(
      "INSERT INTO projects (instance_id, project_number, name, purchaser_name, initiator, method, budget_fen, status, created_at, updated_at) VALUES (:instanceId, :number, :name, '涪城区教育局', 'purchaser', '公开招标', :budget, 'tendering', :at, :at)",
      { replacements: { instanceId, number, name: `测试项目 ${projectNo}`, budget: 123_456_789 + projectNo, at }, transaction: tx },
    );
    const release = await publishReleases(tx, instanceId, at);
    expect(release, 'planning release').to.not.equal(null);
    id = String(release!.id);
  });
  expect(id).to.match(new RegExp(`^ocds-xxxxxx-${number}-0001-[0-9a-f]{8}$`));
  return id;
}

async function until(label: string, probe: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${label}`);
}

describe('OCDS outbox: pushes to the city platform, retried until acknowledged, never lost nor duplicated', function () {
  this.timeout(60_000);
  let tdb: TestDatabase;
  let rx: Receiver;
  const pollers: OutboxPoller[] = [];
  const poller = (over: Partial<ConstructorParameters<typeof OutboxPoller>[0]> = {}) => {
    const p = new OutboxPoller({ db: tdb.db, url: rx.url, token: 'city-token-0123456789', pollMs: 20, timeoutMs: 300, maxBackoffMs: 100, ...over });
    pollers.push(p);
    return p;
  };
  const delivered = async () => (await outboxRows(tdb.db)).every((r) => r.state === 'delivered');

  beforeEach(async () => {
    tdb = await testDatabase();
    rx = new Receiver();
    await rx.start();
  });
  afterEach(async () => {
    for (const p of pollers.splice(0)) await p.stop();
    await rx.stop();
    await tdb.drop();
  });

  it('a receiver failing the first pushes (500, timeout, reset): every release arrives exactly once per key, in publication order', async () => {
    const keys: string[] = [];
    for (let i = 0; i < 5; i++) keys.push(await approvedProcurement(tdb));
    rx.script = ['500', 'hang', 'reset'];
    poller().start();
    await until('all delivered', delivered);

    expect([...rx.accepted.keys()], 'order').to.deep.equal(keys);
    expect(rx.duplicates).to.equal(0);
    // The failures all hit the head of the queue and were retried with the same key; nothing behind it overtook it.
    expect(rx.attempts.slice(0, 4).map((a) => [a.key, a.did])).to.deep.equal([[keys[0], '500'], [keys[0], 'hang'], [keys[0], 'reset'], [keys[0], 'ok']]);
    expect(rx.attempts.map((a) => a.key)).to.deep.equal([keys[0], keys[0], keys[0], ...keys]);
    expect(rx.attempts.every((a) => a.auth === 'Bearer city-token-0123456789')).to.equal(true);
    const rows = await outboxRows(tdb.db);
    expect(rows.map((r) => [r.key, r.state, r.attempts])).to.deep.equal(keys.map((k, i) => [k, 'delivered', i === 0 ? 4 : 1]));
    // Each push is a valid OCDS release package carrying that one release, whose id is the key.
    for (const [key, body] of rx.accepted) {
      expect(validateReleasePackage(body).errors, key).to.deep.equal([]);
      expect((body.releases as { id: string }[]).map((r) => r.id)).to.deep.equal([key]);
    }
    const planning = (rx.accepted.get(keys[0]!)!.releases as { planning: { budget: { amount: { amount: number } } } }[])[0]!;
    expect(planning.planning.budget.amount.amount).to.equal(1_234_567.9); // 123,456,790 fen, exact
  });

  it('a crash after the acknowledgement and before the mark resends the SAME key; the receiver keeps one', async () => {
    const key = await approvedProcurement(tdb);
    let crashes = 0;
    const p = poller({
      afterAck: () => {
        if (crashes++ === 0) throw new Error('process died before marking the row');
      },
    });
    let thrown: Error | null = null;
    await p.deliverDue().catch((err: Error) => (thrown = err));
    expect(thrown, 'the crash').to.not.equal(null);
    expect((await outboxRows(tdb.db))[0]!.state).to.equal('pending');
    expect(await p.deliverDue()).to.equal(1);
    expect(rx.attempts.map((a) => a.key)).to.deep.equal([key, key]);
    expect([...rx.accepted.keys()]).to.deep.equal([key]);
    expect(rx.duplicates).to.equal(1);
    expect((await outboxRows(tdb.db)).map((r) => [r.key, r.state])).to.deep.equal([[key, 'delivered']]);
  });

  it('nothing is lost over a restart of the poller: pending rows survive, the new poller delivers them in order', async () => {
    const keys = [await approvedProcurement(tdb), await approvedProcurement(tdb)];
    rx.script = Array(1000).fill('500');
    const first = poller();
    first.start();
    await until('some failed attempts', async () => rx.attempts.length >= 2);
    await first.stop();
    const failed = await outboxRows(tdb.db);
    expect(failed.every((r) => r.state === 'pending')).to.equal(true);
    expect(failed[0]!.attempts).to.be.at.least(2);
    expect(failed[0]!.lastError).to.equal('HTTP 500');
    // More releases while it is down; the platform recovers; a new poller (as after a restart) takes over.
    keys.push(await approvedProcurement(tdb));
    rx.script = [];
    poller().start();
    await until('all delivered', delivered);
    expect([...rx.accepted.keys()]).to.deep.equal(keys);
    expect(rx.duplicates).to.equal(0);
    expect(new Set(rx.attempts.filter((a) => a.did === 'ok').map((a) => a.key)).size).to.equal(rx.attempts.filter((a) => a.did === 'ok').length);
  });

  it('a release and its outbox row commit with the business transaction or not at all; publishing again without a change adds nothing', async () => {
    const count = async (table: string) => Number((await tdb.db.sequelize.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`, { type: QueryTypes.SELECT }))[0]!.n);
    await tdb.db
      .withTransaction(async (tx) => {
        await tdb.db.sequelize.query(
          "INSERT INTO projects (instance_id, project_number, name, initiator, status, created_at, updated_at) VALUES ('rolled-back', 'FCZC-2026-9999', '回滚项目', 'purchaser', 'tendering', :at, :at)",
          { replacements: { at: new Date() }, transaction: tx },
        );
        expect(await publishReleases(tx, 'rolled-back', new Date())).to.not.equal(null);
        throw new Error('the business change fails');
      })
      .catch(() => undefined);
    expect([await count('ocds_releases'), await count('ocds_outbox')]).to.deep.equal([0, 0]);
    await approvedProcurement(tdb);
    const again = await tdb.db.withTransaction((tx) => publishReleases(tx, `outbox-test-${projectNo}`, new Date()));
    expect(again).to.equal(null);
    expect([await count('ocds_releases'), await count('ocds_outbox')]).to.deep.equal([1, 1]);
  });

  it('without CITY_PLATFORM_URL nothing is pushed (rows wait); with it the system starts the poller', async () => {
    expect(startOutbox(tdb.db, { cityPlatformUrl: null, cityPlatformToken: null, outboxPollMs: 20 })).to.equal(null);
    const key = await approvedProcurement(tdb);
    const p = startOutbox(tdb.db, { cityPlatformUrl: rx.url, cityPlatformToken: null, outboxPollMs: 20 })!;
    pollers.push(p);
    await until('delivered', delivered);
    expect([...rx.accepted.keys()]).to.deep.equal([key]);
    expect(rx.attempts[0]!.auth).to.equal(undefined);
  });

  it('configuration: defaults, and a bad prefix, URL or interval stops the start naming the variable', () => {
    const env = { JWT_SECRET: 'x'.repeat(32) };
    expect(loadConfig(env).exchange).to.deep.equal({ ocidPrefix: 'ocds-xxxxxx-', cityPlatformUrl: null, cityPlatformToken: null, outboxPollMs: 5000 });
    for (const [variable, value] of [['OCDS_OCID_PREFIX', 'ocds-ab-'], ['CITY_PLATFORM_URL', 'ftp://city.example'], ['OUTBOX_POLL_MS', '0']]) {
      let problem: ConfigError | null = null;
      try {
        loadConfig({ ...env, [variable!]: value });
      } catch (err) {
        problem = err as ConfigError;
      }
      expect(problem, variable).to.be.instanceOf(ConfigError);
      expect(problem!.problems.map((p) => p.variable)).to.deep.equal([variable]);
    }
  });

  it('the started system (server/system.ts) pushes the demo chain\'s releases with the token and stops its poller on close', async function () {
    this.timeout(120_000);
    const { url, drop } = await createTestDatabaseUrl();
    const config = loadConfig({
      DATABASE_URL: url, PORT: '0', HOST: '127.0.0.1', JWT_SECRET: 'outbox-system-secret-0123456789-abcdef', LOG_LEVEL: 'silent',
      SEED_DEMO: 'true', SEED_DEMO_CHAIN: 'true', OCDS_OCID_PREFIX: 'ocds-fc0001-',
      CITY_PLATFORM_URL: rx.url, CITY_PLATFORM_TOKEN: 'city-token-0123456789', OUTBOX_POLL_MS: '20',
    });
    const sys = await startSystem(config, { clock: new ManualClock('2026-03-02T01:00:00Z') });
    try {
      // The demo's open tender (FCZC-2026-0002) is approved and published: its planning and tender releases.
      await until('the demo releases pushed', async () => rx.accepted.size >= 2);
      const releases = [...rx.accepted.values()].map((b) => (b.releases as { ocid: string; tag: string[] }[])[0]!);
      expect(releases.map((r) => [r.ocid, r.tag.join()])).to.deep.equal([['ocds-fc0001-FCZC-2026-0002', 'planning'], ['ocds-fc0001-FCZC-2026-0002', 'tender']]);
      expect(rx.attempts.every((a) => a.auth === 'Bearer city-token-0123456789')).to.equal(true);
    } finally {
      await sys.stop();
    }
    const seen = rx.attempts.length;
    await new Promise((r) => setTimeout(r, 200));
    expect(rx.attempts.length, 'no push after stop()').to.equal(seen);
    await drop();
  });

  it('parallel publishing transactions commit in seq order: a reader following the cursor misses none', async () => {
    const insert = (n: number, tx: import('sequelize').Transaction) => tdb.db.sequelize.query(
      "INSERT INTO projects (instance_id, project_number, name, initiator, status, created_at, updated_at) VALUES (:id, :number, '并发项目', 'purchaser', 'tendering', :at, :at)",
      { replacements: { id: `parallel-${n}`, number: `FCZC-2026-7${String(n).padStart(3, '0')}`, at: new Date() }, transaction: tx },
    );
    const seen: string[] = [];
    let since = 0;
    let writing = true;
    const reader = (async () => {
      while (writing || since < Number.MAX_SAFE_INTEGER) {
        const page = await releasesSince(tdb.db.sequelize, since, 100);
        for (const r of page) seen.push(String(r.release.id));
        if (page.length) since = page[page.length - 1]!.seq;
        else if (!writing) break;
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    // Each transaction holds on a while after publishing, so later ones overlap it.
    await Promise.all(Array.from({ length: 12 }, (_, n) => tdb.db.withTransaction(async (tx) => {
      await insert(n, tx);
      await publishReleases(tx, `parallel-${n}`, new Date());
      await new Promise((r) => setTimeout(r, 30 - 2 * n));
    })));
    writing = false;
    await reader;
    const all = (await releasesSince(tdb.db.sequelize, 0, 100)).map((r) => String(r.release.id));
    expect(all).to.have.length(12);
    expect(seen).to.deep.equal(all);
    expect((await outboxRows(tdb.db)).map((r) => r.key)).to.deep.equal(all);
  });
});
