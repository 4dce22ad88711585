/**
 * Exact money for the price schedule in the browser: unit prices typed in 元 become integer fen, a line total is
 * unit price × quantity in fen (a decimal quantity rounds half up to the fen), the total is the sum — all in BigInt,
 * never floating point. Only for display: the server recomputes and its figures bind.
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

/** unitFen × quantity, rounded half up to a whole fen; null when the quantity is not a plain decimal. */
export function lineTotalFen(unitFen: number | bigint, quantity: number | string): bigint | null {
  const p = decimalParts(quantity);
  if (!p) return null;
  const [scaled, decimals] = p;
  const div = 10n ** BigInt(decimals);
  const product = BigInt(unitFen) * scaled;
  return (product * 2n + div) / (2n * div);
}

export interface ScheduleLine {
  quantity: number | string;
  unitPriceYuan: string;
}

/** Per line: fen or null (not a price yet); total only when every line is a price. */
export function scheduleTotals(lines: ScheduleLine[]): { lines: (bigint | null)[]; totalFen: bigint | null; invalid: number[] } {
  const invalid: number[] = [];
  const out = lines.map((l, i) => {
    if (l.unitPriceYuan.trim() === '') return null;
    const unit = parseYuanToFen(l.unitPriceYuan);
    if (unit === null) {
      invalid.push(i);
      return null;
    }
    return lineTotalFen(unit, l.quantity);
  });
  const totalFen = out.every((x) => x !== null) && out.length > 0 ? out.reduce<bigint>((a, b) => a + (b as bigint), 0n) : null;
  return { lines: out, totalFen, invalid };
}

/** Yuan text typed by the user → a number of yuan for the API (the server converts to fen), or null. */
export function yuanNumber(text: string): number | null {
  const fen = parseYuanToFen(text);
  return fen === null ? null : fen / 100;
}
