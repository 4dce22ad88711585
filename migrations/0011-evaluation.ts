/**
 * Evaluation (server/evaluation/): the qualification runs (credit checks per bid, keyed by the job), the expert
 * draws (seed, eligible pool snapshot, exclusions, panel — re-verifiable), the evaluations (settings, the experts'
 * raw scores, the ranking with the tie-break seed) with one row per expert score and per ranked bid.
 * JSON is stored as TEXT (MariaDB hands JSON back as a string). Scores are decimal strings ("92.35").
 */
import { DataTypes } from 'sequelize';
import type { MigrationContext } from '../server/migrate.ts';

export async function up({ qi, dialect }: MigrationContext): Promise<void> {
  const json = { type: dialect === 'mysql' ? DataTypes.TEXT('long') : DataTypes.TEXT, allowNull: false };
  const id = { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true };
  const context = {
    tender_id: { type: DataTypes.INTEGER, allowNull: false },
    instance_id: { type: DataTypes.STRING(40), allowNull: false },
    job_key: { type: DataTypes.STRING(255), allowNull: false, unique: true },
    project_ref: { type: DataTypes.STRING(64), allowNull: false },
    purchaser_org_id: { type: DataTypes.INTEGER, allowNull: true },
    /** usernames of the project's agency staff (who may read codes and results) */
    agency_users: json,
  };

  await qi.createTable('qualification_runs', {
    id,
    ...context,
    /** the worker's whole output (decisions, exclusions, credit-check ids, document data) */
    output: json,
    created_at: { type: DataTypes.DATE(3), allowNull: false },
  });
  await qi.addIndex('qualification_runs', ['tender_id'], { name: 'qualification_runs_tender' });

  await qi.createTable('expert_draws', {
    id,
    ...context,
    category_code: { type: DataTypes.STRING(16), allowNull: false },
    /** the specialty prefix the pool was drawn on (the category, or a wider parent when too few matched) */
    matched_prefix: { type: DataTypes.STRING(16), allowNull: false },
    panel_size: { type: DataTypes.INTEGER, allowNull: false },
    panel_basis: { type: DataTypes.STRING(1000), allowNull: false },
    algorithm: { type: DataTypes.STRING(32), allowNull: false },
    seed_hex: { type: DataTypes.STRING(64), allowNull: false },
    /** sorted eligible pool [{expertId, code, userId, username, specialty}] */
    pool: json,
    /** [{expertId, code, reasons[]}] */
    exclusions: json,
    /** [{expertId, code, username, specialty, key, reserve}] in draw order */
    panel: json,
    output: json,
    drawn_at: { type: DataTypes.DATE(3), allowNull: false },
  });
  await qi.addIndex('expert_draws', ['tender_id'], { name: 'expert_draws_tender' });

  await qi.createTable('evaluations', {
    id,
    ...context,
    draw_id: { type: DataTypes.INTEGER, allowNull: true },
    method: { type: DataTypes.STRING(16), allowNull: false },
    settings: json,
    algorithm: { type: DataTypes.STRING(32), allowNull: false },
    tie_seed_hex: { type: DataTypes.STRING(64), allowNull: false },
    base_price_fen: { type: DataTypes.BIGINT, allowNull: true },
    /** the experts' sheets as submitted ({expertCode, scores, opinion}) */
    expert_scores: json,
    non_compliant: json,
    output: json,
    scored_at: { type: DataTypes.DATE(3), allowNull: false },
  });
  await qi.addIndex('evaluations', ['tender_id'], { name: 'evaluations_tender' });

  await qi.createTable('evaluation_scores', {
    id,
    evaluation_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'evaluations', key: 'id' } },
    expert_code: { type: DataTypes.STRING(32), allowNull: false },
    bid_id: { type: DataTypes.INTEGER, allowNull: false },
    technical_score: { type: DataTypes.STRING(16), allowNull: true },
    business_score: { type: DataTypes.STRING(16), allowNull: true },
    compliant: { type: DataTypes.BOOLEAN, allowNull: false },
  });
  await qi.addIndex('evaluation_scores', ['evaluation_id', 'expert_code', 'bid_id'], { name: 'evaluation_scores_unique', unique: true });

  await qi.createTable('evaluation_rankings', {
    id,
    evaluation_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'evaluations', key: 'id' } },
    rank_no: { type: DataTypes.INTEGER, allowNull: false },
    bid_id: { type: DataTypes.INTEGER, allowNull: false },
    supplier_name: { type: DataTypes.STRING(200), allowNull: false },
    credit_code: { type: DataTypes.STRING(18), allowNull: false },
    bid_price_fen: { type: DataTypes.BIGINT, allowNull: false },
    evaluated_price_fen: { type: DataTypes.BIGINT, allowNull: false },
    price_score: { type: DataTypes.STRING(16), allowNull: false },
    technical_score: { type: DataTypes.STRING(16), allowNull: true },
    business_score: { type: DataTypes.STRING(16), allowNull: true },
    total_score: { type: DataTypes.STRING(16), allowNull: false },
    tie_break: { type: DataTypes.STRING(16), allowNull: true },
  });
  await qi.addIndex('evaluation_rankings', ['evaluation_id', 'rank_no'], { name: 'evaluation_rankings_unique', unique: true });
}

export async function down({ qi }: MigrationContext): Promise<void> {
  await qi.dropTable('evaluation_rankings');
  await qi.dropTable('evaluation_scores');
  await qi.dropTable('evaluations');
  await qi.dropTable('expert_draws');
  await qi.dropTable('qualification_runs');
}
