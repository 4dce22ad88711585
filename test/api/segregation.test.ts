/**
 * Segregation of duties on the approval stages (issue 4 point 3; task header approvalStage): through the inbox API,
 * the applicant cannot claim or complete an approval of their own application; a person who completed one stage
 * cannot claim or complete another stage of the same instance (403 SEGREGATION_OF_DUTIES naming the stage); the
 * same stage again after a resubmission is allowed. stage_actions records each completed stage in the completion's
 * transaction, and the 政府采购项目审批表 names every approver, the supervisor included.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import type { Express } from 'express';
import { buildApp } from '../../server/app.ts';
import { defineAuthModels } from '../../server/auth/models.ts';
import { hashPassword } from '../../server/auth/password.ts';
import { ManualClock } from '../../server/clock.ts';
import { createDocumentService } from '../../server/documents/service.ts';
import { createEngine, type Engine } from '../../server/engine/index.ts';
import { defineTaskModels } from '../../server/engine/task-projection.ts';
import { stageActionsOf } from '../../server/procurement/index.ts';
import { searchGoods } from '../../server/registry/index.ts';
import { registryModels } from '../../server/registry/models.ts';
import { seedDemo } from '../../server/seed/demo.ts';
import { registerWorkers } from '../../server/workers/index.ts';
import { testDatabase, type TestDatabase } from '../helpers/db.ts';
import { DEMO_PASSWORD, testConfig } from './harness.ts';

function procurementModel(): string {
  let xml = fs.readFileSync(path.resolve('processes/procurement.bpmn'), 'utf8');
  const stages: Record<string, string> = { city_finance_approval: 'city', dept_approval: 'dept', finance_approval: 'finance', supervisor_approval: 'supervisor' };
  for (const [id, stage] of Object.entries(stages)) {
    const start = xml.indexOf(`<bpmn:userTask id="${id}"`);
    if (start < 0) continue;
    const end = xml.indexOf('</bpmn:userTask>', start);
    const body = xml.slice(start, end);
    if (body.includes('approvalStage')) continue;
    xml = xml.slice(0, start) + body.replace('<zeebe:taskHeaders>', `<zeebe:taskHeaders>\n          <zeebe:header key="approvalStage" value="${stage}" />`) + xml.slice(end);
  }
  return xml;
}

describe('API segregation of duties on approval stages (SEGREGATION_OF_DUTIES)', function () {
  let tdb: TestDatabase;
  let engine: Engine;
  let app: Express;
  const tokens = new Map<string, string>();
  const clock = new ManualClock('2026-03-02T01:00:00Z');
  let application: Record<string, unknown>;
  let instanceId = '';

  before(async function () {
    tdb = await testDatabase();
    await seedDemo(tdb.db, { password: DEMO_PASSWORD });
    const config = { ...testConfig(), formsDir: path.resolve('forms') };
    engine = createEngine({ db: tdb.db, clock, formsDir: config.formsDir });
    registerWorkers(engine, { db: tdb.db, clock });
    app = buildApp({ config, db: tdb.db, engine, clock });
    await engine.deploy({ xml: procurementModel(), resourceName: 'procurement.bpmn' });
    const goodsId = (await searchGoods(tdb.db.sequelize, { code: 'A02010104' }))[0]!.id;
    const agencyId = (await registryModels(tdb.db.sequelize).Agency.findOne({ where: { status: 'active' } }))!.get('id') as number;
    application = {
      projectName: '涪城区教育局计算机教室设备采购项目', categoryCode: 'A02010104', procurementType: 'goods', method: '公开招标',
      budgetYuan: 220_000, maxPriceYuan: 215_000, fundingSource: '一般公共预算资金', organisationForm: '分散采购', importedProducts: false,
      smeReserved: false, deliveryDate: '2026-08-31', deliveryPlace: '涪城区实验小学计算机教室', description: '计算机教室台式计算机 40 台，含安装调试和三年质保。',
      agencyId, items: [{ itemCode: String(goodsId), itemName: '台式计算机', quantity: 40, unit: '台', unitPriceYuan: 5200 }],
    };
    // An applicant who is also a department approver, and a person holding both the dept and finance roles.
    const { User, Organisation } = defineAuthModels(tdb.db.sequelize);
    const edu = (await Organisation.findOne({ where: { name: '涪城区教育局' } }))!;
    const dept = (await Organisation.findOne({ where: { name: '涪城区教育局（主管部门审批）' } }))!;
    const hash = await hashPassword(DEMO_PASSWORD);
    await User.create({ username: 'zhang', displayName: '张兼审（采购兼主管部门）', passwordHash: hash, roles: 'purchaser,dept_approver', organisationId: edu.id });
    await User.create({ username: 'li', displayName: '李双岗（主管部门兼采购股）', passwordHash: hash, roles: 'dept_approver,finance_section', organisationId: dept.id });
  });
  after(async function () {
    await engine.stop();
    await tdb.drop();
  });

  const auth = async (user: string) => {
    if (!tokens.has(user)) tokens.set(user, (await request(app).post('/api/auth/login').send({ username: user, password: DEMO_PASSWORD }).expect(200)).body.token);
    return `Bearer ${tokens.get(user)}`;
  };
  const Task = () => defineTaskModels(tdb.db.sequelize).Task;
  const open = async (elementId: string) => {
    const t = await Task().findOne({ where: { instanceId, elementId, state: 'created' } });
    expect(t, `open ${elementId}`).to.exist;
    return t!;
  };
  const claim = async (user: string, taskId: string) => request(app).post(`/api/tasks/${taskId}/claim`).set('Authorization', await auth(user)).send({});
  const complete = async (user: string, taskId: string, variables: Record<string, unknown>) =>
    request(app).post(`/api/tasks/${taskId}/complete`).set('Authorization', await auth(user)).send({ variables });
  const approve = (comment: string) => ({ decision: 'approve', comment });

  it('the applicant cannot claim or complete the approval of their own application', async function () {
    const created = await request(app).post('/api/projects').set('Authorization', await auth('zhang')).send(application);
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    instanceId = created.body.instanceId;
    const dept = await open('dept_approval');
    for (const res of [await claim('zhang', dept.id), await complete('zhang', dept.id, approve('同意'))]) {
      expect(res.status, JSON.stringify(res.body)).to.equal(403);
      expect(res.body.error.code).to.equal('SEGREGATION_OF_DUTIES');
      expect(res.body.error.message).to.contain('申请人不能审批本人的采购申请').and.contain('主管部门审批');
    }
    await dept.reload();
    expect(dept).to.include({ state: 'created', assignee: null });
    expect(await stageActionsOf(tdb.db.sequelize, instanceId)).to.deep.equal([]);
  });

  it('a dept approver cannot also do the finance stage; 403 names the stage already acted in', async function () {
    clock.advance(3_600_000);
    const dept = await open('dept_approval');
    expect((await complete('li', dept.id, approve('需求真实，同意'))).status).to.equal(200);
    const actions = await stageActionsOf(tdb.db.sequelize, instanceId);
    expect(actions.map((a) => ({ stage: a.stage, actor: a.actor, elementId: a.elementId, taskId: a.taskId }))).to.deep.equal([{ stage: 'dept', actor: 'li', elementId: 'dept_approval', taskId: dept.id }]);
    const finance = await open('finance_approval');
    for (const res of [await claim('li', finance.id), await complete('li', finance.id, approve('资金已落实'))]) {
      expect(res.status, JSON.stringify(res.body)).to.equal(403);
      expect(res.body.error.code).to.equal('SEGREGATION_OF_DUTIES');
      expect(res.body.error.message).to.contain('您已办理本项目的主管部门审批（dept）').and.contain('财政采购股审核（finance）');
      expect(res.body.error.details).to.deep.equal([{ path: 'approvalStage', reason: 'already completed stage dept (dept_approval) of this instance' }]);
    }
    await finance.reload();
    expect(finance).to.include({ state: 'created', assignee: null });
    // Someone else may: the finance section returns it for revision.
    clock.advance(3_600_000);
    expect((await complete('finance_section', finance.id, { decision: 'return', comment: '资金来源需补充批复文号' })).status).to.equal(200);
  });

  it('the same stage again after a resubmission is allowed; the approval form names every approver', async function () {
    const revise = await open('revise_or_withdraw');
    clock.advance(3_600_000);
    const resubmit = await complete('zhang', revise.id, { applicantAction: 'resubmit', revisionNote: '已补充资金来源批复文号' });
    expect(resubmit.status, JSON.stringify(resubmit.body)).to.equal(200);
    const dept = await open('dept_approval');
    clock.advance(3_600_000);
    expect((await complete('li', dept.id, approve('已补充，同意'))).status).to.equal(200);
    const finance = await open('finance_approval');
    // li is still refused the finance stage on the second pass.
    expect((await complete('li', finance.id, approve('同意'))).body.error.code).to.equal('SEGREGATION_OF_DUTIES');
    clock.advance(3_600_000);
    expect((await complete('finance_section', finance.id, approve('资金已落实'))).status).to.equal(200);
    const supervisor = await open('supervisor_approval');
    clock.advance(86_400_000);
    // Completed without claiming first: the supervisor is recorded by the completion itself.
    const done = await complete('supervisor', supervisor.id, approve('程序合规，同意进场'));
    expect(done.status, JSON.stringify(done.body)).to.equal(200);

    const actions = await stageActionsOf(tdb.db.sequelize, instanceId);
    expect(actions.map((a) => `${a.stage}:${a.actor}`)).to.deep.equal(['dept:li', 'finance:finance_section', 'dept:li', 'finance:finance_section', 'supervisor:supervisor']);

    const docs = createDocumentService({ db: tdb.db, clock });
    const [doc] = await docs.listDocuments({ instanceId, templateId: 'approval-form', limit: 5, offset: 0 });
    expect(doc, 'approval form generated').to.exist;
    const v = (await docs.getVersion(doc!.id))!;
    const approvals = (v.data as { approvals: { elementId: string; person?: string; date?: string }[] }).approvals;
    const byElement = Object.fromEntries(approvals.map((a) => [a.elementId, a]));
    expect(byElement.dept_approval).to.include({ person: '李双岗（主管部门兼采购股）', date: '2026-03-02' });
    expect(byElement.finance_approval).to.include({ person: '王科员（财政局政府采购股）', date: '2026-03-02' });
    expect(byElement.supervisor_approval).to.include({ person: '赵监督（财政局监督检查股）', date: '2026-03-03' });
    expect(v.html).to.contain('赵监督（财政局监督检查股）').and.contain('李双岗（主管部门兼采购股）').and.contain('王科员（财政局政府采购股）');
  });
});
