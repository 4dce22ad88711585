/** Runs many instance lifecycles and reports heap use after GC (run with --expose-gc). */
import { openDatabase } from '../../server/db.ts';
import { migrate } from '../../server/migrate.ts';
import { ManualClock } from '../../server/clock.ts';
import { createEngine } from '../../server/engine/index.ts';
import { defineTaskModels, Task } from '../../server/engine/task-projection.ts';
import { fixture, testFormsDir } from './harness.ts';

const [url, total] = [process.argv[2]!, Number(process.argv[3] ?? 400)];
const db = await openDatabase(url);
await migrate(db);
// A small hot-run cache: full by the first sample, so growth after it would be a leak.
const engine = createEngine({ db, clock: new ManualClock(), formsDir: testFormsDir, hotInstances: 50 });
engine.registerWorker('calc', () => ({ result: 1 }));
defineTaskModels(db.sequelize);
await engine.deploy({ xml: fixture('approval.bpmn'), resourceName: 'approval.bpmn' });
const gc = (globalThis as { gc?: () => void }).gc!;
const heap = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};
const samples: Record<string, number> = {};
const dormant: string[] = [];
for (let i = 1; i <= total; i++) {
  const inst = await engine.startInstance({ bpmnProcessId: 'approval', variables: { amountFen: i } });
  if (i % 2) {
    dormant.push(inst.instanceId); // left waiting at a user task
  } else {
    for (const step of ['approve', 'approve']) {
      const [t] = await Task.findAll({ where: { instanceId: inst.instanceId, state: 'created' } });
      await engine.completeUserTask({ taskId: t!.id, variables: { decision: step }, actor: 'm' });
    }
  }
  if (i === 100 || i === total) samples[i] = heap();
}
process.stdout.write(`${JSON.stringify({ samples, dormant: dormant.length })}\n`);
await engine.stop();
await db.close();
