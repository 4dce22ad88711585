/**
 * Browser tests against the real system: the web app is built from the current sources, the whole server
 * (server/system.ts: migrations, demo seed, engine, workers, processes/*.bpmn) starts on a random port with a
 * fresh database (SQLite file, or a new MariaDB database when DATABASE_URL=mysql://…), and Debian's chromium runs
 * headless through playwright-core. A missing chromium fails the test with the command that installs it:
 * browser tests never skip.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { buildWeb } from '../../scripts/build-web.ts';
import { ManualClock, type Clock } from '../../server/clock.ts';
import { loadConfig } from '../../server/config.ts';
import { startSystem, type RunningSystem } from '../../server/system.ts';
import { createTestDatabaseUrl } from '../helpers/db.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const DEMO_PASSWORD = 'demo1234';
export const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'artifacts');

let built: Promise<unknown> | null = null;
/** Builds public/ once per test process. */
export function ensureWebBuilt(): Promise<unknown> {
  built ??= buildWeb();
  return built;
}

export interface E2E {
  url: string;
  system: RunningSystem;
  clock: Clock;
  browser: Browser;
  /** A new isolated browser context (own localStorage) with one page, zh-CN, 1366×860. */
  newPage(opts?: { locale?: string }): Promise<Page>;
  /** Logs in through the UI as a demo user (username = role) and waits for the home page. */
  login(page: Page, username: string, password?: string): Promise<void>;
  /** Logs in through the API and returns a bearer token (for setting up data quickly). */
  token(username: string, password?: string): Promise<string>;
  /** JSON request to the API as a user. */
  api<T = any>(method: string, apiPath: string, username: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** Saves a full-page PNG under test/artifacts/<name>.png and returns its path. */
  screenshot(page: Page, name: string): Promise<string>;
  close(): Promise<void>;
}

export interface E2EOptions {
  /** Defaults to the system clock; pass a ManualClock to control deadlines. */
  clock?: Clock | ManualClock;
  env?: Record<string, string>;
}

export async function startE2E(opts: E2EOptions = {}): Promise<E2E> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install it with \`apt-get install -y chromium fonts-noto-cjk\` (or set CHROMIUM_PATH)`);
  }
  await ensureWebBuilt();
  const { url: databaseUrl, drop } = await createTestDatabaseUrl();
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    PORT: '0',
    HOST: '127.0.0.1',
    JWT_SECRET: 'e2e-secret-0123456789-abcdefghijklmnopqrstuv',
    DEMO_PASSWORD,
    SEED_DEMO: 'true',
    SEED_DEMO_CHAIN: 'false', // no demo projects (server/seed/chain-demo.ts): tests see only what they create
    LOG_LEVEL: 'silent',
    ...opts.env,
  });
  const system = await startSystem(config, { clock: opts.clock });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const contexts: BrowserContext[] = [];
  const tokens = new Map<string, string>();
  const base = system.url;

  async function token(username: string, password = DEMO_PASSWORD): Promise<string> {
    const cached = tokens.get(username);
    if (cached) return cached;
    const res = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    const body = (await res.json()) as { token?: string };
    if (!res.ok || !body.token) throw new Error(`login ${username} failed: ${res.status} ${JSON.stringify(body)}`);
    tokens.set(username, body.token);
    return body.token;
  }

  return {
    url: base,
    system,
    clock: opts.clock ?? (await import('../../server/clock.ts')).systemClock,
    browser,
    async newPage({ locale = 'zh-CN' } = {}) {
      const ctx = await browser.newContext({ locale, viewport: { width: 1366, height: 860 }, acceptDownloads: true, baseURL: base });
      contexts.push(ctx);
      const page = await ctx.newPage();
      // A page error is a test failure waiting to happen: make it loud.
      page.on('pageerror', (err) => console.error(`[browser] ${err.message}`));
      return page;
    },
    async login(page, username, password = DEMO_PASSWORD) {
      await page.goto(`${base}/#/login`);
      await page.fill('input[name=username]', username);
      await page.fill('input[name=password]', password);
      await page.click('button[type=submit]');
      await page.waitForSelector('[data-testid=user-name]');
    },
    token,
    async api(method, apiPath, username, body) {
      const res = await fetch(`${base}${apiPath}`, {
        method,
        headers: { Authorization: `Bearer ${await token(username)}`, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        /* not JSON */
      }
      return { status: res.status, body: parsed as any };
    },
    async screenshot(page, name) {
      fs.mkdirSync(ARTIFACTS, { recursive: true });
      const file = path.join(ARTIFACTS, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => {});
      await browser.close();
      await system.stop();
      await drop();
    },
  };
}
