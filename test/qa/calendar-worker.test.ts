/**
 * QA: compute-deadline takes its anchor from an instance variable. It accepted anything `new Date()` parses, so a
 * bad value became a legal deadline: "2017" → 2017-01-01, "1" → 2001-01-01, "Sep 25 2017" or an ISO time without
 * an offset → read in the server's own time zone (a different Shanghai day on a UTC host than on a CST host).
 */
import { expect } from 'chai';
import { ManualClock } from '../../server/clock.ts';
import { BpmnError, type Job, type WorkerContext } from '../../server/engine/port.ts';
import { COMPUTE_DEADLINE_TASK_TYPE, computeDeadlineWorker } from '../../server/workers/compute-deadline.ts';
import { testDatabase, type TestDatabase } from '../helpers/db.ts';

function job(anchor: unknown, rule = 'T1'): Job {
  return {
    key: 'i1:e:1', type: COMPUTE_DEADLINE_TASK_TYPE, instanceId: 'i1', bpmnProcessId: 'procurement', elementId: 'e', businessKey: null,
    variables: { noticeAt: anchor }, headers: { rule, resultVariable: 'd', anchorVariable: 'noticeAt' }, retries: 3,
  };
}

describe('QA compute-deadline: the anchor variable must be an unambiguous instant', () => {
  let t: TestDatabase;
  const clock = new ManualClock('2017-09-25T01:00:00Z');
  const ctx: WorkerContext = { now: () => clock.now(), log: () => {} };
  before(async () => {
    t = await testDatabase();
  });
  after(async () => {
    await t.drop();
  });

  for (const bad of ['1', '2017', 'Sep 25 2017', '2017-09-24T23:30:00', '2017-09-25 09:00', '9999-12-31T20:00:00Z', '0017-09-25T01:00:00Z', '', true, 20170925, null]) {
    it(`routes ${JSON.stringify(bad)} to DEADLINE_ANCHOR_INVALID instead of computing a deadline`, async () => {
      const worker = computeDeadlineWorker({ db: t.db, clock });
      let err: unknown;
      try {
        await worker(job(bad), ctx);
      } catch (e) {
        err = e;
      }
      expect(err).to.be.instanceOf(BpmnError);
      expect((err as BpmnError).code).to.equal('DEADLINE_ANCHOR_INVALID');
    });
  }

  it('takes an ISO instant with an offset, and a plain date as that Shanghai day', async () => {
    const worker = computeDeadlineWorker({ db: t.db, clock });
    const withOffset = (await worker(job('2017-09-24T16:30:00Z'), ctx)) as Record<string, { anchorDate: string; dueDate: string }>;
    expect(withOffset.d).to.include({ anchorDate: '2017-09-25', dueDate: '2017-09-30' });
    const plainDate = (await worker(job('2017-09-25'), ctx)) as Record<string, { anchorDate: string; dueDate: string }>;
    expect(plainDate.d).to.include({ anchorDate: '2017-09-25', dueDate: '2017-09-30' });
  });
});
