/**
 * The whole system in one process: database → migrations → demo seed → engine + workers → deploy processes/*.bpmn
 * → engine scheduler → HTTP. `server/main.ts` runs it for `npm start`; browser tests start it on a random port.
 */
import type { Server } from 'node:http';
import { buildApp } from './app.ts';
import { systemClock, type Clock } from './clock.ts';
import type { Config } from './config.ts';
import { openDatabase, type Database } from './db.ts';
import { deployProcesses } from './deploy-processes.ts';
import { createEngine, type Engine } from './engine/index.ts';
import { silentLogger, type Logger } from './logger.ts';
import { migrate } from './migrate.ts';
import { formatDemoAccounts, seedDemo } from './seed/demo.ts';
import { seedChainDemoAtStart } from './seed/chain-demo.ts';
import { registerWorkers } from './workers/index.ts';
import { configureSealing } from './tender/sealing.ts';
import { closePdfBrowser, setChromiumPath } from './documents/pdf.ts';
import { attachDeploymentRecorder } from './modeler/service.ts';
import { attachProjectListeners } from './procurement/listeners.ts';
import { attachAuditListener } from './audit/listener.ts';
import { attachExchangeListener } from './exchange/listener.ts';
import { startOutbox } from './exchange/outbox.ts';
import { configureExchange } from './exchange/releases.ts';


export interface RunningSystem {
  config: Config;
  db: Database;
  engine: Engine;
  server: Server;
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  stop(): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  logger?: Logger;
  /** Print the demo accounts when the seed created them (npm start does; tests don't). */
  printDemoAccounts?: boolean;
}

export async function startSystem(config: Config, opts: StartOptions = {}): Promise<RunningSystem> {
  const logger = opts.logger ?? silentLogger;
  const clock = opts.clock ?? systemClock;

  const db: Database = await openDatabase(config.databaseUrl);
  const applied = await migrate(db);
  if (applied.length) logger.info({ migrations: applied }, 'migrations applied');

  let newDemoDatabase = false; // the demo accounts were created by this start: a new database
  if (config.seedDemo) {
    const accounts = await seedDemo(db, { password: config.demoPassword });
    if (accounts.length) {
      newDemoDatabase = true;
      if (config.nodeEnv === 'production') logger.warn('demo accounts seeded in production: set SEED_DEMO=false');
      // Printed once, on the first start of a new database.
      if (opts.printDemoAccounts) console.log(formatDemoAccounts(accounts, config.demoPassword));
    }
  }

  // formsDir: the engine checks at deploy that every user task's form exists there.
  const engine = createEngine({
    db,
    clock,
    pollIntervalMs: config.enginePollMs,
    hotInstances: config.engineHotInstances,
    formsDir: config.formsDir,
    // ENGINE=zeebe: the same models and workers on Camunda 8 (server/engine/zeebe/).
    zeebe: config.engine === 'zeebe' ? config.zeebe : undefined,
    log: (msg, data) => logger.info({ engine: true, ...data }, msg),
  });
  registerWorkers(engine, { db, clock });
  configureSealing(db.sequelize, config.bidSeal); // bid sealing key for the tender workers, before any timer fires
  // Before processes/ is deployed, so shipped versions are recorded (source 'shipped') in the same transaction.
  attachDeploymentRecorder(engine, db);
  attachProjectListeners(engine, db.sequelize); // projects and stage_actions, in the engine's transaction, before any timer fires
  attachAuditListener(engine, db); // audit trail entry in the transaction of every engine change (deployments included)
  configureExchange(db.sequelize, config.exchange); // the ocid prefix, before any worker publishes
  attachExchangeListener(engine); // OCDS releases in the engine's transaction, after the project listener
  const deployed = await deployProcesses(engine, config.processesDir);
  for (const d of deployed) {
    logger.info({ bpmnProcessId: d.bpmnProcessId, version: d.version, created: d.created }, 'process deployed');
  }
  await engine.start();

  await setChromiumPath(config.chromiumPath); // document PDFs; a missing binary is a 503 on the PDF route, not a failed start
  const app = buildApp({ config, db, engine, clock, logger });
  // Demo projects in the chain (server/seed/chain-demo.ts): after deploy and buildApp (its listeners), before listening.
  if (newDemoDatabase && config.seedDemoChain) await seedChainDemoAtStart({ db, engine, clock, config, logger });
  const outbox = startOutbox(db, config.exchange, logger); // pushes releases to CITY_PLATFORM_URL when set
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
    s.on('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const shownHost = config.host === '0.0.0.0' ? 'localhost' : config.host;
  const url = `http://${shownHost}:${port}`;
  logger.info({ url, docs: `${url}/api/docs` }, 'listening');

  return {
    config,
    db,
    engine,
    server,
    url,
    async stop() {
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await outbox?.stop();
      await engine.stop();
      await closePdfBrowser();
      await db.close();
    },
  };
}
