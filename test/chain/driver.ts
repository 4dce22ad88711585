/**
 * The chain driver: the whole system (real models in processes/, real forms, every worker, a fresh database per
 * file on SQLite or the MariaDB in DATABASE_URL) driven over HTTP as people would use it — log in, look in the
 * inbox, complete the task with the form's fields, bid through the tender API — with a ManualClock that only the
 * test moves, and the embedded engine's scheduler fired by hand (`fireDue`).
 *
 * Reads of process state go through the API too (`GET /api/instances/:id` as the auditor, `GET /api/projects/:id`),
 * so a test sees what a person with that role sees. The only direct database access is for things no API does:
 * creating extra user accounts (there is no user-admin API) and the raw SELECTs of the sealed-bid test.
 *
 * Failures name what the inbox held and where the instance stands (active steps, open incidents), so a red test
 * says which part stopped the chain.
 */
import path from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import type { Express } from 'express';
import { QueryTypes } from 'sequelize';
import { pino } from 'pino';
import { REDACT_PATHS } from '../../server/logger.ts';
import { buildApp } from '../../server/app.ts';
import { ManualClock } from '../../server/clock.ts';
import { createEngine, type Engine } from '../../server/engine/index.ts';
import { deployProcesses } from '../../server/deploy-processes.ts';
import { attachDeploymentRecorder } from '../../server/modeler/service.ts';
import { seedDemo } from '../../server/seed/demo.ts';
import { registerWorkers } from '../../server/workers/index.ts';
import { defineAuthModels } from '../../server/auth/models.ts';
import { hashPassword } from '../../server/auth/password.ts';
import { creditCodeCheckChar } from '../../server/registry/credit-code.ts';
import { testDatabase, testDialect, type TestDatabase } from '../helpers/db.ts';
import { DEMO_PASSWORD, testConfig } from '../api/harness.ts';

/** Monday 2 March 2026, 09:00 Shanghai: a working day, inside chinese-days' data. */
export const CHAIN_START = '2026-03-02T01:00:00Z';

/** A valid 统一社会信用代码 from its first 17 characters. */
export const creditCode = (first17: string) => first17 + creditCodeCheckChar(first17);

export type Vars = Record<string, unknown>;

export interface InboxItem {
  id: string;
  elementId: string;
  instanceId: string;
  processId: string;
  name: string | null;
  assignee: string | null;
  state: string;
  dueAt?: string | null;
  legalBasis?: string | null;
  projectNumber?: string | null;
  [key: string]: unknown;
}

export interface InstanceState {
  instanceId: string;
  state: string;
  variables: Vars;
  activeElements: { elementId: string; elementType: string; name: string | null }[];
  history: { elementId: string; elementType: string; event: string; at: string; actor: string | null; detail: string | null }[];
  incidents: { id: string; elementId: string; type: string; message: string; jobType: string | null; state: 'open' | 'resolved' }[];
}

export interface SupplierAccount {
  username: string;
  organisationId: number;
  name: string;
  creditCode: string;
}

export interface Chain {
  app: Express;
  engine: Engine;
  clock: ManualClock;
  tdb: TestDatabase;
  dialect: 'sqlite' | 'mysql';
  /** Every log line the app and the engine wrote so far (trace level), when started with `captureLogs`. */
  logs(): string;
  close(): Promise<void>;

  /** `Authorization` header for a user (logs in through /api/auth/login once, password demo1234). */
  auth(user: string): Promise<string>;
  get(user: string, url: string, query?: Record<string, string | number>): Promise<request.Response>;
  post(user: string, url: string, body?: unknown): Promise<request.Response>;
  patch(user: string, url: string, body?: unknown): Promise<request.Response>;
  del(user: string, url: string): Promise<request.Response>;

  /** The user's open tasks (`GET /api/tasks`, scope all), optionally of one instance / step. */
  inbox(user: string, filter?: { instanceId?: string; elementId?: string }): Promise<InboxItem[]>;
  /** The one open task of `elementId` in `instanceId` that `user` sees in the inbox; fails naming where the instance stands. */
  task(user: string, instanceId: string, elementId: string): Promise<InboxItem>;
  /** Finds the task in the user's inbox and completes it with the given form fields; expects 200. */
  complete(user: string, instanceId: string, elementId: string, variables: Vars): Promise<InboxItem>;
  /** POST /api/tasks/:id/complete, answer as is (for refusals). */
  tryComplete(user: string, taskId: string, variables: Vars): Promise<request.Response>;
  /** GET /api/tasks/:id: variables and form as the user's form shows them. */
  taskDetail(user: string, taskId: string): Promise<{ variables: Vars; form: unknown; headers: Record<string, string> }>;
  /** The keys of the fields the task's form lets the user submit (a person can only fill what the form shows). */
  formKeys(user: string, taskId: string): Promise<Set<string>>;

  /** The instance as the auditor sees it (`GET /api/instances/:id`). */
  instance(instanceId: string): Promise<InstanceState>;
  vars(instanceId: string): Promise<Vars>;
  /** Fails when the instance has open incidents (a worker failed), naming them. */
  expectNoIncidents(instanceId: string): Promise<void>;

  /** Moves the clock to `at` (never backwards) and fires every timer and job retry that came due. */
  advanceTo(at: string | Date): Promise<void>;
  advance(ms: number): Promise<void>;
  /** engine.runDue() until nothing more is due (bounded). */
  fireDue(): Promise<number>;
  /** Bounded real-time poll for asynchronous work (no fixed sleeps): resolves with the first truthy value. */
  waitFor<T>(label: string, probe: () => Promise<T | null | undefined | false>, timeoutMs?: number): Promise<T>;

  /** A new account (no user-admin API exists): roles comma-separated, organisation by id. */
  createUser(username: string, opts: { roles: string; organisationId: number | null; displayName?: string }): Promise<number>;
  organisationId(name: string): Promise<number>;
  createOrganisation(name: string, kind: string, creditCode?: string | null): Promise<number>;
  /**
   * A supplier company with a login: its organisation (kind supplier, credit code), a user `username`, and its
   * register record linked to the organisation (created, or the existing record of that credit code linked).
   */
  createSupplier(username: string, opts: { name: string; creditCode: string; scale?: 'large' | 'medium' | 'small' | 'micro' }): Promise<SupplierAccount>;
  /** Gives every expert of the register a login (`expert_<code>`), so whoever the draw picks can score. Code → username. */
  expertAccounts(): Promise<Map<string, string>>;

  /** The documents filed for an instance as `user` sees them (`GET /api/documents?instanceId=`), by template id. */
  documents(user: string, instanceId: string): Promise<{ id: number; templateId: string; title: string; latestVersion: number }[]>;
  /** A document version's data as stored (`GET /api/documents/:id/versions/:version`). */
  documentData(user: string, documentId: number, version?: number): Promise<Vars>;

  /** Raw SQL (only the sealed-bid test uses it). */
  select<T = Record<string, unknown>>(sql: string): Promise<T[]>;
}

export interface ChainOptions {
  /** Models to deploy instead of processes/ (a directory); default processes/, as the system starts. */
  processesDir?: string;
  /** Keep every log line of the app and the engine at trace level (read with `logs()`); default: silent. */
  captureLogs?: boolean;
}

export async function startChain(opts: ChainOptions = {}): Promise<Chain> {
  const tdb = await testDatabase();
  const clock = new ManualClock(CHAIN_START);
  const config = {
    ...testConfig(),
    formsDir: path.resolve('forms'),
    processesDir: path.resolve(opts.processesDir ?? process.env.CHAIN_PROCESSES_DIR ?? 'processes'),
  };
  await seedDemo(tdb.db, { password: DEMO_PASSWORD });
  // CHAIN_HOT_INSTANCES=0: every engine operation recovers the instance from the database (as after a restart).
  const hot = process.env.CHAIN_HOT_INSTANCES;
  const logLines: string[] = [];
  const logger = opts.captureLogs
    ? pino({ level: 'trace', redact: { paths: REDACT_PATHS, censor: '[REDACTED]' } }, { write: (line: string) => void logLines.push(line) })
    : undefined;
  const engine = createEngine({
    db: tdb.db, clock, formsDir: config.formsDir, ...(hot !== undefined ? { hotInstances: Number(hot) } : {}),
    ...(logger ? { log: (msg: string, data?: Record<string, unknown>) => logger.info({ engine: true, ...data }, msg) } : {}),
  });
  // As server/system.ts starts it: every worker, the deployment recorder, every model in processes/.
  registerWorkers(engine, { db: tdb.db, clock });
  attachDeploymentRecorder(engine, tdb.db);
  await deployProcesses(engine, config.processesDir);
  const app = buildApp({ config, db: tdb.db, engine, clock, ...(logger ? { logger } : {}) });
  const sequelize = tdb.db.sequelize;
  const { Organisation, User } = defineAuthModels(sequelize);
  const passwordHash = await hashPassword(DEMO_PASSWORD);

  // Tokens expire by the (manual) clock: a user logs in again when the clock has moved on since the last login.
  const tokens = new Map<string, { token: string; at: number }>();
  const auth = async (user: string) => {
    const cached = tokens.get(user);
    if (!cached || clock.now().getTime() - cached.at > 15 * 60_000) {
      const res = await request(app).post('/api/auth/login').send({ username: user, password: DEMO_PASSWORD });
      if (res.status !== 200) throw new Error(`login ${user}: ${res.status} ${JSON.stringify(res.body)}`);
      tokens.set(user, { token: res.body.token, at: clock.now().getTime() });
    }
    return `Bearer ${tokens.get(user)!.token}`;
  };
  const get = async (user: string, url: string, query: Record<string, string | number> = {}) =>
    request(app).get(url).query(query).set('Authorization', await auth(user));
  const post = async (user: string, url: string, body: unknown = {}) =>
    request(app).post(url).set('Authorization', await auth(user)).send(body as object);
  const patch = async (user: string, url: string, body: unknown = {}) =>
    request(app).patch(url).set('Authorization', await auth(user)).send(body as object);
  const del = async (user: string, url: string) => request(app).delete(url).set('Authorization', await auth(user));

  const instance = async (instanceId: string): Promise<InstanceState> => {
    const res = await get('auditor', `/api/instances/${instanceId}`);
    if (res.status !== 200) throw new Error(`GET /api/instances/${instanceId}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as InstanceState;
  };
  /** Where the instance stands, for failure messages. */
  const whereIs = async (instanceId: string) => {
    try {
      const v = await instance(instanceId);
      const incidents = v.incidents.filter((i) => i.state !== 'resolved');
      return `instance ${instanceId} ${v.state}; active: [${v.activeElements.map((a) => a.elementId).join(', ')}]` +
        (incidents.length ? `; open incidents: ${JSON.stringify(incidents)}` : '');
    } catch (err) {
      return (err as Error).message;
    }
  };

  const inbox = async (user: string, filter: { instanceId?: string; elementId?: string } = {}) => {
    const items: InboxItem[] = [];
    let after: string | undefined;
    for (let i = 0; i < 20; i++) {
      const q: Record<string, string | number> = { scope: 'all', pageSize: 100 };
      if (filter.elementId) q.elementId = filter.elementId;
      if (after) q.after = after;
      const res = await get(user, '/api/tasks', q);
      if (res.status !== 200) throw new Error(`GET /api/tasks as ${user}: ${res.status} ${JSON.stringify(res.body)}`);
      items.push(...(res.body.items as InboxItem[]));
      if (!res.body.hasMore || !res.body.nextCursor) break;
      after = res.body.nextCursor;
    }
    return items.filter((t) => !filter.instanceId || t.instanceId === filter.instanceId);
  };

  const task = async (user: string, instanceId: string, elementId: string) => {
    const mine = await inbox(user, { instanceId });
    const found = mine.filter((t) => t.elementId === elementId);
    if (found.length !== 1) {
      throw new Error(
        `${user} should see exactly one open ${elementId} of instance ${instanceId}, sees ${found.length}; ` +
          `${user}'s tasks there: [${mine.map((t) => t.elementId).join(', ')}]; ${await whereIs(instanceId)}`,
      );
    }
    return found[0]!;
  };

  const tryComplete = async (user: string, taskId: string, variables: Vars) => post(user, `/api/tasks/${taskId}/complete`, { variables });

  const complete = async (user: string, instanceId: string, elementId: string, variables: Vars) => {
    const t = await task(user, instanceId, elementId);
    const res = await tryComplete(user, t.id, variables);
    if (res.status !== 200) {
      throw new Error(`${user} completing ${elementId} (${t.id}): ${res.status} ${JSON.stringify(res.body)}; ${await whereIs(instanceId)}`);
    }
    return res.body as InboxItem;
  };

  const taskDetail = async (user: string, taskId: string) => {
    const res = await get(user, `/api/tasks/${taskId}`);
    if (res.status !== 200) throw new Error(`GET /api/tasks/${taskId} as ${user}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { variables: Vars; form: unknown; headers: Record<string, string> };
  };

  const formKeys = async (user: string, taskId: string) => {
    const { form } = await taskDetail(user, taskId);
    const keys = new Set<string>();
    const walk = (components: unknown) => {
      for (const c of (components as { key?: string; path?: string; components?: unknown[] }[] | undefined) ?? []) {
        if (c.key) keys.add(c.key);
        if (c.path && !c.path.includes('.')) keys.add(c.path);
        walk(c.components);
      }
    };
    walk((form as { components?: unknown[] } | null)?.components);
    return keys;
  };

  const fireDue = async () => {
    let total = 0;
    for (let i = 0; i < 100; i++) {
      const n = await engine.runDue();
      total += n;
      if (!n) return total;
    }
    throw new Error('timers still firing after 100 scheduler passes (a timer loop?)');
  };

  const advanceTo = async (at: string | Date) => {
    const t = new Date(at).getTime();
    if (t > clock.now().getTime()) clock.set(new Date(t));
    await fireDue();
  };

  const waitFor = async <T>(label: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 5_000): Promise<T> => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const v = await probe();
      if (v) return v;
      if (Date.now() > until) throw new Error(`timed out waiting for ${label}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  const createUser = async (username: string, o: { roles: string; organisationId: number | null; displayName?: string }) => {
    const u = await User.create({ username, displayName: o.displayName ?? username, passwordHash, roles: o.roles, organisationId: o.organisationId });
    return u.id;
  };
  const organisationId = async (name: string) => {
    const org = await Organisation.findOne({ where: { name } });
    if (!org) throw new Error(`no organisation ${name}`);
    return org.id;
  };
  const createOrganisation = async (name: string, kind: string, code: string | null = null) =>
    (await Organisation.create({ name, kind: kind as never, creditCode: code })).id;

  const createSupplier = async (username: string, o: { name: string; creditCode: string; scale?: 'large' | 'medium' | 'small' | 'micro' }) => {
    const orgId = await createOrganisation(o.name, 'supplier', o.creditCode);
    await createUser(username, { roles: 'supplier', organisationId: orgId, displayName: `${o.name} 投标经办` });
    // The register record, kept by the finance section through the register API.
    const existing = await get('finance_section', '/api/suppliers', { q: o.creditCode, limit: 100 });
    const row = (existing.body.items as { id: number; creditCode: string; version: number }[] | undefined)?.find((s) => s.creditCode === o.creditCode);
    const res = row
      ? await patch('finance_section', `/api/suppliers/${row.id}`, { organisationId: orgId, version: row.version })
      : await post('finance_section', '/api/suppliers', {
          creditCode: o.creditCode, name: o.name, legalRep: '法定代表人', contactName: '投标联系人', contactPhone: '0816-2000000',
          address: '绵阳市涪城区某路 1 号', scale: o.scale ?? 'small', organisationId: orgId,
        });
    if (![200, 201].includes(res.status)) throw new Error(`supplier record ${o.name}: ${res.status} ${JSON.stringify(res.body)}`);
    return { username, organisationId: orgId, name: o.name, creditCode: o.creditCode };
  };

  const expertAccounts = async () => {
    const res = await get('supervisor', '/api/experts', { limit: 100 });
    if (res.status !== 200) throw new Error(`GET /api/experts: ${res.status} ${JSON.stringify(res.body)}`);
    const orgId = await organisationId('涪城区政府采购评审专家库');
    const users = new Map<string, string>();
    for (const e of res.body.items as { id: number; code: string; userId: number | null; version: number; name: string | null }[]) {
      if (e.userId) {
        const u = await User.findByPk(e.userId);
        users.set(e.code, u!.username);
        continue;
      }
      const username = `expert_${e.code.toLowerCase().replace(/-/g, '_')}`;
      const userId = await createUser(username, { roles: 'expert', organisationId: orgId, displayName: e.name ?? e.code });
      const linked = await patch('supervisor', `/api/experts/${e.id}`, { userId, version: e.version });
      if (linked.status !== 200) throw new Error(`link expert ${e.code}: ${linked.status} ${JSON.stringify(linked.body)}`);
      users.set(e.code, username);
    }
    return users;
  };

  return {
    app, engine, clock, tdb, dialect: testDialect(),
    logs: () => logLines.join(''),
    async close() {
      await engine.stop();
      await tdb.drop();
    },
    auth, get, post, patch, del,
    inbox, task, complete, tryComplete, taskDetail, formKeys,
    instance,
    async vars(instanceId) {
      return (await instance(instanceId)).variables;
    },
    async expectNoIncidents(instanceId) {
      const open = (await instance(instanceId)).incidents.filter((i) => i.state !== 'resolved');
      expect(open, `open incidents of ${instanceId}`).to.deep.equal([]);
    },
    advanceTo,
    async advance(ms) {
      await advanceTo(new Date(clock.now().getTime() + ms));
    },
    fireDue, waitFor,
    createUser, organisationId, createOrganisation, createSupplier, expertAccounts,
    async documents(user, instanceId) {
      const res = await get(user, '/api/documents', { instanceId, limit: 200 });
      if (res.status !== 200) throw new Error(`GET /api/documents?instanceId=${instanceId} as ${user}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.documents;
    },
    async documentData(user, documentId, version) {
      let v = version;
      if (v === undefined) {
        const list = await get(user, `/api/documents/${documentId}/versions`);
        if (list.status !== 200) throw new Error(`versions of document ${documentId}: ${list.status} ${JSON.stringify(list.body)}`);
        v = list.body.document.latestVersion as number;
      }
      const res = await get(user, `/api/documents/${documentId}/versions/${v}`);
      if (res.status !== 200) throw new Error(`document ${documentId} v${v}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.data as Vars;
    },
    async select<T>(sql: string) {
      return (await sequelize.query(sql, { type: QueryTypes.SELECT })) as T[];
    },
  };
}

/** Keeps only the fields the form shows (what a person filling that form can send). */
export function pick(values: Vars, keys: Set<string>): Vars {
  return Object.fromEntries(Object.entries(values).filter(([k]) => keys.has(k)));
}

/** An approval decision as the approval forms take it. */
export const approve = (comment = '同意。') => ({ decision: 'approve', comment });
export const giveBack = (comment: string) => ({ decision: 'return', comment });
