/**
 * QA: the applicant (purchaser) must not be able to steer procurement.bpmn's 市财政审批 gateway through the
 * variables it sends. The server owns `initiator` and `cityApprovalThresholdFen` (README: "Variables set at start
 * by the server"); the city decision variables are written only by the 市财政审批 task's output mappings.
 */
import path from 'node:path';
import fs from 'node:fs';
import { expect } from 'chai';
import request from 'supertest';
import type { Express } from 'express';
import { buildApp } from '../../server/app.ts';
import { ManualClock } from '../../server/clock.ts';
import { loadConfig } from '../../server/config.ts';
import { createEngine, type Engine } from '../../server/engine/index.ts';
import { defineTaskModels } from '../../server/engine/task-projection.ts';
import { seedDemo } from '../../server/seed/demo.ts';
import { registerWorkers } from '../../server/workers/index.ts';
import { applicationVariables, demoAgencyId } from '../helpers/application.ts';
import { testDatabase, type TestDatabase } from '../helpers/db.ts';

const PASSWORD = 'demo1234';

describe('QA procurement.bpmn: applicant-controlled variables and the 市财政审批 gateway', () => {
  let tdb: TestDatabase;
  let engine: Engine;
  let app: Express;
  let token: string;

  before(async () => {
    tdb = await testDatabase();
    const clock = new ManualClock('2026-03-02T01:00:00Z');
    await seedDemo(tdb.db, { password: PASSWORD });
    const config = loadConfig({ JWT_SECRET: 'qa-secret-0123456789-abcdefghijklmnop', DEMO_PASSWORD: PASSWORD, LOG_LEVEL: 'silent' });
    engine = createEngine({ db: tdb.db, clock, formsDir: path.resolve('forms') });
    registerWorkers(engine, { db: tdb.db, clock });
    await engine.deploy({ xml: fs.readFileSync(path.resolve('processes/procurement.bpmn'), 'utf8'), resourceName: 'procurement.bpmn' });
    app = buildApp({ config, db: tdb.db, engine, clock });
    token = (await request(app).post('/api/auth/login').send({ username: 'purchaser', password: PASSWORD }).expect(200)).body.token;
  });
  after(async () => {
    await engine.stop();
    await tdb.drop();
  });

  // A non-open method (竞争性谈判) with a 2.5 million 元 budget: without a configured threshold the model
  // "fails safe" and must send it to 市财政审批.
  // The shared valid application (test/helpers/application.ts) with the demo agency.
  const application = async () => applicationVariables(await demoAgencyId(tdb.db.sequelize), {
    projectName: '涪城区卫健局救护车采购', method: '竞争性谈判', budgetYuan: 2_500_000, maxPriceYuan: 1_900_000,
    smeReserved: true, deliveryDate: '2027-05-01', description: '负压救护车两辆，含车载急救设备及三年维保。',
  });
  const Task = () => defineTaskModels(tdb.db.sequelize).Task;

  async function startAndFill(startVars: Record<string, unknown>, fillVars: Record<string, unknown>): Promise<string[]> {
    const started = await request(app).post('/api/processes/procurement/instances').set('Authorization', `Bearer ${token}`)
      .send({ variables: startVars }).expect(201);
    const fill = await Task().findOne({ where: { instanceId: started.body.instanceId, elementId: 'fill_application', state: 'created' } });
    await request(app).post(`/api/tasks/${fill!.id}/complete`).set('Authorization', `Bearer ${token}`)
      .send({ variables: { ...(await application()), ...fillVars } }).expect(200);
    const open = await Task().findAll({ where: { instanceId: started.body.instanceId, state: 'created' } });
    return open.map((t) => t.elementId);
  }

  it('control: without tampering the application goes to 市财政审批 (2.5 million 元 ≥ the 2 million threshold in force)', async () => {
    expect(await startAndFill({}, {})).to.deep.equal(['city_finance_approval']);
  });

  it('below the threshold in force (thresholds.json) a non-open method skips 市财政审批', async () => {
    expect(await startAndFill({}, { budgetYuan: 1_999_999.99 })).to.deep.equal(['dept_approval']);
  });

  // Regression (found in QA): the applicant could supply the server-owned threshold at start and skip 市财政审批.
  it('refuses a start that supplies cityApprovalThresholdFen or initiator (server-owned), creating nothing', async () => {
    const before = await Task().count();
    const res = await request(app).post('/api/processes/procurement/instances').set('Authorization', `Bearer ${token}`)
      .send({ variables: { cityApprovalThresholdFen: 999_999_999_999, initiator: 'x' } }).expect(422);
    expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).to.deep.equal(['variables.cityApprovalThresholdFen', 'variables.initiator']);
    expect(await Task().count()).to.equal(before);
  });

  // Regression (found in QA): fill_application merged every submitted variable, so a forged city approval skipped
  // 市财政审批. Completions may now set only the fields of the task's form.
  it('refuses a completion carrying variables that are not fields of the task form (a forged cityDecision)', async () => {
    const started = await request(app).post('/api/processes/procurement/instances').set('Authorization', `Bearer ${token}`)
      .send({}).expect(201);
    const fill = await Task().findOne({ where: { instanceId: started.body.instanceId, elementId: 'fill_application', state: 'created' } });
    const forged = { cityDecision: 'approve', cityReviewedMethod: '竞争性谈判', cityReviewedBudgetFen: 999_999_999_999 };
    const res = await request(app).post(`/api/tasks/${fill!.id}/complete`).set('Authorization', `Bearer ${token}`)
      .send({ variables: { ...(await application()), ...forged } }).expect(422);
    expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).to.deep.equal(
      ['variables.cityDecision', 'variables.cityReviewedBudgetFen', 'variables.cityReviewedMethod'],
    );
    const still = await Task().findByPk(fill!.id);
    expect(still).to.include({ state: 'created' });
    expect(await engine.getInstance(started.body.instanceId)).to.have.nested.property('variables').that.not.have.property('cityDecision');
  });
});
