/**
 * The audit trail: every state change appended in the transaction that makes it (actor, roles, time, object, action,
 * a small before/after summary), chained by SHA-256 (server/audit/chain.ts). Appenders serialise on the one-row
 * `audit_head` (SELECT … FOR UPDATE on MySQL/MariaDB; SQLite write transactions are IMMEDIATE already), so sequence
 * numbers are dense and the chain has one order. Nothing in the application updates or deletes an entry, and
 * database triggers refuse it (migrations/0013-audit.ts).
 *
 * Limit: a plain chain proves that entries were not changed one by one; someone who can rewrite the whole table and
 * recompute every hash is caught only by comparing the head hash with a copy kept elsewhere (GET /api/audit/verify
 * returns it; operations copy it out daily — docs/operations.md).
 */
import { DataTypes, Op, QueryTypes, type Model, type ModelStatic, type Sequelize, type Transaction, type WhereOptions } from 'sequelize';
import type { Database } from '../db.ts';
import { canonicalJson, entryHash, GENESIS_HASH } from './chain.ts';

export interface AuditInput {
  /** The injected clock's now(). */
  at: Date;
  /** Username; null = the system (timer, worker). */
  actor: string | null;
  roles?: readonly string[];
  action: string;
  objectType: string;
  objectId: string;
  instanceId?: string | null;
  /** Small (≤ 4 KB as JSON); never secrets, tokens, passwords or bid contents. */
  summary?: Record<string, unknown>;
}

export interface AuditEntry {
  seq: number;
  at: string;
  actor: string | null;
  roles: string[];
  action: string;
  objectType: string;
  objectId: string;
  instanceId: string | null;
  summary: Record<string, unknown> | null;
  prevHash: string;
  hash: string;
}

export interface AuditVerification {
  ok: boolean;
  entries: number;
  headHash: string | null;
  firstBroken: null | { seq: number; reason: string };
}

const MAX_SUMMARY = 4096;

interface EntryRow extends Model {
  seq: number | string;
  at: Date;
  actor: string | null;
  roles: string | null;
  action: string;
  object_type: string;
  object_id: string;
  instance_id: string | null;
  summary: string | null;
  prev_hash: string;
  hash: string;
}

const models = new WeakMap<Sequelize, ModelStatic<EntryRow>>();

function entryModel(sequelize: Sequelize): ModelStatic<EntryRow> {
  let m = models.get(sequelize);
  if (!m) {
    const long = sequelize.getDialect() === 'mysql' ? DataTypes.TEXT('medium') : DataTypes.TEXT;
    m = sequelize.define<EntryRow>(
      'AuditEntry',
      {
        seq: { type: DataTypes.BIGINT, primaryKey: true },
        at: { type: DataTypes.DATE(3), allowNull: false },
        actor: { type: DataTypes.STRING(64), allowNull: true },
        roles: { type: DataTypes.STRING(255), allowNull: true },
        action: { type: DataTypes.STRING(64), allowNull: false },
        object_type: { type: DataTypes.STRING(40), allowNull: false },
        object_id: { type: DataTypes.STRING(128), allowNull: false },
        instance_id: { type: DataTypes.STRING(40), allowNull: true },
        summary: { type: long, allowNull: true },
        prev_hash: { type: DataTypes.CHAR(64), allowNull: false },
        hash: { type: DataTypes.CHAR(64), allowNull: false },
      },
      { tableName: 'audit_entries', timestamps: false },
    );
    models.set(sequelize, m);
  }
  return m;
}

function summaryText(summary: Record<string, unknown> | undefined): string | null {
  if (!summary || Object.keys(summary).length === 0) return null;
  const text = canonicalJson(summary);
  if (text.length <= MAX_SUMMARY) return text;
  // Too big to keep whole: keep which fields there were, so the entry still says what changed.
  return canonicalJson({ truncated: true, fields: Object.keys(summary).sort() });
}

const clip = (s: string, n: number) => (s.length <= n ? s : s.slice(0, n));

/**
 * The head as this transaction last left it. The first append in a transaction reads (and on MySQL locks) the head
 * row; the transaction's later appends continue from here instead of reading it again (an engine operation appends
 * several entries). Keyed by the transaction object, so a rolled-back transaction's value dies with it.
 */
const headInTx = new WeakMap<Transaction, { seq: number; hash: string }>();

/** Appends one entry inside `tx` (the same commit as the change it records). */
export async function appendAudit(tx: Transaction, input: AuditInput): Promise<void> {
  const sequelize = (tx as unknown as { sequelize: Sequelize }).sequelize;
  let head = headInTx.get(tx);
  if (!head) {
    const mysql = sequelize.getDialect() === 'mysql';
    const [row] = await sequelize.query<{ seq: number | string; hash: string }>(
      `SELECT seq, hash FROM audit_head WHERE id = 1${mysql ? ' FOR UPDATE' : ''}`,
      { type: QueryTypes.SELECT, transaction: tx },
    );
    if (!row) throw new Error('audit_head row missing (migration 0013 not applied?)');
    head = { seq: Number(row.seq), hash: row.hash };
  }
  const seq = head.seq + 1;
  // Millisecond precision is what both databases keep; the hash covers exactly what is stored.
  const at = new Date(Math.floor(input.at.getTime()));
  const fields = {
    seq,
    at,
    actor: input.actor == null ? null : clip(input.actor, 64),
    roles: input.roles && input.roles.length ? clip(input.roles.join(','), 255) : null,
    action: clip(input.action, 64),
    objectType: clip(input.objectType, 40),
    objectId: clip(String(input.objectId), 128),
    instanceId: input.instanceId == null ? null : clip(String(input.instanceId), 40),
    summary: summaryText(input.summary),
  };
  const hash = entryHash(fields, head.hash);
  await entryModel(sequelize).create(
    {
      seq, at, actor: fields.actor, roles: fields.roles, action: fields.action, object_type: fields.objectType,
      object_id: fields.objectId, instance_id: fields.instanceId, summary: fields.summary, prev_hash: head.hash, hash,
    },
    { transaction: tx },
  );
  await sequelize.query('UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1', { replacements: [seq, hash], transaction: tx });
  headInTx.set(tx, { seq, hash });
}

/** For events without a transaction of their own (a refused login, a refused request): a short one. */
export async function recordAudit(db: Database, input: AuditInput): Promise<void> {
  await db.withTransaction((tx) => appendAudit(tx, input));
}

function present(r: EntryRow): AuditEntry {
  let summary: Record<string, unknown> | null = null;
  if (r.summary) {
    try {
      summary = JSON.parse(r.summary) as Record<string, unknown>;
    } catch {
      summary = { unreadable: true };
    }
  }
  return {
    seq: Number(r.seq), at: new Date(r.at).toISOString(), actor: r.actor, roles: r.roles ? r.roles.split(',') : [],
    action: r.action, objectType: r.object_type, objectId: r.object_id, instanceId: r.instance_id, summary,
    prevHash: r.prev_hash, hash: r.hash,
  };
}

/** Re-checks the whole chain in batches: dense sequence, links, hashes, and the head. Names the first broken entry. */
export async function verifyAuditChain(db: Database, batchSize = 2000): Promise<AuditVerification> {
  const Entry = entryModel(db.sequelize);
  const [head] = await db.sequelize.query<{ seq: number | string; hash: string }>('SELECT seq, hash FROM audit_head WHERE id = 1', {
    type: QueryTypes.SELECT,
  });
  // Only up to the head read above: entries appended while verifying belong to a later check, not to this one.
  const headSeq = Number(head?.seq ?? 0);
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let count = 0;
  const broken = (seq: number, reason: string): AuditVerification => ({
    ok: false, entries: count, headHash: head?.hash ?? null, firstBroken: { seq, reason },
  });
  for (;;) {
    const rows = await Entry.findAll({ where: { seq: { [Op.gte]: expectedSeq, [Op.lte]: headSeq } }, order: [['seq', 'ASC']], limit: batchSize });
    if (!rows.length) break;
    for (const r of rows) {
      const seq = Number(r.seq);
      if (seq !== expectedSeq) return broken(expectedSeq, `第 ${expectedSeq} 条缺失 (entry ${expectedSeq} is missing; next present is ${seq})`);
      if (r.prev_hash !== prevHash) return broken(seq, `前一条的哈希不符 (prev_hash does not match entry ${seq - 1})`);
      const fields = {
        seq, at: new Date(r.at), actor: r.actor, roles: r.roles, action: r.action, objectType: r.object_type,
        objectId: r.object_id, instanceId: r.instance_id, summary: r.summary,
      };
      if (entryHash(fields, r.prev_hash) !== r.hash) return broken(seq, `内容与哈希不符，记录被改动 (content does not match its hash: the entry was altered)`);
      prevHash = r.hash;
      expectedSeq = seq + 1;
      count++;
    }
  }
  if (headSeq !== count || (head?.hash ?? GENESIS_HASH) !== prevHash) {
    return broken(count + 1 <= headSeq ? count + 1 : headSeq, `链尾与记录头不符，末尾记录被删除或改动 (the chain head says ${headSeq} entries, ${count} found)`);
  }
  return { ok: true, entries: count, headHash: head?.hash ?? null, firstBroken: null };
}

export interface AuditFilter {
  actor?: string;
  action?: string;
  objectType?: string;
  objectId?: string;
  instanceId?: string;
  from?: Date;
  to?: Date;
  /** Keyset: entries with seq < before (newest first). */
  before?: number;
  limit: number;
}

/** Newest first, one page, plus the cursor of the next page. */
export async function listAudit(db: Database, f: AuditFilter): Promise<{ entries: AuditEntry[]; nextBefore: number | null }> {
  const where: Record<string | symbol, unknown> = {};
  if (f.actor) where.actor = f.actor;
  if (f.action) where.action = f.action.endsWith('*') ? { [Op.like]: f.action.slice(0, -1).replace(/[\\%_]/g, '\\$&') + '%' } : f.action;
  if (f.objectType) where.object_type = f.objectType;
  if (f.objectId) where.object_id = f.objectId;
  if (f.instanceId) where.instance_id = f.instanceId;
  if (f.from || f.to) where.at = { ...(f.from ? { [Op.gte]: f.from } : {}), ...(f.to ? { [Op.lt]: f.to } : {}) };
  if (f.before) where.seq = { [Op.lt]: f.before };
  const rows = await entryModel(db.sequelize).findAll({ where: where as WhereOptions, order: [['seq', 'DESC']], limit: f.limit + 1 });
  const page = rows.slice(0, f.limit).map(present);
  return { entries: page, nextBefore: rows.length > f.limit ? page[page.length - 1]!.seq : null };
}
