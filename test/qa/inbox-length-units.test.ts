/**
 * QA: the server counts text length as form-js does (UTF-16 units of the trimmed text). Counting code points let
 * an API client submit up to twice as many characters outside the BMP (rare CJK, emoji) as the browser form allows.
 */
import { expect } from 'chai';
import { validateSubmission } from '../../server/inbox/form-validation.ts';

describe('QA inbox: text length counted like form-js', () => {
  const f = { components: [{ key: 'name', label: '名称', type: 'textfield', validate: { maxLength: 3, minLength: 2 } }] };
  const check = (v: string) => validateSubmission(f, { name: v }, { variables: {}, today: '2026-03-02' }).errors.map((e) => e.reason);

  it('refuses two characters outside the BMP (4 UTF-16 units) under maxLength 3, as form-js does', () => {
    expect('𠀀𠀀'.length).to.equal(4);
    expect(check('𠀀𠀀').join()).to.contain('最多 3');
  });

  it('counts BMP Chinese one each, and trims before counting', () => {
    expect(check('采购')).to.deep.equal([]);
    expect(check('  采购单  ')).to.deep.equal([]);
    expect(check('采购单位').join()).to.contain('最多 3');
    expect(check(' 采 ').join()).to.contain('至少 2');
  });
});
