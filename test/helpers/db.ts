/**
 * A fresh, migrated database per test file: a temp SQLite file by default, or a new MariaDB/MySQL database
 * on the server named by DATABASE_URL=mysql://… (dropped afterwards).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { Sequelize } from 'sequelize';
import { openDatabase, type Database } from '../../server/db.ts';
import { migrate } from '../../server/migrate.ts';

export interface TestDatabase {
  db: Database;
  url: string;
  drop(): Promise<void>;
}

export function testDialect(): 'sqlite' | 'mysql' {
  return (process.env.DATABASE_URL ?? '').startsWith('mysql') ? 'mysql' : 'sqlite';
}

/** A URL for a new empty database (not yet opened): a temp file, or a new MySQL database. */
export async function createTestDatabaseUrl(): Promise<{ url: string; drop: () => Promise<void> }> {
  const base = process.env.DATABASE_URL ?? '';
  if (base.startsWith('mysql')) {
    const u = new URL(base);
    const name = `t_${Date.now().toString(36)}_${crypto.randomBytes(3).toString('hex')}`;
    const admin = new Sequelize('', decodeURIComponent(u.username), decodeURIComponent(u.password), {
      dialect: 'mysql', host: u.hostname, port: u.port ? Number(u.port) : 3306, logging: false,
    });
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await admin.close();
    u.pathname = `/${name}`;
    return {
      url: u.toString(),
      drop: async () => {
        const a = new Sequelize('', decodeURIComponent(u.username), decodeURIComponent(u.password), {
          dialect: 'mysql', host: u.hostname, port: u.port ? Number(u.port) : 3306, logging: false,
        });
        await a.query(`DROP DATABASE IF EXISTS \`${name}\``);
        await a.close();
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eproc-test-'));
  return { url: `sqlite:${path.join(dir, 'test.sqlite')}`, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export async function testDatabase(): Promise<TestDatabase> {
  const { url, drop } = await createTestDatabaseUrl();
  const db = await openDatabase(url);
  await migrate(db);
  return {
    db,
    url,
    drop: async () => {
      await db.close();
      await drop();
    },
  };
}
