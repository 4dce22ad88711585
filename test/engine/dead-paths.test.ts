/**
 * Dead-path elimination only where a join needs it (server/engine/embedded/dead-paths.ts): in a model without a
 * joining gateway the branch a gateway did not take is not walked at all — no "canceled" history for elements that
 * were never reached — while a model with a parallel join still joins (its discards still propagate).
 */
import { expect } from 'chai';
import BpmnModdle from 'bpmn-moddle';
import { hasJoiningGateway } from '../../server/engine/embedded/dead-paths.ts';
import { fixture, harness, type Harness } from './harness.ts';

const processOf = async (xml: string) => {
  const { rootElement } = await new BpmnModdle().fromXML(xml);
  return (rootElement as any).rootElements.find((e: { $type: string }) => e.$type === 'bpmn:Process');
};

describe('engine: dead paths are walked only where a join waits for them', function () {
  this.timeout(30_000);

  it('finds joining gateways in the process and in sub-processes, and none in a plain approval', async () => {
    expect(hasJoiningGateway(await processOf(fixture('approval.bpmn')))).to.equal(false);
    expect(hasJoiningGateway(await processOf(fixture('parallel.bpmn')))).to.equal(true);
    expect(hasJoiningGateway(await processOf(fixture('parallel-xor-wrapped.bpmn')))).to.equal(true);
    // A parallel gateway that only forks is not a join.
    const forkOnly = fixture('parallel.bpmn').replace('<bpmn:sequenceFlow id="f5" sourceRef="b" targetRef="join"/>', '<bpmn:sequenceFlow id="f5" sourceRef="b" targetRef="end"/>');
    expect(hasJoiningGateway(await processOf(forkOnly))).to.equal(false);
  });

  for (const hotInstances of [200, 0]) {
    describe(hotInstances ? 'hot runs' : 'recovered runs', () => {
      let h: Harness;
      beforeEach(async () => {
        h = await harness((engine) => engine.registerWorker('calc', (job) => ({ result: (job.variables.doubled as number) + 1 })), { hotInstances });
        await h.engine.deploy({ xml: fixture('approval.bpmn'), resourceName: 'approval.bpmn' });
        await h.engine.deploy({ xml: fixture('parallel.bpmn'), resourceName: 'parallel.bpmn' });
      });
      afterEach(() => h.close());

      const historyOf = async (instanceId: string) => (await h.engine.getInstance(instanceId))!.history.map((e) => `${e.elementId}:${e.event}`);

      it('the untaken branch leaves no trace; the taken one runs to its end', async () => {
        const approved = await h.engine.startInstance({ bpmnProcessId: 'approval', variables: { amountFen: 1 } });
        const [dept] = await h.openTasks(approved.instanceId);
        await h.engine.completeUserTask({ taskId: dept!.id, variables: { decision: 'approve' }, actor: 'u1' });
        const history = await historyOf(approved.instanceId);
        expect(history).to.include('finance:started');
        expect(history.filter((e) => e.startsWith('endReturned:'))).to.deep.equal([]);
        expect(history.filter((e) => e.endsWith(':canceled'))).to.deep.equal([]);

        const returned = await h.engine.startInstance({ bpmnProcessId: 'approval', variables: { amountFen: 1 } });
        const [dept2] = await h.openTasks(returned.instanceId);
        await h.engine.completeUserTask({ taskId: dept2!.id, variables: { decision: 'return' }, actor: 'u1' });
        const view = (await h.engine.getInstance(returned.instanceId))!;
        expect(view.endedAt).to.be.a('string');
        expect(view.history.map((e) => e.elementId)).to.not.include('finance');
        expect(view.history.map((e) => `${e.elementId}:${e.event}`)).to.include('endReturned:completed');
      });

      it('a parallel join still waits for both branches', async () => {
        const inst = await h.engine.startInstance({ bpmnProcessId: 'parallel', variables: {} });
        const [a, b] = await h.openTasks(inst.instanceId);
        await h.engine.completeUserTask({ taskId: a!.id, variables: { decision: 'approve' }, actor: 'u1' });
        expect((await h.openTasks(inst.instanceId)).map((t) => t.elementId)).to.deep.equal([b!.elementId]);
        await h.engine.completeUserTask({ taskId: b!.id, variables: { decision: 'approve' }, actor: 'u2' });
        expect((await h.openTasks(inst.instanceId)).map((t) => t.elementId)).to.deep.equal(['c']);
      });
    });
  }
});
