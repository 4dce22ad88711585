/**
 * Uppercase Chinese amounts (大写金额) against a hand-checked table. Rules: 中国人民银行《支付结算办法》附件
 * 《正确填写票据和结算凭证的基本规定》— 到元为止写"整"，有角分不写"整"；中间的零写"零"、连续的零只写一个；
 * 万位/元位为零而千位/角位不为零时可写可不写"零"（本系统：整数部分写，元与角之间不写）；角位为零而分位不为零时
 * "元"后必须写"零"；十位的"壹"不省略。The entries marked (official) are the examples printed in those rules.
 */
import { expect } from 'chai';
import { toFen, uppercaseAmount } from '../../server/documents/money.ts';

// [amount in 元 as written on paper, expected uppercase]
const TABLE: Array<[string, string]> = [
  ['0.00', '零元整'],
  ['0.01', '壹分'],
  ['0.05', '伍分'],
  ['0.10', '壹角'],
  ['0.50', '伍角'],
  ['0.55', '伍角伍分'],
  ['1.00', '壹元整'],
  ['1.01', '壹元零壹分'],
  ['1.10', '壹元壹角'],
  ['1.11', '壹元壹角壹分'],
  ['10.00', '壹拾元整'],
  ['10.05', '壹拾元零伍分'],
  ['10.50', '壹拾元伍角'],
  ['11.00', '壹拾壹元整'],
  ['20.00', '贰拾元整'],
  ['100.00', '壹佰元整'],
  ['101.00', '壹佰零壹元整'],
  ['110.00', '壹佰壹拾元整'],
  ['325.04', '叁佰贰拾伍元零肆分'], // (official)
  ['1,000.00', '壹仟元整'],
  ['1,001.00', '壹仟零壹元整'],
  ['1,010.00', '壹仟零壹拾元整'],
  ['1,100.00', '壹仟壹佰元整'],
  ['1,680.32', '壹仟陆佰捌拾元叁角贰分'], // (official, the form without 零)
  ['10,000.00', '壹万元整'],
  ['10,001.00', '壹万零壹元整'],
  ['10,100.00', '壹万零壹佰元整'],
  ['16,409.02', '壹万陆仟肆佰零玖元零贰分'], // (official)
  ['60,000.06', '陆万元零陆分'],
  ['100,000.50', '壹拾万元伍角'],
  ['107,000.53', '壹拾万零柒仟元伍角叁分'], // (official, the second form)
  ['123,400.00', '壹拾贰万叁仟肆佰元整'],
  ['500,020.00', '伍拾万零贰拾元整'],
  ['1,000,000.00', '壹佰万元整'],
  ['1,000,001.00', '壹佰万零壹元整'],
  ['1,010,000.00', '壹佰零壹万元整'],
  ['1,234,567.89', '壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分'],
  ['2,500,000.00', '贰佰伍拾万元整'],
  ['3,526,800.00', '叁佰伍拾贰万陆仟捌佰元整'],
  ['10,000,000.00', '壹仟万元整'],
  ['10,000,010.00', '壹仟万零壹拾元整'],
  ['20,000,500.00', '贰仟万零伍佰元整'],
  ['100,000,000.00', '壹亿元整'],
  ['100,000,001.00', '壹亿零壹元整'],
  ['100,010,000.00', '壹亿零壹万元整'],
  ['110,000,000.00', '壹亿壹仟万元整'],
  ['123,456,789.12', '壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖元壹角贰分'],
  ['200,000,000.10', '贰亿元壹角'],
  ['999,999,999.99', '玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分'],
  ['1,000,000,000.00', '壹拾亿元整'],
];

/** "1,234.56" → 123456n, by string surgery (no floats). */
function fenOf(yuan: string): bigint {
  const [int, frac] = yuan.replace(/,/g, '').split('.');
  return BigInt(int) * 100n + BigInt(frac);
}

describe('uppercaseAmount (大写金额)', function () {
  it(`has at least 40 hand-checked rows`, function () {
    expect(TABLE.length).to.be.at.least(40);
  });

  for (const [yuan, expected] of TABLE) {
    it(`${yuan} 元 → ${expected}`, function () {
      expect(uppercaseAmount(fenOf(yuan))).to.equal(expected);
    });
  }

  it('accepts integer fen as number, bigint or digit string alike', function () {
    expect(uppercaseAmount(12340000)).to.equal('壹拾贰万叁仟肆佰元整');
    expect(uppercaseAmount(12340000n)).to.equal('壹拾贰万叁仟肆佰元整');
    expect(uppercaseAmount('12340000')).to.equal('壹拾贰万叁仟肆佰元整');
  });

  it('never writes 整 after 分 and never leaves two 零 in a row', function () {
    for (const [yuan] of TABLE.filter(([y]) => y !== '0.00')) {
      const out = uppercaseAmount(fenOf(yuan));
      expect(out, yuan).not.to.match(/分整|零零|零元(?!整)|零[万亿元]/);
    }
  });

  it('refuses floats, negative amounts and garbage instead of guessing', function () {
    expect(() => uppercaseAmount(12.5)).to.throw(RangeError);
    expect(() => uppercaseAmount(-1)).to.throw(RangeError);
    expect(() => uppercaseAmount('12.50')).to.throw(RangeError);
    expect(() => toFen(Number.MAX_SAFE_INTEGER + 2)).to.throw(RangeError);
  });
});
