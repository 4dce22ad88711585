/**
 * The credit check (信用信息查询) the procurement chain runs before qualification review, award or a single-source
 * notice (财库〔2016〕125号). The result — pass or fail, the records that decided it as they were at that moment,
 * who ran it and when — is stored as the 供应商信用信息查询记录 and sealed with a sha256 digest.
 * Rules are data (policy.json, versioned by effective date): black-list records in force fail the subject;
 * red-list incentives are local policy, off unless the version in force lists them.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { Op, type Sequelize, type Transaction } from 'sequelize';
import { z } from 'zod';
import { validationFailed } from '../errors.ts';
import { creditCodeProblem, normaliseCreditCode } from '../registry/credit-code.ts';
import { isDateString } from '../calendar/working-days.ts';
import { iso } from '../registry/common.ts';
import { registryModels, sequelizeOf, type Row } from '../registry/models.ts';
import { creditModels } from './models.ts';
import { inForceOn } from './records.ts';
import { sourceUnit } from './source-units.ts';

export interface CreditPolicy {
  id: string;
  effectiveFrom: string;
  basis: string;
  failKinds: ('black' | 'red' | 'other')[];
  redListEffects: string[];
}

const policyFile = JSON.parse(fs.readFileSync(new URL('./policy.json', import.meta.url), 'utf8')) as { versions: CreditPolicy[] };

/** The policy version in force on a date (the latest effectiveFrom not after it). */
export function policyOn(date: string, versions: CreditPolicy[] = policyFile.versions): CreditPolicy {
  const v = [...versions].sort((a, b) => b.effectiveFrom.localeCompare(a.effectiveFrom)).find((p) => p.effectiveFrom <= date);
  if (!v) throw validationFailed(`${date} 没有生效的信用核查规则 (no credit policy in force)`, [{ path: 'date', reason: 'before the first policy version' }]);
  return v;
}

export const recordSnapshot = z.object({
  id: z.number().int(), kind: z.string(), listName: z.string().nullable(), subjectName: z.string(), sourceUnit: z.string(), sourceUnitName: z.string(),
  decisionNo: z.string().nullable(), reason: z.string(), legalBasis: z.string(), validFrom: z.string(), validTo: z.string().nullable(),
  hasEvidence: z.boolean(), evidenceSha256: z.string().nullable(),
});
export type RecordSnapshot = z.output<typeof recordSnapshot>;

export const creditCheckSchema = z.object({
  checkId: z.number().int(),
  creditCode: z.string(),
  subjectName: z.string().nullable(),
  date: z.string(),
  purpose: z.string(),
  projectRef: z.string().nullable(),
  result: z.enum(['pass', 'fail']),
  decidingRecords: z.array(recordSnapshot),
  otherRecords: z.array(recordSnapshot),
  redListEffects: z.array(z.string()),
  policyVersion: z.string(),
  digest: z.string(),
  checkedBy: z.string(),
  checkedAt: z.string(),
});
export type CreditCheckResult = z.output<typeof creditCheckSchema>;

/** Every record about the code in force on the date, oldest first. */
export async function recordsInForce(sequelize: Sequelize, creditCode: string, date: string, tx?: Transaction): Promise<RecordSnapshot[]> {
  const { CreditRecord, CreditEvidence } = creditModels(sequelize);
  const rows = await CreditRecord.findAll({
    where: { subjectCode: creditCode, validFrom: { [Op.lte]: date }, [Op.or]: [{ validTo: null }, { validTo: { [Op.gte]: date } }] },
    order: [['validFrom', 'ASC'], ['id', 'ASC']],
    transaction: tx,
  });
  const evs = rows.length
    ? await CreditEvidence.findAll({ where: { recordId: { [Op.in]: rows.map((r) => r.get('id') as number) } }, attributes: ['recordId', 'sha256'], transaction: tx })
    : [];
  return rows.map((r: Row) => {
    const p = r.get({ plain: true }) as Record<string, unknown>;
    const sha = (evs.find((e) => e.get('recordId') === p.id)?.get('sha256') as string | undefined) ?? null;
    return {
      id: p.id as number, kind: p.kind as string, listName: (p.listName as string) ?? null, subjectName: p.subjectName as string,
      sourceUnit: p.sourceUnit as string, sourceUnitName: sourceUnit(p.sourceUnit as string)?.name ?? (p.sourceUnit as string),
      decisionNo: (p.decisionNo as string) ?? null, reason: p.reason as string, legalBasis: p.legalBasis as string,
      validFrom: p.validFrom as string, validTo: (p.validTo as string) ?? null, hasEvidence: sha !== null, evidenceSha256: sha,
    };
  });
}

export interface CheckCreditInput {
  creditCode: string;
  /** The date the check is about (YYYY-MM-DD, Shanghai): usually today, or the cut-off the tender documents name. */
  date: string;
  /** e.g. 资格审查 / 中标公告前 / 单一来源公示前 */
  purpose: string;
  projectRef?: string | null;
  /** User name (or worker id) that ran the check. */
  checkedBy: string;
  /** The moment of the check (pass the injected clock's now). */
  at: Date;
  /** Override the policy versions (tests; a district with its own rules edits policy.json instead). */
  policies?: CreditPolicy[];
}

/**
 * Runs and stores a credit check in `tx`. Fail when a record of a failing kind (black list) is in force on the
 * date; a record whose period ended before the date, or starts after it, does not count. Throws 422 for a bad
 * credit code or date.
 */
export async function checkCredit(tx: Transaction, input: CheckCreditInput): Promise<CreditCheckResult> {
  const creditCode = normaliseCreditCode(input.creditCode);
  const problem = creditCodeProblem(creditCode);
  if (problem) throw validationFailed(problem.reason, [{ path: 'creditCode', reason: problem.reason }]);
  if (!isDateString(input.date)) throw validationFailed('日期格式应为 YYYY-MM-DD (date must be YYYY-MM-DD)', [{ path: 'date', reason: input.date }]);
  if (!input.purpose.trim()) throw validationFailed('请写明核查用途 (purpose required)', [{ path: 'purpose', reason: 'required' }]);
  const sequelize = sequelizeOf(tx);
  const policy = policyOn(input.date, input.policies);
  const records = await recordsInForce(sequelize, creditCode, input.date, tx);
  const deciding = records.filter((r) => (policy.failKinds as string[]).includes(r.kind));
  const other = records.filter((r) => !deciding.includes(r));
  const hasRed = records.some((r) => r.kind === 'red' && inForceOn(r, input.date));
  const redListEffects = deciding.length === 0 && hasRed ? policy.redListEffects : [];

  const { Supplier, Agency } = registryModels(sequelize);
  const subject = (await Supplier.findOne({ where: { creditCode }, transaction: tx })) ?? (await Agency.findOne({ where: { creditCode }, transaction: tx }));
  const subjectName = (subject?.get('name') as string | undefined) ?? records[0]?.subjectName ?? null;

  const body = {
    creditCode, subjectName, date: input.date, purpose: input.purpose.trim(), projectRef: input.projectRef ?? null,
    result: deciding.length ? ('fail' as const) : ('pass' as const), decidingRecords: deciding, otherRecords: other, redListEffects,
    policyVersion: policy.id, checkedBy: input.checkedBy, checkedAt: input.at.toISOString(),
  };
  const digest = crypto.createHash('sha256').update(JSON.stringify(body)).digest('hex');
  const row = await creditModels(sequelize).CreditCheck.create(
    {
      subjectCode: creditCode, subjectName, checkDate: body.date, purpose: body.purpose, projectRef: body.projectRef, result: body.result,
      decidingRecords: deciding, otherRecords: other, redListEffects, policyVersion: policy.id, digest, checkedBy: input.checkedBy, checkedAt: input.at,
    },
    { transaction: tx },
  );
  return { checkId: row.get('id') as number, ...body, digest };
}

/** A stored check as it was recorded. */
export function presentCheck(row: Row): CreditCheckResult {
  const p = row.get({ plain: true }) as Record<string, unknown>;
  return {
    checkId: p.id as number, creditCode: p.subjectCode as string, subjectName: (p.subjectName as string) ?? null, date: p.checkDate as string,
    purpose: p.purpose as string, projectRef: (p.projectRef as string) ?? null, result: p.result as 'pass' | 'fail',
    decidingRecords: p.decidingRecords as RecordSnapshot[], otherRecords: p.otherRecords as RecordSnapshot[],
    redListEffects: p.redListEffects as string[], policyVersion: p.policyVersion as string, digest: p.digest as string,
    checkedBy: p.checkedBy as string, checkedAt: iso(p.checkedAt),
  };
}
