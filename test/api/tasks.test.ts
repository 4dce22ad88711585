import { expect } from 'chai';
import request from 'supertest';
import { defineAuthModels } from '../../server/auth/models.ts';
import { hashPassword } from '../../server/auth/password.ts';
import { defineTaskModels } from '../../server/engine/task-projection.ts';
import { bearer, DEMO_PASSWORD, startHarness, type Harness } from './harness.ts';

describe('API tasks (inbox)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ deploy: ['api-approval.bpmn'] });
    // A second approver in the same candidate group.
    const { User } = defineAuthModels(h.tdb.db.sequelize);
    await User.create({ username: 'dept2', displayName: '第二审批人', passwordHash: await hashPassword(DEMO_PASSWORD), roles: 'dept_approver', organisationId: null });
  });
  after(async () => h.close());

  const as = async (username: string) => bearer(await h.token(username));
  const Task = () => defineTaskModels(h.tdb.db.sequelize).Task;

  async function startInstance(variables: Record<string, unknown> = {}, businessKey?: string): Promise<string> {
    const res = await request(h.app)
      .post('/api/processes/api_approval/instances')
      .set('Authorization', await as('purchaser'))
      .send({ variables, businessKey })
      .expect(201);
    return res.body.instanceId;
  }
  async function openTask(instanceId: string, elementId = 'dept_review') {
    const task = await Task().findOne({ where: { instanceId, elementId, state: 'created' } });
    expect(task, `open task ${elementId} of ${instanceId}`).to.exist;
    return task!;
  }
  const list = async (username: string, query: string) =>
    (await request(h.app).get(`/api/tasks?${query}`).set('Authorization', await as(username)).expect(200)).body;
  const ids = (page: { items: { id: string }[] }) => page.items.map((t) => t.id);

  describe('starting an instance', () => {
    it('creates the first task for the candidate group; the server sets initiator and refuses a client one', async () => {
      const forged = await request(h.app)
        .post('/api/processes/api_approval/instances')
        .set('Authorization', await as('purchaser'))
        .send({ variables: { projectName: '教学设备采购', initiator: 'someone-else' }, businessKey: 'FCZC-START-1' })
        .expect(422);
      expect(forged.body.error.details[0].path).to.equal('variables.initiator');
      const res = await request(h.app)
        .post('/api/processes/api_approval/instances')
        .set('Authorization', await as('purchaser'))
        .send({ variables: { projectName: '教学设备采购' }, businessKey: 'FCZC-START-1' })
        .expect(201);
      expect(res.body).to.include({ bpmnProcessId: 'api_approval', version: 1, businessKey: 'FCZC-START-1', state: 'active' });
      const task = await openTask(res.body.instanceId);
      expect(task.groups()).to.deep.equal(['dept_approver']);
      const view = await h.engine.getInstance(res.body.instanceId);
      expect(view!.variables).to.include({ projectName: '教学设备采购', initiator: 'purchaser' });
      expect(view!.startedBy).to.equal('purchaser');
    });

    it('only purchasers and process admins may start; unknown process or version → 404', async () => {
      const denied = await request(h.app).post('/api/processes/api_approval/instances').set('Authorization', await as('dept_approver')).send({}).expect(403);
      expect(denied.body.error.message).to.contain('purchaser');
      await request(h.app).post('/api/processes/api_approval/instances').set('Authorization', await as('process_admin')).send({}).expect(201);
      const unknown = await request(h.app).post('/api/processes/no_such_process/instances').set('Authorization', await as('purchaser')).send({}).expect(404);
      expect(unknown.body.error.code).to.equal('NOT_FOUND');
      await request(h.app).post('/api/processes/api_approval/instances').set('Authorization', await as('purchaser')).send({ version: 99 }).expect(404);
    });
  });

  describe('visibility', () => {
    it('a user who is not a candidate gets 403 on read, claim, unclaim and complete, and nothing changes', async () => {
      const instanceId = await startInstance({}, 'FCZC-VIS-1');
      const task = await openTask(instanceId);
      const supplier = await as('supplier');
      for (const [method, path] of [
        ['get', `/api/tasks/${task.id}`],
        ['post', `/api/tasks/${task.id}/claim`],
        ['post', `/api/tasks/${task.id}/unclaim`],
        ['post', `/api/tasks/${task.id}/complete`],
      ] as const) {
        const res = await request(h.app)[method](path).set('Authorization', supplier).send({}).expect(403);
        expect(res.body.error.code, `${method} ${path}`).to.equal('FORBIDDEN');
      }
      // finance_section is a candidate of the *next* task, not of this one.
      await request(h.app).post(`/api/tasks/${task.id}/complete`).set('Authorization', await as('finance_section')).send({}).expect(403);
      await task.reload();
      expect(task.state).to.equal('created');
      expect(task.assignee).to.equal(null);
      expect(ids(await list('supplier', 'scope=all'))).to.not.include(task.id);
      expect(ids(await list('finance_section', 'scope=groups&businessKey=FCZC-VIS-1'))).to.deep.equal([]);
      expect(ids(await list('dept_approver', 'scope=groups&businessKey=FCZC-VIS-1'))).to.deep.equal([task.id]);
    });

    it('404 for a task that does not exist', async () => {
      const res = await request(h.app).get('/api/tasks/no-such-task').set('Authorization', await as('dept_approver')).expect(404);
      expect(res.body.error.code).to.equal('NOT_FOUND');
    });

    it('a candidate user (not in the group) sees the task', async () => {
      const instanceId = await startInstance({ reviewer: 'expert' }, 'FCZC-VIS-2');
      const task = await openTask(instanceId);
      expect(task.users()).to.deep.equal(['expert']);
      const page = await list('expert', 'scope=groups');
      expect(ids(page)).to.deep.equal([task.id]);
      expect(page.items[0].candidateUsers).to.deep.equal(['expert']);
      await request(h.app).get(`/api/tasks/${task.id}`).set('Authorization', await as('expert')).expect(200);
    });

    it('GET /api/tasks/:id gives the task, its headers, the instance variables and the form', async () => {
      const instanceId = await startInstance({ projectName: '食堂设备' }, 'FCZC-DETAIL-1');
      const task = await openTask(instanceId);
      const res = await request(h.app).get(`/api/tasks/${task.id}`).set('Authorization', await as('dept_approver')).expect(200);
      expect(res.body).to.include({ id: task.id, elementId: 'dept_review', processId: 'api_approval', processVersion: 1, instanceId, businessKey: 'FCZC-DETAIL-1', formId: 'api-approval', state: 'created', overdue: false });
      expect(res.body.candidateGroups).to.deep.equal(['dept_approver']);
      expect(res.body.headers).to.be.an('object');
      expect(res.body.variables).to.include({ projectName: '食堂设备', initiator: 'purchaser' });
      expect(res.body.form).to.include({ id: 'api-approval' });
      expect(res.body.form.components).to.have.length(2);
    });

    it('GET /api/tasks/:id gives the zeebe:taskHeaders of a user task', async () => {
      const task = await openTask(await startInstance({}, 'FCZC-DETAIL-2'));
      const res = await request(h.app).get(`/api/tasks/${task.id}`).set('Authorization', await as('dept_approver')).expect(200);
      expect(res.body.headers).to.deep.equal({ legalBasis: '政府采购法实施条例第29条' });
    });
  });

  describe('claim, unclaim, complete', () => {
    it('claim: candidate takes it; another candidate gets 409; the holder may re-claim; unclaim is the holder’s', async () => {
      const task = await openTask(await startInstance({}, 'FCZC-CLAIM-1'));
      const claimed = await request(h.app).post(`/api/tasks/${task.id}/claim`).set('Authorization', await as('dept_approver')).expect(200);
      expect(claimed.body).to.include({ id: task.id, assignee: 'dept_approver' });
      expect(claimed.body.claimedAt).to.be.a('string');
      expect(ids(await list('dept_approver', 'scope=mine'))).to.include(task.id);

      const other = await request(h.app).post(`/api/tasks/${task.id}/claim`).set('Authorization', await as('dept2')).expect(409);
      expect(other.body.error.code).to.equal('TASK_ALREADY_CLAIMED');
      const otherComplete = await request(h.app).post(`/api/tasks/${task.id}/complete`).set('Authorization', await as('dept2')).send({}).expect(409);
      expect(otherComplete.body.error.code).to.equal('TASK_ALREADY_CLAIMED');
      const otherUnclaim = await request(h.app).post(`/api/tasks/${task.id}/unclaim`).set('Authorization', await as('dept2')).expect(403);
      expect(otherUnclaim.body.error.code).to.equal('FORBIDDEN');
      // dept2 still sees it in the group view, held by someone else.
      expect((await list('dept2', 'scope=groups&businessKey=FCZC-CLAIM-1')).items[0].assignee).to.equal('dept_approver');
      expect(ids(await list('dept2', 'scope=mine'))).to.not.include(task.id);

      await request(h.app).post(`/api/tasks/${task.id}/claim`).set('Authorization', await as('dept_approver')).expect(200);
      const released = await request(h.app).post(`/api/tasks/${task.id}/unclaim`).set('Authorization', await as('dept_approver')).expect(200);
      expect(released.body.assignee).to.equal(null);
      const again = await request(h.app).post(`/api/tasks/${task.id}/unclaim`).set('Authorization', await as('dept_approver')).expect(409);
      expect(again.body.error.code).to.equal('TASK_NOT_CLAIMED');
      await request(h.app).post(`/api/tasks/${task.id}/claim`).set('Authorization', await as('dept2')).expect(200);
    });

    it('complete: an unassigned candidate completes (implicit claim); the process moves on; a second completion is 409', async () => {
      const instanceId = await startInstance({}, 'FCZC-COMPLETE-1');
      const task = await openTask(instanceId);
      const res = await request(h.app)
        .post(`/api/tasks/${task.id}/complete`)
        .set('Authorization', await as('dept2'))
        .send({ variables: { decision: 'approve', comment: '同意' } })
        .expect(200);
      expect(res.body).to.include({ state: 'completed', completedBy: 'dept2', assignee: 'dept2' });
      const next = await openTask(instanceId, 'finance_review');
      expect(next.groups()).to.deep.equal(['finance_section']);
      expect((await h.engine.getInstance(instanceId))!.variables).to.include({ decision: 'approve', comment: '同意' });

      const twice = await request(h.app).post(`/api/tasks/${task.id}/complete`).set('Authorization', await as('dept2')).send({}).expect(409);
      expect(twice.body.error.code).to.equal('TASK_ALREADY_COMPLETED');
      const claimDone = await request(h.app).post(`/api/tasks/${task.id}/claim`).set('Authorization', await as('dept_approver')).expect(409);
      expect(claimDone.body.error.code).to.equal('TASK_ALREADY_COMPLETED');
      // The completer can still read it; the completed list is per user.
      await request(h.app).get(`/api/tasks/${task.id}`).set('Authorization', await as('dept2')).expect(200);
      expect(ids(await list('dept2', 'scope=completed'))).to.include(task.id);
      expect(ids(await list('dept_approver', 'scope=completed'))).to.not.include(task.id);
      expect(ids(await list('dept2', 'scope=all'))).to.not.include(task.id);
    });

    it('the assignee completes a claimed task', async () => {
      const instanceId = await startInstance({}, 'FCZC-COMPLETE-2');
      const task = await openTask(instanceId);
      await request(h.app).post(`/api/tasks/${task.id}/claim`).set('Authorization', await as('dept_approver')).expect(200);
      const done = await request(h.app).post(`/api/tasks/${task.id}/complete`).set('Authorization', await as('dept_approver')).send({ variables: { decision: 'approve', comment: '同意' } }).expect(200);
      expect(done.body.completedBy).to.equal('dept_approver');
    });

    it('bad variables → 422 naming the key, and the task stays open and unclaimed', async () => {
      const task = await openTask(await startInstance({}, 'FCZC-BADVARS-1'));
      const res = await request(h.app)
        .post(`/api/tasks/${task.id}/complete`)
        .set('Authorization', await as('dept_approver'))
        .send({ variables: { decision: 'approve', 'bad key': 1 } })
        .expect(422);
      expect(res.body.error.details.map((d: { path: string }) => d.path)).to.deep.equal(['variables.bad key']);
      await request(h.app).post(`/api/tasks/${task.id}/complete`).set('Authorization', await as('dept_approver')).send({ variables: 'yes' }).expect(422);
      await request(h.app).post(`/api/tasks/${task.id}/complete`).set('Authorization', await as('dept_approver')).send({ vars: {} }).expect(422);
      await task.reload();
      expect(task.state).to.equal('created');
      expect(task.assignee).to.equal(null);
    });

    it('two candidates completing at once: one wins, the other gets 409, the next step exists once', async () => {
      const instanceId = await startInstance({}, 'FCZC-RACE-1');
      const task = await openTask(instanceId);
      const [a, b] = await Promise.all([
        request(h.app).post(`/api/tasks/${task.id}/complete`).set('Authorization', await as('dept_approver')).send({ variables: { decision: 'approve', comment: 'a' } }),
        request(h.app).post(`/api/tasks/${task.id}/complete`).set('Authorization', await as('dept2')).send({ variables: { decision: 'return', comment: 'b' } }),
      ]);
      expect([a.status, b.status].sort()).to.deep.equal([200, 409]);
      expect(['TASK_ALREADY_CLAIMED', 'TASK_ALREADY_COMPLETED']).to.include((a.status === 409 ? a : b).body.error.code);
      expect(await Task().count({ where: { instanceId, elementId: 'finance_review' } })).to.equal(1);
    });
  });

  describe('listing: filters, paging, sort, overdue', () => {
    const dues = ['2026-03-05T02:00:00.000Z', '2026-03-03T02:00:00.000Z', '2026-03-09T02:00:00.000Z', '2026-03-04T02:00:00.000Z'];
    let taskIds: string[] = [];
    before(async () => {
      taskIds = [];
      for (const [i, dueDate] of dues.entries()) {
        h.clock.advance(60_000); // distinct creation times
        taskIds.push((await openTask(await startInstance({ dueDate }, `SORT-${i}`))).id);
      }
      h.clock.advance(60_000);
      taskIds.push((await openTask(await startInstance({}, 'SORT-nodue'))).id); // no due date
    });

    it('sorts by due date ascending with tasks without a date last, and descending', async () => {
      const asc = await list('dept_approver', 'q=SORT-&sort=due&order=asc');
      expect(asc.total).to.equal(5);
      expect(asc.items.map((t: { businessKey: string }) => t.businessKey)).to.deep.equal(['SORT-1', 'SORT-3', 'SORT-0', 'SORT-2', 'SORT-nodue']);
      expect(asc.items[0].dueAt).to.equal(dues[1]);
      const desc = await list('dept_approver', 'q=SORT-&sort=due&order=desc');
      expect(desc.items.map((t: { businessKey: string }) => t.businessKey)).to.deep.equal(['SORT-2', 'SORT-0', 'SORT-3', 'SORT-1', 'SORT-nodue']);
    });

    it('sorts by creation time', async () => {
      const created = await list('dept_approver', 'q=SORT-&sort=created&order=asc');
      expect(created.items.map((t: { id: string }) => t.id)).to.deep.equal(taskIds);
      const newest = await list('dept_approver', 'q=SORT-&sort=created&order=desc');
      expect(newest.items.map((t: { id: string }) => t.id)).to.deep.equal([...taskIds].reverse());
    });

    it('pages with a stable total', async () => {
      const p1 = await list('dept_approver', 'q=SORT-&sort=due&pageSize=2&page=1');
      const p2 = await list('dept_approver', 'q=SORT-&sort=due&pageSize=2&page=2');
      const p3 = await list('dept_approver', 'q=SORT-&sort=due&pageSize=2&page=3');
      expect([p1.total, p2.total, p3.total]).to.deep.equal([5, 5, 5]);
      expect([p1.page, p1.pageSize]).to.deep.equal([1, 2]);
      expect([...ids(p1), ...ids(p2), ...ids(p3)]).to.have.members(taskIds);
      expect(ids(p3)).to.have.length(1);
      expect(ids(await list('dept_approver', 'q=SORT-&page=9'))).to.deep.equal([]);
    });

    it('filters by due window, business key, element, process and text', async () => {
      const window = await list('dept_approver', `q=SORT-&dueAfter=${encodeURIComponent('2026-03-04T02:00:00Z')}&dueBefore=${encodeURIComponent('2026-03-09T02:00:00Z')}`);
      expect(window.items.map((t: { businessKey: string }) => t.businessKey)).to.deep.equal(['SORT-3', 'SORT-0']);
      expect(ids(await list('dept_approver', 'businessKey=SORT-2'))).to.deep.equal([taskIds[2]]);
      expect((await list('dept_approver', 'q=SORT-&elementId=dept_review')).total).to.equal(5);
      expect((await list('dept_approver', 'q=SORT-&elementId=finance_review')).total).to.equal(0);
      expect((await list('dept_approver', 'q=SORT-&process=api_approval')).total).to.equal(5);
      expect((await list('dept_approver', 'q=SORT-&process=other')).total).to.equal(0);
      // LIKE wildcards in q are literal characters.
      expect((await list('dept_approver', 'q=SORT_')).total).to.equal(0);
      expect((await list('dept_approver', 'q=%25')).total).to.equal(0);
      expect((await list('dept_approver', `q=${encodeURIComponent('主管部门')}&businessKey=SORT-0`)).total).to.equal(1);
    });

    it('marks open tasks whose due date passed by the clock as overdue', async () => {
      const saved = h.clock.now();
      h.clock.set('2026-03-04T12:00:00Z');
      try {
        // A token issued at the new time (the cached one would have expired).
        const login = await request(h.app).post('/api/auth/login').send({ username: 'dept_approver', password: DEMO_PASSWORD }).expect(200);
        const page = (await request(h.app).get('/api/tasks?q=SORT-&sort=due').set('Authorization', bearer(login.body.token)).expect(200)).body;
        const overdue = Object.fromEntries(page.items.map((t: { businessKey: string; overdue: boolean }) => [t.businessKey, t.overdue]));
        expect(overdue).to.deep.equal({ 'SORT-1': true, 'SORT-3': true, 'SORT-0': false, 'SORT-2': false, 'SORT-nodue': false });
      } finally {
        h.clock.set(saved);
      }
    });

    it('each item has the documented fields', async () => {
      const item = (await list('dept_approver', 'businessKey=SORT-0')).items[0];
      expect(item).to.have.all.keys(
        'id', 'name', 'elementId', 'processId', 'processVersion', 'instanceId', 'businessKey', 'formId', 'candidateGroups',
        'candidateUsers', 'assignee', 'state', 'priority', 'dueAt', 'followUpAt', 'createdAt', 'claimedAt', 'completedAt', 'completedBy', 'overdue',
        'dueSoon', 'legalBasis', 'projectNumber', 'projectName',
      );
      expect(item.name).to.equal('主管部门审批');
    });
  });
});
