/**
 * QA (issue 3): a bid from an unregistered supplier creates its record. Two bids of the same new bidder processed
 * at the same moment (two lots, or a job delivered twice — Zeebe is at-least-once) give one record and both callers
 * its id, on MariaDB (parallel transactions) as on SQLite.
 */
import { expect } from 'chai';
import { ensureSupplierForBid } from '../../server/registry/index.ts';
import { creditCodeCheckChar } from '../../server/registry/credit-code.ts';
import { registryModels } from '../../server/registry/models.ts';
import { startHarness, type Harness } from '../api/harness.ts';

const code = (f: string) => f + creditCodeCheckChar(f);

describe('QA registers: parallel bids of one unregistered supplier', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.close();
  });

  it('creates one record; every caller gets its id, exactly one reports created', async () => {
    const creditCode = code('91510703MA6BD0001');
    const bidder = (n: number) => ({
      creditCode, name: '绵阳首次投标有限公司', legalRep: '赵一', contactName: '钱二', contactPhone: '0816-3333333', address: '绵阳市涪城区',
      scale: 'small' as const, by: `bidder-job-${n}`, at: h.clock.now(),
    });
    const results = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => h.tdb.db.withTransaction((tx) => ensureSupplierForBid(tx, bidder(n)))));
    expect(new Set(results.map((r) => r.supplierId)).size).to.equal(1);
    expect(results.filter((r) => r.created)).to.have.length(1);
    expect(await registryModels(h.tdb.db.sequelize).Supplier.count({ where: { creditCode } })).to.equal(1);
  });
});
