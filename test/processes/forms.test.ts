/** forms/*.form: Camunda Forms schema rules, the fields each task needs, and agreement with the models. */
import fs from 'node:fs';
import { expect } from 'chai';
import { evaluate } from '@bpmn-io/feelin';
import {
  flatComponents,
  formFiles,
  keyed,
  parseModel,
  PROCESSES_DIR,
  readForm,
  readModel,
  type FormComponent,
  type FormSchema,
} from './model-helpers.ts';

const CJK = /[\u4e00-\u9fff]/;
const VALIDATE_KEYS = ['required', 'minLength', 'maxLength', 'min', 'max', 'pattern', 'validationType'];
const KEYED_TYPES = ['textfield', 'textarea', 'number', 'select', 'radio', 'checkbox', 'checklist', 'datetime', 'taglist'];
const SIX_METHODS = ['公开招标', '邀请招标', '竞争性谈判', '竞争性磋商', '询价', '单一来源'];

function patternAccepts(c: FormComponent, value: string): boolean {
  return new RegExp(String(c.validate!.pattern)).test(value);
}

describe('forms/*.form (Camunda Forms)', function () {
  const files = formFiles();

  it('there is one form per user task of the procurement model, and no orphans', async function () {
    const formIds = new Set<string>();
    for (const file of fs.readdirSync(PROCESSES_DIR).filter((f) => f.endsWith('.bpmn'))) {
      const m = await parseModel(readModel(file));
      for (const t of m.elements.filter((e) => e.$type === 'bpmn:UserTask')) formIds.add(m.info(t).formId!);
    }
    expect(files.map((f) => f.replace(/\.form$/, ''))).to.have.members([...formIds]);
    // sixteen of procurement.bpmn, one of process-change.bpmn, five of complaint.bpmn, one of staff-report.bpmn; eight of
    // works-tender.bpmn's own (works-application, works-revise, works-registration, works-tender-preparation,
    // objection-reply, candidate-objection-reply, works-winner-confirmation, works-failed-decision; the rest it shares with procurement.bpmn)
    expect(files).to.have.length(31);
  });

  for (const file of files) {
    describe(file, function () {
      let form: FormSchema;
      before(function () {
        form = readForm(file.replace(/\.form$/, ''));
      });

      it('is a default Camunda form, schemaVersion ≥ 16, id = file name', function () {
        expect(form.id).to.equal(file.replace(/\.form$/, ''));
        expect(form.type).to.equal('default');
        expect(form.schemaVersion).to.be.a('number').at.least(16);
        expect(form.components).to.be.an('array').that.is.not.empty;
      });

      it('has unique component ids and keys; every field has a key and a Chinese label', function () {
        const all = flatComponents(form.components);
        const ids = all.map((c) => c.id).filter(Boolean);
        expect(new Set(ids).size, 'ids').to.equal(ids.length);
        const fields = all.filter((c) => KEYED_TYPES.includes(c.type));
        const keys = fields.map((c) => c.key);
        expect(new Set(keys).size, 'keys').to.equal(keys.length);
        for (const c of fields) {
          expect(c.key, c.id).to.match(/^[a-z][A-Za-z0-9]*$/);
          expect(c.type === 'datetime' ? c.dateLabel : c.label, c.key).to.match(CJK);
        }
      });

      it('uses only form-js validation rules, with sane values', function () {
        for (const c of flatComponents(form.components)) {
          if (!c.validate) continue;
          for (const k of Object.keys(c.validate)) expect(VALIDATE_KEYS, `${c.key}.${k}`).to.include(k);
          const v = c.validate as Record<string, number | string | boolean>;
          if (v.pattern !== undefined) expect(() => new RegExp(String(v.pattern)), c.key).not.to.throw();
          // min/max/minLength/maxLength may be FEEL (form-js evaluates them against the form data; so does the server).
          for (const k of ['min', 'max', 'minLength', 'maxLength']) {
            if (typeof v[k] === 'string') expect(() => evaluate(String(v[k]).replace(/^=/, ''), {}), `${c.key}.${k}`).not.to.throw();
          }
          const num = (x: unknown) => typeof x === 'number';
          if (num(v.minLength) && num(v.maxLength)) expect(v.minLength).to.be.below(v.maxLength as number);
          if (num(v.min) && num(v.max)) expect(v.min).to.be.below(v.max as number);
        }
      });

      it('offers non-empty, unique choices with Chinese labels in every select and radio (or options from a variable)', function () {
        for (const c of flatComponents(form.components).filter((x) => x.type === 'select' || x.type === 'radio')) {
          if (c.valuesKey) {
            // Options the server puts into the instance (agencyOptions at start, candidateOptions from score-bids).
            expect(c.values, c.key).to.equal(undefined);
            expect(['agencyOptions', 'candidateOptions'], c.key).to.include(c.valuesKey);
            continue;
          }
          expect(c.values, c.key).to.be.an('array').that.is.not.empty;
          const values = c.values!.map((v) => v.value);
          expect(new Set(values).size, c.key).to.equal(values.length);
          for (const v of c.values!) expect(v.label, `${c.key}=${v.value}`).to.match(CJK);
        }
      });

      it('uses only components the server-side validation understands (form-js 2 rules, incl. dynamiclist)', function () {
        const SUPPORTED = [...KEYED_TYPES, 'text', 'group', 'dynamiclist'];
        for (const c of flatComponents(form.components)) {
          expect(SUPPORTED, `${c.id}: ${c.type}`).to.include(c.type);
          if (c.type === 'dynamiclist') {
            expect(c.path, c.id).to.match(/^[a-z][A-Za-z0-9]*$/);
            for (const child of c.components ?? []) expect([...KEYED_TYPES, 'text'], `${child.id} in ${c.id}`).to.include(child.type);
          }
        }
      });

      it('writes its conditions in valid FEEL', function () {
        for (const c of flatComponents(form.components)) {
          const hide = c.conditional?.hide;
          if (hide) {
            expect(hide, c.id).to.match(/^=/);
            expect(() => evaluate(hide.slice(1), {}), c.id).not.to.throw();
          }
        }
      });
    });
  }

  describe('procurement-application', function () {
    const f = () => keyed(readForm('procurement-application'));

    it('asks for every application field with the right type', function () {
      const types = Object.fromEntries([...f()].map(([k, c]) => [k, c.type]));
      expect(types).to.deep.equal({
        projectName: 'textfield',
        categoryCode: 'textfield',
        method: 'select',
        budgetYuan: 'number',
        maxPriceYuan: 'number',
        fundingSource: 'select',
        deliveryDate: 'datetime',
        smeReserved: 'checkbox',
        description: 'textarea',
        procurementType: 'select',
        organisationForm: 'select',
        importedProducts: 'checkbox',
        deliveryPlace: 'textfield',
        agencyId: 'select',
        itemCode: 'textfield',
        itemName: 'textfield',
        quantity: 'number',
        unit: 'textfield',
        unitPriceYuan: 'number',
      });
      expect(f().get('deliveryDate')!.subtype).to.equal('date');
      expect(f().get('procurementType')!.values!.map((v) => v.value)).to.deep.equal(['goods', 'services']);
      expect(f().get('organisationForm')!.values!.map((v) => v.value)).to.deep.equal(['集中采购', '分散采购', '部门集中采购']);
      expect(f().get('agencyId')!.valuesKey).to.equal('agencyOptions');
      const items = flatComponents(readForm('procurement-application').components).find((c) => c.type === 'dynamiclist')!;
      expect(items.path).to.equal('items');
      for (const k of ['projectName', 'categoryCode', 'procurementType', 'method', 'budgetYuan', 'fundingSource', 'organisationForm', 'agencyId', 'deliveryDate', 'deliveryPlace', 'description', 'itemCode', 'itemName', 'quantity', 'unit', 'unitPriceYuan']) {
        expect(f().get(k)!.validate?.required, k).to.equal(true);
      }
      expect(f().get('maxPriceYuan')!.validate?.required ?? false).to.equal(false);
    });

    it('takes the budget in yuan with fen precision, at least 0.01', function () {
      const budget = f().get('budgetYuan')!;
      expect(budget.validate).to.include({ min: 0.01 });
      expect(budget.decimalDigits).to.equal(2);
      expect(f().get('maxPriceYuan')!.validate).to.include({ min: 0.01 });
    });

    it('checks the 品目编码 pattern ^[ABC]\\d*', function () {
      const code = f().get('categoryCode')!;
      for (const ok of ['A', 'A02010104', 'B', 'C0801']) expect(patternAccepts(code, ok), ok).to.equal(true);
      for (const bad of ['D01', 'a0201', 'A02-01', 'A0201X', ' A02']) expect(patternAccepts(code, bad), bad).to.equal(false);
    });

    it('offers exactly the six statutory procurement methods', function () {
      expect(f().get('method')!.values!.map((v) => v.value)).to.deep.equal(SIX_METHODS);
      expect(f().get('method')!.values!.map((v) => v.label)).to.deep.equal(SIX_METHODS);
    });
  });

  describe('approval forms', function () {
    for (const id of ['approval-city-finance', 'approval-dept', 'approval-finance', 'approval-supervisor']) {
      it(`${id}: decision 通过/退回 and a required comment`, function () {
        const k = keyed(readForm(id));
        expect([...k.keys()]).to.deep.equal(['decision', 'comment']);
        const decision = k.get('decision')!;
        expect(decision.type).to.equal('radio');
        expect(decision.values).to.deep.equal([
          { label: '通过', value: 'approve' },
          { label: '退回', value: 'return' },
        ]);
        expect(decision.validate?.required).to.equal(true);
        const comment = k.get('comment')!;
        expect(comment.type).to.equal('textarea');
        expect(comment.validate).to.include({ required: true });
        expect(comment.validate!.minLength).to.be.at.least(2);
      });
    }
  });

  describe('procurement-revise', function () {
    it('chooses resubmit or withdraw and asks for a note', function () {
      const k = keyed(readForm('procurement-revise'));
      expect(k.get('applicantAction')!.values!.map((v) => v.value)).to.deep.equal(['resubmit', 'withdraw']);
      expect(k.get('applicantAction')!.validate?.required).to.equal(true);
      expect(k.get('revisionNote')!.validate).to.include({ required: true });
    });

    it('lets the applicant edit the same application fields, with the same rules, hidden when withdrawing', function () {
      const revise = readForm('procurement-revise');
      const group = revise.components.find((c) => c.type === 'group')!;
      expect(group.conditional?.hide).to.equal('=applicantAction = "withdraw"');
      expect(evaluate(group.conditional!.hide!.slice(1), { applicantAction: 'withdraw' }).value).to.equal(true);
      expect(evaluate(group.conditional!.hide!.slice(1), { applicantAction: 'resubmit' }).value).to.equal(false);
      const strip = (c: FormComponent) => {
        const { id: _id, layout: _layout, ...rest } = c;
        return rest;
      };
      const original = flatComponents(readForm('procurement-application').components).filter((c) => c.key);
      const copy = flatComponents(group.components!).filter((c) => c.key);
      expect(copy.map(strip)).to.deep.equal(original.map(strip));
    });
  });

  it('every literal a gateway tests is a value the deciding form can submit', async function () {
    // complaint.bpmn decides complaintEffect, which reaches procurement.bpmn in the complaint-decided message.
    const models = await Promise.all(['procurement.bpmn', 'complaint.bpmn'].map(async (file) => parseModel(readModel(file))));
    // variable -> values a form can produce for it (directly, or through an output mapping `=key`)
    const allowed = new Map<string, Set<string>>();
    for (const m of models) for (const t of m.elements.filter((e) => e.$type === 'bpmn:UserTask')) {
      const info = m.info(t);
      const fields = keyed(readForm(info.formId!));
      const add = (variable: string, key: string) => {
        const c = fields.get(key);
        if (!c?.values) return;
        const set = allowed.get(variable) ?? new Set<string>();
        for (const v of c.values) set.add(v.value);
        allowed.set(variable, set);
      };
      if (info.outputs.length) for (const o of info.outputs) add(o.target, o.source.replace(/^=/, ''));
      else for (const key of fields.keys()) add(key, key);
    }
    let checked = 0;
    for (const m of models) for (const f of m.flows) {
      const body = f.conditionExpression?.body ?? '';
      for (const [, variable, literal] of body.matchAll(/(\w+)\s*!?=\s*"([^"]*)"/g)) {
        expect(allowed.get(variable), `${f.id}: no form sets ${variable}`).to.not.equal(undefined);
        expect([...allowed.get(variable)!], `${f.id}: ${variable} = "${literal}"`).to.include(literal);
        checked++;
      }
    }
    expect(checked).to.be.greaterThan(10);
  });
});

