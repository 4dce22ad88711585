/**
 * QA: one approver submits the same task twice at once (a double click, or 退回 then 通过 in two tabs). One
 * submission wins (200), the other gets 409, and what the task's record says was submitted must be what the
 * winner submitted — the decision the process actually took — never the refused one's.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import type { Express } from 'express';
import { buildApp } from '../../server/app.ts';
import { ManualClock } from '../../server/clock.ts';
import { createEngine, type Engine } from '../../server/engine/index.ts';
import { defineTaskModels } from '../../server/engine/task-projection.ts';
import { seedDemo } from '../../server/seed/demo.ts';
import { registerWorkers } from '../../server/workers/index.ts';
import { applicationVariables, demoAgencyId } from '../helpers/application.ts';
import { testDatabase, type TestDatabase } from '../helpers/db.ts';
import { DEMO_PASSWORD, testConfig } from '../api/harness.ts';

describe('QA inbox: the same approver submitting one task twice at once', () => {
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
  });
  after(async () => {
    await engine.stop();
    await tdb.drop();
  });
  const auth = async (user: string) => {
    if (!tokens.has(user)) tokens.set(user, (await request(app).post('/api/auth/login').send({ username: user, password: DEMO_PASSWORD }).expect(200)).body.token);
    return `Bearer ${tokens.get(user)}`;
  };
  const Task = () => defineTaskModels(tdb.db.sequelize).Task;
  const openTask = async (instanceId: string, elementId: string) => (await Task().findOne({ where: { instanceId, elementId, state: 'created' } }))!;
  const complete = async (user: string, id: string, variables: Record<string, unknown>) =>
    request(app).post(`/api/tasks/${id}/complete`).set('Authorization', await auth(user)).send({ variables });

  for (const round of [1, 2, 3]) {
    it(`round ${round}: the record of the completion is the winner's submission`, async () => {
      const started = await request(app).post('/api/processes/procurement/instances').set('Authorization', await auth('purchaser')).send({}).expect(201);
      const instanceId = started.body.instanceId as string;
      const fill = await openTask(instanceId, 'fill_application');
      const application = applicationVariables(await demoAgencyId(tdb.db.sequelize), {
        projectName: `涪城区教育局办公设备采购项目${round}`, budgetYuan: 850_000.5, smeReserved: true, description: '台式计算机 40 台，含安装调试与三年质保。',
      });
      expect((await complete('purchaser', fill.id, application)).status).to.equal(200);
      const dept = await openTask(instanceId, 'dept_approval');
      const approve = { decision: 'approve', comment: '同意采购' };
      const giveBack = { decision: 'return', comment: '请补充预算依据后重新提交' };
      const [a, b] = await Promise.all([complete('dept_approver', dept.id, approve), complete('dept_approver', dept.id, giveBack)]);
      expect([a.status, b.status].sort()).to.deep.equal([200, 409]);
      const winner = a.status === 200 ? approve : giveBack;
      const view = await request(app).get(`/api/tasks/${dept.id}`).set('Authorization', await auth('dept_approver')).expect(200);
      expect(view.body.submitted).to.deep.include(winner);
      const next = await Task().findOne({ where: { instanceId, state: 'created' } });
      expect(next!.elementId).to.equal(winner === approve ? 'finance_approval' : 'revise_or_withdraw');
    });
  }
});
