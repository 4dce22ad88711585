/**
 * 信用记录: red list, black list and other records about a supplier, agency or expert, each from one member bureau
 * with its reason, legal basis, validity (inclusive Shanghai dates; no end date = until revoked) and an evidence
 * file. Two records of the same kind from the same bureau about the same subject may not overlap in time: a
 * prolonged ban is entered by changing the existing record's end date.
 * Access: staff read all; a supplier reads only records about itself (and their evidence); the finance bureau enters them.
 */
import { Op, Sequelize as S, type Sequelize, type Transaction, type WhereOptions } from 'sequelize';
import { z } from 'zod';
import type { AuthUser } from '../auth/types.ts';
import type { Database } from '../db.ts';
import { conflict, forbidden, validationFailed } from '../errors.ts';
import { EXPERT_IDENTITY, has, onlySupplier, ownOrgId, REGISTER_KEEPERS, STAFF } from '../registry/access.ts';
import { dateString, iso, nonEmpty } from '../registry/common.ts';
import { cell } from '../registry/csv.ts';
import type { Ctx, Plain, RegisterDef } from '../registry/crud.ts';
import { creditCodeProblem, normaliseCreditCode } from '../registry/credit-code.ts';
import { registryModels, sequelizeOf } from '../registry/models.ts';
import { supplierOfOrganisation } from '../registry/suppliers/register.ts';
import { creditModels } from './models.ts';
import { sourceUnit } from './source-units.ts';

export const SUBJECT_KINDS = ['supplier', 'agency', 'expert'] as const;
export const RECORD_KINDS = ['red', 'black', 'other'] as const;
export const KIND_LABELS = { red: '红名单', black: '黑名单', other: '其他记录' } as const;

const sourceUnitKey = z.string().trim().superRefine((v, ctx) => {
  const u = sourceUnit(v);
  if (!u || !u.active) ctx.addIssue({ code: 'custom', message: `来源单位「${v}」不在成员单位名单中 (unknown source unit; see server/credit/source-units.json)` });
});

const fields = {
  subjectKind: z.enum(SUBJECT_KINDS),
  // 统一社会信用代码 (supplier, agency) or 专家编号 (expert); checked against the kind below.
  subjectCode: z.string().trim().min(1).max(32),
  subjectName: nonEmpty(200),
  kind: z.enum(RECORD_KINDS),
  listName: z.string().trim().max(64).nullable().optional(),
  sourceUnit: sourceUnitKey,
  decisionNo: z.string().trim().max(100).nullable().optional(),
  reason: nonEmpty(1000),
  legalBasis: nonEmpty(500),
  validFrom: dateString,
  validTo: dateString.nullable().optional(),
};
const refine = <T extends { subjectKind?: string; subjectCode?: string; validFrom?: string; validTo?: string | null }>(v: T, ctx: z.RefinementCtx) => {
  if (v.validFrom && v.validTo && v.validTo < v.validFrom) ctx.addIssue({ code: 'custom', path: ['validTo'], message: '有效期止早于有效期起 (validTo is before validFrom)' });
  if (v.subjectKind && v.subjectKind !== 'expert' && v.subjectCode) {
    const p = creditCodeProblem(normaliseCreditCode(v.subjectCode));
    if (p) ctx.addIssue({ code: 'custom', path: ['subjectCode'], message: p.reason });
  }
};
const createSchema = z.object(fields).superRefine(refine);
const updateSchema = z.object({
  kind: fields.kind.optional(), listName: fields.listName, decisionNo: fields.decisionNo, reason: fields.reason.optional(),
  legalBasis: fields.legalBasis.optional(), validFrom: dateString.optional(), validTo: fields.validTo, subjectName: fields.subjectName.optional(),
  version: z.number().int().min(1),
});

export const evidenceMeta = z.object({ filename: z.string(), mime: z.string(), size: z.number().int(), sha256: z.string(), uploadedBy: z.string(), uploadedAt: z.string() });
export const creditRecordSchema = z.object({
  id: z.number().int(), subjectKind: z.enum(SUBJECT_KINDS), subjectCode: z.string(), subjectName: z.string(), kind: z.enum(RECORD_KINDS),
  listName: z.string().nullable(), sourceUnit: z.string(), sourceUnitName: z.string(), decisionNo: z.string().nullable(),
  reason: z.string(), legalBasis: z.string(), validFrom: z.string(), validTo: z.string().nullable(), inForceToday: z.boolean(),
  evidence: evidenceMeta.nullable(), version: z.number().int(), createdBy: z.string(), updatedAt: z.string(), updatedBy: z.string(),
});
export type CreditRecordOut = z.output<typeof creditRecordSchema>;

export const inForceOn = (r: { validFrom: unknown; validTo: unknown }, date: string) =>
  (r.validFrom as string) <= date && (r.validTo === null || r.validTo === undefined || (r.validTo as string) >= date);

/** Shown instead of an expert's name to callers who may not know who the experts are (only supervisor and agencies may). */
export const EXPERT_NAME_HIDDEN = '评审专家（身份不公开）';
/** Whether the caller may see who the subject of this record is: an expert's identity only to the supervisor and agencies. */
export const subjectVisible = (user: AuthUser, row: { subjectKind?: unknown }) => row.subjectKind !== 'expert' || has(user, EXPERT_IDENTITY);

export function presentCreditRecord(row: Plain, today: string): CreditRecordOut {
  const ev = row.evidence as Plain | null | undefined;
  return {
    id: row.id as number, subjectKind: row.subjectKind as CreditRecordOut['subjectKind'], subjectCode: row.subjectCode as string,
    subjectName: row.subjectName as string, kind: row.kind as CreditRecordOut['kind'], listName: (row.listName as string) ?? null,
    sourceUnit: row.sourceUnit as string, sourceUnitName: sourceUnit(row.sourceUnit as string)?.name ?? (row.sourceUnit as string),
    decisionNo: (row.decisionNo as string) ?? null, reason: row.reason as string, legalBasis: row.legalBasis as string,
    validFrom: row.validFrom as string, validTo: (row.validTo as string) ?? null, inForceToday: inForceOn(row as never, today),
    evidence: ev ? { filename: ev.filename as string, mime: ev.mime as string, size: ev.size as number, sha256: ev.sha256 as string, uploadedBy: ev.uploadedBy as string, uploadedAt: iso(ev.uploadedAt) } : null,
    version: row.version as number, createdBy: row.createdBy as string, updatedAt: iso(row.updatedAt), updatedBy: row.updatedBy as string,
  };
}

/** The credit code a supplier-only caller may see records about (null: none registered for its organisation). */
export async function ownCreditCode(user: AuthUser, sequelize: Sequelize, tx?: Transaction): Promise<string | null> {
  return (await supplierOfOrganisation(tx, sequelize, ownOrgId(user)))?.creditCode ?? null;
}

/** Refuses a record overlapping another of the same subject, kind and source unit (409 naming it). */
async function assertNoOverlap(ctx: Ctx, v: { subjectCode: string; kind: string; sourceUnit: string; validFrom: string; validTo: string | null }, selfId?: number, lock = false) {
  const sequelize = sequelizeOf(ctx.tx);
  const { CreditRecord } = creditModels(sequelize);
  const where: WhereOptions = {
    subjectCode: v.subjectCode,
    kind: v.kind,
    sourceUnit: v.sourceUnit,
    ...(selfId ? { id: { [Op.ne]: selfId } } : {}),
    ...(v.validTo ? { validFrom: { [Op.lte]: v.validTo } } : {}),
    [Op.or]: [{ validTo: null }, { validTo: { [Op.gte]: v.validFrom } }],
  };
  const other = await CreditRecord.findOne({ where, transaction: ctx.tx, lock: lock && sequelize.getDialect() !== 'sqlite' ? ctx.tx.LOCK.UPDATE : undefined });
  if (other) {
    const range = `${other.get('validFrom')} 至 ${other.get('validTo') ?? '长期'}`;
    const reason = `与同一来源单位的同类记录 ${other.get('id')}（${range}）有效期重叠 (overlaps record ${other.get('id')} of the same kind and source)`;
    throw conflictWith(reason);
  }
}
function conflictWith(reason: string) {
  const err = conflict(reason, 'CREDIT_PERIOD_OVERLAP');
  err.details.push({ path: 'validFrom', reason });
  return err;
}

async function assertSubject(ctx: Ctx, kind: string, code: string) {
  if (kind !== 'expert') return;
  const expert = await registryModels(sequelizeOf(ctx.tx)).Expert.findOne({ where: { code }, transaction: ctx.tx });
  if (!expert) throw validationFailed(`专家编号 ${code} 不在专家库中 (unknown expert code)`, [{ path: 'subjectCode', reason: 'unknown expert code' }]);
}

const isKeeper = (u: AuthUser) => u.roles.some((r) => REGISTER_KEEPERS.includes(r));

export const creditRecordRegister: RegisterDef = {
  register: 'credit',
  basePath: '/api/credit-records',
  tag: 'credit',
  label: '信用记录 (credit record)',
  model: (s) => creditModels(s).CreditRecord,
  itemSchema: creditRecordSchema,
  createSchema: createSchema as unknown as z.ZodObject<never>,
  updateSchema,
  filters: z.object({
    subjectCode: z.string().trim().toUpperCase().max(32).optional(),
    kind: z.enum(RECORD_KINDS).optional(),
    sourceUnit: z.string().max(32).optional(),
    inForceOn: dateString.optional(),
  }),
  filterWhere: (q) => ({
    ...(q.subjectCode ? { subjectCode: q.subjectCode } : {}),
    ...(q.kind ? { kind: q.kind } : {}),
    ...(q.sourceUnit ? { sourceUnit: q.sourceUnit } : {}),
    ...(q.inForceOn ? { validFrom: { [Op.lte]: q.inForceOn }, [Op.or]: [{ validTo: null }, { validTo: { [Op.gte]: q.inForceOn } }] } : {}),
  }),
  access: { read: [...STAFF, 'supplier'], create: REGISTER_KEEPERS, update: REGISTER_KEEPERS, import: REGISTER_KEEPERS, export: [...REGISTER_KEEPERS, 'auditor'] },
  accessNote: '工作人员可查看全部；供应商只能查看关于本单位的记录及其证据；财政部门（采购股、监督）录入成员单位提供的记录。',
  // Callers who may not know experts' identities find records by subject name only where the subject is not an expert.
  searchColumns: (user) => (has(user, EXPERT_IDENTITY) ? ['subject_name', 'subject_code', 'reason', 'decision_no'] : ['subject_code', 'reason', 'decision_no']),
  searchExtra: (word, user) =>
    has(user, EXPERT_IDENTITY)
      ? []
      : [{ [Op.and]: [{ subjectKind: { [Op.ne]: 'expert' } }, S.where(S.fn('INSTR', S.fn('LOWER', S.col('subject_name')), word.toLowerCase()), Op.gt, 0)] }],
  order: [['validFrom', 'DESC'], ['id', 'DESC']],
  async scope(user, db) {
    if (!onlySupplier(user)) return null;
    return { subjectCode: (await ownCreditCode(user, db.sequelize)) ?? '-' };
  },
  async canRead(user, row, db, tx) {
    if (!onlySupplier(user)) return true;
    return row.subjectCode === (await ownCreditCode(user, db.sequelize, tx));
  },
  canUpdate: (user) => isKeeper(user),
  async enrich(rows, db: Database) {
    if (!rows.length) return;
    const evs = await creditModels(db.sequelize).CreditEvidence.findAll({
      where: { recordId: { [Op.in]: rows.map((r) => r.id as number) } },
      attributes: ['recordId', 'filename', 'mime', 'size', 'sha256', 'uploadedBy', 'uploadedAt'],
    });
    for (const r of rows) r.evidence = evs.find((e) => e.get('recordId') === r.id)?.get({ plain: true }) ?? null;
  },
  present: (row, user, today) => {
    const out = presentCreditRecord(row, today);
    return subjectVisible(user, row) ? out : { ...out, subjectName: EXPERT_NAME_HIDDEN };
  },
  async prepareCreate(ctx, input: z.output<typeof createSchema>) {
    // Expert codes are upper case like credit codes (registry/experts/register.ts), so one normalisation serves both.
    const subjectCode = normaliseCreditCode(input.subjectCode);
    await assertSubject(ctx, input.subjectKind, subjectCode);
    const values = { ...input, subjectCode, validTo: input.validTo ?? null, listName: input.listName ?? null, decisionNo: input.decisionNo ?? null };
    await assertNoOverlap(ctx, values);
    return { ...values, createdBy: ctx.user.username };
  },
  async prepareUpdate(ctx, row, patch: z.output<typeof updateSchema>) {
    if (patch.subjectName !== undefined && !subjectVisible(ctx.user, row)) {
      // The caller sees a placeholder, not the expert's name: writing it back would replace the real name.
      throw forbidden('评审专家的身份仅监督和代理机构可见，不能修改主体名称 (only supervisor and agencies may change an expert subject name)');
    }
    const merged = {
      subjectCode: row.subjectCode as string, kind: patch.kind ?? (row.kind as string), sourceUnit: row.sourceUnit as string,
      validFrom: patch.validFrom ?? (row.validFrom as string), validTo: patch.validTo === undefined ? ((row.validTo as string) ?? null) : patch.validTo,
    };
    if (merged.validTo && merged.validTo < merged.validFrom) {
      throw validationFailed('有效期止早于有效期起 (validTo is before validFrom)', [{ path: 'validTo', reason: 'before validFrom' }]);
    }
    await assertNoOverlap(ctx, merged, row.id as number);
    return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
  },
  // Checked again after the write with a locking read: on MariaDB (READ COMMITTED) two parallel requests both pass the
  // first check; the locking read waits for the other's uncommitted row (or deadlocks and is retried), so one is refused.
  async afterWrite(ctx, row) {
    await assertNoOverlap(ctx, row as never, row.id as number, true);
  },
  // Records have no natural key: every imported row is a new record (overlaps with existing ones are refused).
  naturalKey: () => null,
  csv: {
    filename: 'credit-records',
    columns: [
      { key: 'subjectKind', label: '主体类型', required: true, get: (r) => r.subjectKind as string },
      { key: 'subjectCode', label: '主体代码', required: true, get: (r) => r.subjectCode as string },
      { key: 'subjectName', label: '主体名称', required: true, get: (r) => r.subjectName as string },
      { key: 'kind', label: '记录类别', required: true, get: (r) => r.kind as string },
      { key: 'listName', label: '名单名称', get: (r) => r.listName as string | null },
      { key: 'sourceUnit', label: '来源单位', required: true, get: (r) => r.sourceUnit as string },
      { key: 'decisionNo', label: '决定文号', get: (r) => r.decisionNo as string | null },
      { key: 'reason', label: '事由', required: true, get: (r) => r.reason as string },
      { key: 'legalBasis', label: '依据', required: true, get: (r) => r.legalBasis as string },
      { key: 'validFrom', label: '有效期起', required: true, get: (r) => r.validFrom as string },
      { key: 'validTo', label: '有效期止', get: (r) => r.validTo as string | null },
    ],
    fromRow: (v) => ({
      subjectKind: v.subjectKind, subjectCode: v.subjectCode ?? '', subjectName: v.subjectName ?? '',
      kind: (Object.entries(KIND_LABELS).find(([, l]) => l === v.kind)?.[0]) ?? v.kind,
      listName: cell(v.listName) ?? null, sourceUnit: v.sourceUnit ?? '', decisionNo: cell(v.decisionNo) ?? null,
      reason: v.reason ?? '', legalBasis: v.legalBasis ?? '', validFrom: v.validFrom ?? '', validTo: cell(v.validTo) ?? null,
    }),
  },
};
