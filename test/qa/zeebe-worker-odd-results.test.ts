/**
 * QA (Zeebe adapter over the test doubles): workers that misbehave must still end in retries and then an
 * incident an operator can see and retry — never in a job Zeebe hands out again after every time-out without
 * end. Two ways it looped: a worker throwing a non-Error whose `message` is not text (computing the failure
 * message threw, so the job was never failed), and a worker returning an array (the SDK cannot send it as the
 * job's variables; the error was only logged).
 */
import { expect } from 'chai';
import { adapterHarness, type AdapterHarness } from '../engine/adapters.ts';
import { fixture } from '../engine/harness.ts';

describe('QA zeebe: a worker throwing a non-Error or returning a non-object', function () {
  const cases: [string, () => unknown, RegExp][] = [
    ['throws an object whose message is not text', () => { throw { message: { zh: '财政系统不可用' }, code: 503 }; }, /财政系统不可用/],
    ['returns an array', () => [1, 2], /不是数组/],
  ];
  for (const [what, worker, message] of cases) {
    describe(what, () => {
      let h: AdapterHarness;
      let calls = 0;
      before(async () => {
        calls = 0;
        h = await adapterHarness('zeebe', (engine) => {
          engine.registerWorker('calc', (job) => ({ result: (job.variables.doubled as number) + 1 }));
          engine.registerWorker('budget-check', () => {
            calls++;
            return worker() as Record<string, unknown>;
          });
          for (const t of ['notify', 'other', 'slow']) engine.registerWorker(t, () => ({}));
        });
        await h.engine.deploy({ xml: fixture('errors.bpmn'), resourceName: 'errors.bpmn' });
      });
      after(() => h.close());

      it('is retried with back-off, then raises an incident naming the problem', async () => {
        const inst = await h.engine.startInstance({ bpmnProcessId: 'errors' });
        await h.settle();
        await h.advance(1_000);
        await h.advance(10_000);
        const deliveries = () => [...h.doubles!.broker.jobs.values()].find((j) => j.type === 'budget-check')?.activations ?? 0;
        expect(deliveries()).to.equal(3); // the model's retries="3" (the worker itself may be answered from job_executions)
        expect(calls).to.be.greaterThan(0);
        const [incident] = await h.engine.listIncidents({ state: 'open' });
        expect(incident).to.include({ instanceId: inst.instanceId, type: 'JOB_NO_RETRIES', jobType: 'budget-check' });
        expect(incident!.message).to.match(message);
        await h.advance(3_600_000);
        expect(deliveries()).to.equal(3); // no silent redelivery without an operator
      });
    });
  }
});
