/** Shared set-up for engine tests: a fresh database, a manual clock, the embedded engine over test models. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ManualClock } from '../../server/clock.ts';
import { createEngine, type Engine } from '../../server/engine/index.ts';
import { defineTaskModels, Task } from '../../server/engine/task-projection.ts';
import { testDatabase, type TestDatabase } from '../helpers/db.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
export const fixture = (name: string) => fs.readFileSync(path.join(here, 'fixtures', name), 'utf8');
export const testFormsDir = path.join(here, 'forms');

export interface Harness {
  tdb: TestDatabase;
  clock: ManualClock;
  engine: Engine;
  openTasks(instanceId: string): Promise<Task[]>;
  close(): Promise<void>;
}

export async function harness(setup?: (engine: Engine) => void, opts: { hotInstances?: number } = {}): Promise<Harness> {
  const tdb = await testDatabase();
  const clock = new ManualClock('2026-03-02T01:00:00Z');
  const engine = createEngine({ db: tdb.db, clock, formsDir: testFormsDir, hotInstances: opts.hotInstances });
  setup?.(engine);
  defineTaskModels(tdb.db.sequelize);
  return {
    tdb,
    clock,
    engine,
    openTasks: (instanceId) => Task.findAll({ where: { instanceId, state: 'created' }, order: [['createdAt', 'ASC'], ['elementId', 'ASC']] }),
    close: async () => {
      await engine.stop();
      await tdb.drop();
    },
  };
}
