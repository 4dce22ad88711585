/**
 * Official-car auctions and shop leases (issue 11) over the API, with the real asset-auction model, its workers and
 * a ManualClock: listing → announcement (A1/A2) → registration and deposit → bids (increment, equal bids, leader,
 * extension A3, late bid) → close by the model's timer → result → contract → deposit refunds; a lease that goes
 * unsold and is relisted at a lower start; 1,000 concurrent bids from 50 bidders replayed sequentially.
 * Runs on SQLite, or MariaDB with DATABASE_URL=mysql://….
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { startChain, type Chain } from '../chain/driver.ts';
import { carAuctions, shopLeases } from '../../server/auction/statistics.ts';
import { statisticsSources } from '../../server/statistics/sources.ts';

const AGENCY = 'agency';
const MIN = 60_000;

async function listLot(c: Chain, body: Record<string, unknown>) {
  const res = await c.post(AGENCY, '/api/auctions', body);
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  return res.body as { auctionId: number; lot: { lotNo: string } };
}

async function announce(c: Chain, id: number, at: { viewingFrom: string; viewingTo: string; startsAt: string; closesAt: string }) {
  const res = await c.post(AGENCY, `/api/auctions/${id}/announce`, at);
  expect(res.status, JSON.stringify(res.body)).to.equal(200);
  return res.body as { instanceId: string };
}

async function admit(c: Chain, id: number, users: string[]) {
  for (const u of users) {
    const r = await c.post(u, `/api/auctions/${id}/registrations`, {});
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    const reg = r.body.myRegistration as { registrationId: number };
    const ok = await c.post(AGENCY, `/api/auctions/${id}/registrations/${reg.registrationId}/confirm`, {});
    expect(ok.status, JSON.stringify(ok.body)).to.equal(200);
  }
}

/** Every day from the chain's start: Monday 2 March 2026, 09:00 Shanghai. */
const SCHEDULE = {
  viewingFrom: '2026-03-03T01:00:00Z',
  viewingTo: '2026-03-06T09:00:00Z',
  startsAt: '2026-03-10T01:00:00Z',
  closesAt: '2026-03-10T07:00:00Z',
};

describe('asset auctions over the API (issue 11)', function () {
  this.timeout(240_000);
  let c: Chain;
  before(async () => {
    c = await startChain();
    for (let i = 1; i <= 3; i++) await c.createUser(`bidder${i}`, { roles: 'supplier', organisationId: null, displayName: `竞买人${i}` });
  });
  after(async () => c?.close());

  it('a car: announcement limits, registration with deposit, bids, extension, late bid, close, result, contract, refunds', async () => {
    const car = await listLot(c, {
      kind: 'car', title: '川B·G1234 别克GL8 商务车', consignorName: '绵阳市涪城区机关事务服务中心',
      details: { plate: '川B·G1234', vin: 'LSGUD84X0EE012345', registered: '2014-05-20', mileageKm: 186000 },
      appraisalFen: 8_000_000, reserveFen: 5_300_000, startFen: 5_000_000, incrementFen: 100_000, depositFen: 1_000_000,
    });
    const id = car.auctionId;
    expect(car.lot.lotNo).to.match(/^FCPM-2026-\d{4}$/);

    // The reserve is confidential: bidders never see it.
    const seen = await c.get('supplier', `/api/auctions/${id}`);
    expect(seen.status).to.equal(404); // not announced yet: not visible to bidders

    // A1: a start 4 days away is refused, naming the rule.
    const early = await c.post(AGENCY, `/api/auctions/${id}/announce`, { ...SCHEDULE, viewingTo: '2026-03-05T09:00:00Z', startsAt: '2026-03-06T01:00:00Z', closesAt: '2026-03-06T07:00:00Z' });
    expect(early.status).to.equal(422);
    expect(early.body.error.code).to.equal('TIME_LIMIT');
    expect(early.body.error.message).to.contain('A1');
    // A2: one day of viewing is refused.
    const short = await c.post(AGENCY, `/api/auctions/${id}/announce`, { ...SCHEDULE, viewingTo: '2026-03-04T01:00:00Z' });
    expect(short.status).to.equal(422);
    expect(short.body.error.message).to.contain('A2');
    const other = await c.post('agency', `/api/auctions/${id}/announce`, SCHEDULE);
    expect(other.status).to.equal(200);
    const instanceId = other.body.instanceId as string;
    expect(instanceId).to.be.a('string');

    const asBidder = await c.get('bidder1', `/api/auctions/${id}`);
    expect(asBidder.body.lot.reserveFen).to.equal(null);
    expect(asBidder.body.lot.appraisalFen).to.equal(8_000_000);
    expect(asBidder.body.phase).to.equal('registration');

    await admit(c, id, ['bidder1', 'bidder2']);
    const pending = await c.post('bidder3', `/api/auctions/${id}/registrations`, {}); // registered, deposit not confirmed
    expect(pending.status).to.equal(201);
    expect((await c.post('bidder1', `/api/auctions/${id}/registrations`, {})).status).to.equal(409);

    const tooEarly = await c.post('bidder1', `/api/auctions/${id}/bids`, { amountFen: 5_000_000 });
    expect(tooEarly.status).to.equal(409);
    expect(tooEarly.body.error.code).to.equal('AUCTION_NOT_OPEN');

    await c.advanceTo(SCHEDULE.startsAt);
    expect((await c.post('bidder3', `/api/auctions/${id}/registrations`, {})).status).to.equal(409); // registration closed
    const unconfirmed = await c.post('bidder3', `/api/auctions/${id}/bids`, { amountFen: 5_000_000 });
    expect(unconfirmed.status).to.equal(403);
    expect(unconfirmed.body.error.code).to.equal('NOT_ADMITTED');
    const reg3 = (await c.get(AGENCY, `/api/auctions/${id}`)).body.registrations.find((r: { username: string }) => r.username === 'bidder3');
    expect((await c.post(AGENCY, `/api/auctions/${id}/registrations/${reg3.registrationId}/confirm`, {})).status).to.equal(200);

    const below = await c.post('bidder1', `/api/auctions/${id}/bids`, { amountFen: 4_900_000 });
    expect(below.status).to.equal(409);
    expect(below.body.error.code).to.equal('BID_TOO_LOW');
    expect(below.body.error.message).to.contain('出价须不低于 50,000.00 元（起拍价）'); // 元 for the bidder, not fen
    const first = await c.post('bidder1', `/api/auctions/${id}/bids`, { amountFen: 5_000_000 });
    expect(first.status, JSON.stringify(first.body)).to.equal(201);
    expect(first.body).to.include({ seq: 1, amountFen: 5_000_000, extended: false });
    const again = await c.post('bidder1', `/api/auctions/${id}/bids`, { amountFen: 5_100_000 });
    expect(again.body.error.code).to.equal('ALREADY_LEADING');
    expect((await c.post('bidder2', `/api/auctions/${id}/bids`, { amountFen: 5_050_000 })).status).to.equal(409);
    expect((await c.post('bidder2', `/api/auctions/${id}/bids`, { amountFen: 5_100_000 })).status).to.equal(201);

    // Standing as each bidder sees it.
    expect((await c.get('bidder2', `/api/auctions/${id}`)).body.myRegistration.standing).to.equal('leading');
    expect((await c.get('bidder1', `/api/auctions/${id}`)).body.myRegistration.standing).to.equal('outbid');

    // Equal bids at once: the first accepted wins, the second no longer exceeds the price.
    const [x, y] = await Promise.all([
      c.post('bidder1', `/api/auctions/${id}/bids`, { amountFen: 5_200_000 }),
      c.post('bidder3', `/api/auctions/${id}/bids`, { amountFen: 5_200_000 }),
    ]);
    expect([x.status, y.status].sort()).to.deep.equal([201, 409]);
    const refused = x.status === 409 ? x : y;
    expect(refused.body.error.code).to.equal('BID_TOO_LOW');
    expect(refused.body.error.message).to.contain('同价出价以先被系统接受者为准');
    const leaderOfTie = x.status === 201 ? 'bidder1' : 'bidder3';
    const rival = leaderOfTie === 'bidder1' ? 'bidder2' : 'bidder1';

    // A bid 2 minutes before the close extends it to 5 minutes (A3) after the bid.
    await c.advanceTo(new Date(new Date(SCHEDULE.closesAt).getTime() - 2 * MIN));
    const late = await c.post(rival, `/api/auctions/${id}/bids`, { amountFen: 5_300_000 });
    expect(late.status).to.equal(201);
    expect(late.body.extended).to.equal(true);
    const extendedClose = new Date(new Date(SCHEDULE.closesAt).getTime() + 3 * MIN).toISOString();
    expect(late.body.closesAt).to.equal(extendedClose);

    // The planned close passes: the model's timer fires, the round is still open (extended) and the model waits again.
    await c.advanceTo(SCHEDULE.closesAt);
    await c.expectNoIncidents(instanceId);
    expect((await c.get('bidder1', `/api/auctions/${id}`)).body.phase).to.equal('bidding');
    expect((await c.vars(instanceId)).closesAt).to.equal(extendedClose);
    const inTime = await c.post(leaderOfTie, `/api/auctions/${id}/bids`, { amountFen: 5_400_000 });
    expect(inTime.status).to.equal(201);
    expect(inTime.body.extended).to.equal(true);
    const finalClose = inTime.body.closesAt as string;

    // At the closing time, before the timer has run: refused, naming the closing time.
    c.clock.set(finalClose);
    const tooLate = await c.post(rival, `/api/auctions/${id}/bids`, { amountFen: 9_000_000 });
    expect(tooLate.status).to.equal(409);
    expect(tooLate.body.error.code).to.equal('AUCTION_CLOSED');
    expect(tooLate.body.error.message).to.contain(finalClose);
    await c.advanceTo(finalClose);
    await c.expectNoIncidents(instanceId);

    const done = (await c.get(AGENCY, `/api/auctions/${id}`)).body;
    expect(done.status).to.equal('sold');
    expect(done.result).to.include({ outcome: 'sold', priceFen: 5_400_000 });
    expect(done.result.winnerName).to.equal(`竞买人${leaderOfTie.slice(-1)}`);
    expect(done.bidCount).to.equal(5);
    expect(done.extensions).to.equal(2);
    for (const r of done.registrations as Array<{ username: string; status: string; refundedAt: string | null; refundFen: number | null; refundDueDate: string | null }>) {
      if (r.username === leaderOfTie) expect(r.status).to.equal('won');
      else expect(r, r.username).to.include({ status: 'refunded', refundFen: 1_000_000, refundDueDate: '2026-03-12' });
    }
    expect((await c.get(leaderOfTie, `/api/auctions/${id}`)).body.myRegistration.standing).to.equal('leading');
    expect((await c.post(rival, `/api/auctions/${id}/bids`, { amountFen: 9_000_000 })).body.error.code).to.equal('AUCTION_CLOSED');
    expect((await c.instance(instanceId)).activeElements.map((e) => e.elementId)).to.deep.equal(['contract_signed']);

    expect((await c.post('agency', `/api/auctions/${id}/relist`, { startFen: 1 })).body.error.code).to.equal('NOT_UNSOLD');
    const contract = await c.post(AGENCY, `/api/auctions/${id}/contract`, { contractNo: 'FCPM-HT-2026-001', signedDate: '2026-03-12' });
    expect(contract.status, JSON.stringify(contract.body)).to.equal(200);
    expect(contract.body.result.contract).to.include({ type: 'sale', priceFen: 5_400_000, depositAppliedFen: 1_000_000 });
    await c.waitFor('instance completed', async () => (await c.instance(instanceId)).state === 'completed');

    // The model filed the 网络竞价公告 (21) and the 成交确认书 (22); a car has no lease contract.
    const vars = await c.vars(instanceId);
    expect(vars.leaseContractDocument).to.equal(undefined);
    const notice = await c.get(AGENCY, `/api/documents/${(vars.auctionNoticeDocument as { id: number }).id}`);
    expect(notice.status).to.equal(200);
    expect(notice.text).to.contain('网络竞价公告').and.contain('川B·G1234').and.contain('50,000.00').and.contain('截止前 5 分钟内有出价');
    const confirmation = await c.get(AGENCY, `/api/documents/${(vars.auctionConfirmationDocument as { id: number }).id}`);
    expect(confirmation.text).to.contain('成交确认书').and.contain('54,000.00').and.contain(`竞买人${leaderOfTie.slice(-1)}`).and.contain('延时 2 次');
  });

  it('a shop lease below the reserve goes unsold, is relisted at a lower start and let under a lease contract', async () => {
    c.clock.set('2026-04-01T01:00:00Z'); // Wednesday
    const lease = await listLot(c, {
      kind: 'shop_lease', title: '涪城区临园路东段12号门面', consignorName: '绵阳市涪城区城市管理局',
      details: { address: '临园路东段12号', areaM2: 86.5, use: '零售（不得转租）' },
      appraisalFen: 6_500_000, reserveFen: 6_000_000, startFen: 5_500_000, incrementFen: 100_000, depositFen: 1_000_000, leaseTermYears: 3,
    });
    expect(lease.lot.lotNo).to.match(/^FCZZ-2026-\d{4}$/);
    const s1 = { viewingFrom: '2026-04-02T01:00:00Z', viewingTo: '2026-04-07T09:00:00Z', startsAt: '2026-04-10T01:00:00Z', closesAt: '2026-04-10T07:00:00Z' };
    const { instanceId } = await announce(c, lease.auctionId, s1);
    await admit(c, lease.auctionId, ['bidder1', 'bidder2']);
    await c.advanceTo(s1.startsAt);
    expect((await c.post('bidder1', `/api/auctions/${lease.auctionId}/bids`, { amountFen: 5_500_000 })).status).to.equal(201);
    await c.advanceTo(s1.closesAt);
    const unsold = (await c.get(AGENCY, `/api/auctions/${lease.auctionId}`)).body;
    expect(unsold.status).to.equal('unsold');
    expect(unsold.result).to.include({ outcome: 'unsold', priceFen: null });
    expect(unsold.registrations.every((r: { status: string }) => r.status === 'refunded')).to.equal(true);
    expect((await c.instance(instanceId)).state).to.equal('completed');

    expect((await c.post(AGENCY, `/api/auctions/${lease.auctionId}/relist`, { startFen: 5_500_000 })).status).to.equal(422); // not lower
    const round2 = await c.post(AGENCY, `/api/auctions/${lease.auctionId}/relist`, { startFen: 4_800_000, reserveFen: 5_000_000 });
    expect(round2.status, JSON.stringify(round2.body)).to.equal(201);
    expect(round2.body).to.include({ roundNo: 2, status: 'listed', startFen: 4_800_000 });
    expect(round2.body.lot.lotNo).to.equal(lease.lot.lotNo);
    const id2 = round2.body.auctionId as number;
    const s2 = { viewingFrom: '2026-04-11T01:00:00Z', viewingTo: '2026-04-14T09:00:00Z', startsAt: '2026-04-20T01:00:00Z', closesAt: '2026-04-20T07:00:00Z' };
    const { instanceId: i2 } = await announce(c, id2, s2);
    await admit(c, id2, ['bidder2', 'bidder3']);
    await c.advanceTo(s2.startsAt);
    expect((await c.post('bidder2', `/api/auctions/${id2}/bids`, { amountFen: 4_800_000 })).status).to.equal(201);
    expect((await c.post('bidder3', `/api/auctions/${id2}/bids`, { amountFen: 5_000_000 })).status).to.equal(201);
    await c.advanceTo(s2.closesAt);
    const sold = (await c.get(AGENCY, `/api/auctions/${id2}`)).body;
    expect(sold.result).to.include({ outcome: 'sold', priceFen: 5_000_000, winnerName: '竞买人3' });
    expect(sold.priceUnit).to.equal('fen_per_year');
    const missingStart = await c.post(AGENCY, `/api/auctions/${id2}/contract`, { contractNo: 'FCZZ-HT-2026-001', signedDate: '2026-04-22' });
    expect(missingStart.status).to.equal(422);
    const contract = await c.post(AGENCY, `/api/auctions/${id2}/contract`, { contractNo: 'FCZZ-HT-2026-001', signedDate: '2026-04-22', leaseStartDate: '2026-05-01' });
    expect(contract.status, JSON.stringify(contract.body)).to.equal(200);
    expect(contract.body.result.contract).to.include({
      type: 'lease', rentPerYearFen: 5_000_000, termYears: 3, leaseStartDate: '2026-05-01', leaseEndDate: '2029-04-30', totalRentFen: '15000000', securityDepositFen: 1_000_000,
    });
    await c.waitFor('lease instance completed', async () => (await c.instance(i2)).state === 'completed');
    const lv = await c.vars(i2);
    const leaseDoc = await c.get(AGENCY, `/api/documents/${(lv.leaseContractDocument as { id: number }).id}`);
    expect(leaseDoc.status).to.equal(200);
    expect(leaseDoc.text).to.contain('国有门面租赁合同').and.contain('年租金 50,000.00 元').and.contain('3 年').and.contain('2029年4月30日').and.contain('150,000.00');
  });

  it('1,000 concurrent bids from 50 bidders: the result equals a sequential replay of the accepted bids', async () => {
    c.clock.set('2026-05-06T01:00:00Z');
    const users = Array.from({ length: 50 }, (_, i) => `crowd${String(i + 1).padStart(2, '0')}`);
    for (const u of users) await c.createUser(u, { roles: 'supplier', organisationId: null });
    const START = 1_000_000, INC = 1_000;
    const lot = await listLot(c, {
      kind: 'car', title: '川B·C5678 大众帕萨特', consignorName: '绵阳市涪城区机关事务服务中心', details: { plate: '川B·C5678' },
      appraisalFen: 3_000_000, reserveFen: 1_500_000, startFen: START, incrementFen: INC, depositFen: 500_000,
    });
    const id = lot.auctionId;
    const s = { viewingFrom: '2026-05-07T01:00:00Z', viewingTo: '2026-05-11T09:00:00Z', startsAt: '2026-05-14T01:00:00Z', closesAt: '2026-05-14T07:00:00Z' };
    const { instanceId } = await announce(c, id, s);
    await admit(c, id, users);
    await c.advanceTo(s.startsAt);
    const tokens = new Map<string, string>();
    for (const u of users) tokens.set(u, await c.auth(u));

    // A deterministic spread of amounts: many collide (equal bids) and many fall below the running price.
    let seed = 11;
    const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
    const attempts = Array.from({ length: 1000 }, (_, i) => ({ user: users[i % 50]!, amountFen: START + INC * Math.floor(rand() * 1500) }));

    const server: Server = c.app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    let answers: Array<{ status: number; body: any }>;
    try {
      answers = await Promise.all(attempts.map(async (a) => {
        const res = await fetch(`${base}/api/auctions/${id}/bids`, {
          method: 'POST', headers: { Authorization: tokens.get(a.user)!, 'Content-Type': 'application/json' }, body: JSON.stringify({ amountFen: a.amountFen }),
        });
        return { status: res.status, body: await res.json() };
      }));
    } finally {
      await new Promise((r) => server.close(r));
    }
    const accepted = answers.filter((a) => a.status === 201);
    const codes = new Set(answers.filter((a) => a.status !== 201).map((a) => `${a.status} ${a.body.error?.code}`));
    expect([...codes].every((k) => k === '409 BID_TOO_LOW' || k === '409 ALREADY_LEADING'), [...codes].join(', ')).to.equal(true);
    expect(accepted.length).to.be.greaterThan(5);

    const bids = await c.tdb.db.sequelize.query<{ seq: number; registration_id: number; amount_fen: string | number }>(
      'SELECT seq, registration_id, amount_fen FROM auction_bids WHERE auction_id = ? ORDER BY seq', { replacements: [id], type: QueryTypes.SELECT });
    expect(bids.map((b) => Number(b.seq))).to.deep.equal(bids.map((_, i) => i + 1)); // dense
    expect(bids.length).to.equal(accepted.length);
    expect(new Set(accepted.map((a) => a.body.seq))).to.deep.equal(new Set(bids.map((b) => Number(b.seq))));

    // Sequential replay: the rules applied one bid at a time in sequence order accept every one of them.
    let price: bigint | null = null;
    let leader: number | null = null;
    for (const b of bids) {
      const amount = BigInt(String(b.amount_fen));
      const min: bigint = price === null ? BigInt(START) : price + BigInt(INC);
      expect(amount >= min, `seq ${b.seq}: ${amount} ≥ ${min}`).to.equal(true);
      expect(b.registration_id, `seq ${b.seq}: the leader bid against itself`).to.not.equal(leader);
      price = amount;
      leader = b.registration_id;
    }
    const before = (await c.get(AGENCY, `/api/auctions/${id}`)).body;
    expect(BigInt(before.currentFen)).to.equal(price);
    expect(before.bidCount).to.equal(bids.length);

    await c.advanceTo(before.closesAt);
    await c.expectNoIncidents(instanceId);
    const after = (await c.get(AGENCY, `/api/auctions/${id}`)).body;
    expect(after.result.outcome).to.equal('sold');
    expect(BigInt(after.result.priceFen)).to.equal(price);
    const winner = after.registrations.find((r: { status: string }) => r.status === 'won');
    expect(winner.registrationId).to.equal(leader);
    expect(after.registrations.filter((r: { status: string }) => r.status === 'refunded')).to.have.length(49);
  });
  it('the SSE stream: a short-lived ticket opens it (a bad or expired one is 401), a snapshot, then each bid as it is accepted', async () => {
    c.clock.set('2026-06-01T01:00:00Z');
    const lot = await listLot(c, {
      kind: 'car', title: '川B·D9012 丰田凯美瑞', consignorName: '绵阳市涪城区机关事务服务中心', details: {},
      appraisalFen: 4_000_000, reserveFen: 2_000_000, startFen: 2_000_000, incrementFen: 50_000, depositFen: 500_000,
    });
    const id = lot.auctionId;
    await announce(c, id, { viewingFrom: '2026-06-02T01:00:00Z', viewingTo: '2026-06-05T09:00:00Z', startsAt: '2026-06-10T01:00:00Z', closesAt: '2026-06-10T07:00:00Z' });
    await admit(c, id, ['bidder1', 'bidder2']);
    await c.advanceTo('2026-06-10T02:00:00Z');
    const server: Server = c.app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const controller = new AbortController();
    try {
      expect((await fetch(`${base}/api/auctions/${id}/events?ticket=1.2.3.x`)).status).to.equal(401);
      const t = await c.post('bidder2', `/api/auctions/${id}/events-ticket`, {});
      expect(t.status).to.equal(200);
      expect(t.body.url).to.equal(`/api/auctions/${id}/events?ticket=${encodeURIComponent(t.body.ticket)}`);
      expect((await fetch(`${base}/api/auctions/${id + 1000}/events?ticket=${encodeURIComponent(t.body.ticket)}`)).status).to.equal(401); // another auction
      const res = await fetch(`${base}${t.body.url}`, { signal: controller.signal });
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.contain('text/event-stream');
      const reader = res.body!.getReader();
      let buffer = '';
      const nextEvent = async (): Promise<{ event: string; data: any }> => {
        for (;;) {
          const end = buffer.indexOf('\n\n');
          if (end >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const event = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (event && data) return { event, data: JSON.parse(data) };
            continue;
          }
          const { value, done } = await reader.read();
          if (done) throw new Error('stream ended');
          buffer += new TextDecoder().decode(value);
        }
      };
      const snapshot = await nextEvent();
      expect(snapshot.event).to.equal('snapshot');
      expect(snapshot.data).to.include({ auctionId: id, phase: 'bidding', currentFen: null });
      expect(snapshot.data.myRegistration.standing).to.equal('none');
      expect((await c.post('bidder1', `/api/auctions/${id}/bids`, { amountFen: 2_000_000 })).status).to.equal(201);
      const bid = await nextEvent();
      expect(bid.event).to.equal('bid');
      expect(bid.data).to.include({ auctionId: id, seq: 1, currentFen: 2_000_000, paddleNo: 'J001' });

      c.clock.advance(61_000); // the ticket expired: a reconnect needs a new one
      expect((await fetch(`${base}${t.body.url}`)).status).to.equal(401);
    } finally {
      controller.abort();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
  it('the statistics dashboard counts sold cars and let shops as their own income types (appraisal as budget, hammer price as deal)', async () => {
    expect(statisticsSources().map((x) => x.type)).to.include.members(['car_auction', 'shop_lease']);
    const from = new Date('2026-01-01T00:00:00+08:00'), to = new Date('2027-01-01T00:00:00+08:00');
    const cars = await carAuctions.list(c.tdb.db, from, to);
    expect(cars.map((r) => r.name)).to.deep.equal(['川B·G1234 别克GL8 商务车', '川B·C5678 大众帕萨特']); // the SSE test's car is still open
    expect(cars[0]).to.include({ method: '网络竞价', party: '绵阳市涪城区机关事务服务中心', budgetFen: 8_000_000n, dealFen: 5_400_000n });
    const shops = await shopLeases.list(c.tdb.db, from, to);
    expect(shops).to.have.length(1); // round 1 went unsold and does not count
    expect(shops[0]!.number).to.match(/^FCZZ-2026-\d{4}-2$/); // round 2
    expect(shops[0]).to.include({ budgetFen: 6_500_000n, dealFen: 5_000_000n });
    expect(shops[0]!.dealAt.toISOString()).to.equal('2026-04-20T07:00:00.000Z');
    expect(await shopLeases.list(c.tdb.db, from, new Date('2026-04-20T07:00:00Z'))).to.deep.equal([]); // [from, to)
  });
});
