/**
 * QA: one open change request per process. Two process admins (or a double click) submitting at the same moment
 * both passed the "already pending?" check before either was stored, leaving two pending requests for the same
 * process: the supervisor could approve both, the second silently undoing or re-applying the first.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import request from 'supertest';
import { loadConfig } from '../../server/config.ts';
import { startSystem, type RunningSystem } from '../../server/system.ts';
import { createTestDatabaseUrl } from '../helpers/db.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const PROCUREMENT = fs.readFileSync(path.join(ROOT, 'processes', 'procurement.bpmn'), 'utf8');

describe('QA modeller: concurrent change requests for one process', function () {
  this.timeout(60_000);
  let sys: RunningSystem;
  let drop: () => Promise<void>;

  before(async () => {
    const db = await createTestDatabaseUrl();
    drop = db.drop;
    sys = await startSystem(
      loadConfig({
        DATABASE_URL: db.url, PORT: '0', HOST: '127.0.0.1', JWT_SECRET: 'qa-concurrent-requests-secret-0123456789ab',
        DEMO_PASSWORD: 'demo1234', SEED_DEMO: 'true', LOG_LEVEL: 'silent', PROCESS_CHANGE_APPROVAL: 'true',
      }),
    );
  });
  after(async () => {
    await sys?.stop();
    await drop?.();
  });

  it('of three submitted at once, exactly one is pending and the others are 409 CHANGE_PENDING', async () => {
    const token = `Bearer ${(await request(sys.url).post('/api/auth/login').send({ username: 'process_admin', password: 'demo1234' }).expect(200)).body.token}`;
    const bodies = ['市财政局审批', '市财政审核', '财政审批'].map((name) => ({ xml: PROCUREMENT.replace('name="市财政审批"', `name="${name}"`), comment: `改为${name}` }));
    const results = await Promise.all(bodies.map((b) => request(sys.url).post('/api/deployments/change-requests').set('Authorization', token).send(b)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses, JSON.stringify(results.map((r) => r.body))).to.deep.equal([201, 409, 409]);
    for (const r of results.filter((x) => x.status === 409)) expect(r.body.error.code).to.equal('CHANGE_PENDING');
    const pending = await request(sys.url).get('/api/deployments/change-requests').query({ status: 'pending' }).set('Authorization', token).expect(200);
    expect(pending.body.items).to.have.length(1);
    // No approval process was started for a refused request.
    const row = (await sys.db.sequelize.query("SELECT COUNT(*) AS n FROM engine_instances WHERE bpmn_process_id = 'process_change'", { plain: true })) as { n: number };
    expect(Number(row.n)).to.equal(1);
  });
});
