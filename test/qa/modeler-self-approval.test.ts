/**
 * QA: with PROCESS_CHANGE_APPROVAL on, a change must be approved by someone other than its requester. An account
 * that holds both process_admin and supervisor (roles are a list) could otherwise request a change and approve it
 * itself, which defeats the governance switch.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import request from 'supertest';
import { defineAuthModels } from '../../server/auth/models.ts';
import { hashPassword } from '../../server/auth/password.ts';
import { loadConfig } from '../../server/config.ts';
import { defineTaskModels } from '../../server/engine/task-projection.ts';
import { startSystem, type RunningSystem } from '../../server/system.ts';
import { createTestDatabaseUrl } from '../helpers/db.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const PROCUREMENT = fs.readFileSync(path.join(ROOT, 'processes', 'procurement.bpmn'), 'utf8');

describe('QA modeller: no self-approval of a process change', function () {
  this.timeout(60_000);
  let sys: RunningSystem;
  let drop: () => Promise<void>;

  before(async () => {
    const db = await createTestDatabaseUrl();
    drop = db.drop;
    sys = await startSystem(
      loadConfig({
        DATABASE_URL: db.url, PORT: '0', HOST: '127.0.0.1', JWT_SECRET: 'qa-self-approval-secret-0123456789-abcdef',
        DEMO_PASSWORD: 'demo1234', SEED_DEMO: 'true', LOG_LEVEL: 'silent', PROCESS_CHANGE_APPROVAL: 'true',
      }),
    );
    const { User } = defineAuthModels(sys.db.sequelize);
    await User.create({ username: 'admin_sup', displayName: '兼任管理员与监督', passwordHash: await hashPassword('demo1234'), roles: 'process_admin,supervisor', organisationId: null });
  });
  after(async () => {
    await sys?.stop();
    await drop?.();
  });

  const auth = async (username: string) =>
    `Bearer ${(await request(sys.url).post('/api/auth/login').send({ username, password: 'demo1234' }).expect(200)).body.token}`;
  const versions = async () =>
    ((await request(sys.url).get('/api/deployments').query({ bpmnProcessId: 'procurement' }).set('Authorization', await auth('supervisor')).expect(200)).body.items as { version: number }[]).map((d) => d.version);

  it('a change approved by its own requester is not deployed', async () => {
    const token = await auth('admin_sup');
    const xml = PROCUREMENT.replace('name="市财政审批"', 'name="市财政局审批"');
    const res = await request(sys.url).post('/api/deployments/change-requests').set('Authorization', token).send({ xml, comment: '自己提交' });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    const { Task } = defineTaskModels(sys.db.sequelize);
    const task = await Task.findOne({ where: { instanceId: res.body.approvalInstanceId, elementId: 'supervisor_review' } });
    await request(sys.url).post(`/api/tasks/${task!.id}/claim`).set('Authorization', token);
    await request(sys.url).post(`/api/tasks/${task!.id}/complete`).set('Authorization', token).send({ variables: { decision: 'approve', comment: '我批准我自己' } });
    const cr = (await request(sys.url).get(`/api/deployments/change-requests/${res.body.id}`).set('Authorization', await auth('auditor')).expect(200)).body;
    expect(cr.status).to.equal('rejected');
    expect(cr.decisionComment).to.contain('不得审批本人提交的变更');
    expect(cr.deploymentId).to.equal(null);
    expect(await versions()).to.deep.equal([1]);

    // Another supervisor may then approve the same change, requested again.
    const again = await request(sys.url).post('/api/deployments/change-requests').set('Authorization', token).send({ xml, comment: '再次提交' });
    expect(again.status, JSON.stringify(again.body)).to.equal(201);
    const next = await Task.findOne({ where: { instanceId: again.body.approvalInstanceId, elementId: 'supervisor_review' } });
    const sup = await auth('supervisor');
    await request(sys.url).post(`/api/tasks/${next!.id}/complete`).set('Authorization', sup).send({ variables: { decision: 'approve', comment: '同意' } }).expect(200);
    const done = (await request(sys.url).get(`/api/deployments/change-requests/${again.body.id}`).set('Authorization', sup).expect(200)).body;
    expect(done).to.include({ status: 'deployed', decidedBy: 'supervisor' });
    expect(await versions()).to.deep.equal([2, 1]);
  });
});
