/**
 * Job workers of the evaluation component (task type → definition), merged into server/workers/index.ts.
 * Names of variables, outputs and errors follow /work/team/CHAIN.md (issue 4).
 *
 * Workers with outside effects (credit checks, the draw and its panel-service records, the stored scores) key them by
 * `job.key` in their own transaction: the row carrying the job key is written with the effects, and a second delivery
 * finds it and answers with the stored output (the idempotent runner's job_executions record covers the common case).
 */
import crypto from 'node:crypto';
import { UniqueConstraintError, type Transaction } from 'sequelize';
import type { Database } from '../db.ts';
import { sequelizeOf } from '../registry/models.ts';
import { BpmnError, type Job, type Variables, type Worker } from '../engine/port.ts';
import type { WorkerTable, WorkerDeps } from '../workers/definition.ts';
import { businessDate } from '../calendar/deadlines.ts';
import { categoryName, recordPanelService } from '../registry/index.ts';
import { defineAuthModels } from '../auth/models.ts';
import { evaluationSettingsProblems, panelRule } from './rules.ts';
import { evaluationModels, type Row } from './models.ts';
import { confirmQualification, qualifyBids, QualificationInputError, type OpenedBid, type QualificationOutput } from './qualification.ts';
import { DRAW_ALGORITHM, drawPanel, POOL_NAMES, type Party } from './draw.ts';
import { scoreBids, ScoringInputError, smallOrMicro, type ExpertSheet, type ScoringResult, type ScoringSettings } from './scoring.ts';
import { clip, projectHeader, shanghaiIso } from './documents.ts';

export const CHECK_SETTINGS_TASK_TYPE = 'check-evaluation-settings';
export const QUALIFY_BIDDERS_TASK_TYPE = 'qualify-bidders';
export const CONFIRM_QUALIFICATION_TASK_TYPE = 'confirm-qualification';
export const DRAW_EXPERTS_TASK_TYPE = 'draw-experts';
export const PREPARE_EVALUATION_TASK_TYPE = 'prepare-evaluation';
export const SCORE_BIDS_TASK_TYPE = 'score-bids';

const WORKER_ID = 'system:evaluation';

function num(v: unknown, name: string): number {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw new Error(`变量 ${name} 缺失或不是整数 (variable ${name} missing or not an integer): ${JSON.stringify(v)}`);
  return n;
}
const strList = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const optNum = (v: unknown): number | null => (typeof v === 'number' && Number.isSafeInteger(v) ? v : null);

function context(job: Job) {
  const v = job.variables;
  return {
    tenderId: num(v.tenderId, 'tenderId'),
    instanceId: job.instanceId,
    jobKey: job.key,
    projectRef: typeof v.projectNumber === 'string' ? v.projectNumber : '',
    purchaserOrgId: optNum(v.purchaserOrgId),
    agencyUsers: strList(v.agencyUsers),
  };
}

/**
 * Runs `create` in a transaction unless a row with this job key exists (then its stored output is the answer).
 * A concurrent delivery that inserted first makes ours roll back; the retry finds its row.
 */
async function once(db: Database, find: (tx: Transaction) => Promise<Row | null>, create: (tx: Transaction) => Promise<Variables>): Promise<Variables> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.withTransaction(async (tx) => {
        const existing = await find(tx);
        if (existing) return existing.get('output') as Variables;
        return create(tx);
      });
    } catch (err) {
      if (attempt < 3 && err instanceof UniqueConstraintError) continue;
      throw err;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// check-evaluation-settings

export function checkSettingsWorker(deps: WorkerDeps): Worker {
  return (job) => {
    const v = job.variables;
    const problems = evaluationSettingsProblems(
      {
        method: v.method, procurementType: v.procurementType, smeReserved: v.smeReserved, evaluationMethod: v.evaluationMethod,
        priceWeightPercent: v.priceWeightPercent, technicalWeightPercent: v.technicalWeightPercent, businessWeightPercent: v.businessWeightPercent,
        smeDeductionPercent: v.smeDeductionPercent,
      },
      businessDate(deps.clock.now()),
      undefined,
      v.regime === 'works' ? 'works' : 'procurement',
    );
    if (problems.length) {
      throw new BpmnError('TENDER_INVALID', `评审设置不符合规定 (evaluation settings invalid): ${problems.map((p) => p.path).join(', ')}`, { tenderProblems: problems });
    }
    return { tenderProblems: [] };
  };
}

// ---------------------------------------------------------------------------------------------------------------
// qualify-bidders, confirm-qualification

export function qualifyBiddersWorker(deps: WorkerDeps): Worker {
  return async (job) => {
    const ctx = context(job);
    const { QualificationRun } = evaluationModels(deps.db.sequelize);
    const out = await once(
      deps.db,
      (tx) => QualificationRun.findOne({ where: { jobKey: job.key }, transaction: tx }),
      async (tx) => {
        const at = deps.clock.now();
        const result = await qualifyBids(tx, job.variables, at, WORKER_ID);
        const output = { ...result, openedBids: job.variables.openedBids };
        await QualificationRun.create({ ...ctx, output, createdAt: at }, { transaction: tx });
        return output;
      },
    );
    return { qualificationDecisions: out.qualificationDecisions, excludedBids: out.excludedBids, creditCheckRecordData: out.creditCheckRecordData };
  };
}

export function confirmQualificationWorker(deps: WorkerDeps): Worker {
  return async (job) => {
    const tenderId = num(job.variables.tenderId, 'tenderId');
    const run = await evaluationModels(deps.db.sequelize).QualificationRun.findOne({ where: { instanceId: job.instanceId, tenderId }, order: [['id', 'DESC']] });
    if (!run) throw new Error(`招标 ${tenderId} 尚未进行资格审查（信用核查） (no qualification run for tender ${tenderId})`);
    const auto = run.get('output') as QualificationOutput & { openedBids: OpenedBid[] };
    try {
      const r = confirmQualification(auto.openedBids, auto, job.variables.qualificationDecisions);
      return { qualifiedBids: r.qualifiedBids, qualifiedCount: r.qualifiedCount, excludedBids: r.excludedBids };
    } catch (err) {
      if (err instanceof QualificationInputError) throw new BpmnError('QUALIFICATION_INVALID', err.message, { qualificationProblems: err.problems });
      throw err;
    }
  };
}

// ---------------------------------------------------------------------------------------------------------------
// draw-experts

function partiesOf(v: Variables): Party[] {
  const bids = (Array.isArray(v.openedBids) ? v.openedBids : Array.isArray(v.qualifiedBids) ? v.qualifiedBids : []) as OpenedBid[];
  return bids.flatMap((b) => [{ name: b.supplierName, creditCode: b.creditCode }, ...(b.consortium ?? []).map((m) => ({ name: m.name, creditCode: m.creditCode }))]);
}

/** The supervising body of the draw: the finance bureau's supervision (GP) or the industry supervisor (works). */
async function supervisorName(tx: Transaction, role: 'supervisor' | 'works_supervisor' = 'supervisor'): Promise<string> {
  const { User, Organisation } = defineAuthModels(sequelizeOf(tx));
  const users = await User.findAll({ where: { disabled: false }, order: [['id', 'ASC']], transaction: tx });
  const sup = users.find((u) => u.roleList().includes(role));
  const org = sup?.organisationId ? await Organisation.findByPk(sup.organisationId, { transaction: tx }) : null;
  return clip(org?.name ?? (role === 'works_supervisor' ? '行业主管部门' : '财政部门监督人员'), 50);
}

async function expertDatabaseName(tx: Transaction, pool: 'gp' | 'works'): Promise<string> {
  if (pool === 'works') return POOL_NAMES.works;
  const { Organisation } = defineAuthModels(sequelizeOf(tx));
  const org = await Organisation.findOne({ where: { kind: 'expert_panel' }, order: [['id', 'ASC']], transaction: tx });
  return clip(org?.name ?? POOL_NAMES.gp, 100);
}

export function drawExpertsWorker(deps: WorkerDeps): Worker {
  return async (job) => {
    const v = job.variables;
    const ctx = context(job);
    const { ExpertDraw } = evaluationModels(deps.db.sequelize);
    return once(
      deps.db,
      (tx) => ExpertDraw.findOne({ where: { jobKey: job.key }, transaction: tx }),
      async (tx) => {
        const at = deps.clock.now();
        const categoryCode = typeof v.categoryCode === 'string' ? v.categoryCode.trim().toUpperCase() : '';
        if (!/^[ABC](\d\d)*$/.test(categoryCode) || categoryCode.length < 3) throw new Error(`品目编码无效，无法按专业抽取专家 (categoryCode invalid: ${JSON.stringify(v.categoryCode)})`);
        const works = v.regime === 'works';
        const pool: 'gp' | 'works' = job.headers.expertPool === 'works' || job.headers.expertPool === 'gp' ? job.headers.expertPool : works ? 'works' : 'gp';
        const rule = panelRule(String(v.method ?? ''), num(v.budgetFen, 'budgetFen'), at, { regime: works ? 'works' : 'procurement' });
        let panelSize = rule.minSize;
        const asked = job.headers.panelSize ? Number(job.headers.panelSize) : null;
        if (asked !== null) {
          if (!Number.isInteger(asked) || asked < rule.minSize || (rule.odd && asked % 2 === 0)) {
            throw new Error(`任务头 panelSize=${job.headers.panelSize} 不合规定：至少 ${rule.minSize} 人${rule.odd ? '且为单数' : ''} (header panelSize violates ${rule.basis})`);
          }
          panelSize = asked;
        }
        const reserveCount = job.headers.reserveCount !== undefined ? Math.max(0, Math.min(10, Number(job.headers.reserveCount) || 0)) : 2;
        const seed = crypto.randomBytes(32);
        const outcome = await drawPanel(
          tx,
          {
            categoryCode, panelSize, reserveCount,
            purchaserName: typeof v.purchaserName === 'string' ? v.purchaserName : null,
            purchaserOrgId: optNum(v.purchaserOrgId),
            agencyId: optNum(v.agencyId),
            agencyName: typeof v.agencyName === 'string' ? v.agencyName : null,
            agencyUsers: ctx.agencyUsers,
            parties: partiesOf(v),
            pool,
          },
          seed,
        );
        const drawn = [...outcome.panel, ...outcome.reserves];
        const row = await ExpertDraw.create(
          {
            ...ctx, categoryCode, matchedPrefix: outcome.matchedPrefix, panelSize, panelBasis: clip(rule.basis, 1000), algorithm: DRAW_ALGORITHM,
            seedHex: seed.toString('hex'), pool: outcome.pool, exclusions: outcome.exclusions, panel: drawn, output: {}, drawnAt: at,
          },
          { transaction: tx },
        );
        const drawId = row.get('id') as number;
        const servedOn = businessDate(at);
        for (const p of outcome.panel) {
          await recordPanelService(tx, { expertId: p.expertId, projectRef: ctx.projectRef || `TENDER-${ctx.tenderId}`, lotRef: '', role: 'member', servedOn, note: `专家抽取 #${drawId}`, recordedBy: WORKER_ID, at });
        }
        const specialtyText = (code: string) => clip(`${code} ${categoryName(code) ?? ''}`.trim());
        const bidders = [...new Set(partiesOf(v).map((p) => clip(p.name)))];
        const excludedUnits = [v.purchaserName, v.agencyName].filter((n): n is string => typeof n === 'string' && n.trim().length > 0).map((n) => clip(n));
        const expertSelectionRecordData = {
          project: projectHeader(v),
          drawTime: shanghaiIso(at),
          evaluationDate: servedOn,
          database: await expertDatabaseName(tx, pool),
          specialties: [specialtyText(outcome.matchedPrefix)],
          numberRequired: panelSize,
          numberReserve: outcome.reserves.length,
          ...(excludedUnits.length ? { excludedUnits } : {}),
          ...(bidders.length ? { bidders } : {}),
          // Names stay confidential until the award (令87 Art. 47): the record carries the expert codes.
          experts: drawn.map((p) => ({ name: `${p.code}（姓名保密）`, specialty: specialtyText(p.specialty), reserve: p.reserve, identityChecked: true, noConflict: true })),
          witness: clip(job.headers.witness || (typeof v.agencyName === 'string' && v.agencyName.trim() ? v.agencyName : '采购代理机构'), 50),
          supervisor: job.headers.supervisor ? clip(job.headers.supervisor, 50) : await supervisorName(tx, works ? 'works_supervisor' : 'supervisor'),
        };
        const output = {
          panel: outcome.panel.map((p) => ({ expertId: p.expertId, code: p.code, username: p.username })),
          panelSize,
          expertDrawId: drawId,
          expertPool: pool,
          expertSelectionRecordData,
        };
        await row.update({ output }, { transaction: tx });
        return output;
      },
    );
  };
}

// ---------------------------------------------------------------------------------------------------------------
// prepare-evaluation, score-bids

export function prepareEvaluationWorker(): Worker {
  return (job) => {
    const bids = job.variables.qualifiedBids;
    if (!Array.isArray(bids) || !bids.length) throw new Error('没有通过资格审查的投标 (variable qualifiedBids is empty or missing)');
    return {
      scoreSheet: (bids as OpenedBid[]).map((b) => ({ bidId: b.bidId, supplierName: b.supplierName, totalPriceFen: b.totalPriceFen, technicalScore: null, businessScore: null, compliant: true })),
      expertScores: [],
    };
  };
}

function settingsOf(v: Variables): ScoringSettings {
  const method = v.evaluationMethod === 'lowest_price' ? 'lowest_price' : v.evaluationMethod === 'comprehensive' ? 'comprehensive' : null;
  if (!method) throw new Error(`评标方法无效 (evaluationMethod invalid): ${JSON.stringify(v.evaluationMethod)}`);
  const pick = (x: unknown) => (typeof x === 'number' || typeof x === 'string' ? x : null);
  return {
    evaluationMethod: method,
    priceWeightPercent: method === 'lowest_price' ? 100 : pick(v.priceWeightPercent),
    technicalWeightPercent: pick(v.technicalWeightPercent),
    businessWeightPercent: pick(v.businessWeightPercent),
    smeDeductionPercent: pick(v.smeDeductionPercent),
    smeReserved: v.smeReserved === true,
  };
}

const yuan = (fen: number) => `${Math.floor(fen / 100).toLocaleString('en-US')}.${String(fen % 100).padStart(2, '0')}`;

function reportData(v: Variables, result: ScoringResult, sheets: ExpertSheet[], panelCodes: string[], at: Date): Record<string, unknown> {
  const reportDate = businessDate(at);
  const comprehensive = result.method === 'comprehensive';
  const excluded = (Array.isArray(v.excludedBids) ? v.excludedBids : []) as { supplierName: string; reasons: string[] }[];
  const invalidBids = [
    ...excluded.map((e) => ({ bidder: clip(e.supplierName), stage: '资格审查', reason: clip(e.reasons.join('；') || '资格审查不合格', 1000) })),
    ...result.nonCompliant.map((n) => ({ bidder: clip(n.supplierName), stage: '符合性审查', reason: clip(n.reasons.join('；'), 1000) })),
  ];
  const deductionNote = v.smeReserved === true
    ? '本项目专门面向中小企业采购，不再执行小微企业价格扣除。'
    : result.priceDeductions.length
      ? result.priceDeductions.map((d) => `${d.supplierName}提供中小企业声明函（小微企业），其报价 ${yuan(d.bidPriceFen)} 元扣除 ${result.smeDeductionPercent.replace(/\.?0+$/, '')}% 后以 ${yuan(d.evaluatedPriceFen)} 元参与价格评审`).join('；') + '。'
      : '无投标人适用小微企业价格扣除。';
  const names = ['第一名', '第二名', '第三名'];
  const candidates = result.ranking.slice(0, 3).map((r, i) => `${names[i]}${r.supplierName}`);
  const opinions = sheets.map((s) => (typeof s.opinion === 'string' && s.opinion.trim() ? `${s.expertCode}：${s.opinion.trim()}` : null)).filter(Boolean);
  const recommendation = [
    candidates.length ? `评标委员会推荐中标候选人排序为：${candidates.join('，')}。` : '没有符合招标文件要求的投标，评标委员会不推荐中标候选人。',
    `排序规则：${result.rules.ties}。${result.rules.rounding}。${result.rules.compliance}。`,
    comprehensive ? '' : '最低评标价法：价格分 = 评标基准价 / 评审价 × 100，仅供参考，不计技术商务分。',
    opinions.length ? `评审意见：${opinions.join('；')}` : '',
  ].filter(Boolean).join('\n');
  return {
    project: projectHeader(v),
    noticeMedium: '中国政府采购网',
    noticeDate: businessDate(typeof v.publishedAt === 'string' ? new Date(v.publishedAt) : at),
    openingTime: shanghaiIso(typeof v.bidDeadlineAt === 'string' ? v.bidDeadlineAt : at),
    openingPlace: typeof v.openingPlace === 'string' && v.openingPlace.trim().length >= 2 ? clip(v.openingPlace.trim(), 200) : '电子开标（本系统）',
    // Names stay confidential until the award (令87 Art. 47): members are listed by expert code.
    committee: panelCodes.map((code) => ({ role: '评审专家', name: code, date: reportDate })),
    evaluationMethod: comprehensive ? '综合评分法' : '最低评标价法',
    ...(result.basePriceFen !== null ? { basePriceFen: result.basePriceFen } : {}),
    priceDeductionNote: deductionNote,
    qualifiedBidders: result.ranking.map((r) => clip(r.supplierName)),
    invalidBids,
    scores: result.ranking.map((r) => {
      return {
        bidder: clip(r.supplierName),
        bidPriceFen: r.bidPriceFen,
        evaluatedPriceFen: r.evaluatedPriceFen,
        priceScore: r.priceScore,
        technicalScore: r.technicalBusinessScore ?? '0.00',
        totalScore: r.totalScore,
        rank: r.rank,
      };
    }),
    recommendation: clip(recommendation, 5000),
    reportDate,
  };
}

export function scoreBidsWorker(deps: WorkerDeps): Worker {
  return async (job) => {
    const v = job.variables;
    const ctx = context(job);
    const { Evaluation, EvaluationScore, EvaluationRanking } = evaluationModels(deps.db.sequelize);
    const stored = await once(
      deps.db,
      (tx) => Evaluation.findOne({ where: { jobKey: job.key }, transaction: tx }),
      async (tx) => {
        const at = deps.clock.now();
        const bids = (Array.isArray(v.qualifiedBids) ? v.qualifiedBids : []) as OpenedBid[];
        if (!bids.length) throw new Error('没有通过资格审查的投标 (variable qualifiedBids is empty or missing)');
        const sheets = (Array.isArray(v.expertScores) ? v.expertScores : []) as ExpertSheet[];
        const panel = (Array.isArray(v.panel) ? v.panel : []) as { code: string }[];
        const panelCodes = panel.map((p) => p.code);
        const missing = panelCodes.filter((c) => !sheets.some((s) => s?.expertCode === c));
        const strangers = sheets.filter((s) => !panelCodes.includes(s?.expertCode)).map((s) => String(s?.expertCode));
        if (missing.length || strangers.length) {
          throw new Error(`评分表与评标委员会不一致 (score sheets do not match the panel): 缺少 missing [${missing.join(', ')}], 非成员 not members [${strangers.join(', ')}]`);
        }
        const settings = settingsOf(v);
        const seed = crypto.randomBytes(32);
        let result: ScoringResult;
        try {
          result = scoreBids(
            bids.map((b) => ({ bidId: b.bidId, supplierId: b.supplierId ?? null, supplierName: b.supplierName, creditCode: b.creditCode, totalPriceFen: b.totalPriceFen, sme: smallOrMicro(b.sme) })),
            sheets,
            settings,
            seed,
          );
        } catch (err) {
          // Art. 64: only the panel can correct its scores; the job fails with the problems (an incident for the agency).
          if (err instanceof ScoringInputError) throw new Error(err.message);
          throw err;
        }
        const ranking = result.ranking.map((r) => ({
          rank: r.rank, bidId: r.bidId, supplierId: r.supplierId, supplierName: r.supplierName, creditCode: r.creditCode, bidPriceFen: r.bidPriceFen,
          evaluatedPriceFen: r.evaluatedPriceFen, priceScore: r.priceScore, technicalScore: r.technicalScore, businessScore: r.businessScore,
          totalScore: r.totalScore, tieBreak: r.tieBreak,
        }));
        const output = {
          ranking,
          firstCandidateBidId: ranking[0]?.bidId ?? null,
          candidateOptions: ranking.map((r) => ({ label: `第${r.rank}名 ${r.supplierName}（${result.method === 'comprehensive' ? `总分 ${r.totalScore}` : `评审价 ${yuan(r.evaluatedPriceFen)} 元`}）`, value: r.bidId })),
          evaluationReportData: reportData(v, result, sheets, panelCodes, at),
        };
        const row = await Evaluation.create(
          {
            ...ctx, drawId: optNum(v.expertDrawId), method: result.method, settings, algorithm: result.algorithm, tieSeedHex: seed.toString('hex'),
            basePriceFen: result.basePriceFen, expertScores: sheets, nonCompliant: result.nonCompliant,
            output: { ...output, nonCompliant: result.nonCompliant, rules: result.rules, smeDeductionPercent: result.smeDeductionPercent }, scoredAt: at,
          },
          { transaction: tx },
        );
        const evaluationId = row.get('id') as number;
        for (const s of sheets) {
          for (const e of Array.isArray(s.scores) ? s.scores : []) {
            await EvaluationScore.create({
              evaluationId, expertCode: s.expertCode, bidId: Number(e.bidId),
              technicalScore: e.technicalScore === null || e.technicalScore === undefined ? null : String(e.technicalScore),
              businessScore: e.businessScore === null || e.businessScore === undefined ? null : String(e.businessScore),
              compliant: e.compliant !== false,
            }, { transaction: tx });
          }
        }
        for (const r of result.ranking) {
          await EvaluationRanking.create({
            evaluationId, rankNo: r.rank, bidId: r.bidId, supplierName: r.supplierName, creditCode: r.creditCode, bidPriceFen: r.bidPriceFen,
            evaluatedPriceFen: r.evaluatedPriceFen, priceScore: r.priceScore, technicalScore: r.technicalScore, businessScore: r.businessScore,
            totalScore: r.totalScore, tieBreak: r.tieBreak,
          }, { transaction: tx });
        }
        return output;
      },
    );
    // The stored row also keeps the rules and non-compliance findings; the instance gets the CHAIN.md outputs.
    return { ranking: stored.ranking, firstCandidateBidId: stored.firstCandidateBidId, candidateOptions: stored.candidateOptions, evaluationReportData: stored.evaluationReportData };
  };
}

export const EVALUATION_WORKERS: WorkerTable = {
  [CHECK_SETTINGS_TASK_TYPE]: { create: checkSettingsWorker, options: { retries: 3 } },
  [QUALIFY_BIDDERS_TASK_TYPE]: { create: qualifyBiddersWorker, options: { retries: 3 } },
  [CONFIRM_QUALIFICATION_TASK_TYPE]: { create: confirmQualificationWorker, options: { retries: 3 } },
  [DRAW_EXPERTS_TASK_TYPE]: { create: drawExpertsWorker, options: { retries: 3 } },
  [PREPARE_EVALUATION_TASK_TYPE]: { create: prepareEvaluationWorker, options: { retries: 3 } },
  [SCORE_BIDS_TASK_TYPE]: { create: scoreBidsWorker, options: { retries: 3 } },
};

