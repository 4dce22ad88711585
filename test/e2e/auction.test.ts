/**
 * The live auction page in Chromium on the real system (ManualClock): two bidders each open #/auctions/:id in their
 * own browser session; a bid by one shows on the other's page through the SSE stream without a reload (price, bid
 * count, standing), and back. Screenshot: test/artifacts/auction-live.png.
 */
import { expect } from 'chai';
import { ManualClock } from '../../server/clock.ts';
import { defineAuthModels } from '../../server/auth/models.ts';
import { hashPassword } from '../../server/auth/password.ts';
import { DEMO_PASSWORD, startE2E, type E2E } from './harness.ts';

describe('e2e: live auction page (#/auctions/:id, SSE)', function () {
  this.timeout(180_000);
  let e2e: E2E;
  const clock = new ManualClock('2026-03-02T01:00:00Z');
  before(async () => {
    e2e = await startE2E({ clock });
    const { User } = defineAuthModels(e2e.system.db.sequelize);
    await User.create({ username: 'bidder2', displayName: '钱先生', passwordHash: await hashPassword(DEMO_PASSWORD), roles: 'supplier', organisationId: null });
  });
  after(async () => {
    await e2e?.close();
  });

  it('a bid by one bidder updates the price and standing on the other bidder\'s page live', async () => {
    const listed = await e2e.api('POST', '/api/auctions', 'agency', {
      kind: 'car', title: '川B·G1234 别克GL8 商务车', consignorName: '绵阳市涪城区机关事务服务中心', details: { plate: '川B·G1234' },
      appraisalFen: 8_000_000, reserveFen: 5_000_000, startFen: 5_000_000, incrementFen: 100_000, depositFen: 1_000_000,
    });
    expect(listed.status, JSON.stringify(listed.body)).to.equal(201);
    const id = listed.body.auctionId as number;
    const ann = await e2e.api('POST', `/api/auctions/${id}/announce`, 'agency', {
      viewingFrom: '2026-03-03T01:00:00Z', viewingTo: '2026-03-06T09:00:00Z', startsAt: '2026-03-10T01:00:00Z', closesAt: '2026-03-10T07:00:00Z',
    });
    expect(ann.status, JSON.stringify(ann.body)).to.equal(200);
    for (const u of ['supplier', 'bidder2']) {
      const r = await e2e.api('POST', `/api/auctions/${id}/registrations`, u, {});
      expect(r.status, JSON.stringify(r.body)).to.equal(201);
      const ok = await e2e.api('POST', `/api/auctions/${id}/registrations/${r.body.myRegistration.registrationId}/confirm`, 'agency', {});
      expect(ok.status).to.equal(200);
    }
    clock.set('2026-03-10T02:00:00Z'); // bidding is open

    const a = await e2e.newPage();
    const b = await e2e.newPage();
    await e2e.login(a, 'supplier');
    await e2e.login(b, 'bidder2');
    await a.goto(`${e2e.url}/#/auctions`);
    await a.waitForSelector('[data-testid=auctions-table] >> text=川B·G1234');
    for (const p of [a, b]) {
      await p.goto(`${e2e.url}/#/auctions/${id}`);
      await p.waitForSelector('[data-testid=live][data-live=true]');
    }
    expect(await b.textContent('[data-testid=current-price]')).to.contain('暂无出价');

    await a.fill('[data-testid=bid-amount]', '50000');
    await a.click('[data-testid=bid-button]');
    await b.waitForSelector('[data-testid=current-price][data-fen="5000000"]', { timeout: 10_000 });
    expect(await b.textContent('[data-testid=bid-count]')).to.equal('1');
    await a.waitForSelector('[data-testid=my-standing][data-standing=leading]');

    await b.fill('[data-testid=bid-amount]', '51000');
    await b.click('[data-testid=bid-button]');
    await a.waitForSelector('[data-testid=current-price][data-fen="5100000"]', { timeout: 10_000 });
    await a.waitForSelector('[data-testid=my-standing][data-standing=outbid]');
    await b.waitForSelector('[data-testid=my-standing][data-standing=leading]');

    // A bid under the price plus the increment is refused with the rule in the message.
    await a.fill('[data-testid=bid-amount]', '51000');
    await a.click('[data-testid=bid-button]');
    expect(await a.textContent('[data-testid=error-box]', { timeout: 10_000 })).to.contain('同价出价以先被系统接受者为准');
    await e2e.screenshot(a, 'auction-live');
  });
});
