/**
 * Sums and groups of deals, exact: integer fen in BigInt, 万元 as exact decimal strings, rates rounded half up on
 * integers. Never a float, so 109 projects add up to the 分 whatever their order.
 */
import { formatWan } from '../documents/money.ts';
import type { TransactionKind, TransactionRecord } from './sources.ts';

export interface Group {
  key: string;
  label: string;
  count: number;
  budgetFen: string;
  dealFen: string;
  /** spend: budget − deal (节约); income: deal − reserve (增值). May be negative. */
  differenceFen: string;
  budgetWan: string;
  dealWan: string;
  differenceWan: string;
  /** difference / budget as a percentage with two decimals, e.g. "0.25%"; null when the budget is 0. */
  rate: string | null;
}

interface Acc {
  key: string;
  label: string;
  count: number;
  budget: bigint;
  deal: bigint;
}

const signedWan = (fen: bigint) => (fen < 0n ? `-${formatWan(-fen)}` : formatWan(fen));

/** part / whole as a percentage with two decimals, rounded half away from zero: 131/52270 → "0.25%". */
export function percent(part: bigint, whole: bigint): string | null {
  if (whole === 0n) return null;
  const neg = part < 0n !== whole < 0n && part !== 0n;
  const p = part < 0n ? -part : part;
  const w = whole < 0n ? -whole : whole;
  const hundredths = (p * 10_000n * 2n + w) / (2n * w); // percent × 100, rounded half up
  const text = `${hundredths / 100n}.${(hundredths % 100n).toString().padStart(2, '0')}%`;
  return neg && hundredths !== 0n ? `-${text}` : text;
}

export function present(acc: Acc, kind: TransactionKind): Group {
  const difference = kind === 'spend' ? acc.budget - acc.deal : acc.deal - acc.budget;
  return {
    key: acc.key,
    label: acc.label,
    count: acc.count,
    budgetFen: acc.budget.toString(),
    dealFen: acc.deal.toString(),
    differenceFen: difference.toString(),
    budgetWan: signedWan(acc.budget),
    dealWan: signedWan(acc.deal),
    differenceWan: signedWan(difference),
    rate: percent(difference, acc.budget),
  };
}

/** Sums the records into groups by `keyOf` (label by `labelOf`), in the order `order` gives. */
export function groupBy(
  records: readonly TransactionRecord[],
  kind: TransactionKind,
  keyOf: (r: TransactionRecord) => string,
  labelOf: (key: string) => string = (k) => k,
  order: (a: Group, b: Group) => number = (a, b) => (BigInt(b.dealFen) > BigInt(a.dealFen) ? 1 : BigInt(b.dealFen) < BigInt(a.dealFen) ? -1 : a.key.localeCompare(b.key)),
): Group[] {
  const groups = new Map<string, Acc>();
  for (const r of records) {
    const key = keyOf(r);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { key, label: labelOf(key), count: 0, budget: 0n, deal: 0n }));
    g.count++;
    g.budget += r.budgetFen;
    g.deal += r.dealFen;
  }
  return [...groups.values()].map((g) => present(g, kind)).sort(order);
}

export function total(records: readonly TransactionRecord[], kind: TransactionKind, label: string): Group {
  return groupBy(records, kind, () => 'total', () => label)[0] ?? present({ key: 'total', label, count: 0, budget: 0n, deal: 0n }, kind);
}

const SHANGHAI_MS = 8 * 3_600_000; // UTC+8 all year (no daylight saving since 1991)

/** "2026-03" of an instant, in Asia/Shanghai. */
export function shanghaiMonth(at: Date): string {
  return new Date(at.getTime() + SHANGHAI_MS).toISOString().slice(0, 7);
}

/** The instant a Shanghai calendar day starts. */
export function shanghaiDayStart(day: string): Date {
  return new Date(`${day}T00:00:00+08:00`);
}

/** The Shanghai calendar day an instant falls on. */
export function shanghaiDay(at: Date): string {
  return new Date(at.getTime() + SHANGHAI_MS).toISOString().slice(0, 10);
}

/** Every month from `from` to `to` (days, inclusive), so months without deals show as zero rows. */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = from.slice(0, 7).split('-').map(Number) as [number, number];
  const end = to.slice(0, 7);
  for (let guard = 0; guard < 1200; guard++) {
    const key = `${y}-${String(m).padStart(2, '0')}`;
    out.push(key);
    if (key >= end) break;
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
  return out;
}
