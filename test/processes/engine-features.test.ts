/**
 * The BPMN behaviours the procurement chain relies on, each checked on the embedded engine with a small model
 * (test/processes/fixtures/chain-features.bpmn), hot and recovering every operation from the database:
 * an event-based gateway with a timeDate timer and a message catch (looping back through the gateway with a new
 * deadline), a parallel multi-instance user task with outputCollection/outputElement, candidateUsers as a FEEL
 * list, an interrupting boundary timeDate timer whose throw event maps variables, and a non-interrupting one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { ManualClock } from '../../server/clock.ts';
import { createEngine, type Engine } from '../../server/engine/index.ts';
import { defineTaskModels, Task } from '../../server/engine/task-projection.ts';
import { testDatabase, type TestDatabase } from '../helpers/db.ts';
import { ROOT } from './model-helpers.ts';

const XML = fs.readFileSync(path.join(ROOT, 'test/processes/fixtures/chain-features.bpmn'), 'utf8');

for (const hotInstances of [200, 0]) describe(`chain BPMN features on the embedded engine (${hotInstances ? 'hot' : 'recovered each operation'})`, function () {
  let tdb: TestDatabase;
  let clock: ManualClock;
  let engine: Engine;
  const applied: string[] = [];

  beforeEach(async function () {
    tdb = await testDatabase();
    clock = new ManualClock('2027-03-01T02:00:00Z');
    engine = createEngine({ db: tdb.db, clock, formsDir: path.join(ROOT, 'test/engine/forms'), hotInstances });
    applied.length = 0;
    engine.registerWorker('apply', (job) => {
      applied.push(job.key);
      return { deadlineAt: '2027-03-20T01:30:00Z' };
    });
    defineTaskModels(tdb.db.sequelize);
    await engine.deploy({ xml: XML, resourceName: 'chain-features.bpmn' });
  });
  afterEach(async function () {
    await engine.stop();
    await tdb.drop();
  });

  const open = (instanceId: string) => Task.findAll({ where: { instanceId, state: 'created' }, order: [['elementId', 'ASC'], ['assignee', 'ASC']] });
  const ids = async (instanceId: string) => (await open(instanceId)).map((t) => t.elementId);

  const start = () =>
    engine.startInstance({
      bpmnProcessId: 'chainFeatures',
      variables: {
        initiator: 'purchaser',
        tenderKey: '17',
        deadlineAt: '2027-03-10T01:30:00Z',
        panel: [{ code: 'E1', username: 'exp1' }, { code: 'E2', username: 'exp2' }, { code: 'E3', username: 'exp3' }],
        agencyUsers: ['agent1', 'agent2'],
        confirmDeadlineAt: '2027-03-25T10:00:00Z',
        firstCandidateBidId: 5,
        contractDeadlineAt: '2027-04-30T00:00:00Z',
      },
    });

  async function toScoring(instanceId: string) {
    clock.set('2027-03-10T01:30:00Z');
    await engine.runDue();
    expect(await ids(instanceId)).to.deep.equal(['score', 'score', 'score']);
  }

  async function scoreAll(instanceId: string) {
    for (const t of await open(instanceId)) {
      await engine.completeUserTask({ taskId: t.id, variables: { decision: 'approve', scores: [{ bidId: 5, s: t.assignee }], evaluationOpinion: `ok ${t.assignee}` }, actor: t.assignee! });
    }
  }

  it('event-based gateway: the message wins before the deadline, loops back and waits for the NEW timeDate', async function () {
    const inst = await start();
    expect(await ids(inst.instanceId)).to.deep.equal([]);
    clock.set('2027-03-05T00:00:00Z');
    expect(await engine.runDue()).to.equal(0);
    const r = await engine.publishMessage({ name: 'amend', correlationKey: '17', variables: { amendmentId: 3 } });
    expect(r.correlatedInstanceIds).to.deep.equal([inst.instanceId]);
    expect(applied).to.have.length(1);
    // The old deadline passes: nothing happens, the gateway now waits for the moved one.
    clock.set('2027-03-10T01:30:00Z');
    await engine.runDue();
    expect(await ids(inst.instanceId)).to.deep.equal([]);
    // A second amendment is caught too (the gateway was re-entered).
    await engine.publishMessage({ name: 'amend', correlationKey: '17', variables: { amendmentId: 4 } });
    expect(applied).to.have.length(2);
    clock.set('2027-03-20T01:29:59Z');
    await engine.runDue();
    expect(await ids(inst.instanceId)).to.deep.equal([]);
    clock.set('2027-03-20T01:30:00Z');
    await engine.runDue();
    expect(await ids(inst.instanceId)).to.deep.equal(['score', 'score', 'score']);
    // A message after the timer fired reaches nobody.
    const late = await engine.publishMessage({ name: 'amend', correlationKey: '17' });
    expect(late.correlatedInstanceIds).to.deep.equal([]);
  });

  it('parallel multi-instance: one task per panel member, outputElement collected in panel order', async function () {
    const inst = await start();
    await toScoring(inst.instanceId);
    const tasks = await open(inst.instanceId);
    expect(tasks.map((t) => t.assignee)).to.deep.equal(['exp1', 'exp2', 'exp3']);
    // complete out of order
    for (const t of [tasks[2], tasks[0], tasks[1]]) {
      await engine.completeUserTask({ taskId: t.id, variables: { scores: [{ bidId: 5, s: t.assignee }], evaluationOpinion: `ok ${t.assignee}` }, actor: t.assignee! });
    }
    const v = (await engine.getInstance(inst.instanceId))!.variables;
    expect(v.expertScores).to.deep.equal([
      { expertCode: 'E1', scores: [{ bidId: 5, s: 'exp1' }], opinion: 'ok exp1' },
      { expertCode: 'E2', scores: [{ bidId: 5, s: 'exp2' }], opinion: 'ok exp2' },
      { expertCode: 'E3', scores: [{ bidId: 5, s: 'exp3' }], opinion: 'ok exp3' },
    ]);
    // Iteration variables stay local.
    expect(v).not.to.have.any.keys('scores', 'evaluationOpinion', 'panelMember');
    expect(await ids(inst.instanceId)).to.deep.equal(['confirm']);
  });

  it('candidateUsers from a FEEL list; completing in time skips the interrupting timer', async function () {
    const inst = await start();
    await toScoring(inst.instanceId);
    await scoreAll(inst.instanceId);
    const [confirm] = await open(inst.instanceId);
    expect(confirm.users()).to.deep.equal(['agent1', 'agent2']);
    await engine.completeUserTask({ taskId: confirm.id, variables: { winnerBidId: 9 }, actor: 'agent1' });
    const v = (await engine.getInstance(inst.instanceId))!.variables;
    expect(v.winnerBidId).to.equal(9);
    expect(v.winnerDeemed).to.equal(undefined);
    expect(await ids(inst.instanceId)).to.deep.equal(['sign']);
  });

  it('interrupting boundary timeDate: silence deems the first candidate through the throw event’s outputs', async function () {
    const inst = await start();
    await toScoring(inst.instanceId);
    await scoreAll(inst.instanceId);
    const [confirm] = await open(inst.instanceId);
    clock.set('2027-03-25T09:59:59Z');
    await engine.runDue();
    expect(await ids(inst.instanceId)).to.deep.equal(['confirm']);
    clock.set('2027-03-25T10:00:00Z');
    await engine.runDue();
    expect((await Task.findByPk(confirm.id))!.state).to.equal('canceled');
    const v = (await engine.getInstance(inst.instanceId))!.variables;
    expect(v).to.include({ winnerBidId: 5, winnerDeemed: true });
    expect(await ids(inst.instanceId)).to.deep.equal(['sign']);
  });

  it('non-interrupting boundary timeDate: escalation opens beside the still open task, both finish', async function () {
    const inst = await start();
    await toScoring(inst.instanceId);
    await scoreAll(inst.instanceId);
    await engine.completeUserTask({ taskId: (await open(inst.instanceId))[0].id, variables: { winnerBidId: 9 }, actor: 'agent1' });
    clock.set('2027-04-30T00:00:00Z');
    await engine.runDue();
    expect(await ids(inst.instanceId)).to.deep.equal(['escalate', 'sign']);
    const [esc, sign] = await open(inst.instanceId);
    expect(esc.groups()).to.deep.equal(['supervisor']);
    await engine.completeUserTask({ taskId: esc.id, variables: {}, actor: 'sup' });
    expect(await ids(inst.instanceId)).to.deep.equal(['sign']);
    expect((await engine.getInstance(inst.instanceId))!.state).to.equal('active');
    await engine.completeUserTask({ taskId: sign.id, variables: {}, actor: 'purchaser' });
    const view = (await engine.getInstance(inst.instanceId))!;
    expect(view.state).to.equal('completed');
    expect(view.incidents).to.deep.equal([]);
  });
});
