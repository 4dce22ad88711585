/**
 * HTTP routes of the evaluation component (CHAIN.md):
 * - GET /api/tenders/:id/expert-draw — supervisor, auditor, and the project's agency staff. Expert names are
 *   confidential until the award (令87 Art. 47): before the instance has `awardedAt`, only the supervisor (who keeps
 *   the expert pool) sees names; the auditor sees codes; the agency sees stand-ins (专家1…n) without codes, seed or
 *   keys, because agencies can read names by code in the expert register and re-run HMAC(seed, code) over it. After
 *   the award everyone allowed sees names. The scores route shows the purchaser and agency the same stand-ins.
 *   Exclusions and the pool snapshot: supervisor and auditor only.
 * - GET /api/tenders/:id/expert-draw/verify — re-runs the draw from the recorded seed and pool → {ok, panel}.
 * - GET /api/tenders/:id/evaluation — ranking and every expert's scores (by expert code), after score-bids;
 *   supervisor, auditor, the project's agency staff and the purchaser's organisation.
 */
import { z } from 'zod';
import type { Api } from '../http/route.ts';
import { addRoute } from '../http/route.ts';
import type { ComponentDeps } from '../http/component-deps.ts';
import type { AuthUser } from '../auth/types.ts';
import { forbidden, notFound } from '../errors.ts';
import { expertNames } from '../registry/index.ts';
import { tenderOfInstance } from '../tender/index.ts';
import { evaluationModels, type Row } from './models.ts';
import { verifyExpertDraw, type DrawnExpert, type Exclusion, type PoolEntry } from './draw.ts';

const idParams = z.object({ id: z.coerce.number().int().min(1).max(2_147_483_647) });

const drawSchema = z.object({
  drawId: z.number().int(),
  tenderId: z.number().int(),
  projectRef: z.string(),
  drawnAt: z.string(),
  algorithm: z.string(),
  seedHex: z.string().nullable(),
  categoryCode: z.string(),
  matchedPrefix: z.string(),
  panelSize: z.number().int(),
  panelBasis: z.string(),
  namesVisible: z.boolean(),
  awarded: z.boolean(),
  panel: z.array(z.object({ code: z.string(), name: z.string().nullable(), specialty: z.string(), reserve: z.boolean(), key: z.string().nullable() })),
  poolSize: z.number().int(),
  pool: z.array(z.object({ code: z.string(), specialty: z.string() })).nullable(),
  exclusions: z.array(z.object({ code: z.string(), reasons: z.array(z.string()) })).nullable(),
});

const verifySchema = z.object({
  ok: z.boolean(),
  drawId: z.number().int(),
  algorithm: z.string(),
  seedHex: z.string().nullable(),
  panel: z.array(z.object({ code: z.string(), key: z.string().nullable() })),
  reserves: z.array(z.object({ code: z.string(), key: z.string().nullable() })),
  problems: z.array(z.string()),
});

const score = z.string().nullable();
const evaluationSchema = z.object({
  evaluationId: z.number().int(),
  tenderId: z.number().int(),
  projectRef: z.string(),
  method: z.enum(['comprehensive', 'lowest_price']),
  scoredAt: z.string(),
  basePriceFen: z.number().int().nullable(),
  settings: z.record(z.string(), z.unknown()),
  ranking: z.array(z.object({
    rank: z.number().int(), bidId: z.number().int(), supplierId: z.number().int().nullable(), supplierName: z.string(), creditCode: z.string(),
    bidPriceFen: z.number().int(), evaluatedPriceFen: z.number().int(), priceScore: z.string(), technicalScore: score, businessScore: score,
    totalScore: z.string(), tieBreak: z.string().nullable(),
  })),
  nonCompliant: z.array(z.object({ bidId: z.number().int(), supplierName: z.string(), againstVotes: z.number().int(), panelSize: z.number().int(), reasons: z.array(z.string()) })),
  expertScores: z.array(z.object({ expertCode: z.string(), bidId: z.number().int(), technicalScore: score, businessScore: score, compliant: z.boolean() })),
  tieSeedHex: z.string(),
  rules: z.record(z.string(), z.string()),
});

/** The stand-in for an expert's code shown before the award to those who may not identify the panel. */
function maskedCode(index: number): string {
  return `专家${index + 1}`;
}

export function registerEvaluationRoutes(api: Api, deps: ComponentDeps): void {
  const models = () => evaluationModels(deps.db.sequelize);

  const isAgencyOf = (user: AuthUser, row: Row) => user.roles.includes('agency') && (row.get('agencyUsers') as string[]).includes(user.username);
  const isPurchaserOf = (user: AuthUser, row: Row) =>
    user.roles.includes('purchaser') && user.organisation !== null && row.get('purchaserOrgId') !== null && user.organisation.id === row.get('purchaserOrgId');

  /**
   * The award has happened (and the award notice names the panel) when the tender is marked awarded
   * (markTenderAwarded, H2) or the instance carries `awardedAt` (record-award, H4). Once published, names stay
   * visible even if an upheld challenge reopens the evaluation.
   */
  async function awarded(instanceId: string, tenderId: number): Promise<boolean> {
    const tender = await tenderOfInstance(undefined, instanceId, deps.db.sequelize);
    if (tender && tender.tenderId === tenderId && tender.status === 'awarded') return true;
    const inst = await deps.engine.getInstance(instanceId);
    return typeof inst?.variables.awardedAt === 'string' && inst.variables.awardedAt.length > 0;
  }

  async function readableDraw(tenderId: number, user: AuthUser): Promise<Row> {
    const row = await models().ExpertDraw.findOne({ where: { tenderId }, order: [['id', 'DESC']] });
    if (!row) throw notFound('专家抽取记录 (expert draw of tender)', String(tenderId));
    const staff = user.roles.includes('supervisor') || user.roles.includes('auditor');
    if (!staff && !isAgencyOf(user, row)) throw forbidden('只有本项目的代理机构、监督和审计可以查看专家抽取记录 (only the project\'s agency, supervisors and auditors)');
    return row;
  }

  addRoute(
    api,
    {
      method: 'get', path: '/api/tenders/:id/expert-draw', tags: ['evaluation'], summary: '评审专家抽取记录 (expert draw of a tender)',
      description: '最近一次抽取：算法、种子、专业、人数及依据、抽取结果（含备选）。中标结果公告前专家姓名保密：仅监督可见姓名，审计只看到专家编号，代理机构只看到“专家1…n”（不含编号、种子和排序键，否则可据专家库推知名单）；回避排除情况和专家池快照仅监督和审计可见。',
      access: ['supervisor', 'auditor', 'agency'], params: idParams,
      response: { description: '抽取记录', schema: drawSchema }, errors: [404],
    },
    async ({ params, user }) => {
      const row = await readableDraw(params.id, user);
      const isAwarded = await awarded(row.get('instanceId') as string, row.get('tenderId') as number);
      const namesVisible = user.roles.includes('supervisor') || isAwarded;
      const drawn = row.get('panel') as DrawnExpert[];
      const names = namesVisible ? await expertNames(undefined, deps.db.sequelize, drawn.map((d) => d.expertId)) : null;
      const staff = user.roles.includes('supervisor') || user.roles.includes('auditor');
      const pool = row.get('pool') as PoolEntry[];
      // Before the award the agency sees neither codes nor the seed/keys: with the seed public, HMAC(seed, code) over
      // the register's codes would name the panel, and the register shows agencies the experts' names.
      const hidden = !staff && !isAwarded;
      return {
        drawId: row.get('id') as number,
        tenderId: row.get('tenderId') as number,
        projectRef: row.get('projectRef') as string,
        drawnAt: (row.get('drawnAt') as Date).toISOString(),
        algorithm: row.get('algorithm') as string,
        seedHex: hidden ? null : (row.get('seedHex') as string),
        categoryCode: row.get('categoryCode') as string,
        matchedPrefix: row.get('matchedPrefix') as string,
        panelSize: row.get('panelSize') as number,
        panelBasis: row.get('panelBasis') as string,
        namesVisible,
        awarded: isAwarded,
        panel: drawn.map((d, i) => ({ code: hidden ? maskedCode(i) : d.code, name: names ? (names.get(d.expertId) ?? null) : null, specialty: d.specialty, reserve: d.reserve, key: hidden ? null : d.key })),
        poolSize: pool.length,
        pool: staff ? pool.map((p) => ({ code: p.code, specialty: p.specialty })) : null,
        exclusions: staff ? (row.get('exclusions') as Exclusion[]).map((e) => ({ code: e.code, reasons: e.reasons })) : null,
      };
    },
  );

  addRoute(
    api,
    {
      method: 'get', path: '/api/tenders/:id/expert-draw/verify', tags: ['evaluation'], summary: '复核专家抽取 (re-run the draw from its recorded seed)',
      description: '用记录的种子和专家池快照重新计算 HMAC-SHA256 排序，与记录的抽取结果比对；ok=false 时 problems 说明不一致之处。',
      access: ['supervisor', 'auditor', 'agency'], params: idParams,
      response: { description: '复核结果', schema: verifySchema }, errors: [404],
    },
    async ({ params, user }) => {
      const row = await readableDraw(params.id, user);
      const staff = user.roles.includes('supervisor') || user.roles.includes('auditor');
      const hidden = !staff && !(await awarded(row.get('instanceId') as string, row.get('tenderId') as number));
      const v = await verifyExpertDraw(undefined, row.get('id') as number, deps.db.sequelize);
      let n = 0;
      const view = (p: { code: string; key: string }) => (hidden ? { code: maskedCode(n++), key: null } : { code: p.code, key: p.key });
      return { ok: v.ok, drawId: v.drawId, algorithm: v.algorithm, seedHex: hidden ? null : v.seedHex, panel: v.panel.map(view), reserves: v.reserves.map(view), problems: hidden ? [] : v.problems };
    },
  );

  addRoute(
    api,
    {
      method: 'get', path: '/api/tenders/:id/evaluation', tags: ['evaluation'], summary: '评标结果和评分 (ranking and scores of a tender)',
      description: '最近一次评审（质疑成立重新评审的以最新为准）：排序、价格分、技术分、商务分、总分、并列处理、各专家评分（以专家编号标识）。监督、审计、本项目代理机构和采购人可见。',
      access: ['supervisor', 'auditor', 'agency', 'purchaser'], params: idParams,
      response: { description: '评标结果', schema: evaluationSchema }, errors: [404],
    },
    async ({ params, user }) => {
      const { Evaluation, EvaluationScore } = models();
      const row = await Evaluation.findOne({ where: { tenderId: params.id }, order: [['id', 'DESC']] });
      if (!row) throw notFound('评标结果 (evaluation of tender)', String(params.id));
      const staff = user.roles.includes('supervisor') || user.roles.includes('auditor');
      if (!staff && !isAgencyOf(user, row) && !isPurchaserOf(user, row)) {
        throw forbidden('只有本项目的采购人、代理机构、监督和审计可以查看评标结果 (only the project\'s purchaser, agency, supervisors and auditors)');
      }
      const out = row.get('output') as Record<string, unknown>;
      const hidden = !staff && !(await awarded(row.get('instanceId') as string, row.get('tenderId') as number));
      const aliases = new Map<string, string>();
      const alias = (code: string) => (hidden ? (aliases.get(code) ?? aliases.set(code, maskedCode(aliases.size)).get(code)!) : code);
      const scores = await EvaluationScore.findAll({ where: { evaluationId: row.get('id') }, order: [['expertCode', 'ASC'], ['bidId', 'ASC']] });
      return {
        evaluationId: row.get('id') as number,
        tenderId: row.get('tenderId') as number,
        projectRef: row.get('projectRef') as string,
        method: row.get('method') as 'comprehensive' | 'lowest_price',
        scoredAt: (row.get('scoredAt') as Date).toISOString(),
        basePriceFen: row.get('basePriceFen') as number | null,
        settings: row.get('settings') as Record<string, unknown>,
        ranking: out.ranking as z.infer<typeof evaluationSchema>['ranking'],
        nonCompliant: (row.get('nonCompliant') as z.infer<typeof evaluationSchema>['nonCompliant']).map((n) => ({ bidId: n.bidId, supplierName: n.supplierName, againstVotes: n.againstVotes, panelSize: n.panelSize, reasons: n.reasons })),
        expertScores: scores.map((s) => ({
          expertCode: alias(s.get('expertCode') as string), bidId: s.get('bidId') as number, technicalScore: (s.get('technicalScore') as string | null) ?? null,
          businessScore: (s.get('businessScore') as string | null) ?? null, compliant: Boolean(s.get('compliant')),
        })),
        tieSeedHex: row.get('tieSeedHex') as string,
        rules: (out.rules as Record<string, string>) ?? {},
      };
    },
  );
}
