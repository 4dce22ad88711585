/**
 * processes/procurement.bpmn through the persisted embedded runtime (createEngine) with the real workers and the
 * demo registers: deploys, numbers projects, checks the application against the registers (check-application),
 * hands each approval to the right people with its form and approvalStage, and passes the approved project to the
 * agency's staff (prepare_tender). The whole chain with contract-shaped test workers: procurement-chain.test.ts.
 */
import path from 'node:path';
import { expect } from 'chai';
import { ManualClock } from '../../server/clock.ts';
import { createEngine, type Engine } from '../../server/engine/index.ts';
import { defineTaskModels, Task } from '../../server/engine/task-projection.ts';
import { registerWorkers } from '../../server/workers/index.ts';
import { seedDemo } from '../../server/seed/demo.ts';
import { testDatabase, type TestDatabase } from '../helpers/db.ts';
import { applicationVariables, demoAgencyId, serverStartVariables } from '../helpers/application.ts';
import { FORMS_DIR, readModel } from './model-helpers.ts';

const THRESHOLD = 200_000_000;

describe('processes/procurement.bpmn on the embedded engine', function () {
  let tdb: TestDatabase;
  let clock: ManualClock;
  let engine: Engine;
  let agencyId = 0;
  let startVars: Record<string, unknown> = {};

  before(async function () {
    // One seeded database for the file (the registers check-application reads); instances do not interfere.
    tdb = await testDatabase();
    await seedDemo(tdb.db, { password: 'Demo-2026!' });
    agencyId = await demoAgencyId(tdb.db.sequelize);
  });
  after(async function () {
    await tdb.drop();
  });

  beforeEach(async function () {
    clock = new ManualClock('2026-12-31T16:30:00Z'); // 00:30 on 1 Jan 2027 in Shanghai
    engine = createEngine({ db: tdb.db, clock, formsDir: path.resolve(FORMS_DIR) });
    registerWorkers(engine, { db: tdb.db, clock });
    defineTaskModels(tdb.db.sequelize);
    await engine.deploy({ xml: readModel('procurement.bpmn'), resourceName: 'procurement.bpmn', deployedBy: 'test' });
    startVars = await serverStartVariables(tdb.db.sequelize, 'purchaser', THRESHOLD);
  });
  afterEach(async function () {
    await engine.stop();
  });

  const openTasks = (instanceId: string) => Task.findAll({ where: { instanceId, state: 'created' } });

  async function completeOnly(instanceId: string, elementId: string, variables: Record<string, unknown>, actor: string) {
    const open = await openTasks(instanceId);
    expect(open.map((t) => t.elementId), `open tasks before ${elementId}`).to.deep.equal([elementId]);
    await engine.completeUserTask({ taskId: open[0].id, variables, actor });
    return open[0];
  }

  const application = (over: Record<string, unknown> = {}) =>
    applicationVariables(agencyId, { method: '竞争性谈判', budgetYuan: 2_500_000, maxPriceYuan: 2_400_000, smeReserved: true, ...over });
  const start = (initiator = 'purchaser') => engine.startInstance({ bpmnProcessId: 'procurement', variables: { ...startVars, initiator }, startedBy: initiator });

  it('deploys with the registered workers and the forms in forms/', async function () {
    const again = await engine.deploy({ xml: readModel('procurement.bpmn'), resourceName: 'procurement.bpmn' });
    expect(again).to.include({ bpmnProcessId: 'procurement', created: false });
  });

  it('runs the approval stage with city approval: number, application check, assignments, approvalStage, on to the agency', async function () {
    const ref = await start();
    const fill = await completeOnly(ref.instanceId, 'fill_application', application(), 'purchaser');
    expect(fill).to.include({ assignee: 'purchaser', formId: 'procurement-application' });

    const city = (await openTasks(ref.instanceId))[0];
    expect(city).to.include({ elementId: 'city_finance_approval', formId: 'approval-city-finance', assignee: null });
    expect(city.groups()).to.deep.equal(['city_finance']);
    expect(JSON.parse(city.headers ?? '{}')).to.include({ approvingBody: '绵阳市财政局', approvalStage: 'city' });
    await completeOnly(ref.instanceId, 'city_finance_approval', { decision: 'approve', comment: '同意采用竞争性谈判' }, 'city_finance');

    const dept = await completeOnly(ref.instanceId, 'dept_approval', { decision: 'approve', comment: '同意' }, 'dept_approver');
    expect(dept.groups()).to.deep.equal(['dept_approver']);
    expect(JSON.parse(dept.headers ?? '{}')).to.include({ approvalStage: 'dept' });
    const fin = await completeOnly(ref.instanceId, 'finance_approval', { decision: 'approve', comment: '资金已落实' }, 'finance_section');
    expect(JSON.parse(fin.headers ?? '{}')).to.include({ approvalStage: 'finance' });
    const sup = await completeOnly(ref.instanceId, 'supervisor_approval', { decision: 'approve', comment: '同意' }, 'supervisor');
    expect(JSON.parse(sup.headers ?? '{}')).to.include({ approvalStage: 'supervisor' });

    const view = await engine.getInstance(ref.instanceId);
    expect(view!.state).to.equal('active');
    expect(view!.incidents).to.deep.equal([]);
    expect(view!.variables.projectNumber).to.match(/^FCZC-2027-\d{4}$/);
    expect(view!.variables).to.include({ cityDecision: 'approve', deptDecision: 'approve', financeDecision: 'approve', financeComment: '资金已落实', supervisorDecision: 'approve', agencyName: '四川某某招标代理有限公司' });
    expect(view!.variables.applicationProblems).to.deep.equal([]);
    expect(view!.variables.itemsFen).to.deep.equal([{ itemCode: 'A02010104', itemName: '台式计算机', quantity: 40, unit: '台', unitPriceFen: 520_000, lineTotalFen: 20_800_000 }]);
    expect(view!.history.some((h) => h.elementId === 'generate_approval_form')).to.equal(true);
    expect(view!.variables).not.to.have.any.keys('decision', 'comment');
    // The approved project goes to the staff of the agency named in the application.
    const [prepare] = await openTasks(ref.instanceId);
    expect(prepare).to.include({ elementId: 'prepare_tender', formId: 'tender-preparation', assignee: null });
    expect(prepare.users()).to.deep.equal(view!.variables.agencyUsers);
    expect(prepare.users()).to.include('agency');
  });

  it('converts the amounts in 元 to integer fen exactly, and a non-open method below the threshold skips the city', async function () {
    const ref = await start();
    // 0.29 * 100 is 28.999999999999996 in binary floating point: a naive floor would lose a fen.
    await completeOnly(ref.instanceId, 'fill_application', application({ budgetYuan: 221_234.29, maxPriceYuan: 210_000.29 }), 'purchaser');
    const view = await engine.getInstance(ref.instanceId);
    expect(view!.variables).to.include({ budgetFen: 22_123_429, maxPriceFen: 21_000_029 });
    expect(Number.isInteger(view!.variables.budgetFen)).to.equal(true);
    expect((await openTasks(ref.instanceId)).map((t) => t.elementId)).to.deep.equal(['dept_approval']);
  });

  it('an application the registers refuse (unknown agency, items over budget) goes back with applicationProblems', async function () {
    const ref = await start();
    await completeOnly(ref.instanceId, 'fill_application', application({ method: '公开招标', agencyId: 999_999, budgetYuan: 100_000, maxPriceYuan: 90_000 }), 'purchaser');
    const [revise] = await openTasks(ref.instanceId);
    expect(revise).to.include({ elementId: 'revise_or_withdraw', assignee: 'purchaser', formId: 'procurement-revise' });
    const problems = (await engine.getInstance(ref.instanceId))!.variables.applicationProblems as Array<{ path: string }>;
    expect(problems.map((p) => p.path)).to.include.members(['agencyId', 'items']);
    await completeOnly(ref.instanceId, 'revise_or_withdraw', { applicantAction: 'resubmit', revisionNote: '改正', agencyId, budgetYuan: 2_500_000 }, 'purchaser');
    expect((await openTasks(ref.instanceId)).map((t) => t.elementId)).to.deep.equal(['dept_approval']);
    expect((await engine.getInstance(ref.instanceId))!.variables.applicationProblems).to.deep.equal([]);
  });

  it('returns to the applicant, who withdraws: 申请撤回, outcome withdrawn; numbers stay unique per instance', async function () {
    const a = await start('purchaser');
    const b = await start('purchaser2');
    await completeOnly(a.instanceId, 'fill_application', application({ method: '公开招标' }), 'purchaser');
    await completeOnly(b.instanceId, 'fill_application', application({ method: '公开招标' }), 'purchaser2');

    await completeOnly(a.instanceId, 'dept_approval', { decision: 'return', comment: '需求不明确' }, 'dept_approver');
    const revise = (await openTasks(a.instanceId))[0];
    expect(revise).to.include({ elementId: 'revise_or_withdraw', assignee: 'purchaser', formId: 'procurement-revise' });
    await completeOnly(a.instanceId, 'revise_or_withdraw', { applicantAction: 'withdraw', revisionNote: '项目取消' }, 'purchaser');

    const va = await engine.getInstance(a.instanceId);
    const vb = await engine.getInstance(b.instanceId);
    expect(va!.state).to.equal('completed');
    expect(va!.variables).to.include({ deptDecision: 'return', deptComment: '需求不明确', outcome: 'withdrawn' });
    expect(va!.history.some((h) => h.elementId === 'end_withdrawn')).to.equal(true);
    expect(va!.variables.projectNumber).to.not.equal(vb!.variables.projectNumber);
  });
});
