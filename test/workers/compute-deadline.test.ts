/** compute-deadline: a model's step turns a legal time limit into a dated deadline (and the same again on redelivery). */
import { expect } from 'chai';
import { ManualClock } from '../../server/clock.ts';
import { BpmnError, type Job, type WorkerContext } from '../../server/engine/port.ts';
import { COMPUTE_DEADLINE_TASK_TYPE, computeDeadlineWorker } from '../../server/workers/compute-deadline.ts';
import { WORKER_TYPES } from '../../server/workers/index.ts';
import { createCalendarService } from '../../server/calendar/service.ts';
import { testDatabase, type TestDatabase } from '../helpers/db.ts';

function job(headers: Record<string, string>, variables: Record<string, unknown> = {}): Job {
  return {
    key: 'i1:compute_bid_deadline:1', type: COMPUTE_DEADLINE_TASK_TYPE, instanceId: 'i1', bpmnProcessId: 'procurement',
    elementId: 'compute_bid_deadline', businessKey: null, variables, headers, retries: 3,
  };
}

describe('workers: compute-deadline (法定时限)', () => {
  let t: TestDatabase;
  const clock = new ManualClock('2017-09-25T01:00:00Z');
  const ctx: WorkerContext = { now: () => clock.now(), log: () => {} };
  before(async () => {
    t = await testDatabase();
  });
  after(async () => {
    await t.drop();
  });

  it('is registered as a worker type', () => {
    expect(WORKER_TYPES).to.include(COMPUTE_DEADLINE_TASK_TYPE);
  });

  it('computes from now by default and from an instance variable when the header names one', async () => {
    const worker = computeDeadlineWorker({ db: t.db, clock });
    const fromNow = (await worker(job({ rule: 'T3', resultVariable: 'bidDeadline' }), ctx)) as Record<string, any>;
    expect(fromNow.bidDeadline.dueDate).to.equal('2017-10-16');
    expect(fromNow.bidDeadlineAt).to.equal('2017-10-16T16:00:00.000Z');
    const again = await worker(job({ rule: 'T3', resultVariable: 'bidDeadline' }), ctx);
    expect(again).to.deep.equal(fromNow);

    const fromVar = (await worker(job({ rule: 'T13', resultVariable: 'challengeDeadline', anchorVariable: 'noticeEndsAt' }, { noticeEndsAt: '2017-10-30T09:00:00+08:00' }), ctx)) as Record<string, any>;
    expect(fromVar.challengeDeadline.dueDate).to.equal('2017-11-08');
  });

  it('raises a BPMN error for a bad anchor value and a plain failure (incident) for a bad model header', async () => {
    const worker = computeDeadlineWorker({ db: t.db, clock });
    let err: unknown;
    try {
      await worker(job({ rule: 'T3', resultVariable: 'd', anchorVariable: 'x' }, { x: 'soon' }), ctx);
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(BpmnError);
    expect((err as BpmnError).code).to.equal('DEADLINE_ANCHOR_INVALID');
    const badHeaders: Record<string, string>[] = [{ resultVariable: 'd' }, { rule: 'T3' }, { rule: 'T3', resultVariable: '1bad' }, { rule: 'T99', resultVariable: 'd' }];
    for (const headers of badHeaders) {
      let e2: unknown;
      try {
        await worker(job(headers), ctx);
      } catch (e) {
        e2 = e;
      }
      expect(e2, JSON.stringify(headers)).to.be.instanceOf(Error).and.not.instanceOf(BpmnError);
    }
  });

  it('sees a calendar change made elsewhere (another process on the same database) at its next job', async () => {
    const worker = computeDeadlineWorker({ db: t.db, clock });
    const first = (await worker(job({ rule: 'T3', resultVariable: 'd' }), ctx)) as Record<string, any>;
    expect(first.d.dueDate).to.equal('2017-10-16');
    await createCalendarService(t.db, clock).putOverride({ date: '2017-10-16', kind: 'holiday', name: '停工', reason: '测试' }, 'process_admin');
    const second = (await worker(job({ rule: 'T3', resultVariable: 'd' }), ctx)) as Record<string, any>;
    expect(second.d.dueDate).to.equal('2017-10-17');
    expect(second.d.calendarVersion).to.not.equal(first.d.calendarVersion);
  });
});
