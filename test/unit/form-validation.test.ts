import fs from 'node:fs';
import { expect } from 'chai';
import { validateSubmission, type FormComponent } from '../../server/inbox/form-validation.ts';
import { applicationVariables } from '../helpers/application.ts';

const ctx = (variables: Record<string, unknown> = {}) => ({ variables, today: '2026-03-02' });
const form = (...components: FormComponent[]) => ({ components });
const check = (f: { components: FormComponent[] }, submitted: Record<string, unknown>, variables: Record<string, unknown> = {}) =>
  validateSubmission(f, submitted, ctx(variables));
const paths = (r: { errors: { path: string }[] }) => r.errors.map((e) => e.path);

describe('form validation (server side, form-js rules)', () => {
  describe('required', () => {
    const f = form(
      { key: 'name', label: '名称', type: 'textfield', validate: { required: true } },
      { key: 'agree', label: '同意', type: 'checkbox', validate: { required: true } },
      { key: 'tags', label: '标签', type: 'taglist', values: [{ value: 'a' }], validate: { required: true } },
      { key: 'opt', label: '可选', type: 'textfield' },
    );
    it('refuses missing, empty, unchecked and empty-list values, each with a Chinese reason naming the field', () => {
      const r = check(f, { name: '', agree: false, tags: [] });
      expect(paths(r)).to.deep.equal(['variables.name', 'variables.agree', 'variables.tags']);
      expect(r.errors[0]!.reason).to.equal('名称：必填项 (required)');
      expect(paths(check(f, {}))).to.deep.equal(['variables.name', 'variables.agree', 'variables.tags']);
    });
    it('accepts filled values, and a value already in the instance variables counts as given', () => {
      expect(check(f, { name: 'x', agree: true, tags: ['a'] }).errors).to.deep.equal([]);
      expect(check(f, { agree: true, tags: ['a'] }, { name: '已有' }).errors).to.deep.equal([]);
    });
    it('a submitted empty value overrides the instance variable', () => {
      expect(paths(check(f, { name: '  '.trim(), agree: true, tags: ['a'] }, { name: '已有' }))).to.deep.equal(['variables.name']);
    });
  });

  describe('text: minLength, maxLength (trimmed, in characters), pattern, email, phone, type', () => {
    const f = form(
      { key: 't', label: '意见', type: 'textarea', validate: { minLength: 2, maxLength: 5 } },
      { key: 'code', label: '品目编码', type: 'textfield', validate: { pattern: '^[ABC]\\d*$' } },
      { key: 'mail', type: 'textfield', validate: { validationType: 'email' } },
      { key: 'tel', type: 'textfield', validate: { validationType: 'phone' } },
    );
    it('counts Chinese characters, trims, and reports both limits', () => {
      expect(paths(check(f, { t: ' 好 ' }))).to.deep.equal(['variables.t']);
      expect(check(f, { t: '同意' }).errors).to.deep.equal([]);
      expect(check(f, { t: '一二三四五' }).errors).to.deep.equal([]);
      const long = check(f, { t: '一二三四五六' });
      expect(long.errors[0]!.reason).to.contain('最多 5 个字');
    });
    it('pattern, email and phone', () => {
      expect(check(f, { code: 'A02010104', mail: 'a@b.cn', tel: '+862812345678' }).errors).to.deep.equal([]);
      const r = check(f, { code: 'D01', mail: 'a@', tel: '12345' });
      expect(paths(r)).to.deep.equal(['variables.code', 'variables.mail', 'variables.tel']);
      expect(r.errors[0]!.reason).to.contain('格式不正确');
    });
    it('a non-string is refused', () => {
      expect(check(f, { t: 123 }).errors[0]!.reason).to.contain('必须是文本');
    });
    it('FEEL limits are evaluated against the form data (longer reason when returning)', () => {
      const g = form(
        { key: 'decision', type: 'radio', values: [{ value: 'approve' }, { value: 'return' }] },
        { key: 'comment', label: '审批意见', type: 'textarea', validate: { required: true, minLength: '=if decision = "return" then 5 else 2' } },
      );
      expect(check(g, { decision: 'approve', comment: '同意' }).errors).to.deep.equal([]);
      expect(paths(check(g, { decision: 'return', comment: '不行' }))).to.deep.equal(['variables.comment']);
      expect(check(g, { decision: 'return', comment: '预算指标未落实' }).errors).to.deep.equal([]);
    });
  });

  describe('number: type, min, max, decimalDigits, increment', () => {
    const f = form({ key: 'budgetYuan', label: '预算金额（元）', type: 'number', decimalDigits: 2, increment: '0.01', validate: { min: 0.01, max: 9999999999.99 } });
    it('accepts numbers in range with at most two decimals', () => {
      for (const v of [0.01, 0.3, 1234567.89, 9999999999.99, 100]) expect(check(f, { budgetYuan: v }).errors, String(v)).to.deep.equal([]);
    });
    it('refuses strings, NaN-like values, out of range and too many decimals', () => {
      expect(check(f, { budgetYuan: '100' }).errors[0]!.reason).to.contain('必须是数字');
      expect(check(f, { budgetYuan: true }).errors[0]!.reason).to.contain('必须是数字');
      expect(check(f, { budgetYuan: 0 }).errors[0]!.reason).to.contain('不能小于 0.01');
      expect(check(f, { budgetYuan: 1e11 }).errors[0]!.reason).to.contain('不能大于');
      const r = check(f, { budgetYuan: 1.234 });
      expect(r.errors.map((e) => e.reason).join()).to.contain('最多 2 位小数');
    });
    it('decimalDigits 0 means an integer; serializeToString accepts numeric text', () => {
      const g = form({ key: 'n', type: 'number', decimalDigits: 0, serializeToString: true, increment: 5 });
      expect(check(g, { n: '15' }).errors).to.deep.equal([]);
      expect(check(g, { n: '1.5' }).errors.map((e) => e.reason).join()).to.contain('必须是整数');
      expect(check(g, { n: '7' }).errors[0]!.reason).to.contain('5 的整数倍');
      expect(check(g, { n: 'abc' }).errors[0]!.reason).to.contain('必须是数字');
    });
  });

  describe('options: select, radio, checklist, taglist', () => {
    const f = form(
      { key: 'method', label: '采购方式', type: 'select', values: [{ label: '公开招标', value: '公开招标' }, { label: '询价', value: '询价' }] },
      { key: 'decision', type: 'radio', values: [{ value: 'approve' }, { value: 'return' }] },
      { key: 'docs', type: 'checklist', values: [{ value: 'a' }, { value: 'b' }] },
      { key: 'who', type: 'select', valuesKey: 'people' },
    );
    it('accepts listed values, including options taken from a variable (valuesKey)', () => {
      expect(check(f, { method: '询价', decision: 'return', docs: ['a', 'b'], who: 'li' }, { people: [{ label: '李', value: 'li' }] }).errors).to.deep.equal([]);
    });
    it('refuses values that are not options, and a non-list for a checklist', () => {
      const r = check(f, { method: '竞价', decision: 'maybe', docs: ['a', 'c'], who: 'wang' }, { people: [{ value: 'li' }] });
      expect(paths(r)).to.deep.equal(['variables.method', 'variables.decision', 'variables.docs', 'variables.who']);
      expect(r.errors[2]!.reason).to.contain('"c"');
      expect(check(f, { docs: 'a' }).errors[0]!.reason).to.contain('必须是选项列表');
    });
  });

  describe('checkbox and datetime', () => {
    const f = form(
      { key: 'sme', type: 'checkbox' },
      { key: 'delivery', label: '交付日期', type: 'datetime', subtype: 'date', disallowPassedDates: true },
      { key: 'at', type: 'datetime', subtype: 'datetime' },
      { key: 'clock', type: 'datetime', subtype: 'time' },
    );
    it('checkbox must be a boolean', () => {
      expect(check(f, { sme: true }).errors).to.deep.equal([]);
      expect(check(f, { sme: 'yes' }).errors[0]!.reason).to.contain('true 或 false');
    });
    it('dates must be real YYYY-MM-DD days, not before today when passed dates are disallowed', () => {
      expect(check(f, { delivery: '2026-03-02', at: '2026-03-02T09:30', clock: '09:30' }).errors).to.deep.equal([]);
      expect(check(f, { delivery: '2026-02-30' }).errors[0]!.reason).to.contain('YYYY-MM-DD');
      expect(check(f, { delivery: '2026/03/05' }).errors[0]!.reason).to.contain('YYYY-MM-DD');
      expect(check(f, { delivery: '2026-03-01' }).errors[0]!.reason).to.contain('不能早于今天 2026-03-02');
      expect(check(f, { at: '2026-03-02 09:30' }).errors[0]!.reason).to.contain('日期时间');
      expect(check(f, { clock: '25:00' }).errors[0]!.reason).to.contain('HH:mm');
    });
  });

  describe('conditional.hide', () => {
    const f = form(
      { key: 'action', type: 'radio', values: [{ value: 'resubmit' }, { value: 'withdraw' }], validate: { required: true } },
      {
        type: 'group',
        conditional: { hide: '=action = "withdraw"' },
        components: [{ key: 'projectName', label: '项目名称', type: 'textfield', validate: { required: true, minLength: 2 } }],
      },
      { key: 'reason', type: 'textarea', conditional: { hide: '=action != "withdraw"' }, validate: { required: true } },
    );
    it('a field hidden by its own or its group\'s condition is not required and its value is dropped', () => {
      const r = check(f, { action: 'withdraw', projectName: '', reason: '不再需要' });
      expect(r.errors).to.deep.equal([]);
      expect(r.variables).to.deep.equal({ action: 'withdraw', reason: '不再需要' });
    });
    it('a visible field is validated', () => {
      expect(paths(check(f, { action: 'resubmit', projectName: '' }))).to.deep.equal(['variables.projectName']);
      expect(paths(check(f, { action: 'withdraw' }))).to.deep.equal(['variables.reason']);
    });
    it('read-only and disabled fields are never written', () => {
      const g = form({ key: 'a', type: 'textfield', readonly: true, validate: { required: true } }, { key: 'b', type: 'textfield', disabled: true });
      const r = check(g, { a: 'x', b: 'y' });
      expect(r.errors).to.deep.equal([]);
      expect(r.variables).to.deep.equal({});
    });
  });

  describe('groups with a path and dynamic lists', () => {
    const f = form(
      { type: 'group', path: 'contact', components: [{ key: 'phone', label: '电话', type: 'textfield', validate: { required: true } }] },
      { type: 'dynamiclist', path: 'items', components: [{ key: 'qty', label: '数量', type: 'number', validate: { min: 1 } }] },
    );
    it('validates nested keys and every row', () => {
      expect(check(f, { contact: { phone: '0816-1234567' }, items: [{ qty: 1 }, { qty: 3 }] }).errors).to.deep.equal([]);
      const r = check(f, { contact: {}, items: [{ qty: 1 }, { qty: 0 }] });
      expect(paths(r)).to.deep.equal(['variables.contact.phone', 'variables.items.1.qty']);
      expect(check(f, { contact: { phone: 'x' }, items: 'no' }).errors[0]!.reason).to.contain('必须是列表');
    });
  });

  describe('the forms of processes/procurement.bpmn', () => {
    const read = (id: string) => JSON.parse(fs.readFileSync(`forms/${id}.form`, 'utf8'));
    for (const id of ['approval-dept', 'approval-finance', 'approval-supervisor', 'approval-city-finance']) {
      it(`${id}: decision and opinion (at least 2 characters) are required, also when returning`, () => {
        const f = read(id);
        expect(paths(validateSubmission(f, {}, ctx()))).to.deep.equal(['variables.decision', 'variables.comment']);
        expect(validateSubmission(f, { decision: 'approve', comment: '同意' }, ctx()).errors).to.deep.equal([]);
        expect(paths(validateSubmission(f, { decision: 'return', comment: '退' }, ctx()))).to.deep.equal(['variables.comment']);
        expect(paths(validateSubmission(f, { decision: 'return' }, ctx()))).to.deep.equal(['variables.comment']);
        expect(validateSubmission(f, { decision: 'return', comment: '请补充预算批复文件' }, ctx()).errors).to.deep.equal([]);
        expect(paths(validateSubmission(f, { decision: 'reject', comment: '同意' }, ctx()))).to.deep.equal(['variables.decision']);
      });
    }
    it('procurement-application: a complete application passes; each rule is enforced', () => {
      const f = read('procurement-application');
      const options = { agencyOptions: [{ label: '四川某某招标代理有限公司', value: 3 }] };
      const good = applicationVariables(3, { projectName: '涪城区教育局办公设备采购项目', budgetYuan: 350000, maxPriceYuan: null, deliveryDate: '2026-06-30', smeReserved: true, description: '台式计算机 50 台，含三年上门保修服务' });
      expect(validateSubmission(f, good, ctx(options)).errors).to.deep.equal([]);
      const bad = { ...good, categoryCode: 'X1', method: '网上竞价', budgetYuan: 0, deliveryDate: '2026-03-01', description: '太短' };
      expect(paths(validateSubmission(f, bad, ctx(options)))).to.deep.equal([
        'variables.categoryCode', 'variables.method', 'variables.budgetYuan', 'variables.deliveryDate', 'variables.description',
      ]);
    });
    it('procurement-application: the maximum price may not exceed the budget (FEEL max, as form-js evaluates it)', () => {
      const f = read('procurement-application');
      const options = { agencyOptions: [{ label: '四川某某招标代理有限公司', value: 3 }] };
      const good = applicationVariables(3, { projectName: '涪城区教育局办公设备采购项目', budgetYuan: 350000, deliveryDate: '2026-06-30', description: '台式计算机 50 台，含三年上门保修服务' });
      expect(validateSubmission(f, { ...good, maxPriceYuan: 350000 }, ctx(options)).errors).to.deep.equal([]);
      const over = validateSubmission(f, { ...good, maxPriceYuan: 350000.01 }, ctx(options));
      expect(over.errors).to.deep.equal([{ path: 'variables.maxPriceYuan', reason: '最高限价（元）：不能大于 350000 (maximum 350000)' }]);
      // On resubmission the budget may come from the instance.
      const revise = read('procurement-revise');
      expect(paths(validateSubmission(revise, { applicantAction: 'resubmit', revisionNote: '调整限价', maxPriceYuan: 400000 }, ctx({ ...good })))).to.deep.equal(['variables.maxPriceYuan']);
    });
    it('procurement-revise: withdrawing needs only the action and a note', () => {
      const f = read('procurement-revise');
      expect(validateSubmission(f, { applicantAction: 'withdraw', revisionNote: '项目取消' }, ctx()).errors).to.deep.equal([]);
      expect(paths(validateSubmission(f, { applicantAction: 'resubmit', revisionNote: '已修改', budgetYuan: -1 }, ctx({ projectName: '项目' })))).to.include('variables.budgetYuan');
    });
  });
});
