/**
 * Audit entries of sealed bids (issue 8 + the 87号令 confidentiality of bidders): a bid received, replaced or
 * withdrawn is recorded in its transaction, but until the tender is opened GET /api/audit shows neither the bidder
 * nor the receipt; after the opening (recorded too) the same entries show who bid.
 */
import { expect } from 'chai';
import request from 'supertest';
import { verifyAuditChain } from '../../server/audit/index.ts';
import { openBids } from '../../server/tender/lifecycle.ts';
import { publishTender } from '../../server/tender/publish.ts';
import { configureSealing } from '../../server/tender/sealing.ts';
import { bearer, DEMO_PASSWORD, startHarness, type Harness } from './harness.ts';
import { addSupplier, bidContent, job, MASTER_KEY, tenderVars } from './tender-fixtures.ts';

describe('audit trail of sealed bids', function () {
  this.timeout(60_000);
  let h: Harness;
  let tenderId = 0;
  const tokens = new Map<string, string>();
  const auth = async (u: string) => {
    if (!tokens.has(u)) tokens.set(u, (await request(h.app).post('/api/auth/login').send({ username: u, password: DEMO_PASSWORD })).body.token);
    return bearer(tokens.get(u)!);
  };
  const bidEntries = async () =>
    (await request(h.app).get('/api/audit?objectType=bid&limit=50').set('Authorization', await auth('supervisor')).expect(200)).body.entries;

  before(async () => {
    h = await startHarness();
    configureSealing(h.tdb.db.sequelize, { key: MASTER_KEY, keyFile: '/nonexistent/unused.key' });
    h.clock.set('2026-03-02T01:00:00Z');
    tenderId = (await publishTender(h.tdb.db, h.clock, job('publish-tender', tenderVars()))).tenderId;
  });
  after(async () => h.close());

  it('before the opening: entries exist, bidder and receipt masked', async () => {
    const s2 = await addSupplier(h.tdb.db, 'supplier2', '绵阳市科创电子科技有限公司二部', '91510703MA6TXT002', DEMO_PASSWORD);
    const s3 = await addSupplier(h.tdb.db, 'supplier3', '四川锦程网络工程有限公司三部', '91510703MA6TXT003', DEMO_PASSWORD);
    const first = await request(h.app).post(`/api/tenders/${tenderId}/bids`).set('Authorization', await auth('supplier')).send(bidContent()).expect(201);
    await request(h.app).post(`/api/tenders/${tenderId}/bids`).set('Authorization', await auth('supplier')).send(bidContent(487_654, 598_762)).expect(201);
    await request(h.app).post(`/api/tenders/${tenderId}/bids`).set('Authorization', await auth('supplier2')).send({ ...bidContent(401_111, 502_222), bidder: s2.bidder }).expect(201);
    await request(h.app).post(`/api/tenders/${tenderId}/bids`).set('Authorization', await auth('supplier3')).send({ ...bidContent(399_999, 511_111), bidder: s3.bidder }).expect(201);
    const entries = await bidEntries();
    expect(entries.map((e: { action: string }) => e.action).sort()).to.deep.equal(['bid.received', 'bid.received', 'bid.received', 'bid.replaced']);
    for (const e of entries) {
      expect(e.actor).to.equal(null);
      expect(e.roles).to.deep.equal([]);
      expect(e.summary).to.have.keys('tenderId', 'sealed');
    }
    expect(JSON.stringify(entries)).not.to.include(first.body.sha256);
    expect((await verifyAuditChain(h.tdb.db)).ok).to.equal(true);
  });

  it('after the opening: the opening is an entry and the bid entries name the bidders', async () => {
    h.clock.set('2026-03-25T01:30:00Z');
    tokens.clear();
    await openBids(h.tdb.db, h.clock, job('open-bids', { tenderId }));
    const opened = (await request(h.app).get(`/api/audit?action=bids.opened`).set('Authorization', await auth('auditor')).expect(200)).body.entries;
    expect(opened).to.have.length(1);
    expect(opened[0]).to.deep.include({ objectType: 'tender', objectId: String(tenderId), actor: null });
    expect(opened[0].summary).to.deep.include({ bidCount: 3, sealsIntact: true });
    const entries = await bidEntries();
    expect(entries.map((e: { actor: string }) => e.actor).sort()).to.deep.equal(['supplier', 'supplier', 'supplier2', 'supplier3']);
    expect(entries.every((e: { summary: { receiptSha256?: string } }) => /^[0-9a-f]{64}$/.test(e.summary.receiptSha256 ?? ''))).to.equal(true);
  });
});
