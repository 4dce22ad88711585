/**
 * Test doubles of the chain's workers (CHAIN.md contract shapes), for running the procurement model in tests
 * before and independently of the real workers: each returns exactly the variables the contract names, with
 * deterministic, test-controlled data. Never registered outside tests.
 */
import type { Clock } from '../../server/clock.ts';
import { BpmnError, type Job, type Variables } from '../../server/engine/port.ts';
import { contractProblems } from '../../server/procurement/workers.ts';

export interface TestBid {
  bidId: number;
  supplierName: string;
  totalPriceFen: number;
  /** Excluded by the credit check (blacklisted). */
  blacklisted?: boolean;
  sme?: boolean;
}

export interface ChainWorld {
  /** Bids each tender round receives: the next round takes the next entry (the last one repeats). */
  bidsPerRound: TestBid[][];
  /** Documents generated: templateId per call, in order. */
  documents: Array<{ templateId: string; dataVariable: string | null; elementId: string; data: Variables }>;
  /** Job types in the order they ran. */
  jobs: string[];
  panelSize: number;
}

export const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();
const camel = (id: string) => id.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

export function newWorld(): ChainWorld {
  return {
    bidsPerRound: [[
      { bidId: 101, supplierName: '四川甲科技有限公司', totalPriceFen: 300_000_000, sme: true },
      { bidId: 102, supplierName: '绵阳乙信息技术有限公司', totalPriceFen: 320_000_000 },
      { bidId: 103, supplierName: '成都丙电子有限公司', totalPriceFen: 310_000_000 },
      { bidId: 104, supplierName: '德阳丁设备有限公司', totalPriceFen: 330_000_000 },
    ]],
    documents: [],
    jobs: [],
    panelSize: 5,
  };
}

/** Shanghai local "YYYY-MM-DDTHH:mm" → ISO instant. */
export const shanghai = (local: string) => new Date(`${local}:00+08:00`).toISOString();

export function chainWorkers(world: ChainWorld, clock: Clock): Record<string, (job: Job) => Variables | Promise<Variables>> {
  let tenderSeq = 0;
  let drawSeq = 0;
  const now = () => clock.now().getTime();
  const w: Record<string, (job: Job) => Variables> = {
    'check-application': (job) => {
      const v = job.variables;
      if (v.agencyId === 999) {
        throw new BpmnError('APPLICATION_INVALID', '申请不合规', { applicationProblems: [{ path: 'agencyId', reason: '代理机构不在册 (agency not registered)' }] });
      }
      const items = (v.items as Array<Record<string, unknown>>) ?? [];
      return {
        itemsFen: items.map((i) => ({ itemCode: i.itemCode, itemName: i.itemName, quantity: i.quantity, unit: i.unit, unitPriceFen: Math.round(Number(i.unitPriceYuan) * 100), lineTotalFen: Math.round(Number(i.unitPriceYuan) * 100 * Number(i.quantity)) })),
        agencyName: '四川某某招标代理有限公司',
        agencyUsers: ['agent1', 'agent2'],
        applicationProblems: [],
      };
    },
    'check-evaluation-settings': (job) => {
      const v = job.variables;
      if (v.evaluationMethod === 'comprehensive' && Number(v.priceWeightPercent) < 10) {
        throw new BpmnError('TENDER_INVALID', '评审设置不合规', { tenderProblems: [{ path: 'priceWeightPercent', reason: '货物项目价格分权重不得低于30% (price weight too low)' }] });
      }
      return { tenderProblems: [] };
    },
    'publish-tender': (job) => {
      const v = job.variables;
      const deadline = new Date(shanghai(String(v.bidDeadline))).getTime();
      const min = now() + 20 * DAY;
      if (!(deadline >= min)) {
        throw new BpmnError('TENDER_INVALID', '截止时间过早', { tenderProblems: [{ path: 'bidDeadline', reason: `不得早于 ${iso(min)}（T1）` }] });
      }
      tenderSeq++;
      const tenderId = 500 + tenderSeq;
      return {
        tenderId, tenderKey: String(tenderId), tenderRound: ((v.tenderRound as number) ?? 0) + 1,
        bidDeadlineAt: iso(deadline), bidDeadlineMinAt: iso(min), bidDeadlineBasis: 'T1 政府采购法实施条例第31条',
        minBids: v.method === '单一来源' ? 1 : 3, publishedAt: iso(now()),
        tenderNoticeData: { tenderId }, tenderDocumentsData: { tenderId }, tenderProblems: [],
      };
    },
    'apply-amendment': (job) => {
      const moved = Math.max(new Date(String(job.variables.bidDeadlineAt)).getTime(), now() + 15 * DAY);
      return { bidDeadlineAt: iso(moved), bidDeadlineBasis: 'T4 财政部令第87号第27条', clarificationNoticeData: { amendmentId: job.variables.amendmentId } };
    },
    'open-bids': (job) => {
      if (now() < new Date(String(job.variables.bidDeadlineAt)).getTime()) throw new Error('投标截止前不得开标 (not before the deadline)');
      const round = Number(job.variables.tenderRound) - 1;
      const bids = world.bidsPerRound[Math.min(round, world.bidsPerRound.length - 1)];
      const openedBids = bids.map((b) => ({ bidId: b.bidId, supplierId: b.bidId * 10, supplierName: b.supplierName, creditCode: `91510700MA${b.bidId}`, totalPriceFen: b.totalPriceFen, sme: b.sme ?? false, consortium: [] }));
      return { bidCount: openedBids.length, openedBids, bidOpeningRecordData: { count: openedBids.length } };
    },
    'qualify-bidders': (job) => {
      const round = Number(job.variables.tenderRound) - 1;
      const bids = world.bidsPerRound[Math.min(round, world.bidsPerRound.length - 1)];
      const excludedBids = bids.filter((b) => b.blacklisted).map((b) => ({ bidId: b.bidId, supplierName: b.supplierName, reasons: ['政府采购严重违法失信行为记录名单'], creditCheckIds: [b.bidId] }));
      return {
        qualificationDecisions: bids.map((b) => ({ bidId: b.bidId, supplierName: b.supplierName, qualified: !b.blacklisted, reason: b.blacklisted ? '信用记录不良' : '' })),
        excludedBids,
        creditCheckRecordData: { checked: bids.length },
      };
    },
    'confirm-qualification': (job) => {
      const decisions = job.variables.qualificationDecisions as Array<{ bidId: number; qualified: boolean; reason?: string }>;
      // As the real worker (server/evaluation/qualification.ts): an exclusion needs a reason.
      const problems = decisions.flatMap((d, i) => (d.qualified === false && !String(d.reason ?? '').trim() ? [{ path: `qualificationDecisions[${i}].reason`, reason: '认定资格审查不合格须写明理由 (an exclusion needs a reason)' }] : []));
      if (problems.length) throw new BpmnError('QUALIFICATION_INVALID', 'qualification decisions invalid', { qualificationProblems: problems });
      const excluded = new Set((job.variables.excludedBids as Array<{ bidId: number }>).map((b) => b.bidId));
      const ok = new Set(decisions.filter((d) => d.qualified && !excluded.has(d.bidId)).map((d) => d.bidId));
      const qualifiedBids = (job.variables.openedBids as Array<{ bidId: number }>).filter((b) => ok.has(b.bidId));
      return { qualifiedBids, qualifiedCount: qualifiedBids.length, excludedBids: job.variables.excludedBids };
    },
    'draw-experts': () => {
      drawSeq++;
      const panel = Array.from({ length: world.panelSize }, (_, i) => ({ expertId: 900 + i, code: `E${i + 1}`, username: `expert${i + 1}` }));
      return { panel, panelSize: panel.length, expertDrawId: drawSeq, expertSelectionRecordData: { drawId: drawSeq } };
    },
    'prepare-evaluation': (job) => ({
      scoreSheet: (job.variables.qualifiedBids as Array<{ bidId: number; supplierName: string; totalPriceFen: number }>).map((b) => ({ bidId: b.bidId, supplierName: b.supplierName, totalPriceFen: b.totalPriceFen, technicalScore: null, businessScore: null, compliant: true })),
      expertScores: [],
    }),
    'score-bids': (job) => {
      const sheets = job.variables.expertScores as Array<{ expertCode: string; scores: Array<{ bidId: number; technicalScore: number; businessScore: number }> }>;
      if (!Array.isArray(sheets) || sheets.length !== Number(job.variables.panelSize)) throw new Error(`expected ${job.variables.panelSize} score sheets, got ${JSON.stringify(sheets)}`);
      const bids = job.variables.qualifiedBids as Array<{ bidId: number; supplierId: number; supplierName: string; creditCode: string; totalPriceFen: number }>;
      const total = (bidId: number) => sheets.reduce((s, e) => { const r = e.scores.find((x) => x.bidId === bidId)!; return s + r.technicalScore + r.businessScore; }, 0) / sheets.length;
      const ranked = [...bids].sort((a, b) => total(b.bidId) - total(a.bidId));
      const ranking = ranked.map((b, i) => ({ rank: i + 1, bidId: b.bidId, supplierId: b.supplierId, supplierName: b.supplierName, creditCode: b.creditCode, bidPriceFen: b.totalPriceFen, evaluatedPriceFen: b.totalPriceFen, priceScore: '0.00', technicalScore: total(b.bidId).toFixed(2), businessScore: '0.00', totalScore: total(b.bidId).toFixed(2), tieBreak: null }));
      return { ranking, firstCandidateBidId: ranking[0].bidId, candidateOptions: ranking.slice(0, 3).map((r) => ({ label: `第${r.rank}名 ${r.supplierName}`, value: r.bidId })), evaluationReportData: { ranking: ranking.length } };
    },
    'record-award': (job) => {
      const bid = (job.variables.ranking as Array<{ bidId: number; supplierId: number; supplierName: string; creditCode: string; bidPriceFen: number }>).find((r) => r.bidId === job.variables.winnerBidId);
      if (!bid) throw new Error(`winner ${job.variables.winnerBidId} not in the ranking`);
      return {
        award: { bidId: bid.bidId, supplierId: bid.supplierId, supplierName: bid.supplierName, creditCode: bid.creditCode, amountFen: bid.bidPriceFen },
        awardedAt: iso(now()), challengeDeadlineAt: iso(now() + 10 * DAY), contractDeadlineAt: iso(now() + 30 * DAY),
        awardNoticeData: { bidId: bid.bidId }, noticeOfAwardData: { bidId: bid.bidId },
      };
    },
    'record-challenge-reply': (job) => ({ challengeReplyData: { challengeId: job.variables.challengeId, outcome: job.variables.challengeOutcome } }),
    'record-failed-tender': (job) => {
      const v = job.variables;
      const reason = v.challengeOutcome === 'upheld_cancel' ? '质疑成立，废标' : Number(v.bidCount) < Number(v.minBids) ? '投标人不足三家' : '合格投标人不足三家';
      return { failureReason: reason, cancellationNoticeData: { reason } };
    },
    'record-contract': (job) => {
      // The real bounds check (amount ≤ award, bond ≤ 10 %, date, number) → CONTRACT_INVALID as the real worker.
      const award = job.variables.award as { amountFen?: number } | undefined;
      const { problems } = contractProblems(job.variables, award?.amountFen ?? null);
      if (problems.length) throw new BpmnError('CONTRACT_INVALID', 'the contract is out of bounds', { contractProblems: problems });
      return {
      contract: { number: job.variables.contractNumber, amountFen: Math.round(Number(job.variables.contractAmountYuan) * 100) },
      contractData: { number: job.variables.contractNumber }, contractNoticeData: { number: job.variables.contractNumber, noticeDate: '2026-01-01' },
      contractPublishDeadlineAt: iso(now() + 2 * DAY),
      };
    },
    'record-acceptance': (job) => ({ acceptanceReportData: { overall: job.variables.acceptanceOverall } }),
    'archive-project': () => ({ archivedAt: iso(now()) }),
    'generate-document': (job) => {
      const dataVariable = job.headers.dataVariable ?? null;
      if (dataVariable && (job.variables[dataVariable] === undefined || job.variables[dataVariable] === null)) {
        throw new Error(`${job.elementId}: variable ${dataVariable} missing`);
      }
      world.documents.push({ templateId: job.headers.templateId, dataVariable, elementId: job.elementId, data: structuredClone((dataVariable ? job.variables[dataVariable] : job.variables) as Variables) });
      return { [`${camel(job.headers.templateId)}Document`]: { id: world.documents.length, version: 1, sha256: 'test' } };
    },
  };
  return Object.fromEntries(Object.entries(w).map(([type, fn]) => [type, (job: Job) => { world.jobs.push(type); return fn(job); }]));
}
