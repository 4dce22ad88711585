/**
 * ZEEBE_AUTH=oauth: the adapter fetches a client-credentials token (through @camunda8/sdk's OAuth provider) and
 * sends it on gRPC calls and on REST calls. The doubles require the bearer token and issue it from a token
 * endpoint; they check the adapter's protocol use, not Camunda's Identity.
 */
import { expect } from 'chai';
import { fixture } from './harness.ts';
import { adapterHarness, type AdapterHarness } from './adapters.ts';

describe('Zeebe adapter with OAuth client credentials (over the test doubles)', function () {
  let h: AdapterHarness | null = null;
  afterEach(async () => {
    await h?.close();
    h = null;
  });
  const workers = (engine: AdapterHarness['engine']) => {
    engine.registerWorker('calc', (job) => ({ result: (job.variables.doubled as number) + 1 }));
    engine.registerWorker('budget-check', () => ({ budgetOk: true }));
  };

  it('signs gRPC and REST calls with the token from the token endpoint', async () => {
    h = await adapterHarness('zeebe', workers, { oauth: { clientId: 'eproc', clientSecret: 'right-secret' } });
    await h.engine.deploy({ xml: fixture('approval.bpmn'), resourceName: 'approval.bpmn' });
    const inst = await h.engine.startInstance({ bpmnProcessId: 'approval', variables: { amountFen: 1 } });
    const [task] = await h.openTasks(inst.instanceId); // REST search + a job through gRPC, both authenticated
    expect(task!.elementId).to.equal('dept');
    await h.engine.assignUserTask({ taskId: task!.id, assignee: 'alice', allowOverride: false, actor: 'alice' });
    await h.engine.completeUserTask({ taskId: task!.id, variables: { decision: 'approve' }, actor: 'alice' });
    expect((await h.openTasks(inst.instanceId)).map((t) => t.elementId)).to.deep.equal(['finance']);
    const requests = h.doubles!.rest.requests;
    expect(requests).to.include('POST /oauth/token');
    expect(requests.filter((r) => r === 'POST /oauth/token').length).to.be.lessThan(4); // cached, not fetched per call
    expect(requests.some((r) => r.startsWith('POST /v2/user-tasks/') && r.endsWith('/completion'))).to.equal(true);
  });

  it('deploys nothing with wrong credentials', async () => {
    h = await adapterHarness('zeebe', workers, { oauth: { clientId: 'eproc', clientSecret: 'wrong-secret' } });
    let failed: unknown = null;
    await h.engine.deploy({ xml: fixture('approval.bpmn'), resourceName: 'approval.bpmn' }).catch((err) => (failed = err));
    expect(failed).to.be.instanceOf(Error);
    expect(h.doubles!.broker.processes.size).to.equal(0);
    const count = await h.tdb.db.sequelize.query('SELECT COUNT(*) AS n FROM engine_deployments', { plain: true });
    expect(Number((count as { n: number }).n)).to.equal(0);
  });
});
