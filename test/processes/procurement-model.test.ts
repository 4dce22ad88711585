/**
 * processes/procurement.bpmn: structure (zeebe extensions, forms, workers, gateways, timers, messages, diagram),
 * and the approval stage's paths (up to the tender's 编制招标文件) run on plain bpmn-engine with the zeebe moddle and
 * FEEL. The chain after approval needs timers, messages and multi-instance outputs, which only the embedded
 * runtime provides: procurement-chain.test.ts walks every path there.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { Engine } from 'bpmn-engine';
import { evaluate } from '@bpmn-io/feelin';
import { compileModel, runBare, zeebeModdle, type UserTaskCall, type Variables } from '../../bench/bare-engine.ts';
import { WORKER_TYPES } from '../../server/workers/index.ts';
import { templateData } from '../../server/workers/generate-document.ts';
import { renderDocument } from '../../server/documents/render.ts';
import { FORMS_DIR, ROOT, parseModel, readModel, type El, type ParsedModel } from './model-helpers.ts';

/** Element ids CHAIN.md fixes (tests and the UI use them). */
const CHAIN_IDS = [
  'start_application', 'fill_application', 'assign_project_number', 'check_application', 'city_finance_approval', 'dept_approval', 'finance_approval', 'supervisor_approval', 'generate_approval_form', 'revise_or_withdraw', 'end_withdrawn',
  'prepare_tender', 'check_tender_settings', 'publish_tender', 'generate_tender_notice', 'generate_tender_documents', 'gw_bid_window', 'bid_deadline_reached', 'tender_amended', 'apply_amendment', 'generate_clarification_notice',
  'open_bids', 'generate_bid_opening_record', 'qualify_bidders', 'generate_credit_check_record', 'qualification_review', 'confirm_qualification',
  'draw_experts', 'generate_expert_selection_record', 'prepare_evaluation', 'expert_evaluation', 'score_bids', 'generate_evaluation_report', 'compute_confirm_deadline', 'confirm_winner', 'confirm_deadline_passed', 'deem_first_candidate', 'record_award', 'generate_award_notice', 'generate_notice_of_award', 'gw_challenge_window', 'challenge_window_closed', 'challenge_filed', 'answer_challenge', 'record_challenge_reply', 'generate_challenge_reply',
  'sign_contract', 'contract_deadline_passed', 'escalate_contract', 'end_escalation_handled', 'record_contract', 'generate_contract', 'publish_contract', 'generate_contract_notice', 'acceptance', 'record_acceptance', 'generate_acceptance_report', 'archive_project', 'end_archived',
  'record_failed_tender', 'generate_cancellation_notice', 'decide_after_failure', 'end_terminated',
];
import type { SerializableContext } from 'moddle-context-serializer';

const XML = readModel('procurement.bpmn');
const THRESHOLD = 200_000_000; // 200万元 in fen: test data, the model reads it from a variable

describe('processes/procurement.bpmn: structure', function () {
  let m: ParsedModel;
  before(async function () {
    m = await parseModel(XML);
  });

  const byType = (type: string) => m.elements.filter((e) => e.$type === type);
  const gatewayKind = (g: El) => ((g.outgoing ?? []).length > 1 ? 'split' : 'merge');

  it('parses with the zeebe moddle without warnings (no unknown elements or attributes)', function () {
    expect(m.warnings).to.deep.equal([]);
    expect(m.process.id).to.equal('procurement');
    expect(m.process.isExecutable).to.equal(true);
    expect(m.process.name).to.equal('政府采购项目全流程');
  });

  it('loads in plain bpmn-engine with zeebe-bpmn-moddle', async function () {
    const engine = new Engine({ name: 'load', source: XML, moddleOptions: { zeebe: zeebeModdle } });
    const [definition] = await engine.getDefinitions();
    const processes = definition.getProcesses();
    expect(processes.map((p) => p.id)).to.deep.equal(['procurement']);
    const ids = processes[0].getActivities().map((a) => a.id);
    for (const id of CHAIN_IDS) expect(ids, id).to.include(id);
  });

  it('names every task, event and decision gateway in Chinese', function () {
    for (const e of m.elements) {
      if (e.$type === 'bpmn:ExclusiveGateway' && gatewayKind(e) === 'merge') continue;
      expect(e.name, e.id).to.match(/[\u4e00-\u9fff]/);
    }
  });

  it('every user task is a zeebe user task with an assignee or candidates, a form that exists and its legal basis', function () {
    const userTasks = byType('bpmn:UserTask');
    expect(userTasks).to.have.length(16);
    for (const t of userTasks) {
      const info = m.info(t);
      expect(info.isZeebeUserTask, `${t.id} <zeebe:userTask/>`).to.equal(true);
      expect(Boolean(info.assignee || info.candidateGroups || info.candidateUsers), `${t.id} assignment`).to.equal(true);
      expect(info.formId, `${t.id} formId`).to.be.a('string');
      const file = path.join(FORMS_DIR, `${info.formId}.form`);
      expect(fs.existsSync(file), `${file}`).to.equal(true);
      expect(JSON.parse(fs.readFileSync(file, 'utf8')).id, file).to.equal(info.formId);
      // The law behind every step is shown with it (inbox, project page).
      expect(info.headers.legalBasis, `${t.id} legalBasis`).to.match(/[\u4e00-\u9fff]/);
    }
  });

  it('the four approval tasks, and only they, carry approvalStage (segregation of duties reads it)', function () {
    const stages = Object.fromEntries(byType('bpmn:UserTask').filter((t) => m.info(t).headers.approvalStage).map((t) => [t.id, m.info(t).headers.approvalStage]));
    expect(stages).to.deep.equal({ city_finance_approval: 'city', dept_approval: 'dept', finance_approval: 'finance', supervisor_approval: 'supervisor' });
  });

  it('gives each task to the right people: applicant tasks to the initiator, approvals to their role', function () {
    const expected: Record<string, { assignee?: string; candidateGroups?: string; candidateUsers?: string }> = {
      fill_application: { assignee: '=initiator' },
      revise_or_withdraw: { assignee: '=initiator' },
      city_finance_approval: { candidateGroups: 'city_finance' },
      dept_approval: { candidateGroups: 'dept_approver' },
      finance_approval: { candidateGroups: 'finance_section' },
      supervisor_approval: { candidateGroups: 'supervisor' },
      prepare_tender: { candidateUsers: '=agencyUsers' },
      qualification_review: { candidateUsers: '=agencyUsers' },
      expert_evaluation: { assignee: '=panelMember.username' },
      confirm_winner: { assignee: '=initiator' },
      answer_challenge: { candidateUsers: '=agencyUsers' },
      sign_contract: { assignee: '=initiator' },
      escalate_contract: { candidateGroups: 'supervisor' },
      publish_contract: { assignee: '=initiator' },
      acceptance: { assignee: '=initiator' },
      decide_after_failure: { assignee: '=initiator' },
    };
    for (const [id, want] of Object.entries(expected)) {
      const info = m.info(m.elements.find((e) => e.id === id)!);
      expect({ assignee: info.assignee ?? undefined, candidateGroups: info.candidateGroups ?? undefined, candidateUsers: info.candidateUsers ?? undefined }, id).to.deep.equal({
        assignee: want.assignee,
        candidateGroups: want.candidateGroups,
        candidateUsers: want.candidateUsers,
      });
    }
  });

  it('every service task type has a worker in server/workers/index.ts', function () {
    const services = byType('bpmn:ServiceTask');
    expect(services.length).to.be.greaterThan(0);
    for (const s of services) {
      const { taskType } = m.info(s);
      expect(taskType, s.id).to.be.a('string');
      expect(WORKER_TYPES, `${s.id}: ${taskType}`).to.include(taskType);
    }
  });

  it('every flow out of a deciding exclusive gateway has a FEEL condition or is the default; merges only merge', function () {
    const gateways = byType('bpmn:ExclusiveGateway');
    expect(gateways.length).to.be.greaterThan(5);
    for (const g of gateways) {
      const out = g.outgoing ?? [];
      const incoming = g.incoming ?? [];
      if (gatewayKind(g) === 'merge') {
        // bpmnlint: a gateway either joins or forks (no-gateway-join-fork); a merge has one plain outflow.
        expect(incoming.length, `${g.id} merges`).to.be.greaterThan(1);
        expect(out[0].conditionExpression, `${g.id} merge outflow`).to.equal(undefined);
        continue;
      }
      expect(incoming.length, `${g.id} joins and forks`).to.equal(1);
      for (const f of out) {
        if (g.default === f) {
          expect(f.conditionExpression, `${f.id} is default and conditional`).to.equal(undefined);
          continue;
        }
        const body = f.conditionExpression?.body ?? '';
        expect(body, `${f.id} condition`).to.match(/^=/);
        expect(() => evaluate(body.slice(1), {}), `${f.id} FEEL syntax`).not.to.throw();
      }
    }
  });

  it('no activity joins flows by itself (bpmnlint fake-join): merges go through gateways', function () {
    for (const e of m.elements) {
      if (e.$type.endsWith('Gateway')) continue;
      expect((e.incoming ?? []).length, e.id).to.be.at.most(1);
    }
  });

  it('hard-codes no thresholds or time limits: conditions compare variables, due dates are FEEL or absent', function () {
    for (const f of m.flows) {
      const body = f.conditionExpression?.body;
      if (body) expect(body, f.id).not.to.match(/\d/);
    }
    for (const t of byType('bpmn:UserTask')) {
      const { dueDate, followUpDate } = m.info(t);
      for (const d of [dueDate, followUpDate]) if (d) expect(d, t.id).to.match(/^=/);
    }
    const threshold = m.flows.find((f) => f.id === 'flow_need_city_yes')!.conditionExpression!.body!;
    expect(threshold).to.contain('cityApprovalThresholdFen');
    expect(String(m.process.documentation ? (m.process.documentation as Array<{ text: string }>)[0].text : '')).to.contain(
      'cityApprovalThresholdFen',
    );
  });

  it('each approval stores its decision and comment under its own variable, which its gateway tests', function () {
    const approvals: Record<string, { prefix: string; gateway: string }> = {
      city_finance_approval: { prefix: 'city', gateway: 'gw_city_result' },
      dept_approval: { prefix: 'dept', gateway: 'gw_dept_result' },
      finance_approval: { prefix: 'finance', gateway: 'gw_finance_result' },
      supervisor_approval: { prefix: 'supervisor', gateway: 'gw_supervisor_result' },
    };
    for (const [id, { prefix, gateway }] of Object.entries(approvals)) {
      const task = m.elements.find((e) => e.id === id)!;
      const outputs = m.info(task).outputs;
      expect(outputs, id).to.deep.include({ source: '=decision', target: `${prefix}Decision` });
      expect(outputs, id).to.deep.include({ source: '=comment', target: `${prefix}Comment` });
      expect(task.outgoing![0].targetRef!.id, id).to.equal(gateway);
      const gw = m.elements.find((e) => e.id === gateway)!;
      const conditions = gw.outgoing!.map((f) => f.conditionExpression?.body);
      expect(conditions, gateway).to.have.members([`=${prefix}Decision = "approve"`, `=${prefix}Decision = "return"`]);
    }
  });

  it('has a complete diagram: one shape per element, one edge per flow, edges attached to their ends', function () {
    const shapeOf = new Map(m.shapes.map((s) => [s.bpmnElement.id, s.bounds]));
    for (const e of m.elements) {
      expect(m.shapes.filter((s) => s.bpmnElement.id === e.id), e.id).to.have.length(1);
    }
    const near = (p: { x: number; y: number }, b: { x: number; y: number; width: number; height: number }) => {
      const tol = 2;
      const inside = p.x >= b.x - tol && p.x <= b.x + b.width + tol && p.y >= b.y - tol && p.y <= b.y + b.height + tol;
      const onEdge =
        Math.abs(p.x - b.x) <= tol || Math.abs(p.x - (b.x + b.width)) <= tol || Math.abs(p.y - b.y) <= tol || Math.abs(p.y - (b.y + b.height)) <= tol;
      return inside && onEdge;
    };
    for (const f of m.flows) {
      const edges = m.edges.filter((d) => d.bpmnElement.id === f.id);
      expect(edges, f.id).to.have.length(1);
      const wp = edges[0].waypoint;
      expect(wp.length, f.id).to.be.at.least(2);
      expect(near(wp[0], shapeOf.get(f.sourceRef!.id)!), `${f.id} starts at ${f.sourceRef!.id}`).to.equal(true);
      expect(near(wp[wp.length - 1], shapeOf.get(f.targetRef!.id)!), `${f.id} ends at ${f.targetRef!.id}`).to.equal(true);
      for (let i = 1; i < wp.length; i++) {
        expect(wp[i].x === wp[i - 1].x || wp[i].y === wp[i - 1].y, `${f.id} segment ${i} is orthogonal`).to.equal(true);
      }
    }
    const boxes = [...shapeOf.entries()];
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, A] = boxes[i];
        const [b, B] = boxes[j];
        const overlap = A.x < B.x + B.width && B.x < A.x + A.width && A.y < B.y + B.height && B.y < A.y + A.height;
        // A boundary event sits on its task's border, by definition.
        const attached = (x: string, y: string) => (m.elements.find((e) => e.id === x)?.attachedToRef as El | undefined)?.id === y;
        if (attached(a, b) || attached(b, a)) {
          expect(overlap, `${a} on ${b}`).to.equal(true);
          continue;
        }
        expect(overlap, `${a} overlaps ${b}`).to.equal(false);
      }
    }
  });

  it('lays each stage out as a row, left to right, stages top to bottom (A–F)', function () {
    const b = (id: string) => m.shapes.find((s) => s.bpmnElement.id === id)!.bounds;
    const mid = (id: string) => b(id).y + b(id).height / 2;
    const rows = [
      ['start_application', 'fill_application', 'assign_project_number', 'gw_need_city', 'city_finance_approval', 'dept_approval', 'finance_approval', 'supervisor_approval', 'generate_approval_form'],
      ['gw_merge_tender', 'prepare_tender', 'check_tender_settings', 'publish_tender', 'generate_tender_notice', 'generate_tender_documents', 'gw_bid_window', 'bid_deadline_reached'],
      ['open_bids', 'generate_bid_opening_record', 'qualify_bidders', 'generate_credit_check_record', 'qualification_review', 'confirm_qualification'],
      ['draw_experts', 'prepare_evaluation', 'expert_evaluation', 'score_bids', 'confirm_winner', 'record_award', 'gw_challenge_window', 'challenge_window_closed'],
      ['sign_contract', 'record_contract', 'publish_contract', 'acceptance', 'record_acceptance', 'archive_project', 'end_archived'],
      ['gw_merge_failed', 'record_failed_tender', 'decide_after_failure', 'end_terminated'],
    ];
    for (const [r, row] of rows.entries()) {
      for (let i = 1; i < row.length; i++) {
        expect(b(row[i]).x, `${row[i]} right of ${row[i - 1]}`).to.be.greaterThan(b(row[i - 1]).x);
        expect(mid(row[i]), `${row[i]} on the row of ${row[0]}`).to.equal(mid(row[0]));
      }
      if (r > 0) expect(mid(row[0]), `stage ${r} below stage ${r - 1}`).to.be.greaterThan(mid(rows[r - 1][0]) + 300);
    }
  });

  it('timers wait for dates the workers computed (timeDate FEEL), the right boundaries interrupt', function () {
    const timer = (id: string) => {
      const el = m.elements.find((e) => e.id === id)!;
      const def = (el.eventDefinitions as Array<{ $type: string; timeDate?: { body: string } }>)[0];
      expect(def.$type, id).to.equal('bpmn:TimerEventDefinition');
      return { el, date: def.timeDate?.body };
    };
    expect(timer('bid_deadline_reached').date).to.equal('=bidDeadlineAt');
    expect(timer('challenge_window_closed').date).to.equal('=challengeDeadlineAt');
    const confirm = timer('confirm_deadline_passed');
    expect(confirm.date).to.equal('=confirmDeadlineAt');
    expect((confirm.el.attachedToRef as El).id).to.equal('confirm_winner');
    expect(confirm.el.cancelActivity).to.not.equal(false);
    expect(confirm.el.outgoing![0].targetRef!.id).to.equal('deem_first_candidate');
    expect(m.info(m.elements.find((e) => e.id === 'deem_first_candidate')!).outputs).to.deep.equal([
      { source: '=firstCandidateBidId', target: 'winnerBidId' },
      { source: '=true', target: 'winnerDeemed' },
    ]);
    const contract = timer('contract_deadline_passed');
    expect(contract.date).to.equal('=contractDeadlineAt');
    expect((contract.el.attachedToRef as El).id).to.equal('sign_contract');
    expect(contract.el.cancelActivity, 'non-interrupting').to.equal(false);
    // A return of the contract (CONTRACT_INVALID) re-enters sign_contract and re-arms the timer: the escalation
    // is guarded by contractEscalated, set before the one escalation task is created.
    const guard = contract.el.outgoing![0].targetRef!;
    expect(guard.id).to.equal('gw_contract_escalated');
    const exits = Object.fromEntries(guard.outgoing!.map((f) => [f.targetRef!.id, (f.conditionExpression as { body?: string } | undefined)?.body ?? 'default']));
    expect(exits).to.deep.equal({ end_already_escalated: '=contractEscalated = true', mark_contract_escalated: 'default' });
    const mark = m.elements.find((e) => e.id === 'mark_contract_escalated')!;
    expect(m.info(mark).outputs).to.deep.equal([{ source: '=true', target: 'contractEscalated' }]);
    expect(mark.outgoing![0].targetRef!.id).to.equal('escalate_contract');
  });

  it('event-based gateways wait for a timer or a message correlated by tenderKey', function () {
    const gw = (id: string) => m.elements.find((e) => e.id === id)!;
    for (const [id, timerId, ...messages] of [
      ['gw_bid_window', 'bid_deadline_reached', ['tender_amended', 'tender-amended']],
      ['gw_challenge_window', 'challenge_window_closed', ['challenge_filed', 'challenge-filed'], ['complaint_decided_in_window', 'complaint-decided']],
    ] as Array<[string, string, ...Array<[string, string]>]>) {
      expect(gw(id).$type).to.equal('bpmn:EventBasedGateway');
      expect(gw(id).outgoing!.map((f) => f.targetRef!.id).sort()).to.deep.equal([timerId, ...messages.map(([e]) => e)].sort());
      for (const [messageId, name] of messages) {
        const msg = (gw(messageId).eventDefinitions as Array<{ messageRef: { name: string; extensionElements: { values: Array<{ correlationKey: string }> } } }>)[0].messageRef;
        expect(msg.name).to.equal(name);
        expect(msg.extensionElements.values[0].correlationKey).to.equal('=tenderKey');
      }
    }
  });

  it('complaints (processes/complaint.bpmn): complaint-decided interrupts the window or the contract and routes by complaintEffect; suspension is noted without interrupting', function () {
    const el = (id: string) => m.elements.find((e) => e.id === id)!;
    const messageOf = (id: string) => (el(id).eventDefinitions as Array<{ messageRef: { name: string; extensionElements: { values: Array<{ correlationKey: string }> } } }>)[0].messageRef;
    for (const [id, name, interrupting] of [
      ['complaint_decided_on_contract', 'complaint-decided', true], ['procurement_suspended', 'procurement-suspended', false], ['procurement_resumed', 'procurement-resumed', false],
    ] as Array<[string, string, boolean]>) {
      expect(el(id).$type, id).to.equal('bpmn:BoundaryEvent');
      expect((el(id).attachedToRef as El).id, id).to.equal('sign_contract');
      expect(el(id).cancelActivity !== false, id).to.equal(interrupting);
      expect(messageOf(id).name).to.equal(name);
      expect(messageOf(id).extensionElements.values[0].correlationKey).to.equal('=tenderKey');
    }
    expect(m.info(el('mark_procurement_suspended')).outputs.map((o) => o.target)).to.include('procurementSuspended');
    const exits = Object.fromEntries(el('gw_complaint_effect').outgoing!.map((f) => [f.targetRef!.id, (f.conditionExpression as { body?: string }).body]));
    expect(exits).to.deep.equal({ gw_merge_evaluation: '=complaintEffect = "reevaluate"', gw_merge_failed: '=complaintEffect = "cancel"' });
  });

  it('expert evaluation is a parallel multi-instance per panel member; outputs collected in expertScores', function () {
    const t = m.elements.find((e) => e.id === 'expert_evaluation')!;
    const loop = t.loopCharacteristics as { $type: string; isSequential?: boolean; extensionElements: { values: Array<Record<string, string>> } };
    expect(loop.$type).to.equal('bpmn:MultiInstanceLoopCharacteristics');
    expect(loop.isSequential ?? false).to.equal(false);
    expect(loop.extensionElements.values[0]).to.include({
      inputCollection: '=panel', inputElement: 'panelMember', outputCollection: 'expertScores',
      outputElement: '={expertCode: panelMember.code, scores: scores, opinion: evaluationOpinion}',
    });
    expect(m.info(t).inputs).to.deep.include({ source: '=scoreSheet', target: 'scores' });
  });

  it('error boundaries route APPLICATION_INVALID, TENDER_INVALID, QUALIFICATION_INVALID and CONTRACT_INVALID back for correction', function () {
    const caught = m.elements.filter((e) => e.$type === 'bpmn:BoundaryEvent' && (e.eventDefinitions as Array<{ $type: string }>)[0].$type === 'bpmn:ErrorEventDefinition');
    const map = Object.fromEntries(caught.map((e) => [(e.attachedToRef as El).id, [(e.eventDefinitions as Array<{ errorRef: { errorCode: string } }>)[0].errorRef.errorCode, e.outgoing![0].targetRef!.id]]));
    expect(map).to.deep.equal({
      check_application: ['APPLICATION_INVALID', 'gw_merge_return'],
      check_tender_settings: ['TENDER_INVALID', 'gw_merge_tender'],
      publish_tender: ['TENDER_INVALID', 'gw_merge_tender'],
      confirm_qualification: ['QUALIFICATION_INVALID', 'gw_merge_qualification'],
      record_contract: ['CONTRACT_INVALID', 'gw_merge_contract'],
    });
    const next = (id: string) => m.elements.find((e) => e.id === id)!.outgoing!.map((f) => f.targetRef!.id);
    expect(next('gw_merge_qualification')).to.deep.equal(['qualification_review']);
    expect(next('gw_merge_contract')).to.deep.equal(['sign_contract']);
  });

  it('files every chain document through generate-document with its template and data variable', function () {
    const docs = Object.fromEntries(byType('bpmn:ServiceTask').filter((s) => m.info(s).taskType === 'generate-document').map((s) => [s.id, m.info(s).headers]));
    expect(Object.keys(docs)).to.have.length(15);
    for (const [id, h] of Object.entries(docs)) {
      expect(h.templateId, id).to.be.a('string');
      if (id !== 'generate_approval_form') expect(h.dataVariable, id).to.match(/Data$/);
      expect(fs.existsSync(path.join(ROOT, 'templates')), 'templates').to.equal(true);
      expect(fs.readdirSync(path.join(ROOT, 'templates')).some((f) => f.endsWith(`-${h.templateId}.schema.json`)), `${id}: template ${h.templateId}`).to.equal(true);
    }
  });
});

type Plan = Record<string, Variables[]>;

describe('processes/procurement.bpmn: paths on plain bpmn-engine + FEEL', function () {
  let ctx: SerializableContext;
  const jobs: Array<{ type: string; headers: Record<string, string>; variables: Variables }> = [];
  const calls: UserTaskCall[] = [];
  let counter = 0;

  before(async function () {
    ctx = await compileModel(XML);
  });
  beforeEach(function () {
    jobs.length = 0;
    calls.length = 0;
  });

  const application = (over: Variables = {}): Variables => ({
    projectName: '涪城区教育局多媒体教室设备采购',
    categoryCode: 'A02010104',
    method: '公开招标',
    budgetFen: 350_000_000,
    fundingSource: '一般公共预算资金',
    smeReserved: false,
    deliveryDate: '2026-06-30',
    description: '多媒体教室设备60套，含安装调试与三年质保。',
    ...over,
  });
  const approve = (comment = '同意') => ({ decision: 'approve', comment });
  const giveBack = (comment = '请补充预算批复文件') => ({ decision: 'return', comment });

  /** The approval stage ends where the agency's work begins: the run stops when 编制招标文件 opens. */
  class Reached extends Error {
    constructor(readonly call: UserTaskCall) {
      super(`reached ${call.elementId}`);
    }
  }

  async function run(plan: Plan, start: Variables = { initiator: 'purchaser', cityApprovalThresholdFen: THRESHOLD }) {
    const queue: Plan = Object.fromEntries(Object.entries(plan).map(([k, v]) => [k, [...v]]));
    const first = calls.length;
    const r = await runBare({
      sourceContext: ctx,
      variables: start,
      workers: {
        'check-application': (job) => {
          jobs.push(job);
          return { itemsFen: [], agencyName: '四川某某招标代理有限公司', agencyUsers: ['agency'], applicationProblems: [] };
        },
        'assign-project-number': (job) => {
          jobs.push(job);
          return { projectNumber: `FCZC-2026-${String(++counter).padStart(4, '0')}` };
        },
        // Renders for real: the service task's input mappings must produce data its template's schema accepts.
        'generate-document': (job) => {
          const data = templateData(job.headers.templateId, job.variables) as { project: Record<string, unknown> };
          const html = renderDocument(job.headers.templateId, { ...data, project: { ...data.project, purchaser: { name: '涪城区教育局' } } }).html;
          return { approvalFormDocument: { id: 1, version: 1, sha256: html.length } };
        },
      },
      onUserTask: (task) => {
        calls.push(task);
        if (task.elementId === 'prepare_tender') throw new Reached(task);
        const next = queue[task.elementId]?.shift();
        if (!next) throw new Error(`unexpected user task ${task.elementId}`);
        return next;
      },
      maxUserTasks: 50,
    }).then(
      (done) => ({ ...done, reached: null as string | null }),
      (err: unknown) => {
        if (!(err instanceof Reached)) throw err;
        const ids = calls.slice(first).map((c) => c.elementId);
        return { variables: err.call.variables, userTasks: ids.slice(0, -1), started: ids, endEventId: null as string | null, reached: err.call.elementId as string | null };
      },
    );
    for (const [id, rest] of Object.entries(queue)) expect(rest, `unused completions for ${id}`).to.deep.equal([]);
    return r;
  }

  it('公开招标 above the threshold: department → finance → supervisor → 审批通过, no city approval', async function () {
    const r = await run({
      fill_application: [application()],
      dept_approval: [approve()],
      finance_approval: [approve('资金已落实')],
      supervisor_approval: [approve('同意进场交易')],
    });
    expect(r.userTasks).to.deep.equal(['fill_application', 'dept_approval', 'finance_approval', 'supervisor_approval']);
    expect(r.reached).to.equal('prepare_tender');
    expect(r.variables).to.include({
      deptDecision: 'approve',
      deptComment: '同意',
      financeDecision: 'approve',
      financeComment: '资金已落实',
      supervisorDecision: 'approve',
      supervisorComment: '同意进场交易',
      projectName: '涪城区教育局多媒体教室设备采购',
    });
    expect(r.variables.projectNumber).to.match(/^FCZC-2026-\d{4}$/);
    // Output mappings keep the approvers' raw form fields out of the process scope.
    expect(r.variables).not.to.have.any.keys('decision', 'comment');
    expect(r.started).not.to.include('city_finance_approval');
  });

  it('numbers the project once, through the assign-project-number worker with the prefix header', async function () {
    await run({ fill_application: [application()], dept_approval: [approve()], finance_approval: [approve()], supervisor_approval: [approve()] });
    const numbering = jobs.filter((j) => j.type === 'assign-project-number');
    expect(numbering).to.have.length(1);
    expect(numbering[0].headers).to.deep.equal({ prefix: 'FCZC' });
    expect(numbering[0].variables).to.include({ projectName: '涪城区教育局多媒体教室设备采购', initiator: 'purchaser' });
    // The application is checked after numbering, with the amounts already in fen.
    expect(jobs.map((j) => j.type)).to.deep.equal(['assign-project-number', 'check-application']);
    expect(jobs[1].variables).to.include({ budgetFen: 350_000_000 });
  });

  it('assigns applicant tasks to the initiator and approvals to candidate groups, each with its form', async function () {
    await run({
      fill_application: [application({ method: '竞争性磋商' })],
      city_finance_approval: [approve()],
      dept_approval: [giveBack()],
      revise_or_withdraw: [{ applicantAction: 'withdraw', revisionNote: '项目取消' }],
    }, { initiator: 'zhangsan', cityApprovalThresholdFen: THRESHOLD });
    const seen = Object.fromEntries(calls.map((c) => [c.elementId, { assignee: c.assignee, groups: c.candidateGroups, form: c.formId }]));
    expect(seen).to.deep.equal({
      fill_application: { assignee: 'zhangsan', groups: [], form: 'procurement-application' },
      city_finance_approval: { assignee: null, groups: ['city_finance'], form: 'approval-city-finance' },
      dept_approval: { assignee: null, groups: ['dept_approver'], form: 'approval-dept' },
      revise_or_withdraw: { assignee: 'zhangsan', groups: [], form: 'procurement-revise' },
    });
  });

  it('a non-open method with a budget at or above the threshold goes to 市财政审批 first', async function () {
    for (const budgetFen of [THRESHOLD, THRESHOLD * 2]) {
      const r = await run({
        fill_application: [application({ method: '竞争性谈判', budgetFen })],
        city_finance_approval: [approve('同意变更为竞争性谈判')],
        dept_approval: [approve()],
        finance_approval: [approve()],
        supervisor_approval: [approve()],
      });
      expect(r.userTasks, String(budgetFen)).to.deep.equal(['fill_application', 'city_finance_approval', 'dept_approval', 'finance_approval', 'supervisor_approval']);
      expect(r.variables).to.include({ cityDecision: 'approve', cityComment: '同意变更为竞争性谈判', cityReviewedMethod: '竞争性谈判', cityReviewedBudgetFen: budgetFen });
    }
  });

  it('a non-open method below the threshold skips the city', async function () {
    for (const method of ['邀请招标', '竞争性谈判', '竞争性磋商', '询价', '单一来源']) {
      const r = await run({
        fill_application: [application({ method, budgetFen: THRESHOLD - 1 })],
        dept_approval: [approve()],
        finance_approval: [approve()],
        supervisor_approval: [approve()],
      });
      expect(r.started, method).not.to.include('city_finance_approval');
      expect(r.reached).to.equal('prepare_tender');
    }
  });

  it('without a configured threshold a non-open method fails safe: the city approves it', async function () {
    const r = await run(
      {
        fill_application: [application({ method: '询价', budgetFen: 100 })],
        city_finance_approval: [approve()],
        dept_approval: [approve()],
        finance_approval: [approve()],
        supervisor_approval: [approve()],
      },
      { initiator: 'purchaser' },
    );
    expect(r.userTasks[1]).to.equal('city_finance_approval');
  });

  it('without a budget in fen (not converted by the server) a non-open method also goes to the city', async function () {
    const app = application({ method: '竞争性磋商' });
    delete app.budgetFen;
    // Without a budget in fen the approval form (文书 03) cannot state the approved budget: its generation refuses.
    const err = await run({
      fill_application: [{ ...app, budgetYuan: 10 }],
      city_finance_approval: [approve()],
      dept_approval: [approve()],
      finance_approval: [approve()],
      supervisor_approval: [approve()],
    }).then(() => null, (e: Error) => e);
    expect(err?.message).to.match(/文书数据有 2 处问题/);
    expect(calls[1].elementId).to.equal('city_finance_approval');
  });

  it('a return sends the application back to the applicant; resubmission restarts department approval', async function () {
    const r = await run({
      fill_application: [application()],
      dept_approval: [approve(), approve('同意（复审）')],
      finance_approval: [giveBack('预算指标未下达'), approve('指标已下达')],
      revise_or_withdraw: [{ applicantAction: 'resubmit', revisionNote: '已补充预算指标文件' }],
      supervisor_approval: [approve()],
    });
    expect(r.userTasks).to.deep.equal([
      'fill_application', 'dept_approval', 'finance_approval', 'revise_or_withdraw', 'dept_approval', 'finance_approval', 'supervisor_approval',
    ]);
    expect(r.variables).to.include({ financeDecision: 'approve', financeComment: '指标已下达', deptComment: '同意（复审）', revisionNote: '已补充预算指标文件' });
    expect(r.reached).to.equal('prepare_tender');
    // The revise task saw why it came back.
    const revise = calls.find((c) => c.elementId === 'revise_or_withdraw')!;
    expect(revise.variables).to.include({ financeDecision: 'return', financeComment: '预算指标未下达' });
  });

  it('a resubmission keeps a city approval that still covers method and budget, and asks again when they change', async function () {
    const r = await run({
      fill_application: [application({ method: '竞争性谈判', budgetFen: THRESHOLD + 1_000 })],
      city_finance_approval: [approve(), approve('同意单一来源'), approve('同意追加预算')],
      dept_approval: [giveBack('需求表述不清'), giveBack('改为单一来源'), giveBack('预算需增加'), approve()],
      revise_or_withdraw: [
        { applicantAction: 'resubmit', revisionNote: '已修改需求', budgetFen: THRESHOLD + 500 }, // lower budget: still covered
        { applicantAction: 'resubmit', revisionNote: '改为单一来源', method: '单一来源' }, // new method: ask again
        { applicantAction: 'resubmit', revisionNote: '追加预算', budgetFen: THRESHOLD + 2_000 }, // above what was approved
      ],
      finance_approval: [approve()],
      supervisor_approval: [approve()],
    });
    expect(r.userTasks).to.deep.equal([
      'fill_application', 'city_finance_approval', 'dept_approval', 'revise_or_withdraw',
      'dept_approval', 'revise_or_withdraw',
      'city_finance_approval', 'dept_approval', 'revise_or_withdraw',
      'city_finance_approval', 'dept_approval', 'finance_approval', 'supervisor_approval',
    ]);
    expect(r.variables).to.include({ cityReviewedMethod: '单一来源', cityReviewedBudgetFen: THRESHOLD + 2_000, method: '单一来源' });
  });

  it('the city can return too; the applicant may withdraw: 申请撤回', async function () {
    const r = await run({
      fill_application: [application({ method: '单一来源' })],
      city_finance_approval: [giveBack('不符合单一来源条件')],
      revise_or_withdraw: [{ applicantAction: 'withdraw', revisionNote: '改年度再报' }],
    });
    expect(r.userTasks).to.deep.equal(['fill_application', 'city_finance_approval', 'revise_or_withdraw']);
    expect(r.endEventId).to.equal('end_withdrawn');
    expect(r.variables).to.include({ outcome: 'withdrawn', cityDecision: 'return', applicantAction: 'withdraw' });
    expect(r.started).not.to.include('prepare_tender');
  });

  it('the supervisor can return at the last step', async function () {
    const r = await run({
      fill_application: [application()],
      dept_approval: [approve()],
      finance_approval: [approve()],
      supervisor_approval: [giveBack('组织形式有误')],
      revise_or_withdraw: [{ applicantAction: 'withdraw', revisionNote: '撤回' }],
    });
    expect(r.userTasks.slice(-2)).to.deep.equal(['supervisor_approval', 'revise_or_withdraw']);
    expect(r.variables).to.include({ supervisorDecision: 'return', supervisorComment: '组织形式有误', outcome: 'withdrawn' });
  });

  it('an unknown decision matches no flow: the run fails (an incident in Zeebe), it does not slip through', async function () {
    let error: unknown;
    try {
      await run({ fill_application: [application()], dept_approval: [{ decision: 'maybe', comment: '??' }] });
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(Error);
  });
});
