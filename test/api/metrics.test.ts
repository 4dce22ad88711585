import { expect } from 'chai';
import request from 'supertest';
import { buildApp } from '../../server/app.ts';
import { bearer, startHarness, testConfig, type Harness } from './harness.ts';

/** Value of one sample line (`name{labels} value`) or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const ok = Object.entries(labels).every(([k, v]) => (m[2] ?? '').includes(`${k}="${v}"`));
    if (ok) return Number(m[3]);
  }
  return undefined;
}

describe('GET /metrics (Prometheus)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ deploy: ['api-approval.bpmn'] });
  });
  after(async () => h.close());

  it('serves the text format with process metrics and engine gauges counted in the database', async () => {
    const purchaser = await h.token('purchaser');
    for (let i = 0; i < 2; i++) {
      await request(h.app).post('/api/processes/api_approval/instances').set('Authorization', bearer(purchaser)).send({}).expect(201);
    }
    const res = await request(h.app).get('/metrics').expect(200);
    expect(res.headers['content-type']).to.match(/^text\/plain/);
    expect(res.text).to.include('# TYPE process_cpu_user_seconds_total counter');
    expect(res.text).to.include('# TYPE nodejs_eventloop_lag_seconds gauge');
    expect(sample(res.text, 'eproc_active_instances')).to.equal(2);
    expect(sample(res.text, 'eproc_open_tasks')).to.equal(2);
    expect(sample(res.text, 'eproc_open_incidents')).to.equal(0);
    expect(sample(res.text, 'eproc_failed_jobs')).to.equal(0);
    expect(sample(res.text, 'eproc_pending_jobs')).to.equal(0);
  });

  it('labels request durations by route pattern, not raw URL, with method and status', async () => {
    const token = await h.token('dept_approver');
    await request(h.app).get('/api/tasks/no-such-task-1').set('Authorization', bearer(token)).expect(404);
    await request(h.app).get('/api/tasks/no-such-task-2').set('Authorization', bearer(token)).expect(404);
    await request(h.app).get('/api/health').expect(200);
    const text = (await request(h.app).get('/metrics').expect(200)).text;
    expect(sample(text, 'http_request_duration_seconds_count', { method: 'GET', route: '/api/tasks/:id', status: '404' })).to.equal(2);
    expect(sample(text, 'http_request_duration_seconds_count', { method: 'POST', route: '/api/processes/:bpmnProcessId/instances', status: '201' })).to.equal(2);
    expect(sample(text, 'http_request_duration_seconds_count', { method: 'GET', route: '/api/health', status: '200' })).to.equal(1);
    expect(text).not.to.include('no-such-task');
    expect(text).not.to.include('route="/metrics"');
  });

  it('each app has its own registry', async () => {
    const other = buildApp({ config: testConfig(), db: h.tdb.db, engine: h.engine, clock: h.clock });
    const text = (await request(other).get('/metrics').expect(200)).text;
    expect(sample(text, 'http_request_duration_seconds_count', { route: '/api/health' })).to.equal(undefined);
  });

  it('with METRICS_TOKEN set, requires that bearer token (401 otherwise, as a JSON error body)', async () => {
    const config = { ...testConfig(), metricsToken: 'scrape-token-123' };
    const app = buildApp({ config, db: h.tdb.db, engine: h.engine, clock: h.clock });
    for (const auth of [undefined, 'Bearer wrong', 'scrape-token-123']) {
      let req = request(app).get('/metrics');
      if (auth) req = req.set('Authorization', auth);
      const res = await req.expect(401);
      // The API's JSON error shape, not plain text.
      expect(res.headers['content-type'], String(auth)).to.match(/^application\/json/);
      expect(res.body, String(auth)).to.deep.equal({ error: { code: 'UNAUTHORIZED', message: res.body.error.message, details: [] } });
      expect(res.body.error.message).to.be.a('string').and.not.equal('');
    }
    const ok = await request(app).get('/metrics').set('Authorization', 'Bearer scrape-token-123').expect(200);
    expect(ok.text).to.include('eproc_open_tasks');
  });
});
