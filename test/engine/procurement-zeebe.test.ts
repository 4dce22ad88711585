/**
 * processes/procurement.bpmn, the shipped model, with the real workers (project numbers, deadlines) on the Zeebe
 * adapter over the in-process doubles: the same model and the same worker functions as in embedded mode
 * (test/processes/procurement-embedded.test.ts). The doubles check the adapter's protocol use, not Zeebe itself.
 */
import path from 'node:path';
import { expect } from 'chai';
import { registerWorkers } from '../../server/workers/index.ts';
import { FORMS_DIR, readModel } from '../processes/model-helpers.ts';
import { adapterHarness, type AdapterHarness } from './adapters.ts';

const THRESHOLD = 200_000_000;

describe('processes/procurement.bpmn on the Zeebe adapter (over the test doubles)', function () {
  let h: AdapterHarness;

  beforeEach(async function () {
    h = await adapterHarness('zeebe', (engine, deps) => registerWorkers(engine, deps), {
      formsDir: path.resolve(FORMS_DIR), now: '2026-12-31T16:30:00Z', searchLagMs: 10,
    });
    await h.engine.deploy({ xml: readModel('procurement.bpmn'), resourceName: 'procurement.bpmn', deployedBy: 'test' });
  });
  afterEach(() => h.close());

  async function completeOnly(instanceId: string, elementId: string, variables: Record<string, unknown>, actor: string) {
    const open = await h.openTasks(instanceId);
    expect(open.map((t) => t.elementId), `open tasks before ${elementId}`).to.deep.equal([elementId]);
    await h.engine.completeUserTask({ taskId: open[0]!.id, variables, actor });
    return open[0]!;
  }

  const application = (over: Record<string, unknown> = {}) => ({
    projectName: '涪城区卫健局救护车采购', categoryCode: 'A02030000', method: '竞争性谈判', budgetYuan: 2_500_000,
    fundingSource: '一般公共预算资金', smeReserved: true, deliveryDate: '2027-05-01', description: '负压救护车两辆，含车载医疗设备。',
    ...over,
  });

  it('deploys the model together with the forms it links, once', async function () {
    const again = await h.engine.deploy({ xml: readModel('procurement.bpmn'), resourceName: 'procurement.bpmn' });
    expect(again).to.include({ bpmnProcessId: 'procurement', version: 1, created: false });
    const forms = [...h.doubles!.broker.forms.keys()].sort();
    expect(forms).to.include.members(['procurement-application', 'approval-dept', 'approval-finance', 'approval-supervisor', 'approval-city-finance', 'procurement-revise']);
  });

  it('runs an approval with city approval end to end: number, assignments, forms, decisions', async function () {
    const ref = await h.engine.startInstance({ bpmnProcessId: 'procurement', variables: { initiator: 'purchaser', cityApprovalThresholdFen: THRESHOLD }, startedBy: 'purchaser' });
    const fill = await completeOnly(ref.instanceId, 'fill_application', application(), 'purchaser');
    expect(fill).to.include({ assignee: 'purchaser', formId: 'procurement-application' });

    const [city] = await h.openTasks(ref.instanceId);
    expect(city).to.include({ elementId: 'city_finance_approval', formId: 'approval-city-finance', assignee: null });
    expect(city!.groups()).to.deep.equal(['city_finance']);
    expect(JSON.parse(city!.headers ?? '{}')).to.include({ approvingBody: '绵阳市财政局' });
    await completeOnly(ref.instanceId, 'city_finance_approval', { decision: 'approve', comment: '同意采用竞争性谈判' }, 'city_finance');
    const dept = await completeOnly(ref.instanceId, 'dept_approval', { decision: 'approve', comment: '同意' }, 'dept_approver');
    expect(dept.groups()).to.deep.equal(['dept_approver']);
    await completeOnly(ref.instanceId, 'finance_approval', { decision: 'approve', comment: '资金已落实' }, 'finance_section');
    await completeOnly(ref.instanceId, 'supervisor_approval', { decision: 'approve', comment: '同意' }, 'supervisor');
    await h.settle();

    const view = await h.engine.getInstance(ref.instanceId);
    expect(view!.state).to.equal('completed');
    expect(view!.variables).to.include({
      projectNumber: 'FCZC-2027-0001', cityDecision: 'approve', deptDecision: 'approve', financeDecision: 'approve',
      financeComment: '资金已落实', supervisorDecision: 'approve', outcome: 'approved',
    });
    expect(view!.variables).not.to.have.any.keys('decision', 'comment');
    expect(view!.incidents).to.deep.equal([]);
  });

  it('returns to the applicant, who withdraws; project numbers stay unique per instance', async function () {
    const a = await h.engine.startInstance({ bpmnProcessId: 'procurement', variables: { initiator: 'purchaser', cityApprovalThresholdFen: THRESHOLD } });
    const b = await h.engine.startInstance({ bpmnProcessId: 'procurement', variables: { initiator: 'purchaser2', cityApprovalThresholdFen: THRESHOLD } });
    await completeOnly(a.instanceId, 'fill_application', application({ method: '公开招标' }), 'purchaser');
    await completeOnly(b.instanceId, 'fill_application', application({ method: '公开招标' }), 'purchaser2');
    await completeOnly(a.instanceId, 'dept_approval', { decision: 'return', comment: '需求不明确' }, 'dept_approver');
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
