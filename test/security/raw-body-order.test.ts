/**
 * Raw-body routes (server/http/route.ts RawBodyRoutes: CSV imports, evidence and bid files) check who calls before
 * what is sent: no or an invalid token → 401, a role the table does not allow → 403, and only then the body's
 * Content-Type (415). Every route declared `raw: true` in access-table.ts is probed with a wrong type (text/html).
 */
import { expect } from 'chai';
import request from 'supertest';
import { ACCESS } from './access-table.ts';
import { DEMO_ROLES } from './world.ts';
import { bearer, startHarness, type Harness } from '../api/harness.ts';

const RAW = Object.entries(ACCESS).filter(([, rule]) => rule.raw).map(([key, rule]) => {
  const [method, path] = key.split(' ') as [string, string];
  return { key, method: method.toLowerCase() as 'post' | 'put', url: path.replace(/:[A-Za-z0-9_]+/g, '1'), allow: rule.allow as readonly string[] };
});

describe('security: raw-body routes authenticate before checking the body type', function () {
  this.timeout(60_000);
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => h?.close());

  const wrongType = (r: (typeof RAW)[number], auth?: string) => {
    let req = request(h.app)[r.method](r.url).set('Content-Type', 'text/html');
    if (auth) req = req.set('Authorization', auth);
    return req.send('<html>not a file</html>');
  };

  it('covers the raw routes of the access table', () => {
    expect(RAW.map((r) => r.key)).to.include('POST /api/tenders/:id/bid-files');
    expect(RAW.length).to.be.greaterThan(3);
  });

  it('no token, wrong Content-Type → 401 UNAUTHORIZED (JSON), not 415', async () => {
    for (const r of RAW) {
      const res = await wrongType(r);
      expect(res.status, `${r.key}: ${JSON.stringify(res.body)}`).to.equal(401);
      expect(res.body.error?.code, r.key).to.be.a('string');
    }
  });

  it('an invalid token, wrong Content-Type → 401', async () => {
    for (const r of RAW) {
      const res = await wrongType(r, bearer('not.a.token'));
      expect(res.status, `${r.key}: ${JSON.stringify(res.body)}`).to.equal(401);
    }
  });

  it('a role the route does not allow, wrong Content-Type → 403 FORBIDDEN, not 415', async () => {
    for (const r of RAW) {
      const role = DEMO_ROLES.find((x) => !r.allow.includes(x) && x !== 'works_supervisor')!;
      const res = await wrongType(r, bearer(await h.token(role)));
      expect(res.status, `${r.key} as ${role}: ${JSON.stringify(res.body)}`).to.equal(403);
      expect(res.body.error.code).to.equal('FORBIDDEN');
    }
  });

  it('an allowed role, wrong Content-Type → 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    for (const r of RAW) {
      const res = await wrongType(r, bearer(await h.token(r.allow[0]!)));
      expect(res.status, `${r.key} as ${r.allow[0]}: ${JSON.stringify(res.body)}`).to.equal(415);
      expect(res.body.error.code).to.equal('UNSUPPORTED_MEDIA_TYPE');
    }
  });
});
