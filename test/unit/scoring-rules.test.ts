/** Evaluation rules as data (server/evaluation/rules.json): bounds change with the effective date. */
import { expect } from 'chai';
import { evaluationSettingsProblems, loadEvaluationRules, panelRule, priceWeightRule, smeBand, type EvaluationSettingsInput } from '../../server/evaluation/rules.ts';

const base: EvaluationSettingsInput = {
  method: '公开招标', procurementType: 'goods', smeReserved: false, evaluationMethod: 'comprehensive',
  priceWeightPercent: 30, technicalWeightPercent: 50, businessWeightPercent: 20, smeDeductionPercent: 10,
};
const paths = (s: Partial<EvaluationSettingsInput>, date: string) => evaluationSettingsProblems({ ...base, ...s }, date).map((p) => p.path);

describe('unit: evaluation rules by effective date', () => {
  it('the rules file parses and every entry has its basis', () => {
    const rules = loadEvaluationRules();
    for (const list of [rules.panel, rules.priceWeight, rules.smeDeduction]) for (const e of list) expect(e.basis).to.match(/[号条]/);
  });

  it('price weight: 令18 30–60 / 10–30 until 2017-09-30, 令87 ≥30 / ≥10 from 2017-10-01, 磋商 30–60 / 10–30', () => {
    expect(priceWeightRule('公开招标', 'goods', '2017-09-30')).to.include({ regime: '令18', min: 30, max: 60 });
    expect(priceWeightRule('公开招标', 'goods', '2017-10-01')).to.include({ regime: '令87', min: 30, max: 100 });
    expect(paths({ priceWeightPercent: 65, technicalWeightPercent: 25, businessWeightPercent: 10 }, '2017-09-30')).to.deep.equal(['priceWeightPercent']);
    expect(paths({ priceWeightPercent: 65, technicalWeightPercent: 25, businessWeightPercent: 10 }, '2017-10-01')).to.deep.equal([]);
    expect(paths({ priceWeightPercent: 25, technicalWeightPercent: 55, businessWeightPercent: 20 }, '2017-10-01')).to.deep.equal(['priceWeightPercent']);
    expect(paths({ procurementType: 'services', priceWeightPercent: 35, technicalWeightPercent: 45, businessWeightPercent: 20 }, '2017-09-30')).to.deep.equal(['priceWeightPercent']);
    expect(paths({ procurementType: 'services', priceWeightPercent: 35, technicalWeightPercent: 45, businessWeightPercent: 20 }, '2017-10-01')).to.deep.equal([]);
    expect(paths({ procurementType: 'services', priceWeightPercent: 9.99, technicalWeightPercent: 70.01, businessWeightPercent: 20 }, '2020-01-01')).to.deep.equal(['priceWeightPercent']);
    expect(paths({ method: '竞争性磋商', priceWeightPercent: 65, technicalWeightPercent: 25, businessWeightPercent: 10 }, '2020-01-01')).to.deep.equal(['priceWeightPercent']);
    expect(paths({ method: '竞争性磋商', priceWeightPercent: 60, technicalWeightPercent: 30, businessWeightPercent: 10 }, '2020-01-01')).to.deep.equal([]);
    const reason = evaluationSettingsProblems({ ...base, priceWeightPercent: 65, technicalWeightPercent: 25, businessWeightPercent: 10 }, '2017-09-30')[0].reason;
    expect(reason).to.contain('令18').and.contain('第18号');
  });

  it('weights must sum to 100 exactly; 谈判/询价 cannot use comprehensive scoring; lowest price ignores weights', () => {
    expect(paths({ technicalWeightPercent: 50.01 }, '2020-01-01')).to.deep.equal(['technicalWeightPercent']);
    expect(paths({ priceWeightPercent: 30.5, technicalWeightPercent: 49.25, businessWeightPercent: 20.25 }, '2020-01-01')).to.deep.equal([]);
    expect(paths({ method: '竞争性谈判' }, '2020-01-01')).to.deep.equal(['evaluationMethod']);
    expect(paths({ method: '询价', evaluationMethod: 'lowest_price', priceWeightPercent: null, technicalWeightPercent: null, businessWeightPercent: null }, '2020-01-01')).to.deep.equal([]);
    expect(paths({ evaluationMethod: 'best_value' }, '2020-01-01')).to.deep.equal(['evaluationMethod']);
    expect(paths({ priceWeightPercent: '30abc' }, '2020-01-01')).to.include('priceWeightPercent');
  });

  it('SME deduction band by date: 6–10 % to 2022-06-30, 10–20 % from 2022-07-01; 0 when reserved', () => {
    expect(smeBand('2017-06-01')).to.include({ min: 6, max: 10 });
    expect(smeBand('2021-03-01')).to.include({ min: 6, max: 10 });
    expect(smeBand('2022-07-01')).to.include({ min: 10, max: 20 });
    expect(paths({ smeDeductionPercent: 8 }, '2017-06-01')).to.deep.equal([]);
    expect(paths({ smeDeductionPercent: 12 }, '2017-06-01')).to.deep.equal(['smeDeductionPercent']);
    expect(paths({ smeDeductionPercent: 12 }, '2022-06-30')).to.deep.equal(['smeDeductionPercent']);
    expect(paths({ smeDeductionPercent: 12 }, '2022-07-01')).to.deep.equal([]);
    expect(paths({ smeDeductionPercent: 8 }, '2022-07-01')).to.deep.equal(['smeDeductionPercent']);
    expect(paths({ smeDeductionPercent: null }, '2022-07-01')).to.deep.equal(['smeDeductionPercent']);
    expect(paths({ smeReserved: true, smeDeductionPercent: 10 }, '2022-07-01')).to.deep.equal(['smeDeductionPercent']);
    expect(paths({ smeReserved: true, smeDeductionPercent: 0 }, '2022-07-01')).to.deep.equal([]);
    expect(paths({ method: '单一来源', evaluationMethod: 'lowest_price', smeDeductionPercent: null }, '2022-07-01')).to.deep.equal([]);
  });

  it('panel size: tenders ≥5 odd, ≥7 from 1000万元 (inclusive); other methods ≥3, ≥5 from the open-tender threshold', () => {
    const at = new Date('2026-03-02T01:00:00Z');
    expect(panelRule('公开招标', 999_999_999, at)).to.include({ minSize: 5, large: false });
    expect(panelRule('公开招标', 1_000_000_000, at)).to.include({ minSize: 7, large: true });
    expect(panelRule('邀请招标', 50_000_000, at).minSize).to.equal(5);
    expect(panelRule('竞争性谈判', 199_999_999, at)).to.include({ minSize: 3, large: false });
    expect(panelRule('竞争性磋商', 200_000_000, at)).to.include({ minSize: 5, large: true });
    expect(panelRule('询价', 200_000_000, at).basis).to.contain('第74号');
    expect(() => panelRule('框架协议采购', 1, at)).to.throw(/no panel-size rule/);
  });

  it('works tenders (招标投标法): ≥5 odd whatever the estimate, no 7-for-1000万 rule; no GP price band or SME band', () => {
    const at = new Date('2026-03-02T01:00:00Z');
    expect(panelRule('公开招标', 2_000_000_000, at, { regime: 'works' })).to.include({ minSize: 5 });
    expect(panelRule('公开招标', 2_000_000_000, at, { regime: 'works' }).basis).to.contain('招标投标法第三十七条');
    expect(() => panelRule('竞争性磋商', 1, at, { regime: 'works' })).to.throw(/no panel-size rule/);
    const works = (over: Partial<EvaluationSettingsInput>) =>
      evaluationSettingsProblems({ method: '公开招标', procurementType: 'works', smeReserved: false, evaluationMethod: 'comprehensive', priceWeightPercent: 20, technicalWeightPercent: 65, businessWeightPercent: 15, smeDeductionPercent: null, ...over }, '2026-03-02', undefined, 'works').map((p) => p.path);
    // 20 % price would be refused for GP goods (≥ 30 %) but is lawful for works; no SME deduction asked for.
    expect(works({})).to.deep.equal([]);
    expect(works({ technicalWeightPercent: 60 })).to.deep.equal(['technicalWeightPercent']);
    expect(works({ procurementType: 'goods' })).to.deep.equal(['procurementType']);
    expect(works({ evaluationMethod: 'lowest_price', priceWeightPercent: null, technicalWeightPercent: null, businessWeightPercent: null })).to.deep.equal([]);
    expect(works({ priceWeightPercent: 101 })).to.include('priceWeightPercent');
    expect(paths({ procurementType: 'goods', priceWeightPercent: 20, technicalWeightPercent: 65 }, '2026-03-02')).to.include('priceWeightPercent');
  });
});
