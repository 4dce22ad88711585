/**
 * The routes every register has, declared once: list (search + paging), get, create, update (optimistic version),
 * version history, CSV import (all rows valid or nothing) and CSV export. Each register supplies its schemas,
 * its access rules (per route and per record) and how a record is shown to a given caller.
 */
import { appendAudit } from '../audit/index.ts';
import { UniqueConstraintError, type Sequelize, type Transaction, type WhereOptions } from 'sequelize';
import { z } from 'zod';
import type { Clock } from '../clock.ts';
import type { Database } from '../db.ts';
import { AppError, conflict, forbidden, notFound } from '../errors.ts';
import { addRoute, type Api } from '../http/route.ts';
import type { Role } from '../auth/roles.ts';
import type { AuthUser } from '../auth/types.ts';
import { businessDate } from '../calendar/deadlines.ts';
import { andWhere, listVersions, pageQuery, pageSchema, saveVersion, staleVersion, textWhere, versionSchema, type RegisterName } from './common.ts';
import { CSV_LIMIT_BYTES, ImportErrors, parseCsv, toCsv, type CsvColumn } from './csv.ts';
import { registryModels, type RegistryModels, type Row, type RowModel } from './models.ts';


/** Register fields an audit entry names but does not copy (bank details, identity numbers, contacts). */
const SENSITIVE_FIELD = /bank|account|idNumber|id_number|phone|mobile|email|password/i;
export type Plain = Record<string, unknown>;

export interface Ctx {
  tx: Transaction;
  models: RegistryModels;
  now: Date;
  /** Today in Asia/Shanghai (YYYY-MM-DD). */
  today: string;
  user: AuthUser;
}

export interface RegisterAccess {
  read: readonly Role[];
  create: readonly Role[];
  update: readonly Role[];
  import: readonly Role[];
  export: readonly Role[];
}

/* eslint-disable @typescript-eslint/no-explicit-any */
export interface RegisterDef {
  register: RegisterName;
  basePath: string;
  tag: string;
  /** e.g. 供应商 (supplier) */
  label: string;
  model(sequelize: Sequelize): RowModel;
  itemSchema: z.ZodType;
  createSchema: z.ZodObject<any>;
  updateSchema: z.ZodObject<any>;
  filters?: z.ZodObject<any>;
  filterWhere?(query: Record<string, unknown>): WhereOptions | null;
  access: RegisterAccess;
  /** Who may call each route, in words (OpenAPI and docs). */
  accessNote: string;
  /** Columns text search looks in, for this caller (never columns the caller may not see). */
  searchColumns(user: AuthUser): string[];
  /** More conditions a search word may meet (e.g. a category name); `user` so they never reach data the caller may not see. */
  searchExtra?(word: string, user: AuthUser): WhereOptions[];
  order: [string, 'ASC' | 'DESC'][];
  /** Rows the caller may list (null: all), or throws 403. */
  scope(user: AuthUser, db: Database): Promise<WhereOptions | null> | WhereOptions | null;
  /** `tx` when called inside a write transaction (SQLite: a query outside it would wait for it to end). */
  canRead(user: AuthUser, row: Plain, db: Database, tx?: Transaction): Promise<boolean> | boolean;
  canUpdate(user: AuthUser, row: Plain): boolean;
  /** Adds derived data (e.g. evidence file details) to a page of rows before `present`. */
  enrich?(rows: Plain[], db: Database): Promise<void>;
  canSeeVersions?(user: AuthUser, row: Plain): boolean;
  present(row: Plain, user: AuthUser, today: string): unknown;
  /** Checks and the column values of a new record (throws AppError naming the field). */
  prepareCreate(ctx: Ctx, input: any): Promise<Plain>;
  /** Checks and the changed column values; `row` is the current record. */
  prepareUpdate(ctx: Ctx, row: Plain, patch: any): Promise<Plain>;
  /**
   * Checks run again after the row is written, in the same transaction (throws AppError): a rule spanning several
   * rows that no unique index enforces (e.g. overlapping credit periods) holds even when requests run in parallel.
   */
  afterWrite?(ctx: Ctx, row: Plain): Promise<void>;
  /** The natural key an import matches existing records on (null: import always creates). */
  naturalKey(values: Plain): WhereOptions | null;
  csv: { columns: CsvColumn<Plain>[]; fromRow(values: Record<string, string>): unknown; filename: string };
}

const plainOf = (row: Row): Plain => row.get({ plain: true }) as Plain;

export interface RegisterDeps {
  db: Database;
  clock: Clock;
}

export function registerCrudRoutes(api: Api, def: RegisterDef, deps: RegisterDeps): void {
  const { db, clock } = deps;
  const models = () => registryModels(db.sequelize);
  const Model = () => def.model(db.sequelize);
  const idParams = z.object({ id: z.coerce.number().int().min(1).max(2_147_483_647) });
  const ctxOf = (tx: Transaction, user: AuthUser): Ctx => {
    const now = clock.now();
    return { tx, models: models(), now, today: businessDate(now), user };
  };
  const today = () => businessDate(clock.now());

  async function load(id: number, user: AuthUser, tx?: Transaction): Promise<Row> {
    const row = await Model().findByPk(id, { transaction: tx, lock: tx && db.dialect === 'mysql' ? tx.LOCK.UPDATE : undefined });
    if (!row) throw notFound(def.label, String(id));
    if (!(await def.canRead(user, plainOf(row), db, tx))) throw forbidden(`无权查看该${def.label}记录 (not allowed to read this record)`);
    return row;
  }

  async function create(ctx: Ctx, input: unknown, action: 'create' | 'import'): Promise<Row> {
    const values = await def.prepareCreate(ctx, input);
    const row = await Model().create(
      { ...values, version: 1, createdAt: ctx.now, updatedAt: ctx.now, updatedBy: ctx.user.username },
      { transaction: ctx.tx },
    );
    await def.afterWrite?.(ctx, plainOf(row));
    await saveVersion(ctx.models, ctx.tx, def.register, row, action, ctx.user.username, ctx.now);
    await auditRegisterChange(ctx, row, action === 'import' ? 'imported' : 'created', {}, plainOf(row));
    return row;
  }

  /** Returns null when the change would change nothing (an import of unchanged rows leaves no new versions). */
  async function update(ctx: Ctx, row: Row, patch: unknown, action: 'update' | 'import'): Promise<Row | null> {
    const current = plainOf(row);
    const values = await def.prepareUpdate(ctx, current, patch);
    const changed = Object.keys(values).some((k) => JSON.stringify(values[k] ?? null) !== JSON.stringify(current[k] ?? null));
    if (!changed && action === 'import') return null;
    row.set({ ...values, version: (row.get('version') as number) + 1, updatedAt: ctx.now, updatedBy: ctx.user.username });
    await row.save({ transaction: ctx.tx });
    await def.afterWrite?.(ctx, plainOf(row));
    await saveVersion(ctx.models, ctx.tx, def.register, row, action, ctx.user.username, ctx.now);
    await auditRegisterChange(ctx, row, 'updated', current, plainOf(row));
    return row;
  }

  /** One audit entry per register write, in its transaction: the changed fields before and after (sensitive ones by name only). */
  async function auditRegisterChange(ctx: Ctx, row: Row, verb: string, before: Plain, after: Plain): Promise<void> {
    const changed = Object.keys(after).filter((k) => !['version', 'createdAt', 'updatedAt', 'updatedBy'].includes(k) && JSON.stringify(after[k] ?? null) !== JSON.stringify(before[k] ?? null));
    const shown = (v: unknown) => { const t = typeof v === 'string' ? v : JSON.stringify(v ?? null); return t.length > 200 ? `${t.slice(0, 200)}…` : v ?? null; };
    const pick = (o: Plain) => Object.fromEntries(changed.filter((k) => !SENSITIVE_FIELD.test(k)).map((k) => [k, shown(o[k])]));
    await appendAudit(ctx.tx, {
      at: ctx.now, actor: ctx.user.username, roles: ctx.user.roles, action: `${def.register}.${verb}`, objectType: def.register,
      objectId: String(row.get('id')), summary: { version: row.get('version'), changed, ...(verb === 'updated' ? { before: pick(before) } : {}), after: pick(after) },
    });
  }

  const uniqueToConflict = (err: unknown): never => {
    if (err instanceof UniqueConstraintError) throw conflict(`${def.label}已存在 (duplicate record)`, 'DUPLICATE');
    throw err;
  };

  const presentAll = async (rows: Row[], user: AuthUser): Promise<Plain[]> => {
    const plains = rows.map(plainOf);
    await def.enrich?.(plains, db);
    const d = today();
    return plains.map((p) => def.present(p, user, d) as Plain);
  };

  const query = def.filters ? pageQuery.extend(def.filters.shape).strict() : pageQuery.strict();
  addRoute(
    api,
    {
      method: 'get', path: def.basePath, tags: [def.tag], summary: `${def.label}列表：搜索与分页 (list, search, page)`,
      description: def.accessNote, access: def.access.read, query,
      response: { description: '分页结果', schema: pageSchema(def.itemSchema) },
    },
    async ({ query, user }) => {
      const q = query as z.output<typeof pageQuery> & Plain;
      const where = andWhere(await def.scope(user, db), textWhere(q.q, def.searchColumns(user), (w) => def.searchExtra?.(w, user) ?? []), def.filterWhere?.(q));
      const { rows, count } = await Model().findAndCountAll({ where, order: def.order, offset: q.offset, limit: q.limit });
      return { items: await presentAll(rows, user), total: count, offset: q.offset, limit: q.limit };
    },
  );

  addRoute(
    api,
    {
      method: 'get', path: `${def.basePath}/export`, tags: [def.tag], summary: `导出${def.label} CSV (export as CSV)`,
      description: `UTF-8（带 BOM）CSV，首行为表头，可直接再导入。${def.accessNote}`, access: def.access.export,
      query: pageQuery.pick({ q: true }).strict(),
      response: { description: 'CSV 文件', schema: z.string(), contentType: 'text/csv' },
    },
    async ({ query: q, user, res }) => {
      const where = andWhere(await def.scope(user, db), textWhere(q.q, def.searchColumns(user), (w) => def.searchExtra?.(w, user) ?? []));
      const rows = await Model().findAll({ where, order: [['id', 'ASC']], limit: 50_000 });
      const d = today();
      // Export what the caller may see: the presented record, so masking rules apply to files too.
      const csv = toCsv(def.csv.columns, await presentAll(rows, user));
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="${def.csv.filename}-${d}.csv"; filename*=UTF-8''${encodeURIComponent(`${def.csv.filename}-${d}.csv`)}`);
      res.status(200).send(csv);
    },
  );

  addRoute(
    api,
    {
      method: 'post', path: `${def.basePath}/import`, tags: [def.tag], summary: `导入${def.label} CSV (import CSV)`,
      description: `请求体为 UTF-8 CSV（Content-Type: text/csv，可带 BOM），首行表头可用中文列名或字段名。每一行都校验；任何一行有错则整个文件不导入，错误列出行号、列和原因。已存在的记录（按唯一键匹配）被更新并留版本。${def.accessNote}`,
      access: def.access.import,
      rawBody: { contentTypes: ['text/csv'], as: 'text', limitBytes: CSV_LIMIT_BYTES, description: 'UTF-8 CSV' },
      response: { description: '导入结果', schema: z.object({ created: z.number().int(), updated: z.number().int(), unchanged: z.number().int(), rows: z.number().int() }) },
      errors: [409],
    },
    async ({ res, user }) => {
      const parsed = parseCsv(res.locals.rawBody, def.csv.columns as CsvColumn<unknown>[]);
      const errors = new ImportErrors(def.csv.columns as CsvColumn<unknown>[]);
      return db.withTransaction(async (tx) => {
        const ctx = ctxOf(tx, user);
        const seen = new Map<string, number>();
        let created = 0;
        let updated = 0;
        let unchanged = 0;
        for (const { line, values } of parsed) {
          const input = errors.check(def.createSchema, line, def.csv.fromRow(values));
          if (!input) continue;
          try {
            const key = def.naturalKey(input);
            if (key) {
              const k = JSON.stringify(key);
              if (seen.has(k)) {
                errors.add(line, Object.keys(key)[0], `与第 ${seen.get(k)} 行重复 (duplicate of row ${seen.get(k)})`);
                continue;
              }
              seen.set(k, line);
              const existing = await Model().findOne({ where: key, transaction: tx });
              if (existing) {
                // Only what the file states: a column left out (or an empty cell) keeps the stored value rather than
                // the create-time default (status 'active', no bank account, no staff…).
                const given = new Set(def.csv.columns.filter((c) => (values[c.key] ?? '') !== '').map((c) => c.field ?? c.key));
                const patch = Object.fromEntries(Object.entries(input as Plain).filter(([k]) => given.has(k)));
                if (await update(ctx, existing, patch, 'import')) updated++;
                else unchanged++;
                continue;
              }
            }
            await create(ctx, input, 'import');
            created++;
          } catch (err) {
            if (!(err instanceof AppError) || err.status >= 500) throw err;
            if (err.details.length) for (const d of err.details) errors.add(line, d.path, d.reason);
            else errors.add(line, 'row', err.message);
          }
        }
        // Any bad row: throw, so the transaction rolls back every row already written.
        errors.throwIfAny();
        return { created, updated, unchanged, rows: parsed.length };
      }).catch(uniqueToConflict); // another import wrote the same record meanwhile (MariaDB runs them in parallel)
    },
  );

  addRoute(
    api,
    {
      method: 'get', path: `${def.basePath}/:id`, tags: [def.tag], summary: `${def.label}详情 (get one)`,
      description: def.accessNote, access: def.access.read, params: idParams,
      response: { description: def.label, schema: def.itemSchema }, errors: [404],
    },
    async ({ params, user }) => (await presentAll([await load(params.id, user)], user))[0],
  );

  addRoute(
    api,
    {
      method: 'get', path: `${def.basePath}/:id/versions`, tags: [def.tag], summary: `${def.label}变更记录 (version history)`,
      description: def.accessNote, access: def.access.read, params: idParams,
      response: { description: '每次变更后的记录，最新在前', schema: z.object({ versions: z.array(versionSchema) }) }, errors: [404],
    },
    async ({ params, user }) => {
      const row = plainOf(await load(params.id, user));
      if (def.canSeeVersions && !def.canSeeVersions(user, row)) throw forbidden(`无权查看该${def.label}的变更记录 (not allowed to read the history)`);
      const d = today();
      const versions = await listVersions(models(), def.register, params.id);
      return { versions: versions.map((v) => ({ ...v, data: def.present(v.data, user, d) as Plain })) };
    },
  );

  addRoute(
    api,
    {
      method: 'post', path: def.basePath, tags: [def.tag], summary: `新增${def.label} (create)`,
      description: def.accessNote, access: def.access.create, body: def.createSchema.strict(),
      response: { status: 201, description: '已创建', schema: def.itemSchema }, errors: [409],
    },
    async ({ body, user }) => {
      const row = await db.withTransaction((tx) => create(ctxOf(tx, user), body, 'create')).catch(uniqueToConflict);
      return (await presentAll([row], user))[0];
    },
  );

  addRoute(
    api,
    {
      method: 'patch', path: `${def.basePath}/:id`, tags: [def.tag], summary: `修改${def.label} (update)`,
      description: `须带上读取时的 version；他人已修改时返回 409。${def.accessNote}`,
      access: def.access.update, params: idParams, body: def.updateSchema.strict(),
      response: { description: '修改后的记录', schema: def.itemSchema }, errors: [404, 409],
    },
    async ({ params, body, user }) => {
      const updated = await db
        .withTransaction(async (tx) => {
          const row = await load(params.id, user, tx);
          if (!def.canUpdate(user, plainOf(row))) throw forbidden(`无权修改该${def.label}记录 (not allowed to change this record)`);
          const current = row.get('version') as number;
          const { version, ...patch } = body as { version: number } & Plain;
          if (version !== current) throw staleVersion(current, version);
          return (await update(ctxOf(tx, user), row, patch, 'update'))!;
        })
        .catch(uniqueToConflict);
      return (await presentAll([updated], user))[0];
    },
  );
}
