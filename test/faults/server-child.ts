/**
 * Test-only entry for the kill test: the whole system (server/system.ts startSystem) in a child process the test
 * kills with SIGKILL. Its clock is the test's: `CHAIN_START + offset`, the offset (ms) read from a file the test
 * rewrites (atomically) when it moves time on — no test hooks in production code.
 * argv: <databaseUrl> <port> <offsetFile>. Prints one JSON line `{"event":"ready"}` when it listens.
 */
import fs from 'node:fs';
import { loadConfig } from '../../server/config.ts';
import { startSystem } from '../../server/system.ts';
import type { Clock } from '../../server/clock.ts';

const [databaseUrl, port, offsetFile, sealKey] = process.argv.slice(2) as [string, string, string, string];
const FAULTS_START = Date.parse('2026-03-02T01:00:00Z');

let cached = { at: 0, offset: 0 };
const clock: Clock = {
  now() {
    const t = Date.now();
    if (t - cached.at > 20) {
      try {
        cached = { at: t, offset: Number(fs.readFileSync(offsetFile, 'utf8')) || 0 };
      } catch {
        cached = { at: t, offset: cached.offset };
      }
    }
    return new Date(FAULTS_START + cached.offset);
  },
};

const config = loadConfig({
  DATABASE_URL: databaseUrl,
  PORT: port,
  HOST: '127.0.0.1',
  JWT_SECRET: 'faults-secret-0123456789-abcdefghijklmnop',
  JWT_EXPIRES_IN: '30d',
  LOG_LEVEL: 'silent',
  SEED_DEMO_CHAIN: 'false',
  ENGINE_POLL_MS: '200',
  BID_SEAL_KEY: sealKey,
});
await startSystem(config, { clock });
process.stdout.write(`${JSON.stringify({ event: 'ready' })}\n`);
