/** What other components use from evaluation (CHAIN.md): the result of a tender's evaluation and the draw check. */
import type { Sequelize, Transaction } from 'sequelize';
import { sequelizeOf } from '../registry/models.ts';
import { expertNames } from '../registry/index.ts';
import { evaluationModels } from './models.ts';
import type { DrawnExpert } from './draw.ts';

// Only what other components call (routes and workers are wired through routes.ts / workers.ts, not from here,
// so importing this module pulls in no route or worker code and no import cycle).
export { verifyExpertDraw, type DrawVerification } from './draw.ts';

export interface EvaluationSummary {
  evaluationId: number;
  tenderId: number;
  instanceId: string;
  method: 'comprehensive' | 'lowest_price';
  basePriceFen: number | null;
  scoredAt: string;
  /** [{rank, bidId, supplierId, supplierName, creditCode, bidPriceFen, evaluatedPriceFen, priceScore, technicalScore, businessScore, totalScore, tieBreak}] */
  ranking: Record<string, unknown>[];
  firstCandidateBidId: number | null;
  nonCompliant: Record<string, unknown>[];
  tieSeedHex: string;
  rules: Record<string, string>;
  drawId: number | null;
  /** The panel that scored (not the reserves). `name` only when asked for (identities are confidential until the award). */
  panel: { expertId: number; code: string; specialty: string; name?: string }[];
}

/** The latest evaluation of a tender (a re-evaluation after an upheld challenge supersedes the earlier one), or null. */
export async function evaluationOf(tx: Transaction | undefined, tenderId: number, opts: { withNames?: boolean; sequelize?: Sequelize } = {}): Promise<EvaluationSummary | null> {
  const sequelize = opts.sequelize ?? (tx ? sequelizeOf(tx) : undefined);
  if (!sequelize) throw new Error('evaluationOf needs a transaction or a Sequelize instance');
  const { Evaluation, ExpertDraw } = evaluationModels(sequelize);
  const row = await Evaluation.findOne({ where: { tenderId }, order: [['id', 'DESC']], transaction: tx });
  if (!row) return null;
  const out = row.get('output') as Record<string, unknown>;
  const drawId = (row.get('drawId') as number | null) ?? null;
  const draw = drawId ? await ExpertDraw.findByPk(drawId, { transaction: tx }) : await ExpertDraw.findOne({ where: { tenderId }, order: [['id', 'DESC']], transaction: tx });
  const members = draw ? (draw.get('panel') as DrawnExpert[]).filter((p) => !p.reserve) : [];
  const names = opts.withNames ? await expertNames(tx, sequelize, members.map((m) => m.expertId)) : null;
  return {
    evaluationId: row.get('id') as number,
    tenderId,
    instanceId: row.get('instanceId') as string,
    method: row.get('method') as EvaluationSummary['method'],
    basePriceFen: row.get('basePriceFen') as number | null,
    scoredAt: (row.get('scoredAt') as Date).toISOString(),
    ranking: (out.ranking as Record<string, unknown>[]) ?? [],
    firstCandidateBidId: (out.firstCandidateBidId as number | null) ?? null,
    nonCompliant: (row.get('nonCompliant') as Record<string, unknown>[]) ?? [],
    tieSeedHex: row.get('tieSeedHex') as string,
    rules: (out.rules as Record<string, string>) ?? {},
    drawId: draw ? (draw.get('id') as number) : null,
    panel: members.map((m) => ({ expertId: m.expertId, code: m.code, specialty: m.specialty, ...(names ? { name: names.get(m.expertId) ?? m.code } : {}) })),
  };
}
