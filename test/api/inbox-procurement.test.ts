/**
 * The inbox on the real procurement model and forms: server-side form validation (422, every failing field,
 * nothing changes), return with reasons, hidden fields, project search, history with decisions and comments,
 * and the diagram of the instance's deployment — each with its access rule.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import type { Express } from 'express';
import { QueryTypes } from 'sequelize';
import { buildApp } from '../../server/app.ts';
import { createDocumentService } from '../../server/documents/service.ts';
import { ManualClock } from '../../server/clock.ts';
import { createEngine, type Engine } from '../../server/engine/index.ts';
import { defineTaskModels } from '../../server/engine/task-projection.ts';
import { seedDemo } from '../../server/seed/demo.ts';
import { registerWorkers } from '../../server/workers/index.ts';
import { testDatabase, type TestDatabase } from '../helpers/db.ts';
import { applicationVariables, demoAgencyId } from '../helpers/application.ts';
import { DEMO_PASSWORD, testConfig } from './harness.ts';

describe('API inbox on procurement.bpmn: validation, return, history, comments, diagram', () => {
  let tdb: TestDatabase;
  let engine: Engine;
  let app: Express;
  const tokens = new Map<string, string>();
  const clock = new ManualClock('2026-03-02T01:00:00Z');

  before(async () => {
    tdb = await testDatabase();
    await seedDemo(tdb.db, { password: DEMO_PASSWORD });
    const config = { ...testConfig(), formsDir: path.resolve('forms') };
    engine = createEngine({ db: tdb.db, clock, formsDir: config.formsDir });
    registerWorkers(engine, { db: tdb.db, clock });
    await engine.deploy({ xml: fs.readFileSync(path.resolve('processes/procurement.bpmn'), 'utf8'), resourceName: 'procurement.bpmn' });
    app = buildApp({ config, db: tdb.db, engine, clock });
    application = applicationVariables(await demoAgencyId(tdb.db.sequelize), {
      projectName: '涪城区教育局多媒体教室设备采购项目', budgetYuan: 850_000.5, smeReserved: true, description: '多媒体教室交互式一体机 40 台，含安装调试与三年质保。',
    });
    delete application.maxPriceYuan; // optional; keeps the invalid-budget case below to the fields it names
  });
  after(async () => {
    await engine.stop();
    await tdb.drop();
  });

  const auth = async (user: string) => {
    if (!tokens.has(user)) {
      tokens.set(user, (await request(app).post('/api/auth/login').send({ username: user, password: DEMO_PASSWORD }).expect(200)).body.token);
    }
    return `Bearer ${tokens.get(user)}`;
  };
  const Task = () => defineTaskModels(tdb.db.sequelize).Task;
  const openTask = async (instanceId: string, elementId: string) => {
    const t = await Task().findOne({ where: { instanceId, elementId, state: 'created' } });
    expect(t, `open ${elementId}`).to.exist;
    return t!;
  };
  const complete = async (user: string, taskId: string, variables: Record<string, unknown>) =>
    request(app).post(`/api/tasks/${taskId}/complete`).set('Authorization', await auth(user)).send({ variables });
  const recordCount = async () =>
    Number((await tdb.db.sequelize.query<{ n: number }>('SELECT COUNT(*) AS n FROM inbox_comments', { type: QueryTypes.SELECT }))[0]!.n);

  // The shared valid application (test/helpers/application.ts) with the demo agency, set once the registers are seeded.
  let application: Record<string, unknown> & { projectName?: unknown; budgetYuan?: unknown } = {};
  let instanceId = '';
  let deptTaskId = '';
  let records = 0;

  it('an invalid application is refused with 422 naming every failing field in Chinese, and nothing changes', async () => {
    const started = await request(app).post('/api/processes/procurement/instances').set('Authorization', await auth('purchaser')).send({}).expect(201);
    instanceId = started.body.instanceId;
    const fill = await openTask(instanceId, 'fill_application');
    const res = await complete('purchaser', fill.id, { ...application, budgetYuan: 12.345, method: '网上竞价', deliveryDate: '2026-03-01', categoryCode: 'Z9', description: '' });
    expect(res.status).to.equal(422);
    expect(res.body.error.code).to.equal('VALIDATION_FAILED');
    const details = res.body.error.details as { path: string; reason: string }[];
    expect(details.map((d) => d.path)).to.deep.equal([
      'variables.categoryCode', 'variables.method', 'variables.budgetYuan', 'variables.deliveryDate', 'variables.description',
    ]);
    expect(details.find((d) => d.path === 'variables.budgetYuan')!.reason).to.equal('预算金额（元）：最多 2 位小数 (at most 2 decimal digits)；必须是 0.01 的整数倍 (must be a multiple of 0.01)');
    expect(details.find((d) => d.path === 'variables.deliveryDate')!.reason).to.contain('不能早于今天 2026-03-02');
    expect(details.find((d) => d.path === 'variables.description')!.reason).to.contain('必填项');
    await fill.reload();
    expect(fill.state).to.equal('created');
    expect((await engine.getInstance(instanceId))!.variables).to.not.have.property('projectName');
    expect(await recordCount()).to.equal(0);
  });

  it('a valid application moves on; the approver finds it by project name and number, with the legal basis', async () => {
    const fill = await openTask(instanceId, 'fill_application');
    expect((await complete('purchaser', fill.id, application)).status).to.equal(200);
    records = await recordCount(); // the completion's record
    expect(records).to.equal(1);
    const dept = await openTask(instanceId, 'dept_approval');
    deptTaskId = dept.id;
    const byName = (await request(app).get('/api/tasks').query({ q: '多媒体教室' }).set('Authorization', await auth('dept_approver')).expect(200)).body;
    expect(byName.items.map((t: { id: string }) => t.id)).to.deep.equal([dept.id]);
    const item = byName.items[0];
    expect(item.projectNumber).to.match(/^FCZC-2026-\d{4}$/);
    expect(item).to.include({ projectName: application.projectName, legalBasis: '财政部令第74号第4条；财库〔2020〕46号第6条', overdue: false, dueSoon: false });
    const byNumber = (await request(app).get('/api/tasks').query({ project: item.projectNumber }).set('Authorization', await auth('dept_approver')).expect(200)).body;
    expect(byNumber.total).to.equal(1);
    const byNumberText = (await request(app).get('/api/tasks').query({ q: item.projectNumber.slice(5) }).set('Authorization', await auth('dept_approver')).expect(200)).body;
    expect(byNumberText.total).to.equal(1);
    // Not in the finance section's inbox yet.
    expect((await request(app).get('/api/tasks').query({ q: '多媒体教室' }).set('Authorization', await auth('finance_section')).expect(200)).body.total).to.equal(0);
  });

  it('an approval without decision and opinion, or with an unknown decision, is refused; the task stays open and unclaimed', async () => {
    const empty = await complete('dept_approver', deptTaskId, {});
    expect(empty.status).to.equal(422);
    expect(empty.body.error.details).to.deep.equal([
      { path: 'variables.decision', reason: '审批结论：必填项 (required)' },
      { path: 'variables.comment', reason: '审批意见：必填项 (required)' },
    ]);
    const bad = await complete('dept_approver', deptTaskId, { decision: 'reject', comment: '好' });
    expect(bad.body.error.details.map((d: { path: string }) => d.path)).to.deep.equal(['variables.decision', 'variables.comment']);
    expect(bad.body.error.details[0].reason).to.contain('不是可选的值');
    const task = await Task().findByPk(deptTaskId);
    expect(task).to.include({ state: 'created', assignee: null });
    expect(await recordCount()).to.equal(records);
  });

  it('comments: candidates may comment; others get 403; an empty comment is 422', async () => {
    clock.advance(60_000);
    const res = await request(app).post(`/api/tasks/${deptTaskId}/comments`).set('Authorization', await auth('dept_approver')).send({ text: '请补充预算批复文件后再报。' }).expect(201);
    expect(res.body).to.include({ instanceId, taskId: deptTaskId, author: 'dept_approver', text: '请补充预算批复文件后再报。' });
    await request(app).post(`/api/tasks/${deptTaskId}/comments`).set('Authorization', await auth('supplier')).send({ text: '我也看看' }).expect(403);
    const empty = await request(app).post(`/api/tasks/${deptTaskId}/comments`).set('Authorization', await auth('dept_approver')).send({ text: '   ' }).expect(422);
    expect(empty.body.error.details[0].path).to.equal('text');
    expect(await recordCount()).to.equal(records + 1);
  });

  it('return with reasons: decision=return with the opinion routes to the applicant and is recorded with the completion', async () => {
    clock.advance(60_000);
    const res = await complete('dept_approver', deptTaskId, { decision: 'return', comment: '预算金额与批复不一致，请核对后重新提交' });
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ state: 'completed', completedBy: 'dept_approver' });
    const revise = await openTask(instanceId, 'revise_or_withdraw');
    expect(revise.assignee).to.equal('purchaser');
    expect((await engine.getInstance(instanceId))!.variables).to.include({ deptDecision: 'return', deptComment: '预算金额与批复不一致，请核对后重新提交' });
    // Reopened later, the completed task shows the submission; an open task has none.
    const done = await request(app).get(`/api/tasks/${deptTaskId}`).set('Authorization', await auth('dept_approver')).expect(200);
    expect(done.body.submitted).to.deep.equal({ decision: 'return', comment: '预算金额与批复不一致，请核对后重新提交' });
    const openOne = await request(app).get(`/api/tasks/${revise.id}`).set('Authorization', await auth('purchaser')).expect(200);
    expect(openOne.body.submitted).to.equal(null);
  });

  it('history: steps with who and when, the decision and opinion as the form labels them, and comments', async () => {
    const res = await request(app).get(`/api/instances/${instanceId}/history`).set('Authorization', await auth('purchaser')).expect(200);
    const items = res.body.items as { kind: string; elementId: string; event: string; actor: string; actorName: string; summary: { label: string; value: string }[]; text: string }[];
    const deptDone = items.find((i) => i.kind === 'step' && i.elementId === 'dept_approval' && i.event === 'completed')!;
    expect(deptDone.actor).to.equal('dept_approver');
    expect(deptDone.actorName).to.be.a('string').and.not.equal('');
    expect(deptDone.summary).to.deep.equal([
      { key: 'decision', label: '审批结论', value: '退回' },
      { key: 'comment', label: '审批意见', value: '预算金额与批复不一致，请核对后重新提交' },
    ]);
    const comment = items.find((i) => i.kind === 'comment')!;
    expect(comment).to.include({ actor: 'dept_approver', text: '请补充预算批复文件后再报。', elementId: 'dept_approval' });
    // Time order: the comment (one minute before the return) comes before the return.
    expect(items.indexOf(comment)).to.be.below(items.indexOf(deptDone));
    expect(items.some((i) => i.elementId === 'fill_application' && i.event === 'completed' && i.actor === 'purchaser')).to.equal(true);
    // Gateways, and steps on branches not taken (reported by bpmn-engine as canceled without starting), are not shown.
    expect(items.some((i) => i.elementId?.startsWith('gw_'))).to.equal(false);
    expect(items.some((i) => ['finance_approval', 'city_finance_approval', 'end_approved'].includes(i.elementId))).to.equal(false);
    expect(items[0]).to.include({ kind: 'step', elementId: 'start_application', elementType: 'bpmn:StartEvent', event: 'completed' });
    // The same through the task, for whoever completed it; nobody else.
    await request(app).get(`/api/tasks/${deptTaskId}/history`).set('Authorization', await auth('dept_approver')).expect(200);
    await request(app).get(`/api/tasks/${deptTaskId}/history`).set('Authorization', await auth('supplier')).expect(403);
    await request(app).get(`/api/instances/${instanceId}/history`).set('Authorization', await auth('supplier')).expect(403);
    await request(app).get('/api/instances/no-such/history').set('Authorization', await auth('auditor')).expect(404);
  });

  it('diagram: the XML of the instance\'s deployment with the current and completed steps, for those who may see the task', async () => {
    const revise = await openTask(instanceId, 'revise_or_withdraw');
    const res = await request(app).get(`/api/tasks/${revise.id}/diagram`).set('Authorization', await auth('purchaser')).expect(200);
    expect(res.body.xml).to.contain('<bpmn:userTask id="dept_approval"');
    expect(res.body).to.include({ instanceId, processId: 'procurement', version: 1, currentElementId: 'revise_or_withdraw' });
    expect(res.body.activeElementIds).to.deep.equal(['revise_or_withdraw']);
    expect(res.body.completedElementIds).to.include.members(['fill_application', 'assign_project_number', 'dept_approval']);
    expect(res.body.completedElementIds).to.not.include('finance_approval');
    await request(app).get(`/api/tasks/${revise.id}/diagram`).set('Authorization', await auth('dept_approver')).expect(403);
    const inst = await request(app).get(`/api/instances/${instanceId}/diagram`).set('Authorization', await auth('dept_approver')).expect(200);
    expect(inst.body.currentElementId).to.equal(null);
    await request(app).get(`/api/instances/${instanceId}/diagram`).set('Authorization', await auth('supplier')).expect(403);
  });

  it('withdrawing: fields hidden by the form condition are neither validated nor written', async () => {
    const revise = await openTask(instanceId, 'revise_or_withdraw');
    const res = await complete('purchaser', revise.id, { applicantAction: 'withdraw', revisionNote: '项目取消', budgetYuan: -5, projectName: '' });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const view = (await engine.getInstance(instanceId))!;
    expect(view.state).to.equal('completed');
    expect(view.variables).to.include({ outcome: 'withdrawn', budgetYuan: application.budgetYuan, projectName: application.projectName });
  });

  it('resubmitting: the visible application fields are validated against the instance\'s values', async () => {
    const started = await request(app).post('/api/processes/procurement/instances').set('Authorization', await auth('purchaser')).send({}).expect(201);
    const id = started.body.instanceId;
    expect((await complete('purchaser', (await openTask(id, 'fill_application')).id, application)).status).to.equal(200);
    expect((await complete('dept_approver', (await openTask(id, 'dept_approval')).id, { decision: 'return', comment: '需求说明过于简单' })).status).to.equal(200);
    const revise = await openTask(id, 'revise_or_withdraw');
    const bad = await complete('purchaser', revise.id, { applicantAction: 'resubmit', revisionNote: '已修改', budgetYuan: 0 });
    expect(bad.status).to.equal(422);
    expect(bad.body.error.details.map((d: { path: string }) => d.path)).to.deep.equal(['variables.budgetYuan']);
    // Unchanged fields come from the instance and pass.
    expect((await complete('purchaser', revise.id, { applicantAction: 'resubmit', revisionNote: '已修改预算', budgetYuan: 800_000 })).status).to.equal(200);
    await openTask(id, 'dept_approval');
  });

  it('completedBy/completedByName are server-owned: a client sending them gets 422; the inbox adds them, the approvals map them, the 审批表 names the approver', async () => {
    const started = await request(app).post('/api/processes/procurement/instances').set('Authorization', await auth('purchaser')).send({}).expect(201);
    const id = started.body.instanceId;
    expect((await complete('purchaser', (await openTask(id, 'fill_application')).id, application)).status).to.equal(200);
    const approve = { decision: 'approve', comment: '同意' };
    expect((await complete('dept_approver', (await openTask(id, 'dept_approval')).id, approve)).status).to.equal(200);
    expect((await complete('finance_section', (await openTask(id, 'finance_approval')).id, approve)).status).to.equal(200);
    const supervisor = await openTask(id, 'supervisor_approval');
    const forged = await complete('supervisor', supervisor.id, { ...approve, completedBy: 'dept_approver', completedByName: '假冒的审批人' });
    expect(forged.status).to.equal(422);
    expect(forged.body.error.details.map((d: { path: string }) => d.path)).to.deep.equal(['variables.completedBy', 'variables.completedByName']);
    expect(await Task().findByPk(supervisor.id)).to.include({ state: 'created', assignee: null });
    // Completed unclaimed: the completion itself carries who did it.
    expect((await complete('supervisor', supervisor.id, approve)).status).to.equal(200);
    const v = (await engine.getInstance(id))!.variables;
    expect(v).to.include({
      deptApprover: 'dept_approver', deptApproverName: '李审批（教育局主管部门）',
      financeApprover: 'finance_section', financeApproverName: '王科员（财政局政府采购股）',
      supervisorApprover: 'supervisor', supervisorApproverName: '赵监督（财政局监督检查股）',
    });
    const docs = createDocumentService({ db: tdb.db, clock });
    const [doc] = await docs.listDocuments({ instanceId: id, templateId: 'approval-form', limit: 5, offset: 0 });
    expect(doc, 'approval form generated').to.exist;
    const approvals = ((await docs.getVersion(doc!.id))!.data as { approvals: { elementId: string; person?: string }[] }).approvals;
    expect(approvals.map((a) => [a.elementId, a.person])).to.deep.equal([
      ['dept_approval', '李审批（教育局主管部门）'], ['finance_approval', '王科员（财政局政府采购股）'], ['supervisor_approval', '赵监督（财政局监督检查股）'],
    ]);
  });
});
