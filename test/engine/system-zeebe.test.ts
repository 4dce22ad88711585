/**
 * The whole system started with ENGINE=zeebe (server/system.ts, as `npm start` runs it), against the Zeebe test
 * doubles: the configuration selects the adapter, the workers register, processes/*.bpmn deploy with their forms,
 * the task sync runs on ENGINE_POLL_MS, and the HTTP API serves the inbox from it. The doubles check the adapter's
 * protocol use, not Zeebe itself.
 *
 * LIMIT: the doubles refuse timers, event-based gateways and multi-instance, so the shipped procurement.bpmn (the
 * whole chain) cannot deploy to them. PROCESSES_DIR points at a temporary copy of processes/ in which
 * procurement.bpmn is cut after its approval stage (test/processes/model-helpers.ts approvalStageModel); the rest
 * of the chain is tested on the embedded engine only.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { expect } from 'chai';
import { ManualClock } from '../../server/clock.ts';
import { loadConfig } from '../../server/config.ts';
import { startSystem, type RunningSystem } from '../../server/system.ts';
import { createTestDatabaseUrl } from '../helpers/db.ts';
import { startZeebeDoubles, type ZeebeDoubles } from './zeebe-doubles/index.ts';
import { approvalStageModel, PROCESSES_DIR, readModel } from '../processes/model-helpers.ts';

describe('the system on ENGINE=zeebe (over the test doubles)', function () {
  let doubles: ZeebeDoubles;
  let system: RunningSystem;
  let drop: () => Promise<void>;

  before(async function () {
    const clock = new ManualClock('2026-03-02T01:00:00Z');
    doubles = await startZeebeDoubles(clock, { searchLagMs: 20 });
    const db = await createTestDatabaseUrl();
    const processesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'eproc-processes-'));
    // complaint.bpmn, asset-auction.bpmn and the works models wait on timers and boundary events (the end of a
    // suspension; the bidding window; the publicity period), which the doubles refuse; real Zeebe runs them.
    const outsideDoubles = ['complaint.bpmn', 'asset-auction.bpmn', 'works-tender.bpmn', 'works-complaint.bpmn'];
    for (const f of fs.readdirSync(PROCESSES_DIR).filter((x) => x.endsWith('.bpmn') && !outsideDoubles.includes(x))) {
      fs.writeFileSync(path.join(processesDir, f), f === 'procurement.bpmn' ? await approvalStageModel(readModel(f)) : readModel(f));
    }
    drop = async () => {
      fs.rmSync(processesDir, { recursive: true, force: true });
      await db.drop();
    };
    const config = loadConfig({
      DATABASE_URL: db.url, PORT: '0', HOST: '127.0.0.1', JWT_SECRET: 'zeebe-secret-0123456789-abcdefghijklmnop', DEMO_PASSWORD: 'demo1234',
      SEED_DEMO: 'true', LOG_LEVEL: 'silent', ENGINE: 'zeebe', ENGINE_POLL_MS: '50', PROCESSES_DIR: processesDir,
      ZEEBE_GRPC_ADDRESS: doubles.grpcAddress, ZEEBE_REST_ADDRESS: doubles.restAddress,
    });
    system = await startSystem(config, { clock });
  });
  after(async function () {
    await system?.stop();
    await doubles?.close();
    await drop?.();
  });

  it('deploys the shipped models to Zeebe and reports the engine in /api/health', async function () {
    const health = await request(system.url).get('/api/health');
    expect(health.status).to.equal(200);
    expect(health.body).to.include({ status: 'ok', engine: 'zeebe', engineStatus: 'up' });
    const deployed = [...doubles.broker.processes.values()].map((p) => p.bpmnProcessId).sort();
    expect(deployed).to.include('procurement');
    expect(doubles.broker.forms.size).to.be.greaterThan(0);
  });

  it('serves a task created in Zeebe to its assignee through the inbox, kept by the background sync', async function () {
    const ref = await system.engine.startInstance({ bpmnProcessId: 'procurement', variables: { initiator: 'purchaser', cityApprovalThresholdFen: 200_000_000 }, startedBy: 'purchaser' });
    const login = await request(system.url).post('/api/auth/login').send({ username: 'purchaser', password: 'demo1234' });
    expect(login.status).to.equal(200);
    let items: { elementId: string; instanceId: string }[] = [];
    for (let i = 0; i < 100 && !items.length; i++) {
      await new Promise((r) => setTimeout(r, 50));
      items = (await request(system.url).get('/api/tasks?scope=mine').set('Authorization', `Bearer ${login.body.token}`)).body.items;
    }
    expect(items.map((t) => [t.elementId, t.instanceId])).to.deep.equal([['fill_application', ref.instanceId]]);
  });

  it('answers /api/health with 503 when the gateway stops answering, and ok again when it is back', async function () {
    this.timeout(20_000);
    doubles.broker.stallTopology(true);
    const started = Date.now();
    const down = await request(system.url).get('/api/health');
    expect(down.status).to.equal(503);
    expect(down.body).to.include({ status: 'error', db: 'up', engine: 'zeebe', engineStatus: 'down' });
    expect(Date.now() - started).to.be.below(10_000);
    doubles.broker.stallTopology(false);
    const up = await request(system.url).get('/api/health');
    expect(up.status).to.equal(200);
    expect(up.body).to.include({ engineStatus: 'up' });
  });
});
