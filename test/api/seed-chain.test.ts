/**
 * The demo projects of server/seed/chain-demo.ts: the whole system started on a new database with SEED_DEMO (and
 * SEED_DEMO_CHAIN's default) leaves one project at 主管部门审批 and one published 公开招标 tender the demo supplier can
 * bid on; a restart adds nothing; SEED_DEMO_CHAIN=false seeds none.
 */
import { expect } from 'chai';
import request from 'supertest';
import { ManualClock } from '../../server/clock.ts';
import { loadConfig } from '../../server/config.ts';
import { seedChainDemo } from '../../server/seed/chain-demo.ts';
import { startSystem, type RunningSystem } from '../../server/system.ts';
import { createCalendarService } from '../../server/calendar/service.ts';
import { createTestDatabaseUrl } from '../helpers/db.ts';
import { silentLogger } from '../../server/logger.ts';
import { bidBody } from '../chain/steps.ts';

const PASSWORD = 'demo1234';
const START = '2026-03-02T01:00:00Z'; // Monday 09:00 Shanghai

describe('demo projects in the chain (SEED_DEMO_CHAIN)', function () {
  this.timeout(120_000);
  let drop: () => Promise<void>;
  let url: string;
  let sys: RunningSystem | undefined;
  const clock = new ManualClock(START);
  const env = (over: Record<string, string> = {}) =>
    loadConfig({
      DATABASE_URL: url, PORT: '0', HOST: '127.0.0.1', JWT_SECRET: 'seed-chain-secret-0123456789-abcdefghijkl', DEMO_PASSWORD: PASSWORD,
      SEED_DEMO: 'true', LOG_LEVEL: 'silent', ...over,
    });

  before(async () => {
    ({ url, drop } = await createTestDatabaseUrl());
  });
  after(async () => {
    await sys?.stop();
    await drop?.();
  });

  const token = async (username: string) => {
    const res = await request(sys!.url).post('/api/auth/login').send({ username, password: PASSWORD });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return `Bearer ${res.body.token}`;
  };
  const get = async (username: string, path: string, query: Record<string, string | number> = {}) =>
    request(sys!.url).get(path).query(query).set('Authorization', await token(username));
  const projectsAsAuditor = async () => {
    const res = await get('auditor', '/api/projects', { limit: 100 });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return res.body.items as { id: number; instanceId: string; projectNumber: string | null; projectName: string; status: string; method: string }[];
  };

  it('a new database: dept_approver finds 主管部门审批, the supplier an open tender it can bid on', async () => {
    sys = await startSystem(env(), { clock });

    const projects = await projectsAsAuditor();
    expect(projects, JSON.stringify(projects)).to.have.length(3);
    expect(projects.map((p) => p.projectNumber).sort()).to.deep.equal(['FCGC-2026-0001', 'FCZC-2026-0001', 'FCZC-2026-0002']);
    const waiting = projects.find((p) => p.method === '询价')!;
    const tendering = projects.find((p) => p.method === '公开招标' && p.projectNumber?.startsWith('FCZC'))!;
    // The works tender waits for the industry supervisor's 招标备案.
    const works = projects.find((p) => p.projectNumber === 'FCGC-2026-0001')!;
    const worksInbox = await get('works_supervisor', '/api/tasks', { scope: 'all', pageSize: 100 });
    expect((worksInbox.body.items as { elementId: string; instanceId: string }[]).map((t) => [t.elementId, t.instanceId])).to.deep.equal([['tender_registration', works.instanceId]]);
    expect(waiting, 'the 询价 project').to.exist;
    expect(tendering, 'the 公开招标 project').to.exist;

    // dept_approver's inbox: exactly the waiting project's 主管部门审批.
    const inbox = await get('dept_approver', '/api/tasks', { scope: 'all', pageSize: 100 });
    expect(inbox.status).to.equal(200);
    const tasks = inbox.body.items as { elementId: string; instanceId: string; projectNumber?: string | null }[];
    expect(tasks.map((t) => [t.elementId, t.instanceId])).to.deep.equal([['dept_approval', waiting.instanceId]]);
    expect(tasks[0]!.projectNumber).to.equal(waiting.projectNumber);
    // The applicant sees no task of it; the agency nothing to prepare (the tender is published).
    expect((await get('agency', '/api/tasks', { scope: 'all' })).body.items).to.deep.equal([]);

    // The published project went through the three distinct approvers and the demo agency.
    const inst = await get('auditor', `/api/instances/${tendering.instanceId}`);
    expect(inst.status).to.equal(200);
    const done = (inst.body.history as { elementId: string; event: string; actor: string | null }[]).filter((h) => h.event === 'completed' && h.actor);
    const actorOf = (el: string) => done.find((h) => h.elementId === el)?.actor;
    expect(['fill_application', 'dept_approval', 'finance_approval', 'supervisor_approval', 'prepare_tender'].map(actorOf))
      .to.deep.equal(['purchaser', 'dept_approver', 'finance_section', 'supervisor', 'agency']);
    expect(inst.body.incidents.filter((i: { state: string }) => i.state === 'open')).to.deep.equal([]);
    expect(inst.body.activeElements.map((a: { elementId: string }) => a.elementId)).to.include('gw_bid_window');

    // The supplier's tender list: the open tender, its deadline ≥ 20 days away and not before the legal minimum.
    const tenders = await get('supplier', '/api/tenders');
    expect(tenders.status).to.equal(200);
    const list = tenders.body.tenders as { tenderId: number; instanceId: string; projectNumber: string; status: string; biddingOpen: boolean; bidDeadlineAt: string; bidDeadlineMinAt: string }[];
    expect(list).to.have.length(1);
    const tender = list[0]!;
    expect(tender).to.include({ status: 'open', biddingOpen: true, instanceId: tendering.instanceId, projectNumber: tendering.projectNumber });
    expect(new Date(tender.bidDeadlineAt).getTime() - clock.now().getTime()).to.be.at.least(20 * 86_400_000);
    expect(new Date(tender.bidDeadlineAt).getTime()).to.be.at.least(new Date(tender.bidDeadlineMinAt).getTime());
    const deadlineDate = new Date(new Date(tender.bidDeadlineAt).getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
    expect((await createCalendarService(sys.db, clock).calendar()).isWorkingDay(deadlineDate), `${deadlineDate} a working day`).to.equal(true);

    // … and can bid at once.
    const bid = await request(sys.url).post(`/api/tenders/${tender.tenderId}/bids`).set('Authorization', await token('supplier')).send(bidBody({ priceYuan: 198_000, sme: true }));
    expect(bid.status, JSON.stringify(bid.body)).to.equal(201);
  });

  it('a restart adds no projects; the seed itself refuses once projects exist', async () => {
    await sys!.stop();
    sys = undefined;
    clock.set(new Date('2026-03-03T01:00:00Z'));
    sys = await startSystem(env(), { clock });
    expect(await projectsAsAuditor()).to.have.length(3);
    expect(await seedChainDemo({ db: sys.db, engine: sys.engine, clock, config: sys.config, logger: silentLogger })).to.equal(null);
    expect(await projectsAsAuditor()).to.have.length(3);
  });

  it('SEED_DEMO_CHAIN=false: demo accounts but no projects', async () => {
    const other = await createTestDatabaseUrl();
    const s = await startSystem(loadConfig({
      DATABASE_URL: other.url, PORT: '0', HOST: '127.0.0.1', JWT_SECRET: 'seed-chain-secret-0123456789-abcdefghijkl', DEMO_PASSWORD: PASSWORD,
      SEED_DEMO: 'true', SEED_DEMO_CHAIN: 'false', LOG_LEVEL: 'silent',
    }), { clock });
    try {
      const login = await request(s.url).post('/api/auth/login').send({ username: 'auditor', password: PASSWORD });
      expect(login.status).to.equal(200);
      const res = await request(s.url).get('/api/projects').set('Authorization', `Bearer ${login.body.token}`);
      expect(res.status).to.equal(200);
      expect(res.body.items).to.deep.equal([]);
    } finally {
      await s.stop();
      await other.drop();
    }
  });
});
