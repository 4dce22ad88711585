/**
 * better-sqlite3 behind the subset of node-sqlite3's API that Sequelize 6's sqlite dialect calls, passed to Sequelize
 * as `dialectModule` (see server/db.ts). What Sequelize uses (node_modules/sequelize/lib/dialects/sqlite/):
 *   new Database(file, mode, cb)   OPEN_READWRITE | OPEN_CREATE; cb(err) after the constructor has returned
 *   db.filename, db.uuid           read / set by the connection manager
 *   db.serialize(fn)               fn runs at once (every statement here runs in call order anyway)
 *   db.run|all|get(sql, params?, cb?)   cb(err, rows) with `this` a Statement: after run() it carries lastID and
 *                                  changes (own properties); after all()/get() it does not (Sequelize tests hasOwnProperty)
 *   db.exec(sql, cb?), db.configure('busyTimeout', ms), db.close(cb?)
 * Values are bound as node-sqlite3 binds them: booleans as 0/1, Dates as milliseconds (REAL), undefined as NULL,
 * Buffers as BLOBs, BigInts as INTEGER; safe integers as INTEGER (node-sqlite3: only 32-bit ones; larger ones went
 * in as REAL, e.g. "3000000000.0" in a TEXT column). Named parameters come as { $name: v } (prefix $, : or @ kept in
 * the key, as Sequelize emits them) or without the prefix; an unbound named parameter is NULL; an array binds by
 * position, also to $1…$n. Errors look like node-sqlite3's: message "SQLITE_CONSTRAINT: UNIQUE constraint failed: …",
 * `code` the primary result code ("SQLITE_CONSTRAINT", which Sequelize maps to UniqueConstraintError etc.), `errno`
 * its number, plus `extendedCode` ("SQLITE_CONSTRAINT_UNIQUE").
 * Differences: a multi-statement string without parameters runs every statement (node-sqlite3 ran the first only;
 * with parameters it is an error here); callbacks run on a later tick (microtask or setImmediate, see `defer`).
 *
 * Concurrency. better-sqlite3 is synchronous: a busy wait on a lock sleeps the whole event loop, so two handles of
 * ONE process contending for the write lock would stall until the busy timeout. There is therefore one real
 * better-sqlite3 handle per file per process (shared by every Sequelize instance on that file), and each
 * `new Database()` is a light facade ("connection") over it. Sequelize opens a facade per transaction; while a
 * transaction begun by one facade is open (the handle is not in autocommit mode after that facade's statement),
 * statements of every OTHER facade wait in a FIFO queue and run when it commits or rolls back, so they neither join
 * nor see it; the owner's own statements run at once. A statement that waits longer than the busy timeout fails with
 * SQLITE_BUSY (code) — e.g. code that, inside a transaction, awaits a query issued without `{ transaction }`. The busy
 * timeout of the real handle still applies to locks held by OTHER processes (a second server, `npm run migrate`).
 * Closing a facade that owns an open transaction rolls it back; closing the last facade closes the handle.
 */
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';

// node-sqlite3's open flags (the values of SQLite's SQLITE_OPEN_*).
export const OPEN_READONLY = 0x00000001;
export const OPEN_READWRITE = 0x00000002;
export const OPEN_CREATE = 0x00000004;
export const OPEN_URI = 0x00000040;
export const OPEN_FULLMUTEX = 0x00010000;
export const OPEN_SHAREDCACHE = 0x00020000;
export const OPEN_PRIVATECACHE = 0x00040000;
const DEFAULT_MODE = OPEN_READWRITE | OPEN_CREATE | OPEN_FULLMUTEX;

export interface SqliteDialectOptions {
  /** SQLite busy timeout of the real handle (locks held by other processes), and the longest a statement waits for
   * another connection's transaction in this process. Default 1000 ms, node-sqlite3's default. */
  busyTimeoutMs?: number;
  /** How callbacks are scheduled: 'microtask' (fastest, but a long chain of awaited statements never lets the event
   * loop serve I/O or timers), 'immediate' (a turn of the event loop per statement, like node-sqlite3's thread-pool
   * callbacks; about 5 µs more each) or 'auto': microtasks, plus a setImmediate whenever the event loop has not had a
   * turn for 10 ms. Default 'auto'. */
  defer?: 'auto' | 'microtask' | 'immediate';
  /** Prepared statements cached per file (LRU, by SQL text). Default 200 (a prepared statement takes ~12 KB); 0 disables the cache. */
  statementCacheSize?: number;
}

/** The module object handed to Sequelize as `dialectModule`. */
export interface SqliteDialectModule {
  Database: new (filename: string, mode?: number | ConnectionCallback, callback?: ConnectionCallback) => Connection;
  OPEN_READONLY: number;
  OPEN_READWRITE: number;
  OPEN_CREATE: number;
  OPEN_URI: number;
  OPEN_FULLMUTEX: number;
  OPEN_SHAREDCACHE: number;
  OPEN_PRIVATECACHE: number;
  /** For diagnostics and benchmarks: which driver this is. */
  driverName: 'better-sqlite3';
}

type ConnectionCallback = (this: Connection, err: SqliteError | null) => void;
type StatementCallback = (this: Statement, err: SqliteError | null, result?: unknown) => void;
type Params = unknown[] | Record<string, unknown> | undefined;
type Kind = 'run' | 'all' | 'get' | 'exec' | 'close';

/** A node-sqlite3-style error. */
export interface SqliteError extends Error {
  code: string;
  errno?: number;
  extendedCode?: string;
}

/** `this` in statement callbacks. lastID/changes are own properties only after run(), as in node-sqlite3. */
export class Statement {
  declare lastID?: number;
  declare changes?: number;
  declare readonly sql: string;
  constructor(sql: string) {
    Object.defineProperty(this, 'sql', { value: sql });
  }
}

interface Job {
  conn: Connection;
  kind: Kind;
  sql: string;
  params: Params;
  cb: ((...args: never[]) => void) | undefined;
  queuedAt: number;
  timer?: NodeJS.Timeout;
}

interface Resolved {
  busyTimeoutMs: number;
  defer: (fn: () => void) => void;
  statementCacheSize: number;
}

// ---- the real handle, one per file per process -------------------------------------------------------------

const files = new Map<string, SharedFile>();
/** A connection's options (a symbol: not part of the node-sqlite3 surface). */
const settings = Symbol('settings');

function deliver(job: Job, err: SqliteError | null, result: unknown, meta: Statement): void {
  const cb = job.cb;
  if (!cb) return; // node-sqlite3 would emit 'error'; Sequelize omits callbacks only for its PRAGMAs
  const defer = job.conn[settings].defer;
  if (job.kind === 'exec') defer(() => (cb as ConnectionCallback).call(job.conn, err));
  else defer(() => (cb as StatementCallback).call(meta, err, result));
}

class SharedFile {
  readonly db: BetterSqlite3.Database;
  refs = 0;
  /** The facade whose transaction is open on the handle, if any. */
  owner: Connection | null = null;
  /** Statements (and closes) of other facades, waiting for the owner's transaction to end; oldest first. */
  readonly waiting: Job[] = [];
  private draining = false;
  private readonly statements = new Map<string, BetterSqlite3.Statement>();
  private readonly cacheSize: number;

  constructor(
    readonly key: string | null,
    filename: string,
    mode: number,
    opts: Resolved,
  ) {
    this.cacheSize = opts.statementCacheSize;
    this.db = new BetterSqlite3(filename, {
      readonly: (mode & OPEN_READWRITE) === 0,
      fileMustExist: (mode & OPEN_CREATE) === 0,
      timeout: opts.busyTimeoutMs,
    });
  }

  submit(job: Job): void {
    if (this.owner === null || this.owner === job.conn || (job.kind === 'close' && !this.hasWaiting(job.conn, this.waiting.length))) {
      this.execute(job);
      return;
    }
    job.queuedAt = performance.now();
    if (job.kind !== 'close') {
      job.timer = setTimeout(() => this.expire(job), job.conn[settings].busyTimeoutMs);
      job.timer.unref();
    }
    this.waiting.push(job);
  }

  /** Whether `conn` has a job waiting before position `before`. */
  private hasWaiting(conn: Connection, before: number): boolean {
    for (let i = 0; i < before; i++) if (this.waiting[i]!.conn === conn) return true;
    return false;
  }

  private expire(job: Job): void {
    const i = this.waiting.indexOf(job);
    if (i < 0) return;
    this.waiting.splice(i, 1);
    const waited = Math.round(performance.now() - job.queuedAt);
    const err = makeError(
      'SQLITE_BUSY',
      `waited ${waited} ms for a transaction of another connection in this process to end` +
        ' (is a query inside a transaction missing its { transaction } option?)',
    );
    deliver(job, err, undefined, new Statement(job.sql));
    this.drain(); // a close that waited behind this job can go now
  }

  private execute(job: Job): void {
    if (job.kind === 'close') {
      this.closeConnection(job);
      return;
    }
    let err: SqliteError | null = null;
    let result: unknown;
    const meta = new Statement(job.sql);
    try {
      result = this.runStatement(job, meta);
    } catch (e) {
      err = toSqliteError(e);
    }
    this.afterStatement(job.conn);
    deliver(job, err, result, meta);
  }

  /** Tracks who owns the open transaction after a statement of `conn` ran; releases waiting statements. */
  private afterStatement(conn: Connection): void {
    if (this.db.inTransaction) {
      if (this.owner === null) this.owner = conn;
    } else if (this.owner !== null) {
      this.owner = null;
      this.drain();
    }
  }

  private drain(): void {
    if (this.draining) return; // the loop below picks up whatever became runnable
    this.draining = true;
    try {
      for (let i = 0; i < this.waiting.length; ) {
        const job = this.waiting[i]!;
        const runnable =
          this.owner === null || this.owner === job.conn || (job.kind === 'close' && !this.hasWaiting(job.conn, i));
        if (!runnable) {
          i++;
          continue;
        }
        this.waiting.splice(i, 1);
        clearTimeout(job.timer);
        this.execute(job);
        i = 0; // ownership may have changed: rescan from the oldest
      }
    } finally {
      this.draining = false;
    }
  }

  private closeConnection(job: Job): void {
    let err: SqliteError | null = null;
    if (this.owner === job.conn) {
      // node-sqlite3 (SQLite) rolls back a transaction left open by a closing connection.
      try {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
      } catch (e) {
        err = toSqliteError(e);
      }
      this.owner = null;
    }
    this.refs--;
    if (this.refs === 0) {
      if (this.key !== null) files.delete(this.key);
      this.statements.clear();
      try {
        this.db.close();
      } catch (e) {
        err ??= toSqliteError(e);
      }
    }
    const cb = job.cb as ConnectionCallback | undefined;
    if (cb) job.conn[settings].defer(() => cb.call(job.conn, err));
    if (this.owner === null && this.refs > 0) this.drain();
  }

  private prepare(sql: string): BetterSqlite3.Statement {
    const size = this.cacheSize;
    if (size === 0) return this.db.prepare(sql);
    const cached = this.statements.get(sql);
    if (cached) {
      this.statements.delete(sql); // LRU: move to the end
      this.statements.set(sql, cached);
      return cached;
    }
    const stmt = this.db.prepare(sql);
    this.statements.set(sql, stmt);
    if (this.statements.size > size) this.statements.delete(this.statements.keys().next().value!);
    return stmt;
  }

  private runStatement(job: Job, meta: Statement): unknown {
    if (job.kind === 'exec') {
      this.db.exec(job.sql);
      return undefined;
    }
    let stmt: BetterSqlite3.Statement;
    try {
      stmt = this.prepare(job.sql);
    } catch (e) {
      if (e instanceof RangeError && /more than one statement/.test(e.message)) {
        if (!isEmptyParams(job.params)) throw makeError('SQLITE_MISUSE', 'bind parameters with more than one statement');
        this.db.exec(job.sql);
        if (job.kind === 'run') {
          const r = this.db.prepare('SELECT last_insert_rowid() AS id, changes() AS n').get() as { id: number; n: number };
          meta.lastID = r.id;
          meta.changes = r.n;
        }
        return job.kind === 'all' ? [] : undefined;
      }
      if (e instanceof RangeError && /contains no statements/.test(e.message)) {
        throw makeError('SQLITE_MISUSE', 'not an error'); // what node-sqlite3 reports for empty SQL
      }
      throw e;
    }
    const args = bindArgs(job.params);
    switch (job.kind) {
      case 'run': {
        const info = callWithParams(stmt, 'run', args) as BetterSqlite3.RunResult;
        meta.lastID = Number(info.lastInsertRowid);
        meta.changes = info.changes;
        return undefined;
      }
      case 'all':
        if (stmt.reader) return callWithParams(stmt, 'all', args);
        callWithParams(stmt, 'run', args);
        return [];
      case 'get':
        if (stmt.reader) return callWithParams(stmt, 'get', args);
        callWithParams(stmt, 'run', args);
        return undefined;
    }
  }
}

function acquire(filename: string, mode: number, opts: Resolved): SharedFile {
  const anonymous = filename === '' || filename === ':memory:' || filename.startsWith('file:');
  if (anonymous) return new SharedFile(null, filename, mode, opts);
  const key = `${(mode & OPEN_READWRITE) === 0 ? 'ro' : 'rw'}:${canonicalPath(filename)}`;
  let file = files.get(key);
  if (!file) {
    file = new SharedFile(key, filename, mode, opts);
    files.set(key, file);
  }
  return file;
}

function canonicalPath(filename: string): string {
  const abs = path.resolve(filename);
  try {
    return path.join(fs.realpathSync(path.dirname(abs)), path.basename(abs));
  } catch {
    return abs;
  }
}

// ---- the facade: what Sequelize takes for a connection --------------------------------------------------------------

export class Connection {
  readonly filename: string;
  open = false;
  declare uuid?: string;
  /** @internal */
  readonly [settings]: Resolved;
  #file: SharedFile | null = null;
  #closed = false;

  constructor(opts: Resolved, filename: string, mode?: number | ConnectionCallback, callback?: ConnectionCallback) {
    if (typeof mode === 'function') {
      callback = mode;
      mode = undefined;
    }
    this.filename = filename;
    this[settings] = { ...opts };
    let err: SqliteError | null = null;
    try {
      this.#file = acquire(filename, mode ?? DEFAULT_MODE, opts);
      this.#file.refs++;
    } catch (e) {
      err = toSqliteError(e, 'SQLITE_CANTOPEN');
      this.#closed = true;
    }
    // Sequelize stores the object before the callback looks it up: never call back synchronously.
    opts.defer(() => {
      this.open = err === null;
      callback?.call(this, err);
    });
  }

  serialize(fn?: () => void): this {
    fn?.();
    return this;
  }

  parallelize(fn?: () => void): this {
    fn?.();
    return this;
  }

  /** 'busyTimeout': SQLite's busy timeout of the (shared) handle, and how long this connection's statements wait
   * for another connection's transaction in this process. */
  configure(option: string, value: number): this {
    if (option === 'busyTimeout' && this.#file && !this.#closed) {
      const ms = Math.max(0, Math.floor(value));
      this.#file.db.pragma(`busy_timeout = ${ms}`);
      this[settings].busyTimeoutMs = ms;
    }
    return this;
  }

  run(sql: string, ...args: unknown[]): this {
    return this.#submit('run', sql, args);
  }

  all(sql: string, ...args: unknown[]): this {
    return this.#submit('all', sql, args);
  }

  get(sql: string, ...args: unknown[]): this {
    return this.#submit('get', sql, args);
  }

  exec(sql: string, callback?: (this: Connection, err: SqliteError | null) => void): this {
    return this.#submit('exec', sql, callback ? [callback] : []);
  }

  close(callback?: (this: Connection, err: SqliteError | null) => void): void {
    const file = this.#file;
    if (this.#closed || !file) {
      if (callback) queueMicrotask(() => callback.call(this, makeError('SQLITE_MISUSE', 'Database is closed')));
      return;
    }
    this.#closed = true;
    this.open = false;
    file.submit({ conn: this, kind: 'close', sql: '', params: undefined, cb: callback, queuedAt: 0 });
  }

  #submit(kind: Kind, sql: string, args: unknown[]): this {
    const cb = typeof args[args.length - 1] === 'function' ? (args.pop() as Job['cb']) : undefined;
    let params: Params;
    if (args.length === 0) params = undefined;
    else if (args.length === 1 && isParamsContainer(args[0])) params = args[0] as Params;
    else params = args;
    const file = this.#file;
    if (this.#closed || !file) {
      if (cb) queueMicrotask(() => (cb as StatementCallback).call(new Statement(sql), makeError('SQLITE_MISUSE', 'Database is closed')));
      return this;
    }
    file.submit({ conn: this, kind, sql, params, cb, queuedAt: 0 });
    return this;
  }
}

const YIELD_EVERY_MS = 10;
let lastTurn = 0;

/** A microtask, unless the event loop has had no turn (as far as callbacks here know) for YIELD_EVERY_MS. */
function autoDefer(fn: () => void): void {
  const now = performance.now();
  if (now - lastTurn < YIELD_EVERY_MS) {
    queueMicrotask(fn);
    return;
  }
  setImmediate(() => {
    lastTurn = performance.now();
    fn();
  });
}

/** The `dialectModule` for Sequelize: `new Sequelize({ dialect: 'sqlite', dialectModule: sqliteDialect(), … })`. */
export function sqliteDialect(options: SqliteDialectOptions = {}): SqliteDialectModule {
  const opts: Resolved = {
    busyTimeoutMs: options.busyTimeoutMs ?? 1000,
    defer: options.defer === 'immediate' ? (fn) => setImmediate(fn) : options.defer === 'microtask' ? queueMicrotask : autoDefer,
    statementCacheSize: options.statementCacheSize ?? 200,
  };
  class BoundDatabase extends Connection {
    constructor(filename: string, mode?: number | ConnectionCallback, callback?: ConnectionCallback) {
      super(opts, filename, mode, callback);
    }
  }
  Object.defineProperty(BoundDatabase, 'name', { value: 'Database' });
  return {
    Database: BoundDatabase,
    OPEN_READONLY,
    OPEN_READWRITE,
    OPEN_CREATE,
    OPEN_URI,
    OPEN_FULLMUTEX,
    OPEN_SHAREDCACHE,
    OPEN_PRIVATECACHE,
    driverName: 'better-sqlite3',
  };
}

/** Diagnostics (tests): the real handles open in this process. */
export function openFiles(): { file: string; connections: number; inTransaction: boolean; waiting: number }[] {
  return [...files.values()].map((f) => ({
    file: f.db.name,
    connections: f.refs,
    inTransaction: f.db.inTransaction,
    waiting: f.waiting.length,
  }));
}

// ---- binding ------------------------------------------------------------------------------------------------

function isParamsContainer(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !(v instanceof Date) && !ArrayBuffer.isView(v);
}

function isEmptyParams(p: Params): boolean {
  if (p === undefined) return true;
  if (Array.isArray(p)) return p.length === 0;
  for (const _ in p) return false;
  return true;
}

function toBindValue(v: unknown): unknown {
  switch (typeof v) {
    case 'string':
    case 'bigint':
      return v;
    case 'number':
      return Number.isSafeInteger(v) ? BigInt(v) : v; // INTEGER, not REAL (better-sqlite3 binds numbers as REAL)
    case 'boolean':
      return v ? 1n : 0n;
    case 'undefined':
      return null;
    case 'object':
      if (v === null || Buffer.isBuffer(v)) return v;
      if (v instanceof Date) return v.getTime();
      if (ArrayBuffer.isView(v)) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
      return String(v);
    default:
      return String(v);
  }
}

/** Arguments for a better-sqlite3 statement method: positional values, or one object of names without prefix. */
function bindArgs(params: Params): unknown[] {
  if (params === undefined) return [];
  if (Array.isArray(params)) return params.map(toBindValue);
  const named: Record<string, unknown> = {};
  for (const key of Object.keys(params)) {
    const c = key.charCodeAt(0);
    const name = c === 36 /* $ */ || c === 58 /* : */ || c === 64 /* @ */ ? key.slice(1) : key;
    named[name] = toBindValue(params[key]);
  }
  return [named];
}

function callWithParams(stmt: BetterSqlite3.Statement, method: 'run' | 'all' | 'get', args: unknown[]): unknown {
  for (let attempt = 0; ; attempt++) {
    try {
      return stmt[method](...args);
    } catch (e) {
      if (!(e instanceof RangeError) || attempt > 1000) throw e;
      const missing = /^Missing named parameter "(.*)"$/.exec(e.message);
      const first = args[0];
      if (missing && args.length === 1 && typeof first === 'object' && first !== null && !ArrayBuffer.isView(first)) {
        (first as Record<string, unknown>)[missing[1]!] = null; // node-sqlite3 leaves it unbound: NULL
        continue;
      }
      if (/^Too many parameter values/.test(e.message) && args.length > 0 && attempt === 0 && !isParamsContainer(first)) {
        args = [Object.fromEntries(args.map((v, i) => [String(i + 1), v]))]; // positional values for $1…$n
        continue;
      }
      throw e;
    }
  }
}

// ---- errors -------------------------------------------------------------------------------------------------

const ERRNO: Record<string, number> = {
  SQLITE_ERROR: 1, SQLITE_INTERNAL: 2, SQLITE_PERM: 3, SQLITE_ABORT: 4, SQLITE_BUSY: 5, SQLITE_LOCKED: 6,
  SQLITE_NOMEM: 7, SQLITE_READONLY: 8, SQLITE_INTERRUPT: 9, SQLITE_IOERR: 10, SQLITE_CORRUPT: 11,
  SQLITE_NOTFOUND: 12, SQLITE_FULL: 13, SQLITE_CANTOPEN: 14, SQLITE_PROTOCOL: 15, SQLITE_EMPTY: 16,
  SQLITE_SCHEMA: 17, SQLITE_TOOBIG: 18, SQLITE_CONSTRAINT: 19, SQLITE_MISMATCH: 20, SQLITE_MISUSE: 21,
  SQLITE_NOLFS: 22, SQLITE_AUTH: 23, SQLITE_FORMAT: 24, SQLITE_RANGE: 25, SQLITE_NOTADB: 26,
};

function makeError(code: string, message: string, extendedCode?: string): SqliteError {
  const err = new Error(`${code}: ${message}`) as SqliteError;
  err.errno = ERRNO[code];
  err.code = code;
  if (extendedCode && extendedCode !== code) err.extendedCode = extendedCode;
  return err;
}

function toSqliteError(e: unknown, fallbackCode?: string): SqliteError {
  if (e instanceof Error && typeof (e as SqliteError).code === 'string' && (e as SqliteError).errno !== undefined) return e as SqliteError;
  if (e instanceof BetterSqlite3.SqliteError) {
    // better-sqlite3 reports extended codes (SQLITE_CONSTRAINT_UNIQUE); node-sqlite3 the primary one.
    const primary = /^SQLITE_[A-Z]+/.exec(e.code)?.[0] ?? e.code;
    return makeError(primary, e.message, e.code);
  }
  if (e instanceof RangeError) return makeError('SQLITE_RANGE', e.message);
  if (e instanceof TypeError) return makeError(fallbackCode ?? 'SQLITE_MISUSE', e.message);
  if (e instanceof Error) return makeError(fallbackCode ?? 'SQLITE_ERROR', e.message);
  return makeError(fallbackCode ?? 'SQLITE_ERROR', String(e));
}
