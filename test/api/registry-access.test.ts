/**
 * Who may call what, role by role, for every register and credit route. The expectations are written out here
 * (not read from the code) so a changed access list fails this test. Probes send invalid bodies, so an allowed
 * write answers 422 and nothing changes; a refused one answers 403.
 */
import { expect } from 'chai';
import request from 'supertest';
import { ROLES, type Role } from '../../server/auth/roles.ts';
import { DEMO_SUPPLIER_CODE } from '../../server/seed/registers.ts';
import { startHarness, type Harness } from './harness.ts';

const ALL = ROLES;
const STAFF: Role[] = ['purchaser', 'dept_approver', 'finance_section', 'supervisor', 'city_finance', 'agency', 'process_admin', 'auditor'];
const KEEPERS: Role[] = ['finance_section', 'supervisor'];

interface Probe {
  route: string;
  allowed: readonly Role[];
  csv?: boolean;
  body?: object;
}

const PROBES: Probe[] = [
  { route: 'GET /api/suppliers', allowed: [...STAFF, 'supplier'] },
  { route: 'POST /api/suppliers', allowed: [...KEEPERS, 'supplier'], body: {} },
  { route: 'PATCH /api/suppliers/1', allowed: [...KEEPERS, 'supplier'], body: {} },
  { route: 'POST /api/suppliers/import', allowed: KEEPERS, csv: true },
  { route: 'GET /api/suppliers/export', allowed: [...KEEPERS, 'auditor'] },
  { route: 'GET /api/agencies', allowed: ALL },
  { route: 'POST /api/agencies', allowed: KEEPERS, body: {} },
  { route: 'PATCH /api/agencies/1', allowed: [...KEEPERS, 'agency'], body: {} },
  { route: 'POST /api/agencies/import', allowed: KEEPERS, csv: true },
  { route: 'GET /api/goods', allowed: ALL },
  { route: 'POST /api/goods', allowed: KEEPERS, body: {} },
  { route: 'PATCH /api/goods/1', allowed: KEEPERS, body: {} },
  { route: 'POST /api/goods/import', allowed: KEEPERS, csv: true },
  { route: 'GET /api/goods/export', allowed: ALL },
  { route: 'GET /api/experts', allowed: ['supervisor', 'agency', 'finance_section', 'city_finance', 'auditor', 'expert'] },
  { route: 'POST /api/experts', allowed: ['supervisor'], body: {} },
  { route: 'PATCH /api/experts/1', allowed: ['supervisor'], body: {} },
  { route: 'POST /api/experts/import', allowed: ['supervisor'], csv: true },
  { route: 'GET /api/experts/export', allowed: ['supervisor'] },
  { route: 'GET /api/experts/1/panels', allowed: ['supervisor', 'agency', 'expert'] },
  { route: 'GET /api/credit-records', allowed: [...STAFF, 'supplier'] },
  { route: 'POST /api/credit-records', allowed: KEEPERS, body: {} },
  { route: 'PATCH /api/credit-records/1', allowed: KEEPERS, body: {} },
  { route: 'POST /api/credit-records/import', allowed: KEEPERS, csv: true },
  { route: 'GET /api/credit-records/export', allowed: [...KEEPERS, 'auditor'] },
  { route: `GET /api/credit/${DEMO_SUPPLIER_CODE}`, allowed: [...STAFF, 'supplier'] },
  { route: 'POST /api/credit-checks', allowed: ['purchaser', 'agency', 'finance_section', 'supervisor'], body: {} },
  { route: 'GET /api/credit-checks', allowed: ['purchaser', 'agency', 'finance_section', 'supervisor', 'dept_approver', 'city_finance', 'auditor'] },
];

describe('registers and credit: access per role', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.close();
  });

  it('answers 401 without a token', async () => {
    for (const p of PROBES) {
      const [method, path] = p.route.split(' ');
      const res = await request(h.app)[method.toLowerCase() as 'get'](path);
      expect(res.status, p.route).to.equal(401);
    }
  });

  for (const role of ROLES) {
    it(`${role}: allowed and refused routes`, async () => {
      const token = await h.token(role);
      const wrong: string[] = [];
      for (const p of PROBES) {
        const [method, path] = p.route.split(' ');
        let req = request(h.app)[method.toLowerCase() as 'get'](path).set('Authorization', `Bearer ${token}`);
        if (p.csv) req = req.set('Content-Type', 'text/csv').send('x');
        else if (p.body) req = req.send(p.body);
        const res = await req;
        const allowed = p.allowed.includes(role);
        const ok = allowed ? res.status !== 403 && res.status < 500 : res.status === 403;
        if (!ok) wrong.push(`${p.route} → ${res.status} (expected ${allowed ? 'allowed' : '403'})`);
      }
      expect(wrong).to.deep.equal([]);
    });
  }
});
