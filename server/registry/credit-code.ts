/**
 * 统一社会信用代码 (GB 32100-2015) and 居民身份证号码 (GB 11643-1999) checks. Each failure names the rule that
 * failed, so a clerk can tell a typo in the check character from a code that is the wrong length.
 */

/** The 31 characters of GB 32100 (no I, O, S, V, Z); a character's value is its index. */
export const CREDIT_CODE_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
/** w_i = 3^(i-1) mod 31 for positions 1–17. */
export const CREDIT_CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

export type CreditCodeRule = 'length' | 'charset' | 'region' | 'checkDigit';

export interface CreditCodeProblem {
  rule: CreditCodeRule;
  reason: string;
}

/** The check character for the first 17 characters (which must already be in the charset). */
export function creditCodeCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CREDIT_CODE_CHARSET.indexOf(first17[i]) * CREDIT_CODE_WEIGHTS[i];
  const c = 31 - (sum % 31);
  return CREDIT_CODE_CHARSET[c === 31 ? 0 : c];
}

/** Trimmed and upper-cased: clerks type lower case and stray spaces; the standard has upper case only. */
export function normaliseCreditCode(raw: string): string {
  return raw.trim().toUpperCase();
}

/** null when the (normalised) code is valid, else the first rule it breaks. */
export function creditCodeProblem(code: string): CreditCodeProblem | null {
  if (code.length !== 18) {
    return { rule: 'length', reason: `统一社会信用代码应为 18 位，实际 ${code.length} 位 (must be 18 characters, got ${code.length})` };
  }
  for (let i = 0; i < 18; i++) {
    if (!CREDIT_CODE_CHARSET.includes(code[i])) {
      return {
        rule: 'charset',
        reason: `第 ${i + 1} 位「${code[i]}」不是允许的字符（0-9 及除 I O S V Z 外的大写字母）(character ${i + 1} "${code[i]}" is not in the GB 32100 character set)`,
      };
    }
  }
  if (!/^\d{6}$/.test(code.slice(2, 8))) {
    return { rule: 'region', reason: `第 3–8 位应为 6 位数字的行政区划码，实际「${code.slice(2, 8)}」(positions 3–8 must be the 6-digit region code)` };
  }
  const expected = creditCodeCheckChar(code.slice(0, 17));
  if (code[17] !== expected) {
    return { rule: 'checkDigit', reason: `校验码错误：第 18 位应为「${expected}」，实际「${code[17]}」(check character should be ${expected}, got ${code[17]})` };
  }
  return null;
}

export function isValidCreditCode(code: string): boolean {
  return creditCodeProblem(code) === null;
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** 18-digit resident identity number (GB 11643): date of birth and ISO 7064 MOD 11-2 check character. */
export function idNumberProblem(id: string): string | null {
  if (!/^\d{17}[\dX]$/.test(id)) return '身份证号应为 17 位数字加 1 位数字或 X (must be 17 digits and a digit or X)';
  const birth = id.slice(6, 14);
  const d = new Date(`${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6, 8)}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10).replaceAll('-', '') !== birth) {
    return `第 7–14 位出生日期「${birth}」不是有效日期 (positions 7–14 are not a valid date of birth)`;
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(id[i]) * ID_WEIGHTS[i];
  const expected = ID_CHECK[sum % 11];
  if (id[17] !== expected) return `校验码错误：第 18 位应为「${expected}」(check character should be ${expected})`;
  return null;
}
