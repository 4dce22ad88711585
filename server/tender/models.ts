/** Sequelize models over the tender tables (migration 0010); defined once per Sequelize instance. */
import { DataTypes, Model, type ModelStatic, type Sequelize, type Transaction } from 'sequelize';

/* eslint-disable @typescript-eslint/no-explicit-any */
export type Row = Model<any, any>;
export type RowModel = ModelStatic<Row>;

export interface TenderModels {
  Tender: RowModel;
  Bid: RowModel;
  BidFile: RowModel;
  Amendment: RowModel;
  Challenge: RowModel;
}

const opts = (tableName: string) => ({ tableName, underscored: true, timestamps: false });

export function tenderModels(sequelize: Sequelize): TenderModels {
  const m = sequelize.models;
  if (m.Tender) return { Tender: m.Tender, Bid: m.Bid, BidFile: m.BidFile, Amendment: m.TenderAmendment, Challenge: m.Challenge } as TenderModels;
  const S = DataTypes.STRING;
  const T = DataTypes.TEXT;
  const D = DataTypes.DATE(3);
  const I = DataTypes.INTEGER;
  const B = DataTypes.BLOB;
  const F = DataTypes.BIGINT;
  const id = { type: I, autoIncrement: true, primaryKey: true };
  const Tender = sequelize.define('Tender', {
    id, instanceId: S(40), round: I, projectNumber: S(64), projectName: S(200), purchaserName: S(200), agencyName: S(200),
    method: S(16), procurementType: S(16), status: S(16), publishedAt: D, bidDeadlineAt: D, bidDeadlineMinAt: D,
    deadlineBasis: T, minBids: I, evaluationJson: T, budgetFen: F, maxPriceFen: F, depositFen: F, openingPlace: S(200),
    agencyUsers: T, publicJson: T, dataKeyWrapped: B, sealKeyId: S(32), publishJobKey: S(255), openedAt: D,
    openJobKey: S(255), bidCount: I, openingJson: T, failureReason: S(200), failureDetail: T, failedAt: D, failJobKey: S(255),
    awardedBidId: I, awardedAt: D, challengeDeadlineAt: D, createdAt: D, updatedAt: D,
    // migration 0018: 'procurement' | 'works'; the end of a works tender's 中标候选人公示
    regime: S(16), publicityEndsAt: D,
  }, opts('tenders'));
  const Bid = sequelize.define('Bid', {
    id, tenderId: I, supplierId: I, supplierName: S(200), supplierCreditCode: S(18), organisationId: I, submittedBy: S(64), status: S(16), activeKey: S(40), ciphertext: B,
    iv: B, authTag: B, receiptSha256: S(64), saltSealed: B, submittedAt: D, withdrawnAt: D, replacedBy: I, replaces: I,
    openedSummary: T,
  }, opts('bids'));
  const BidFile = sequelize.define('BidFile', {
    id, tenderId: I, supplierId: I, organisationId: I, uploadedBy: S(64), sha256: S(64), size: I, ciphertext: B, iv: B,
    authTag: B, uploadedAt: D,
  }, opts('bid_files'));
  const Amendment = sequelize.define('TenderAmendment', {
    id, tenderId: I, number: I, title: S(200), changesJson: T, substantive: DataTypes.BOOLEAN, publishedAt: D,
    publishedBy: S(64), previousDeadlineAt: D, newDeadlineAt: D, moved: DataTypes.BOOLEAN, basis: T, applyJobKey: S(255),
    appliedAt: D,
  }, opts('tender_amendments'));
  const Challenge = sequelize.define('Challenge', {
    id, tenderId: I, supplierId: I, organisationId: I, submittedBy: S(64), challengedDocument: S(32), itemsJson: T,
    receivedAt: D, replyDueAt: D, status: S(16), outcome: S(32), replyText: T, replier: S(200), repliedAt: D,
    replyJobKey: S(255),
    // migration 0018: 'challenge' (质疑) | 'objection_documents' | 'objection_candidates' (异议, 条例22/54)
    kind: S(32),
  }, opts('challenges'));
  return { Tender, Bid, BidFile, Amendment, Challenge };
}

export function sequelizeOf(tx: Transaction): Sequelize {
  return (tx as unknown as { sequelize: Sequelize }).sequelize;
}

/** BIGINT comes back as a string from MariaDB (bigNumberStrings): every fen read goes through this. */
export function num(v: unknown): number {
  return v == null ? 0 : Number(v);
}

export function numOrNull(v: unknown): number | null {
  return v == null ? null : Number(v);
}

export function iso(v: unknown): string {
  return v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString();
}

export function isoOrNull(v: unknown): string | null {
  return v == null ? null : iso(v);
}

/** Row lock for the rest of the transaction (MariaDB); SQLite transactions are serialised anyway. */
export function lockOf(tx: Transaction): Transaction['LOCK'][keyof Transaction['LOCK']] | undefined {
  return sequelizeOf(tx).getDialect() === 'mysql' ? tx.LOCK.UPDATE : undefined;
}
