/**
 * Role matrix (issue 10): every route the router serves × every actor × own/other's object, against the declared
 * table in access-table.ts. A served route without an entry fails the first test, so a new route must be declared.
 * - no token → 401 (JSON error) on every non-public route;
 * - GET routes are called with the seeded objects: a role the table does not allow → 403 FORBIDDEN; an allowed role
 *   → never 401/403 (and never 5xx), except on an object it may not read, which answers the declared 403/404;
 * - other methods are probed with an input the route's validation refuses (a malformed path parameter, an unknown
 *   body field or query parameter): a role the table does not allow → 403 before validation, an allowed one gets
 *   past the role gate (422/415/404, never 401/403/5xx); the database is unchanged after the whole sweep.
 */
import { expect } from 'chai';
import request from 'supertest';
import { ACCESS, type AccessRule } from './access-table.ts';
import { ACTORS, ROLE_OF, changedTables, digestTables, servedRoutes, startWorld, type Actor, type ServedRoute, type World } from './world.ts';

function fill(path: string, ids: Record<string, string>, rule: AccessRule, bad = false): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, (_m, name: string) => {
    if (bad) return '%20';
    const key = rule.ids?.[name];
    const v = key ? ids[key] : undefined;
    if (v === undefined) throw new Error(`access-table: no seeded id for :${name} of ${path}`);
    return encodeURIComponent(v);
  });
}

function allowed(rule: AccessRule, actor: Actor): boolean {
  if (rule.allow === 'public' || rule.allow === 'authenticated') return true;
  return (rule.allow as readonly string[]).includes(ROLE_OF[actor]);
}

describe('security: role matrix (every route × every role × own/other object)', function () {
  this.timeout(180_000);
  let w: World;
  let routes: ServedRoute[];
  before(async () => {
    w = await startWorld();
    routes = servedRoutes(w.app);
  });
  after(async () => w?.close());

  const send = async (r: ServedRoute, url: string, actor: Actor | null, probe = false) => {
    let req = request(w.app)[r.method.toLowerCase() as 'get'](url);
    if (actor) req = req.set('Authorization', await w.c.auth(actor));
    const rule = ACCESS[r.key];
    if (probe && !/:[A-Za-z]/.test(r.path)) {
      // No path parameter to break: an unknown body field (JSON routes) or query parameter (raw-body routes).
      return rule?.raw ? req.query({ __probe__: '1' }) : req.query({ __probe__: '1' }).send({ __probe__: 1 });
    }
    return r.method === 'GET' || r.method === 'DELETE' || rule?.raw ? req : req.send({});
  };

  it('declares every served route in access-table.ts (and nothing the app does not serve)', () => {
    const served = routes.map((r) => r.key);
    const missing = served.filter((k) => !ACCESS[k]);
    expect(missing, `routes without an entry in test/security/access-table.ts: declare who may call them`).to.deep.equal([]);
    const stale = Object.keys(ACCESS).filter((k) => !served.includes(k) && !ACCESS[k]!.pending);
    expect(stale, 'entries in access-table.ts for routes the app no longer serves').to.deep.equal([]);
    expect(served.length).to.be.greaterThan(100);
  });

  it('no token → 401 with a JSON error on every non-public route', async () => {
    const wrong: string[] = [];
    for (const r of routes) {
      const rule = ACCESS[r.key];
      if (!rule || rule.allow === 'public') continue;
      const res = await send(r, fill(r.path, w.ids, rule), null);
      if (res.status !== 401 || typeof res.body?.error?.code !== 'string') wrong.push(`${r.key} → ${res.status} ${JSON.stringify(res.body).slice(0, 120)}`);
    }
    expect(wrong).to.deep.equal([]);
  });

  it('GET routes: every actor gets what the table declares, on own and other objects', async () => {
    const wrong: string[] = [];
    for (const r of routes.filter((x) => x.method === 'GET')) {
      const rule = ACCESS[r.key];
      if (!rule || rule.allow === 'public' || rule.auth) continue;
      const url = fill(r.path, w.ids, rule);
      const seen: string[] = [];
      for (const actor of ACTORS) {
        const res = await send(r, url, actor);
        const s = res.status === 503 && rule.pdf && res.body?.error?.code === 'PDF_UNAVAILABLE' ? 200 : res.status;
        seen.push(`${actor}=${s}`);
        let ok: boolean;
        let want: string;
        if (!allowed(rule, actor)) {
          ok = s === 403 && res.body?.error?.code === 'FORBIDDEN';
          want = '403 FORBIDDEN';
        } else if (rule.object && !rule.object.see.includes(actor)) {
          const refused = ([] as number[]).concat(rule.object.refused);
          ok = refused.includes(s);
          want = refused.join('|');
        } else if (rule.object) {
          ok = s >= 200 && s < 300;
          want = '2xx';
        } else {
          ok = s !== 401 && s !== 403 && s < 500;
          want = 'not 401/403/5xx';
        }
        if (!ok) wrong.push(`${r.key} as ${actor}: ${s} (want ${want}) ${JSON.stringify(res.body?.error ?? '').slice(0, 160)}`);
      }
      if (process.env.SECURITY_MATRIX_PRINT) console.log(`${r.key}\t${seen.join(' ')}`);
    }
    expect(wrong, wrong.join('\n')).to.deep.equal([]);
  });

  it('other methods: the role gate refuses exactly the roles the table does not allow, and nothing changes', async () => {
    const before = await digestTables(w.c.tdb.db);
    const wrong: string[] = [];
    for (const r of routes.filter((x) => x.method !== 'GET')) {
      const rule = ACCESS[r.key];
      if (!rule || rule.allow === 'public' || rule.auth) continue;
      const url = fill(r.path, w.ids, rule, true);
      for (const actor of ACTORS) {
        const res = await send(r, url, actor, true);
        const s = res.status;
        const ok = allowed(rule, actor) ? s !== 401 && s !== 403 && s < 500 && s >= 400 : s === 403 && res.body?.error?.code === 'FORBIDDEN';
        if (!ok) wrong.push(`${r.key} as ${actor}: ${s} ${JSON.stringify(res.body?.error ?? '').slice(0, 160)}`);
      }
    }
    expect(wrong, wrong.join('\n')).to.deep.equal([]);
    expect(changedTables(before, await digestTables(w.c.tdb.db)), 'tables changed by refused probes').to.deep.equal([]);
  });

  it('actions on another\'s object are refused and change nothing (valid bodies, so only ownership stops them)', async () => {
    const { tender, bid, bidB, task, supplier, agency, document } = w.ids;
    const cases: { who: Actor; method: 'post' | 'delete' | 'patch'; url: string; body?: object; want: number[] }[] = [
      // an agency that is not the tender's agency amends it
      { who: 'agency2', method: 'post', url: `/api/tenders/${tender}/amendments`, body: { title: '澄清', changes: [{ item: '交货期', original: '30日', revised: '20日' }], substantive: false }, want: [403, 404] },
      // a supplier withdraws another supplier's bid
      { who: 'sup_b', method: 'delete', url: `/api/tenders/${tender}/bids/${bid}`, want: [403, 404] },
      { who: 'sup_a', method: 'delete', url: `/api/tenders/${tender}/bids/${bidB}`, want: [403, 404] },
      // someone who is not a candidate claims or completes the department's task
      { who: 'purchaser', method: 'post', url: `/api/tasks/${task}/claim`, body: {}, want: [403] },
      { who: 'purchaser2', method: 'post', url: `/api/tasks/${task}/complete`, body: { variables: { decision: 'approve', comment: '同意' } }, want: [403] },
      { who: 'finance_section', method: 'post', url: `/api/tasks/${task}/comments`, body: { text: '意见' }, want: [403, 422] },
      // a supplier edits another supplier's register record; another agency edits the demo agency's record
      { who: 'sup_b', method: 'patch', url: `/api/suppliers/${supplier}`, body: { contactName: '冒名', version: 1 }, want: [403] },
      { who: 'agency2', method: 'patch', url: `/api/agencies/${agency}`, body: { contactName: '冒名', version: 1 }, want: [403] },
      // another purchaser organisation adds a version to P1's document
      { who: 'purchaser2', method: 'post', url: `/api/documents/${document}/versions`, body: { data: {} }, want: [403, 404, 422] },
    ];
    const before = await digestTables(w.c.tdb.db);
    const wrong: string[] = [];
    for (const k of cases) {
      let req = request(w.app)[k.method](k.url).set('Authorization', await w.c.auth(k.who));
      if (k.body) req = req.send(k.body);
      const res = await req;
      if (!k.want.includes(res.status)) wrong.push(`${k.who} ${k.method.toUpperCase()} ${k.url}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
    }
    expect(wrong, wrong.join('\n')).to.deep.equal([]);
    expect(changedTables(before, await digestTables(w.c.tdb.db))).to.deep.equal([]);
  });

  it('sealed bids: a supplier\'s list holds only its own bids; no other role sees any before the opening', async () => {
    const { tender, bid, bidB } = w.ids;
    const ids = async (who: Actor) => {
      const res = await request(w.app).get(`/api/tenders/${tender}/bids`).set('Authorization', await w.c.auth(who));
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      const text = JSON.stringify(res.body);
      return { text, ids: ((res.body.bids ?? res.body.items ?? []) as { id?: number; bidId?: number }[]).map((b) => String(b.id ?? b.bidId)) };
    };
    const a = await ids('sup_a');
    const b = await ids('sup_b');
    expect(a.ids).to.deep.equal([bid]);
    expect(b.ids).to.deep.equal([bidB]);
    expect(b.text).to.not.contain('20000000'); // sup_a's total (200,000.00 元 in fen)
    expect((await ids('supplier')).ids).to.deep.equal([]);
  });
});
