/**
 * QA: numbers in exponent notation against the number rules of the procurement forms (decimalDigits, increment).
 * JSON numbers ≥ 1e21 or < 1e-6 print in exponent form; the validator must judge their exact value, and a huge
 * value must be refused with a reason, never crash the request (it was a 500: BigInt(Infinity)).
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { fieldErrors, validateSubmission, type FormComponent } from '../../server/inbox/form-validation.ts';

const form = JSON.parse(fs.readFileSync(path.resolve('forms/procurement-application.form'), 'utf8')) as { components: FormComponent[] };
const budget = form.components.find((c) => c.key === 'budgetYuan')!;
const ctx = { variables: {}, today: '2026-03-02' };

describe('QA inbox: numbers in exponent notation', () => {
  it('a budget of 1e308 is refused as too large (422 reasons), not thrown as an internal error', () => {
    let reasons: string[] = [];
    expect(() => (reasons = fieldErrors(budget, 1e308, {}, ctx))).to.not.throw();
    expect(reasons.join('；')).to.contain('不能大于');
    const res = validateSubmission(form, { budgetYuan: 1e308 }, ctx);
    expect(res.errors.find((e) => e.path === 'variables.budgetYuan')!.reason).to.contain('不能大于');
  });

  it('1e-7 has seven decimal digits: not an integer, not within two decimals, not a multiple of 0.01', () => {
    expect(fieldErrors({ type: 'number', key: 'n', decimalDigits: 0 }, 1e-7, {}, ctx)).to.deep.equal(['必须是整数 (must be an integer)']);
    expect(fieldErrors({ type: 'number', key: 'n', decimalDigits: 2 }, 1.5e-7, {}, ctx)).to.deep.equal(['最多 2 位小数 (at most 2 decimal digits)']);
    expect(fieldErrors({ type: 'number', key: 'n', increment: '0.01' }, 1e-7, {}, ctx)).to.deep.equal(['必须是 0.01 的整数倍 (must be a multiple of 0.01)']);
  });

  it('1.5e21 is a whole number: accepted on an integer field and as a multiple of 0.01', () => {
    expect(fieldErrors({ type: 'number', key: 'n', decimalDigits: 0 }, 1.5e21, {}, ctx)).to.deep.equal([]);
    expect(fieldErrors({ type: 'number', key: 'n', decimalDigits: 2, increment: '0.01' }, 1.5e21, {}, ctx)).to.deep.equal([]);
  });

  it('ordinary amounts keep their verdicts (0.3 is a multiple of 0.1; 12.345 has three decimals)', () => {
    expect(fieldErrors({ type: 'number', key: 'n', increment: '0.1' }, 0.3, {}, ctx)).to.deep.equal([]);
    expect(fieldErrors(budget, 850000.5, {}, ctx)).to.deep.equal([]);
    expect(fieldErrors(budget, 12.345, {}, ctx)).to.deep.equal(['最多 2 位小数 (at most 2 decimal digits)', '必须是 0.01 的整数倍 (must be a multiple of 0.01)']);
  });
});
