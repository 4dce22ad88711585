/** What the procurement-chain components (projects, tenders, evaluation) get from the app to register routes. */
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db.ts';
import type { EnginePort } from '../engine/port.ts';
import type { defineTaskModels } from '../engine/task-projection.ts';
import type { Logger } from '../logger.ts';

export interface ComponentDeps {
  db: Database;
  engine: EnginePort;
  clock: Clock;
  config: Config;
  logger: Logger;
  Task: ReturnType<typeof defineTaskModels>['Task'];
}
