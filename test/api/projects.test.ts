/**
 * The projects API (CHAIN.md "HTTP", H4) on the real procurement model and forms: POST /api/projects validates like
 * the form and like check-application (422 naming every field, nothing started), starts the instance and files the
 * application as the purchaser; the project row follows the process (engine listener); list and detail are scoped by
 * role and organisation (another purchaser's project is 404; suppliers and experts 403); the diagram.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import type { Express } from 'express';
import { QueryTypes } from 'sequelize';
import { buildApp } from '../../server/app.ts';
import { defineAuthModels } from '../../server/auth/models.ts';
import { hashPassword } from '../../server/auth/password.ts';
import { ManualClock } from '../../server/clock.ts';
import { createEngine, type Engine } from '../../server/engine/index.ts';
import { defineTaskModels } from '../../server/engine/task-projection.ts';
import { searchGoods } from '../../server/registry/index.ts';
import { registryModels } from '../../server/registry/models.ts';
import { seedDemo } from '../../server/seed/demo.ts';
import { registerWorkers } from '../../server/workers/index.ts';
import { testDatabase, type TestDatabase } from '../helpers/db.ts';
import { DEMO_PASSWORD, testConfig } from './harness.ts';

/** The shipped model; approval tasks get their approvalStage header if the shipped version predates it. */
export function procurementModel(): string {
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

describe('API /api/projects: create, validate, scope, detail, diagram', function () {
  let tdb: TestDatabase;
  let engine: Engine;
  let app: Express;
  const tokens = new Map<string, string>();
  const clock = new ManualClock('2026-03-02T01:00:00Z');
  let goodsId = 0;
  let agencyId = 0;
  let projectId = 0;

  before(async function () {
    tdb = await testDatabase();
    await seedDemo(tdb.db, { password: DEMO_PASSWORD });
    const config = { ...testConfig(), formsDir: path.resolve('forms') };
    engine = createEngine({ db: tdb.db, clock, formsDir: config.formsDir });
    registerWorkers(engine, { db: tdb.db, clock });
    app = buildApp({ config, db: tdb.db, engine, clock });
    await engine.deploy({ xml: procurementModel(), resourceName: 'procurement.bpmn' });
    goodsId = (await searchGoods(tdb.db.sequelize, { code: 'A02010104' }))[0]!.id;
    agencyId = (await registryModels(tdb.db.sequelize).Agency.findOne({ where: { status: 'active' } }))!.get('id') as number;
    // A purchaser of another organisation.
    const { User, Organisation } = defineAuthModels(tdb.db.sequelize);
    const other = await Organisation.create({ name: '涪城区卫生健康局', kind: 'purchaser_unit', creditCode: null });
    await User.create({ username: 'other_purchaser', displayName: '钱采购（卫健局）', passwordHash: await hashPassword(DEMO_PASSWORD), roles: 'purchaser', organisationId: other.id });
    // Staff of another agency.
    const otherAgencyOrg = await Organisation.create({ name: '四川另一招标代理有限公司', kind: 'agency', creditCode: null });
    const agency2 = await User.create({ username: 'agency2', displayName: '钱代理（另一代理机构）', passwordHash: await hashPassword(DEMO_PASSWORD), roles: 'agency', organisationId: otherAgencyOrg.id });
    await registryModels(tdb.db.sequelize).Agency.create({ creditCode: '91510703MA6AG0003X', name: '四川另一招标代理有限公司', contactName: '钱', contactPhone: '0816-7654321', address: '绵阳', staffUserIds: [agency2.id], organisationId: otherAgencyOrg.id, status: 'active', version: 1, createdAt: new Date(), updatedAt: new Date(), updatedBy: 'test' });
  });
  after(async function () {
    await engine.stop();
    await tdb.drop();
  });

  const auth = async (user: string) => {
    if (!tokens.has(user)) tokens.set(user, (await request(app).post('/api/auth/login').send({ username: user, password: DEMO_PASSWORD }).expect(200)).body.token);
    return `Bearer ${tokens.get(user)}`;
  };
  const post = async (user: string, body: object) => request(app).post('/api/projects').set('Authorization', await auth(user)).send(body);
  const get = async (user: string, url: string) => request(app).get(url).set('Authorization', await auth(user));
  const instanceCount = async () => Number((await tdb.db.sequelize.query<{ n: number }>('SELECT COUNT(*) AS n FROM engine_instances', { type: QueryTypes.SELECT }))[0]!.n);

  const application = (over: Record<string, unknown> = {}) => ({
    projectName: '涪城区教育局计算机教室设备采购项目', categoryCode: 'A02010104', procurementType: 'goods', method: '公开招标',
    budgetYuan: 220_000, maxPriceYuan: 215_000, fundingSource: '一般公共预算资金', organisationForm: '分散采购', importedProducts: false,
    smeReserved: false, deliveryDate: '2026-08-31', deliveryPlace: '涪城区实验小学计算机教室', description: '计算机教室台式计算机 40 台，含安装调试和三年质保。',
    agencyId, items: [{ itemCode: String(goodsId), itemName: '台式计算机', quantity: 40, unit: '台', unitPriceYuan: 5200.1 }],
    ...over,
  });

  it('refuses an invalid application with 422 naming every field, and starts nothing', async function () {
    const before = await instanceCount();
    const res = await post('purchaser', application({
      categoryCode: 'A99', budgetYuan: 100_000, maxPriceYuan: 150_000, agencyId: 99_999,
      items: [
        { itemCode: '999999', itemName: '不存在的商品', quantity: 1, unit: '台', unitPriceYuan: 10 },
        { itemCode: String(goodsId), itemName: '台式计算机', quantity: 0, unit: '台', unitPriceYuan: 5200 },
        { itemCode: String(goodsId), itemName: '台式计算机', quantity: 20, unit: '台', unitPriceYuan: 5200.005 },
        { itemCode: String(goodsId), itemName: '台式计算机', quantity: 25, unit: '台', unitPriceYuan: 5000 },
      ],
    }));
    expect(res.status, JSON.stringify(res.body)).to.equal(422);
    expect(res.body.error.code).to.equal('VALIDATION_FAILED');
    const paths = (res.body.error.details as { path: string }[]).map((d) => d.path);
    for (const p of ['categoryCode', 'maxPriceYuan', 'items.0.itemCode', 'items.1.quantity', 'items.2.unitPriceYuan', 'items', 'agencyId']) expect(paths, p).to.include(p);
    const total = (res.body.error.details as { path: string; reason: string }[]).find((d) => d.path === 'items')!;
    // 10.00 + 25 × 5,000.00 = 125,010.00 元 > 100,000.00 元 (the invalid lines do not count).
    expect(total.reason).to.contain('125,010.00').and.contain('100,000.00');
    expect(await instanceCount()).to.equal(before);

    // Fields outside the application are refused, and server-owned variables cannot be supplied.
    const extra = await post('purchaser', { ...application(), initiator: 'supervisor', deptDecision: 'approve' });
    expect(extra.status).to.equal(422);
    expect((extra.body.error.details as { path: string }[]).map((d) => d.path).sort()).to.deep.equal(['deptDecision', 'initiator']);
    // An agency without staff accounts cannot be chosen.
    const { Agency } = registryModels(tdb.db.sequelize);
    const empty = await Agency.create({ creditCode: '91510703MA6AG0002X', name: '无人代理有限公司', contactName: '无', contactPhone: '0816-1234567', address: '绵阳', staffUserIds: [], organisationId: null, status: 'active', version: 1, createdAt: new Date(), updatedAt: new Date(), updatedBy: 'test' });
    const noStaff = await post('purchaser', application({ agencyId: empty.get('id') }));
    expect(noStaff.status).to.equal(422);
    expect(noStaff.body.error.details).to.deep.include({ path: 'agencyId', reason: '代理机构「无人代理有限公司」没有登记从业人员账号，无法办理 (agency has no staff accounts)' });
    expect(await instanceCount()).to.equal(before);
  });

  it('only purchasers create; the project starts, the application is filed, and the project number is returned', async function () {
    expect((await post('dept_approver', application())).status).to.equal(403);
    expect((await post('supplier', application())).status).to.equal(403);
    const res = await post('purchaser', application());
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    projectId = res.body.id;
    expect(res.body).to.include({ initiator: 'purchaser', purchaserName: '涪城区教育局', projectName: '涪城区教育局计算机教室设备采购项目', method: '公开招标', budgetFen: 22_000_000, maxPriceFen: 21_500_000, agencyId });
    expect(res.body.projectNumber).to.match(/^FCZC-2026-\d{4}$/);
    expect(res.body.status).to.equal('approving');
    expect(res.body.currentSteps.map((s: { elementId: string }) => s.elementId)).to.deep.equal(['dept_approval']);
    const instance = (await engine.getInstance(res.body.instanceId))!;
    expect(instance.variables).to.include({ initiator: 'purchaser', purchaserName: '涪城区教育局', agencyId });
    expect(instance.variables.agencyOptions).to.deep.include({ label: '四川某某招标代理有限公司', value: agencyId });
    const fill = await defineTaskModels(tdb.db.sequelize).Task.findOne({ where: { instanceId: res.body.instanceId, elementId: 'fill_application' } });
    expect(fill).to.include({ state: 'completed', completedBy: 'purchaser' });
    // The filing is in the instance's history like an inbox completion.
    const history = await get('purchaser', `/api/instances/${res.body.instanceId}/history`);
    expect(history.status).to.equal(200);
    expect(JSON.stringify(history.body)).to.contain('涪城区教育局计算机教室设备采购项目');
  });

  it('lists and shows projects by role and organisation; others get 404 or 403', async function () {
    const own = await get('purchaser', '/api/projects');
    expect(own.status).to.equal(200);
    expect(own.body.items.map((p: { id: number }) => p.id)).to.deep.equal([projectId]);
    expect(own.body.total).to.equal(1);
    expect((await get('other_purchaser', '/api/projects')).body.items).to.deep.equal([]);
    expect((await get('other_purchaser', `/api/projects/${projectId}`)).status).to.equal(404);
    expect((await get('other_purchaser', `/api/projects/${projectId}/diagram`)).status).to.equal(404);
    // An agency sees only the projects entrusted to it.
    expect((await get('agency2', '/api/projects')).body.items).to.deep.equal([]);
    expect((await get('agency2', `/api/projects/${projectId}`)).status).to.equal(404);
    for (const role of ['dept_approver', 'finance_section', 'supervisor', 'city_finance', 'auditor', 'process_admin', 'agency']) {
      const list = await get(role, '/api/projects');
      expect(list.status, role).to.equal(200);
      expect(list.body.items.map((p: { id: number }) => p.id), role).to.deep.equal([projectId]);
      expect((await get(role, `/api/projects/${projectId}`)).status, role).to.equal(200);
    }
    for (const role of ['supplier', 'expert']) {
      expect((await get(role, '/api/projects')).status, role).to.equal(403);
      expect((await get(role, `/api/projects/${projectId}`)).status, role).to.equal(403);
    }
    expect((await get('purchaser', '/api/projects?q=计算机教室')).body.total).to.equal(1);
    expect((await get('purchaser', '/api/projects?q=救护车')).body.total).to.equal(0);
    expect((await get('purchaser', '/api/projects?status=approving')).body.total).to.equal(1);
    expect((await get('purchaser', '/api/projects?status=archived')).body.total).to.equal(0);
    expect((await get('purchaser', '/api/projects/abc')).status).to.equal(422);
    expect((await get('purchaser', '/api/projects/999999')).status).to.equal(404);
  });

  it('detail: status follows the process (returned), items in exact fen, current steps, diagram', async function () {
    const d = (await get('purchaser', `/api/projects/${projectId}`)).body;
    const Task = defineTaskModels(tdb.db.sequelize).Task;
    const dept = await Task.findOne({ where: { instanceId: d.instanceId, elementId: 'dept_approval', state: 'created' } });
    const ret = await request(app).post(`/api/tasks/${dept!.id}/complete`).set('Authorization', await auth('dept_approver')).send({ variables: { decision: 'return', comment: '请补充配置标准说明' } });
    expect(ret.status, JSON.stringify(ret.body)).to.equal(200);
    const after = (await get('purchaser', `/api/projects/${projectId}`)).body;
    expect(after.status).to.equal('returned');
    expect(after.currentSteps[0]).to.include({ elementId: 'revise_or_withdraw', assignee: 'purchaser' });
    // check-application's itemsFen: 40 × 5,200.10 元 = 208,004.00 元, exactly.
    expect(after.items[0]).to.include({ unitPriceFen: 520_010, lineTotalFen: 20_800_400, quantity: 40 });
    expect(after.agencyName).to.equal('四川某某招标代理有限公司');
    const diagram = await get('purchaser', `/api/projects/${projectId}/diagram`);
    expect(diagram.status).to.equal(200);
    expect(diagram.body.xml).to.contain('bpmn:definitions');
    expect(diagram.body.activeElementIds).to.include('revise_or_withdraw');
    expect(diagram.body.completedElementIds).to.include.members(['fill_application', 'dept_approval']);
  });

  it('a resubmission that breaks the check comes back with applicationProblems (APPLICATION_INVALID); a valid one goes on', async function () {
    const d = (await get('purchaser', `/api/projects/${projectId}`)).body;
    const Task = defineTaskModels(tdb.db.sequelize).Task;
    const revise = async (variables: Record<string, unknown>) => {
      const t = await Task.findOne({ where: { instanceId: d.instanceId, elementId: 'revise_or_withdraw', state: 'created' } });
      expect(t, 'revise task open').to.exist;
      return request(app).post(`/api/tasks/${t!.id}/complete`).set('Authorization', await auth('purchaser')).send({ variables });
    };
    // 50 × 5,000.00 元 = 250,000.00 元 > the 220,000.00 元 budget: the form cannot see it, check-application does.
    const over = await revise({ applicantAction: 'resubmit', revisionNote: '增加数量', items: [{ itemCode: String(goodsId), itemName: '台式计算机', quantity: 50, unit: '台', unitPriceYuan: 5000 }] });
    expect(over.status, JSON.stringify(over.body)).to.equal(200);
    const back = (await get('purchaser', `/api/projects/${projectId}`)).body;
    expect(back.status).to.equal('returned');
    expect(back.currentSteps.map((s: { elementId: string }) => s.elementId)).to.deep.equal(['revise_or_withdraw']);
    expect(back.applicationProblems.map((p: { path: string }) => p.path)).to.deep.equal(['items']);
    expect(back.applicationProblems[0].reason).to.contain('250,000.00').and.contain('220,000.00');

    const ok = await revise({ applicantAction: 'resubmit', revisionNote: '按预算调整数量', items: [{ itemCode: String(goodsId), itemName: '台式计算机', quantity: 42, unit: '台', unitPriceYuan: 5000 }] });
    expect(ok.status, JSON.stringify(ok.body)).to.equal(200);
    const on = (await get('purchaser', `/api/projects/${projectId}`)).body;
    expect(on.status).to.equal('approving');
    expect(on.applicationProblems).to.deep.equal([]);
    expect(on.items).to.deep.equal([{ itemCode: String(goodsId), itemName: '台式计算机', quantity: 42, unit: '台', unitPriceFen: 500_000, lineTotalFen: 21_000_000 }]);
  });
});
