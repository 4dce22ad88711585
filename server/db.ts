/**
 * Database access: one Sequelize instance for SQLite (embedded default) or MySQL/MariaDB (production).
 * Write transactions go through `withTransaction`, which makes SQLite behave under concurrency
 * (IMMEDIATE transactions, busy timeout, in-process queue) and retries MySQL deadlocks.
 * SQLite runs on better-sqlite3 through the node-sqlite3-compatible adapter in server/sqlite/.
 */
import path from 'node:path';
import fs from 'node:fs';
import { Sequelize, Transaction } from 'sequelize';
import { sqliteDialect } from './sqlite/index.ts';

export type Dialect = 'sqlite' | 'mysql';

export interface Database {
  sequelize: Sequelize;
  dialect: Dialect;
  /** Runs `fn` in one write transaction; commits on success, rolls back on throw. */
  withTransaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const BUSY_TIMEOUT_MS = 15_000;

export function parseDatabaseUrl(url: string): { dialect: Dialect; storage?: string } {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length).replace(/^\/\//, '');
    if (!file) throw new Error('DATABASE_URL sqlite: needs a file path, e.g. sqlite:data/app.sqlite');
    return { dialect: 'sqlite', storage: file === ':memory:' ? ':memory:' : path.resolve(file) };
  }
  if (url.startsWith('mysql://') || url.startsWith('mariadb://')) return { dialect: 'mysql' };
  throw new Error(`DATABASE_URL must start with sqlite: or mysql:// (got "${url.split(':')[0]}:")`);
}

export async function openDatabase(url: string, opts: { logging?: (sql: string) => void } = {}): Promise<Database> {
  const parsed = parseDatabaseUrl(url);
  let sequelize: Sequelize;
  if (parsed.dialect === 'sqlite') {
    if (parsed.storage !== ':memory:') fs.mkdirSync(path.dirname(parsed.storage!), { recursive: true });
    sequelize = new Sequelize({
      dialect: 'sqlite',
      storage: parsed.storage,
      logging: opts.logging ?? false,
      // better-sqlite3 behind node-sqlite3's API: one real handle per file per process; Sequelize's per-transaction
      // "connections" are facades over it (see server/sqlite/). The busy timeout is for locks held by OTHER
      // processes (tests' child processes, `npm run migrate` beside a server).
      dialectModule: sqliteDialect({ busyTimeoutMs: BUSY_TIMEOUT_MS }),
    });
    await sequelize.query('PRAGMA journal_mode=WAL');
    await sequelize.query('PRAGMA foreign_keys=ON'); // Sequelize also sets it on each connection it opens
    // WAL with NORMAL sync is durable against process crashes (not against power loss mid-commit).
    await sequelize.query('PRAGMA synchronous=NORMAL');
  } else {
    const u = new URL(url.replace(/^mariadb:/, 'mysql:'));
    sequelize = new Sequelize(decodeURIComponent(u.pathname.slice(1)) || 'test', decodeURIComponent(u.username), decodeURIComponent(u.password), {
      dialect: 'mysql',
      host: u.hostname,
      port: u.port ? Number(u.port) : 3306,
      logging: opts.logging ?? false,
      timezone: '+00:00',
      dialectOptions: { charset: 'utf8mb4', dateStrings: false, supportBigNumbers: true, bigNumberStrings: true },
      define: { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' },
      pool: { max: 10, min: 0, idle: 10_000 },
    });
    await sequelize.authenticate();
  }
  return makeDatabase(sequelize, parsed.dialect);
}

function makeDatabase(sequelize: Sequelize, dialect: Dialect): Database {
  // SQLite has one writer at a time: queue write transactions in-process instead of spinning on SQLITE_BUSY.
  let queue: Promise<unknown> = Promise.resolve();
  const sqliteTx = <T>(fn: (tx: Transaction) => Promise<T>): Promise<T> => {
    const run = queue.then(() => sequelize.transaction({ type: Transaction.TYPES.IMMEDIATE }, fn));
    queue = run.catch(() => undefined);
    return run;
  };
  const mysqlTx = async <T>(fn: (tx: Transaction) => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await sequelize.transaction({ isolationLevel: Transaction.ISOLATION_LEVELS.READ_COMMITTED }, fn);
      } catch (err) {
        const code = (err as { parent?: { code?: string } }).parent?.code;
        if (attempt < 5 && (code === 'ER_LOCK_DEADLOCK' || code === 'ER_LOCK_WAIT_TIMEOUT')) {
          await new Promise((r) => setTimeout(r, 10 * attempt));
          continue;
        }
        throw err;
      }
    }
  };
  return {
    sequelize,
    dialect,
    withTransaction: dialect === 'sqlite' ? sqliteTx : mysqlTx,
    close: () => sequelize.close(),
  };
}
