/**
 * The chain's forms through the server-side validation the inbox and POST /api/projects use
 * (server/inbox/form-validation.ts): what a user may submit at each step, and what is refused with which path.
 */
import { expect } from 'chai';
import { validateSubmission } from '../../server/inbox/form-validation.ts';
import { applicationVariables } from '../helpers/application.ts';
import fs from 'node:fs';
import { formFieldKeys } from '../../server/inbox/form-fields.ts';
import { FORMS_DIR, readForm } from './model-helpers.ts';

type V = Record<string, unknown>;
const TODAY = '2026-03-02';
function check(formId: string, submitted: V, variables: V = {}) {
  return validateSubmission(readForm(formId) as unknown as Record<string, unknown>, submitted, { variables, today: TODAY });
}
const paths = (r: ReturnType<typeof check>) => r.errors.map((e) => e.path);

describe('chain forms under the server-side form validation', function () {
  const agencyOptions = [{ label: '四川某某招标代理有限公司', value: 3 }];

  it('procurement-application: the shared test application passes; agency, items and the new fields are checked', function () {
    expect(check('procurement-application', applicationVariables(3), { agencyOptions }).errors).to.deep.equal([]);
    expect(paths(check('procurement-application', applicationVariables(4), { agencyOptions }))).to.deep.equal(['variables.agencyId']);
    const bad = applicationVariables(3, {
      procurementType: 'works', organisationForm: '其他', deliveryPlace: '',
      items: [{ itemCode: 'X1', itemName: '台式计算机', quantity: 0, unit: '台', unitPriceYuan: 5200.001 }],
    });
    expect(paths(check('procurement-application', bad, { agencyOptions }))).to.have.members([
      'variables.procurementType', 'variables.organisationForm', 'variables.deliveryPlace',
      'variables.items.0.itemCode', 'variables.items.0.quantity', 'variables.items.0.unitPriceYuan',
    ]);
    // A catalogue item number (what the projects page sends) is a valid item code.
    expect(check('procurement-application', applicationVariables(3, { items: [{ itemCode: '17', itemName: '台式计算机', quantity: 1.5, unit: '台', unitPriceYuan: 1 }] }), { agencyOptions }).errors).to.deep.equal([]);
  });

  it('procurement-revise: withdrawing needs only the reason; resubmitting validates the application again', function () {
    const withdraw = check('procurement-revise', { applicantAction: 'withdraw', revisionNote: '项目取消', items: 'junk' }, { agencyOptions });
    expect(withdraw.errors).to.deep.equal([]);
    expect(withdraw.variables).not.to.have.property('items');
    const resubmit = check('procurement-revise', { applicantAction: 'resubmit', revisionNote: '已修改', ...applicationVariables(3, { items: [] }) }, { agencyOptions });
    expect(resubmit.errors).to.deep.equal([]); // an empty list: check-application refuses it (at least one item)
    const wrong = check('procurement-revise', { applicantAction: 'resubmit', revisionNote: '已修改', ...applicationVariables(3, { items: [{ itemCode: 'A02', itemName: '', quantity: 1, unit: '台', unitPriceYuan: 1 }] }) }, { agencyOptions });
    expect(paths(wrong)).to.deep.equal(['variables.items.0.itemName']);
  });

  it('tender-preparation: weights required for comprehensive scoring only; deadline as Shanghai local date-time', function () {
    const base = { evaluationMethod: 'lowest_price', smeDeductionPercent: 10, qualificationRequirements: '符合第二十二条', scoringCriteria: '实质性响应', bidDeadline: '2026-03-24T09:30', openingPlace: '开标室', depositYuan: 0 };
    expect(check('tender-preparation', base).errors).to.deep.equal([]);
    expect(paths(check('tender-preparation', { ...base, evaluationMethod: 'comprehensive' }))).to.have.members(['variables.priceWeightPercent', 'variables.technicalWeightPercent', 'variables.businessWeightPercent']);
    expect(check('tender-preparation', { ...base, evaluationMethod: 'comprehensive', priceWeightPercent: 30, technicalWeightPercent: 50, businessWeightPercent: 20 }).errors).to.deep.equal([]);
    expect(paths(check('tender-preparation', { ...base, bidDeadline: '2026-03-24 09:30' }))).to.deep.equal(['variables.bidDeadline']);
    expect(paths(check('tender-preparation', { ...base, bidDeadline: '2026-03-01T09:30' }))).to.deep.equal(['variables.bidDeadline']);
    expect(paths(check('tender-preparation', { ...base, smeDeductionPercent: 10.5 }))).to.deep.equal(['variables.smeDeductionPercent']);
  });

  it('qualification-review: a decision per bid (qualified true/false, reason)', function () {
    const rows = [{ bidId: 1, supplierName: '甲公司', qualified: true, reason: '' }, { bidId: 2, supplierName: '乙公司', qualified: false, reason: '无有效资质' }];
    expect(check('qualification-review', { qualificationDecisions: rows }).errors).to.deep.equal([]);
    expect(paths(check('qualification-review', { qualificationDecisions: [{ ...rows[0], qualified: 'yes' }] }))).to.deep.equal(['variables.qualificationDecisions.0.qualified']);
  });

  it('expert-evaluation: scores within the weights (comprehensive), compliance only (lowest price), an opinion', function () {
    const vars = { evaluationMethod: 'comprehensive', technicalWeightPercent: 50, businessWeightPercent: 20 };
    const row = { bidId: 1, supplierName: '甲公司', totalPriceFen: 100, technicalScore: 45.5, businessScore: 18, compliant: true };
    expect(check('expert-evaluation', { scores: [row], evaluationOpinion: '符合要求' }, vars).errors).to.deep.equal([]);
    expect(paths(check('expert-evaluation', { scores: [{ ...row, technicalScore: 50.01, businessScore: null }], evaluationOpinion: '' }, vars))).to.have.members([
      'variables.scores.0.technicalScore', 'variables.scores.0.businessScore', 'variables.evaluationOpinion',
    ]);
    expect(check('expert-evaluation', { scores: [{ ...row, technicalScore: null, businessScore: null, compliant: false }], evaluationOpinion: '不响应' }, { evaluationMethod: 'lowest_price' }).errors).to.deep.equal([]);
  });

  it('winner-confirmation: only a candidate of the evaluation report', function () {
    const vars = { candidateOptions: [{ label: '第1名 甲公司', value: 11 }, { label: '第2名 乙公司', value: 12 }] };
    expect(check('winner-confirmation', { winnerBidId: 12, confirmationNote: '第一名放弃' }, vars).errors).to.deep.equal([]);
    expect(paths(check('winner-confirmation', { winnerBidId: 13 }, vars))).to.deep.equal(['variables.winnerBidId']);
  });

  it('challenge-reply: one of the three outcomes and a written reply', function () {
    expect(check('challenge-reply', { challengeOutcome: 'upheld_reevaluate', challengeReply: '质疑成立，组织重新评审。' }).errors).to.deep.equal([]);
    expect(paths(check('challenge-reply', { challengeOutcome: 'upheld', challengeReply: '短' }))).to.have.members(['variables.challengeOutcome', 'variables.challengeReply']);
  });

  it('contract-signing: amount not above the award, performance bond at most 10 % (T25)', function () {
    const vars = { award: { amountFen: 21_000_000 } };
    const ok = { contractNumber: 'HT-1', signedDate: '2026-04-20', contractAmountYuan: 210_000, paymentTerms: '验收后付款', performancePeriod: '30日', acceptanceRequirements: '逐项验收', performanceBondYuan: 21_000 };
    expect(check('contract-signing', ok, vars).errors).to.deep.equal([]);
    expect(paths(check('contract-signing', { ...ok, contractAmountYuan: 210_000.01, performanceBondYuan: 21_000.01 }, vars))).to.have.members(['variables.contractAmountYuan', 'variables.performanceBondYuan']);
  });

  it('contract-escalation, contract-publication, acceptance: their required fields', function () {
    expect(check('contract-escalation', { escalationMeasures: '约谈采购人' }).errors).to.deep.equal([]);
    expect(paths(check('contract-escalation', {}))).to.deep.equal(['variables.escalationMeasures']);
    expect(check('contract-publication', { publicationMedia: '四川政府采购网', publishedDate: '2026-04-21', publicationUrl: 'https://www.ccgp-sichuan.gov.cn/x' }).errors).to.deep.equal([]);
    expect(paths(check('contract-publication', { publicationMedia: '报纸', publishedDate: '2026-04-21', publicationUrl: 'ftp://x' }))).to.have.members(['variables.publicationMedia', 'variables.publicationUrl']);
    const acc = { acceptanceResults: [{ requirement: '数量', result: 'pass', note: '' }], acceptanceOverall: 'pass', acceptanceDate: '2026-05-01', acceptanceTeam: '张三、李四' };
    expect(check('acceptance', acc).errors).to.deep.equal([]);
    expect(paths(check('acceptance', { ...acc, acceptanceResults: [{ requirement: '数量', result: 'ok' }], acceptanceOverall: 'partly' }))).to.have.members(['variables.acceptanceResults.0.result', 'variables.acceptanceOverall']);
  });

  it('failed-tender-decision: a new method is required (and kept) only when changing the method', function () {
    expect(paths(check('failed-tender-decision', { nextAction: 'change_method', decisionReason: '改为竞争性谈判' }))).to.deep.equal(['variables.newMethod']);
    const changed = check('failed-tender-decision', { nextAction: 'change_method', newMethod: '竞争性谈判', decisionReason: '改为竞争性谈判' });
    expect(changed.errors).to.deep.equal([]);
    const retender = check('failed-tender-decision', { nextAction: 'retender', newMethod: '询价', decisionReason: '重新招标' });
    expect(retender.errors).to.deep.equal([]);
    expect(retender.variables).not.to.have.property('newMethod');
  });

  it('qualification-review and contract-signing show the worker\'s problems read-only (text, hidden when none; not submittable)', function () {
    for (const [formId, variable] of [['qualification-review', 'qualificationProblems'], ['contract-signing', 'contractProblems']]) {
      const form = readForm(formId) as unknown as { components: Array<Record<string, unknown>> };
      const text = form.components.find((c) => c.id === `Text_${variable}`)!;
      expect(text, formId).to.include({ type: 'text' });
      expect(text.text).to.contain(`{{#loop ${variable}}}`).and.contain('{{path}}').and.contain('{{reason}}');
      expect((text.conditional as { hide: string }).hide).to.equal(`=if ${variable} = null then true else count(${variable}) = 0`);
      expect([...formFieldKeys(form as unknown as Record<string, unknown>)]).not.to.include(variable);
    }
  });

  it('no form has a field for the server-owned completedBy/completedByName (the inbox refuses them from clients)', function () {
    for (const file of fs.readdirSync(FORMS_DIR).filter((f) => f.endsWith('.form'))) {
      const keys = formFieldKeys(readForm(file.replace(/\.form$/, '')) as unknown as Record<string, unknown>);
      expect([...keys], file).not.to.include.members(['completedBy']);
      expect([...keys], file).not.to.include.members(['completedByName']);
    }
  });
});
