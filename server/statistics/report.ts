/**
 * The dashboard's figures for a period: per transaction type, and for the buying side (政府采购, 工程招标) and the
 * selling side (拍卖, 租赁) separately — their differences mean opposite things (savings vs premium), so they are
 * never added together.
 */
import type { Database } from '../db.ts';
import { groupBy, monthsBetween, present, shanghaiDayStart, shanghaiMonth, total, type Group } from './aggregate.ts';
import { statisticsSources, type TransactionKind, type TransactionRecord } from './sources.ts';

export interface Section {
  kind: TransactionKind;
  total: Group;
  byMethod: Group[];
  byParty: Group[];
  byMonth: Group[];
}

export interface StatisticsReport {
  period: { from: string; to: string };
  types: { type: string; label: string; kind: TransactionKind }[];
  /** Every type the dashboard knows (what a filter may choose), whatever was selected. */
  available: { type: string; label: string; kind: TransactionKind }[];
  byType: (Group & { kind: TransactionKind })[];
  spend: Section | null;
  income: Section | null;
}

export interface ReportQuery {
  /** Shanghai calendar days, inclusive. */
  from: string;
  to: string;
  /** Only these transaction types (default: all). */
  types?: string[];
}

const NONE = '（未填）';

function section(kind: TransactionKind, records: TransactionRecord[], q: ReportQuery): Section {
  const byMonth = groupBy(records, kind, (r) => shanghaiMonth(r.dealAt));
  const months = new Map(byMonth.map((g) => [g.key, g]));
  return {
    kind,
    total: total(records, kind, kind === 'spend' ? '采购类合计' : '出让类合计'),
    byMethod: groupBy(records, kind, (r) => r.method ?? NONE),
    byParty: groupBy(records, kind, (r) => r.party ?? NONE),
    // Every month of the period, in calendar order, zero rows included: a chart with gaps misleads.
    byMonth: monthsBetween(q.from, q.to).map((m) => months.get(m) ?? present({ key: m, label: m, count: 0, budget: 0n, deal: 0n }, kind)),
  };
}

export async function buildReport(db: Database, q: ReportQuery): Promise<StatisticsReport> {
  const from = shanghaiDayStart(q.from);
  const to = new Date(shanghaiDayStart(q.to).getTime() + 86_400_000);
  const selected = statisticsSources().filter((s) => !q.types || q.types.includes(s.type));
  const byKind: Record<TransactionKind, TransactionRecord[]> = { spend: [], income: [] };
  const byType: (Group & { kind: TransactionKind })[] = [];
  for (const source of selected) {
    const records = await source.list(db, from, to);
    byKind[source.kind].push(...records);
    byType.push({ ...total(records, source.kind, source.label), key: source.type, kind: source.kind });
  }
  const kinds = new Set(selected.map((s) => s.kind));
  return {
    period: { from: q.from, to: q.to },
    types: selected.map((s) => ({ type: s.type, label: s.label, kind: s.kind })),
    available: statisticsSources().map((s) => ({ type: s.type, label: s.label, kind: s.kind })),
    byType,
    spend: kinds.has('spend') ? section('spend', byKind.spend, q) : null,
    income: kinds.has('income') ? section('income', byKind.income, q) : null,
  };
}
