/**
 * Behaviour of the embedded engine adapter: each BPMN feature the procurement models rely on, through the
 * port, with state in a real database (SQLite, or MariaDB when DATABASE_URL=mysql://…).
 */
import { expect } from 'chai';
import { BpmnError } from '../../server/engine/port.ts';
import { AppError } from '../../server/errors.ts';
import { Task } from '../../server/engine/task-projection.ts';
import { openDatabase } from '../../server/db.ts';
import { createEngine } from '../../server/engine/index.ts';
import { fixture, harness, testFormsDir, type Harness } from './harness.ts';

async function rejects(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    return err as AppError;
  }
  throw new Error('expected a rejection');
}

// Every behaviour twice: with hot runs kept in memory between operations, and recovered from the database each time.
for (const hotInstances of [200, 0]) describe(`embedded engine (${hotInstances ? 'hot runs cached' : 'every operation recovers from the database'})`, function () {
  let h: Harness;
  let calcCalls: unknown[];
  let budgetBehaviour: 'ok' | 'fail' | 'bpmn-error';
  let budgetCalls: number;

  beforeEach(async () => {
    calcCalls = [];
    budgetCalls = 0;
    budgetBehaviour = 'ok';
    h = await harness((engine) => {
      engine.registerWorker('calc', (job) => {
        calcCalls.push({ vars: job.variables, headers: job.headers, key: job.key });
        return { result: (job.variables.doubled as number) + 1, noise: 'not mapped' };
      });
      engine.registerWorker('budget-check', () => {
        budgetCalls++;
        if (budgetBehaviour === 'fail') throw new Error('finance system unreachable');
        if (budgetBehaviour === 'bpmn-error') throw new BpmnError('BUDGET_EXCEEDED', '超出预算', { overBy: 100 });
        return { budgetOk: true };
      });
    }, { hotInstances });
  });
  afterEach(() => h.close());

  describe('deploy', () => {
    it('versions a process and makes no new version for the same content', async () => {
      const a = await h.engine.deploy({ xml: fixture('approval.bpmn'), resourceName: 'approval.bpmn' });
      expect(a).to.include({ bpmnProcessId: 'approval', version: 1, created: true, name: '审批' });
      const again = await h.engine.deploy({ xml: fixture('approval.bpmn'), resourceName: 'approval.bpmn' });
      expect(again).to.include({ version: 1, created: false, deploymentId: a.deploymentId });
      const b = await h.engine.deploy({ xml: fixture('approval.bpmn').replace('部门审批', '主管部门审批'), resourceName: 'approval.bpmn' });
      expect(b).to.include({ version: 2, created: true });
    });

    const bad: [string, (xml: string) => string, RegExp][] = [
      ['an unknown task type', (x) => x.replace('type="calc"', 'type="no-such-worker"'), /unknown task type "no-such-worker"/],
      ['a user task nobody can see', (x) => x.replace('<zeebe:assignmentDefinition candidateGroups="finance_section"/>', ''), /no assignee, candidate group/],
      ['a missing form', (x) => x.replace('formId="t-approve"/><zeebe:taskSchedule', 'formId="nope"/><zeebe:taskSchedule'), /form "nope" does not exist/],
      ['invalid FEEL', (x) => x.replace('=deptDecision = "approve"', '=deptDecision = '), /invalid FEEL/],
      ['a non-FEEL condition', (x) => x.replace('=deptDecision = "approve"', '${deptDecision}'), /must be a FEEL expression/],
      ['malformed XML', (x) => x.slice(0, 400), /not valid BPMN XML/],
      ['an external entity', (x) => x.replace('<bpmn:definitions', '<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><bpmn:definitions'), /DOCTYPE/],
    ];
    for (const [what, mutate, reason] of bad) {
      it(`refuses ${what} with the element and reason, and stores nothing`, async () => {
        const err = await rejects(h.engine.deploy({ xml: mutate(fixture('approval.bpmn')), resourceName: 'x.bpmn' }));
        expect(err).to.be.instanceOf(AppError);
        expect(err.status).to.equal(422);
        expect(err.details.map((d) => `${d.path}: ${d.reason}`).join('\n')).to.match(reason);
        expect((await rejects(h.engine.startInstance({ bpmnProcessId: 'approval' }))).status).to.equal(404);
        const count = await h.tdb.db.sequelize.query('SELECT COUNT(*) AS n FROM engine_deployments', { plain: true });
        expect(Number((count as { n: number }).n)).to.equal(0);
      });
    }
  });

  describe('user tasks, service tasks, gateways', () => {
    beforeEach(() => h.engine.deploy({ xml: fixture('approval.bpmn'), resourceName: 'approval.bpmn' }));

    it('runs a worker with input mappings and headers, projects the user task, routes on FEEL', async () => {
      const inst = await h.engine.startInstance({ bpmnProcessId: 'approval', variables: { amountFen: 50, dueAt: '2026-03-09T09:00:00Z', stats: { kept: true } }, businessKey: 'FCZC-2026-0001', startedBy: 'purchaser' });
      expect(inst.state).to.equal('active');
      expect(calcCalls).to.have.length(1);
      expect(calcCalls[0]).to.deep.include({ headers: { template: 'T01' }, key: `${inst.instanceId}:svc:1` });
      expect((calcCalls[0] as { vars: Record<string, unknown> }).vars).to.include({ amountFen: 50, doubled: 100 });

      const [task] = await h.openTasks(inst.instanceId);
      expect(task).to.include({ elementId: 'dept', name: '部门审批', formId: 't-approve', candidateGroups: 'dept_approver,supervisor', businessKey: 'FCZC-2026-0001', assignee: null });
      expect(task!.dueAt!.toISOString()).to.equal('2026-03-09T09:00:00.000Z');

      const view1 = await h.engine.getInstance(inst.instanceId);
      expect(view1!.variables).to.include({ calcResult: 101 });
      expect(view1!.variables.stats).to.deep.equal({ kept: true, calc: { tenfold: 1010 } }); // path target extends
      expect(view1!.variables).to.not.have.property('noise');
      expect(view1!.variables).to.not.have.property('doubled');
      expect(view1!.activeElements.map((a) => a.elementId)).to.deep.equal(['dept']);

      await h.engine.completeUserTask({ taskId: task!.id, variables: { decision: 'approve' }, actor: 'dept_approver' });
      const [next] = await h.openTasks(inst.instanceId);
      expect(next).to.include({ elementId: 'finance', candidateGroups: 'finance_section' });
      const done = await Task.findByPk(task!.id);
      expect(done).to.include({ state: 'completed', completedBy: 'dept_approver' });

      await h.engine.completeUserTask({ taskId: next!.id, variables: {}, actor: 'finance_section' });
      const view = await h.engine.getInstance(inst.instanceId);
      expect(view!.state).to.equal('completed');
      expect(view!.variables).to.include({ deptDecision: 'approve', outcome: 'approved' }); // end event output mapping
      expect(view!.variables).to.not.have.property('decision');
      const completed = view!.history.filter((e) => e.event === 'completed').map((e) => `${e.elementId}:${e.actor ?? ''}`);
      expect(completed).to.include.members(['dept:dept_approver', 'finance:finance_section', 'endOk:']);
    });

    it('takes the default flow when no condition matches', async () => {
      const inst = await h.engine.startInstance({ bpmnProcessId: 'approval', variables: { amountFen: 1 } });
      const [task] = await h.openTasks(inst.instanceId);
      await h.engine.completeUserTask({ taskId: task!.id, variables: { decision: 'return' }, actor: 'dept_approver' });
      const view = await h.engine.getInstance(inst.instanceId);
      expect(view!.state).to.equal('completed');
      expect(view!.history.map((e) => e.elementId)).to.include('endReturned');
    });

    it('answers a model failure during an operation with 422 naming the element, and saves nothing', async () => {
      const xml = fixture('approval.bpmn')
        .replace('id="approval" name="审批"', 'id="strict" name="严格审批"')
        .replace(' default="fReturn"', '')
        .replace('<bpmn:sequenceFlow id="fReturn" sourceRef="gw" targetRef="endReturned"/>', '<bpmn:sequenceFlow id="fReturn" sourceRef="gw" targetRef="endReturned"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">=deptDecision = "return"</bpmn:conditionExpression></bpmn:sequenceFlow>');
      await h.engine.deploy({ xml, resourceName: 'strict.bpmn' });
      const inst = await h.engine.startInstance({ bpmnProcessId: 'strict', variables: { amountFen: 1 } });
      const [task] = await h.openTasks(inst.instanceId);
      const err = await rejects(h.engine.completeUserTask({ taskId: task!.id, variables: { decision: 'maybe' }, actor: 'u1' }));
      expect(err.status).to.equal(422);
      expect(err.code).to.equal('PROCESS_ERROR');
      expect(err.details[0]!.path).to.equal('gw');
      const still = await h.openTasks(inst.instanceId);
      expect(still.map((t) => t.id)).to.deep.equal([task!.id]);
      expect((await h.engine.getInstance(inst.instanceId))!.variables).to.not.have.property('deptDecision');
      await h.engine.completeUserTask({ taskId: task!.id, variables: { decision: 'approve' }, actor: 'u1' });
      expect((await h.openTasks(inst.instanceId)).map((t) => t.elementId)).to.deep.equal(['finance']);
    });

    it('refuses a second completion of the same task with 409 and changes nothing', async () => {
      const inst = await h.engine.startInstance({ bpmnProcessId: 'approval', variables: { amountFen: 1 } });
      const [task] = await h.openTasks(inst.instanceId);
      const results = await Promise.allSettled([
        h.engine.completeUserTask({ taskId: task!.id, variables: { decision: 'approve' }, actor: 'u1' }),
        h.engine.completeUserTask({ taskId: task!.id, variables: { decision: 'return' }, actor: 'u2' }),
      ]);
      const ok = results.filter((r) => r.status === 'fulfilled');
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(ok).to.have.length(1);
      expect(failed).to.have.length(1);
      expect(failed[0]!.reason.status).to.equal(409);
      // The instance reflects exactly the winner's decision: approve → finance task, return → ended.
      const winner = (await Task.findByPk(task!.id))!.completedBy;
      const open = await h.openTasks(inst.instanceId);
      expect(open.map((t) => t.elementId)).to.deep.equal(winner === 'u1' ? ['finance'] : []);
      const view = await h.engine.getInstance(inst.instanceId);
      expect(view!.variables.deptDecision).to.equal(winner === 'u1' ? 'approve' : 'return');
    });

    it('refuses the second of two completions from two engine processes on one database (revision check)', async () => {
      const inst = await h.engine.startInstance({ bpmnProcessId: 'approval', variables: { amountFen: 1 } });
      const [task] = await h.openTasks(inst.instanceId);
      const db2 = await openDatabase(h.tdb.url);
      const other = createEngine({ db: db2, clock: h.clock, formsDir: testFormsDir });
      other.registerWorker('calc', () => ({}));
      other.registerWorker('budget-check', () => ({}));
      try {
        const results = await Promise.allSettled([
          h.engine.completeUserTask({ taskId: task!.id, variables: { decision: 'approve' }, actor: 'u1' }),
          other.completeUserTask({ taskId: task!.id, variables: { decision: 'return' }, actor: 'u2' }),
        ]);
        const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect(results.filter((r) => r.status === 'fulfilled')).to.have.length(1);
        expect(failed).to.have.length(1);
        expect(failed[0]!.reason.status).to.equal(409);
        const done = await Task.findByPk(task!.id);
        const view = await h.engine.getInstance(inst.instanceId);
        // The instance reflects exactly the winner's decision.
        expect(view!.variables.deptDecision).to.equal(done!.completedBy === 'u1' ? 'approve' : 'return');
        expect(view!.state).to.equal(done!.completedBy === 'u1' ? 'active' : 'completed');
      } finally {
        await other.stop();
        await db2.close();
      }
    });

    it('reloads a hot run that another engine process made stale, and applies the operation once', async () => {
      const inst = await h.engine.startInstance({ bpmnProcessId: 'approval', variables: { amountFen: 1 } });
      const db2 = await openDatabase(h.tdb.url);
      const other = createEngine({ db: db2, clock: h.clock, formsDir: testFormsDir });
      other.registerWorker('calc', () => ({}));
      other.registerWorker('budget-check', () => ({}));
      try {
        const [dept] = await h.openTasks(inst.instanceId);
        await other.completeUserTask({ taskId: dept!.id, variables: { decision: 'approve' }, actor: 'dept_approver' });
        const [finance] = await h.openTasks(inst.instanceId);
        expect(finance!.elementId).to.equal('finance');
        // h.engine may still hold its run from the start (waiting at dept): it must notice and reload.
        await h.engine.completeUserTask({ taskId: finance!.id, variables: {}, actor: 'finance_section' });
        const view = await h.engine.getInstance(inst.instanceId);
        expect(view!.state).to.equal('completed');
        expect(view!.history.filter((e) => e.elementId === 'finance' && e.event === 'completed')).to.have.length(1);
      } finally {
        await other.stop();
        await db2.close();
      }
    });

    it('claims, refuses a claim of a claimed task, and lets only the assignee unclaim', async () => {
      const inst = await h.engine.startInstance({ bpmnProcessId: 'approval', variables: { amountFen: 1 } });
      const [task] = await h.openTasks(inst.instanceId);
      await h.engine.assignUserTask({ taskId: task!.id, assignee: 'alice', allowOverride: false, actor: 'alice' });
      const err = await rejects(h.engine.assignUserTask({ taskId: task!.id, assignee: 'bob', allowOverride: false, actor: 'bob' }));
      expect(err.status).to.equal(409);
      expect(err.code).to.equal('TASK_ALREADY_CLAIMED');
      const err2 = await rejects(h.engine.assignUserTask({ taskId: task!.id, assignee: null, allowOverride: false, actor: 'bob' }));
      expect(err2.status).to.equal(409);
      await h.engine.assignUserTask({ taskId: task!.id, assignee: null, allowOverride: false, actor: 'alice' });
      expect((await Task.findByPk(task!.id))!.assignee).to.equal(null);
    });

    it('cancels an instance and its open tasks', async () => {
      const inst = await h.engine.startInstance({ bpmnProcessId: 'approval', variables: { amountFen: 1 } });
      const [task] = await h.openTasks(inst.instanceId);
      await h.engine.cancelInstance(inst.instanceId, 'supervisor');
      expect((await h.engine.getInstance(inst.instanceId))!.state).to.equal('canceled');
      expect((await Task.findByPk(task!.id))!.state).to.equal('canceled');
      const err = await rejects(h.engine.completeUserTask({ taskId: task!.id, variables: {}, actor: 'x' }));
      expect(err.status).to.equal(409);
    });

    it('uses the version an instance started on after a new version is deployed', async () => {
      const old = await h.engine.startInstance({ bpmnProcessId: 'approval', variables: { amountFen: 1 } });
      await h.engine.deploy({ xml: fixture('approval.bpmn').replace('财政审核', '财政股审核'), resourceName: 'approval.bpmn' });
      const neu = await h.engine.startInstance({ bpmnProcessId: 'approval', variables: { amountFen: 1 } });
      expect(old.version).to.equal(1);
      expect(neu.version).to.equal(2);
      for (const inst of [old, neu]) {
        const [t] = await h.openTasks(inst.instanceId);
        await h.engine.completeUserTask({ taskId: t!.id, variables: { decision: 'approve' }, actor: 'a' });
      }
      const [o] = await h.openTasks(old.instanceId);
      const [n] = await h.openTasks(neu.instanceId);
      expect(o!.name).to.equal('财政审核');
      expect(n!.name).to.equal('财政股审核');
    });

    it('keeps process variables in one scope that sub-processes see (Zeebe semantics)', async () => {
      await h.engine.deploy({ xml: fixture('parallel-xor-wrapped.bpmn'), resourceName: 'pxw.bpmn' });
      const inst = await h.engine.startInstance({ bpmnProcessId: 'parallelXorWrapped', variables: { decision: 'approve' } });
      const a1 = (await h.openTasks(inst.instanceId)).find((t) => t.elementId === 'a1')!;
      // completed without variables: the split inside the sub-process sees the process variable set at start
      await h.engine.completeUserTask({ taskId: a1.id, variables: {}, actor: 'x' });
      expect((await h.openTasks(inst.instanceId)).map((t) => t.elementId).sort()).to.deep.equal(['a2', 'b']);
    });
  });

  describe('jobs: retries, incidents, BPMN errors', () => {
    beforeEach(() => h.engine.deploy({ xml: fixture('errors.bpmn'), resourceName: 'errors.bpmn' }));

    it('retries with backoff, raises an incident when retries run out, and resumes after a retry', async () => {
      budgetBehaviour = 'fail';
      const inst = await h.engine.startInstance({ bpmnProcessId: 'errors' });
      expect(budgetCalls).to.equal(1);
      expect(await h.engine.runDue()).to.equal(0); // backoff not elapsed
      h.clock.advance(1_000);
      await h.engine.runDue();
      expect(budgetCalls).to.equal(2);
      h.clock.advance(10_000);
      await h.engine.runDue();
      expect(budgetCalls).to.equal(3);
      const [incident] = await h.engine.listIncidents({ state: 'open' });
      expect(incident).to.include({ instanceId: inst.instanceId, elementId: 'check', type: 'JOB_NO_RETRIES', jobType: 'budget-check' });
      expect(incident!.message).to.contain('finance system unreachable');
      h.clock.advance(3_600_000);
      await h.engine.runDue();
      expect(budgetCalls).to.equal(3); // no retries without an operator

      budgetBehaviour = 'ok';
      await h.engine.retryIncident(incident!.id, 1, 'process_admin');
      expect(budgetCalls).to.equal(4);
      const view = await h.engine.getInstance(inst.instanceId);
      expect(view!.state).to.equal('completed');
      expect(view!.variables).to.include({ budgetOk: true });
      expect((await h.engine.listIncidents({ state: 'open' }))).to.have.length(0);
    });

    it('fails a worker call that exceeds its time limit like any failure (retry, then incident)', async () => {
      h.engine.registerWorker('slow', () => new Promise(() => undefined), { timeoutMs: 30, retries: 1 });
      await h.engine.deploy({ xml: fixture('errors.bpmn').replace('id="errors"', 'id="slowp"').replace('type="budget-check" retries="3"', 'type="slow"'), resourceName: 's.bpmn' });
      const inst = await h.engine.startInstance({ bpmnProcessId: 'slowp' });
      const [incident] = await h.engine.listIncidents({ instanceId: inst.instanceId });
      expect(incident).to.include({ type: 'JOB_NO_RETRIES', jobType: 'slow' });
      expect(incident!.message).to.match(/timed out after 30 ms/);
    });

    it('routes a BPMN error thrown by a worker to the error boundary event', async () => {
      budgetBehaviour = 'bpmn-error';
      const inst = await h.engine.startInstance({ bpmnProcessId: 'errors' });
      const [task] = await h.openTasks(inst.instanceId);
      expect(task!.elementId).to.equal('fix');
      const view = await h.engine.getInstance(inst.instanceId);
      expect(view!.variables).to.include({ overBy: 100 });
    });

    it('raises an incident for a BPMN error nothing catches', async () => {
      h.engine.registerWorker('other', () => {
        throw new BpmnError('UNKNOWN_CODE');
      });
      await h.engine.deploy({ xml: fixture('errors.bpmn').replace('id="errors"', 'id="errors2"').replace('type="budget-check"', 'type="other"'), resourceName: 'e2.bpmn' });
      const inst = await h.engine.startInstance({ bpmnProcessId: 'errors2' });
      const incidents = await h.engine.listIncidents({ instanceId: inst.instanceId });
      expect(incidents).to.have.length(1);
      expect(incidents[0]).to.include({ type: 'UNHANDLED_ERROR_EVENT', elementId: 'check' });
      expect((await h.engine.getInstance(inst.instanceId))!.state).to.equal('active');
    });
  });

  describe('timers', () => {
    beforeEach(() => h.engine.deploy({ xml: fixture('timers.bpmn'), resourceName: 'timers.bpmn' }));

    it('fires an intermediate timer and an interrupting boundary timer by the injected clock', async () => {
      const inst = await h.engine.startInstance({ bpmnProcessId: 'timers', variables: { waitFor: 'PT2H' } });
      expect(await h.openTasks(inst.instanceId)).to.have.length(0);
      h.clock.advance(2 * 3_600_000 - 1);
      expect(await h.engine.runDue()).to.equal(0);
      h.clock.advance(1);
      expect(await h.engine.runDue()).to.equal(1);
      const [sign] = await h.openTasks(inst.instanceId);
      expect(sign!.elementId).to.equal('sign');

      h.clock.advanceDays(29);
      await h.engine.runDue();
      expect((await h.openTasks(inst.instanceId)).map((t) => t.elementId)).to.deep.equal(['sign']);
      h.clock.advanceDays(1);
      await h.engine.runDue();
      const open = await h.openTasks(inst.instanceId);
      expect(open.map((t) => t.elementId)).to.deep.equal(['escalate']);
      expect((await Task.findByPk(sign!.id))!.state).to.equal('canceled');
    });

    it('waits until a timeDate and repeats a non-interrupting timeCycle boundary (R2/PT1H) exactly twice', async () => {
      await h.engine.deploy({ xml: fixture('timer-kinds.bpmn'), resourceName: 'tk.bpmn' });
      const inst = await h.engine.startInstance({ bpmnProcessId: 'timerKinds', variables: { openingAt: '2026-03-05T01:30:00Z' } });
      h.clock.set('2026-03-05T01:29:59Z');
      await h.engine.runDue();
      expect(await h.openTasks(inst.instanceId)).to.have.length(0);
      h.clock.set('2026-03-05T01:30:00Z');
      await h.engine.runDue();
      expect((await h.openTasks(inst.instanceId)).map((t) => t.elementId)).to.deep.equal(['review']);
      for (let hour = 1; hour <= 4; hour++) {
        h.clock.advance(3_600_000);
        await h.engine.runDue();
      }
      // bpmn-engine runs an activity once at a time: the second reminder token waits until the first is done
      // (Zeebe would open both at once). Two fires, not four; the review task stays open throughout.
      let reminders = 0;
      for (;;) {
        const open = await h.openTasks(inst.instanceId);
        const reminder = open.find((t) => t.elementId === 'reminder');
        expect(open.map((t) => t.elementId)).to.include('review');
        if (!reminder) break;
        reminders++;
        await h.engine.completeUserTask({ taskId: reminder.id, variables: {}, actor: 'supervisor' });
      }
      expect(reminders).to.equal(2);
    });

    it('drops the boundary timer when the task is completed in time', async () => {
      const inst = await h.engine.startInstance({ bpmnProcessId: 'timers', variables: { waitFor: 'PT0S' } });
      const [sign] = await h.openTasks(inst.instanceId);
      await h.engine.completeUserTask({ taskId: sign!.id, variables: {}, actor: 'purchaser' });
      const rows = await h.tdb.db.sequelize.query('SELECT COUNT(*) AS n FROM engine_timers', { plain: true });
      expect(Number((rows as { n: number }).n)).to.equal(0);
      expect((await h.engine.getInstance(inst.instanceId))!.state).to.equal('completed');
    });
  });

  describe('messages', () => {
    beforeEach(() => h.engine.deploy({ xml: fixture('messages.bpmn'), resourceName: 'messages.bpmn' }));

    it('correlates a message by name and correlation key only', async () => {
      const a = await h.engine.startInstance({ bpmnProcessId: 'messages', variables: { projectNumber: 'P-1' } });
      const b = await h.engine.startInstance({ bpmnProcessId: 'messages', variables: { projectNumber: 'P-2' } });
      const r = await h.engine.publishMessage({ name: 'challenge', correlationKey: 'P-2', variables: { challenger: '某公司' } });
      expect(r.correlatedInstanceIds).to.deep.equal([b.instanceId]);
      expect(await h.openTasks(a.instanceId)).to.have.length(0);
      const [t] = await h.openTasks(b.instanceId);
      expect(t!.elementId).to.equal('answer');
      expect((await h.engine.getInstance(b.instanceId))!.variables).to.include({ challenger: '某公司' });
    });

    it('buffers a message with a time to live until an instance waits for it', async () => {
      const r = await h.engine.publishMessage({ name: 'challenge', correlationKey: 'P-9', timeToLiveMs: 60_000, messageId: 'm-1' });
      expect(r.buffered).to.equal(true);
      const dup = await rejects(h.engine.publishMessage({ name: 'challenge', correlationKey: 'P-9', timeToLiveMs: 60_000, messageId: 'm-1' }));
      expect(dup.status).to.equal(409);
      const inst = await h.engine.startInstance({ bpmnProcessId: 'messages', variables: { projectNumber: 'P-9' } });
      expect((await h.openTasks(inst.instanceId)).map((t) => t.elementId)).to.deep.equal(['answer']);
      // consumed: a second instance does not get it
      const other = await h.engine.startInstance({ bpmnProcessId: 'messages', variables: { projectNumber: 'P-9' } });
      expect(await h.openTasks(other.instanceId)).to.have.length(0);
    });

    it('does not deliver an expired buffered message', async () => {
      await h.engine.publishMessage({ name: 'challenge', correlationKey: 'P-7', timeToLiveMs: 1_000 });
      h.clock.advance(1_001);
      const inst = await h.engine.startInstance({ bpmnProcessId: 'messages', variables: { projectNumber: 'P-7' } });
      expect(await h.openTasks(inst.instanceId)).to.have.length(0);
    });
  });

  describe('parallel and multi-instance', () => {
    it('forks and joins', async () => {
      await h.engine.deploy({ xml: fixture('parallel.bpmn'), resourceName: 'parallel.bpmn' });
      const inst = await h.engine.startInstance({ bpmnProcessId: 'parallel' });
      const open = await h.openTasks(inst.instanceId);
      expect(open.map((t) => t.elementId).sort()).to.deep.equal(['a', 'b']);
      await h.engine.completeUserTask({ taskId: open.find((t) => t.elementId === 'b')!.id, variables: {}, actor: 'x' });
      expect((await h.openTasks(inst.instanceId)).map((t) => t.elementId)).to.deep.equal(['a']);
      await h.engine.completeUserTask({ taskId: open.find((t) => t.elementId === 'a')!.id, variables: {}, actor: 'y' });
      expect((await h.openTasks(inst.instanceId)).map((t) => t.elementId)).to.deep.equal(['c']);
    });

    it('refuses an exclusive split inside a parallel block (bpmn-engine 25 joins too early) and runs the wrapped form right', async () => {
      const err = await rejects(h.engine.deploy({ xml: fixture('parallel-xor.bpmn'), resourceName: 'px.bpmn' }));
      expect(err.status).to.equal(422);
      expect(err.details[0]).to.deep.include({ path: 'split' });
      expect(err.details[0]!.reason).to.match(/wrap this split and its merge in an embedded sub-process/);

      await h.engine.deploy({ xml: fixture('parallel-xor-wrapped.bpmn'), resourceName: 'pxw.bpmn' });
      const inst = await h.engine.startInstance({ bpmnProcessId: 'parallelXorWrapped' });
      const open = await h.openTasks(inst.instanceId);
      expect(open.map((t) => t.elementId).sort()).to.deep.equal(['a1', 'b']);
      await h.engine.completeUserTask({ taskId: open.find((t) => t.elementId === 'b')!.id, variables: {}, actor: 'x' });
      await h.engine.completeUserTask({ taskId: open.find((t) => t.elementId === 'a1')!.id, variables: { decision: 'approve' }, actor: 'x' });
      // The join waits for the sub-process: only a2 is open (the unwrapped model would also open c here).
      const after = await h.openTasks(inst.instanceId);
      expect(after.map((t) => t.elementId)).to.deep.equal(['a2']);
      await h.engine.completeUserTask({ taskId: after[0]!.id, variables: {}, actor: 'x' });
      expect((await h.openTasks(inst.instanceId)).map((t) => t.elementId)).to.deep.equal(['c']);
    });

    it('creates one user task per element of the input collection, assigned by FEEL', async () => {
      await h.engine.deploy({ xml: fixture('multi.bpmn'), resourceName: 'multi.bpmn' });
      const inst = await h.engine.startInstance({ bpmnProcessId: 'multi', variables: { experts: ['张三', '李四', '王五'] } });
      const open = await h.openTasks(inst.instanceId);
      expect(open.map((t) => t.assignee).sort()).to.deep.equal(['张三', '李四', '王五'].sort());
      for (const t of open) await h.engine.completeUserTask({ taskId: t.id, variables: {}, actor: t.assignee! });
      expect((await h.engine.getInstance(inst.instanceId))!.state).to.equal('completed');
    });
  });
});
