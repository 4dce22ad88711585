/**
 * Works tenders under the Bidding Law (processes/works-tender.bpmn) beside government procurement:
 * - `projects.regime`: 'procurement' (政府采购, procurement.bpmn) or 'works' (工程建设项目招标, works-tender.bpmn); the
 *   statistics, supervision and OCDS views tell the two apart by it. Existing rows are procurements.
 * - `tenders.regime`: the same on each tender round, so the tender routes apply the right rules (异议 windows,
 *   candidate publicity) without reading the project; `tenders.publicity_ends_at`: end of the 中标候选人公示 (W3b).
 * - `challenges.kind`: 'challenge' (质疑, GP Law), 'objection_documents' (对招标文件的异议, 条例22) or
 *   'objection_candidates' (对评标结果的异议, 条例54). Objections use the same table and reply columns.
 * - `experts.pools`: JSON list of the expert databases the expert belongs to: 'gp' (财政部门政府采购评审专家库) and/or
 *   'works' (综合评标专家库, 条例46). Existing experts are GP experts.
 */
import { DataTypes } from 'sequelize';
import type { MigrationContext } from '../server/migrate.ts';

export async function up({ qi }: MigrationContext): Promise<void> {
  await qi.addColumn('projects', 'regime', { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'procurement' });
  await qi.addIndex('projects', ['regime', 'status'], { name: 'projects_regime_status' });
  await qi.addColumn('tenders', 'regime', { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'procurement' });
  await qi.addColumn('tenders', 'publicity_ends_at', { type: DataTypes.DATE(3), allowNull: true });
  await qi.addColumn('challenges', 'kind', { type: DataTypes.STRING(32), allowNull: false, defaultValue: 'challenge' });
  await qi.addColumn('experts', 'pools', { type: DataTypes.STRING(64), allowNull: false, defaultValue: '["gp"]' });
}

export async function down({ qi }: MigrationContext): Promise<void> {
  await qi.removeColumn('experts', 'pools');
  await qi.removeColumn('challenges', 'kind');
  await qi.removeColumn('tenders', 'publicity_ends_at');
  await qi.removeColumn('tenders', 'regime');
  await qi.removeIndex('projects', 'projects_regime_status');
  await qi.removeColumn('projects', 'regime');
}
