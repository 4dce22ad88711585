/**
 * check-evaluation-settings, prepare-evaluation and score-bids on a real database: the settings check as a BPMN
 * error, the score sheet, the stored scores and ranking, the evaluation report data (template 12) and evaluationOf.
 */
import { expect } from 'chai';
import { ManualClock } from '../../server/clock.ts';
import { BpmnError, type Job, type WorkerContext } from '../../server/engine/port.ts';
import { renderDocument } from '../../server/documents/render.ts';
import { WORKER_TYPES } from '../../server/workers/index.ts';
import {
  CHECK_SETTINGS_TASK_TYPE, checkSettingsWorker, PREPARE_EVALUATION_TASK_TYPE, prepareEvaluationWorker, SCORE_BIDS_TASK_TYPE, scoreBidsWorker,
} from '../../server/evaluation/workers.ts';
import { evaluationModels } from '../../server/evaluation/models.ts';
import { evaluationOf } from '../../server/evaluation/index.ts';
import { testDatabase, type TestDatabase } from '../helpers/db.ts';

describe('workers: check-evaluation-settings, prepare-evaluation, score-bids', () => {
  let t: TestDatabase;
  const clock = new ManualClock('2026-04-14T06:00:00Z');
  const ctx: WorkerContext = { now: () => clock.now(), log: () => {} };
  before(async () => {
    t = await testDatabase();
  });
  after(async () => {
    await t.drop();
  });
  const job = (type: string, key: string, variables: Record<string, unknown>): Job => ({
    key, type, instanceId: 's1', bpmnProcessId: 'procurement', elementId: type, businessKey: null, variables, headers: {}, retries: 3,
  });

  it('are registered', () => {
    expect(WORKER_TYPES).to.include.members([CHECK_SETTINGS_TASK_TYPE, PREPARE_EVALUATION_TASK_TYPE, SCORE_BIDS_TASK_TYPE]);
  });

  it('check-evaluation-settings: TENDER_INVALID with tenderProblems by the rules of the day; [] when lawful', async () => {
    const worker = checkSettingsWorker({ db: t.db, clock });
    const settings = { method: '公开招标', procurementType: 'goods', smeReserved: false, evaluationMethod: 'comprehensive', priceWeightPercent: 30, technicalWeightPercent: 50, businessWeightPercent: 20, smeDeductionPercent: 10 };
    expect(await worker(job(CHECK_SETTINGS_TASK_TYPE, 'k1', settings), ctx)).to.deep.equal({ tenderProblems: [] });
    let err: unknown;
    try {
      // 2026: SME band 10–20 %, so 6 % is too low; weights sum to 90.
      await worker(job(CHECK_SETTINGS_TASK_TYPE, 'k2', { ...settings, smeDeductionPercent: 6, businessWeightPercent: 10 }), ctx);
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(BpmnError);
    expect((err as BpmnError).code).to.equal('TENDER_INVALID');
    const problems = (err as BpmnError).variables.tenderProblems as { path: string; reason: string }[];
    expect(problems.map((p) => p.path)).to.deep.equal(['technicalWeightPercent', 'smeDeductionPercent']);
    expect(problems[1].reason).to.contain('10%–20%').and.contain('财库〔2022〕19号');
    // The same settings were lawful in 2017 (181号: 6–10 %).
    const old = checkSettingsWorker({ db: t.db, clock: new ManualClock('2017-06-01T02:00:00Z') });
    expect(await old(job(CHECK_SETTINGS_TASK_TYPE, 'k3', { ...settings, smeDeductionPercent: 6 }), ctx)).to.deep.equal({ tenderProblems: [] });
  });

  // `sme` as open-bids records it ({declared, scale}): only small and micro firms get the deduction, not medium ones.
  const qualifiedBids = [
    { bidId: 1, supplierId: 1, supplierName: '甲信息技术有限公司', creditCode: '91510703MA6AT3L50X', totalPriceFen: 100_000_000, sme: false, consortium: [] },
    { bidId: 2, supplierId: 2, supplierName: '乙电子科技有限公司', creditCode: '91510703MA62XY1K0X', totalPriceFen: 105_000_000, sme: { declared: true, scale: 'small' }, consortium: [] },
    { bidId: 3, supplierId: 3, supplierName: '丙计算机系统有限公司', creditCode: '91510100MA61W8X7AX', totalPriceFen: 120_000_000, sme: { declared: true, scale: 'medium' }, consortium: [] },
  ];
  const panel = [{ expertId: 1, code: 'E01', username: 'expert1' }, { expertId: 2, code: 'E02', username: 'expert2' }, { expertId: 3, code: 'E03', username: 'expert3' }];
  const sheet = (code: string, i: number) => ({
    expertCode: code,
    scores: [
      { bidId: 1, supplierName: '甲', totalPriceFen: 100_000_000, technicalScore: [40, 42, 41][i], businessScore: [15, 16, 17][i], compliant: true },
      { bidId: 2, supplierName: '乙', totalPriceFen: 105_000_000, technicalScore: [40, 41, 39][i], businessScore: 16, compliant: true },
      { bidId: 3, supplierName: '丙', totalPriceFen: 120_000_000, technicalScore: [30, 31, 32][i], businessScore: [10, 11, 12][i], compliant: true },
    ],
    opinion: i === 0 ? '同意' : '',
  });
  const vars = (over: Record<string, unknown> = {}) => ({
    tenderId: 11, projectNumber: 'FCZC-2026-0011', projectName: '涪城区计算机采购项目', method: '公开招标', categoryCode: 'A02010104', budgetFen: 130_000_000,
    purchaserName: '涪城区教育局', purchaserOrgId: 1, agencyName: '四川某某招标代理有限公司', agencyUsers: ['agency'], publishedAt: '2026-03-20T02:00:00.000Z',
    bidDeadlineAt: '2026-04-14T01:30:00.000Z', openingPlace: '涪城区公共资源交易中心开标三室', evaluationMethod: 'comprehensive', priceWeightPercent: 30,
    technicalWeightPercent: 50, businessWeightPercent: 20, smeDeductionPercent: 10, smeReserved: false, qualifiedBids, panel, expertDrawId: null,
    excludedBids: [{ bidId: 9, supplierName: '顺达印务有限公司', reasons: ['被列入政府采购严重违法失信行为记录名单'], creditCheckIds: [1] }],
    expertScores: panel.map((p, i) => sheet(p.code, i)),
    ...over,
  });

  it('prepare-evaluation: one row per qualified bid, scores blank, expertScores reset', async () => {
    const out = (await prepareEvaluationWorker()(job(PREPARE_EVALUATION_TASK_TYPE, 'p1', vars()), ctx)) as Record<string, any>;
    expect(out.expertScores).to.deep.equal([]);
    expect(out.scoreSheet).to.deep.equal(qualifiedBids.map((b) => ({ bidId: b.bidId, supplierName: b.supplierName, totalPriceFen: b.totalPriceFen, technicalScore: null, businessScore: null, compliant: true })));
  });

  it('score-bids: ranking per CHAIN.md, stored rows, candidate options, report data that renders; repeated delivery is the same', async () => {
    const worker = scoreBidsWorker({ db: t.db, clock });
    const out = (await worker(job(SCORE_BIDS_TASK_TYPE, 's1:score_bids:1', vars()), ctx)) as Record<string, any>;
    // Example 1 of test/unit/scoring.test.ts: the SME deduction makes 乙 the winner.
    expect(out.ranking.map((r: any) => [r.rank, r.bidId, r.totalScore])).to.deep.equal([[1, 2, '86.00'], [2, 1, '85.35'], [3, 3, '65.63']]);
    expect(out.ranking[0]).to.have.keys(['rank', 'bidId', 'supplierId', 'supplierName', 'creditCode', 'bidPriceFen', 'evaluatedPriceFen', 'priceScore', 'technicalScore', 'businessScore', 'totalScore', 'tieBreak']);
    expect(out.firstCandidateBidId).to.equal(2);
    expect(out.candidateOptions[0]).to.deep.equal({ label: '第1名 乙电子科技有限公司（总分 86.00）', value: 2 });
    const report = out.evaluationReportData;
    expect(report.basePriceFen).to.equal(94_500_000);
    expect(report.committee.map((c: any) => c.name)).to.deep.equal(['E01', 'E02', 'E03']);
    expect(report.scores[1]).to.deep.include({ bidder: '甲信息技术有限公司', priceScore: '28.35', technicalScore: '57.00', totalScore: '85.35', rank: 2 });
    expect(report.invalidBids).to.deep.equal([{ bidder: '顺达印务有限公司', stage: '资格审查', reason: '被列入政府采购严重违法失信行为记录名单' }]);
    expect(report.priceDeductionNote).to.contain('1,050,000.00 元扣除 10% 后以 945,000.00 元');
    expect(report.recommendation).to.contain('第一名乙电子科技有限公司').and.contain('E01：同意');
    expect(renderDocument('evaluation-report', report).html).to.contain('乙电子科技有限公司');

    const { Evaluation, EvaluationScore, EvaluationRanking } = evaluationModels(t.db.sequelize);
    const again = await worker(job(SCORE_BIDS_TASK_TYPE, 's1:score_bids:1', vars()), ctx);
    expect(again).to.deep.equal(out);
    expect(await Evaluation.count()).to.equal(1);
    expect(await EvaluationScore.count()).to.equal(9);
    const ranks = await EvaluationRanking.findAll({ order: [['rankNo', 'ASC']] });
    expect(ranks.map((r) => [r.get('bidId'), r.get('evaluatedPriceFen'), r.get('totalScore')])).to.deep.equal([[2, 94_500_000, '86.00'], [1, 100_000_000, '85.35'], [3, 120_000_000, '65.63']]);
    const ev = await Evaluation.findOne();
    expect(ev!.get('tieSeedHex')).to.match(/^[0-9a-f]{64}$/);

    const summary = await evaluationOf(undefined, 11, { sequelize: t.db.sequelize });
    expect(summary!.firstCandidateBidId).to.equal(2);
    expect(summary!.ranking).to.have.length(3);
    expect(await evaluationOf(undefined, 999, { sequelize: t.db.sequelize })).to.equal(null);
  });

  it('score-bids: a re-evaluation supersedes the earlier one; score sheets must match the panel', async () => {
    const worker = scoreBidsWorker({ db: t.db, clock });
    const lowest = (await worker(job(SCORE_BIDS_TASK_TYPE, 's1:score_bids:2', vars({ evaluationMethod: 'lowest_price', expertScores: panel.map((p) => ({ expertCode: p.code, scores: [{ bidId: 1, compliant: false }] })) })), ctx)) as Record<string, any>;
    // bid 1 found non-compliant by all three; 乙 at 94,500,000 after the deduction is cheapest.
    expect(lowest.ranking.map((r: any) => [r.bidId, r.evaluatedPriceFen, r.technicalScore])).to.deep.equal([[2, 94_500_000, null], [3, 120_000_000, null]]);
    expect(lowest.evaluationReportData.invalidBids.map((b: any) => b.stage)).to.deep.equal(['资格审查', '符合性审查']);
    expect(renderDocument('evaluation-report', lowest.evaluationReportData).html).to.contain('最低评标价法');
    expect((await evaluationOf(undefined, 11, { sequelize: t.db.sequelize }))!.method).to.equal('lowest_price');

    let err: unknown;
    try {
      await worker(job(SCORE_BIDS_TASK_TYPE, 's1:score_bids:3', vars({ expertScores: [sheet('E01', 0), sheet('E09', 1)] })), ctx);
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(Error).and.not.instanceOf(BpmnError);
    expect((err as Error).message).to.contain('E02').and.contain('E09');
    let bad: unknown;
    try {
      const s = panel.map((p, i) => sheet(p.code, i));
      s[1].scores[0].technicalScore = 55; // above the technical weight 50
      await worker(job(SCORE_BIDS_TASK_TYPE, 's1:score_bids:4', vars({ expertScores: s })), ctx);
    } catch (e) {
      bad = e;
    }
    expect((bad as Error).message).to.contain('technicalScore');
  });
});
