/**
 * The behaviour suite of the engine port, shared by both adapters (see behaviour.test.ts): deploy, start,
 * service tasks through workers, BPMN errors, failures with retries → incident → retry, user tasks
 * (projection, claim, complete), messages with correlation keys and buffering, and duplicate job delivery.
 *
 * On `zeebe` it runs the real adapter against the in-process doubles in ./zeebe-doubles: that checks the
 * adapter's protocol use (gRPC and REST calls, keys as strings, JSON variables, long polling, retries, the
 * task projection under eventually consistent search) against Zeebe's documented semantics, NOT Zeebe itself.
 * Where the port's two adapters differ by design, the test says so next to the adapter-specific assertion.
 * Embedded-only behaviour (timers, parallel and multi-instance, hot runs, 422 on a failing gateway) stays in
 * embedded.test.ts.
 */
import { expect } from 'chai';
import { BpmnError } from '../../server/engine/port.ts';
import { AppError } from '../../server/errors.ts';
import { Task } from '../../server/engine/task-projection.ts';
import { fixture } from './harness.ts';
import { adapterHarness, type AdapterHarness, type AdapterKind, type AdapterOptions } from './adapters.ts';

export async function rejects(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    return err as AppError;
  }
  throw new Error('expected a rejection');
}

export function behaviourSuite(kind: AdapterKind, label: string, opts: AdapterOptions = {}): void {
  describe(`engine behaviour: ${label}`, function () {
    let h: AdapterHarness;
    let calcCalls: { vars: Record<string, unknown>; headers: Record<string, string>; key: string }[];
    let budgetBehaviour: 'ok' | 'fail' | 'bpmn-error' | 'odd-throw' | 'array';
    let budgetCalls: number;
    let notifyCalls: string[];

    beforeEach(async () => {
      calcCalls = [];
      budgetCalls = 0;
      notifyCalls = [];
      budgetBehaviour = 'ok';
      h = await adapterHarness(kind, (engine) => {
        engine.registerWorker('calc', (job) => {
          calcCalls.push({ vars: job.variables, headers: job.headers, key: job.key });
          return { result: (job.variables.doubled as number) + 1, noise: 'not mapped' };
        });
        engine.registerWorker('budget-check', () => {
          budgetCalls++;
          if (budgetBehaviour === 'fail') throw new Error('finance system unreachable');
          if (budgetBehaviour === 'bpmn-error') throw new BpmnError('BUDGET_EXCEEDED', '超出预算', { overBy: 100 });
          // A worker (or a library under it) that throws something other than an Error.
          if (budgetBehaviour === 'odd-throw') throw { message: { zh: '财政系统不可用' }, code: 503 };
          if (budgetBehaviour === 'array') return [1, 2] as unknown as Record<string, unknown>;
          return { budgetOk: true };
        });
        engine.registerWorker('notify', (job) => {
          // Stands for any worker with an outside effect (a document, an audit entry, a notification).
          notifyCalls.push(job.key);
          return { notifiedAt: '2026-03-02T01:00:00Z' };
        });
        engine.registerWorker('other', () => {
          throw new BpmnError('UNKNOWN_CODE');
        });
        engine.registerWorker('slow', () => new Promise(() => undefined), { timeoutMs: 30, retries: 1 });
      }, opts);
    });
    afterEach(() => h.close());

    describe('deploy', () => {
      it('versions a process and makes no new version for the same content', async () => {
        const a = await h.engine.deploy({ xml: fixture('approval.bpmn'), resourceName: 'approval.bpmn' });
        expect(a).to.include({ bpmnProcessId: 'approval', version: 1, created: true, name: '审批' });
        if (kind === 'zeebe') expect(a.deploymentId).to.match(/^\d+$/); // int64 keys travel as decimal strings
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
          if (h.doubles) expect(h.doubles.broker.calls.get('DeployResource') ?? 0).to.equal(0);
        });
      }
    });

    describe('user tasks, service tasks, gateways', () => {
      beforeEach(() => h.engine.deploy({ xml: fixture('approval.bpmn'), resourceName: 'approval.bpmn' }));

      it('runs a worker with input mappings and headers, projects the user task, routes on FEEL', async () => {
        const inst = await h.engine.startInstance({ bpmnProcessId: 'approval', variables: { amountFen: 50, dueAt: '2026-03-09T09:00:00Z', stats: { kept: true } }, businessKey: 'FCZC-2026-0001', startedBy: 'purchaser' });
        expect(inst.state).to.equal('active');
        if (kind === 'zeebe') expect(inst.instanceId).to.match(/^\d+$/);
        const [task] = await h.openTasks(inst.instanceId);
        expect(calcCalls).to.have.length(1);
        expect(calcCalls[0]!.headers).to.deep.equal({ template: 'T01' });
        // The job key is stable per element execution: <instance>:<element>:<counter (embedded) | element-instance key (zeebe)>.
        expect(calcCalls[0]!.key).to.match(new RegExp(`^${inst.instanceId}:svc:\\d+$`));
        if (kind === 'embedded') expect(calcCalls[0]!.key).to.equal(`${inst.instanceId}:svc:1`);
        expect(calcCalls[0]!.vars).to.include({ amountFen: 50, doubled: 100 });

        expect(task).to.include({ elementId: 'dept', name: '部门审批', formId: 't-approve', candidateGroups: 'dept_approver,supervisor', businessKey: 'FCZC-2026-0001', assignee: null });
        expect(task!.dueAt!.toISOString()).to.equal('2026-03-09T09:00:00.000Z');

        const view1 = await h.engine.getInstance(inst.instanceId);
        expect(view1!.businessKey).to.equal('FCZC-2026-0001');
        expect(view1!.startedBy).to.equal('purchaser');
        expect(view1!.variables).to.include({ calcResult: 101 });
        expect(view1!.variables.stats).to.deep.equal({ kept: true, calc: { tenfold: 1010 } }); // path target extends
        expect(view1!.variables).to.not.have.property('noise');
        expect(view1!.variables).to.not.have.property('doubled');
        expect(view1!.activeElements.map((a) => a.elementId)).to.deep.equal(['dept']);

        await h.engine.completeUserTask({ taskId: task!.id, variables: { decision: 'approve' }, actor: 'dept_approver' });
        const done = await Task.findByPk(task!.id);
        expect(done).to.include({ state: 'completed', completedBy: 'dept_approver' });
        const [next] = await h.openTasks(inst.instanceId);
        expect(next).to.include({ elementId: 'finance', candidateGroups: 'finance_section' });

        await h.engine.completeUserTask({ taskId: next!.id, variables: {}, actor: 'finance_section' });
        await h.settle();
        const view = await h.engine.getInstance(inst.instanceId);
        expect(view!.state).to.equal('completed');
        expect(view!.variables).to.include({ deptDecision: 'approve', outcome: 'approved' }); // end event output mapping
        expect(view!.variables).to.not.have.property('decision');
        const completed = view!.history.filter((e) => e.event === 'completed').map((e) => `${e.elementId}:${e.actor ?? ''}`);
        expect(completed).to.include.members(['dept:dept_approver', 'finance:finance_section']);
        // Zeebe keeps element history in Operate; the adapter's view shows the user tasks the app saw.
        if (kind === 'embedded') expect(completed).to.include('endOk:');
      });

      it('takes the default flow when no condition matches', async () => {
        const inst = await h.engine.startInstance({ bpmnProcessId: 'approval', variables: { amountFen: 1 } });
        const [task] = await h.openTasks(inst.instanceId);
        await h.engine.completeUserTask({ taskId: task!.id, variables: { decision: 'return' }, actor: 'dept_approver' });
        await h.settle();
        const view = await h.engine.getInstance(inst.instanceId);
        expect(view!.state).to.equal('completed');
        expect(view!.variables).to.include({ deptDecision: 'return' });
        expect(view!.variables).to.not.have.property('outcome');
        if (kind === 'embedded') expect(view!.history.map((e) => e.elementId)).to.include('endReturned');
      });

      it('refuses a second completion of the same task with 409 and changes nothing', async () => {
        const inst = await h.engine.startInstance({ bpmnProcessId: 'approval', variables: { amountFen: 1 } });
        const [task] = await h.openTasks(inst.instanceId);
        const results = await Promise.allSettled([
          h.engine.completeUserTask({ taskId: task!.id, variables: { decision: 'approve' }, actor: 'u1' }),
          h.engine.completeUserTask({ taskId: task!.id, variables: { decision: 'return' }, actor: 'u2' }),
        ]);
        const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect(results.filter((r) => r.status === 'fulfilled')).to.have.length(1);
        expect(failed).to.have.length(1);
        expect(failed[0]!.reason.status).to.equal(409);
        // The instance reflects exactly the winner's decision: approve → finance task, return → ended.
        const winner = (await Task.findByPk(task!.id))!.completedBy;
        const open = await h.openTasks(inst.instanceId);
        expect(open.map((t) => t.elementId)).to.deep.equal(winner === 'u1' ? ['finance'] : []);
        const view = await h.engine.getInstance(inst.instanceId);
        expect(view!.variables.deptDecision).to.equal(winner === 'u1' ? 'approve' : 'return');
      });

      it('claims, refuses a claim of a claimed task, and lets only the assignee unclaim', async () => {
        const inst = await h.engine.startInstance({ bpmnProcessId: 'approval', variables: { amountFen: 1 } });
        const [task] = await h.openTasks(inst.instanceId);
        await h.engine.assignUserTask({ taskId: task!.id, assignee: 'alice', allowOverride: false, actor: 'alice' });
        expect((await Task.findByPk(task!.id))!.assignee).to.equal('alice');
        const err = await rejects(h.engine.assignUserTask({ taskId: task!.id, assignee: 'bob', allowOverride: false, actor: 'bob' }));
        expect(err.status).to.equal(409);
        expect(err.code).to.equal('TASK_ALREADY_CLAIMED');
        const err2 = await rejects(h.engine.assignUserTask({ taskId: task!.id, assignee: null, allowOverride: false, actor: 'bob' }));
        expect(err2.status).to.equal(409);
        await h.settle(); // a lagging search must not undo the claim in the projection
        expect((await Task.findByPk(task!.id))!.assignee).to.equal('alice');
        await h.engine.assignUserTask({ taskId: task!.id, assignee: null, allowOverride: false, actor: 'alice' });
        await h.settle();
        expect((await Task.findByPk(task!.id))!.assignee).to.equal(null);
        if (h.doubles) expect(h.doubles.broker.userTasks.get(task!.id)!.assignee).to.equal(null);
      });

      it('cancels an instance and its open tasks', async () => {
        const inst = await h.engine.startInstance({ bpmnProcessId: 'approval', variables: { amountFen: 1 } });
        const [task] = await h.openTasks(inst.instanceId);
        await h.engine.cancelInstance(inst.instanceId, 'supervisor');
        await h.settle();
        expect((await h.engine.getInstance(inst.instanceId))!.state).to.equal('canceled');
        expect((await Task.findByPk(task!.id))!.state).to.equal('canceled');
        const err = await rejects(h.engine.completeUserTask({ taskId: task!.id, variables: {}, actor: 'x' }));
        expect(err.status).to.equal(409);
        expect((await rejects(h.engine.cancelInstance(inst.instanceId, 'supervisor'))).status).to.equal(409);
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
        expect(n!.processVersion).to.equal(2);
      });
    });

    describe('jobs: retries, incidents, BPMN errors', () => {
      beforeEach(() => h.engine.deploy({ xml: fixture('errors.bpmn'), resourceName: 'errors.bpmn' }));

      it('retries with backoff, raises an incident when retries run out, and resumes after a retry', async () => {
        budgetBehaviour = 'fail';
        const inst = await h.engine.startInstance({ bpmnProcessId: 'errors' });
        await h.settle();
        expect(budgetCalls).to.equal(1);
        await h.advance(999); // back-off (1 s) not elapsed
        expect(budgetCalls).to.equal(1);
        await h.advance(1);
        expect(budgetCalls).to.equal(2);
        await h.advance(10_000);
        expect(budgetCalls).to.equal(3);
        const [incident] = await h.engine.listIncidents({ state: 'open' });
        expect(incident).to.include({ instanceId: inst.instanceId, elementId: 'check', type: 'JOB_NO_RETRIES', jobType: 'budget-check', state: 'open' });
        expect(incident!.message).to.contain('finance system unreachable');
        await h.advance(3_600_000);
        expect(budgetCalls).to.equal(3); // no retries without an operator

        budgetBehaviour = 'ok';
        await h.engine.retryIncident(incident!.id, 1, 'process_admin');
        await h.settle();
        expect(budgetCalls).to.equal(4);
        const view = await h.engine.getInstance(inst.instanceId);
        expect(view!.state).to.equal('completed');
        expect(view!.variables).to.include({ budgetOk: true });
        expect(await h.engine.listIncidents({ state: 'open' })).to.have.length(0);
        expect((await rejects(h.engine.retryIncident(incident!.id, 1, 'process_admin'))).status).to.equal(409);
      });

      for (const [odd, pattern] of [['odd-throw', /财政系统不可用/], ['array', /不是数组/]] as const) {
        it(`fails a worker that ${odd === 'array' ? 'returns an array' : 'throws a non-Error'} like any failure (retries, then an incident naming it)`, async () => {
          budgetBehaviour = odd;
          const inst = await h.engine.startInstance({ bpmnProcessId: 'errors' });
          await h.settle();
          await h.advance(1_000);
          await h.advance(10_000);
          const [incident] = await h.engine.listIncidents({ state: 'open' });
          expect(incident, 'an incident an operator can see').to.include({ instanceId: inst.instanceId, type: 'JOB_NO_RETRIES', jobType: 'budget-check' });
          expect(incident!.message).to.match(pattern);
          const view = await h.engine.getInstance(inst.instanceId);
          expect(view!.state).to.equal('active');
        });
      }

      it('fails a worker call that exceeds its time limit like any failure (retry, then incident)', async () => {
        // retries="1" in the model: under Zeebe the model's retries (Zeebe's default 3) always rule.
        await h.engine.deploy({ xml: fixture('errors.bpmn').replace('id="errors"', 'id="slowp"').replace('type="budget-check" retries="3"', 'type="slow" retries="1"'), resourceName: 's.bpmn' });
        const inst = await h.engine.startInstance({ bpmnProcessId: 'slowp' });
        await h.settle();
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
        await h.engine.deploy({ xml: fixture('errors.bpmn').replace('id="errors"', 'id="errors2"').replace('type="budget-check"', 'type="other"'), resourceName: 'e2.bpmn' });
        const inst = await h.engine.startInstance({ bpmnProcessId: 'errors2' });
        await h.settle();
        const incidents = await h.engine.listIncidents({ instanceId: inst.instanceId });
        expect(incidents).to.have.length(1);
        expect(incidents[0]).to.include({ type: 'UNHANDLED_ERROR_EVENT', elementId: 'check' });
        expect((await h.engine.getInstance(inst.instanceId))!.state).to.equal('active');
      });
    });

    describe('messages', () => {
      beforeEach(() => h.engine.deploy({ xml: fixture('messages.bpmn'), resourceName: 'messages.bpmn' }));

      it('correlates a message by name and correlation key only', async () => {
        const a = await h.engine.startInstance({ bpmnProcessId: 'messages', variables: { projectNumber: 'P-1' } });
        const b = await h.engine.startInstance({ bpmnProcessId: 'messages', variables: { projectNumber: 'P-2' } });
        await h.settle();
        const r = await h.engine.publishMessage({ name: 'challenge', correlationKey: 'P-2', variables: { challenger: '某公司' } });
        if (kind === 'zeebe') expect(r.messageKey).to.match(/^\d+$/);
        // Zeebe correlates asynchronously: its publish does not name the instances reached.
        expect(r.correlatedInstanceIds).to.deep.equal(kind === 'embedded' ? [b.instanceId] : []);
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
        expect(dup.code).to.equal('MESSAGE_ALREADY_PUBLISHED');
        const inst = await h.engine.startInstance({ bpmnProcessId: 'messages', variables: { projectNumber: 'P-9' } });
        expect((await h.openTasks(inst.instanceId)).map((t) => t.elementId)).to.deep.equal(['answer']);
        // consumed: a second instance of the same process does not get it
        const other = await h.engine.startInstance({ bpmnProcessId: 'messages', variables: { projectNumber: 'P-9' } });
        expect(await h.openTasks(other.instanceId)).to.have.length(0);
      });

      it('does not deliver an expired buffered message', async () => {
        await h.engine.publishMessage({ name: 'challenge', correlationKey: 'P-7', timeToLiveMs: 1_000 });
        await h.advance(1_001);
        const inst = await h.engine.startInstance({ bpmnProcessId: 'messages', variables: { projectNumber: 'P-7' } });
        expect(await h.openTasks(inst.instanceId)).to.have.length(0);
      });
    });

    describe('at-least-once delivery', () => {
      beforeEach(() => h.engine.deploy({ xml: fixture('notify.bpmn'), resourceName: 'notify.bpmn' }));

      it('runs a job delivered twice once: the second delivery is answered from job_executions', async () => {
        const inst = await h.engine.startInstance({ bpmnProcessId: 'notify', businessKey: 'FCZC-2026-0042' });
        const [review] = await h.openTasks(inst.instanceId);
        if (h.doubles) {
          // Zeebe: the worker's completion is lost, so Zeebe hands the same job out again after its deadline.
          h.doubles.broker.loseCompletions = 1;
          await h.engine.completeUserTask({ taskId: review!.id, variables: {}, actor: 'dept_approver' });
          await h.settle();
          expect(notifyCalls).to.have.length(1);
          expect(await h.openTasks(inst.instanceId)).to.have.length(0); // still waiting at the job
          await h.advance(60_000 + 30_000 + 1); // past the job timeout (worker limit + margin)
          // Two deliveries, two completions sent (the first lost), one worker call.
          expect(h.doubles.broker.calls.get('CompleteJob')).to.equal(2);
        } else {
          // Embedded: the run that ran the worker fails to commit (here: a listener throws), so the next
          // operation runs the same job again from the same snapshot, with the same key.
          let failOnce = true;
          h.engine.onChange((ch) => {
            if (ch.kind === 'task.completed' && failOnce) {
              failOnce = false;
              throw new Error('audit store unavailable');
            }
          });
          const err = await rejects(h.engine.completeUserTask({ taskId: review!.id, variables: {}, actor: 'dept_approver' }));
          expect(err.message).to.contain('audit store unavailable');
          expect(notifyCalls).to.have.length(1);
          expect((await Task.findByPk(review!.id))!.state).to.equal('created'); // nothing committed
          await h.engine.completeUserTask({ taskId: review!.id, variables: {}, actor: 'dept_approver' });
        }
        const open = await h.openTasks(inst.instanceId);
        expect(open.map((t) => t.elementId)).to.deep.equal(['archive']);
        expect(notifyCalls).to.have.length(1); // one effect, though the job was delivered twice
        expect(notifyCalls[0]).to.match(new RegExp(`^${inst.instanceId}:send:`));
        const rows = await h.tdb.db.sequelize.query('SELECT job_key, outcome, output FROM job_executions', { type: 'SELECT' }) as { job_key: string; outcome: string; output: string }[];
        expect(rows).to.have.length(1);
        expect(rows[0]).to.include({ job_key: notifyCalls[0], outcome: 'completed' });
        expect((await h.engine.getInstance(inst.instanceId))!.variables).to.include({ notifiedAt: '2026-03-02T01:00:00Z' });
      });

      it('records a BPMN error as the job\'s outcome, so a redelivery would replay it', async () => {
        budgetBehaviour = 'bpmn-error';
        await h.engine.deploy({ xml: fixture('errors.bpmn'), resourceName: 'errors.bpmn' });
        const inst = await h.engine.startInstance({ bpmnProcessId: 'errors' });
        const [fix] = await h.openTasks(inst.instanceId);
        expect(fix!.elementId).to.equal('fix');
        expect(budgetCalls).to.equal(1);
        const rows = await h.tdb.db.sequelize.query('SELECT outcome, error_code FROM job_executions', { type: 'SELECT' }) as { outcome: string; error_code: string }[];
        expect(rows).to.deep.equal([{ outcome: 'bpmn-error', error_code: 'BUDGET_EXCEEDED' }]);
      });
    });
  });
}
