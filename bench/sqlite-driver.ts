/**
 * npx tsx bench/sqlite-driver.ts [--save FILE] [--baseline FILE]
 *
 * What the SQLite driver costs per statement, through Sequelize and server/db.ts (openDatabase, withTransaction),
 * on a temp file in WAL mode:
 *   select  ms per `Model.findByPk(id)` (one SELECT by primary key), ids cycling over 1,000 rows;
 *   tx      ms per `withTransaction` of 5 statements (findByPk, update, create, count, destroy) plus BEGIN/COMMIT.
 * Each figure is the median of BENCH_ROUNDS (default 5) rounds of BENCH_N (default 2000) selects and BENCH_N / 10
 * transactions, after a warm-up round. --save writes the result as JSON; --baseline reads such a file (e.g. saved
 * with the previous driver) and prints the ratio baseline / current (> 1: the current driver is faster).
 * DATABASE_URL=mysql://… runs the same against MySQL/MariaDB (a new database, dropped afterwards).
 */
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { DataTypes, Model, type ModelStatic } from 'sequelize';
import { openDatabase, type Database } from '../server/db.ts';
import { createTestDatabaseUrl } from '../test/helpers/db.ts';

interface Result {
  driver: string;
  node: string;
  selectMs: number;
  txMs: number;
  n: number;
  rounds: number;
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

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const N = Number(process.env.BENCH_N ?? 2000);
  const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
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

    await selectRound(Math.min(N, 500));
    await txRound(Math.min(N / 10, 50));
    const selects: number[] = [];
    const txs: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      selects.push(await selectRound(N));
      txs.push(await txRound(Math.max(1, Math.round(N / 10))));
    }
    const result: Result = { driver: driverName(db), node: process.version, selectMs: median(selects), txMs: median(txs), n: N, rounds: ROUNDS };
    console.log(`driver ${result.driver} (${db.dialect}), node ${result.node}, median of ${ROUNDS} rounds`);
    console.log(`  select by primary key   ${result.selectMs.toFixed(3)} ms   (rounds: ${selects.map((x) => x.toFixed(3)).join(', ')})`);
    console.log(`  transaction, 5 stmts    ${result.txMs.toFixed(3)} ms   (rounds: ${txs.map((x) => x.toFixed(3)).join(', ')})`);
    const save = arg('--save');
    if (save) fs.writeFileSync(save, JSON.stringify(result, null, 2) + '\n');
    const baselineFile = arg('--baseline');
    if (baselineFile) {
      const b = JSON.parse(fs.readFileSync(baselineFile, 'utf8')) as Result;
      console.log(`ratio ${b.driver} / ${result.driver} (baseline / current; > 1 means faster now):`);
      console.log(`  select   ${b.selectMs.toFixed(3)} / ${result.selectMs.toFixed(3)} = ${(b.selectMs / result.selectMs).toFixed(2)}x`);
      console.log(`  tx       ${b.txMs.toFixed(3)} / ${result.txMs.toFixed(3)} = ${(b.txMs / result.txMs).toFixed(2)}x`);
    }
  } finally {
    await db.close();
    await drop();
  }
}

await main();
