/**
 * PROCESS_CHANGE_APPROVAL=true: a deploy becomes a change request decided by the supervisor in the BPMN process
 * process_change (processes/process-change.bpmn) — approved changes are deployed, returned ones are not.
 * Runs the whole system (shipped models, real workers, the inbox API) on a temp database.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import request from 'supertest';
import { loadConfig } from '../../server/config.ts';
import { defineTaskModels } from '../../server/engine/task-projection.ts';
import { startSystem, type RunningSystem } from '../../server/system.ts';
import { createTestDatabaseUrl } from '../helpers/db.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const PROCUREMENT = fs.readFileSync(path.join(ROOT, 'processes', 'procurement.bpmn'), 'utf8');

describe('API deployments with PROCESS_CHANGE_APPROVAL (governance)', function () {
  this.timeout(60_000);
  let sys: RunningSystem;
  let drop: () => Promise<void>;
  const tokens = new Map<string, string>();

  before(async () => {
    const db = await createTestDatabaseUrl();
    drop = db.drop;
    sys = await startSystem(
      loadConfig({
        DATABASE_URL: db.url, PORT: '0', HOST: '127.0.0.1', JWT_SECRET: 'governance-secret-0123456789-abcdefghijkl',
        DEMO_PASSWORD: 'demo1234', SEED_DEMO: 'true', LOG_LEVEL: 'silent', PROCESS_CHANGE_APPROVAL: 'true',
      }),
    );
  });
  after(async () => {
    await sys?.stop();
    await drop?.();
  });

  const auth = async (username: string) => {
    if (!tokens.has(username)) {
      const res = await request(sys.url).post('/api/auth/login').send({ username, password: 'demo1234' }).expect(200);
      tokens.set(username, res.body.token);
    }
    return `Bearer ${tokens.get(username)}`;
  };
  const versions = async () =>
    ((await request(sys.url).get('/api/deployments').query({ bpmnProcessId: 'procurement' }).set('Authorization', await auth('supervisor')).expect(200)).body.items as { version: number }[]).map((d) => d.version);
  const requestChange = async (xml: string, comment: string, user = 'process_admin') =>
    request(sys.url).post('/api/deployments/change-requests').set('Authorization', await auth(user)).send({ xml, comment });
  /** The supervisor decides the review task of the approval instance through the inbox API. */
  async function decide(instanceId: string, decision: 'approve' | 'return', comment: string): Promise<void> {
    const { Task } = defineTaskModels(sys.db.sequelize);
    const task = await Task.findOne({ where: { instanceId, elementId: 'supervisor_review' } });
    expect(task, 'review task').to.not.equal(null);
    expect(task!.candidateGroups).to.contain('supervisor');
    const res = await request(sys.url).post(`/api/tasks/${task!.id}/complete`).set('Authorization', await auth('supervisor')).send({ variables: { decision, comment } });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
  }
  const changeRequest = async (id: string) => (await request(sys.url).get(`/api/deployments/change-requests/${id}`).set('Authorization', await auth('auditor')).expect(200)).body;

  it('ships the approval process and says approval is required; a direct deploy is refused', async () => {
    const list = await request(sys.url).get('/api/deployments').set('Authorization', await auth('process_admin')).expect(200);
    expect(list.body.approvalRequired).to.equal(true);
    const shipped = list.body.items.find((d: { bpmnProcessId: string }) => d.bpmnProcessId === 'process_change');
    expect(shipped).to.include({ version: 1, source: 'shipped' });
    const direct = await request(sys.url).post('/api/deployments').set('Authorization', await auth('process_admin')).send({ xml: PROCUREMENT.replace('name="监督审批"', 'name="监督检查审批"'), comment: '改名' });
    expect(direct.status).to.equal(409);
    expect(direct.body.error.code).to.equal('CHANGE_APPROVAL_REQUIRED');
    expect(await versions()).to.deep.equal([1]);
  });

  it('an approved change is deployed as a new version, recording the requester and the approving supervisor', async () => {
    const xml = PROCUREMENT.replace('name="市财政审批"', 'name="市财政局审批"');
    const res = await requestChange(xml, '审批环节改用市财政局全称');
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body).to.include({ bpmnProcessId: 'procurement', status: 'pending', requestedBy: 'process_admin' });
    expect(res.body.diffSummary).to.deep.include({ changed: 1 });
    expect(res.body.approvalInstanceId).to.be.a('string');
    expect(await versions()).to.deep.equal([1]);

    // One open change per process.
    const second = await requestChange(xml.replace('name="监督审批"', 'name="监督检查审批"'), '再改一处');
    expect(second.status).to.equal(409);
    expect(second.body.error.code).to.equal('CHANGE_PENDING');

    const pending = await request(sys.url).get('/api/deployments/change-requests').query({ status: 'pending' }).set('Authorization', await auth('supervisor')).expect(200);
    expect(pending.body.items.map((c: { id: string }) => c.id)).to.deep.equal([res.body.id]);

    await decide(res.body.approvalInstanceId, 'approve', '同意');
    const done = await changeRequest(res.body.id);
    expect(done).to.include({ status: 'deployed', decidedBy: 'supervisor', decisionComment: '同意' });
    expect(done.xml).to.equal(xml);
    expect(await versions()).to.deep.equal([2, 1]);
    const v2 = await request(sys.url).get(`/api/deployments/${done.deploymentId}`).set('Authorization', await auth('auditor')).expect(200);
    expect(v2.body).to.include({ version: 2, deployedBy: 'process_admin', source: 'ui' });
    expect(v2.body.comment).to.equal('审批环节改用市财政局全称（supervisor 审批通过）');
    expect(v2.body.diff.changed[0].changes).to.deep.equal([{ property: 'name', oldValue: '市财政审批', newValue: '市财政局审批' }]);
    const instance = await request(sys.url).get(`/api/instances/${res.body.approvalInstanceId}`).set('Authorization', await auth('process_admin')).expect(200);
    expect(instance.body.state).to.equal('completed');
  });

  it('a returned change is not deployed', async () => {
    const res = await requestChange(PROCUREMENT.replace('candidateGroups="supervisor"', 'candidateGroups="finance_section"'), '监督环节改由财政采购股');
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    await decide(res.body.approvalInstanceId, 'return', '监督环节不得取消');
    const done = await changeRequest(res.body.id);
    expect(done).to.include({ status: 'rejected', decidedBy: 'supervisor', decisionComment: '监督环节不得取消', deploymentId: null });
    expect(await versions()).to.deep.equal([2, 1]);
  });

  it('a model with lint errors creates no request; only process admins may request', async () => {
    const before = (await request(sys.url).get('/api/deployments/change-requests').set('Authorization', await auth('supervisor')).expect(200)).body.items.length;
    const bad = await requestChange(PROCUREMENT.replace('formId="approval-dept"', 'formId="nope"'), '坏模型');
    expect(bad.status).to.equal(422);
    expect(bad.body.error.code).to.equal('LINT_FAILED');
    const forbidden = await requestChange(PROCUREMENT.replace('name="市财政审批"', 'name="X"'), '越权', 'supervisor');
    expect(forbidden.status).to.equal(403);
    const after = (await request(sys.url).get('/api/deployments/change-requests').set('Authorization', await auth('supervisor')).expect(200)).body.items.length;
    expect(after).to.equal(before);
  });
});
