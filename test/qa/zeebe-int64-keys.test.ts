/**
 * QA (Zeebe adapter over the test doubles): Zeebe keys carry the partition id in their top bits
 * (key = partitionId << 51 | counter), so on partition 4 and up every key is ≥ 2^53 and is exact only as a
 * decimal string. The doubles number from partition 1 (2^51 + 1, below 2^53), which cannot show a key that went
 * through a JS number; here the broker numbers from partition 5, and the whole chain must keep every key exact:
 * deployment, instance, user task projection, claim, completion, job worker, incidents.
 */
import { expect } from 'chai';
import { adapterHarness, type AdapterHarness } from '../engine/adapters.ts';
import { fixture } from '../engine/harness.ts';

describe('QA zeebe: int64 keys beyond 2^53 (partition ≥ 4)', function () {
  let h: AdapterHarness;
  const jobKeys: string[] = [];
  let budget: 'ok' | 'fail' = 'ok';
  before(async () => {
    h = await adapterHarness('zeebe', (engine) => {
      engine.registerWorker('calc', (job) => {
        jobKeys.push(job.key);
        return { result: (job.variables.doubled as number) + 1 };
      });
      engine.registerWorker('budget-check', () => {
        if (budget === 'fail') throw new Error('财政系统不可用');
        return { budgetOk: true };
      });
      engine.registerWorker('notify', () => ({}));
      engine.registerWorker('other', () => ({}));
      engine.registerWorker('slow', () => ({}));
    });
    (h.doubles!.broker as unknown as { nextKey: bigint }).nextKey = 5n * 2n ** 51n + 1n;
  });
  after(() => h.close());

  it('keeps deployment, instance, task and job keys exact end to end', async () => {
    const dep = await h.engine.deploy({ xml: fixture('approval.bpmn'), resourceName: 'approval.bpmn' });
    expect(BigInt(dep.deploymentId) > 2n ** 53n).to.equal(true);
    const inst = await h.engine.startInstance({ bpmnProcessId: 'approval', variables: { amountFen: 50 }, businessKey: 'FCZC-2026-0009', startedBy: 'purchaser' });
    expect(h.doubles!.broker.instances.has(inst.instanceId), `instance ${inst.instanceId} known to the broker`).to.equal(true);
    expect(inst.deploymentId).to.equal(dep.deploymentId);
    const [task] = await h.openTasks(inst.instanceId);
    expect(task, 'the user task is projected').to.exist;
    expect(h.doubles!.broker.userTasks.has(task!.id), `task ${task!.id} known to the broker`).to.equal(true);
    expect(jobKeys[0]).to.match(new RegExp(`^${inst.instanceId}:svc:\\d+$`));
    const view = await h.engine.getInstance(inst.instanceId);
    expect(view!.deploymentId).to.equal(dep.deploymentId);
    expect(view!.variables).to.include({ calcResult: 101 });
    await h.engine.assignUserTask({ taskId: task!.id, assignee: 'dept_approver', allowOverride: false, actor: 'dept_approver' });
    await h.engine.completeUserTask({ taskId: task!.id, variables: { decision: 'approve', opinion: '同意采购，预算已落实' }, actor: 'dept_approver' });
    await h.settle();
    const [finance] = await h.openTasks(inst.instanceId);
    expect(finance).to.include({ elementId: 'finance' });
    expect((await h.engine.getInstance(inst.instanceId))!.variables).to.include({ deptDecision: 'approve' });
    await task!.reload();
    expect(task).to.include({ state: 'completed', completedBy: 'dept_approver' });
  });

  it('keeps incident and job keys exact: retries run out, an incident opens, the retry resumes the instance', async () => {
    await h.engine.deploy({ xml: fixture('errors.bpmn'), resourceName: 'errors.bpmn' });
    budget = 'fail';
    const inst = await h.engine.startInstance({ bpmnProcessId: 'errors' });
    await h.settle();
    await h.advance(1_000);
    await h.advance(10_000);
    const [incident] = await h.engine.listIncidents({ state: 'open' });
    expect(incident).to.include({ instanceId: inst.instanceId, type: 'JOB_NO_RETRIES', jobType: 'budget-check' });
    expect(incident!.message).to.contain('财政系统不可用');
    expect(BigInt(incident!.id) > 2n ** 53n).to.equal(true);
    budget = 'ok';
    await h.engine.retryIncident(incident!.id, 1, 'process_admin');
    await h.settle();
    expect((await h.engine.getInstance(inst.instanceId))!.state).to.equal('completed');
  });
});
