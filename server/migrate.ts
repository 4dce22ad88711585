/** Schema changes happen only here: versioned migrations in migrations/, applied in name order by umzug. */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Umzug, SequelizeStorage } from 'umzug';
import type { QueryInterface } from 'sequelize';
import type { Database } from './db.ts';

export interface MigrationContext {
  qi: QueryInterface;
  dialect: Database['dialect'];
}

const migrationsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'migrations');

export function migrator(db: Database) {
  return new Umzug<MigrationContext>({
    migrations: {
      glob: ['[0-9][0-9][0-9][0-9]-*.ts', { cwd: migrationsDir }],
      resolve: ({ name, path: file, context }) => ({
        name,
        up: async () => (await import(pathToFileURL(file!).href)).up(context),
        down: async () => (await import(pathToFileURL(file!).href)).down(context),
      }),
    },
    context: { qi: db.sequelize.getQueryInterface(), dialect: db.dialect },
    storage: new SequelizeStorage({ sequelize: db.sequelize, tableName: 'schema_migrations' }),
    logger: undefined,
  });
}

export async function migrate(db: Database): Promise<string[]> {
  const done = await migrator(db).up();
  return done.map((m) => m.name);
}
