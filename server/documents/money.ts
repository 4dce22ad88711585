/**
 * Money on documents, from integer fen and with integer arithmetic only (BigInt), so 0.1 + 0.2 never shows up on a
 * contract: 元 with thousands separators, 万元, and the uppercase Chinese amount used on contracts, bids and
 * cheques, following 中国人民银行《支付结算办法》附件《正确填写票据和结算凭证的基本规定》:
 * - 到"元"为止的写"整"; 到"角"为止的可不写"整"(we do not); 有"分"的不写"整".
 * - 数字中间有"0"写"零"; 连续几个"0"只写一个"零"; 万位/元位是"0"而千位/角位不是"0"时可写可不写"零" —
 *   we write it inside the integer part (壹拾万零柒仟元) and not between 元 and 角 (壹拾万元伍角), one of the two
 *   forms the rules allow for each case.
 * - 角位是"0"而分位不是"0"时，"元"后面必须写"零" (壹拾元零伍分).
 * - 十位的"壹"不省略 (壹拾元整).
 */
const DIGITS = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'] as const;
const IN_GROUP = ['仟', '佰', '拾', ''] as const;
const GROUPS = ['', '万', '亿', '万亿'] as const;

export type FenInput = bigint | number | string;

/** Integer fen as BigInt; refuses fractions, floats, negative values and garbage. */
export function toFen(value: FenInput, what = 'amount'): bigint {
  if (typeof value === 'bigint') {
    if (value < 0n) throw new RangeError(`${what} must not be negative`);
    return value;
  }
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${what} must be a non-negative integer of fen, got ${value}`);
    return BigInt(value);
  }
  if (typeof value === 'string' && /^\d{1,20}$/.test(value)) return BigInt(value);
  throw new RangeError(`${what} must be a non-negative integer of fen, got ${JSON.stringify(value)}`);
}

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** 1234567 fen → "12,345.67" (元). */
export function formatYuan(fen: FenInput): string {
  const f = toFen(fen);
  const yuan = f / 100n;
  const cents = (f % 100n).toString().padStart(2, '0');
  return `${groupThousands(yuan.toString())}.${cents}`;
}

/** 250000000 fen → "250.00" (万元); exact: up to six decimals, trailing zeros trimmed to at least two. */
export function formatWan(fen: FenInput): string {
  const f = toFen(fen);
  const whole = f / 1_000_000n;
  let frac = (f % 1_000_000n).toString().padStart(6, '0').replace(/0+$/, '');
  if (frac.length < 2) frac = frac.padEnd(2, '0');
  return `${groupThousands(whole.toString())}.${frac}`;
}

/** The integer part in uppercase, e.g. 1000001 → 壹佰万零壹 ("" for 0). */
function integerUppercase(n: bigint): string {
  const digits = n.toString();
  if (n === 0n) return '';
  const groupCount = Math.ceil(digits.length / 4);
  if (groupCount > GROUPS.length) throw new RangeError('amount too large for an uppercase amount');
  const padded = digits.padStart(groupCount * 4, '0');
  let out = '';
  let zeroPending = false;
  for (let g = 0; g < groupCount; g++) {
    const group = padded.slice(g * 4, g * 4 + 4);
    const groupUnit = GROUPS[groupCount - 1 - g];
    if (group === '0000') {
      if (out) zeroPending = true;
      continue;
    }
    for (let i = 0; i < 4; i++) {
      const d = Number(group[i]);
      if (d === 0) {
        if (out) zeroPending = true;
        continue;
      }
      if (zeroPending) out += '零';
      zeroPending = false;
      out += DIGITS[d] + IN_GROUP[i];
    }
    out += groupUnit;
  }
  return out;
}

/** 12340000 fen → "壹拾贰万叁仟肆佰元整"; 1005 → "壹拾元零伍分"; 5 → "伍分"; 0 → "零元整". */
export function uppercaseAmount(fen: FenInput): string {
  const f = toFen(fen);
  const yuan = f / 100n;
  const jiao = Number((f / 10n) % 10n);
  const fenDigit = Number(f % 10n);
  if (f === 0n) return '零元整';
  let out = yuan > 0n ? `${integerUppercase(yuan)}元` : '';
  if (jiao === 0 && fenDigit === 0) return `${out}整`;
  if (jiao > 0) out += `${DIGITS[jiao]}角`;
  else if (yuan > 0n) out += '零';
  if (fenDigit > 0) out += `${DIGITS[fenDigit]}分`;
  return out;
}

/** "12,345.67" / "12345.67" / "12345" (元, as typed by people) → integer fen; null when not a valid amount. */
export function parseYuanToFen(text: string): bigint | null {
  const m = /^(\d{1,15})(?:\.(\d{1,2}))?$/.exec(text.replace(/,/g, '').trim());
  if (!m) return null;
  return BigInt(m[1]) * 100n + BigInt((m[2] ?? '').padEnd(2, '0'));
}
