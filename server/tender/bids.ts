/**
 * Bids and bid files: submitted, replaced and withdrawn only while the window is open (clock < bid deadline), sealed
 * at once. Errors never repeat bid content: they name the field path and the rule only.
 */
import { appendAudit } from '../audit/index.ts';
import crypto from 'node:crypto';
import { QueryTypes, UniqueConstraintError, type Transaction } from 'sequelize';
import { z } from 'zod';
import type { Clock } from '../clock.ts';
import type { Database } from '../db.ts';
import type { AuthUser } from '../auth/types.ts';
import { defineAuthModels } from '../auth/models.ts';
import { AppError, conflict, forbidden, notFound, validationFailed, type ErrorDetail } from '../errors.ts';
import { creditCodeProblem, ensureSupplierForBid, supplierOfOrganisation } from '../registry/index.ts';
import { iso, lockOf, tenderModels, type Row } from './models.ts';
import { aad, canonicalJson, newSalt, receiptDigest, sealForTender, sealSalt, unsealSalt } from './sealing.ts';
import type { TenderItem } from './documents.ts';

export const BID_FILE_LIMIT_BYTES = 10 * 1024 * 1024;
/** Uploads per supplier and tender (replaced bids may reuse files; 20 can be attached to one bid). */
export const MAX_FILES_PER_BIDDER = 40;

const quantity = z.union([z.number(), z.string()]).transform((q) => String(q).trim()).pipe(z.string().regex(/^\d{1,9}(\.\d{1,3})?$/, '数量应为不超过 3 位小数的非负数 (quantity: a decimal with ≤ 3 places)'));
const fenInt = z.number().int('应为整数（分）(integer fen)').min(0).max(99_999_999_999_999);

export const bidContentSchema = z.object({
  priceSchedule: z.array(z.object({
    itemCode: z.string().trim().min(1).max(64),
    itemName: z.string().trim().min(1).max(100),
    quantity,
    unitPriceFen: fenInt,
    lineTotalFen: fenInt,
  }).strict()).min(1).max(200),
  totalPriceFen: fenInt.refine((n) => n > 0, '投标总价应大于 0 (total price must be positive)'),
  deliveryPeriod: z.string().trim().min(1).max(100),
  warrantyMonths: z.number().int().min(0).max(600),
  validityDays: z.number().int().min(1).max(365),
  sme: z.object({ declared: z.boolean(), scale: z.enum(['large', 'medium', 'small', 'micro']) }).strict(),
  consortium: z.array(z.object({
    name: z.string().trim().min(2).max(200),
    creditCode: z.string().trim().toUpperCase().length(18, '统一社会信用代码为 18 位 (18 characters)'),
    role: z.string().trim().min(1).max(50),
    sharePercent: z.number().int().min(1).max(100),
  }).strict()).max(10).default([]),
  deviations: z.union([z.string().max(5000), z.array(z.string().max(500)).max(50)]).default([]),
  fileIds: z.array(z.number().int().min(1)).max(20).default([]),
}).strict();

export type BidContent = z.infer<typeof bidContentSchema>;

export const bidderSchema = z.object({
  creditCode: z.string().trim().toUpperCase().length(18),
  name: z.string().trim().min(2).max(200),
  legalRep: z.string().trim().min(1).max(64),
  contactName: z.string().trim().min(1).max(64),
  contactPhone: z.string().trim().min(7).max(32),
  address: z.string().trim().min(2).max(300),
}).strict();

export const submitBidSchema = bidContentSchema.extend({
  /** Only for a bidder whose organisation has no supplier record yet (registration is optional, 财库〔2019〕38号). */
  bidder: bidderSchema.optional(),
}).strict();

/** Quantity × unit price must be the line total exactly (quantity with ≤ 3 decimals: scaled integers, no floats). */
function lineTotalExact(q: string, unitPriceFen: number, lineTotalFen: number): boolean {
  const [int, frac = ''] = q.split('.');
  const scale = 10n ** BigInt(frac.length);
  return BigInt(int + frac) * BigInt(unitPriceFen) === BigInt(lineTotalFen) * scale;
}

/** The arithmetic and the match against the tender's items; problems name paths only, never values. */
export function bidProblems(content: BidContent, items: TenderItem[], consortiumAccepted: boolean): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  if (content.priceSchedule.length !== items.length) {
    problems.push({ path: 'priceSchedule', reason: `报价明细应逐项对应招标文件的 ${items.length} 项标的 (the price schedule must list the tender's ${items.length} items in order)` });
  }
  let sum = 0n;
  content.priceSchedule.forEach((line, i) => {
    sum += BigInt(line.lineTotalFen);
    const item = items[i];
    if (item && line.itemCode !== item.itemCode) problems.push({ path: `priceSchedule.${i}.itemCode`, reason: `第 ${i + 1} 行标的编码与招标文件不一致 (item code differs from the tender's line ${i + 1})` });
    if (item && Number(line.quantity) !== Number(item.quantity)) problems.push({ path: `priceSchedule.${i}.quantity`, reason: `第 ${i + 1} 行数量与招标文件不一致 (quantity differs from the tender's line ${i + 1})` });
    if (!lineTotalExact(line.quantity, line.unitPriceFen, line.lineTotalFen)) problems.push({ path: `priceSchedule.${i}.lineTotalFen`, reason: '小计应等于数量×单价（分，精确）(line total must equal quantity × unit price exactly)' });
  });
  if (sum !== BigInt(content.totalPriceFen)) problems.push({ path: 'totalPriceFen', reason: '投标总价应等于各行小计之和 (total must equal the sum of the line totals)' });
  if (content.sme.declared && content.sme.scale === 'large') problems.push({ path: 'sme.scale', reason: '声明为中小企业时规模应为中型、小型或微型 (an SME declaration needs scale medium, small or micro)' });
  if (content.consortium.length) {
    if (!consortiumAccepted) problems.push({ path: 'consortium', reason: '本项目不接受联合体投标 (this tender does not accept consortia)' });
    const share = content.consortium.reduce((s, m) => s + m.sharePercent, 0);
    if (share !== 100) problems.push({ path: 'consortium', reason: '联合体各方份额之和应为 100% (consortium shares must add up to 100)' });
    content.consortium.forEach((m, i) => {
      // The register's reason quotes the offending character: bid content stays out of messages, so a fixed text.
      if (creditCodeProblem(m.creditCode)) problems.push({ path: `consortium.${i}.creditCode`, reason: '统一社会信用代码无效（GB 32100 格式或校验码不符）(invalid unified social credit code)' });
    });
  }
  if (new Set(content.fileIds).size !== content.fileIds.length) problems.push({ path: 'fileIds', reason: '文件重复 (duplicate file ids)' });
  return problems;
}

export function windowClosed(): AppError {
  return new AppError(409, 'BID_WINDOW_CLOSED', '投标截止时间已到，不能再提交、修改或撤回投标 (the bid deadline has passed)');
}

/** The tender, locked, whose bid window is open at `now`; 404 / 409 otherwise. */
export async function openTenderForBidding(tx: Transaction, tenderId: number, now: Date): Promise<Row> {
  const { Tender } = tenderModels((tx as unknown as { sequelize: import('sequelize').Sequelize }).sequelize);
  const t = await Tender.findByPk(tenderId, { transaction: tx, lock: lockOf(tx) });
  if (!t) throw notFound('招标项目 (tender)', String(tenderId));
  if (t.get('status') !== 'open' || now.getTime() >= (t.get('bidDeadlineAt') as Date).getTime()) throw windowClosed();
  return t;
}

export interface Bidder {
  supplierId: number;
  name: string;
  creditCode: string;
  organisationId: number;
}

/** The caller's supplier record: its organisation's, or the one its first bid creates (財库〔2019〕38号). */
async function bidderOf(db: Database, tx: Transaction, user: AuthUser, identity: z.infer<typeof bidderSchema> | undefined, now: Date, scale: BidContent['sme']['scale']): Promise<Bidder> {
  const orgId = user.organisation?.id;
  if (!orgId || user.organisation?.kind !== 'supplier') throw forbidden('只有供应商单位的用户可以投标 (only users of a supplier organisation may bid)');
  const own = await supplierOfOrganisation(tx, db.sequelize, orgId);
  if (own) return { supplierId: own.id, name: own.name, creditCode: own.creditCode, organisationId: orgId };
  if (!identity) {
    throw validationFailed('本单位尚无供应商登记，请在 bidder 中填写投标人信息 (no supplier record for your organisation: give the bidder details)', [{ path: 'bidder', reason: '必填 (required)' }]);
  }
  const org = await defineAuthModels(db.sequelize).Organisation.findByPk(orgId, { transaction: tx });
  if (org?.creditCode && org.creditCode !== identity.creditCode) {
    throw new AppError(403, 'BIDDER_MISMATCH', '投标人统一社会信用代码与本单位登记的不一致 (the bidder credit code is not your organisation\'s)');
  }
  const r = await ensureSupplierForBid(tx, { ...identity, scale, by: user.username, at: now });
  // A register record of another organisation cannot be used to bid in its name.
  const linked = await supplierOfOrganisationById(db, tx, r.supplierId);
  if (linked !== null && linked !== orgId) throw new AppError(403, 'BIDDER_MISMATCH', '该供应商已登记为其他单位，不能以其名义投标 (that supplier belongs to another organisation)');
  return { supplierId: r.supplierId, name: identity.name, creditCode: identity.creditCode, organisationId: orgId };
}

async function supplierOfOrganisationById(db: Database, tx: Transaction, supplierId: number): Promise<number | null> {
  // The register exports no lookup by id; its organisation link is what matters here.
  const rows = await db.sequelize.query<{ organisation_id: number | null }>('SELECT organisation_id FROM suppliers WHERE id = ?', { replacements: [supplierId], type: QueryTypes.SELECT, transaction: tx });
  const r = rows[0];
  return r?.organisation_id == null ? null : Number(r.organisation_id);
}

export interface Receipt {
  bidId: number;
  tenderId: number;
  sha256: string;
  submittedAt: string;
  salt: string;
  files: { fileId: number; sha256: string }[];
  replaces: number | null;
}

export async function submitBid(db: Database, clock: Clock, user: AuthUser, tenderId: number, body: z.infer<typeof submitBidSchema>): Promise<Receipt> {
  const { bidder: identity, ...content } = body;
  try {
    return await db.withTransaction(async (tx) => {
      const now = clock.now();
      const tender = await openTenderForBidding(tx, tenderId, now);
      const pub = JSON.parse(tender.get('publicJson') as string) as { items: TenderItem[]; consortiumAccepted?: boolean };
      const problems = bidProblems(content, pub.items, pub.consortiumAccepted !== false);
      if (problems.length) throw validationFailed(`投标内容校验失败：${problems.map((p) => p.path).join('、')} (bid validation failed)`, problems);
      const bidder = await bidderOf(db, tx, user, identity, now, content.sme.scale);
      const { Bid, BidFile } = tenderModels(db.sequelize);
      const files: { fileId: number; sha256: string }[] = [];
      for (const [i, fileId] of content.fileIds.entries()) {
        const f = await BidFile.findByPk(fileId, { transaction: tx, attributes: ['id', 'tenderId', 'organisationId', 'sha256'] });
        if (!f || f.get('tenderId') !== tenderId || f.get('organisationId') !== bidder.organisationId) {
          throw validationFailed('投标文件不存在或不属于本单位本项目 (unknown bid file)', [{ path: `fileIds.${i}`, reason: '不是本单位为本项目上传的文件 (not a file your organisation uploaded for this tender)' }]);
        }
        files.push({ fileId, sha256: f.get('sha256') as string });
      }
      const activeKey = `${tenderId}:${bidder.supplierId}`;
      const previous = await Bid.findOne({ where: { activeKey }, transaction: tx, lock: lockOf(tx) });
      if (previous) await previous.update({ status: 'replaced', activeKey: null }, { transaction: tx });
      const salt = newSalt();
      const submittedAt = now.toISOString();
      const sha256 = receiptDigest({ tenderId, content, salt, files, submittedAt });
      const empty = Buffer.alloc(0);
      const bid = await Bid.create({
        tenderId, supplierId: bidder.supplierId, supplierName: bidder.name, supplierCreditCode: bidder.creditCode, organisationId: bidder.organisationId,
        submittedBy: user.username, status: 'submitted', activeKey, ciphertext: empty, iv: empty, authTag: empty, receiptSha256: sha256,
        saltSealed: empty, submittedAt: now, replaces: previous ? previous.get('id') : null,
      }, { transaction: tx });
      const bidId = bid.get('id') as number;
      const plaintext = Buffer.from(canonicalJson({ content, salt, files, submittedAt }), 'utf8');
      const sealed = await sealForTender(db.sequelize, tx, tenderId, aad.bid(tenderId, bidId), plaintext);
      plaintext.fill(0);
      await bid.update({ ciphertext: sealed.ciphertext, iv: sealed.iv, authTag: sealed.tag, saltSealed: sealSalt(db.sequelize, tenderId, bidId, salt) }, { transaction: tx });
      if (previous) await previous.update({ replacedBy: bidId }, { transaction: tx });
      // Who bid is confidential until the opening: GET /api/audit masks these entries while the tender is unopened.
      await appendAudit(tx, {
        at: now, actor: user.username, roles: user.roles, action: previous ? 'bid.replaced' : 'bid.received', objectType: 'bid',
        objectId: String(bidId), summary: { tenderId, receiptSha256: sha256, ...(previous ? { replaces: previous.get('id') as number } : {}) },
      });
      return { bidId, tenderId, sha256, submittedAt, salt, files, replaces: previous ? (previous.get('id') as number) : null };
    });
  } catch (err) {
    // Two submissions of one supplier at the same instant (MariaDB): one wins the live slot.
    if (err instanceof UniqueConstraintError) throw conflict('同一供应商的另一份投标正在提交，请重试 (another submission of your bid is in progress; retry)', 'BID_CONFLICT');
    throw err;
  }
}

async function ownBid(tx: Transaction, db: Database, user: AuthUser, tenderId: number, bidId: number): Promise<Row> {
  const { Bid } = tenderModels(db.sequelize);
  const bid = await Bid.findByPk(bidId, { transaction: tx, lock: lockOf(tx) });
  // Someone else's bid answers like a missing one: its existence is confidential too.
  if (!bid || bid.get('tenderId') !== tenderId || bid.get('organisationId') !== user.organisation?.id) throw notFound('投标 (bid)', String(bidId));
  return bid;
}

export async function withdrawBid(db: Database, clock: Clock, user: AuthUser, tenderId: number, bidId: number) {
  return db.withTransaction(async (tx) => {
    const now = clock.now();
    await openTenderForBidding(tx, tenderId, now);
    const bid = await ownBid(tx, db, user, tenderId, bidId);
    if (bid.get('status') !== 'submitted') throw conflict('该投标已被替换或撤回 (the bid was already replaced or withdrawn)', 'BID_NOT_ACTIVE');
    await bid.update({ status: 'withdrawn', activeKey: null, withdrawnAt: now }, { transaction: tx });
    await appendAudit(tx, { at: now, actor: user.username, roles: user.roles, action: 'bid.withdrawn', objectType: 'bid', objectId: String(bidId), summary: { tenderId } });
    return { bidId, status: 'withdrawn' as const, withdrawnAt: now.toISOString() };
  });
}

/** The caller's bids of a tender with their receipts (salt unsealed with the master key; content stays sealed). */
export async function ownBids(db: Database, user: AuthUser, tenderId: number) {
  const { Bid } = tenderModels(db.sequelize);
  const rows = await Bid.findAll({
    where: { tenderId, organisationId: user.organisation?.id ?? -1 },
    attributes: ['id', 'status', 'receiptSha256', 'saltSealed', 'submittedAt', 'withdrawnAt', 'replacedBy', 'replaces', 'supplierName', 'submittedBy'],
    order: [['id', 'ASC']],
  });
  return rows.map((b) => ({
    bidId: b.get('id') as number,
    status: b.get('status') as string,
    supplierName: b.get('supplierName') as string,
    submittedBy: b.get('submittedBy') as string,
    receipt: { sha256: b.get('receiptSha256') as string, submittedAt: iso(b.get('submittedAt')), salt: unsealSalt(db.sequelize, tenderId, b.get('id') as number, b.get('saltSealed') as Buffer) },
    withdrawnAt: b.get('withdrawnAt') ? iso(b.get('withdrawnAt')) : null,
    replacedBy: (b.get('replacedBy') as number | null) ?? null,
    replaces: (b.get('replaces') as number | null) ?? null,
  }));
}

export const bidsOfSupplier = ownBids;

/** A PDF of the bid, sealed at once; the plaintext name travels inside the ciphertext. */
export async function uploadBidFile(db: Database, clock: Clock, user: AuthUser, tenderId: number, filename: string, bytes: Buffer) {
  if (bytes.subarray(0, 5).toString('latin1') !== '%PDF-') throw validationFailed('投标文件应为 PDF (bid files must be PDF)', [{ path: 'body', reason: 'not a PDF file' }]);
  const orgId = user.organisation?.id;
  if (!orgId || user.organisation?.kind !== 'supplier') throw forbidden('只有供应商单位的用户可以上传投标文件 (only users of a supplier organisation may upload bid files)');
  return db.withTransaction(async (tx) => {
    const now = clock.now();
    await openTenderForBidding(tx, tenderId, now);
    const { BidFile } = tenderModels(db.sequelize);
    if ((await BidFile.count({ where: { tenderId, organisationId: orgId }, transaction: tx })) >= MAX_FILES_PER_BIDDER) {
      throw conflict(`每个供应商在本项目最多上传 ${MAX_FILES_PER_BIDDER} 个文件 (at most ${MAX_FILES_PER_BIDDER} files per supplier and tender)`, 'TOO_MANY_FILES');
    }
    const own = await supplierOfOrganisation(tx, db.sequelize, orgId);
    const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
    const empty = Buffer.alloc(0);
    const row = await BidFile.create({ tenderId, supplierId: own?.id ?? 0, organisationId: orgId, uploadedBy: user.username, sha256, size: bytes.length, ciphertext: empty, iv: empty, authTag: empty, uploadedAt: now }, { transaction: tx });
    const fileId = row.get('id') as number;
    const header = Buffer.from(JSON.stringify({ filename }), 'utf8');
    const len = Buffer.alloc(4);
    len.writeUInt32BE(header.length);
    const sealed = await sealForTender(db.sequelize, tx, tenderId, aad.file(tenderId, fileId), Buffer.concat([len, header, bytes]));
    await row.update({ ciphertext: sealed.ciphertext, iv: sealed.iv, authTag: sealed.tag }, { transaction: tx });
    return { fileId, sha256, size: bytes.length, uploadedAt: now.toISOString() };
  });
}
