/**
 * Process entry for `npm start`: reads the configuration and runs the whole system (server/system.ts).
 * SIGTERM/SIGINT close the server, stop the engine and close the database.
 */
import { ConfigError, loadConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { startSystem } from './system.ts';

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
  const system = await startSystem(config, { logger, printDemoAccounts: true });

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    await system.stop();
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
