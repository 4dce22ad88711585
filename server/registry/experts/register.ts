/**
 * 评审专家库: the expert pool. Only the supervisor edits it. Identities (name, ID number, employer, phone, declared
 * conflicts) are visible only to the supervisor and agencies (who draw panels); the finance bureau and the auditor
 * see the pool without identities; an expert sees their own record. Panels served are recorded by
 * `recordPanelService` (the evaluation step) or by the supervisor for panels held before the system.
 */
import { Op, Sequelize, UniqueConstraintError, type Transaction } from 'sequelize';
import { z } from 'zod';
import type { AuthUser } from '../../auth/types.ts';
import { conflict, validationFailed } from '../../errors.ts';
import { EXPERT_IDENTITY, EXPERT_MASKED, has } from '../access.ts';
import { categoryPrefix, creditCodeSchema, dateString, iso, nonEmpty, phoneSchema, updateSchemaOf } from '../common.ts';
import { cell, list } from '../csv.ts';
import type { Ctx, Plain, RegisterDef } from '../crud.ts';
import { registryModels, sequelizeOf } from '../models.ts';
import { defineAuthModels } from '../../auth/models.ts';
import { idNumberProblem } from '../credit-code.ts';
import { categoryProblem } from '../goods/categories.ts';

const STATUSES = ['active', 'suspended', 'retired'] as const;
/** The expert databases: 'gp' 财政部门政府采购评审专家库 (政府采购法实施条例第39条), 'works' 综合评标专家库 (招标投标法实施条例第46条). */
export const EXPERT_POOLS = ['gp', 'works'] as const;
export type ExpertPool = (typeof EXPERT_POOLS)[number];
export const POOL_LABELS: Record<ExpertPool, string> = { gp: '政府采购评审专家库', works: '综合评标专家库' };
const poolsSchema = z.array(z.enum(EXPERT_POOLS, { message: `专家库应为 ${EXPERT_POOLS.join('、')}（gp 政府采购评审专家库，works 综合评标专家库）(pools: gp or works)` }))
  .min(1, '至少属于一个专家库 (at least one pool)')
  .refine((a) => new Set(a).size === a.length, '专家库不得重复 (duplicate pool)');
/** CSV cell → pool ids: "gp;works", or the Chinese names. */
function poolsFromCell(v: string | undefined): string[] {
  const byLabel = Object.fromEntries(Object.entries(POOL_LABELS).map(([k, l]) => [l, k]));
  const items = list(v);
  return items.length ? items.map((x) => byLabel[x] ?? x) : ['gp'];
}

const specialty = z.string().trim().toUpperCase().superRefine((v, ctx) => {
  const p = categoryProblem(v);
  if (p) ctx.addIssue({ code: 'custom', message: p });
});
const conflictSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('supplier'), value: creditCodeSchema, note: z.string().trim().max(200).optional() }).strict(),
  z.object({ kind: z.literal('employer'), value: nonEmpty(200), note: z.string().trim().max(200).optional() }).strict(),
]);
const idNumber = z.string().trim().toUpperCase().superRefine((v, ctx) => {
  const p = idNumberProblem(v);
  if (p) ctx.addIssue({ code: 'custom', message: p });
});

const fields = {
  // Upper case: MariaDB compares codes case-insensitively, SQLite exactly; one spelling keeps both the same.
  code: z.string().trim().toUpperCase().regex(/^[A-Z0-9-]{2,32}$/, '专家编号由字母、数字和 - 组成，2–32 位 (expert code: letters, digits, -)'),
  name: nonEmpty(64),
  idNumber: idNumber.nullable().optional(),
  employer: nonEmpty(200),
  title: z.string().trim().max(64).default(''),
  specialties: z.array(specialty).min(1, '至少一个评审专业 (at least one specialty)').max(30),
  phone: phoneSchema,
  status: z.enum(STATUSES).default('active'),
  conflicts: z.array(conflictSchema).max(100).default([]),
  userId: z.number().int().min(1).nullable().optional(),
  pools: poolsSchema.default(['gp']),
};
const createSchema = z.object(fields);
const updateSchema = updateSchemaOf(fields);
const itemSchema = z.object({
  id: z.number().int(), code: z.string(), identityVisible: z.boolean(),
  name: z.string().nullable(), idNumber: z.string().nullable(), employer: z.string().nullable(), title: z.string(),
  specialties: z.array(z.string()), phone: z.string().nullable(), status: z.enum(STATUSES),
  conflicts: z.array(z.object({ kind: z.string(), value: z.string(), note: z.string().optional() })).nullable(),
  userId: z.number().int().nullable(), pools: z.array(z.enum(EXPERT_POOLS)), version: z.number().int(), updatedAt: z.string(), updatedBy: z.string(),
});

const isSelf = (u: AuthUser, row: Plain) => row.userId !== null && row.userId === u.id;
const identityVisible = (u: AuthUser, row: Plain) => has(u, EXPERT_IDENTITY) || isSelf(u, row);
/** Agencies need to reach the expert, not to hold their full ID number. */
const maskId = (id: string | null) => (id ? `${id.slice(0, 4)}**********${id.slice(-4)}` : null);

async function assertUnique(ctx: Ctx, v: { code?: string; userId?: number | null; idNumber?: string | null }, selfId?: number, lock = false) {
  const { Expert } = ctx.models;
  const mysql = sequelizeOf(ctx.tx).getDialect() !== 'sqlite';
  for (const [field, label] of [['code', '专家编号'], ['userId', '登录账号'], ['idNumber', '身份证号']] as const) {
    const value = v[field];
    if (value === undefined || value === null) continue;
    const other = await Expert.findOne({
      where: { [field]: value, ...(selfId ? { id: { [Op.ne]: selfId } } : {}) },
      transaction: ctx.tx,
      lock: lock && mysql ? ctx.tx.LOCK.UPDATE : undefined,
    });
    if (other && other.get('id') !== selfId) throw conflict(`${label}已被专家 ${other.get('code')} 使用 (duplicate ${field})`, 'DUPLICATE');
  }
}

/** The login of an expert must be an existing account with the expert role: that account reads the record as its own. */
async function checkAccount(ctx: Ctx, userId: number | null | undefined) {
  if (!userId) return;
  const { User } = defineAuthModels(sequelizeOf(ctx.tx));
  const u = await User.findByPk(userId, { transaction: ctx.tx });
  const reason = !u ? `用户 ${userId} 不存在 (no such user)` : !u.roleList().includes('expert') ? `用户 ${u.username} 不是评审专家账号 (user lacks the expert role)` : null;
  if (reason) throw validationFailed('登录账号不正确 (wrong expert account)', [{ path: 'userId', reason }]);
}

export const expertRegister: RegisterDef = {
  register: 'expert',
  basePath: '/api/experts',
  tag: 'registers',
  label: '评审专家 (expert)',
  model: (s) => registryModels(s).Expert,
  itemSchema,
  createSchema,
  updateSchema,
  filters: z.object({
    specialty: categoryPrefix.optional(),
    status: z.enum(STATUSES).optional(),
    pool: z.enum(EXPERT_POOLS).optional().describe('gp 政府采购评审专家库 | works 综合评标专家库'),
  }),
  // specialties is a JSON array of codes: '"A0201' finds every code under A0201, on SQLite and MariaDB alike.
  filterWhere: (q) => ({
    [Op.and]: [
      ...(q.specialty ? [Sequelize.where(Sequelize.fn('INSTR', Sequelize.col('specialties'), `"${q.specialty}`), Op.gt, 0)] : []),
      ...(q.status ? [{ status: q.status }] : []),
      ...(q.pool ? [Sequelize.where(Sequelize.fn('INSTR', Sequelize.col('pools'), `"${q.pool}"`), Op.gt, 0)] : []),
    ],
  }),
  access: {
    read: [...EXPERT_IDENTITY, ...EXPERT_MASKED, 'expert'],
    create: ['supervisor'],
    update: ['supervisor'],
    import: ['supervisor'],
    export: ['supervisor'],
  },
  accessNote: '仅监督（supervisor）维护；姓名、身份证号、单位、电话和回避声明仅监督和代理机构可见（代理机构看到的身份证号打码）；采购股、市财政、审计看到不含身份的专家库；专家本人只看到自己的记录。',
  // Callers who may not see names must not be able to find experts by name either.
  searchColumns: (user) => (has(user, EXPERT_IDENTITY) ? ['name', 'code', 'employer', 'title'] : ['code', 'title']),
  order: [['code', 'ASC']],
  scope: (user) => (has(user, [...EXPERT_IDENTITY, ...EXPERT_MASKED]) ? null : { userId: user.id }),
  canRead: (user, row) => has(user, [...EXPERT_IDENTITY, ...EXPERT_MASKED]) || isSelf(user, row),
  canUpdate: (user) => user.roles.includes('supervisor'),
  present(row, user) {
    const visible = identityVisible(user, row);
    const fullId = user.roles.includes('supervisor') || isSelf(user, row);
    return {
      id: row.id, code: row.code, identityVisible: visible,
      name: visible ? row.name : null,
      idNumber: visible ? (fullId ? (row.idNumber ?? null) : maskId(row.idNumber as string | null)) : null,
      employer: visible ? row.employer : null, title: row.title, specialties: row.specialties, phone: visible ? row.phone : null,
      status: row.status, conflicts: visible ? row.conflicts : null, userId: visible ? (row.userId ?? null) : null,
      pools: (row.pools as ExpertPool[] | null) ?? ['gp'], version: row.version,
      updatedAt: iso(row.updatedAt), updatedBy: row.updatedBy,
    };
  },
  async prepareCreate(ctx, input: z.output<typeof createSchema>) {
    await checkAccount(ctx, input.userId);
    await assertUnique(ctx, input);
    return { ...input, idNumber: input.idNumber ?? null, userId: input.userId ?? null };
  },
  async prepareUpdate(ctx, row, patch: Partial<z.output<typeof createSchema>>) {
    if (patch.userId !== row.userId) await checkAccount(ctx, patch.userId);
    await assertUnique(ctx, patch, row.id as number);
    return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
  },
  // The ID number has no unique index: checked again after the write with a locking read, so two parallel requests
  // on MariaDB (READ COMMITTED) cannot both pass the first check.
  async afterWrite(ctx, row) {
    await assertUnique(ctx, { idNumber: row.idNumber as string | null }, row.id as number, true);
  },
  naturalKey: (v) => ({ code: v.code }),
  csv: {
    filename: 'experts',
    columns: [
      { key: 'code', label: '专家编号', required: true, get: (r) => r.code as string },
      { key: 'name', label: '姓名', required: true, get: (r) => r.name as string },
      { key: 'idNumber', label: '身份证号', get: (r) => r.idNumber as string | null },
      { key: 'employer', label: '工作单位', required: true, get: (r) => r.employer as string },
      { key: 'title', label: '职称', get: (r) => r.title as string },
      { key: 'specialties', label: '评审专业（品目编码）', required: true, get: (r) => (r.specialties as string[]).join(';') },
      { key: 'phone', label: '联系电话', required: true, get: (r) => r.phone as string },
      { key: 'status', label: '状态', get: (r) => r.status as string },
      { key: 'pools', label: '所属专家库（gp;works）', get: (r) => ((r.pools as string[] | null) ?? ['gp']).join(';') },
      {
        key: 'conflicts', label: '回避声明',
        get: (r) => ((r.conflicts as { kind: string; value: string }[] | null) ?? []).map((c) => `${c.kind}:${c.value}`).join(';'),
      },
    ],
    fromRow: (v) => ({
      code: v.code ?? '', name: v.name ?? '', idNumber: cell(v.idNumber) ?? null, employer: v.employer ?? '', title: v.title ?? '',
      specialties: list(v.specialties), phone: v.phone ?? '', status: cell(v.status), pools: poolsFromCell(v.pools),
      // supplier:<统一社会信用代码> or employer:<单位名称>
      conflicts: list(v.conflicts).map((c) => {
        const i = c.indexOf(':');
        return { kind: c.slice(0, i), value: c.slice(i + 1) };
      }),
    }),
  },
};

export const panelSchema = z.object({
  id: z.number().int(), expertId: z.number().int(), projectRef: z.string(), lotRef: z.string(), role: z.enum(['member', 'leader']),
  servedOn: z.string(), note: z.string().nullable(), recordedBy: z.string(), recordedAt: z.string(),
});

export interface PanelServiceInput {
  expertId: number;
  /** 项目编号, e.g. FCZC-2026-0001 */
  projectRef: string;
  /** 包号; '' for a project without lots */
  lotRef?: string;
  role?: 'member' | 'leader';
  /** YYYY-MM-DD (Shanghai) */
  servedOn: string;
  note?: string;
  recordedBy: string;
  at: Date;
}

/**
 * Records that an expert served on a panel. Idempotent on (expert, project, lot): a job delivered twice records
 * once. Throws 422 for an unknown expert.
 */
export async function recordPanelService(tx: Transaction, input: PanelServiceInput): Promise<{ id: number; created: boolean }> {
  const { Expert, PanelService } = registryModels(sequelizeOf(tx));
  if (!(await Expert.findByPk(input.expertId, { transaction: tx }))) {
    throw validationFailed(`专家 ${input.expertId} 不存在 (no such expert)`, [{ path: 'expertId', reason: 'unknown expert' }]);
  }
  const key = { expertId: input.expertId, projectRef: input.projectRef, lotRef: input.lotRef ?? '' };
  const existing = await PanelService.findOne({ where: key, transaction: tx });
  if (existing) return { id: existing.get('id') as number, created: false };
  try {
    const row = await PanelService.create(
      { ...key, role: input.role ?? 'member', servedOn: input.servedOn, note: input.note ?? null, recordedBy: input.recordedBy, recordedAt: input.at },
      { transaction: tx },
    );
    return { id: row.get('id') as number, created: true };
  } catch (err) {
    // A parallel delivery (MariaDB) inserted it first and committed: InnoDB undoes only this statement, so read theirs.
    if (!(err instanceof UniqueConstraintError)) throw err;
    const theirs = await PanelService.findOne({ where: key, transaction: tx });
    if (!theirs) throw err;
    return { id: theirs.get('id') as number, created: false };
  }
}

export async function listPanelService(sequelize: Sequelize, expertId: number) {
  const rows = await registryModels(sequelize).PanelService.findAll({ where: { expertId }, order: [['servedOn', 'DESC'], ['id', 'DESC']] });
  return rows.map((r) => {
    const p = r.get({ plain: true }) as Plain;
    return { ...p, note: p.note ?? null, recordedAt: iso(p.recordedAt) } as z.output<typeof panelSchema>;
  });
}

/**
 * The declared conflicts of an expert that hit a panel's suppliers (by credit code or employer name), plus the
 * expert's own employer being one of the suppliers — the evaluation step refuses such an expert (回避).
 */
export async function expertConflicts(
  tx: Transaction,
  expertId: number,
  parties: { creditCode: string; name: string }[],
): Promise<{ creditCode: string; name: string; reason: string }[]> {
  const row = await registryModels(sequelizeOf(tx)).Expert.findByPk(expertId, { transaction: tx });
  if (!row) throw validationFailed(`专家 ${expertId} 不存在 (no such expert)`, [{ path: 'expertId', reason: 'unknown expert' }]);
  const conflicts = row.get('conflicts') as { kind: string; value: string }[];
  const employer = row.get('employer') as string;
  return parties.flatMap((p) => {
    const hits: string[] = [];
    if (conflicts.some((c) => c.kind === 'supplier' && c.value === p.creditCode)) hits.push('声明回避该供应商 (declared conflict)');
    if (conflicts.some((c) => c.kind === 'employer' && c.value === p.name)) hits.push('声明回避该单位 (declared conflict with the organisation)');
    if (employer === p.name) hits.push('专家任职于该供应商 (expert works for the supplier)');
    return hits.map((reason) => ({ creditCode: p.creditCode, name: p.name, reason }));
  });
}

/** Every expert of the pool with what a panel draw needs (the evaluation component draws from it; names stay here). */
export async function expertPool(tx: Transaction): Promise<{ id: number; code: string; employer: string; specialties: string[]; status: string; conflicts: { kind: string; value: string }[]; userId: number | null; pools: ExpertPool[] }[]> {
  const rows = await registryModels(sequelizeOf(tx)).Expert.findAll({ order: [['code', 'ASC']], transaction: tx });
  return rows.map((r) => ({
    id: r.get('id') as number, code: r.get('code') as string, employer: r.get('employer') as string, specialties: r.get('specialties') as string[],
    status: r.get('status') as string, conflicts: r.get('conflicts') as { kind: string; value: string }[], userId: (r.get('userId') as number | null) ?? null,
    pools: ((r.get('pools') as ExpertPool[] | null) ?? ['gp']),
  }));
}

/** Names of experts by id, for documents and routes after the award (identities are confidential until then). */
export async function expertNames(tx: Transaction | undefined, sequelize: Sequelize, ids: number[]): Promise<Map<number, string>> {
  if (!ids.length) return new Map();
  const rows = await registryModels(sequelize).Expert.findAll({ where: { id: { [Op.in]: ids } }, attributes: ['id', 'name'], transaction: tx });
  return new Map(rows.map((r) => [r.get('id') as number, r.get('name') as string]));
}
