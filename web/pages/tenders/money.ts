/**
 * Exact money for the price schedule in the browser: unit prices typed in 元 become integer fen, a line total is
 * unit price × quantity in fen, the total the sum — all in BigInt, never floating point. The server checks the
 * same arithmetic exactly (a line total must be a whole number of fen: with a decimal quantity not every unit
 * price gives one) and recomputes.
 */
import { parseYuanToFen } from '../../ui/format.ts';

/** "2.5" / 2.5 / 3 → [scaled integer, decimals] or null. */
function decimalParts(q: number | string): [bigint, number] | null {
  const s = typeof q === 'number' ? (Number.isFinite(q) ? String(q) : '') : q.trim();
  const m = /^(\d{1,12})(?:\.(\d{1,6}))?$/.exec(s);
  if (!m) return null;
  const frac = m[2] ?? '';
  return [BigInt(m[1] + frac), frac.length];
}

/** unitFen × quantity rounded half up to a whole fen; null when the quantity is not a plain decimal. */
export function lineTotalFen(unitFen: number | bigint, quantity: number | string): bigint | null {
  const p = decimalParts(quantity);
  if (!p) return null;
  const [scaled, decimals] = p;
  const div = 10n ** BigInt(decimals);
  const product = BigInt(unitFen) * scaled;
  return (product * 2n + div) / (2n * div);
}

/** unitFen × quantity when that is a whole number of fen, else null. */
export function exactLineTotalFen(unitFen: number | bigint, quantity: number | string): bigint | null {
  const p = decimalParts(quantity);
  if (!p) return null;
  const [scaled, decimals] = p;
  const div = 10n ** BigInt(decimals);
  const product = BigInt(unitFen) * scaled;
  return product % div === 0n ? product / div : null;
}

export interface ScheduleLine {
  quantity: number | string;
  unitPriceYuan: string;
}

export interface ScheduleLineResult {
  unitFen: number | null;
  lineFen: bigint | null;
  /** 'price': not an amount; 'fraction': quantity × price is not a whole fen. */
  problem: 'price' | 'fraction' | null;
}

/** Per line: unit and line in fen (null while empty or wrong); total only when every line is right. */
export function scheduleTotals(lines: ScheduleLine[]): { lines: ScheduleLineResult[]; totalFen: bigint | null } {
  const out = lines.map((l): ScheduleLineResult => {
    if (l.unitPriceYuan.trim() === '') return { unitFen: null, lineFen: null, problem: null };
    const unitFen = parseYuanToFen(l.unitPriceYuan);
    if (unitFen === null) return { unitFen: null, lineFen: null, problem: 'price' };
    const lineFen = exactLineTotalFen(unitFen, l.quantity);
    return { unitFen, lineFen, problem: lineFen === null ? 'fraction' : null };
  });
  const totalFen = out.length > 0 && out.every((x) => x.lineFen !== null) ? out.reduce<bigint>((a, b) => a + (b.lineFen as bigint), 0n) : null;
  return { lines: out, totalFen };
}
