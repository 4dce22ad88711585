/**
 * Job workers of the procurement component (task type → definition), merged into server/workers/index.ts.
 *   check-application   the application check (application.ts) after every (re)submission
 *   record-award        the award from the confirmed winner; challenge and contract deadlines; documents 13 and 14
 *   record-contract     the signed contract within its bounds (amount ≤ award, bond ≤ 10 % T25); documents 18, 19
 *   record-acceptance   the acceptance; document 20
 *   archive-project     status archived, retention until +15 years (T31), manifest of the instance's documents
 * Outside effects (the project row, the tender's award) are written in the worker's own transaction, keyed by
 * job.key where they carry a time, so a redelivered job repeats the same values.
 */
import crypto from 'node:crypto';
import type { Sequelize } from 'sequelize';
import { defineAuthModels } from '../auth/models.ts';
import { businessDate, parseAnchor, type Deadline } from '../calendar/deadlines.ts';
import { createCalendarService } from '../calendar/service.ts';
import { createDocumentService } from '../documents/service.ts';
import { BpmnError, type Job, type Variables, type Worker } from '../engine/port.ts';
import type { ErrorDetail } from '../errors.ts';
import { evaluationOf } from '../evaluation/index.ts';
import { markTenderAwarded } from '../tender/index.ts';
import type { WorkerDeps, WorkerTable } from '../workers/definition.ts';
import { checkApplication, yuanToFenExact } from './application.ts';
import { acceptanceReportData, awardNoticeData, contractData, contractNoticeData, noticeOfAwardData, type AwardFacts, type ContractFacts } from './documents-data.ts';
import { projectRowOf, updateProject } from './projects.ts';

type Obj = Record<string, unknown>;

const idOf = (v: unknown): number | null => (typeof v === 'number' && Number.isSafeInteger(v) ? v : typeof v === 'string' && /^\d{1,15}$/.test(v) ? Number(v) : null);
const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

/** Deadline texts shown to users: the rule, the event, the legal basis. */
const basisOf = (...ds: Deadline[]) => ds.map((d) => `${d.ruleId} ${d.event}（${d.value}${d.dayType === 'WD' ? '个工作日' : '日'}，${d.basis}）`).join(' + ');

// ── check-application ───────────────────────────────────────────────────────────────────────────────────────────
export function checkApplicationWorker(deps: WorkerDeps): Worker {
  return async (job) => {
    const r = await checkApplication(deps.db.sequelize, job.variables);
    if (r.problems.length) {
      throw new BpmnError('APPLICATION_INVALID', `采购申请有 ${r.problems.length} 处问题 (the application has problems): ${r.problems.map((p) => `${p.path}: ${p.reason}`).join('; ')}`.slice(0, 2000), {
        applicationProblems: r.problems,
      });
    }
    return { itemsFen: r.itemsFen, agencyName: r.agencyName, agencyUsers: r.agencyUsers, applicationProblems: [] };
  };
}

// ── record-award ────────────────────────────────────────────────────────────────────────────────────────────────
async function displayNames(sequelize: Sequelize, usernames: string[]): Promise<Map<string, string>> {
  if (!usernames.length) return new Map();
  const users = await defineAuthModels(sequelize).User.findAll({ where: { username: usernames } });
  return new Map(users.map((u) => [u.username, u.displayName]));
}

export function recordAwardWorker(deps: WorkerDeps): Worker {
  const calendar = createCalendarService(deps.db, deps.clock);
  return async (job, ctx) => {
    const v = job.variables;
    const winnerBidId = idOf(v.winnerBidId);
    const ranking = Array.isArray(v.ranking) ? (v.ranking as Obj[]) : [];
    if (winnerBidId === null) throw new Error('变量 winnerBidId 缺失 (no confirmed winner: variable winnerBidId missing)');
    const winner = ranking.find((r) => idOf(r.bidId) === winnerBidId);
    if (!winner) throw new Error(`中标候选人 ${winnerBidId} 不在评审排名中 (winnerBidId ${winnerBidId} is not in the ranking)`);
    const amountFen = idOf(winner.bidPriceFen);
    if (!amountFen || amountFen <= 0) throw new Error(`中标候选人 ${winnerBidId} 的投标报价无效 (bid price of the winner missing)`);
    const tenderId = idOf(v.tenderId);
    const sequelize = deps.db.sequelize;

    // The same job (a redelivery after a crash) keeps the first award time, so the deadlines stay the same.
    const existing = await projectRowOf(sequelize, job.instanceId);
    const prior = existing?.award && existing.award.jobKey === job.key ? existing.award : null;
    const awardedAt = prior && typeof prior.awardedAt === 'string' ? new Date(prior.awardedAt) : deps.clock.now();

    const works = v.regime === 'works';
    if (works && v.stateFunded === true && v.winnerDeemed !== true) {
      // 条例55: a state-funded works project awards the first candidate unless that one gives up, cannot perform or
      // lost its eligibility — the purchaser must say which.
      const first = ranking.find((r) => idOf(r.rank) === 1);
      if (first && idOf(first.bidId) !== winnerBidId && str(v.confirmationNote).length < 4) {
        throw new BpmnError('AWARD_INVALID', '国有资金占控股或者主导地位的项目应当确定排名第一的中标候选人为中标人 (state-funded works: the first candidate wins)', {
          awardProblems: [{ path: 'winnerBidId', reason: '国有资金占控股或者主导地位的依法必须进行招标的项目，招标人应当确定排名第一的中标候选人为中标人；第一名放弃中标、因不可抗力不能履行合同、不按照招标文件要求提交履约保证金，或者被查实存在影响中标结果的违法行为等情形的，方可依次确定其他中标候选人，并须在确认说明中写明理由（招标投标法实施条例第五十五条）' }],
        });
      }
    }
    // Works (招标投标法): no 质疑 window after the award (objections came during the 中标候选人公示); contract W8; the
    // written report to the supervisory department W4 (法47).
    const noticePeriod = await calendar.deadline('T11', awardedAt);
    const challenge = works ? null : await calendar.deadline('T13', parseAnchor(noticePeriod.dueDate)!);
    const contract = await calendar.deadline(works ? 'W8' : 'T20', awardedAt);
    const report = works ? await calendar.deadline('W4', awardedAt) : null;

    const award = {
      bidId: winnerBidId,
      supplierId: idOf(winner.supplierId),
      supplierName: str(winner.supplierName),
      creditCode: str(winner.creditCode) || null,
      amountFen,
    };

    // Expert names (confidential until now): from the evaluation's draw, else the panel's accounts.
    let experts: string[] = [];
    if (tenderId !== null) {
      const evaluation = await evaluationOf(undefined, tenderId, { withNames: true, sequelize }).catch(() => null);
      experts = (evaluation?.panel ?? []).map((p) => p.name ?? p.code).filter(Boolean);
    }
    if (!experts.length && Array.isArray(v.panel)) {
      const panel = v.panel as Obj[];
      const names = await displayNames(sequelize, panel.map((p) => str(p.username)).filter(Boolean));
      experts = panel.map((p) => names.get(str(p.username)) ?? str(p.code)).filter(Boolean);
    }
    const unsuccessful: Obj[] = ranking
      .filter((r) => idOf(r.bidId) !== winnerBidId)
      .map((r) => ({ bidder: str(r.supplierName).padEnd(2, '　'), reason: '评审得分排名', ...(r.totalScore != null ? { score: String(r.totalScore).slice(0, 10) } : {}), ...(idOf(r.rank) !== null ? { rank: idOf(r.rank) } : {}) }));
    for (const e of Array.isArray(v.excludedBids) ? (v.excludedBids as Obj[]) : []) {
      const reasons = Array.isArray(e.reasons) ? (e.reasons as unknown[]).map(String).join('；') : '';
      unsuccessful.push({ bidder: str(e.supplierName).padEnd(2, '　'), reason: '资格审查未通过', ...(reasons ? { detail: reasons.slice(0, 500) } : {}) });
    }
    const facts: AwardFacts = { award, awardedAt, experts, unsuccessful };

    await deps.db.withTransaction(async (tx) => {
      if (tenderId !== null) await markTenderAwarded(tx, tenderId, winnerBidId, awardedAt, challenge?.dueAt ?? null);
      await updateProject(sequelize, job.instanceId, { award: { ...award, awardedAt: awardedAt.toISOString(), deemed: v.winnerDeemed === true, jobKey: job.key }, status: 'awarded' }, deps.clock.now(), tx);
    });
    ctx.log('award recorded', { instanceId: job.instanceId, bidId: winnerBidId, amountFen });
    const regimeTag = works ? { regime: 'works' } : {};
    if (works || !challenge) {
      return {
        award,
        awardedAt: awardedAt.toISOString(),
        awardProblems: [],
        contractDeadlineAt: contract.dueAt,
        contractDeadline: contract,
        contractDeadlineBasis: `中标通知书发出之日起 30 日内：${basisOf(contract)}`,
        writtenReportDeadlineAt: report!.dueAt,
        writtenReportDeadline: report,
        awardNoticeData: { ...awardNoticeData(v, facts), ...regimeTag },
        noticeOfAwardData: { ...noticeOfAwardData(v, facts), ...regimeTag },
      };
    }
    return {
      award,
      awardedAt: awardedAt.toISOString(),
      challengeDeadlineAt: challenge.dueAt,
      challengeDeadline: { ...challenge, basis: basisOf(noticePeriod, challenge) },
      challengeDeadlineBasis: `中标公告期满（${noticePeriod.dueDate}）后 7 个工作日：${basisOf(noticePeriod, challenge)}`,
      contractDeadlineAt: contract.dueAt,
      contractDeadline: contract,
      contractDeadlineBasis: `中标通知书发出之日起 30 日内：${basisOf(contract)}`,
      awardNoticeData: awardNoticeData(v, facts),
      noticeOfAwardData: noticeOfAwardData(v, facts),
    };
  };
}

// ── record-contract ─────────────────────────────────────────────────────────────────────────────────────────────
const fenOf = (v: Variables, fenKey: string, yuanKey: string): number | null => {
  const fen = v[fenKey];
  if (typeof fen === 'number' && Number.isSafeInteger(fen) && fen >= 0) return fen;
  if (v[yuanKey] === undefined || v[yuanKey] === null || v[yuanKey] === '') return null;
  return yuanToFenExact(v[yuanKey]);
};

/** The contract's bounds: amount > 0 and ≤ the award; performance bond ≤ 10 % of the contract amount (T25). */
export function contractProblems(v: Variables, awardFen: number | null): { problems: ErrorDetail[]; amountFen: number | null; bondFen: number } {
  const problems: ErrorDetail[] = [];
  const amountFen = fenOf(v, 'contractAmountFen', 'contractAmountYuan');
  const bond = fenOf(v, 'performanceBondFen', 'performanceBondYuan');
  const bondFen = bond ?? 0;
  if (amountFen === null) problems.push({ path: 'contractAmountYuan', reason: '合同金额应为不超过两位小数的金额 (contract amount must be an amount in 元)' });
  else if (amountFen <= 0) problems.push({ path: 'contractAmountYuan', reason: '合同金额应大于零 (contract amount must be positive)' });
  else if (awardFen !== null && amountFen > awardFen) {
    problems.push({ path: 'contractAmountYuan', reason: `合同金额 ${amountFen / 100} 元超过中标金额 ${awardFen / 100} 元，不得对中标结果作实质性变更 (contract amount exceeds the awarded amount; 政府采购法第46条)` });
  }
  if (bond === null && v.performanceBondYuan !== undefined && v.performanceBondYuan !== null && v.performanceBondYuan !== '') {
    problems.push({ path: 'performanceBondYuan', reason: '履约保证金应为不超过两位小数的金额 (performance bond must be an amount in 元)' });
  } else if (amountFen !== null && amountFen > 0 && bondFen * 10 > amountFen) {
    problems.push({ path: 'performanceBondYuan', reason: `履约保证金 ${bondFen / 100} 元超过合同金额的 10%（${amountFen / 1000} 元）(performance bond above 10 % of the contract amount; T25 政府采购法实施条例第48条)` });
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(str(v.signedDate)) || !parseAnchor(str(v.signedDate))) problems.push({ path: 'signedDate', reason: '签订日期应为 YYYY-MM-DD (signed date must be a date)' });
  if (!str(v.contractNumber)) problems.push({ path: 'contractNumber', reason: '合同编号必填 (contract number required)' });
  return { problems, amountFen, bondFen };
}

export function recordContractWorker(deps: WorkerDeps): Worker {
  const calendar = createCalendarService(deps.db, deps.clock);
  return async (job, ctx) => {
    const v = job.variables;
    const award = (v.award && typeof v.award === 'object' ? v.award : {}) as Obj;
    const awardFen = idOf(award.amountFen);
    const { problems, amountFen, bondFen } = contractProblems(v, awardFen);
    if (problems.length) {
      throw new BpmnError('CONTRACT_INVALID', `合同信息有 ${problems.length} 处问题 (the contract is out of bounds): ${problems.map((p) => `${p.path}: ${p.reason}`).join('; ')}`.slice(0, 2000), { contractProblems: problems });
    }
    const signedDate = str(v.signedDate);
    const publish = await calendar.deadline('T21', parseAnchor(signedDate)!);
    const facts: ContractFacts = {
      contractNumber: str(v.contractNumber),
      signedDate,
      amountFen: amountFen!,
      bondFen,
      paymentTerms: str(v.paymentTerms),
      performancePeriod: str(v.performancePeriod),
      acceptanceRequirements: str(v.acceptanceRequirements),
      supplierName: str(award.supplierName),
      creditCode: str(award.creditCode) || null,
    };
    const contract = {
      contractNumber: facts.contractNumber,
      signedDate,
      amountFen: facts.amountFen,
      contractAmountFen: facts.amountFen,
      performanceBondFen: bondFen,
      bidId: idOf(award.bidId),
      supplierName: facts.supplierName,
      creditCode: facts.creditCode,
      paymentTerms: facts.paymentTerms,
      performancePeriod: facts.performancePeriod,
      acceptanceRequirements: facts.acceptanceRequirements,
    };
    await deps.db.withTransaction((tx) => updateProject(deps.db.sequelize, job.instanceId, { contract, status: 'contracting' }, deps.clock.now(), tx));
    ctx.log('contract recorded', { instanceId: job.instanceId, amountFen: facts.amountFen });
    return {
      contract,
      contractProblems: [],
      contractPublishDeadlineAt: publish.dueAt,
      contractPublishDeadline: publish,
      contractPublishDeadlineBasis: `合同签订之日起 2 个工作日内公告：${basisOf(publish)}`,
      contractData: contractData(v, facts),
      // Dated the day the contract is registered (never before the signing); the model may put the publication
      // form's publishedDate over it when it files the notice (context put(contractNoticeData, "noticeDate", …)).
      contractNoticeData: contractNoticeData(v, facts, businessDate(deps.clock.now()) < signedDate ? signedDate : businessDate(deps.clock.now())),
    };
  };
}

// ── record-acceptance ───────────────────────────────────────────────────────────────────────────────────────────
export function recordAcceptanceWorker(deps: WorkerDeps): Worker {
  return async (job) => {
    const v = job.variables;
    const contract = (v.contract && typeof v.contract === 'object' ? v.contract : {}) as Obj;
    const data = acceptanceReportData(v, contract, deps.clock.now());
    const acceptance = {
      acceptanceDate: data.acceptanceDate,
      overall: data.overall,
      results: (data.results as Obj[]).length,
      failed: (data.results as Obj[]).filter((r) => r.passed !== true).length,
    };
    await deps.db.withTransaction((tx) => updateProject(deps.db.sequelize, job.instanceId, { acceptance, status: 'accepting' }, deps.clock.now(), tx));
    return { acceptance, acceptanceReportData: data };
  };
}

// ── archive-project ─────────────────────────────────────────────────────────────────────────────────────────────
export const RETENTION_YEARS = 15;

/** The canonical JSON of a value (sorted keys), the input of the manifest's digest. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value as Obj).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Obj)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** A Shanghai date plus whole years (29 February → 28 February in a common year). */
export function addYears(date: string, years: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const year = y + years;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const day = m === 2 && d === 29 && !leap ? 28 : d;
  return `${String(year).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export function archiveProjectWorker(deps: WorkerDeps): Worker {
  const documents = createDocumentService({ db: deps.db, clock: deps.clock });
  const limits = createCalendarService(deps.db, deps.clock).limits;
  return async (job: Job, ctx) => {
    const sequelize = deps.db.sequelize;
    const existing = await projectRowOf(sequelize, job.instanceId);
    if (existing?.archive && existing.archive.jobKey === job.key) {
      const { jobKey: _k, ...archive } = existing.archive;
      return { archive };
    }
    const now = deps.clock.now();
    const today = businessDate(now);
    let basis = '政府采购法第42条';
    try {
      basis = `T31 ${limits.rule('T31', today).rule.basis}`;
    } catch {
      /* the rule text is documentation; the period is the law's 15 years */
    }
    const docs = await documents.listDocuments({ instanceId: job.instanceId, limit: 1000, offset: 0 });
    const entries: Obj[] = [];
    for (const d of docs.sort((a, b) => a.id - b.id)) {
      for (const ver of (await documents.listVersions(d.id)).sort((a, b) => a.version - b.version)) {
        entries.push({ documentId: d.id, templateId: d.templateId, title: d.title, version: ver.version, sha256: ver.sha256, createdAt: ver.createdAt });
      }
    }
    const manifest = {
      instanceId: job.instanceId,
      projectNumber: str(job.variables.projectNumber) || null,
      archivedAt: now.toISOString(),
      retentionUntil: addYears(today, RETENTION_YEARS),
      retentionBasis: `采购文件自采购结束之日起至少保存 ${RETENTION_YEARS} 年（${basis}）`,
      documents: entries,
    };
    const manifestSha256 = crypto.createHash('sha256').update(canonical(manifest), 'utf8').digest('hex');
    const archive = { ...manifest, manifestSha256 };
    await deps.db.withTransaction((tx) =>
      updateProject(sequelize, job.instanceId, { archive: { ...archive, jobKey: job.key }, retention_until: manifest.retentionUntil, status: 'archived' }, now, tx),
    );
    ctx.log('project archived', { instanceId: job.instanceId, documents: entries.length, manifestSha256 });
    return { archive };
  };
}

export const PROCUREMENT_WORKERS: WorkerTable = {
  'check-application': { create: checkApplicationWorker, options: { retries: 3 } },
  'record-award': { create: recordAwardWorker, options: { retries: 3 } },
  'record-contract': { create: recordContractWorker, options: { retries: 3 } },
  'record-acceptance': { create: recordAcceptanceWorker, options: { retries: 3 } },
  'archive-project': { create: archiveProjectWorker, options: { retries: 3 } },
};
