/**
 * The inbox API (/api/tasks) in distributed mode: the shipped procurement model on the Zeebe adapter over the
 * test doubles, with user tasks read from the app's `tasks` projection that the adapter keeps from Camunda's
 * (lagging) user-task search. Visibility and segregation of duties must hold exactly as in embedded mode: each
 * step is seen and acted on only by its own role or assignee. The doubles check the adapter's protocol use, not
 * Zeebe itself.
 */
import path from 'node:path';
import request from 'supertest';
import { expect } from 'chai';
import type { Express } from 'express';
import { buildApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { seedDemo } from '../../server/seed/demo.ts';
import { registerWorkers } from '../../server/workers/index.ts';
import { approvalStageModel, FORMS_DIR, readModel } from '../processes/model-helpers.ts';
import { applicationVariables, demoAgencyId, serverStartVariables } from '../helpers/application.ts';
import { adapterHarness, type AdapterHarness } from './adapters.ts';

const PASSWORD = 'demo1234';

describe('inbox API on the Zeebe adapter (over the test doubles)', function () {
  let h: AdapterHarness;
  let app: Express;
  const tokens = new Map<string, string>();

  before(async function () {
    h = await adapterHarness('zeebe', (engine, deps) => registerWorkers(engine, deps), { formsDir: path.resolve(FORMS_DIR), searchLagMs: 20 });
    await seedDemo(h.tdb.db, { password: PASSWORD });
    // The doubles cannot run the chain after approval (timers, event gateways, multi-instance): stage A of the shipped model.
    await h.engine.deploy({ xml: await approvalStageModel(readModel('procurement.bpmn')), resourceName: 'procurement.bpmn', deployedBy: 'test' });
    const config = loadConfig({ JWT_SECRET: 'test-secret-0123456789-abcdefghijklmnop', DEMO_PASSWORD: PASSWORD, FORMS_DIR: path.resolve(FORMS_DIR), LOG_LEVEL: 'silent' });
    app = buildApp({ config, db: h.tdb.db, engine: h.engine, clock: h.clock });
  });
  after(() => h.close());

  async function as(user: string): Promise<string> {
    if (!tokens.has(user)) {
      const res = await request(app).post('/api/auth/login').send({ username: user, password: PASSWORD });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      tokens.set(user, `Bearer ${res.body.token}`);
    }
    return tokens.get(user)!;
  }
  const list = async (user: string, scope = 'all') => (await request(app).get(`/api/tasks?scope=${scope}`).set('Authorization', await as(user))).body.items as { id: string; elementId: string }[];

  it('shows each step only to its role, refuses others, and moves on after each completion', async function () {
    await h.engine.startInstance({ bpmnProcessId: 'procurement', variables: await serverStartVariables(h.tdb.db.sequelize, 'purchaser'), startedBy: 'purchaser' });
    await h.settle();
    const [fill] = await list('purchaser', 'mine');
    expect(fill).to.include({ elementId: 'fill_application' });
    expect(await list('dept_approver')).to.deep.equal([]);
    expect((await request(app).get(`/api/tasks/${fill!.id}`).set('Authorization', await as('dept_approver'))).status).to.equal(403);

    const done = await request(app).post(`/api/tasks/${fill!.id}/complete`).set('Authorization', await as('purchaser')).send({
      variables: applicationVariables(await demoAgencyId(h.tdb.db.sequelize), { projectName: '涪城区卫健局救护车采购', budgetYuan: 2_500_000, smeReserved: true, deliveryDate: '2027-05-01', description: '负压救护车两辆，含车载医疗设备。' }),
    });
    expect(done.status, JSON.stringify(done.body)).to.equal(200);
    expect(done.body).to.include({ state: 'completed', completedBy: 'purchaser' });
    await h.settle();

    const [dept] = await list('dept_approver', 'groups');
    expect(dept).to.include({ elementId: 'dept_approval' });
    // The applicant cannot act on the approval of their own application (segregation of duties).
    expect(await list('purchaser')).to.deep.equal([]);
    expect((await request(app).post(`/api/tasks/${dept!.id}/claim`).set('Authorization', await as('purchaser')).send({})).status).to.equal(403);
    expect((await request(app).post(`/api/tasks/${dept!.id}/claim`).set('Authorization', await as('finance_section')).send({})).status).to.equal(403);

    const claim = await request(app).post(`/api/tasks/${dept!.id}/claim`).set('Authorization', await as('dept_approver')).send({});
    expect(claim.status, JSON.stringify(claim.body)).to.equal(200);
    expect(claim.body.assignee).to.equal('dept_approver');
    await h.settle(); // the lagging search must not undo the claim
    expect((await list('dept_approver', 'mine')).map((t) => t.id)).to.deep.equal([dept!.id]);

    const approve = await request(app).post(`/api/tasks/${dept!.id}/complete`).set('Authorization', await as('dept_approver')).send({ variables: { decision: 'approve', comment: '同意' } });
    expect(approve.status, JSON.stringify(approve.body)).to.equal(200);
    const again = await request(app).post(`/api/tasks/${dept!.id}/complete`).set('Authorization', await as('dept_approver')).send({ variables: { decision: 'approve', comment: '同意' } });
    expect(again.status).to.equal(409);
    await h.settle();

    expect(await list('dept_approver')).to.deep.equal([]);
    expect((await list('dept_approver', 'completed')).map((t) => t.elementId)).to.deep.equal(['dept_approval']);
    const [finance] = await list('finance_section', 'groups');
    expect(finance).to.include({ elementId: 'finance_approval' });
    const detail = await request(app).get(`/api/tasks/${finance!.id}`).set('Authorization', await as('finance_section'));
    expect(detail.status).to.equal(200);
    expect(detail.body.variables).to.include({ deptDecision: 'approve', projectNumber: 'FCZC-2026-0001' });
    expect(detail.body.form).to.be.an('object');
  });
});
