import { expect } from 'chai';
import request from 'supertest';
import { defineTaskModels } from '../../server/engine/task-projection.ts';
import { bearer, startHarness, type Harness } from './harness.ts';

describe('API instances, incidents, messages', () => {
  let h: Harness;
  let failing = true;
  before(async () => {
    h = await startHarness({
      deploy: ['api-approval.bpmn', 'api-incident.bpmn'],
      workers: {
        'api-test-flaky': () => {
          if (failing) throw new Error('对端系统暂不可用 (peer unavailable)');
          return { flakyDone: true };
        },
      },
    });
  });
  after(async () => h.close());

  const as = async (username: string) => bearer(await h.token(username));
  const Task = () => defineTaskModels(h.tdb.db.sequelize).Task;
  async function start(process: string, variables: Record<string, unknown> = {}, user = 'purchaser'): Promise<string> {
    const res = await request(h.app).post(`/api/processes/${process}/instances`).set('Authorization', await as(user)).send({ variables }).expect(201);
    return res.body.instanceId;
  }
  const getInstance = async (id: string, user: string) => request(h.app).get(`/api/instances/${id}`).set('Authorization', await as(user));

  describe('GET /api/instances/:id', () => {
    let instanceId: string;
    before(async () => {
      instanceId = await start('api_approval', { projectName: '图书采购' });
      const task = await Task().findOne({ where: { instanceId, elementId: 'dept_review' } });
      await request(h.app).post(`/api/tasks/${task!.id}/complete`).set('Authorization', await as('dept_approver')).send({ variables: { decision: 'approve', comment: '同意' } }).expect(200);
    });

    it('the starter, past and present candidates, admins, supervisors and auditors may read it', async () => {
      for (const user of ['purchaser', 'dept_approver', 'finance_section', 'process_admin', 'supervisor', 'auditor']) {
        const res = await getInstance(instanceId, user);
        expect(res.status, user).to.equal(200);
      }
      const res = await getInstance(instanceId, 'auditor');
      expect(res.body).to.include({ instanceId, bpmnProcessId: 'api_approval', state: 'active', startedBy: 'purchaser' });
      expect(res.body.variables).to.include({ projectName: '图书采购', decision: 'approve' });
      expect(res.body.activeElements.map((e: { elementId: string }) => e.elementId)).to.deep.equal(['finance_review']);
      expect(res.body.history).to.be.an('array').that.is.not.empty;
    });

    it('anyone else gets 403; an unknown instance 404', async () => {
      for (const user of ['supplier', 'city_finance', 'expert', 'agency']) {
        const res = await getInstance(instanceId, user);
        expect(res.status, user).to.equal(403);
        expect(res.body.error.code).to.equal('FORBIDDEN');
      }
      const missing = await getInstance('no-such-instance', 'auditor');
      expect(missing.status).to.equal(404);
    });
  });

  describe('POST /api/instances/:id/cancel', () => {
    it('process admins and supervisors cancel; open tasks are canceled; a second cancel is 409', async () => {
      const instanceId = await start('api_approval');
      const task = await Task().findOne({ where: { instanceId, state: 'created' } });
      const denied = await request(h.app).post(`/api/instances/${instanceId}/cancel`).set('Authorization', await as('purchaser')).expect(403);
      expect(denied.body.error.message).to.contain('process_admin');
      const res = await request(h.app).post(`/api/instances/${instanceId}/cancel`).set('Authorization', await as('supervisor')).expect(200);
      expect(res.body.state).to.equal('canceled');
      await task!.reload();
      expect(task!.state).to.equal('canceled');
      const claim = await request(h.app).post(`/api/tasks/${task!.id}/claim`).set('Authorization', await as('dept_approver')).expect(409);
      expect(claim.body.error.code).to.equal('TASK_CANCELED');
      const again = await request(h.app).post(`/api/instances/${instanceId}/cancel`).set('Authorization', await as('process_admin')).expect(409);
      expect(again.body.error.code).to.equal('INSTANCE_NOT_ACTIVE');
      await request(h.app).post('/api/instances/no-such-instance/cancel').set('Authorization', await as('process_admin')).expect(404);
    });
  });

  describe('incidents and messages', () => {
    let instanceId: string;
    before(async () => {
      failing = true;
      instanceId = await start('api_incident', { orderId: 'PAY-001' }, 'process_admin');
    });

    it('lists the incident of a failed job for admins, supervisors and auditors only', async () => {
      for (const user of ['process_admin', 'supervisor', 'auditor']) {
        const res = await request(h.app).get('/api/incidents?state=open').set('Authorization', await as(user)).expect(200);
        const mine = res.body.items.filter((i: { instanceId: string }) => i.instanceId === instanceId);
        expect(mine, user).to.have.length(1);
        expect(mine[0]).to.include({ elementId: 'flaky_step', state: 'open', jobType: 'api-test-flaky' });
      }
      await request(h.app).get('/api/incidents').set('Authorization', await as('purchaser')).expect(403);
      await request(h.app).get('/api/incidents?state=broken').set('Authorization', await as('auditor')).expect(422);
      const resolved = await request(h.app).get('/api/incidents?state=resolved').set('Authorization', await as('auditor')).expect(200);
      expect(resolved.body.items).to.deep.equal([]);
    });

    it('only process admins retry; a retry after the cause is fixed resolves it', async () => {
      const [incident] = (await h.engine.listIncidents({ instanceId, state: 'open' }));
      await request(h.app).post(`/api/incidents/${incident.id}/retry`).set('Authorization', await as('supervisor')).send({}).expect(403);
      await request(h.app).post(`/api/incidents/${incident.id}/retry`).set('Authorization', await as('process_admin')).send({ retries: 0 }).expect(422);
      failing = false;
      const res = await request(h.app).post(`/api/incidents/${incident.id}/retry`).set('Authorization', await as('process_admin')).send({ retries: 2 }).expect(200);
      expect(res.body).to.deep.equal({ incidentId: incident.id, retried: true });
      await h.engine.runDue();
      const view = await h.engine.getInstance(instanceId);
      expect(view!.variables).to.include({ flakyDone: true });
      expect(view!.activeElements.map((e) => e.elementId)).to.deep.equal(['wait_payment']);
      const again = await request(h.app).post(`/api/incidents/${incident.id}/retry`).set('Authorization', await as('process_admin')).send({}).expect(409);
      expect(again.body.error.code).to.equal('INCIDENT_RESOLVED');
      await request(h.app).post('/api/incidents/no-such-incident/retry').set('Authorization', await as('process_admin')).send({}).expect(404);
    });

    it('publishes a message that the waiting instance receives (admins and supervisors only)', async () => {
      const body = { name: 'api-payment', correlationKey: 'PAY-001', variables: { paidFen: 150000 } };
      await request(h.app).post('/api/messages').set('Authorization', await as('purchaser')).send(body).expect(403);
      await request(h.app).post('/api/messages').set('Authorization', await as('supervisor')).send({ ...body, name: '' }).expect(422);
      const res = await request(h.app).post('/api/messages').set('Authorization', await as('supervisor')).send(body).expect(200);
      expect(res.body).to.include({ buffered: false });
      expect(res.body.correlatedInstanceIds).to.deep.equal([instanceId]);
      const view = await h.engine.getInstance(instanceId);
      expect(view!.variables).to.include({ paidFen: 150000 });
      expect(await Task().count({ where: { instanceId, elementId: 'confirm', state: 'created' } })).to.equal(1);
    });

    it('buffers a message with a TTL and refuses a duplicate messageId with 409', async () => {
      const body = { name: 'api-payment', correlationKey: 'PAY-LATER', timeToLiveMs: 3_600_000, messageId: 'pay-later-1' };
      const first = await request(h.app).post('/api/messages').set('Authorization', await as('process_admin')).send(body).expect(200);
      expect(first.body).to.include({ buffered: true });
      const dup = await request(h.app).post('/api/messages').set('Authorization', await as('process_admin')).send(body).expect(409);
      expect(dup.body.error.code).to.equal('MESSAGE_ALREADY_PUBLISHED');
    });
  });
});
