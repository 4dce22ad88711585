/**
 * Tenders, sealed bids, sealed bid files, amendments (澄清/修改) and challenges (质疑) — the tender component
 * (server/tender/). Bid content and bid files are stored only as AES-256-GCM ciphertext under a random data key per
 * tender; that key is stored only wrapped by the master key (BID_SEAL_KEY or its key file), which is never in the
 * database. The receipt salt is sealed too (under the master key), so the receipt hash in clear cannot be used to
 * confirm guessed prices. Unique job keys make the workers' effects idempotent; `active_key` (tender:supplier, NULL
 * once replaced or withdrawn) allows one live bid per supplier and tender even under parallel submissions.
 */
import { DataTypes } from 'sequelize';
import type { MigrationContext } from '../server/migrate.ts';

const time = (allowNull = false) => ({ type: DataTypes.DATE(3), allowNull });
const str = (len: number, allowNull = true) => ({ type: DataTypes.STRING(len), allowNull });
const fen = (allowNull = true) => ({ type: DataTypes.BIGINT, allowNull });
const int = (allowNull = true) => ({ type: DataTypes.INTEGER, allowNull });
const id = { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true };

export async function up({ qi, dialect }: MigrationContext): Promise<void> {
  const text = (allowNull = true) => ({ type: dialect === 'mysql' ? DataTypes.TEXT('long') : DataTypes.TEXT, allowNull });
  const blob = (size: 'medium' | 'long' | 'tiny', allowNull = false) => ({ type: dialect === 'mysql' ? DataTypes.BLOB(size) : DataTypes.BLOB, allowNull });
  const small = (allowNull = false) => ({ type: dialect === 'mysql' ? DataTypes.BLOB('tiny') : DataTypes.BLOB, allowNull });

  await qi.createTable('tenders', {
    id,
    instance_id: str(40, false),
    round: int(false),
    project_number: str(64, false),
    project_name: str(200, false),
    purchaser_name: str(200),
    agency_name: str(200),
    method: str(16, false),
    procurement_type: str(16, false),
    /** open | opened | failed | awarded | canceled */
    status: str(16, false),
    published_at: time(),
    bid_deadline_at: time(),
    bid_deadline_min_at: time(),
    deadline_basis: text(false),
    min_bids: int(false),
    /** evaluation settings of prepare_tender (method, weights, SME deduction, criteria, qualification requirements) */
    evaluation_json: text(false),
    budget_fen: fen(false),
    max_price_fen: fen(),
    deposit_fen: fen(false),
    opening_place: str(200),
    /** user names of the agency's staff (candidate users of the agency tasks): who may amend */
    agency_users: text(false),
    /** the public part: items, notice data; shown to every signed-in user */
    public_json: text(false),
    /** the per-tender data key, AES-256-GCM wrapped by the master key: iv(12) | tag(16) | ciphertext(32) */
    data_key_wrapped: small(),
    /** fingerprint of the master key that wrapped it (HMAC, not the key): names a wrong key instead of failing blind */
    seal_key_id: str(32, false),
    publish_job_key: str(255, false),
    opened_at: time(true),
    open_job_key: str(255),
    bid_count: int(),
    opening_json: text(),
    failure_reason: str(200),
    failure_detail: text(),
    failed_at: time(true),
    fail_job_key: str(255),
    awarded_bid_id: int(),
    awarded_at: time(true),
    challenge_deadline_at: time(true),
    created_at: time(),
    updated_at: time(),
  });
  await qi.addIndex('tenders', ['instance_id', 'round'], { unique: true, name: 'tenders_instance_round' });
  await qi.addIndex('tenders', ['publish_job_key'], { unique: true, name: 'tenders_publish_job' });
  await qi.addIndex('tenders', ['open_job_key'], { unique: true, name: 'tenders_open_job' });
  await qi.addIndex('tenders', ['fail_job_key'], { unique: true, name: 'tenders_fail_job' });
  await qi.addIndex('tenders', ['status', 'bid_deadline_at'], { name: 'tenders_status_deadline' });

  await qi.createTable('bids', {
    id,
    tender_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'tenders', key: 'id' } },
    supplier_id: int(false),
    /** the bidder as the register names it (not secret: the sign-in sheet of the opening) */
    supplier_name: str(200, false),
    supplier_credit_code: str(18, false),
    organisation_id: int(false),
    submitted_by: str(64, false),
    /** submitted | replaced | withdrawn | opened */
    status: str(16, false),
    /** `tenderId:supplierId` while the bid is live, NULL after replace/withdraw: one live bid per supplier */
    active_key: str(40),
    ciphertext: blob('medium'),
    iv: small(),
    auth_tag: small(),
    receipt_sha256: str(64, false),
    /** the receipt salt, sealed under the master key (iv | tag | ciphertext) */
    salt_sealed: small(),
    submitted_at: time(),
    withdrawn_at: time(true),
    replaced_by: int(),
    replaces: int(),
    /** written by open-bids: supplier, price, SME, consortium, seal check */
    opened_summary: text(),
  });
  await qi.addIndex('bids', ['active_key'], { unique: true, name: 'bids_active_key' });
  await qi.addIndex('bids', ['tender_id', 'status'], { name: 'bids_tender_status' });
  await qi.addIndex('bids', ['tender_id', 'supplier_id'], { name: 'bids_tender_supplier' });

  await qi.createTable('bid_files', {
    id,
    tender_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'tenders', key: 'id' } },
    supplier_id: int(false),
    organisation_id: int(false),
    uploaded_by: str(64, false),
    sha256: str(64, false),
    size: int(false),
    ciphertext: blob('long'),
    iv: small(),
    auth_tag: small(),
    uploaded_at: time(),
  });
  await qi.addIndex('bid_files', ['tender_id', 'supplier_id'], { name: 'bid_files_tender_supplier' });

  await qi.createTable('tender_amendments', {
    id,
    tender_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'tenders', key: 'id' } },
    number: int(false),
    title: str(200, false),
    changes_json: text(false),
    substantive: { type: DataTypes.BOOLEAN, allowNull: false },
    published_at: time(),
    published_by: str(64, false),
    previous_deadline_at: time(),
    new_deadline_at: time(),
    moved: { type: DataTypes.BOOLEAN, allowNull: false },
    basis: text(false),
    apply_job_key: str(255),
    applied_at: time(true),
  });
  await qi.addIndex('tender_amendments', ['tender_id', 'number'], { unique: true, name: 'tender_amendments_number' });
  await qi.addIndex('tender_amendments', ['apply_job_key'], { unique: true, name: 'tender_amendments_job' });

  await qi.createTable('challenges', {
    id,
    tender_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'tenders', key: 'id' } },
    supplier_id: int(false),
    organisation_id: int(false),
    submitted_by: str(64, false),
    challenged_document: str(32, false),
    items_json: text(false),
    received_at: time(),
    reply_due_at: time(),
    /** filed | answered */
    status: str(16, false),
    outcome: str(32),
    reply_text: text(),
    replier: str(200),
    replied_at: time(true),
    reply_job_key: str(255),
  });
  await qi.addIndex('challenges', ['tender_id'], { name: 'challenges_tender' });
  await qi.addIndex('challenges', ['reply_job_key'], { unique: true, name: 'challenges_reply_job' });
}

export async function down({ qi }: MigrationContext): Promise<void> {
  await qi.dropTable('challenges');
  await qi.dropTable('tender_amendments');
  await qi.dropTable('bid_files');
  await qi.dropTable('bids');
  await qi.dropTable('tenders');
}
