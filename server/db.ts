/**
 * Database access: one Sequelize instance for SQLite (embedded default) or MySQL/MariaDB (production).
 * Write transactions go through `withTransaction`, which makes SQLite behave under concurrency
 * (IMMEDIATE transactions, busy timeout, in-process queue) and retries MySQL deadlocks.
 */
import path from 'node:path';
import fs from 'node:fs';
import { Sequelize, Transaction } from 'sequelize';

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
      // Sequelize opens one sqlite connection per transaction; each needs the busy timeout.
      hooks: {},
    });
    patchSqliteConnections(sequelize);
    await sequelize.query('PRAGMA journal_mode=WAL');
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

function patchSqliteConnections(sequelize: Sequelize): void {
  // The sqlite dialect bypasses Sequelize's connect hooks, so configure each connection as it opens.
  const cm = (sequelize as unknown as { connectionManager: { getConnection: (o: unknown) => Promise<SqliteConn> } })
    .connectionManager;
  const original = cm.getConnection.bind(cm);
  const configured = new WeakSet<SqliteConn>();
  cm.getConnection = async (options: unknown) => {
    const conn = await original(options);
    if (!configured.has(conn)) {
      conn.configure('busyTimeout', BUSY_TIMEOUT_MS);
      configured.add(conn);
    }
    return conn;
  };
}
interface SqliteConn {
  configure(option: 'busyTimeout', value: number): void;
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
