/** The generic at-least-once guard every registered worker runs behind (server/engine/idempotent-worker.ts). */
import { expect } from 'chai';
import { ManualClock } from '../../server/clock.ts';
import { idempotentWorker } from '../../server/engine/idempotent-worker.ts';
import { BpmnError, type Job } from '../../server/engine/port.ts';
import { testDatabase, type TestDatabase } from '../helpers/db.ts';

const job = (key: string): Job => ({ key, type: 't', instanceId: '1', bpmnProcessId: 'p', elementId: 'e', businessKey: null, variables: {}, headers: {}, retries: 3 });
const ctx = { now: () => new Date(), log: () => undefined };

describe('idempotent worker runner', () => {
  let tdb: TestDatabase;
  const clock = new ManualClock('2026-03-02T01:00:00Z');
  beforeEach(async () => {
    tdb = await testDatabase();
  });
  afterEach(() => tdb.drop());

  it('answers a second delivery of a completed job with the recorded variables, without calling the worker', async () => {
    let calls = 0;
    const w = idempotentWorker(tdb.db, clock, 't', () => ({ n: ++calls, 名称: '涪城' }));
    expect(await w(job('1:e:7'), ctx)).to.deep.equal({ n: 1, 名称: '涪城' });
    expect(await w(job('1:e:7'), ctx)).to.deep.equal({ n: 1, 名称: '涪城' });
    expect(calls).to.equal(1);
    expect(await w(job('1:e:8'), ctx)).to.deep.equal({ n: 2, 名称: '涪城' }); // another job runs
  });

  it('replays a recorded BPMN error with its code, message and variables', async () => {
    let calls = 0;
    const w = idempotentWorker(tdb.db, clock, 't', () => {
      calls++;
      throw new BpmnError('BUDGET_EXCEEDED', '超出预算', { overBy: 100 });
    });
    for (let i = 0; i < 2; i++) {
      const err = await Promise.resolve(w(job('1:e:1'), ctx)).then(() => null, (e: unknown) => e);
      expect(err).to.be.instanceOf(BpmnError);
      expect(err).to.include({ code: 'BUDGET_EXCEEDED', message: '超出预算' });
      expect((err as BpmnError).variables).to.deep.equal({ overBy: 100 });
    }
    expect(calls).to.equal(1);
  });

  it('records nothing for a failure, so the retry runs the worker again', async () => {
    let calls = 0;
    const w = idempotentWorker(tdb.db, clock, 't', () => {
      if (++calls === 1) throw new Error('finance system unreachable');
      return { ok: true };
    });
    const first = await Promise.resolve(w(job('1:e:1'), ctx)).then(() => null, (e: Error) => e.message);
    expect(first).to.equal('finance system unreachable');
    expect(await w(job('1:e:1'), ctx)).to.deep.equal({ ok: true });
    expect(calls).to.equal(2);
  });

  it('gives two simultaneous deliveries the same outcome: the first recorded wins', async () => {
    let calls = 0;
    const w = idempotentWorker(tdb.db, clock, 't', async () => {
      const n = ++calls;
      await new Promise((r) => setTimeout(r, n === 1 ? 5 : 30));
      return { n };
    });
    const [a, b] = await Promise.all([w(job('1:e:1'), ctx), w(job('1:e:1'), ctx)]);
    expect(a).to.deep.equal({ n: 1 });
    expect(b).to.deep.equal({ n: 1 });
  });
});
