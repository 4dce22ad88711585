/**
 * Completion records (the labelled submission shown in the history): exactly one per completion, written in the
 * engine's transaction when the adapter reports the completion there, and by the route right after the
 * completion when it does not (as the Zeebe adapter, whose task sync reports completions later).
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import { QueryTypes } from 'sequelize';
import { buildApp } from '../../server/app.ts';
import { ManualClock } from '../../server/clock.ts';
import { createEngine } from '../../server/engine/index.ts';
import type { EnginePort } from '../../server/engine/port.ts';
import { defineTaskModels } from '../../server/engine/task-projection.ts';
import { seedDemo } from '../../server/seed/demo.ts';
import { testDatabase, type TestDatabase } from '../helpers/db.ts';
import { DEMO_PASSWORD, fixturesDir, testConfig } from './harness.ts';

async function setup(reportsInTransaction: boolean) {
  const tdb = await testDatabase();
  await seedDemo(tdb.db, { password: DEMO_PASSWORD });
  const clock = new ManualClock('2026-03-02T01:00:00Z');
  const config = testConfig();
  const engine = createEngine({ db: tdb.db, clock, formsDir: config.formsDir });
  await engine.deploy({ xml: fs.readFileSync(path.join(fixturesDir, 'api-approval.bpmn'), 'utf8'), resourceName: 'api-approval.bpmn' });
  // An adapter that does not call change listeners in its transaction.
  const port: EnginePort = reportsInTransaction
    ? engine
    : (new Proxy(engine, { get: (t, k) => (k === 'onChange' ? () => undefined : typeof Reflect.get(t, k) === 'function' ? Reflect.get(t, k).bind(t) : Reflect.get(t, k)) }) as EnginePort);
  const app = buildApp({ config, db: tdb.db, engine: port, clock });
  const token = async (u: string) => (await request(app).post('/api/auth/login').send({ username: u, password: DEMO_PASSWORD })).body.token as string;
  return { tdb, engine, app, token };
}

for (const reports of [true, false]) {
  describe(`API inbox completion records (${reports ? 'adapter reports in its transaction' : 'adapter reports later'})`, () => {
    let s: Awaited<ReturnType<typeof setup>>;
    before(async () => {
      s = await setup(reports);
    });
    after(async () => {
      await s.engine.stop();
      await s.tdb.drop();
    });

    it('writes exactly one record per completion, and none for a refused one', async () => {
      const purchaser = await s.token('purchaser');
      const dept = await s.token('dept_approver');
      const started = await request(s.app).post('/api/processes/api_approval/instances').set('Authorization', `Bearer ${purchaser}`).send({}).expect(201);
      const { Task } = defineTaskModels(s.tdb.db.sequelize);
      const task = (await Task.findOne({ where: { instanceId: started.body.instanceId, elementId: 'dept_review' } }))!;
      await request(s.app).post(`/api/tasks/${task.id}/complete`).set('Authorization', `Bearer ${dept}`).send({ variables: { decision: 'maybe' } }).expect(422);
      await request(s.app).post(`/api/tasks/${task.id}/complete`).set('Authorization', `Bearer ${dept}`).send({ variables: { decision: 'return', comment: '请补充' } }).expect(200);
      const rows = await s.tdb.db.sequelize.query<{ kind: string; data: string; author: string }>(
        'SELECT kind, data, author FROM inbox_comments WHERE task_id = :id',
        { replacements: { id: task.id }, type: QueryTypes.SELECT },
      );
      expect(rows).to.have.length(1);
      expect(rows[0]).to.include({ kind: 'completion', author: 'dept_approver' });
      expect(JSON.parse(rows[0]!.data)).to.deep.equal({
        summary: [
          { key: 'decision', label: '审批结论', value: '退回' },
          { key: 'comment', label: '审批意见', value: '请补充' },
        ],
        values: { decision: 'return', comment: '请补充' },
      });
      // The completed task shows what was submitted.
      const detail = await request(s.app).get(`/api/tasks/${task.id}`).set('Authorization', `Bearer ${dept}`).expect(200);
      expect(detail.body.submitted).to.deep.equal({ decision: 'return', comment: '请补充' });
    });
  });
}
