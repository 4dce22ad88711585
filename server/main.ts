/**
 * Process entry: config → database → migrations → demo seed → engine + workers → deploy processes/*.bpmn →
 * engine scheduler → HTTP. SIGTERM/SIGINT close the server, stop the engine and close the database.
 */
import type { Server } from 'node:http';
import { buildApp } from './app.ts';
import { systemClock } from './clock.ts';
import { ConfigError, loadConfig } from './config.ts';
import { openDatabase, type Database } from './db.ts';
import { deployProcesses } from './deploy-processes.ts';
import { createEngine } from './engine/index.ts';
import { createLogger } from './logger.ts';
import { migrate } from './migrate.ts';
import { formatDemoAccounts, seedDemo } from './seed/demo.ts';
import { registerWorkers } from './workers/index.ts';

async function main(): Promise<void> {
  // tsx turns on source maps; Sequelize reads an Error stack on every query, which they make ~3x dearer.
  if (process.env.NODE_OPTIONS?.includes('--enable-source-maps') !== true) process.setSourceMapsEnabled(false);
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  const clock = systemClock;

  const db: Database = await openDatabase(config.databaseUrl);
  const applied = await migrate(db);
  if (applied.length) logger.info({ migrations: applied }, 'migrations applied');

  if (config.seedDemo) {
    const accounts = await seedDemo(db, { password: config.demoPassword });
    if (accounts.length) {
      if (config.nodeEnv === 'production') logger.warn('demo accounts seeded in production: set SEED_DEMO=false');
      // Printed once, on the first start of a new database.
      console.log(formatDemoAccounts(accounts, config.demoPassword));
    }
  }

  // formsDir: the engine checks at deploy that every user task's form exists there.
  const engine = createEngine({
    db,
    clock,
    pollIntervalMs: config.enginePollMs,
    formsDir: config.formsDir,
    log: (msg, data) => logger.info({ engine: true, ...data }, msg),
  });
  registerWorkers(engine, { db, clock });
  const deployed = await deployProcesses(engine, config.processesDir);
  for (const d of deployed) {
    logger.info({ bpmnProcessId: d.bpmnProcessId, version: d.version, created: d.created }, 'process deployed');
  }
  await engine.start();

  const app = buildApp({ config, db, engine, clock, logger });
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
    s.on('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const shownHost = config.host === '0.0.0.0' ? 'localhost' : config.host;
  logger.info({ url: `http://${shownHost}:${port}`, docs: `http://${shownHost}:${port}/api/docs` }, 'listening');

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await engine.stop();
    await db.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  if (err instanceof Error && err.stack && !(err.name === 'ProcessDeployError')) console.error(err.stack);
  process.exit(1);
});
