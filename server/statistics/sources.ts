/**
 * Where the statistics come from: one source per transaction type. A source lists the deals of a period as plain
 * records; the dashboard groups and sums them (aggregate.ts). Government procurement and works tenders are both the
 * projects table, told apart by `regime` (migration 0018); the other trading services (car auctions, shop leases)
 * add their own source with `registerStatisticsSource` from their component, without touching the queries here.
 */
import { QueryTypes } from 'sequelize';
import type { Database } from '../db.ts';
import { toFen, type FenInput } from '../documents/money.ts';

/**
 * 'spend': the public body buys (budget − deal = savings, 节约资金).
 * 'income': the public body sells or lets (deal − reserve = premium, 增值/溢价).
 */
export type TransactionKind = 'spend' | 'income';

export interface TransactionRecord {
  /** Id within its type, e.g. the project's instance id. */
  id: string;
  number: string | null;
  name: string | null;
  /** Procurement method, or the auction form (挂网竞价…). */
  method: string | null;
  /** Purchaser, or the selling unit. */
  party: string | null;
  /** Budget (spend) or reserve/appraisal (income), integer fen. */
  budgetFen: bigint;
  /** Deal amount (成交金额; for a lease the yearly rent), integer fen. */
  dealFen: bigint;
  /** When the deal was made (award, hammer): decides the period and the month. */
  dealAt: Date;
}

export interface StatisticsSource {
  type: string;
  /** zh-CN name of the transaction type, e.g. 政府采购. */
  label: string;
  kind: TransactionKind;
  /** Deals made in [from, to). */
  list(db: Database, from: Date, to: Date): Promise<TransactionRecord[]>;
}

const sources = new Map<string, StatisticsSource>();

export function registerStatisticsSource(source: StatisticsSource): void {
  sources.set(source.type, source);
}

export function statisticsSources(): StatisticsSource[] {
  return [...sources.values()];
}

/** Integer fen from a column or JSON value (documents/money.ts rules), or null for anything else. */
function fen(v: unknown): bigint | null {
  try {
    return toFen(v as FenInput);
  } catch {
    return null;
  }
}

/** Statuses of a project whose award stands (a cancelled or terminated procurement is no deal). */
const DEALT = ['awarded', 'contracting', 'accepting', 'archived'];

/** Which process a projects row belongs to (migration 0018): 政府采购 or 工程建设项目招标. */
export type ProjectRegime = 'procurement' | 'works';

/**
 * The projects of one regime whose award stands: each counts once, on the day of its award (the 中标/成交
 * announcement), with the award amount as its deal amount (the contract may not exceed it).
 */
async function dealtProjects(db: Database, regime: ProjectRegime, from: Date, to: Date): Promise<TransactionRecord[]> {
  const rows = await db.sequelize.query<{
    instance_id: string; project_number: string | null; name: string | null; method: string | null;
    purchaser_name: string | null; budget_fen: number | string | null; award: string | null;
  }>(
    `SELECT instance_id, project_number, name, method, purchaser_name, budget_fen, award FROM projects
     WHERE regime = ? AND award IS NOT NULL AND status IN (${DEALT.map(() => '?').join(', ')})`,
    { type: QueryTypes.SELECT, replacements: [regime, ...DEALT] },
  );
  const out: TransactionRecord[] = [];
  for (const r of rows) {
    let award: Record<string, unknown>;
    try {
      award = JSON.parse(r.award!) as Record<string, unknown>;
    } catch {
      continue;
    }
    const at = typeof award.awardedAt === 'string' ? new Date(award.awardedAt) : null;
    const deal = fen(award.amountFen);
    const budget = fen(r.budget_fen);
    if (!at || Number.isNaN(at.getTime()) || at < from || at >= to || deal === null || budget === null) continue;
    out.push({ id: r.instance_id, number: r.project_number, name: r.name, method: r.method, party: r.purchaser_name, budgetFen: budget, dealFen: deal, dealAt: at });
  }
  return out;
}

/** Government procurement (procurement.bpmn, 政府采购法): the projects with regime 'procurement'. */
export const governmentProcurement: StatisticsSource = {
  type: 'government_procurement',
  label: '政府采购',
  kind: 'spend',
  list: (db, from, to) => dealtProjects(db, 'procurement', from, to),
};

/**
 * Works tenders (works-tender.bpmn, 招标投标法: 工程建设项目招标): the projects with regime 'works', counted like
 * procurement — budget = the 估算价, deal = the 中标 amount, savings = budget − deal.
 */
export const worksTenders: StatisticsSource = {
  type: 'works_tender',
  label: '工程招标',
  kind: 'spend',
  list: (db, from, to) => dealtProjects(db, 'works', from, to),
};

registerStatisticsSource(governmentProcurement);
registerStatisticsSource(worksTenders);
