/**
 * QA (Zeebe adapter over the test doubles): Camunda 8.8's variable search cuts values longer than 8191 characters
 * and flags them `isTruncated`; the full value is at GET /v2/variables/{variableKey}. The adapter read the search
 * result as the value, so a long variable (a detailed requirement, a list of items) came back as a cut JSON text —
 * in the task view, as the form's initial data and in the server-side validation — and the double, which never
 * truncated, let that pass unseen.
 */
import { expect } from 'chai';
import { adapterHarness, type AdapterHarness } from '../engine/adapters.ts';
import { fixture } from '../engine/harness.ts';

describe('QA zeebe: variables longer than the search preview', function () {
  let h: AdapterHarness;
  before(async () => {
    h = await adapterHarness('zeebe', (engine) => {
      engine.registerWorker('calc', (job) => ({ result: (job.variables.doubled as number) + 1 }));
      for (const t of ['budget-check', 'notify', 'other', 'slow']) engine.registerWorker(t, () => ({}));
    });
    await h.engine.deploy({ xml: fixture('approval.bpmn'), resourceName: 'approval.bpmn' });
  });
  after(() => h.close());

  it('getInstance gives the full value of a long variable, and the short ones unchanged', async () => {
    const items = Array.from({ length: 300 }, (_, i) => ({ 序号: i + 1, 名称: `交互式一体机（86 英寸）第${i + 1}台`, 数量: 1, 单价Fen: 1_250_000 }));
    const description = '采购需求：'.padEnd(9000, '负压救护车含车载医疗设备');
    const inst = await h.engine.startInstance({ bpmnProcessId: 'approval', variables: { amountFen: 50, items, description, note: '短' } });
    await h.settle();
    const view = await h.engine.getInstance(inst.instanceId);
    expect(JSON.stringify(items).length).to.be.greaterThan(8191);
    expect(view!.variables.items).to.deep.equal(items);
    expect(view!.variables.description).to.equal(description);
    expect(view!.variables).to.include({ note: '短', amountFen: 50 });
  });
});
