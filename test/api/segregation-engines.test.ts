/**
 * Segregation of duties is enforced by the inbox routes, which are engine-neutral: the same rules on the embedded
 * engine and on the Zeebe adapter (over the test doubles, with a lagging user-task search). A two-stage approval
 * model with approvalStage headers; stage_actions is written by the task.completed change of each adapter (Zeebe:
 * when the app's own completion closes the projected task).
 */
import path from 'node:path';
import request from 'supertest';
import { expect } from 'chai';
import type { Express } from 'express';
import { buildApp } from '../../server/app.ts';
import { defineAuthModels } from '../../server/auth/models.ts';
import { hashPassword } from '../../server/auth/password.ts';
import { loadConfig } from '../../server/config.ts';
import { defineTaskModels } from '../../server/engine/task-projection.ts';
import { stageActionsOf } from '../../server/procurement/index.ts';
import { seedDemo } from '../../server/seed/demo.ts';
import { adapterHarness, type AdapterHarness } from '../engine/adapters.ts';

const PASSWORD = 'demo1234';

const task = (id: string, name: string, group: string, form: string, stage: string, incoming: string, outgoing: string) => `
    <bpmn:userTask id="${id}" name="${name}">
      <bpmn:extensionElements>
        <zeebe:userTask />
        <zeebe:formDefinition formId="${form}" />
        <zeebe:assignmentDefinition candidateGroups="${group}" />
        <zeebe:ioMapping>
          <zeebe:output source="=decision" target="${stage}Decision" />
        </zeebe:ioMapping>
        <zeebe:taskHeaders>
          <zeebe:header key="approvalStage" value="${stage}" />
        </zeebe:taskHeaders>
      </bpmn:extensionElements>
      <bpmn:incoming>${incoming}</bpmn:incoming>
      <bpmn:outgoing>${outgoing}</bpmn:outgoing>
    </bpmn:userTask>`;

const MODEL = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="http://example.com">
  <bpmn:process id="sod_two_stages" name="两级审批" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    ${task('dept_approval', '主管部门审批', 'dept_approver', 'approval-dept', 'dept', 'f1', 'f2')}
    ${task('finance_approval', '财政采购股审核', 'finance_section', 'approval-finance', 'finance', 'f2', 'f3')}
    <bpmn:endEvent id="end"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="dept_approval" />
    <bpmn:sequenceFlow id="f2" sourceRef="dept_approval" targetRef="finance_approval" />
    <bpmn:sequenceFlow id="f3" sourceRef="finance_approval" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`;

for (const kind of ['embedded', 'zeebe'] as const) {
  describe(`segregation of duties through the inbox on the ${kind} engine`, function () {
    let h: AdapterHarness;
    let app: Express;
    const tokens = new Map<string, string>();

    before(async function () {
      h = await adapterHarness(kind, () => undefined, { formsDir: path.resolve('forms'), searchLagMs: 20 });
      await seedDemo(h.tdb.db, { password: PASSWORD });
      const { User, Organisation } = defineAuthModels(h.tdb.db.sequelize);
      const org = (await Organisation.findOne({ where: { name: '涪城区教育局' } }))!;
      const hash = await hashPassword(PASSWORD);
      await User.create({ username: 'zhang', displayName: '张兼审', passwordHash: hash, roles: 'purchaser,dept_approver', organisationId: org.id });
      await User.create({ username: 'li', displayName: '李双岗', passwordHash: hash, roles: 'dept_approver,finance_section', organisationId: org.id });
      const config = loadConfig({ JWT_SECRET: 'test-secret-0123456789-abcdefghijklmnop', DEMO_PASSWORD: PASSWORD, FORMS_DIR: path.resolve('forms'), LOG_LEVEL: 'silent' });
      app = buildApp({ config, db: h.tdb.db, engine: h.engine, clock: h.clock });
      await h.engine.deploy({ xml: MODEL, resourceName: 'sod.bpmn', deployedBy: 'test' });
    });
    after(() => h.close());

    async function as(user: string): Promise<string> {
      if (!tokens.has(user)) {
        const res = await request(app).post('/api/auth/login').send({ username: user, password: PASSWORD });
        expect(res.status).to.equal(200);
        tokens.set(user, `Bearer ${res.body.token}`);
      }
      return tokens.get(user)!;
    }
    const open = async (instanceId: string, elementId: string) => {
      await h.settle();
      const t = await defineTaskModels(h.tdb.db.sequelize).Task.findOne({ where: { instanceId, elementId, state: 'created' } });
      expect(t, `${elementId} open`).to.exist;
      return t!;
    };
    const act = async (user: string, taskId: string, what: 'claim' | 'complete') =>
      request(app).post(`/api/tasks/${taskId}/${what}`).set('Authorization', await as(user)).send(what === 'complete' ? { variables: { decision: 'approve', comment: '同意' } } : {});

    it('refuses the initiator and a second stage by the same person with 403 SEGREGATION_OF_DUTIES; others go through', async function () {
      const ref = await h.engine.startInstance({ bpmnProcessId: 'sod_two_stages', variables: { initiator: 'zhang' }, startedBy: 'zhang' });
      const dept = await open(ref.instanceId, 'dept_approval');
      for (const what of ['claim', 'complete'] as const) {
        const res = await act('zhang', dept.id, what);
        expect(res.status, `${what}: ${JSON.stringify(res.body)}`).to.equal(403);
        expect(res.body.error.code).to.equal('SEGREGATION_OF_DUTIES');
      }
      const done = await act('li', dept.id, 'complete');
      expect(done.status, JSON.stringify(done.body)).to.equal(200);
      expect((await stageActionsOf(h.tdb.db.sequelize, ref.instanceId)).map((a) => `${a.stage}:${a.actor}`)).to.deep.equal(['dept:li']);

      const finance = await open(ref.instanceId, 'finance_approval');
      for (const what of ['claim', 'complete'] as const) {
        const res = await act('li', finance.id, what);
        expect(res.status, `${what}: ${JSON.stringify(res.body)}`).to.equal(403);
        expect(res.body.error.code).to.equal('SEGREGATION_OF_DUTIES');
        expect(res.body.error.message).to.contain('主管部门审批（dept）');
      }
      expect((await act('finance_section', finance.id, 'complete')).status).to.equal(200);
      await h.settle();
      expect((await stageActionsOf(h.tdb.db.sequelize, ref.instanceId)).map((a) => `${a.stage}:${a.actor}`)).to.deep.equal(['dept:li', 'finance:finance_section']);
    });
  });
}
