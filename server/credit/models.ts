/** Sequelize models over credit_records, credit_evidence and credit_checks (migration 0004). */
import { DataTypes, type Sequelize } from 'sequelize';
import type { Row, RowModel } from '../registry/models.ts';

export interface CreditModels {
  CreditRecord: RowModel;
  CreditEvidence: RowModel;
  CreditCheck: RowModel;
}

const jsonText = (name: string) => ({
  type: DataTypes.TEXT,
  get(this: Row) {
    const raw = this.getDataValue(name) as string | null;
    return raw ? JSON.parse(raw) : [];
  },
  set(this: Row, v: unknown) {
    this.setDataValue(name, JSON.stringify(v ?? []));
  },
});

export function creditModels(sequelize: Sequelize): CreditModels {
  const m = sequelize.models;
  if (m.CreditRecord) return { CreditRecord: m.CreditRecord, CreditEvidence: m.CreditEvidence, CreditCheck: m.CreditCheck } as CreditModels;
  const S = DataTypes.STRING;
  const opts = (tableName: string) => ({ tableName, underscored: true, timestamps: false });
  const CreditRecord = sequelize.define('CreditRecord', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    subjectKind: S(16), subjectCode: S(32), subjectName: S(200), kind: S(8), listName: S(64), sourceUnit: S(32),
    decisionNo: S(100), reason: S(1000), legalBasis: S(500), validFrom: S(10), validTo: S(10),
    version: DataTypes.INTEGER, createdBy: S(64), createdAt: DataTypes.DATE(3), updatedBy: S(64), updatedAt: DataTypes.DATE(3),
  }, opts('credit_records'));
  const CreditEvidence = sequelize.define('CreditEvidence', {
    recordId: { type: DataTypes.INTEGER, primaryKey: true },
    filename: S(200), mime: S(64), size: DataTypes.INTEGER, sha256: S(64), bytes: DataTypes.BLOB, uploadedBy: S(64), uploadedAt: DataTypes.DATE(3),
  }, opts('credit_evidence'));
  const CreditCheck = sequelize.define('CreditCheck', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    subjectCode: S(32), subjectName: S(200), checkDate: S(10), purpose: S(100), projectRef: S(64), result: S(8),
    decidingRecords: jsonText('decidingRecords'), otherRecords: jsonText('otherRecords'), redListEffects: jsonText('redListEffects'),
    policyVersion: S(32), digest: S(64), checkedBy: S(64), checkedAt: DataTypes.DATE(3),
  }, opts('credit_checks'));
  return { CreditRecord, CreditEvidence, CreditCheck };
}
