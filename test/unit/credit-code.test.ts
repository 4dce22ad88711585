/** GB 32100 unified social credit codes and GB 11643 ID numbers: each rule named when it fails; property checks. */
import { expect } from 'chai';
import fc from 'fast-check';
import { CREDIT_CODE_CHARSET, creditCodeCheckChar, creditCodeProblem, idNumberProblem, normaliseCreditCode } from '../../server/registry/credit-code.ts';
import { categoryPath, categoryProblem } from '../../server/registry/goods/categories.ts';

describe('unified social credit code (GB 32100-2015)', () => {
  it('accepts published codes of real organisations', () => {
    for (const code of ['91350100M000100Y43', '91440300708461136T', '91110000710925462X']) expect(creditCodeProblem(code), code).to.equal(null);
  });

  it('names the rule that fails: length, charset, region, check character', () => {
    expect(creditCodeProblem('91350100M000100Y4')?.rule).to.equal('length');
    expect(creditCodeProblem('91350100M000100Y4')?.reason).to.contain('18 位');
    const withI = creditCodeProblem('91350100M0001I0Y43');
    expect(withI?.rule).to.equal('charset');
    expect(withI?.reason).to.contain('第 14 位「I」');
    expect(creditCodeProblem('913501A0M000100Y43')?.rule).to.equal('region');
    const wrong = creditCodeProblem('91350100M000100Y44');
    expect(wrong?.rule).to.equal('checkDigit');
    expect(wrong?.reason).to.contain('应为「3」');
  });

  it('maps a sum that is a multiple of 31 to check character 0', () => {
    // 17 zeros: Σ = 0 → 31 − 0 = 31 → 0.
    expect(creditCodeCheckChar('00000000000000000')).to.equal('0');
    expect(creditCodeProblem('000000000000000000')).to.equal(null);
  });

  it('normalises case and spaces before checking', () => {
    expect(normaliseCreditCode(' 91350100m000100y43 ')).to.equal('91350100M000100Y43');
  });

  it('property: a computed check character is valid, and any single-character change is caught', () => {
    const ch = fc.constantFrom(...CREDIT_CODE_CHARSET.split(''));
    const digit = fc.constantFrom(...'0123456789'.split(''));
    const body = fc.tuple(fc.array(ch, { minLength: 2, maxLength: 2 }), fc.array(digit, { minLength: 6, maxLength: 6 }), fc.array(ch, { minLength: 9, maxLength: 9 }));
    fc.assert(
      fc.property(body, fc.nat(16), ch, ([a, b, c], pos, replacement) => {
        const first17 = [...a, ...b, ...c].join('');
        const code = first17 + creditCodeCheckChar(first17);
        expect(creditCodeProblem(code)).to.equal(null);
        if (replacement === code[pos] || (pos >= 2 && pos < 8 && !/\d/.test(replacement))) return;
        const changed = code.slice(0, pos) + replacement + code.slice(pos + 1);
        expect(creditCodeProblem(changed)?.rule).to.equal('checkDigit');
      }),
      { numRuns: 500 },
    );
  });
});

describe('resident ID number (GB 11643-1999)', () => {
  it('checks format, date of birth and check character', () => {
    expect(idNumberProblem('11010519491231002X')).to.equal(null);
    expect(idNumberProblem('11010519491231002')).to.contain('17 位');
    expect(idNumberProblem('11010519490231002X')).to.contain('出生日期');
    expect(idNumberProblem('110105194912310021')).to.contain('校验码');
  });
});

describe('procurement category codes (品目)', () => {
  it('knows the hierarchy and refuses unknown or malformed codes', () => {
    expect(categoryPath('A02010104').map((c) => c.code)).to.deep.equal(['A', 'A02', 'A0201', 'A020101', 'A02010104']);
    expect(categoryPath('A02010104').at(-1)?.name).to.equal('台式计算机');
    expect(categoryProblem('A02010104')).to.equal(null);
    expect(categoryProblem('A0201010')).to.contain('格式');
    expect(categoryProblem('A02999999')).to.contain('不在');
    expect(categoryProblem('D01')).to.contain('格式');
  });
});
