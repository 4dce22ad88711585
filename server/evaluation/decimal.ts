/**
 * Exact arithmetic for scores: rational numbers over BigInt (numerator / positive denominator, always reduced).
 * Means of expert scores and price ratios are kept exact; a value is rounded only when it is shown, with
 * `toFixed(2)`: round half away from zero (四舍五入) on the exact value — 92.345 → "92.35", 1/3 → "0.33".
 */
const gcd = (a: bigint, b: bigint): bigint => {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b) [a, b] = [b, a % b];
  return a;
};

export class Rational {
  readonly num: bigint;
  readonly den: bigint;
  /** Decimal places of the text it was parsed from (0 for computed values). */
  readonly scale: number;

  constructor(num: bigint, den: bigint = 1n, scale = 0) {
    if (den === 0n) throw new RangeError('division by zero');
    if (den < 0n) {
      num = -num;
      den = -den;
    }
    const g = gcd(num, den) || 1n;
    this.num = num / g;
    this.den = den / g;
    this.scale = scale;
  }

  static of(n: number | bigint): Rational {
    if (typeof n === 'number' && !Number.isSafeInteger(n)) throw new RangeError(`not a safe integer: ${n}`);
    return new Rational(BigInt(n));
  }

  add(o: Rational): Rational {
    return new Rational(this.num * o.den + o.num * this.den, this.den * o.den);
  }
  sub(o: Rational): Rational {
    return new Rational(this.num * o.den - o.num * this.den, this.den * o.den);
  }
  mul(o: Rational): Rational {
    return new Rational(this.num * o.num, this.den * o.den);
  }
  div(o: Rational): Rational {
    if (o.num === 0n) throw new RangeError('division by zero');
    return new Rational(this.num * o.den, this.den * o.num);
  }
  compare(o: Rational): -1 | 0 | 1 {
    const l = this.num * o.den;
    const r = o.num * this.den;
    return l < r ? -1 : l > r ? 1 : 0;
  }
  sign(): -1 | 0 | 1 {
    return this.num < 0n ? -1 : this.num > 0n ? 1 : 0;
  }

  /** Rounded to an integer, half away from zero. */
  round(): bigint {
    const neg = this.num < 0n;
    const n = neg ? -this.num : this.num;
    const q = (2n * n + this.den) / (2n * this.den);
    return neg ? -q : q;
  }

  /** Decimal text with `places` decimals, rounded half away from zero on the exact value. */
  toFixed(places: number): string {
    const f = 10n ** BigInt(places);
    const scaled = new Rational(this.num * f, this.den).round();
    const neg = scaled < 0n;
    const s = (neg ? -scaled : scaled).toString().padStart(places + 1, '0');
    const body = places ? `${s.slice(0, s.length - places)}.${s.slice(s.length - places)}` : s;
    return neg ? `-${body}` : body;
  }
}

export type Decimal = Rational;

/** Parses a plain decimal text ("45", "-3.5", "92.35"); null for anything else (exponents, blanks, NaN). */
export function parseDecimal(text: string): Rational | null {
  const m = /^(-)?(\d{1,15})(?:\.(\d{1,12}))?$/.exec(text.trim());
  if (!m) return null;
  const frac = m[3] ?? '';
  const num = BigInt(m[2] + frac) * (m[1] ? -1n : 1n);
  return new Rational(num, 10n ** BigInt(frac.length), frac.length);
}

/** A JS number from a form as an exact decimal (its shortest round-trip text); null when not finite or exponent form. */
export function decimalOfNumber(v: unknown): Rational | null {
  if (typeof v === 'number') return Number.isFinite(v) ? parseDecimal(String(v)) : null;
  if (typeof v === 'string') return parseDecimal(v);
  return null;
}
