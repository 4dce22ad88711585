/**
 * npx tsx bench/sqlite-driver.ts [--save FILE] [--baseline FILE]
 *
 * What the SQLite driver costs per statement, on a temp file opened by server/db.ts (WAL, synchronous=NORMAL):
 *   driver  ms per `SELECT * FROM bench_items WHERE id = ?` straight on the connection Sequelize uses (the
 *           node-sqlite3 API: conn.all(sql, params, cb)), i.e. the driver without Sequelize;
 *   select  ms per `Model.findByPk(id)` through Sequelize (it runs PRAGMA table_info, then the SELECT);
 *   tx      ms per `withTransaction` of 5 statements (findByPk, update, create, count, destroy) plus BEGIN/COMMIT.
 * Ids cycle over 1,000 rows. Each figure is the median (and min) of BENCH_ROUNDS (default 7) rounds of BENCH_N
 * (default 2000) driver calls and selects and BENCH_N / 10 transactions, after a warm-up round. Source maps are off
 * while measuring (as in prof.ts: Sequelize's sqlite query builds an Error stack per query, which source-mapped
 * stack traces under tsx make expensive); BENCH_SOURCE_MAPS=1 keeps them on.
 * --save writes the result as JSON; --baseline reads such a file (e.g. saved with the previous driver) and prints
 * the ratios baseline / current (> 1: faster now). The machine's load matters: compare runs made back to back.
 */
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { DataTypes, Model, type ModelStatic } from 'sequelize';
import { openDatabase, type Database } from '../server/db.ts';
import { createTestDatabaseUrl } from '../test/helpers/db.ts';

interface Figure {
  median: number;
  min: number;
  rounds: number[];
}
interface Result {
  driver: string;
  node: string;
  sourceMaps: boolean;
  n: number;
  rounds: number;
  driverMs: Figure;
  selectMs: Figure;
  txMs: Figure;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function driverName(db: Database): string {
  if (db.dialect === 'mysql') return 'mysql2';
  const lib = (db.sequelize as unknown as { connectionManager: { lib: { driverName?: string } } }).connectionManager.lib;
  return lib.driverName ?? 'sqlite3';
}

const figure = (xs: number[]): Figure => ({ median: [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!, min: Math.min(...xs), rounds: xs });
const KEYS = ['driverMs', 'selectMs', 'txMs'] as const;
const LABELS = { driverMs: 'driver: SELECT by primary key', selectMs: 'Sequelize findByPk', txMs: 'transaction of 5 statements' };

async function main(): Promise<void> {
  const N = Number(process.env.BENCH_N ?? 2000);
  const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
  const sourceMaps = process.env.BENCH_SOURCE_MAPS === '1';
  process.setSourceMapsEnabled(sourceMaps);
  const { url, drop } = await createTestDatabaseUrl();
  const db = await openDatabase(url);
  try {
    class Item extends Model {}
    Item.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        name: { type: DataTypes.STRING(100), allowNull: false },
        qty: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        at: { type: DataTypes.DATE(3), allowNull: true },
      },
      { sequelize: db.sequelize, tableName: 'bench_items', timestamps: false },
    );
    const Items = Item as ModelStatic<Item>;
    await Items.sync({ force: true });
    await Items.bulkCreate(Array.from({ length: 1000 }, (_, i) => ({ name: `物品 ${i}`, qty: i, at: new Date() })));

    type Conn = { all(sql: string, params: unknown[], cb: (err: Error | null, rows: unknown[]) => void): void };
    const cm = (db.sequelize as unknown as { connectionManager: { getConnection(o?: object): Promise<Conn> } }).connectionManager;
    const conn = await cm.getConnection(); // the default connection (not released: Sequelize keeps it open anyway)
    const driverRound = async (n: number) => {
      const t = performance.now();
      for (let i = 0; i < n; i++) {
        const rows = await new Promise<unknown[]>((resolve, reject) =>
          conn.all('SELECT * FROM bench_items WHERE id = ?', [(i % 1000) + 1], (err, r) => (err ? reject(err) : resolve(r))),
        );
        if (rows.length !== 1) throw new Error('row missing');
      }
      return (performance.now() - t) / n;
    };
    const selectRound = async (n: number) => {
      const t = performance.now();
      for (let i = 0; i < n; i++) {
        const row = await Items.findByPk((i % 1000) + 1);
        if (!row) throw new Error('row missing');
      }
      return (performance.now() - t) / n;
    };
    const txRound = async (n: number) => {
      const t = performance.now();
      for (let i = 0; i < n; i++) {
        await db.withTransaction(async (transaction) => {
          const row = await Items.findByPk((i % 1000) + 1, { transaction });
          await Items.update({ qty: (row!.get('qty') as number) + 1 }, { where: { id: row!.get('id') as number }, transaction });
          const extra = await Items.create({ name: `临时 ${i}`, qty: 0, at: new Date() }, { transaction });
          await Items.count({ where: { qty: 0 }, transaction });
          await extra.destroy({ transaction });
        });
      }
      return (performance.now() - t) / n;
    };

    await driverRound(Math.min(N, 500));
    await selectRound(Math.min(N, 500));
    await txRound(Math.min(N / 10, 50));
    const raw: Record<(typeof KEYS)[number], number[]> = { driverMs: [], selectMs: [], txMs: [] };
    for (let r = 0; r < ROUNDS; r++) {
      raw.driverMs.push(await driverRound(N));
      raw.selectMs.push(await selectRound(N));
      raw.txMs.push(await txRound(Math.max(1, Math.round(N / 10))));
    }
    const result: Result = {
      driver: driverName(db),
      node: process.version,
      sourceMaps,
      n: N,
      rounds: ROUNDS,
      driverMs: figure(raw.driverMs),
      selectMs: figure(raw.selectMs),
      txMs: figure(raw.txMs),
    };
    console.log(`driver ${result.driver} (${db.dialect}), node ${result.node}, source maps ${sourceMaps ? 'on' : 'off'}; ms per operation, median / min of ${ROUNDS} rounds`);
    for (const k of KEYS) {
      const f = result[k];
      console.log(`  ${LABELS[k].padEnd(32)} ${f.median.toFixed(3)} / ${f.min.toFixed(3)}   (rounds: ${f.rounds.map((x) => x.toFixed(3)).join(', ')})`);
    }
    const save = arg('--save');
    if (save) fs.writeFileSync(save, JSON.stringify(result, null, 2) + '\n');
    const baselineFile = arg('--baseline');
    if (baselineFile) {
      const b = JSON.parse(fs.readFileSync(baselineFile, 'utf8')) as Result;
      console.log(`ratio ${b.driver} / ${result.driver} (baseline / current, > 1: faster now), median (min):`);
      for (const k of KEYS) {
        const x = b[k];
        const y = result[k];
        console.log(`  ${LABELS[k].padEnd(32)} ${x.median.toFixed(3)} / ${y.median.toFixed(3)} = ${(x.median / y.median).toFixed(2)}x   (${(x.min / y.min).toFixed(2)}x)`);
      }
    }
  } finally {
    await db.close();
    await drop();
  }
}

await main();
