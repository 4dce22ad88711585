import { expect } from 'chai';
import request from 'supertest';
import { bearer, startHarness, type Harness } from './harness.ts';

describe('API plumbing: validation, errors, health, OpenAPI', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ deploy: ['api-approval.bpmn'] });
  });
  after(async () => h.close());

  describe('request validation', () => {
    it('400 for malformed JSON', async () => {
      const res = await request(h.app)
        .post('/api/auth/login')
        .set('Content-Type', 'application/json')
        .send('{"username": "purchaser", ')
        .expect(400);
      expect(res.body).to.deep.equal({ error: { code: 'BAD_REQUEST', message: '请求体不是合法的 JSON (request body is not valid JSON)', details: [] } });
    });

    it('415 for a body that is not JSON', async () => {
      const res = await request(h.app).post('/api/auth/login').set('Content-Type', 'text/plain').send('username=purchaser').expect(415);
      expect(res.body.error.code).to.equal('UNSUPPORTED_MEDIA_TYPE');
    });

    it('413 for a body over 1 MB', async () => {
      const res = await request(h.app)
        .post('/api/auth/login')
        .send({ username: 'purchaser', password: 'x'.repeat(1_100_000) })
        .expect(413);
      expect(res.body.error.code).to.equal('PAYLOAD_TOO_LARGE');
    });

    it('422 naming an unknown field and every wrongly typed field', async () => {
      const token = await h.token('purchaser');
      const res = await request(h.app)
        .post('/api/processes/api_approval/instances')
        .set('Authorization', bearer(token))
        .send({ businessKey: 7, version: 'latest', colour: 'red' })
        .expect(422);
      expect(res.body.error.code).to.equal('VALIDATION_FAILED');
      const byPath = Object.fromEntries(res.body.error.details.map((d: { path: string; reason: string }) => [d.path, d.reason]));
      expect(Object.keys(byPath)).to.have.members(['businessKey', 'version', 'colour']);
      expect(byPath.colour).to.contain('colour');
      expect(res.body.error.message).to.contain('colour');
    });

    it('422 naming a bad variable key, too many keys, and a non-object', async () => {
      const token = await h.token('purchaser');
      const post = (body: unknown) =>
        request(h.app).post('/api/processes/api_approval/instances').set('Authorization', bearer(token)).send(body as object);
      const badKey = await post({ variables: { ok: 1, 'bad-key': 2, '1st': 3 } }).expect(422);
      expect(badKey.body.error.details.map((d: { path: string }) => d.path)).to.have.members(['variables.bad-key', 'variables.1st']);
      const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`v${i}`, i]));
      const tooMany = await post({ variables: many }).expect(422);
      expect(tooMany.body.error.details[0].path).to.equal('variables');
      const big = await post({ variables: { blob: 'x'.repeat(300 * 1024) } }).expect(422);
      expect(big.body.error.details[0].reason).to.contain('256 KB');
      await post({ variables: [1, 2] }).expect(422);
    });

    it('422 for bad query parameters, naming them', async () => {
      const token = await h.token('purchaser');
      const res = await request(h.app)
        .get('/api/tasks?pageSize=101&scope=everything&colour=red&dueBefore=tomorrow')
        .set('Authorization', bearer(token))
        .expect(422);
      const paths = res.body.error.details.map((d: { path: string }) => d.path);
      expect(paths).to.have.members(['pageSize', 'scope', 'colour', 'dueBefore']);
    });

    it('422 for a malformed id in the path', async () => {
      const token = await h.token('purchaser');
      const res = await request(h.app).get('/api/tasks/a%20b').set('Authorization', bearer(token)).expect(422);
      expect(res.body.error.details[0].path).to.equal('id');
    });
  });

  it('422 for a field sent to an action that takes no body', async () => {
    const token = await h.token('dept_approver');
    const res = await request(h.app).post('/api/tasks/some-task/claim').set('Authorization', bearer(token)).send({ assignee: 'someone' }).expect(422);
    expect(res.body.error.details).to.deep.equal([{ path: 'assignee', reason: '不允许的字段 (unknown field "assignee")' }]);
  });

  describe('unknown routes', () => {
    it('404 JSON for an unknown /api route', async () => {
      const res = await request(h.app).get('/api/nothing-here').expect(404);
      expect(res.body.error.code).to.equal('NOT_FOUND');
      expect(res.body.error.message).to.contain('/api/nothing-here');
      await request(h.app).delete('/api/tasks').expect(404);
    });
  });

  describe('GET /api/health', () => {
    it('reports the database and engine without a token', async () => {
      const res = await request(h.app).get('/api/health').expect(200);
      expect(res.body).to.include({ status: 'ok', db: 'up', engine: 'embedded', engineStatus: 'up' });
      expect(res.body.version).to.match(/^\d+\.\d+\.\d+/);
    });

    it('answers 503 when the database does not answer', async () => {
      const other = await startHarness();
      await other.tdb.db.close();
      try {
        const res = await request(other.app).get('/api/health').expect(503);
        expect(res.body).to.include({ status: 'error', db: 'down', engine: 'embedded' });
      } finally {
        await other.close().catch(() => undefined);
      }
    });

    it('has security headers and no x-powered-by', async () => {
      const res = await request(h.app).get('/api/health');
      expect(res.headers).to.not.have.property('x-powered-by');
      expect(res.headers['x-content-type-options']).to.equal('nosniff');
      expect(res.headers['content-security-policy']).to.contain("default-src 'self'");
    });
  });

  describe('OpenAPI', () => {
    it('lists every /api route the app serves, with security and access', async () => {
      const res = await request(h.app).get('/api/openapi.json').expect(200);
      const doc = res.body;
      expect(doc.openapi).to.match(/^3\./);
      const ops: string[] = [];
      for (const [p, item] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
        for (const m of Object.keys(item)) ops.push(`${m.toUpperCase()} ${p}`);
      }
      // The core routes are there (each component's own tests check its routes); the introspection below checks
      // that every served route is documented, so a new component needs no edit here.
      expect(ops).to.include.members([
        'GET /api/health',
        'POST /api/auth/login',
        'GET /api/auth/me',
        'GET /api/tasks',
        'GET /api/tasks/{id}',
        'POST /api/tasks/{id}/claim',
        'POST /api/tasks/{id}/unclaim',
        'POST /api/tasks/{id}/complete',
        'GET /api/tasks/{id}/history',
        'POST /api/tasks/{id}/comments',
        'GET /api/tasks/{id}/diagram',
        'GET /api/instances/{id}/history',
        'GET /api/instances/{id}/diagram',
        'POST /api/processes/{bpmnProcessId}/instances',
        'GET /api/instances/{id}',
        'POST /api/instances/{id}/cancel',
        'GET /api/incidents',
        'POST /api/incidents/{id}/retry',
        'POST /api/messages',
      ]);
      // Every route in the Express router is documented (and nothing else).
      const layers = (h.app as unknown as { router: { stack: RouterLayer[] } }).router.stack;
      const served = collectRoutes(layers)
        .filter(([, p]) => typeof p === 'string') // the web app's fallback is a RegExp route outside /api
        .map(([m, p]) => `${m.toUpperCase()} ${p.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`);
      expect(served.filter((s) => s.includes(' /api/') && !s.includes('openapi.json'))).to.have.members(ops);
      expect(doc.paths['/api/tasks'].get.security).to.deep.equal([{ bearerAuth: [] }]);
      expect(doc.paths['/api/health'].get.security).to.deep.equal([]);
      expect(doc.paths['/api/incidents'].get['x-access']).to.deep.equal(['process_admin', 'supervisor', 'auditor']);
      expect(doc.paths['/api/tasks/{id}/complete'].post.requestBody).to.exist;
      expect(doc.components.securitySchemes.bearerAuth).to.include({ type: 'http', scheme: 'bearer' });
    });

    it('serves swagger-ui at /api/docs with its own CSP', async () => {
      const res = await request(h.app).get('/api/docs/').expect(200);
      expect(res.text).to.contain('swagger-ui');
      expect(res.headers['content-security-policy']).to.contain("style-src 'self' 'unsafe-inline'");
      expect(res.headers['content-security-policy']).to.not.contain('upgrade-insecure-requests');
    });
  });
});

interface RouterLayer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: RouterLayer[] };
}

function collectRoutes(stack: RouterLayer[]): [string, string][] {
  const out: [string, string][] = [];
  for (const layer of stack) {
    if (layer.route) for (const m of Object.keys(layer.route.methods)) out.push([m, layer.route.path]);
    else if (layer.handle?.stack) out.push(...collectRoutes(layer.handle.stack));
  }
  return out;
}
