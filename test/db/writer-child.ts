/**
 * A second process on the same SQLite file, for test/db/sqlite-adapter.test.ts: waits for "go" on stdin, then
 * writes `count` rows tagged `tag` (every other one in a withTransaction of two statements, the rest as plain
 * inserts; after the first half it waits until the other writer has written its first half) and prints one JSON line
 * {done, rows} or {error}.
 */
import { QueryTypes } from 'sequelize';
import { openDatabase } from '../../server/db.ts';

const [url, countArg, tag] = process.argv.slice(2) as [string, string, string];
const count = Number(countArg);
const say = (o: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(o)}\n`);

const db = await openDatabase(url);
try {
  say({ ready: true });
  await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
  const others = async () =>
    Number(((await db.sequelize.query<{ n: number }>('SELECT COUNT(*) AS n FROM writes WHERE tag <> :tag', { replacements: { tag }, type: QueryTypes.SELECT }))[0]!.n));
  for (let i = 0; i < count; i++) {
    // Halfway, wait for the other process's first half: the writes interleave by construction, not by scheduling luck.
    if (i === count / 2) while ((await others()) < count / 2) await new Promise((r) => setTimeout(r, 5));
    const at = new Date().toISOString();
    if (i % 2 === 0) {
      await db.withTransaction(async (transaction) => {
        await db.sequelize.query('INSERT INTO writes (tag, seq, at) VALUES (:tag, :i, :at)', { replacements: { tag, i, at }, transaction, type: QueryTypes.INSERT });
        await db.sequelize.query('UPDATE counters SET n = n + 1 WHERE name = :tag', { replacements: { tag }, transaction });
      });
    } else {
      await db.sequelize.query('INSERT INTO writes (tag, seq, at) VALUES (:tag, :i, :at)', { replacements: { tag, i, at }, type: QueryTypes.INSERT });
    }
  }
  const [row] = await db.sequelize.query<{ n: number }>('SELECT COUNT(*) AS n FROM writes WHERE tag = :tag', { replacements: { tag }, type: QueryTypes.SELECT });
  say({ done: true, rows: row!.n });
} catch (err) {
  say({ error: String((err as Error).stack ?? err) });
  process.exitCode = 1;
} finally {
  await db.close();
}
