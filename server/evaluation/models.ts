/** Sequelize models over the evaluation tables (migration 0011); JSON columns are TEXT parsed here. */
import { DataTypes, type Model, type ModelStatic, type Sequelize } from 'sequelize';

/* eslint-disable @typescript-eslint/no-explicit-any */
export type Row = Model<any, any>;
type RowModel = ModelStatic<Row>;

const jsonText = (name: string, fallback: unknown) => ({
  type: DataTypes.TEXT,
  allowNull: false,
  get(this: Row) {
    const raw = this.getDataValue(name) as string | null;
    return raw ? JSON.parse(raw) : fallback;
  },
  set(this: Row, v: unknown) {
    this.setDataValue(name, JSON.stringify(v ?? fallback));
  },
});
const bigint = (name: string) => ({
  type: DataTypes.BIGINT,
  // MariaDB returns BIGINT as a string (bigNumberStrings); fen amounts stay far below 2^53.
  get(this: Row) {
    const v = this.getDataValue(name);
    return v === null || v === undefined ? null : Number(v);
  },
});

export interface EvaluationModels {
  QualificationRun: RowModel;
  ExpertDraw: RowModel;
  Evaluation: RowModel;
  EvaluationScore: RowModel;
  EvaluationRanking: RowModel;
}

const opts = (tableName: string) => ({ tableName, underscored: true, timestamps: false });

export function evaluationModels(sequelize: Sequelize): EvaluationModels {
  const m = sequelize.models;
  if (m.ExpertDraw) {
    return { QualificationRun: m.QualificationRun, ExpertDraw: m.ExpertDraw, Evaluation: m.Evaluation, EvaluationScore: m.EvaluationScore, EvaluationRanking: m.EvaluationRanking } as EvaluationModels;
  }
  const S = DataTypes.STRING;
  const id = { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true };
  const context = {
    tenderId: DataTypes.INTEGER, instanceId: S(40), jobKey: S(255), projectRef: S(64), purchaserOrgId: DataTypes.INTEGER,
    agencyUsers: jsonText('agencyUsers', []),
  };
  const QualificationRun = sequelize.define('QualificationRun', { id, ...context, output: jsonText('output', {}), createdAt: DataTypes.DATE(3) }, opts('qualification_runs'));
  const ExpertDraw = sequelize.define('ExpertDraw', {
    id, ...context, categoryCode: S(16), matchedPrefix: S(16), panelSize: DataTypes.INTEGER, panelBasis: S(1000), algorithm: S(32), seedHex: S(64),
    pool: jsonText('pool', []), exclusions: jsonText('exclusions', []), panel: jsonText('panel', []), output: jsonText('output', {}), drawnAt: DataTypes.DATE(3),
  }, opts('expert_draws'));
  const Evaluation = sequelize.define('Evaluation', {
    id, ...context, drawId: DataTypes.INTEGER, method: S(16), settings: jsonText('settings', {}), algorithm: S(32), tieSeedHex: S(64),
    basePriceFen: bigint('basePriceFen'), expertScores: jsonText('expertScores', []), nonCompliant: jsonText('nonCompliant', []),
    output: jsonText('output', {}), scoredAt: DataTypes.DATE(3),
  }, opts('evaluations'));
  const EvaluationScore = sequelize.define('EvaluationScore', {
    id, evaluationId: DataTypes.INTEGER, expertCode: S(32), bidId: DataTypes.INTEGER, technicalScore: S(16), businessScore: S(16), compliant: DataTypes.BOOLEAN,
  }, opts('evaluation_scores'));
  const EvaluationRanking = sequelize.define('EvaluationRanking', {
    id, evaluationId: DataTypes.INTEGER, rankNo: DataTypes.INTEGER, bidId: DataTypes.INTEGER, supplierName: S(200), creditCode: S(18),
    bidPriceFen: bigint('bidPriceFen'), evaluatedPriceFen: bigint('evaluatedPriceFen'), priceScore: S(16), technicalScore: S(16), businessScore: S(16),
    totalScore: S(16), tieBreak: S(16),
  }, opts('evaluation_rankings'));
  return { QualificationRun, ExpertDraw, Evaluation, EvaluationScore, EvaluationRanking };
}

/** The context columns every evaluation row carries (for route access checks without reading other components' tables). */
export interface RunContext {
  tenderId: number;
  instanceId: string;
  jobKey: string;
  projectRef: string;
  purchaserOrgId: number | null;
  agencyUsers: string[];
}
