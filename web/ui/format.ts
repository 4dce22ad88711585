/** Display formats: exact money from integer fen (never floats), dates in Asia/Shanghai. */
const TZ = 'Asia/Shanghai';

function toBigInt(fen: number | string | bigint): bigint {
  if (typeof fen === 'bigint') return fen;
  if (typeof fen === 'number') {
    if (!Number.isSafeInteger(fen)) throw new Error(`money must be integer fen: ${fen}`);
    return BigInt(fen);
  }
  if (!/^-?\d+$/.test(fen)) throw new Error(`money must be integer fen: ${fen}`);
  return BigInt(fen);
}

function group(int: string): string {
  return int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** 12345678 fen → "123,456.78" (元). */
export function formatYuan(fen: number | string | bigint): string {
  const v = toBigInt(fen);
  const neg = v < 0n;
  const a = neg ? -v : v;
  const s = `${group((a / 100n).toString())}.${(a % 100n).toString().padStart(2, '0')}`;
  return neg ? `-${s}` : s;
}

/** 12345678 fen → "12.345678" (万元): exact, trailing zeros kept to 2 decimals at least. */
export function formatWan(fen: number | string | bigint): string {
  const v = toBigInt(fen);
  const neg = v < 0n;
  const a = neg ? -v : v;
  const int = a / 1_000_000n;
  let frac = (a % 1_000_000n).toString().padStart(6, '0').replace(/0+$/, '');
  if (frac.length < 2) frac = frac.padEnd(2, '0');
  const s = `${group(int.toString())}.${frac}`;
  return neg ? `-${s}` : s;
}

/** Parses "1,234.5" 元 into integer fen, or null when it is not an amount with at most 2 decimals. */
export function parseYuanToFen(text: string): number | null {
  const t = text.trim().replace(/，/g, ',');
  // Thousands separators only in groups of three: "1,5" or "12，5" is someone's decimal point, not 15 元.
  if (t.includes(',') && !/^\d{1,3}(,\d{3})+(\.\d*)?$/.test(t)) return null;
  const s = t.replace(/[,\s]/g, '');
  const m = /^(\d{1,13})(?:\.(\d{1,2}))?$/.exec(s);
  if (!m) return null;
  return Number(BigInt(m[1]) * 100n + BigInt((m[2] ?? '').padEnd(2, '0')));
}

const dateFmt = new Intl.DateTimeFormat('zh-CN', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' });
const dateTimeFmt = new Intl.DateTimeFormat('zh-CN', {
  timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false,
});

/** ISO instant → "2026-03-02 09:00" in Asia/Shanghai (date only with withTime=false). */
export function formatDateTime(iso: string | null | undefined, withTime = true): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const parts = Object.fromEntries((withTime ? dateTimeFmt : dateFmt).formatToParts(d).map((p) => [p.type, p.value]));
  const date = `${parts.year}-${parts.month}-${parts.day}`;
  return withTime ? `${date} ${parts.hour === '24' ? '00' : parts.hour}:${parts.minute}` : date;
}
