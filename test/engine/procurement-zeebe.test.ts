/**
 * processes/procurement.bpmn, the shipped model, with the real workers (project numbers, the application check
 * against the demo registers, the approval form) on the Zeebe adapter over the in-process doubles: the same model
 * and the same worker functions as in embedded mode (test/processes/procurement-embedded.test.ts). The doubles
 * check the adapter's protocol use, not Zeebe itself.
 *
 * LIMIT, stated plainly: the doubles run a tiny BPMN subset and refuse timers, event-based gateways and
 * multi-instance at deploy. The whole chain therefore cannot run here: the first test shows the refusal; the others
 * run stage A (application and approval) of the shipped model, cut by `approvalStageModel` right before the first
 * unsupported part (the flow into `gw_merge_tender` ends at a test-only end event). Everything after approval is
 * tested on the embedded engine only (test/processes/procurement-chain.test.ts); it needs a real Camunda 8.8.
 */
import path from 'node:path';
import { expect } from 'chai';
import { registerWorkers } from '../../server/workers/index.ts';
import { seedDemo } from '../../server/seed/demo.ts';
import { applicationVariables, demoAgencyId, serverStartVariables } from '../helpers/application.ts';
import { approvalStageModel, FORMS_DIR, readModel } from '../processes/model-helpers.ts';
import { adapterHarness, type AdapterHarness } from './adapters.ts';

const THRESHOLD = 200_000_000;

describe('processes/procurement.bpmn on the Zeebe adapter (over the test doubles): approval stage only', function () {
  let h: AdapterHarness;
  let stageA: string;
  let start: Record<string, unknown>;
  let agencyId: number;

  before(async function () {
    stageA = await approvalStageModel(readModel('procurement.bpmn'));
  });
  beforeEach(async function () {
    h = await adapterHarness('zeebe', (engine, deps) => registerWorkers(engine, deps), {
      formsDir: path.resolve(FORMS_DIR), now: '2026-12-31T16:30:00Z', searchLagMs: 10,
    });
    await seedDemo(h.tdb.db, { password: 'Demo-2026!' });
    agencyId = await demoAgencyId(h.tdb.db.sequelize);
    start = await serverStartVariables(h.tdb.db.sequelize, 'purchaser', THRESHOLD);
    await h.engine.deploy({ xml: stageA, resourceName: 'procurement.bpmn', deployedBy: 'test' });
  });
  afterEach(() => h.close());

  async function completeOnly(instanceId: string, elementId: string, variables: Record<string, unknown>, actor: string) {
    await h.settle();
    const open = await h.openTasks(instanceId);
    expect(open.map((t) => t.elementId), `open tasks before ${elementId}`).to.deep.equal([elementId]);
    await h.engine.completeUserTask({ taskId: open[0]!.id, variables, actor });
    return open[0]!;
  }

  const application = (over: Record<string, unknown> = {}) =>
    applicationVariables(agencyId, { method: '竞争性谈判', budgetYuan: 2_500_000, maxPriceYuan: 2_400_000, smeReserved: true, ...over });

  it('the doubles refuse the whole chain at deploy, naming an element they cannot run (timer / event gateway / multi-instance)', async function () {
    const err = await h.engine.deploy({ xml: readModel('procurement.bpmn'), resourceName: 'procurement-full.bpmn' }).then(() => null, (e: Error) => e);
    expect(err, 'the doubles would have to run the whole chain for this to pass').to.be.instanceOf(Error);
    const reason = ((err as unknown as { details?: Array<{ reason: string }> }).details ?? []).map((d) => d.reason).join('; ');
    expect(reason).to.match(/element '(gw_bid_window|bid_deadline_reached|gw_challenge_window|expert_evaluation|confirm_deadline_passed|contract_deadline_passed)'.*not supported/);
  });

  it('deploys stage A together with the forms it links, once', async function () {
    const again = await h.engine.deploy({ xml: stageA, resourceName: 'procurement.bpmn' });
    expect(again).to.include({ bpmnProcessId: 'procurement', version: 1, created: false });
    const forms = [...h.doubles!.broker.forms.keys()].sort();
    expect(forms).to.include.members(['procurement-application', 'approval-dept', 'approval-finance', 'approval-supervisor', 'approval-city-finance', 'procurement-revise']);
  });

  it('runs an approval with city approval: number, application check, assignments, approvalStage, decisions, approval form', async function () {
    const ref = await h.engine.startInstance({ bpmnProcessId: 'procurement', variables: start, startedBy: 'purchaser' });
    const fill = await completeOnly(ref.instanceId, 'fill_application', application(), 'purchaser');
    expect(fill).to.include({ assignee: 'purchaser', formId: 'procurement-application' });

    await h.settle();
    const [city] = await h.openTasks(ref.instanceId);
    expect(city).to.include({ elementId: 'city_finance_approval', formId: 'approval-city-finance', assignee: null });
    expect(city!.groups()).to.deep.equal(['city_finance']);
    expect(JSON.parse(city!.headers ?? '{}')).to.include({ approvingBody: '绵阳市财政局', approvalStage: 'city' });
    await completeOnly(ref.instanceId, 'city_finance_approval', { decision: 'approve', comment: '同意采用竞争性谈判' }, 'city_finance');
    const dept = await completeOnly(ref.instanceId, 'dept_approval', { decision: 'approve', comment: '同意' }, 'dept_approver');
    expect(dept.groups()).to.deep.equal(['dept_approver']);
    expect(JSON.parse(dept.headers ?? '{}')).to.include({ approvalStage: 'dept' });
    await completeOnly(ref.instanceId, 'finance_approval', { decision: 'approve', comment: '资金已落实' }, 'finance_section');
    await completeOnly(ref.instanceId, 'supervisor_approval', { decision: 'approve', comment: '同意' }, 'supervisor');
    await h.settle();

    const view = await h.engine.getInstance(ref.instanceId);
    expect(view!.state).to.equal('completed');
    expect(view!.variables).to.include({
      projectNumber: 'FCZC-2027-0001', cityDecision: 'approve', deptDecision: 'approve', financeDecision: 'approve',
      financeComment: '资金已落实', supervisorDecision: 'approve', outcome: 'approved', agencyName: '四川某某招标代理有限公司',
    });
    expect(view!.variables.applicationProblems).to.deep.equal([]);
    expect(view!.variables.approvalFormDocument).to.be.an('object');
    expect(view!.variables).not.to.have.any.keys('decision', 'comment');
    expect(view!.incidents).to.deep.equal([]);
  });

  it('APPLICATION_INVALID (thrown by check-application) is caught by the boundary and goes back to the applicant', async function () {
    const ref = await h.engine.startInstance({ bpmnProcessId: 'procurement', variables: start, startedBy: 'purchaser' });
    await completeOnly(ref.instanceId, 'fill_application', application({ method: '公开招标', agencyId: 999_999 }), 'purchaser');
    await h.settle();
    const [revise] = await h.openTasks(ref.instanceId);
    expect(revise).to.include({ elementId: 'revise_or_withdraw', assignee: 'purchaser', formId: 'procurement-revise' });
    const problems = (await h.engine.getInstance(ref.instanceId))!.variables.applicationProblems as Array<{ path: string }>;
    expect(problems.map((p) => p.path)).to.include('agencyId');
  });

  it('returns to the applicant, who withdraws; project numbers stay unique per instance', async function () {
    const a = await h.engine.startInstance({ bpmnProcessId: 'procurement', variables: start });
    const b = await h.engine.startInstance({ bpmnProcessId: 'procurement', variables: { ...start, initiator: 'purchaser2' } });
    await completeOnly(a.instanceId, 'fill_application', application({ method: '公开招标' }), 'purchaser');
    await completeOnly(b.instanceId, 'fill_application', application({ method: '公开招标' }), 'purchaser2');
    await completeOnly(a.instanceId, 'dept_approval', { decision: 'return', comment: '需求不明确' }, 'dept_approver');
    await h.settle();
    const [revise] = await h.openTasks(a.instanceId);
    expect(revise).to.include({ elementId: 'revise_or_withdraw', assignee: 'purchaser', formId: 'procurement-revise' });
    await completeOnly(a.instanceId, 'revise_or_withdraw', { applicantAction: 'withdraw', revisionNote: '项目取消' }, 'purchaser');
    await h.settle();
    const va = await h.engine.getInstance(a.instanceId);
    const vb = await h.engine.getInstance(b.instanceId);
    expect(va!.state).to.equal('completed');
    expect(va!.variables).to.include({ deptDecision: 'return', deptComment: '需求不明确', outcome: 'withdrawn' });
    expect([va!.variables.projectNumber, vb!.variables.projectNumber].sort()).to.deep.equal(['FCZC-2027-0001', 'FCZC-2027-0002']);
  });
});
