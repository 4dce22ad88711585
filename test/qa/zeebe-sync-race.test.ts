/**
 * QA (Zeebe adapter over the test doubles): the periodic task sync runs on a timer while a completion is in
 * flight. When the sync sees Camunda report the task COMPLETED (our own completion) before the adapter records it,
 * the completion still succeeded: the caller must not get a 409, the task stays completed by the actor, and the
 * change is reported once. Before the fix the adapter answered TASK_ALREADY_COMPLETED for its own completion, so
 * the inbox told the approver the task had been done by someone else and dropped their decision's record.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import { expect } from 'chai';
import type { EngineChange } from '../../server/engine/port.ts';
import { adapterHarness, type AdapterHarness } from '../engine/adapters.ts';
import { fixture } from '../engine/harness.ts';

describe('QA zeebe: task sync racing our own completion', function () {
  let h: AdapterHarness;
  const changes: EngineChange[] = [];
  beforeEach(async () => {
    changes.length = 0;
    h = await adapterHarness('zeebe', (engine) => {
      engine.registerWorker('calc', (job) => ({ result: (job.variables.doubled as number) + 1 }));
      engine.registerWorker('budget-check', () => ({ budgetOk: true }));
      engine.registerWorker('notify', () => ({}));
      engine.registerWorker('other', () => ({}));
      engine.registerWorker('slow', () => ({}));
      engine.onChange(async (ch) => void changes.push(ch));
    });
    await h.engine.deploy({ xml: fixture('approval.bpmn'), resourceName: 'approval.bpmn' });
  });
  afterEach(() => h.close());

  it('a sync that closes the task from Camunda mid-completion does not turn our completion into a 409', async () => {
    const inst = await h.engine.startInstance({ bpmnProcessId: 'approval', variables: { amountFen: 50 }, startedBy: 'purchaser' });
    const [task] = await h.openTasks(inst.instanceId);
    await h.engine.assignUserTask({ taskId: task!.id, assignee: 'dept_approver', allowOverride: false, actor: 'dept_approver' });
    // The approver claimed it a while ago (longer than the sync's grace for local writes), then submits.
    (h.engine as unknown as { sync: { localWrites: Map<string, number> } }).sync.localWrites.clear();
    // The sync timer fires while the REST completion is answered: it finds the task COMPLETED in Camunda.
    const rest = (h.engine as unknown as { rest: { completeUserTask(id: string, v: unknown): Promise<void> } }).rest;
    const original = rest.completeUserTask.bind(rest);
    rest.completeUserTask = async (id, v) => {
      await original(id, v);
      await h.engine.runDue();
    };
    await h.engine.completeUserTask({ taskId: task!.id, variables: { deptDecision: 'approve' }, actor: 'dept_approver' });
    await task!.reload();
    expect(task!.state).to.equal('completed');
    expect(task!.completedBy).to.equal('dept_approver');
    expect(changes.filter((c) => c.kind === 'task.completed' && c.objectId === task!.id)).to.have.length(1);
  });

  it('a sync pass that looked the task up before the completion and closes it first leaves the completion to its actor', async () => {
    const inst = await h.engine.startInstance({ bpmnProcessId: 'approval', variables: { amountFen: 50 }, startedBy: 'purchaser' });
    const [task] = await h.openTasks(inst.instanceId);
    await h.engine.assignUserTask({ taskId: task!.id, assignee: 'dept_approver', allowOverride: false, actor: 'dept_approver' });
    const engine = h.engine as unknown as { sync: { localWrites: Map<string, number> }; rest: Record<string, (...a: any[]) => Promise<any>> };
    engine.sync.localWrites.clear();
    // Camunda's search lags: the task no longer shows as CREATED, so the sync looks it up (GET) — and that
    // lookup is answered only after our completion went through.
    const { getUserTask, searchUserTasks, completeUserTask } = { getUserTask: engine.rest.getUserTask!.bind(engine.rest), searchUserTasks: engine.rest.searchUserTasks!.bind(engine.rest), completeUserTask: engine.rest.completeUserTask!.bind(engine.rest) };
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let looked!: () => void;
    const lookedUp = new Promise<void>((r) => (looked = r));
    engine.rest.searchUserTasks = async (f: unknown) => (await searchUserTasks(f)).filter((t: { userTaskKey: string }) => t.userTaskKey !== task!.id);
    engine.rest.getUserTask = async (id: string) => {
      looked();
      await gate;
      return getUserTask(id);
    };
    const syncing = h.engine.runDue();
    await lookedUp;
    engine.rest.completeUserTask = async (id: string, v: unknown) => {
      await completeUserTask(id, v);
      release();
      await syncing; // the sync closes the projection from Camunda's COMPLETED first
    };
    await h.engine.completeUserTask({ taskId: task!.id, variables: { deptDecision: 'approve' }, actor: 'dept_approver' });
    await task!.reload();
    expect(task!.state).to.equal('completed');
    expect(task!.completedBy).to.equal('dept_approver');
    expect(changes.filter((c) => c.kind === 'task.completed' && c.objectId === task!.id)).to.have.length(1);
  });
});
