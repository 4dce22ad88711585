/**
 * processes/complaint.bpmn (政府采购投诉处理) and processes/staff-report.bpmn (投诉举报): Camunda 8 flavour, every user
 * task with its form, candidates and legal basis, every service task with a worker, deadlines only from
 * compute-deadline (T16a, T16c, T17, T18 of time-limits.json; no literal durations), documents through
 * generate-document with a dataVariable, gateways decided by values their forms can submit, a diagram for everything.
 * The runs themselves are in test/chain/complaint.test.ts (embedded engine, real workers).
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { WORKER_TYPES } from '../../server/workers/index.ts';
import { FORMS_DIR, ROOT, parseModel, readModel, type El, type ParsedModel } from './model-helpers.ts';

const limits = JSON.parse(fs.readFileSync(path.join(ROOT, 'server', 'calendar', 'time-limits.json'), 'utf8')) as { versions: Array<{ rules: Array<{ id: string }> }> };
const RULES = new Set(limits.versions.flatMap((v) => v.rules.map((r) => r.id)));

for (const [file, id, name] of [['complaint.bpmn', 'complaint', '政府采购投诉处理'], ['staff-report.bpmn', 'staff-report', '投诉举报（交易中心工作人员）']] as const) {
  describe(`processes/${file}: structure`, function () {
    let m: ParsedModel;
    const byType = (type: string) => m.elements.filter((e) => e.$type === type);
    before(async function () {
      m = await parseModel(readModel(file));
    });

    it('parses with the zeebe moddle without warnings; id and Chinese name', function () {
      expect(m.warnings).to.deep.equal([]);
      expect(m.process.id).to.equal(id);
      expect(m.process.name).to.equal(name);
      expect(m.process.isExecutable).to.equal(true);
    });

    it('every user task is a zeebe user task with an existing form, candidates or an assignee, and its legal basis', function () {
      const tasks = byType('bpmn:UserTask');
      expect(tasks).to.not.be.empty;
      for (const t of tasks) {
        const info = m.info(t);
        expect(info.isZeebeUserTask, t.id).to.equal(true);
        expect(fs.existsSync(path.join(FORMS_DIR, `${info.formId}.form`)), `${t.id}: form ${info.formId}`).to.equal(true);
        expect(info.candidateGroups ?? info.candidateUsers ?? info.assignee, t.id).to.be.a('string');
        expect(info.headers.legalBasis, t.id).to.match(/[\u4e00-\u9fff]/);
        if (info.dueDate) expect(info.dueDate, t.id).to.match(/^=\w+At$/);
      }
    });

    it('every service task has a registered worker; compute-deadline names a rule of time-limits.json; documents name their data', function () {
      for (const t of byType('bpmn:ServiceTask')) {
        const info = m.info(t);
        expect(WORKER_TYPES, t.id).to.include(info.taskType);
        if (info.taskType === 'compute-deadline') {
          expect(RULES.has(info.headers.rule!), `${t.id}: rule ${info.headers.rule}`).to.equal(true);
          expect(info.headers.resultVariable, t.id).to.match(/^\w+$/);
        }
        if (info.taskType === 'generate-document') {
          expect(info.headers.templateId, t.id).to.equal('complaint-decision');
          expect(info.headers.dataVariable, t.id).to.match(/^\w+Data$/);
        }
      }
    });

    it('no literal time limits: timers are FEEL over computed variables, never durations or dates', function () {
      const xml = readModel(file);
      expect(xml).to.not.match(/timeDuration|timeCycle|P\d+D|PT\d+/);
      for (const e of m.elements) {
        for (const d of (e.eventDefinitions as Array<{ $type: string; timeDate?: { body: string } }> | undefined) ?? []) {
          if (d.$type === 'bpmn:TimerEventDefinition') expect(d.timeDate!.body, e.id).to.match(/^=.*\b\w+At\b/);
        }
      }
    });

    it('diverging gateways condition every flow; every element and flow is in the diagram', function () {
      for (const g of byType('bpmn:ExclusiveGateway')) {
        if ((g.outgoing ?? []).length < 2) continue;
        for (const f of g.outgoing!) expect(f.conditionExpression?.body ?? (g.default === f ? 'default' : undefined), f.id).to.be.a('string');
      }
      const shown = new Set(m.shapes.map((s) => s.bpmnElement.id));
      for (const e of m.elements) expect(shown.has(e.id), e.id).to.equal(true);
      const edges = new Set(m.edges.map((s) => s.bpmnElement.id));
      for (const f of m.flows) expect(edges.has(f.id), f.id).to.equal(true);
    });
  });
}

describe('processes/complaint.bpmn: the law in the model', function () {
  let m: ParsedModel;
  const el = (id: string): El => m.elements.find((e) => e.id === id)!;
  before(async function () {
    m = await parseModel(readModel('complaint.bpmn'));
  });

  it('deadlines: review T16a, explanation T16c, decision T17, suspension T18', function () {
    const rules = Object.fromEntries(m.elements.filter((e) => m.info(e).taskType === 'compute-deadline').map((e) => [m.info(e).headers.resultVariable, m.info(e).headers.rule]));
    expect(rules).to.deep.equal({ reviewDeadline: 'T16a', decisionDeadline: 'T17', explanationDeadline: 'T16c', suspensionEnd: 'T18' });
    expect(m.info(el('review_complaint')).dueDate).to.equal('=reviewDeadlineAt');
    expect(m.info(el('respondent_explanation')).dueDate).to.equal('=explanationDeadlineAt');
    expect(m.info(el('decide_complaint')).dueDate).to.equal('=decisionDeadlineAt');
  });

  it('the supervisor reviews, investigates and decides; the respondents explain; the complainant corrects once', function () {
    for (const id of ['review_complaint', 'investigate_complaint', 'decide_complaint']) expect(m.info(el(id)).candidateGroups, id).to.equal('supervisor');
    expect(m.info(el('respondent_explanation')).candidateUsers).to.equal('=respondentUsers');
    expect(m.info(el('correct_complaint')).assignee).to.equal('=complainant');
    expect(m.info(el('correct_complaint')).outputs).to.deep.include({ source: '=true', target: 'correctionRequested' });
    const exits = Object.fromEntries(el('gw_review_result').outgoing!.map((f) => [f.targetRef!.id, f.conditionExpression!.body]));
    expect(exits.record_correction).to.contain('not(correctionRequested = true)');
    expect(exits.record_rejected).to.contain('correctionRequested = true');
  });

  it('the suspension ends at the decision or by a non-interrupting timer; only effects that change the procurement are sent', function () {
    const timer = el('suspension_expired');
    expect((timer.attachedToRef as El).id).to.equal('decide_complaint');
    expect(timer.cancelActivity).to.equal(false);
    expect(m.info(el('resume_on_expiry')).taskType).to.equal('resume-procurement');
    expect(el('decide_complaint').outgoing![0].targetRef!.id).to.equal('resume_procurement');
    const exits = Object.fromEntries(el('gw_effect').outgoing!.map((f) => [f.targetRef!.id, f.conditionExpression!.body]));
    expect(exits).to.deep.equal({ notify_procurement: '=complaintEffect = "reevaluate" or complaintEffect = "cancel"', end_decided_continue: '=complaintEffect = "continue"' });
  });
});
