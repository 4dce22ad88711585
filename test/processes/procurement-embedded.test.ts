/**
 * processes/procurement.bpmn through the persisted embedded runtime (createEngine) with the real workers:
 * deploys, numbers projects in the database, and hands each task to the right people with its form.
 */
import path from 'node:path';
import { expect } from 'chai';
import { ManualClock } from '../../server/clock.ts';
import { createEngine, type Engine } from '../../server/engine/index.ts';
import { defineTaskModels, Task } from '../../server/engine/task-projection.ts';
import { registerWorkers } from '../../server/workers/index.ts';
import { testDatabase, type TestDatabase } from '../helpers/db.ts';
import { FORMS_DIR, readModel } from './model-helpers.ts';

const THRESHOLD = 200_000_000;

describe('processes/procurement.bpmn on the embedded engine', function () {
  let tdb: TestDatabase;
  let clock: ManualClock;
  let engine: Engine;

  beforeEach(async function () {
    tdb = await testDatabase();
    clock = new ManualClock('2026-12-31T16:30:00Z'); // 00:30 on 1 Jan 2027 in Shanghai
    engine = createEngine({ db: tdb.db, clock, formsDir: path.resolve(FORMS_DIR) });
    registerWorkers(engine, { db: tdb.db, clock });
    defineTaskModels(tdb.db.sequelize);
    await engine.deploy({ xml: readModel('procurement.bpmn'), resourceName: 'procurement.bpmn', deployedBy: 'test' });
  });
  afterEach(async function () {
    await engine.stop();
    await tdb.drop();
  });

  const openTasks = (instanceId: string) => Task.findAll({ where: { instanceId, state: 'created' } });

  async function completeOnly(instanceId: string, elementId: string, variables: Record<string, unknown>, actor: string) {
    const open = await openTasks(instanceId);
    expect(open.map((t) => t.elementId), `open tasks before ${elementId}`).to.deep.equal([elementId]);
    await engine.completeUserTask({ taskId: open[0].id, variables, actor });
    return open[0];
  }

  const application = (over: Record<string, unknown> = {}) => ({
    projectName: '涪城区卫健局救护车采购',
    categoryCode: 'A02030000',
    method: '竞争性谈判',
    budgetYuan: 2_500_000,
    fundingSource: '一般公共预算资金',
    smeReserved: true,
    deliveryDate: '2027-05-01',
    description: '负压救护车两辆，含车载医疗设备。',
    ...over,
  });

  it('deploys with the registered workers and the forms in forms/', async function () {
    const again = await engine.deploy({ xml: readModel('procurement.bpmn'), resourceName: 'procurement.bpmn' });
    expect(again).to.include({ bpmnProcessId: 'procurement', version: 1, created: false });
  });

  it('runs an approval with city approval end to end: number, assignments, forms, decisions', async function () {
    const ref = await engine.startInstance({
      bpmnProcessId: 'procurement',
      variables: { initiator: 'purchaser', cityApprovalThresholdFen: THRESHOLD },
      startedBy: 'purchaser',
    });

    const fill = await completeOnly(ref.instanceId, 'fill_application', application(), 'purchaser');
    expect(fill).to.include({ assignee: 'purchaser', formId: 'procurement-application' });

    const city = (await openTasks(ref.instanceId))[0];
    expect(city).to.include({ elementId: 'city_finance_approval', formId: 'approval-city-finance', assignee: null });
    expect(city.groups()).to.deep.equal(['city_finance']);
    expect(JSON.parse(city.headers ?? '{}')).to.include({ approvingBody: '绵阳市财政局' });
    await completeOnly(ref.instanceId, 'city_finance_approval', { decision: 'approve', comment: '同意采用竞争性谈判' }, 'city_finance');

    const dept = await completeOnly(ref.instanceId, 'dept_approval', { decision: 'approve', comment: '同意' }, 'dept_approver');
    expect(dept.groups()).to.deep.equal(['dept_approver']);
    await completeOnly(ref.instanceId, 'finance_approval', { decision: 'approve', comment: '资金已落实' }, 'finance_section');
    await completeOnly(ref.instanceId, 'supervisor_approval', { decision: 'approve', comment: '同意' }, 'supervisor');

    const view = await engine.getInstance(ref.instanceId);
    expect(view!.state).to.equal('completed');
    expect(view!.variables).to.include({
      projectNumber: 'FCZC-2027-0001',
      cityDecision: 'approve',
      deptDecision: 'approve',
      financeDecision: 'approve',
      financeComment: '资金已落实',
      supervisorDecision: 'approve',
    });
    expect(view!.history.some((h) => h.elementId === 'end_approved')).to.equal(true);
    expect(view!.variables).not.to.have.any.keys('decision', 'comment');
    expect(view!.incidents).to.deep.equal([]);
  });

  it('converts the amounts in 元 to integer fen exactly, and a non-open method below the threshold skips the city', async function () {
    const ref = await engine.startInstance({ bpmnProcessId: 'procurement', variables: { initiator: 'purchaser', cityApprovalThresholdFen: THRESHOLD } });
    // 0.29 * 100 is 28.999999999999996 in binary floating point: a naive floor would lose a fen.
    await completeOnly(ref.instanceId, 'fill_application', application({ budgetYuan: 1234.29, maxPriceYuan: 0.29 }), 'purchaser');
    const view = await engine.getInstance(ref.instanceId);
    expect(view!.variables).to.include({ budgetFen: 123429, maxPriceFen: 29 });
    expect(Number.isInteger(view!.variables.budgetFen)).to.equal(true);
    expect((await openTasks(ref.instanceId)).map((t) => t.elementId)).to.deep.equal(['dept_approval']);
  });

  it('returns to the applicant, who withdraws: 申请撤回; numbers stay unique per instance', async function () {
    const a = await engine.startInstance({ bpmnProcessId: 'procurement', variables: { initiator: 'purchaser', cityApprovalThresholdFen: THRESHOLD } });
    const b = await engine.startInstance({ bpmnProcessId: 'procurement', variables: { initiator: 'purchaser2', cityApprovalThresholdFen: THRESHOLD } });
    await completeOnly(a.instanceId, 'fill_application', application({ method: '公开招标' }), 'purchaser');
    await completeOnly(b.instanceId, 'fill_application', application({ method: '公开招标' }), 'purchaser2');

    await completeOnly(a.instanceId, 'dept_approval', { decision: 'return', comment: '需求不明确' }, 'dept_approver');
    const revise = (await openTasks(a.instanceId))[0];
    expect(revise).to.include({ elementId: 'revise_or_withdraw', assignee: 'purchaser', formId: 'procurement-revise' });
    await completeOnly(a.instanceId, 'revise_or_withdraw', { applicantAction: 'withdraw', revisionNote: '项目取消' }, 'purchaser');

    const va = await engine.getInstance(a.instanceId);
    const vb = await engine.getInstance(b.instanceId);
    expect(va!.state).to.equal('completed');
    expect(va!.variables).to.include({ deptDecision: 'return', deptComment: '需求不明确' });
    expect(va!.history.some((h) => h.elementId === 'end_withdrawn')).to.equal(true);
    expect([va!.variables.projectNumber, vb!.variables.projectNumber].sort()).to.deep.equal(['FCZC-2027-0001', 'FCZC-2027-0002']);
  });

  it('records the outcome through the end events’ output mappings (approved / withdrawn)', async function () {
    const a = await engine.startInstance({ bpmnProcessId: 'procurement', variables: { initiator: 'p', cityApprovalThresholdFen: THRESHOLD } });
    await completeOnly(a.instanceId, 'fill_application', application({ method: '公开招标' }), 'p');
    for (const id of ['dept_approval', 'finance_approval', 'supervisor_approval']) {
      await completeOnly(a.instanceId, id, { decision: 'approve', comment: '同意' }, 'x');
    }
    const b = await engine.startInstance({ bpmnProcessId: 'procurement', variables: { initiator: 'p', cityApprovalThresholdFen: THRESHOLD } });
    await completeOnly(b.instanceId, 'fill_application', application({ method: '公开招标' }), 'p');
    await completeOnly(b.instanceId, 'dept_approval', { decision: 'return', comment: '退回' }, 'x');
    await completeOnly(b.instanceId, 'revise_or_withdraw', { applicantAction: 'withdraw', revisionNote: '撤回' }, 'p');
    expect((await engine.getInstance(a.instanceId))!.variables.outcome).to.equal('approved');
    expect((await engine.getInstance(b.instanceId))!.variables.outcome).to.equal('withdrawn');
  });
});
