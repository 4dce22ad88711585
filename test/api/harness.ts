/**
 * One app per test file: a fresh migrated database, demo users (password `demo1234`), a ManualClock, an
 * embedded engine with the API fixtures deployed, and helpers to log in through the API.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import type { Express } from 'express';
import { buildApp } from '../../server/app.ts';
import { ManualClock } from '../../server/clock.ts';
import { loadConfig, type Config } from '../../server/config.ts';
import { createEngine, type Engine } from '../../server/engine/index.ts';
import type { Worker } from '../../server/engine/port.ts';
import { seedDemo } from '../../server/seed/demo.ts';
import { testDatabase, type TestDatabase } from '../helpers/db.ts';

export const fixturesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
export const DEMO_PASSWORD = 'demo1234';
export const TEST_SECRET = 'test-secret-0123456789-abcdefghijklmnop';

export interface Harness {
  app: Express;
  config: Config;
  clock: ManualClock;
  engine: Engine;
  tdb: TestDatabase;
  /** Logs in through the API and returns the bearer token. */
  token(username: string): Promise<string>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** BPMN files from test/fixtures to deploy. */
  deploy?: string[];
  workers?: Record<string, Worker>;
}

export function testConfig(): Config {
  return loadConfig({
    JWT_SECRET: TEST_SECRET,
    DEMO_PASSWORD,
    FORMS_DIR: path.join(fixturesDir, 'forms'),
    PROCESSES_DIR: fixturesDir,
    LOG_LEVEL: 'silent',
    SEED_DEMO_CHAIN: 'false', // no demo projects (server/seed/chain-demo.ts): tests count their own
  });
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const tdb = await testDatabase();
  const clock = new ManualClock('2026-03-02T01:00:00Z');
  const config = testConfig();
  await seedDemo(tdb.db, { password: DEMO_PASSWORD });
  // formsDir: the embedded engine checks at deploy that each user task's form exists.
  const engine = createEngine({ db: tdb.db, clock, formsDir: config.formsDir });
  for (const [type, worker] of Object.entries(opts.workers ?? {})) engine.registerWorker(type, worker, { retries: 1 });
  for (const file of opts.deploy ?? []) {
    await engine.deploy({ xml: fs.readFileSync(path.join(fixturesDir, file), 'utf8'), resourceName: file, deployedBy: 'test' });
  }
  const app = buildApp({ config, db: tdb.db, engine, clock });
  const tokens = new Map<string, string>();
  return {
    app,
    config,
    clock,
    engine,
    tdb,
    async token(username) {
      const cached = tokens.get(username);
      if (cached) return cached;
      const res = await request(app).post('/api/auth/login').send({ username, password: DEMO_PASSWORD });
      if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
      tokens.set(username, res.body.token);
      return res.body.token as string;
    },
    async close() {
      await engine.stop();
      await tdb.drop();
    },
  };
}

/** `Authorization: Bearer …` header value. */
export const bearer = (token: string) => `Bearer ${token}`;
