/**
 * 供应商库: the supplier register. Registration is optional (财库〔2019〕38号 forbids using a register as an entry
 * barrier): a bid from an unregistered supplier creates the record through `ensureSupplierForBid`.
 * Access: staff read all; a supplier reads and edits only its own organisation's record and never sees another
 * supplier's bank details; the finance bureau (finance_section, supervisor) keeps the register.
 */
import { UniqueConstraintError, type Transaction } from 'sequelize';
import { z } from 'zod';
import { conflict, forbidden, validationFailed, type ErrorDetail } from '../../errors.ts';
import type { AuthUser } from '../../auth/types.ts';
import { has, isStaff, onlySupplier, ownOrgId, REGISTER_KEEPERS, STAFF } from '../access.ts';
import { checkOrganisationLink, creditCodeSchema, dateString, iso, nonEmpty, phoneSchema, saveVersion, updateSchemaOf } from '../common.ts';
import { cell, list } from '../csv.ts';
import type { Ctx, Plain, RegisterDef } from '../crud.ts';
import { registryModels, sequelizeOf } from '../models.ts';
import { creditCodeProblem, normaliseCreditCode } from '../credit-code.ts';

export const SCALES = ['large', 'medium', 'small', 'micro'] as const;
export const SCALE_LABELS: Record<(typeof SCALES)[number], string> = { large: '大型', medium: '中型', small: '小型', micro: '微型' };
const STATUSES = ['active', 'suspended', 'cancelled'] as const;

const qualification = z.object({
  name: nonEmpty(100),
  certNo: nonEmpty(64),
  expiresOn: dateString,
}).strict();

const bankAccount = z.string().transform((v) => v.replace(/[\s-]/g, '')).pipe(z.string().regex(/^\d{8,32}$/, '银行账号应为 8–32 位数字 (bank account: 8–32 digits)'));

const fields = {
  creditCode: creditCodeSchema,
  name: nonEmpty(200),
  legalRep: nonEmpty(64),
  contactName: nonEmpty(64),
  contactPhone: phoneSchema,
  address: nonEmpty(300),
  scale: z.enum(SCALES),
  qualifications: z.array(qualification).max(50).default([]),
  bankName: z.string().trim().max(128).nullable().optional(),
  bankAccount: bankAccount.nullable().optional(),
  status: z.enum(STATUSES).default('active'),
  organisationId: z.number().int().min(1).nullable().optional(),
};
const createSchema = z.object(fields);
const updateSchema = updateSchemaOf(fields);

const itemSchema = z.object({
  id: z.number().int(),
  creditCode: z.string(),
  name: z.string(),
  legalRep: z.string(),
  contactName: z.string(),
  contactPhone: z.string(),
  address: z.string(),
  scale: z.enum(SCALES),
  qualifications: z.array(qualification.extend({ expired: z.boolean() })),
  hasExpiredQualifications: z.boolean(),
  bankVisible: z.boolean(),
  bankName: z.string().nullable(),
  bankAccount: z.string().nullable(),
  status: z.enum(STATUSES),
  organisationId: z.number().int().nullable(),
  source: z.string(),
  version: z.number().int(),
  updatedAt: z.string(),
  updatedBy: z.string(),
});

interface Qualification {
  name: string;
  certNo: string;
  expiresOn: string;
}

const isOwn = (u: AuthUser, row: Plain) => row.organisationId !== null && row.organisationId === ownOrgId(u);

/** A qualification already expired cannot be registered (expiry is inclusive: valid through that day). */
function expiredQualifications(quals: Qualification[], today: string): ErrorDetail[] {
  return quals.flatMap((q, i) =>
    q.expiresOn < today ? [{ path: `qualifications.${i}.expiresOn`, reason: `资质「${q.name}」已于 ${q.expiresOn} 过期 (qualification expired)` }] : [],
  );
}

async function assertUnique(ctx: Ctx, values: { creditCode?: string; organisationId?: number | null }, selfId?: number) {
  const { Supplier } = ctx.models;
  if (values.creditCode) {
    const other = await Supplier.findOne({ where: { creditCode: values.creditCode }, transaction: ctx.tx });
    if (other && other.get('id') !== selfId) {
      throw conflict(`统一社会信用代码 ${values.creditCode} 已登记为「${other.get('name')}」(credit code already registered)`, 'DUPLICATE');
    }
  }
  if (values.organisationId) {
    const other = await Supplier.findOne({ where: { organisationId: values.organisationId }, transaction: ctx.tx });
    if (other && other.get('id') !== selfId) throw conflict('该单位已有供应商记录 (this organisation already has a supplier record)', 'DUPLICATE');
  }
}

export const supplierRegister: RegisterDef = {
  register: 'supplier',
  basePath: '/api/suppliers',
  tag: 'registers',
  label: '供应商 (supplier)',
  model: (s) => registryModels(s).Supplier,
  itemSchema,
  createSchema,
  updateSchema,
  filters: z.object({ scale: z.enum(SCALES).optional(), status: z.enum(STATUSES).optional() }),
  filterWhere: (q) => ({ ...(q.scale ? { scale: q.scale } : {}), ...(q.status ? { status: q.status } : {}) }),
  access: { read: [...STAFF, 'supplier'], create: [...REGISTER_KEEPERS, 'supplier'], update: [...REGISTER_KEEPERS, 'supplier'], import: REGISTER_KEEPERS, export: [...REGISTER_KEEPERS, 'auditor'] },
  accessNote: '工作人员可查看全部；供应商只能查看和修改本单位记录，看不到其他供应商的银行账户；财政部门（采购股、监督）维护名录。',
  searchColumns: () => ['name', 'credit_code', 'legal_rep', 'address'],
  order: [['name', 'ASC'], ['id', 'ASC']],
  scope: (user) => (onlySupplier(user) ? { organisationId: ownOrgId(user) } : null),
  canRead: (user, row) => !onlySupplier(user) || isOwn(user, row),
  canUpdate: (user, row) => has(user, REGISTER_KEEPERS) || (user.roles.includes('supplier') && isOwn(user, row)),
  present(row, user, today) {
    const bankVisible = isStaff(user) || isOwn(user, row);
    const quals = (row.qualifications as Qualification[]) ?? [];
    const qualifications = quals.map((q) => ({ ...q, expired: q.expiresOn < today }));
    return {
      id: row.id, creditCode: row.creditCode, name: row.name, legalRep: row.legalRep, contactName: row.contactName,
      contactPhone: row.contactPhone, address: row.address, scale: row.scale, qualifications,
      hasExpiredQualifications: qualifications.some((q) => q.expired),
      bankVisible, bankName: bankVisible ? (row.bankName ?? null) : null, bankAccount: bankVisible ? (row.bankAccount ?? null) : null,
      status: row.status, organisationId: row.organisationId ?? null, source: row.source, version: row.version,
      updatedAt: iso(row.updatedAt), updatedBy: row.updatedBy,
    };
  },
  async prepareCreate(ctx, input: z.output<typeof createSchema>) {
    const keeper = has(ctx.user, REGISTER_KEEPERS);
    const values = { ...input, organisationId: input.organisationId ?? null };
    if (!keeper) {
      // Self-registration: the record belongs to the caller's organisation and starts active.
      if (!ctx.user.organisation) throw forbidden('账号未关联单位，不能自行登记 (account has no organisation)');
      values.organisationId = ctx.user.organisation.id;
      values.status = 'active';
    }
    const expired = expiredQualifications(values.qualifications, ctx.today);
    if (expired.length) throw validationFailed('资质证书已过期 (expired qualification)', expired);
    if (values.organisationId) await checkOrganisationLink(ctx.tx, values.organisationId, 'supplier', values.creditCode);
    await assertUnique(ctx, values);
    return { ...values, bankName: values.bankName ?? null, bankAccount: values.bankAccount ?? null, source: 'register' };
  },
  async prepareUpdate(ctx, row, patch: Partial<z.output<typeof createSchema>>) {
    if (!has(ctx.user, REGISTER_KEEPERS)) {
      // A supplier edits its own details but not what identifies it or what the bureau decides.
      const locked = (['creditCode', 'status', 'organisationId'] as const).filter((k) => patch[k] !== undefined && patch[k] !== row[k]);
      if (locked.length) {
        throw forbidden(`供应商不能修改：${locked.join('、')} (suppliers cannot change these fields)`);
      }
    }
    if (patch.qualifications) {
      // A qualification already on the record may have expired since (it stays, flagged); a new or changed one may not.
      const known = new Set(((row.qualifications as Qualification[]) ?? []).map((q) => `${q.name}|${q.certNo}|${q.expiresOn}`));
      const expired = expiredQualifications(patch.qualifications, ctx.today).filter((d) => {
        const q = patch.qualifications![Number(d.path.split('.')[1])];
        return !known.has(`${q.name}|${q.certNo}|${q.expiresOn}`);
      });
      if (expired.length) throw validationFailed('资质证书已过期 (expired qualification)', expired);
    }
    const organisationId = patch.organisationId === undefined ? (row.organisationId as number | null) : patch.organisationId;
    if (organisationId && (patch.organisationId !== undefined || patch.creditCode !== undefined)) {
      await checkOrganisationLink(ctx.tx, organisationId, 'supplier', patch.creditCode ?? (row.creditCode as string));
    }
    await assertUnique(ctx, { creditCode: patch.creditCode, organisationId: patch.organisationId }, row.id as number);
    return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
  },
  naturalKey: (v) => ({ creditCode: v.creditCode }),
  csv: {
    filename: 'suppliers',
    columns: [
      { key: 'creditCode', label: '统一社会信用代码', required: true, get: (r) => r.creditCode as string },
      { key: 'name', label: '供应商名称', required: true, get: (r) => r.name as string },
      { key: 'legalRep', label: '法定代表人', required: true, get: (r) => r.legalRep as string },
      { key: 'contactName', label: '联系人', required: true, get: (r) => r.contactName as string },
      { key: 'contactPhone', label: '联系电话', required: true, get: (r) => r.contactPhone as string },
      { key: 'address', label: '地址', required: true, get: (r) => r.address as string },
      { key: 'scale', label: '企业规模', required: true, get: (r) => r.scale as string },
      {
        key: 'qualifications', label: '资质证书',
        get: (r) => ((r.qualifications as Qualification[]) ?? []).map((q) => `${q.name}|${q.certNo}|${q.expiresOn}`).join(';'),
      },
      { key: 'bankName', label: '开户银行', get: (r) => r.bankName as string | null },
      { key: 'bankAccount', label: '银行账号', get: (r) => r.bankAccount as string | null },
      { key: 'status', label: '状态', get: (r) => r.status as string },
    ],
    fromRow: (v) => ({
      creditCode: v.creditCode ?? '',
      name: v.name ?? '',
      legalRep: v.legalRep ?? '',
      contactName: v.contactName ?? '',
      contactPhone: v.contactPhone ?? '',
      address: v.address ?? '',
      scale: SCALES.find((s) => s === v.scale || SCALE_LABELS[s] === v.scale) ?? v.scale,
      // 名称|证书编号|有效期至;…
      qualifications: list(v.qualifications).map((q) => {
        const [name, certNo, expiresOn] = q.split('|').map((s) => s.trim());
        return { name, certNo, expiresOn };
      }),
      bankName: cell(v.bankName) ?? null,
      bankAccount: cell(v.bankAccount) ?? null,
      status: cell(v.status),
    }),
  },
};

export interface BidderIdentity {
  creditCode: string;
  name: string;
  /** From the bid's 投标函 / 法定代表人身份证明: a bid always states these. */
  legalRep: string;
  contactName: string;
  contactPhone: string;
  address: string;
  /** From the bid's 中小企业声明函; 'large' when the bidder declares no SME status. */
  scale: (typeof SCALES)[number];
  /** Who submitted the bid (user name), for the version history. */
  by: string;
  at: Date;
}

/**
 * The supplier record of a bidder, created on its first bid if it never registered (registration must not be an
 * entry condition). An existing record is returned unchanged: the register, not a bid, is where details change.
 * Throws 422 for an invalid credit code.
 */
export async function ensureSupplierForBid(tx: Transaction, bidder: BidderIdentity): Promise<{ supplierId: number; created: boolean; status: string }> {
  const creditCode = normaliseCreditCode(bidder.creditCode);
  const problem = creditCodeProblem(creditCode);
  if (problem) throw validationFailed(problem.reason, [{ path: 'creditCode', reason: problem.reason }]);
  const missing = (['name', 'legalRep', 'contactName', 'contactPhone', 'address'] as const).filter((k) => !bidder[k]?.trim());
  if (missing.length) throw validationFailed(`投标人信息不完整：${missing.join('、')} (bidder details missing)`, missing.map((k) => ({ path: k, reason: '必填 (required)' })));
  const models = registryModels(sequelizeOf(tx));
  const existing = await models.Supplier.findOne({ where: { creditCode }, transaction: tx });
  if (existing) return { supplierId: existing.get('id') as number, created: false, status: existing.get('status') as string };
  let row;
  try {
    row = await models.Supplier.create(
      {
        creditCode, name: bidder.name.trim(), legalRep: bidder.legalRep.trim(), contactName: bidder.contactName.trim(),
        contactPhone: bidder.contactPhone.trim(), address: bidder.address.trim(), scale: bidder.scale,
        qualifications: [], bankName: null, bankAccount: null, status: 'active', organisationId: null, source: 'bid',
        version: 1, createdAt: bidder.at, updatedAt: bidder.at, updatedBy: bidder.by,
      },
      { transaction: tx },
    );
  } catch (err) {
    // Another bid of the same bidder created it meanwhile (MariaDB runs them in parallel; InnoDB undoes only this
    // statement): use that record, as if it had existed before.
    if (!(err instanceof UniqueConstraintError)) throw err;
    const theirs = await models.Supplier.findOne({ where: { creditCode }, transaction: tx });
    if (!theirs) throw err;
    return { supplierId: theirs.get('id') as number, created: false, status: theirs.get('status') as string };
  }
  await saveVersion(models, tx, 'supplier', row, 'bid', bidder.by, bidder.at);
  return { supplierId: row.get('id') as number, created: true, status: 'active' };
}

/** The supplier record of an organisation (a supplier user's own), or null. */
export async function supplierOfOrganisation(tx: Transaction | undefined, sequelize: import('sequelize').Sequelize, organisationId: number) {
  const row = await registryModels(sequelize).Supplier.findOne({ where: { organisationId }, transaction: tx });
  return row ? { id: row.get('id') as number, creditCode: row.get('creditCode') as string, name: row.get('name') as string } : null;
}
