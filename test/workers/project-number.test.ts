import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { testDatabase, type TestDatabase } from '../helpers/db.ts';
import { ManualClock } from '../../server/clock.ts';
import type { EnginePort, Job, Worker, WorkerContext, WorkerOptions } from '../../server/engine/port.ts';
import {
  assignNumber,
  businessYear,
  formatProjectNumber,
  jobIdempotencyKey,
  projectNumberWorker,
  PROJECT_NUMBER_TASK_TYPE,
} from '../../server/workers/project-number.ts';
import { registerWorkers, WORKER_TYPES } from '../../server/workers/index.ts';

function job(instanceId: string, overrides: Partial<Job> = {}): Job {
  return {
    key: `job-${instanceId}-${Math.random().toString(36).slice(2)}`,
    type: PROJECT_NUMBER_TASK_TYPE,
    instanceId,
    bpmnProcessId: 'procurement',
    elementId: 'assign_project_number',
    businessKey: null,
    variables: {},
    headers: { prefix: 'FCZC' },
    retries: 3,
    ...overrides,
  };
}

const logs: Array<{ msg: string; data?: Record<string, unknown> }> = [];
const ctx = (clock: ManualClock): WorkerContext => ({ now: () => clock.now(), log: (msg, data) => logs.push({ msg, data }) });

describe('workers: assign-project-number (项目编号)', function () {
  let t: TestDatabase;
  let clock: ManualClock;
  let worker: Worker;

  beforeEach(async function () {
    t = await testDatabase();
    clock = new ManualClock('2026-03-02T01:00:00Z');
    worker = projectNumberWorker({ db: t.db, clock });
  });
  afterEach(async function () {
    await t.drop();
  });

  async function run(j: Job): Promise<string> {
    const out = await worker(j, ctx(clock));
    expect(out).to.have.property('projectNumber').that.is.a('string');
    return (out as { projectNumber: string }).projectNumber;
  }

  async function counter(prefix: string, year: number): Promise<number | null> {
    const rows = await t.db.sequelize.query<{ last_value: number | string }>(
      'SELECT last_value FROM number_sequences WHERE prefix = ? AND year = ?',
      { replacements: [prefix, year], type: QueryTypes.SELECT },
    );
    return rows.length ? Number(rows[0].last_value) : null;
  }

  it('numbers projects in sequence within a year, zero-padded to four digits', async function () {
    expect(await run(job('i1'))).to.equal('FCZC-2026-0001');
    expect(await run(job('i2'))).to.equal('FCZC-2026-0002');
    expect(await run(job('i3'))).to.equal('FCZC-2026-0003');
    expect(await counter('FCZC', 2026)).to.equal(3);
  });

  it('starts again at 0001 in a new year and keeps each year’s counter separate', async function () {
    expect(await run(job('a'))).to.equal('FCZC-2026-0001');
    expect(await run(job('b'))).to.equal('FCZC-2026-0002');
    clock.set('2027-01-05T02:00:00Z');
    expect(await run(job('c'))).to.equal('FCZC-2027-0001');
    expect(await run(job('d'))).to.equal('FCZC-2027-0002');
    // A late assignment dated in the old year (e.g. a replayed clock) continues that year's series.
    clock.set('2026-12-30T02:00:00Z');
    expect(await run(job('e'))).to.equal('FCZC-2026-0003');
    expect(await counter('FCZC', 2026)).to.equal(3);
    expect(await counter('FCZC', 2027)).to.equal(2);
  });

  it('returns the same number when the same job is delivered twice, without consuming a number', async function () {
    const first = await run(job('inst-1'));
    // Redelivery: new job key from the broker, same instance and element.
    const again = await run(job('inst-1'));
    expect(again).to.equal(first);
    // Even a redelivery after the year has turned keeps the original number.
    clock.set('2027-02-01T00:00:00Z');
    expect(await run(job('inst-1'))).to.equal(first);
    clock.set('2026-03-03T00:00:00Z');
    expect(await run(job('inst-2'))).to.equal('FCZC-2026-0002');
    expect(await counter('FCZC', 2026)).to.equal(2);
    expect(logs.some((l) => l.msg === 'project number re-delivered' && l.data?.instanceId === 'inst-1')).to.equal(true);
  });

  it('uses instanceId:elementId as the idempotency key (a second numbering step gets its own number)', async function () {
    expect(jobIdempotencyKey({ instanceId: 'x', elementId: 'assign_project_number' })).to.equal('x:assign_project_number');
    const a = await run(job('same', { elementId: 'assign_project_number' }));
    const b = await run(job('same', { elementId: 'assign_contract_number' }));
    expect(a).to.equal('FCZC-2026-0001');
    expect(b).to.equal('FCZC-2026-0002');
  });

  it('gives 20 parallel calls 20 distinct, gap-free numbers', async function () {
    const numbers = await Promise.all(Array.from({ length: 20 }, (_, i) => run(job(`p${i}`))));
    expect(new Set(numbers).size).to.equal(20);
    const expected = Array.from({ length: 20 }, (_, i) => formatProjectNumber('FCZC', 2026, i + 1));
    expect([...numbers].sort()).to.deep.equal(expected);
    expect(await counter('FCZC', 2026)).to.equal(20);
  });

  it('gives parallel duplicate deliveries of one job one number', async function () {
    const numbers = await Promise.all([
      ...Array.from({ length: 12 }, () => run(job('dup'))),
      ...Array.from({ length: 4 }, (_, i) => run(job(`other${i}`))),
    ]);
    const dup = numbers.slice(0, 12);
    expect(new Set(dup).size).to.equal(1);
    expect(new Set(numbers).size).to.equal(5);
    expect(await counter('FCZC', 2026)).to.equal(5);
  });

  it('follows the Shanghai calendar year: 31 Dec 16:30 UTC is already next year', async function () {
    clock.set('2026-12-31T15:59:59.999Z'); // 23:59:59.999 in Shanghai
    expect(await run(job('before'))).to.equal('FCZC-2026-0001');
    clock.set('2026-12-31T16:30:00Z'); // 00:30 on 1 Jan 2027 in Shanghai
    expect(await run(job('after'))).to.equal('FCZC-2027-0001');
    expect(businessYear(new Date('2026-12-31T16:00:00Z'))).to.equal(2027);
    expect(businessYear(new Date('2027-01-01T00:00:00Z'))).to.equal(2027);
  });

  it('takes the prefix from the task header, one series per prefix, FCZC by default', async function () {
    expect(await run(job('g1', { headers: { prefix: 'FCGC' } }))).to.equal('FCGC-2026-0001');
    expect(await run(job('g2', { headers: {} }))).to.equal('FCZC-2026-0001');
    expect(await run(job('g3', { headers: { prefix: 'FCGC' } }))).to.equal('FCGC-2026-0002');
  });

  it('refuses a malformed prefix (an incident, not a bad number)', async function () {
    for (const prefix of ['fczc', 'FC-ZC', 'F', "FC'; DROP TABLE x"]) {
      let error: unknown;
      try {
        await run(job(`bad-${prefix}`, { headers: { prefix } }));
      } catch (err) {
        error = err;
      }
      expect(error, prefix).to.be.instanceOf(Error);
    }
    expect(await counter('FCZC', 2026)).to.equal(null);
  });

  it('widens past 9999 instead of wrapping', async function () {
    expect(formatProjectNumber('FCZC', 2026, 7)).to.equal('FCZC-2026-0007');
    expect(formatProjectNumber('FCZC', 2026, 10000)).to.equal('FCZC-2026-10000');
    await t.db.sequelize.query(
      "INSERT INTO number_sequences (prefix, year, last_value, updated_at) VALUES ('FCZC', 2026, 9999, ?)",
      { replacements: [new Date()] },
    );
    expect(await run(job('big'))).to.equal('FCZC-2026-10000');
  });

  it('assignNumber reports whether a number was created', async function () {
    const at = clock.now();
    const a = await assignNumber(t.db, { idempotencyKey: 'k', prefix: 'FCZC', at });
    const b = await assignNumber(t.db, { idempotencyKey: 'k', prefix: 'FCZC', at });
    expect(a).to.deep.include({ number: 'FCZC-2026-0001', year: 2026, seq: 1, created: true });
    expect(b).to.deep.include({ number: 'FCZC-2026-0001', created: false });
  });
});

describe('workers: registry', function () {
  it('lists every worker type and registers each on the engine', function () {
    const registered: Array<{ type: string; options?: WorkerOptions }> = [];
    const fake = {
      registerWorker(type: string, _w: Worker, options?: WorkerOptions) {
        registered.push({ type, options });
      },
    } as unknown as EnginePort;
    registerWorkers(fake, { db: {} as never, clock: new ManualClock() });
    expect(WORKER_TYPES).to.include(PROJECT_NUMBER_TASK_TYPE);
    expect(registered.map((r) => r.type)).to.deep.equal([...WORKER_TYPES]);
  });
});
