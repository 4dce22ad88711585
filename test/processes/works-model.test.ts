/**
 * processes/works-tender.bpmn (工程建设项目招标全流程, 招标投标法): Camunda 8 flavour, written by
 * test/processes/tools/layout-works.ts; every service task has a registered worker, documents name existing
 * templates, timers only over computed variables, the Bidding Law's own steps (招标备案 by the works supervisor, 异议
 * to documents and results that pause the tender, 中标候选人公示, written report), and the modeller lint a process
 * admin's deploy runs. The run itself is test/chain/works-tender.test.ts.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { ROLES } from '../../server/auth/roles.ts';
import { templateIds } from '../../server/documents/catalogue.ts';
import { lintModel } from '../../server/modeler/lint.ts';
import { WORKER_TYPES } from '../../server/workers/index.ts';
import { FORMS_DIR, parseModel, readModel, type El, type ParsedModel } from './model-helpers.ts';

describe('processes/works-tender.bpmn', function () {
  let m: ParsedModel;
  const byType = (type: string) => m.elements.filter((e) => e.$type === type);
  const el = (id: string): El => m.elements.find((e) => e.id === id)!;
  const exits = (id: string) => Object.fromEntries(el(id).outgoing!.map((f) => [f.targetRef!.id, f.conditionExpression?.body ?? 'default']));
  before(async function () {
    m = await parseModel(readModel('works-tender.bpmn'));
  });

  it('parses with the zeebe moddle without warnings; id and Chinese name', function () {
    expect(m.warnings).to.deep.equal([]);
    expect(m.process.id).to.equal('works_tender');
    expect(m.process.name).to.equal('工程建设项目招标全流程');
  });

  it('every service task has a registered worker; documents name an existing template and their data', function () {
    for (const t of byType('bpmn:ServiceTask')) {
      const info = m.info(t);
      expect(WORKER_TYPES, t.id).to.include(info.taskType);
      if (info.taskType === 'generate-document') {
        expect(templateIds(), `${t.id} ${info.headers.templateId}`).to.include(info.headers.templateId);
        expect(info.headers.dataVariable, t.id).to.match(/^\w+Data$/);
      }
    }
    const templates = new Set(byType('bpmn:ServiceTask').map((t) => m.info(t).headers.templateId).filter(Boolean));
    for (const id of ['works-candidate-publicity', 'works-objection-reply', 'works-tender-report', 'tender-notice', 'notice-of-award']) expect(templates.has(id), id).to.equal(true);
  });

  it('the Bidding Law steps: 招标备案 by the works supervisor, experts from the 综合评标专家库, publicity before the award', function () {
    expect(m.info(el('tender_registration')).candidateGroups).to.equal('works_supervisor');
    expect(m.info(el('tender_registration')).headers.approvalStage).to.equal('works_registration');
    expect(m.info(el('draw_experts')).headers.expertPool).to.equal('works');
    expect(el('generate_evaluation_report').outgoing![0].targetRef!.id).to.equal('publish_candidates');
    expect(exits('gw_publicity_window')).to.have.keys(['publicity_ended', 'candidates_objection_filed', 'complaint_decided_in_publicity']);
    expect(exits('gw_candidates_objection_outcome')).to.deep.equal({
      gw_merge_publicity: '=objectionOutcome = "rejected"', gw_merge_evaluation: '=objectionOutcome = "upheld_reevaluate"', gw_merge_failed: '=objectionOutcome = "upheld_cancel"',
    });
    expect(exits('gw_bid_window')).to.have.keys(['bid_deadline_reached', 'tender_amended', 'documents_objection_filed']);
    // no 质疑 window after the award: the notice of award leads to the written report and the contract
    expect(el('generate_notice_of_award').outgoing![0].targetRef!.id).to.equal('prepare_written_report');
    expect(m.elements.some((e) => e.id === 'gw_challenge_window')).to.equal(false);
  });

  it('a complaint decision of the works supervisor re-evaluates or re-tenders; suspensions are recorded on the contract step', function () {
    expect(exits('gw_complaint_effect')).to.deep.equal({ gw_merge_evaluation: '=complaintEffect = "reevaluate"', gw_merge_failed: '=complaintEffect = "cancel"' });
    const boundaries = (host: string) => byType('bpmn:BoundaryEvent').filter((b) => (b as unknown as { attachedToRef: { id: string } }).attachedToRef.id === host).map((b) => b.id).sort();
    expect(boundaries('sign_contract')).to.deep.equal(['complaint_decided_on_contract', 'contract_deadline_passed', 'procurement_resumed', 'procurement_suspended']);
    expect(boundaries('confirm_winner')).to.deep.equal(['complaint_decided_on_confirm']);
  });

  it('no literal time limits: timers and due dates are FEEL over computed variables', function () {
    expect(readModel('works-tender.bpmn')).to.not.match(/timeDuration|timeCycle|P\d+D|PT\d+/);
    const timers: Record<string, string> = {};
    for (const e of m.elements) {
      for (const d of (e.eventDefinitions as Array<{ $type: string; timeDate?: { body: string } }> | undefined) ?? []) {
        if (d.$type === 'bpmn:TimerEventDefinition') timers[e.id] = d.timeDate!.body;
      }
    }
    expect(timers).to.deep.equal({ bid_deadline_reached: '=bidDeadlineAt', publicity_ended: '=publicityEndsAt', contract_deadline_passed: '=contractDeadlineAt' });
  });

  it('passes the modeller lint (the check a process admin deploy runs) without errors or warnings', async function () {
    const r = await lintModel(readModel('works-tender.bpmn'), {
      taskTypes: () => [...WORKER_TYPES], formExists: (id) => fs.existsSync(path.join(FORMS_DIR, `${id}.form`)), templateIds, roles: ROLES,
    });
    expect(r.problems.map((p) => `${p.severity} ${p.rule} ${p.elementId}: ${p.message}`)).to.deep.equal([]);
    expect(r.bpmnProcessId).to.equal('works_tender');
  });

  it('diverging gateways condition every flow but a default; every element and flow is in the diagram', function () {
    for (const g of byType('bpmn:ExclusiveGateway')) {
      if ((g.outgoing ?? []).length < 2) continue;
      const dflt = (g as unknown as { default?: { id: string } }).default?.id;
      for (const f of g.outgoing!) if (f.id !== dflt) expect(f.conditionExpression?.body, f.id).to.be.a('string');
    }
    const shown = new Set(m.shapes.map((s) => s.bpmnElement.id));
    for (const e of m.elements) expect(shown.has(e.id), e.id).to.equal(true);
    const edges = new Set(m.edges.map((s) => s.bpmnElement.id));
    for (const f of m.flows) expect(edges.has(f.id), f.id).to.equal(true);
  });
});

describe('processes/works-complaint.bpmn', function () {
  let m: ParsedModel;
  before(async function () {
    m = await parseModel(readModel('works-complaint.bpmn'));
  });

  it('the works supervisor handles it within W5a / W5b; the GP limits (T16–T18) and 令94 are not used', function () {
    expect(m.warnings).to.deep.equal([]);
    expect(m.process.id).to.equal('works_complaint');
    for (const t of m.elements.filter((e) => e.$type === 'bpmn:UserTask')) {
      const info = m.info(t);
      if (!['respondent_explanation', 'correct_complaint'].includes(t.id)) expect(info.candidateGroups, t.id).to.equal('works_supervisor');
    }
    const rules = m.elements.filter((e) => e.$type === 'bpmn:ServiceTask' && m.info(e).taskType === 'compute-deadline').map((e) => m.info(e).headers.rule);
    expect(rules.sort()).to.deep.equal(['W5a', 'W5b']);
    expect(readModel('works-complaint.bpmn')).to.not.match(/令第?94|T1[5-8]/);
  });

  it('passes the modeller lint without errors or warnings', async function () {
    const r = await lintModel(readModel('works-complaint.bpmn'), {
      taskTypes: () => [...WORKER_TYPES], formExists: (id) => fs.existsSync(path.join(FORMS_DIR, `${id}.form`)), templateIds, roles: ROLES,
    });
    expect(r.problems.map((p) => `${p.severity} ${p.rule} ${p.elementId}: ${p.message}`)).to.deep.equal([]);
  });
});
