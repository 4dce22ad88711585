/**
 * Sealed bids (密封投标) with node:crypto AES-256-GCM.
 *
 * - Each tender gets a random 256-bit data key. It is stored only wrapped (AES-256-GCM) by the master key, with
 *   the tender id as additional authenticated data, so a wrapped key copied to another tender row does not unwrap.
 * - The master key is BID_SEAL_KEY (base64 of 32 bytes) or, when unset, the key file BID_SEAL_KEY_FILE (default
 *   data/bid-seal.key, created with mode 0600 on first use). It is never written to the database.
 * - Bid content, bid files and the receipt salt are sealed with AAD naming tender and record
 *   (`eproc/bid/v1/<tender>/<bid>`), so ciphertext moved to another bid or tender fails authentication.
 * - Opening is the only way back to plaintext: `unsealOpened` reads the tender row itself and refuses unless
 *   open-bids has marked it opened (which it does only at or after the bid deadline, by the injected clock). The
 *   data key never leaves this module.
 * - Receipt: SHA-256 of the canonical JSON (sorted keys, no spaces) of {v, tenderId, content, salt, files, submittedAt}.
 *   The random salt is returned to the supplier and stored only sealed, so the hash in clear does not let a
 *   database reader confirm guessed prices.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';

export interface SealConfig {
  key: Buffer | null;
  keyFile: string;
}

export interface Sealed {
  ciphertext: Buffer;
  iv: Buffer;
  tag: Buffer;
}

/** The bids of this tender are still sealed: opening has not happened (or the deadline has not passed). */
export class BidsSealedError extends Error {
  constructor(message = '投标文件尚未开标，仍处于密封状态 (bids are sealed until the opening)') {
    super(message);
    this.name = 'BidsSealedError';
  }
}

/** Authentication failed: wrong key, wrong record (AAD) or altered bytes. The message names no content. */
export class SealBrokenError extends Error {
  constructor(what: string) {
    super(`${what} 密封校验失败：密钥不符或数据被改动 (seal check failed: wrong key or altered data)`);
    this.name = 'SealBrokenError';
  }
}

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

// ---- master key --------------------------------------------------------------------------------------------------

const configured = new WeakMap<Sequelize, SealConfig>();
const fileKeys = new Map<string, Buffer>();

/** The app (registerTenderRoutes) hands its configuration here; workers on the same database use it too. */
export function configureSealing(sequelize: Sequelize, config: SealConfig | undefined): void {
  if (config) configured.set(sequelize, config);
}

/** Without configuration (a worker registry used alone): the same variables, read from the environment. */
function envConfig(): SealConfig {
  const raw = process.env.BID_SEAL_KEY?.trim();
  let key: Buffer | null = null;
  if (raw) {
    key = Buffer.from(raw, 'base64');
    if (key.length !== KEY_BYTES) throw new Error('BID_SEAL_KEY 必须是 base64 编码的 32 字节 (BID_SEAL_KEY must be base64 of 32 bytes)');
  }
  return { key, keyFile: process.env.BID_SEAL_KEY_FILE?.trim() || 'data/bid-seal.key' };
}

function keyFromFile(file: string): Buffer {
  const abs = path.resolve(file);
  const cached = fileKeys.get(abs);
  if (cached) return cached;
  let text: string;
  try {
    text = fs.readFileSync(abs, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`无法读取密封主密钥文件 ${abs} (cannot read the bid seal key file): ${(err as Error).message}`);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    try {
      // 'wx': two processes starting at once cannot both create it; the loser reads the winner's key.
      fs.writeFileSync(abs, crypto.randomBytes(KEY_BYTES).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
      fs.chmodSync(abs, 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new Error(`无法创建密封主密钥文件 ${abs} (cannot create the bid seal key file): ${(e as Error).message}`);
    }
    text = fs.readFileSync(abs, 'utf8');
  }
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== KEY_BYTES) throw new Error(`密封主密钥文件 ${abs} 不是 base64 编码的 32 字节 (the bid seal key file must hold base64 of 32 bytes)`);
  fileKeys.set(abs, key);
  return key;
}

function masterKey(sequelize: Sequelize): Buffer {
  const cfg = configured.get(sequelize) ?? envConfig();
  return cfg.key ?? keyFromFile(cfg.keyFile);
}

/** A fingerprint of the master key (HMAC with a fixed label): tells which key wrapped a tender key; reveals nothing of it. */
function keyId(key: Buffer): string {
  return crypto.createHmac('sha256', key).update('eproc bid seal key id v1').digest('hex').slice(0, 16);
}

// ---- primitives --------------------------------------------------------------------------------------------------

export function seal(key: Buffer, aad: string, plaintext: Buffer): Sealed {
  if (key.length !== KEY_BYTES) throw new Error('AES-256-GCM needs a 32-byte key');
  const iv = crypto.randomBytes(IV_BYTES);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { ciphertext, iv, tag: cipher.getAuthTag() };
}

export function unseal(key: Buffer, aad: string, s: Sealed, what = '数据 (data)'): Buffer {
  try {
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, s.iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(s.tag);
    return Buffer.concat([decipher.update(s.ciphertext), decipher.final()]);
  } catch {
    throw new SealBrokenError(what);
  }
}

const pack = (s: Sealed) => Buffer.concat([s.iv, s.tag, s.ciphertext]);
const unpack = (b: Buffer): Sealed => ({ iv: b.subarray(0, IV_BYTES), tag: b.subarray(IV_BYTES, IV_BYTES + TAG_BYTES), ciphertext: b.subarray(IV_BYTES + TAG_BYTES) });

export const aad = {
  dataKey: (tenderId: number) => `eproc/tender-data-key/v1/${tenderId}`,
  bid: (tenderId: number, bidId: number) => `eproc/bid/v1/${tenderId}/${bidId}`,
  file: (tenderId: number, fileId: number) => `eproc/bid-file/v1/${tenderId}/${fileId}`,
  salt: (tenderId: number, bidId: number) => `eproc/bid-salt/v1/${tenderId}/${bidId}`,
};

/** JSON with object keys sorted at every level and no whitespace: the same value always gives the same bytes. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new Error('canonical JSON: non-finite number');
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export interface ReceiptInput {
  tenderId: number;
  content: unknown;
  /** 32 random bytes, hex */
  salt: string;
  /** the bid's files, in the order of content.fileIds */
  files: { fileId: number; sha256: string }[];
  /** ISO instant of the server time of submission */
  submittedAt: string;
}

/** The receipt hash; a supplier recomputes it from what it sent, the salt and the time in its receipt. */
export function receiptDigest(r: ReceiptInput): string {
  const doc = { v: 1, tenderId: r.tenderId, content: r.content, salt: r.salt, files: r.files, submittedAt: r.submittedAt };
  return crypto.createHash('sha256').update(canonicalJson(doc), 'utf8').digest('hex');
}

export function newSalt(): string {
  return crypto.randomBytes(32).toString('hex');
}

// ---- tender data keys --------------------------------------------------------------------------------------------

interface TenderKeyRow {
  status: string;
  data_key_wrapped: Buffer;
  seal_key_id: string;
  opened_at: unknown;
  bid_deadline_at: unknown;
}

async function tenderKeyRow(sequelize: Sequelize, tx: Transaction | undefined, tenderId: number): Promise<TenderKeyRow> {
  const rows = await sequelize.query<TenderKeyRow>('SELECT status, data_key_wrapped, seal_key_id, opened_at, bid_deadline_at FROM tenders WHERE id = ?', {
    replacements: [tenderId],
    type: QueryTypes.SELECT,
    transaction: tx,
  });
  if (!rows.length) throw new Error(`tender ${tenderId} not found`);
  return rows[0];
}

function unwrapDataKey(sequelize: Sequelize, tenderId: number, row: TenderKeyRow): Buffer {
  const master = masterKey(sequelize);
  if (keyId(master) !== row.seal_key_id) {
    throw new SealBrokenError(`项目 ${tenderId} 的数据密钥由另一把主密钥包装，请检查 BID_SEAL_KEY / BID_SEAL_KEY_FILE (the tender key was wrapped by another master key)`);
  }
  return unseal(master, aad.dataKey(tenderId), unpack(Buffer.from(row.data_key_wrapped)), `项目 ${tenderId} 数据密钥 (tender data key)`);
}

/** A new random data key for a tender, returned only wrapped by the master key, with the master key's fingerprint. */
export function newWrappedDataKey(sequelize: Sequelize, tenderId: number): { wrapped: Buffer; keyId: string } {
  const master = masterKey(sequelize);
  const dataKey = crypto.randomBytes(KEY_BYTES);
  const wrapped = pack(seal(master, aad.dataKey(tenderId), dataKey));
  dataKey.fill(0);
  return { wrapped, keyId: keyId(master) };
}

/** Seals bid content or a bid file under the tender's data key (which stays inside this module). */
export async function sealForTender(sequelize: Sequelize, tx: Transaction | undefined, tenderId: number, recordAad: string, plaintext: Buffer): Promise<Sealed> {
  const row = await tenderKeyRow(sequelize, tx, tenderId);
  const key = unwrapDataKey(sequelize, tenderId, row);
  try {
    return seal(key, recordAad, plaintext);
  } finally {
    key.fill(0);
  }
}

const OPENED_STATES = new Set(['opened', 'awarded', 'failed', 'canceled']);

function toMs(v: unknown): number {
  return v instanceof Date ? v.getTime() : new Date(String(v)).getTime();
}

/**
 * The opening path, and the only way back to plaintext: the tender row must be marked opened (open-bids does so,
 * in the same transaction, only at or after the bid deadline). Anything else is BidsSealedError.
 */
export async function unsealOpened(sequelize: Sequelize, tx: Transaction | undefined, tenderId: number, recordAad: string, sealed: Sealed, what: string): Promise<Buffer> {
  const row = await tenderKeyRow(sequelize, tx, tenderId);
  if (!OPENED_STATES.has(row.status) || row.opened_at == null || toMs(row.opened_at) < toMs(row.bid_deadline_at)) throw new BidsSealedError();
  const key = unwrapDataKey(sequelize, tenderId, row);
  try {
    return unseal(key, recordAad, sealed, what);
  } finally {
    key.fill(0);
  }
}

/** The receipt salt is sealed under the master key (not the tender key): the supplier can get it back before opening. */
export function sealSalt(sequelize: Sequelize, tenderId: number, bidId: number, salt: string): Buffer {
  return pack(seal(masterKey(sequelize), aad.salt(tenderId, bidId), Buffer.from(salt, 'utf8')));
}

export function unsealSalt(sequelize: Sequelize, tenderId: number, bidId: number, sealed: Buffer): string {
  return unseal(masterKey(sequelize), aad.salt(tenderId, bidId), unpack(Buffer.from(sealed)), '回执盐值 (receipt salt)').toString('utf8');
}
