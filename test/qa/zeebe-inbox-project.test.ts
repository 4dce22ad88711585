/**
 * QA (inbox on the Zeebe adapter over the test doubles): an approver finds a task by its project — the inbox's
 * project filter (`project=` 项目编号) and search (`q=` 项目名称) — in distributed mode as in embedded mode, and the
 * list shows the project's number and name. The project index was fed only from the embedded engine's instance
 * rows, so on Zeebe no task ever had a project and both filters found nothing.
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
import { adapterHarness, type AdapterHarness } from '../engine/adapters.ts';

const PASSWORD = 'demo1234';

describe('QA zeebe: the inbox finds tasks by project in distributed mode', function () {
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
  const as = async (user: string) => {
    if (!tokens.has(user)) tokens.set(user, `Bearer ${(await request(app).post('/api/auth/login').send({ username: user, password: PASSWORD }).expect(200)).body.token}`);
    return tokens.get(user)!;
  };

  it('finds the dept approval by project name and by project number, and shows them', async () => {
    await h.engine.startInstance({ bpmnProcessId: 'procurement', variables: await serverStartVariables(h.tdb.db.sequelize, 'purchaser'), startedBy: 'purchaser' });
    await h.settle();
    const fill = (await request(app).get('/api/tasks?scope=mine').set('Authorization', await as('purchaser'))).body.items[0];
    const done = await request(app).post(`/api/tasks/${fill.id}/complete`).set('Authorization', await as('purchaser')).send({
      variables: applicationVariables(await demoAgencyId(h.tdb.db.sequelize), { projectName: '涪城区卫健局负压救护车采购项目', budgetYuan: 2_500_000, smeReserved: false, deliveryDate: '2027-05-01', description: '负压救护车两辆，含车载医疗设备。' }),
    });
    expect(done.status, JSON.stringify(done.body)).to.equal(200);
    await h.settle();
    const all = (await request(app).get('/api/tasks?scope=groups').set('Authorization', await as('dept_approver'))).body.items as { id: string; elementId: string; projectNumber: string | null; projectName: string | null }[];
    expect(all.map((t) => t.elementId)).to.deep.equal(['dept_approval']);
    expect(all[0]!.projectName).to.equal('涪城区卫健局负压救护车采购项目');
    expect(all[0]!.projectNumber).to.be.a('string').and.not.equal('');
    const byName = await request(app).get('/api/tasks').query({ q: '负压救护车' }).set('Authorization', await as('dept_approver')).expect(200);
    expect(byName.body.items.map((t: { id: string }) => t.id)).to.deep.equal([all[0]!.id]);
    const byNumber = await request(app).get('/api/tasks').query({ project: all[0]!.projectNumber }).set('Authorization', await as('dept_approver')).expect(200);
    expect(byNumber.body.items.map((t: { id: string }) => t.id)).to.deep.equal([all[0]!.id]);
  });
});
