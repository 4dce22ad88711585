/**
 * Pieces every register shares: paging, text search that works the same on SQLite and MariaDB, dates, the
 * optimistic version check and the version history (register_versions).
 */
import { Op, Sequelize, type Transaction, type WhereOptions } from 'sequelize';
import { z } from 'zod';
import { AppError, conflict, validationFailed } from '../errors.ts';
import { isDateString } from '../calendar/working-days.ts';
import { sequelizeOf, type RegistryModels, type Row } from './models.ts';
import { creditCodeProblem, normaliseCreditCode } from './credit-code.ts';
import { defineAuthModels } from '../auth/models.ts';
import type { OrganisationKind } from '../auth/roles.ts';

export const pageQuery = z.object({
  q: z.string().trim().max(100).optional(),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export function pageSchema(item: z.ZodType) {
  return z.object({ items: z.array(item), total: z.number().int(), offset: z.number().int(), limit: z.number().int() });
}

export const dateString = z.string().refine(isDateString, '日期格式应为 YYYY-MM-DD (date must be YYYY-MM-DD)');

/** A unified social credit code: normalised (trim, upper case), then checked against GB 32100 with the failing rule named. */
export const creditCodeSchema = z
  .string()
  .max(40)
  .transform((v) => normaliseCreditCode(v))
  .superRefine((v, ctx) => {
    const p = creditCodeProblem(v);
    if (p) ctx.addIssue({ code: 'custom', message: p.reason, params: { rule: p.rule } });
  });

/**
 * The body of an update: every field optional, with its create-time default removed (zod applies a default even
 * inside optional(), which would silently reset an omitted field), plus the version the client read.
 */
export function updateSchemaOf(fields: Record<string, z.ZodType>) {
  return z.object({
    ...Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, (v instanceof z.ZodDefault ? (v.unwrap() as z.ZodType) : v).optional()])),
    version: z.number().int().min(1),
  });
}

/** A 品目 code prefix for filtering (A0201 → everything under 计算机设备及软件). */
export const categoryPrefix = z.string().trim().toUpperCase().regex(/^[ABC]\d{0,10}$/, '品目编码前缀如 A0201 (category code prefix such as A0201)');

export const phoneSchema = z.string().trim().regex(/^[0-9+\-() ]{5,32}$/, '电话号码只能包含数字、+、-、括号和空格 (phone: digits, + - ( ) and spaces)');
export const nonEmpty = (max: number) => z.string().trim().min(1, '必填 (required)').max(max);

/**
 * Substring search over columns, each whitespace-separated word must match some column. INSTR(LOWER(…)) is the
 * same on SQLite and MariaDB, needs no LIKE escaping (a user's % or _ is literal) and matches Chinese text as is.
 */
export function textWhere(text: string | undefined, columns: string[], extra: (word: string) => WhereOptions[] = () => []): WhereOptions | null {
  const words = (text ?? '').split(/\s+/).filter(Boolean).slice(0, 8);
  if (!words.length) return null;
  return {
    [Op.and]: words.map((w) => ({
      [Op.or]: [
        ...columns.map((c) => Sequelize.where(Sequelize.fn('INSTR', Sequelize.fn('LOWER', Sequelize.col(c)), w.toLowerCase()), Op.gt, 0)),
        ...extra(w),
      ],
    })),
  };
}

export function andWhere(...parts: (WhereOptions | null | undefined)[]): WhereOptions {
  const list = parts.filter((p): p is WhereOptions => !!p);
  return list.length ? { [Op.and]: list } : {};
}

export const iso = (v: unknown): string => (v instanceof Date ? v : new Date(String(v))).toISOString();

export function staleVersion(current: number, sent: number): AppError {
  return conflict(`记录已被他人修改（当前版本 ${current}，提交的版本 ${sent}），请刷新后重试 (stale version)`, 'STALE_VERSION');
}

export type RegisterName = 'supplier' | 'agency' | 'goods' | 'expert' | 'credit';

/** Stores the record as it is after a change: the register's history (变更记录). */
export async function saveVersion(
  models: RegistryModels,
  tx: Transaction,
  register: RegisterName,
  row: Row,
  action: 'create' | 'update' | 'import' | 'bid',
  by: string,
  at: Date,
): Promise<void> {
  const data = row.get({ plain: true }) as Record<string, unknown>;
  await models.RegisterVersion.create(
    { register, recordId: data.id, version: data.version, action, data, changedBy: by, changedAt: at },
    { transaction: tx },
  );
}

export const versionSchema = z.object({
  version: z.number().int(),
  action: z.string(),
  changedBy: z.string(),
  changedAt: z.string(),
  data: z.record(z.string(), z.unknown()),
});

export async function listVersions(models: RegistryModels, register: RegisterName, recordId: number) {
  const rows = await models.RegisterVersion.findAll({ where: { register, recordId }, order: [['version', 'DESC']] });
  return rows.map((r) => ({
    version: r.get('version') as number,
    action: r.get('action') as string,
    changedBy: r.get('changedBy') as string,
    changedAt: iso(r.get('changedAt')),
    data: r.get('data') as Record<string, unknown>,
  }));
}

/**
 * A register record linked to a user organisation (the "own record" rule): the organisation must exist, be of the
 * register's kind and, when it carries a credit code, carry the record's own — otherwise that organisation's users
 * would read (and edit) another party's record, bank account included.
 */
export async function checkOrganisationLink(tx: Transaction, organisationId: number, kind: OrganisationKind, creditCode: string): Promise<void> {
  const { Organisation } = defineAuthModels(sequelizeOf(tx));
  const org = await Organisation.findByPk(organisationId, { transaction: tx });
  const reason = !org
    ? `单位 ${organisationId} 不存在 (no such organisation)`
    : org.kind !== kind
      ? `单位「${org.name}」不是${kind === 'supplier' ? '供应商' : '代理机构'}单位 (organisation is not of kind ${kind})`
      : org.creditCode && org.creditCode !== creditCode
        ? `单位「${org.name}」的统一社会信用代码是 ${org.creditCode}，与本记录的 ${creditCode} 不同 (organisation has another credit code)`
        : null;
  if (reason) throw validationFailed(`关联单位不正确 (wrong organisation link)`, [{ path: 'organisationId', reason }]);
}
