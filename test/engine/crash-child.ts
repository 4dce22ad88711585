/**
 * A separate process for the crash tests: opens the database, runs one scenario step through the engine and
 * reports on stdout, one JSON line per event. The parent kills it with SIGKILL at chosen moments.
 */
import { openDatabase } from '../../server/db.ts';
import { ManualClock } from '../../server/clock.ts';
import { createEngine } from '../../server/engine/index.ts';
import { defineTaskModels, Task } from '../../server/engine/task-projection.ts';
import { fixture, testFormsDir } from './harness.ts';

const [url, mode, clockAt] = process.argv.slice(2) as [string, string, string];
const say = (o: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(o)}\n`);

const db = await openDatabase(url);
const clock = new ManualClock(clockAt);
const engine = createEngine({ db, clock, formsDir: testFormsDir, pollIntervalMs: 50 });
engine.registerWorker('calc', (job) => ({ result: Number(job.variables.doubled ?? 0) + 1 }));
defineTaskModels(db.sequelize);

switch (mode) {
  case 'start-and-wait': {
    await engine.deploy({ xml: fixture('timers.bpmn'), resourceName: 'timers.bpmn' });
    const inst = await engine.startInstance({ bpmnProcessId: 'timers', variables: { waitFor: 'PT1H' } });
    say({ event: 'started', instanceId: inst.instanceId });
    clock.advance(3_600_000);
    await engine.start(); // the scheduler fires the 1-hour timer: the instance now waits at a user task
    const tasks = await Task.findAll({ where: { instanceId: inst.instanceId, state: 'created' } });
    say({ event: 'waiting', tasks: tasks.map((t) => t.elementId) });
    break;
  }
  case 'resume-timers': {
    await engine.start(); // timers that came due while no process was running fire now
    const tasks = await Task.findAll({ where: { state: 'created' } });
    say({ event: 'waiting', tasks: tasks.map((t) => t.elementId) });
    break;
  }
  case 'complete-all': {
    await engine.start();
    for (;;) {
      const open = await Task.findAll({ where: { state: 'created' }, order: [['createdAt', 'ASC']] });
      if (!open.length) break;
      for (const t of open) await engine.completeUserTask({ taskId: t.id, variables: { decision: 'approve' }, actor: 'recoverer' });
    }
    say({ event: 'done' });
    break;
  }
  case 'churn': {
    // Start and complete approval chains without pause until killed.
    await engine.deploy({ xml: fixture('approval.bpmn'), resourceName: 'approval.bpmn' });
    for (let i = 0; ; i++) {
      const inst = await engine.startInstance({ bpmnProcessId: 'approval', variables: { amountFen: i }, businessKey: `churn-${i}` });
      say({ event: 'started', instanceId: inst.instanceId, i });
      const [t] = await Task.findAll({ where: { instanceId: inst.instanceId, state: 'created' } });
      if (i % 2 === 0 && t) await engine.completeUserTask({ taskId: t.id, variables: { decision: 'approve' }, actor: 'churner' });
    }
  }
}
say({ event: 'idle' });
// Stay alive (like a server) until the parent kills us.
setInterval(() => undefined, 1_000);
