/**
 * server/sqlite/: better-sqlite3 behind node-sqlite3's API, as Sequelize 6 uses it (through server/db.ts), and the
 * in-process concurrency rules: one real handle per file, statements of other connections wait while a transaction
 * is open, other processes on the same file wait on SQLite's busy timeout. SQLite only (temp files), whatever
 * DATABASE_URL says.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import {
  DataTypes,
  ForeignKeyConstraintError,
  Model,
  QueryTypes,
  Sequelize,
  UniqueConstraintError,
  type ModelStatic,
} from 'sequelize';
import { openDatabase, type Database } from '../../server/db.ts';
import { openFiles, sqliteDialect, Statement, type Connection, type SqliteError } from '../../server/sqlite/index.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function tempFile(): { file: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eproc-sqlite-'));
  return { file: path.join(dir, 'test.sqlite'), cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Tracks whether a promise has settled, without awaiting it. */
function track<T>(p: Promise<T>): { p: Promise<T>; settled: () => boolean } {
  let done = false;
  p.then(
    () => (done = true),
    () => (done = true),
  );
  return { p, settled: () => done };
}

class Org extends Model {}
class Person extends Model {}

function defineModels(sequelize: Sequelize): { Org: ModelStatic<Org>; Person: ModelStatic<Person> } {
  const O = Org.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      code: { type: DataTypes.STRING(32), allowNull: false, unique: true },
      name: { type: DataTypes.STRING(200), allowNull: false },
      active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
      budgetFen: { type: DataTypes.BIGINT, allowNull: true, field: 'budget_fen' },
      signedAt: { type: DataTypes.DATE(3), allowNull: true, field: 'signed_at' },
      logo: { type: DataTypes.BLOB, allowNull: true },
      meta: { type: DataTypes.JSON, allowNull: true },
    },
    { sequelize, tableName: 'orgs', timestamps: false },
  );
  const P = Person.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      orgId: { type: DataTypes.INTEGER, allowNull: false, field: 'org_id', references: { model: 'orgs', key: 'id' } },
      name: { type: DataTypes.STRING(100), allowNull: false },
    },
    { sequelize, tableName: 'people', timestamps: false },
  );
  return { Org: O, Person: P };
}

describe('db: SQLite on better-sqlite3 (server/sqlite adapter)', function () {
  let tmp: ReturnType<typeof tempFile>;
  let db: Database;
  let models: ReturnType<typeof defineModels>;

  beforeEach(async function () {
    tmp = tempFile();
    db = await openDatabase(`sqlite:${tmp.file}`);
    models = defineModels(db.sequelize);
    await db.sequelize.sync();
  });

  afterEach(async function () {
    await db.close();
    tmp.cleanup();
  });

  describe('through Sequelize', function () {
    it('opens in WAL mode with synchronous=NORMAL, foreign keys and the busy timeout', async function () {
      const one = async (sql: string) => (await db.sequelize.query(sql, { type: QueryTypes.SELECT, plain: true })) as Record<string, unknown>;
      expect(await one('PRAGMA journal_mode')).to.deep.equal({ journal_mode: 'wal' });
      expect(await one('PRAGMA synchronous')).to.deep.equal({ synchronous: 1 });
      expect(await one('PRAGMA foreign_keys')).to.deep.equal({ foreign_keys: 1 });
      expect(await one('PRAGMA busy_timeout')).to.deep.equal({ timeout: 15000 });
      const driver = (db.sequelize as unknown as { connectionManager: { lib: { driverName?: string } } }).connectionManager.lib.driverName;
      expect(driver).to.equal('better-sqlite3');
    });

    it('creates, finds, updates and destroys', async function () {
      const { Org } = models;
      const a = await Org.create({ code: 'A', name: '阜城县公共资源交易中心' });
      expect(a.get('id')).to.equal(1);
      const b = await Org.create({ code: 'B', name: 'Other', active: false });
      expect(b.get('id')).to.equal(2);
      const found = await Org.findByPk(1);
      expect(found!.get('name')).to.equal('阜城县公共资源交易中心');
      expect(found!.get('active')).to.equal(true);
      expect((await Org.findOne({ where: { code: 'B' } }))!.get('active')).to.equal(false);
      const [changed] = await Org.update({ name: '新名称' }, { where: { code: 'A' } });
      expect(changed).to.equal(1);
      await a.reload();
      expect(a.get('name')).to.equal('新名称');
      a.set('name', 'again');
      await a.save();
      expect((await Org.findByPk(1))!.get('name')).to.equal('again');
      expect(await Org.destroy({ where: { code: 'B' } })).to.equal(1);
      await a.destroy();
      expect(await Org.count()).to.equal(0);
    });

    it('bulkCreate returns the generated ids', async function () {
      const { Org } = models;
      await Org.create({ code: 'first', name: 'x' });
      const rows = await Org.bulkCreate(Array.from({ length: 5 }, (_, i) => ({ code: `c${i}`, name: `n${i}` })));
      expect(rows.map((r) => r.get('id'))).to.deep.equal([2, 3, 4, 5, 6]);
      expect(await Org.count()).to.equal(6);
    });

    it('maps a unique violation to UniqueConstraintError with node-sqlite3 error fields', async function () {
      const { Org } = models;
      await Org.create({ code: 'DUP', name: 'one' });
      const err = await Org.create({ code: 'DUP', name: 'two' }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(UniqueConstraintError);
      const e = err as UniqueConstraintError & { parent: SqliteError };
      expect(e.fields).to.deep.equal(['code']);
      expect(e.parent.code).to.equal('SQLITE_CONSTRAINT');
      expect(e.parent.errno).to.equal(19);
      expect(e.parent.extendedCode).to.equal('SQLITE_CONSTRAINT_UNIQUE');
      expect(e.parent.message).to.equal('SQLITE_CONSTRAINT: UNIQUE constraint failed: orgs.code');
    });

    it('maps a foreign key violation to ForeignKeyConstraintError', async function () {
      const err = await models.Person.create({ orgId: 999, name: 'nobody' }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(ForeignKeyConstraintError);
    });

    it('commits and rolls back transactions', async function () {
      const { Org } = models;
      await db.withTransaction(async (transaction) => {
        await Org.create({ code: 'T1', name: 'kept' }, { transaction });
        await Org.update({ name: 'kept!' }, { where: { code: 'T1' }, transaction });
      });
      const failure = await db
        .withTransaction(async (transaction) => {
          await Org.create({ code: 'T2', name: 'dropped' }, { transaction });
          expect(await Org.count({ transaction })).to.equal(2);
          throw new Error('boom');
        })
        .then(
          () => null,
          (e: Error) => e.message,
        );
      expect(failure).to.equal('boom');
      expect((await Org.findAll({ order: [['id', 'ASC']] })).map((o) => o.get('name'))).to.deep.equal(['kept!']);
      // A failed statement inside the transaction rolls the whole transaction back too.
      await db
        .withTransaction(async (transaction) => {
          await Org.create({ code: 'T3', name: 'dropped too' }, { transaction });
          await Org.create({ code: 'T1', name: 'duplicate' }, { transaction });
        })
        .catch((e: unknown) => expect(e).to.be.instanceOf(UniqueConstraintError));
      expect(await Org.count()).to.equal(1);
      // Savepoints (nested Sequelize transactions) work on the transaction's connection.
      await db.withTransaction(async (transaction) => {
        await Org.create({ code: 'S1', name: 'outer' }, { transaction });
        await db.sequelize
          .transaction({ transaction }, async (inner) => {
            await Org.create({ code: 'S2', name: 'inner' }, { transaction: inner });
            throw new Error('inner only');
          })
          .catch(() => undefined);
      });
      expect((await Org.findAll({ order: [['id', 'ASC']] })).map((o) => o.get('code'))).to.deep.equal(['T1', 'S1']);
    });

    it('a read outside an open transaction waits for it, and does not see its uncommitted writes', async function () {
      const { Org } = models;
      await Org.create({ code: 'BASE', name: 'base' });
      let outside!: ReturnType<typeof track<number>>;
      await db
        .withTransaction(async (transaction) => {
          await Org.create({ code: 'UNCOMMITTED', name: 'x' }, { transaction });
          outside = track(Org.count()); // no { transaction }: another connection
          await sleep(30);
          expect(outside.settled(), 'read ran inside the open transaction').to.equal(false);
          expect(openFiles().find((f) => f.file === tmp.file)).to.include({ inTransaction: true, waiting: 1 });
          await Org.update({ name: 'y' }, { where: { code: 'UNCOMMITTED' }, transaction }); // the owner is not blocked
          throw new Error('roll back');
        })
        .catch(() => undefined);
      expect(await outside.p).to.equal(1); // ran after the rollback: never saw the row
    });

    it('a read outside an open transaction sees its writes only once it committed, and does not deadlock', async function () {
      const { Org } = models;
      let outside!: ReturnType<typeof track<Org | null>>;
      const t0 = Date.now();
      await db.withTransaction(async (transaction) => {
        await Org.create({ code: 'C', name: 'committed later' }, { transaction });
        outside = track(Org.findOne({ where: { code: 'C' } }));
        await sleep(20);
        expect(outside.settled()).to.equal(false);
      });
      const row = await outside.p;
      expect(row!.get('name')).to.equal('committed later');
      expect(Date.now() - t0).to.be.below(2000); // not a busy-timeout wait
    });

    it('a write outside an open transaction waits and lands after it', async function () {
      const { Org } = models;
      let outside!: ReturnType<typeof track<Org>>;
      await db.withTransaction(async (transaction) => {
        await Org.create({ code: 'IN1', name: 'in' }, { transaction });
        outside = track(Org.create({ code: 'OUT', name: 'out' }));
        await sleep(20);
        expect(outside.settled()).to.equal(false);
        await Org.create({ code: 'IN2', name: 'in' }, { transaction });
      });
      const out = await outside.p;
      expect(out.get('id')).to.equal(3);
      expect((await Org.findAll({ order: [['id', 'ASC']] })).map((o) => o.get('code'))).to.deep.equal(['IN1', 'IN2', 'OUT']);
    });

    it('a write outside a transaction that is rolled back still lands', async function () {
      const { Org } = models;
      let outside!: ReturnType<typeof track<Org>>;
      await db
        .withTransaction(async (transaction) => {
          await Org.create({ code: 'GONE', name: 'x' }, { transaction });
          outside = track(Org.create({ code: 'STAYS', name: 'y' }));
          await sleep(10);
          throw new Error('roll back');
        })
        .catch(() => undefined);
      await outside.p;
      expect((await Org.findAll()).map((o) => o.get('code'))).to.deep.equal(['STAYS']);
    });

    it('uses one real handle per file, however many connections and Sequelize instances', async function () {
      const other = await openDatabase(`sqlite:${tmp.file}`);
      try {
        const { Org: Org2 } = defineModels(other.sequelize);
        await db.withTransaction(async (transaction) => {
          await models.Org.create({ code: 'D1', name: 'db1' }, { transaction });
          const mine = openFiles().filter((f) => f.file === tmp.file);
          expect(mine).to.have.length(1);
          expect(mine[0]!.connections).to.equal(3); // two default connections and this transaction's
        });
        // Transactions of two Sequelize instances on the same file queue behind each other instead of deadlocking.
        const results = await Promise.all([
          db.withTransaction(async (transaction) => {
            await models.Org.create({ code: 'A1', name: 'x' }, { transaction });
            await sleep(20);
            await models.Org.create({ code: 'A2', name: 'x' }, { transaction });
            return 'a';
          }),
          other.withTransaction(async (transaction) => {
            await Org2.create({ code: 'B1', name: 'y' }, { transaction });
            await sleep(20);
            await Org2.create({ code: 'B2', name: 'y' }, { transaction });
            return 'b';
          }),
        ]);
        expect(results).to.deep.equal(['a', 'b']);
        const codes = (await models.Org.findAll({ order: [['id', 'ASC']] })).map((o) => o.get('code'));
        expect(codes).to.have.members(['D1', 'A1', 'A2', 'B1', 'B2']);
        expect(codes.indexOf('A2') - codes.indexOf('A1')).to.equal(1); // not interleaved
        expect(codes.indexOf('B2') - codes.indexOf('B1')).to.equal(1);
      } finally {
        await other.close();
      }
      expect(openFiles().filter((f) => f.file === tmp.file)[0]!.connections).to.equal(1);
    });

    it('round-trips Chinese text, DATE(3), BIGINT, BOOLEAN, BLOB and JSON', async function () {
      const { Org } = models;
      const signedAt = new Date('2024-02-29T23:59:58.123Z');
      const name = '阜城县政府采购项目（第２包）— 𠮷野家 😀 ÄÖÜ';
      const logo = Buffer.from([0, 1, 2, 255, 254]);
      await Org.create({ code: 'RT', name, active: false, budgetFen: '9007199254740993', signedAt, logo, meta: { 标签: ['公开招标'], n: 1.5 } });
      const row = (await Org.findOne({ where: { code: 'RT' } }))!;
      expect(row.get('name')).to.equal(name);
      expect((row.get('signedAt') as Date).toISOString()).to.equal('2024-02-29T23:59:58.123Z');
      expect(row.get('active')).to.equal(false);
      expect(Buffer.compare(row.get('logo') as Buffer, logo)).to.equal(0);
      expect(row.get('meta')).to.deep.equal({ 标签: ['公开招标'], n: 1.5 });
      // Stored as Sequelize writes dates for SQLite; large integers come back as (lossy) numbers, as with sqlite3.
      const raw = (await db.sequelize.query("SELECT signed_at, typeof(budget_fen) AS t, budget_fen FROM orgs WHERE code = 'RT'", { type: QueryTypes.SELECT, plain: true })) as Record<string, unknown>;
      expect(raw.signed_at).to.equal('2024-02-29 23:59:58.123 +00:00');
      expect(raw.t).to.equal('integer');
      expect(raw.budget_fen).to.equal(9007199254740992);
      // Querying by a Chinese value and by a date works with bind parameters too.
      const byName = await db.sequelize.query('SELECT code FROM orgs WHERE name = $name AND signed_at < $at', {
        bind: { name, at: '2025-01-01' },
        type: QueryTypes.SELECT,
      });
      expect(byName).to.deep.equal([{ code: 'RT' }]);
    });

    it('returns node-sqlite3-shaped results from raw queries', async function () {
      const [rows, meta] = await db.sequelize.query("INSERT INTO orgs (code, name) VALUES ('R1', 'raw')");
      expect(rows).to.equal(undefined); // run(): no rows, as with sqlite3
      expect(meta).to.be.instanceOf(Statement);
      expect(meta).to.include({ lastID: 1, changes: 1 });
      const [id, changes] = (await db.sequelize.query("INSERT INTO orgs (code, name) VALUES ('R2', 'raw')", { type: QueryTypes.INSERT })) as unknown as [number, number];
      expect([id, changes]).to.deep.equal([2, 1]);
      const updated = await db.sequelize.query("UPDATE orgs SET name = 'r' WHERE code LIKE 'R%'", { type: QueryTypes.BULKUPDATE });
      expect(updated).to.equal(2);
      const sel = await db.sequelize.query('SELECT code FROM orgs WHERE id = ? OR code = ?', { replacements: [1, 'R2'], type: QueryTypes.SELECT });
      expect(sel).to.have.length(2);
    });

    it('works on an in-memory database', async function () {
      const mem = await openDatabase('sqlite::memory:');
      try {
        const { Org: O } = defineModels(mem.sequelize);
        await mem.sequelize.sync();
        await mem.withTransaction(async (transaction) => {
          await O.create({ code: 'M', name: '内存' }, { transaction });
        });
        expect((await O.findOne({ where: { code: 'M' } }))!.get('name')).to.equal('内存');
      } finally {
        await mem.close();
      }
    });

    it('two processes writing the same file both succeed', async function () {
      this.timeout(60_000);
      await db.sequelize.query('CREATE TABLE writes (id INTEGER PRIMARY KEY AUTOINCREMENT, tag TEXT NOT NULL, seq INTEGER NOT NULL, at TEXT NOT NULL)');
      await db.sequelize.query('CREATE TABLE counters (name TEXT PRIMARY KEY, n INTEGER NOT NULL)');
      await db.sequelize.query("INSERT INTO counters (name, n) VALUES ('parent', 0), ('child', 0)");
      const N = 150;
      const proc = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'writer-child.ts'), `sqlite:${tmp.file}`, String(N), 'child'], {
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let out = '';
      let errText = '';
      proc.stdout!.on('data', (d) => (out += d));
      proc.stderr!.on('data', (d) => (errText += d));
      const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
      for (let i = 0; !out.includes('"ready"'); i++) {
        if (i > 600) throw new Error(`child did not start: ${errText}`);
        await sleep(50);
      }
      proc.stdin!.end('go\n');
      const childRows = async () =>
        Number(((await db.sequelize.query("SELECT COUNT(*) AS n FROM writes WHERE tag = 'child'", { type: QueryTypes.SELECT })) as { n: number }[])[0]!.n);
      for (let i = 0; i < N; i++) {
        // Both writers wait for the other's first half before their second (writer-child.ts does the same), so the
        // writes interleave whatever the scheduler does.
        if (i === N / 2) while ((await childRows()) < N / 2) await sleep(5);
        const at = new Date().toISOString();
        if (i % 2 === 0) {
          await db.withTransaction(async (transaction) => {
            await db.sequelize.query("INSERT INTO writes (tag, seq, at) VALUES ('parent', :i, :at)", { replacements: { i, at }, transaction, type: QueryTypes.INSERT });
            await db.sequelize.query("UPDATE counters SET n = n + 1 WHERE name = 'parent'", { transaction });
          });
        } else {
          await db.sequelize.query("INSERT INTO writes (tag, seq, at) VALUES ('parent', :i, :at)", { replacements: { i, at }, type: QueryTypes.INSERT });
        }
      }
      expect(await exited, `child failed: ${out} ${errText}`).to.equal(0);
      expect(out).to.include(`"rows":${N}`);
      const counts = await db.sequelize.query('SELECT tag, COUNT(*) AS n FROM writes GROUP BY tag ORDER BY tag', { type: QueryTypes.SELECT });
      expect(counts).to.deep.equal([
        { tag: 'child', n: N },
        { tag: 'parent', n: N },
      ]);
      const counters = await db.sequelize.query('SELECT name, n FROM counters ORDER BY name', { type: QueryTypes.SELECT });
      expect(counters).to.deep.equal([
        { name: 'child', n: N / 2 },
        { name: 'parent', n: N / 2 },
      ]);
      // The writes really interleaved (the child did not simply run before or after the parent).
      const tags = (await db.sequelize.query('SELECT tag FROM writes ORDER BY id', { type: QueryTypes.SELECT })) as { tag: string }[];
      const switches = tags.filter((t, i) => i > 0 && t.tag !== tags[i - 1]!.tag).length;
      expect(switches).to.be.greaterThan(1);
    });
  });

  describe('the node-sqlite3 API', function () {
    const lib = sqliteDialect({ busyTimeoutMs: 200 });
    const open = (file: string) =>
      new Promise<Connection>((resolve, reject) => {
        const conn: Connection = new lib.Database(file, lib.OPEN_READWRITE | lib.OPEN_CREATE, (err) => (err ? reject(err) : resolve(conn)));
      });
    const call = (conn: Connection, method: 'run' | 'all' | 'get', sql: string, params?: unknown) =>
      new Promise<{ self: Statement; result: unknown }>((resolve, reject) => {
        const cb = function (this: Statement, err: SqliteError | null, result?: unknown) {
          if (err) reject(err);
          else resolve({ self: this, result });
        };
        if (params === undefined) conn[method](sql, cb);
        else conn[method](sql, params, cb);
      });
    const close = (conn: Connection) => new Promise<void>((resolve, reject) => conn.close((err) => (err ? reject(err) : resolve())));

    it('calls back asynchronously, with lastID/changes on `this` after run() only', async function () {
      let sync = true;
      const conn = await new Promise<Connection>((resolve, reject) => {
        const c: Connection = new lib.Database(tmp.file, (err) => {
          expect(sync).to.equal(false);
          return err ? reject(err) : resolve(c);
        });
        sync = false;
      });
      expect(conn.filename).to.equal(tmp.file);
      expect(conn.open).to.equal(true);
      await call(conn, 'run', 'CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT, n NUMERIC, b BLOB)');
      const ins = await call(conn, 'run', 'INSERT INTO t (s) VALUES ($s)', { $s: 'a' });
      expect(ins.self.constructor.name).to.equal('Statement'); // Sequelize's bulkCreate checks this name
      expect(ins.self).to.include({ lastID: 1, changes: 1 });
      const sel = await call(conn, 'all', 'SELECT * FROM t');
      expect(Object.prototype.hasOwnProperty.call(sel.self, 'lastID')).to.equal(false);
      expect(sel.result).to.deep.equal([{ id: 1, s: 'a', n: null, b: null }]);
      const one = await call(conn, 'get', 'SELECT s FROM t WHERE id = ?', [1]);
      expect(one.result).to.deep.equal({ s: 'a' });
      expect((await call(conn, 'get', 'SELECT s FROM t WHERE id = 99')).result).to.equal(undefined);
      expect((await call(conn, 'all', "UPDATE t SET s = 'b'")).result).to.deep.equal([]); // all() on a non-reader
      await close(conn);
    });

    it('binds values as node-sqlite3 does', async function () {
      const conn = await open(tmp.file);
      const sql =
        'SELECT typeof($int) AS ti, $int AS vi, typeof($real) AS tr, typeof($bool) AS tb, $bool AS vb, typeof($date) AS td, $date AS vd,' +
        ' typeof($undef) AS tu, typeof($buf) AS tbuf, $big AS vbig, typeof($big) AS tbig, $missing AS missing, $text AS text';
      const date = new Date('2024-01-01T00:00:00.000Z');
      const { result } = await call(conn, 'get', sql, { $int: 5, $real: 1.5, $bool: true, $date: date, $undef: undefined, $buf: Buffer.from('x'), $big: 2n ** 40n, $text: '中文' });
      expect(result).to.deep.equal({ ti: 'integer', vi: 5, tr: 'real', tb: 'integer', vb: 1, td: 'real', vd: date.getTime(), tu: 'null', tbuf: 'blob', vbig: 2 ** 40, tbig: 'integer', missing: null, text: '中文' });
      // An integer bound into a TEXT column stays "5", not "5.0".
      await call(conn, 'run', 'CREATE TABLE s (v TEXT)');
      await call(conn, 'run', 'INSERT INTO s (v) VALUES (?)', [5]);
      expect((await call(conn, 'get', 'SELECT v FROM s')).result).to.deep.equal({ v: '5' });
      // Positional values: spread, an array, or an array for $1…$n.
      expect((await call(conn, 'get', 'SELECT ? AS a, ? AS b', ['x', 'y'])).result).to.deep.equal({ a: 'x', b: 'y' });
      expect((await call(conn, 'get', 'SELECT $1 AS a, $2 AS b', ['x', 'y'])).result).to.deep.equal({ a: 'x', b: 'y' });
      const spread = await new Promise((resolve, reject) => conn.get('SELECT ? AS a, ? AS b', 1, 'z', (err: Error | null, row: unknown) => (err ? reject(err) : resolve(row))));
      expect(spread).to.deep.equal({ a: 1, b: 'z' });
      await close(conn);
    });

    it('reports errors with node-sqlite3 codes', async function () {
      const conn = await open(tmp.file);
      const syntax = await call(conn, 'all', 'SELEC 1').catch((e: SqliteError) => e);
      expect(syntax).to.include({ code: 'SQLITE_ERROR', errno: 1 });
      expect((syntax as Error).message).to.match(/^SQLITE_ERROR: near "SELEC": syntax error/);
      const empty = await call(conn, 'all', '  ').catch((e: SqliteError) => e);
      expect(empty).to.include({ code: 'SQLITE_MISUSE' });
      await call(conn, 'run', 'CREATE TABLE u (v TEXT NOT NULL UNIQUE)');
      const nn = await call(conn, 'run', 'INSERT INTO u (v) VALUES (NULL)').catch((e: SqliteError) => e);
      expect(nn).to.include({ code: 'SQLITE_CONSTRAINT', extendedCode: 'SQLITE_CONSTRAINT_NOTNULL' });
      await close(conn);
      const closed = await call(conn, 'all', 'SELECT 1').catch((e: SqliteError) => e);
      expect(closed).to.include({ code: 'SQLITE_MISUSE' });
    });

    it('runs every statement of a multi-statement string without parameters', async function () {
      const conn = await open(tmp.file);
      await call(conn, 'run', 'CREATE TABLE m (v INTEGER); INSERT INTO m VALUES (1); INSERT INTO m VALUES (2);');
      expect((await call(conn, 'all', 'SELECT v FROM m ORDER BY v')).result).to.deep.equal([{ v: 1 }, { v: 2 }]);
      await new Promise<void>((resolve, reject) => conn.exec('INSERT INTO m VALUES (3); DELETE FROM m WHERE v = 1', (err) => (err ? reject(err) : resolve())));
      expect((await call(conn, 'all', 'SELECT v FROM m ORDER BY v')).result).to.deep.equal([{ v: 2 }, { v: 3 }]);
      const withParams = await call(conn, 'run', 'INSERT INTO m VALUES (?); INSERT INTO m VALUES (?)', [4, 5]).catch((e: SqliteError) => e);
      expect(withParams).to.include({ code: 'SQLITE_MISUSE' });
      await close(conn);
    });

    it('lets timers and I/O run during a long chain of awaited statements', async function () {
      const conn = await open(tmp.file);
      let fired = 0;
      const timer = setInterval(() => fired++, 1);
      const started = performance.now();
      let n = 0;
      while (performance.now() - started < 100) {
        await call(conn, 'get', 'SELECT ? AS n', [n++]);
      }
      clearInterval(timer);
      expect(n).to.be.greaterThan(100);
      expect(fired).to.be.greaterThan(3); // callbacks yield to the event loop at least every ~10 ms
      await close(conn);
    });

    it("queues other connections' statements behind an open transaction, and times them out", async function () {
      const a = await open(tmp.file);
      const b = await open(tmp.file);
      await call(a, 'run', 'CREATE TABLE q (v INTEGER)');
      await call(a, 'run', 'BEGIN IMMEDIATE');
      await call(a, 'run', 'INSERT INTO q VALUES (1)');
      const started = Date.now();
      const late = await call(b, 'all', 'SELECT COUNT(*) AS n FROM q').catch((e: SqliteError) => e);
      expect(late).to.include({ code: 'SQLITE_BUSY' }); // waited the busy timeout (200 ms here) in the queue
      expect(Date.now() - started).to.be.within(150, 2000);
      const waiting = track(call(b, 'all', 'SELECT COUNT(*) AS n FROM q'));
      await call(a, 'run', 'COMMIT');
      expect((await waiting.p).result).to.deep.equal([{ n: 1 }]);
      await close(a);
      await close(b);
    });

    it('rolls back the open transaction of a connection that closes', async function () {
      const a = await open(tmp.file);
      const b = await open(tmp.file);
      await call(a, 'run', 'CREATE TABLE r (v INTEGER)');
      await call(a, 'run', 'BEGIN');
      await call(a, 'run', 'INSERT INTO r VALUES (1)');
      const waiting = track(call(b, 'all', 'SELECT COUNT(*) AS n FROM r'));
      await close(a);
      expect((await waiting.p).result).to.deep.equal([{ n: 0 }]);
      await close(b);
    });
  });
});
