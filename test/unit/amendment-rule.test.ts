/**
 * A late substantive clarification moves the bid deadline to ≥ 15 days after its issue: under T4 (政府采购, 令87
 * Art.27) for a procurement and under W7 (招标投标法第23条) for a works tender — the same count, each with its own
 * legal basis in the record.
 */
import { expect } from 'chai';
import { ManualClock } from '../../server/clock.ts';
import { amendmentEffect } from '../../server/tender/lifecycle.ts';
import { testDatabase, type TestDatabase } from '../helpers/db.ts';

describe('unit: the amendment rule by regime (T4 / W7)', () => {
  let t: TestDatabase;
  const clock = new ManualClock('2026-03-16T02:00:00Z');
  before(async () => {
    t = await testDatabase();
  });
  after(async () => {
    await t.drop();
  });

  const effect = (regime: string | null, publishedAt: string) =>
    t.db.withTransaction((tx) => amendmentEffect(t.db, clock, tx, { deadline: new Date('2026-03-24T01:30:00Z'), publishedAt: new Date(publishedAt), substantive: true, proposed: null, regime }));

  it('issued Mon 16 March for a Tue 24 March deadline: moved to Tue 31 March 09:30, citing the law of the regime', async () => {
    const gp = await effect(null, '2026-03-16T02:00:00Z');
    const works = await effect('works', '2026-03-16T02:00:00Z');
    for (const e of [gp, works]) {
      expect(e.moved).to.equal(true);
      expect(e.newDeadline.toISOString()).to.equal('2026-03-31T01:30:00.000Z');
    }
    expect(gp.basis).to.match(/^T4 /).and.contain('令87');
    expect(works.basis).to.match(/^W7 /).and.contain('招标投标法').and.not.contain('令87');
  });

  it('issued 15 days or more before the deadline: nothing moves, under either law', async () => {
    const works = await effect('works', '2026-03-06T02:00:00Z');
    expect(works.moved).to.equal(false);
    expect(works.basis).to.match(/^W7 /);
  });
});
