/** `npm run migrate`: apply pending migrations to DATABASE_URL and list them. */
import { ConfigError, loadDatabaseUrl } from '../config.ts';
import { openDatabase } from '../db.ts';
import { migrate } from '../migrate.ts';

try {
  const db = await openDatabase(loadDatabaseUrl());
  try {
    const applied = await migrate(db);
    console.log(applied.length ? `已执行迁移 (applied): ${applied.join(', ')}` : '数据库已是最新 (database is up to date)');
  } finally {
    await db.close();
  }
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exitCode = 1;
}
