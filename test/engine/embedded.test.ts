/**
 * Behaviour only the embedded engine adapter has, through the port, with state in a real database (SQLite, or
 * MariaDB when DATABASE_URL=mysql://…): a failing model answered with 422, two engine processes on one database,
 * hot runs, timers, parallel and multi-instance. What both adapters share (deploy, user and service tasks, jobs,
 * incidents, BPMN errors, messages, duplicate delivery) is in behaviour.ts, run on both by behaviour.test.ts.
 */
import { expect } from 'chai';
import { Task } from '../../server/engine/task-projection.ts';
import { openDatabase } from '../../server/db.ts';
import { createEngine } from '../../server/engine/index.ts';
import { fixture, harness, testFormsDir, type Harness } from './harness.ts';
import { rejects } from './behaviour.ts';

// Every behaviour twice: with hot runs kept in memory between operations, and recovered from the database each time.
for (const hotInstances of [200, 0]) describe(`embedded engine (${hotInstances ? 'hot runs cached' : 'every operation recovers from the database'})`, function () {
  let h: Harness;

  beforeEach(async () => {
    h = await harness((engine) => {
      engine.registerWorker('calc', (job) => ({ result: (job.variables.doubled as number) + 1 }));
      engine.registerWorker('budget-check', () => ({ budgetOk: true }));
    }, { hotInstances });
  });
  afterEach(() => h.close());

  describe('user tasks, service tasks, gateways', () => {
    beforeEach(() => h.engine.deploy({ xml: fixture('approval.bpmn'), resourceName: 'approval.bpmn' }));

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

    it('keeps process variables in one scope that sub-processes see (Zeebe semantics)', async () => {
      await h.engine.deploy({ xml: fixture('parallel-xor-wrapped.bpmn'), resourceName: 'pxw.bpmn' });
      const inst = await h.engine.startInstance({ bpmnProcessId: 'parallelXorWrapped', variables: { decision: 'approve' } });
      const a1 = (await h.openTasks(inst.instanceId)).find((t) => t.elementId === 'a1')!;
      // completed without variables: the split inside the sub-process sees the process variable set at start
      await h.engine.completeUserTask({ taskId: a1.id, variables: {}, actor: 'x' });
      expect((await h.openTasks(inst.instanceId)).map((t) => t.elementId).sort()).to.deep.equal(['a2', 'b']);
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
