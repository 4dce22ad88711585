/**
 * Input fuzzing (issue 10) with fast-check: every route that takes a body, a query or path parameters gets generated
 * hostile requests — malformed JSON, wrong types, huge strings and arrays (under and over the 1 MB body limit),
 * unicode edge cases (lone surrogates, RTL override, zero-width, NUL, emoji, CJK), SQL and template injection strings,
 * path traversal in file names, random bytes to the upload routes — sent by a caller the role gate lets through, with
 * the seeded objects' real ids half of the time (so the handlers run, not just validation).
 * Properties: never a 5xx; every error has error.code and error.message, and a VALIDATION_FAILED names paths; a
 * route whose requests were all refused leaves every table as it was (audit trail and counters aside).
 * Bounded: fixed seed (FUZZ_SEED to replay; printed on failure), FUZZ_RUNS per route (default 6).
 */
import { expect } from 'chai';
import fc from 'fast-check';
import request from 'supertest';
import { ACCESS, type AccessRule } from './access-table.ts';
import { ROLE_OF, changedTables, digestTables, servedRoutes, startWorld, type Actor, type ServedRoute, type World } from './world.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 20261128);
const RUNS = Number(process.env.FUZZ_RUNS ?? 6);

const HOSTILE = [
  "'; DROP TABLE users; --", "\" OR 1=1 --", "1' OR '1'='1", "1; SELECT SLEEP(5)", "admin'--",
  "{{constructor.constructor('return process')()}}", '{{#each this}}{{/each}}', '${process.exit(1)}', '#{7*7}', '<%= 7*7 %>',
  '<script>alert(1)</script>', '../../../../etc/passwd', '..\\..\\..\\windows\\win.ini', '%2e%2e%2f%2e%2e%2fetc%2fpasswd', '/etc/passwd',
  'C:\\boot.ini', 'file.pdf\u0000.exe', '\u202Egpj.exe', 'a\u200Bb\u200C\u200D\uFEFF', '\uD800', '\uDFFF', 'x\uD83Dy', '😀👨‍👩‍👧🏳️‍🌈',
  '中文测试名称（采购）', 'עברית', '\u0000', 'x\u0000y', 'NaN', 'Infinity', '-1', '0', '1e309', '9007199254740993', '-0',
  '__proto__', 'constructor', 'prototype', '', ' ', '\t\n\r', 'null', 'true', '[]', '{}', 'A'.repeat(5000),
];

const hostileString = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.constant('字'.repeat(300_000)) }, // ~900 KB of UTF-8: under the 1 MB limit
);
/** For paths and query strings: a 900 KB URL only meets Node's 431 (header overflow) and never reaches the app. */
const urlString = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...HOSTILE) }, { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) });
const leaf = fc.oneof(hostileString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map((b) => Number(b)));
const value: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: leaf },
  { weight: 1, arbitrary: fc.array(leaf, { maxLength: 5 }) },
  { weight: 1, arbitrary: fc.dictionary(hostileString, leaf, { maxKeys: 4 }) },
  { weight: 1, arbitrary: fc.constant(Array.from({ length: 30_000 }, (_, i) => i)) }, // a huge array, under 1 MB
  { weight: 1, arbitrary: fc.constant({ a: { b: { c: { d: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]] } } } }) },
);

/** Percent-encoding that survives lone surrogates (encodeURIComponent throws on them): bytes of the UTF-8 form. */
const enc = (s: string) => [...Buffer.from(s, 'utf8')].map((b) => (/[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');

interface OpInfo { params: string[]; query: string[]; bodyKeys: string[] | null; raw: string[] | null }

type Body = { kind: 'json'; value: unknown } | { kind: 'text'; text: string } | { kind: 'huge' } | { kind: 'bytes'; bytes: Uint8Array; pdf: boolean } | { kind: 'none' };

function bodyArb(op: OpInfo): fc.Arbitrary<Body> {
  if (op.raw) {
    return fc.oneof(
      fc.record({ kind: fc.constant('bytes' as const), bytes: fc.uint8Array({ maxLength: 3000 }), pdf: fc.boolean() }),
      fc.record({ kind: fc.constant('text' as const), text: fc.oneof(hostileString, fc.constant('名称,代码\n"a\n,b\u0000\n=cmd|"/c calc"!A1,\'; DROP TABLE x;--')) }),
      fc.constant({ kind: 'none' as const }),
    );
  }
  if (!op.bodyKeys) return fc.constant({ kind: 'none' as const });
  const keys = op.bodyKeys.length ? op.bodyKeys : ['x'];
  const objectBody = fc.dictionary(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...keys) }, { weight: 1, arbitrary: hostileString }), value, { maxKeys: Math.min(6, keys.length + 1) });
  return fc.oneof(
    { weight: 6, arbitrary: objectBody.map((value) => ({ kind: 'json' as const, value })) },
    { weight: 1, arbitrary: value.map((value) => ({ kind: 'json' as const, value })) },
    { weight: 1, arbitrary: fc.constantFrom('{"a":', '{"a":1,}', "{'a':1}", '[1,2', 'nul', '{"a":"\\uZZZZ"}', '\u0000{}', '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"x":1}}}').map((text) => ({ kind: 'text' as const, text })) },
    { weight: 1, arbitrary: fc.constant({ kind: 'huge' as const }) },
  );
}

describe('security: input fuzzing of every route (fast-check)', function () {
  this.timeout(300_000);
  let w: World;
  let routes: ServedRoute[];
  const ops = new Map<string, OpInfo>();
  before(async () => {
    w = await startWorld();
    routes = servedRoutes(w.app);
    const doc = (await request(w.app).get('/api/openapi.json')).body as { paths: Record<string, Record<string, {
      parameters?: { in: string; name: string }[];
      requestBody?: { content: Record<string, { schema?: { properties?: Record<string, unknown> } }> };
    }>> };
    for (const [p, item] of Object.entries(doc.paths)) {
      for (const [m, op] of Object.entries(item)) {
        const content = op.requestBody?.content ?? {};
        const json = content['application/json'];
        const rawTypes = Object.keys(content).filter((t) => t !== 'application/json');
        ops.set(`${m.toUpperCase()} ${p.replace(/\{([A-Za-z0-9_]+)\}/g, ':$1')}`, {
          params: (op.parameters ?? []).filter((x) => x.in === 'path').map((x) => x.name),
          query: (op.parameters ?? []).filter((x) => x.in === 'query').map((x) => x.name),
          bodyKeys: json ? Object.keys(json.schema?.properties ?? {}) : null,
          raw: rawTypes.length ? rawTypes : null,
        });
      }
    }
  });
  after(async () => w?.close());

  /** A caller the role gate lets through (the owner of the seeded objects where it matters). */
  function caller(rule: AccessRule, route: ServedRoute): Actor | null {
    if (rule.allow === 'public') return null;
    const roles = rule.allow === 'authenticated' ? ['purchaser'] : [...rule.allow];
    if (route.path.startsWith('/api/tasks/')) return 'dept_approver';
    const pick = (['sup_a', 'agency', 'purchaser', 'finance_section', 'supervisor', 'process_admin', 'auditor', 'dept_approver', 'city_finance', 'expert'] as Actor[])
      .find((a) => roles.includes(ROLE_OF[a]));
    return pick ?? null;
  }

  it('no 5xx, every refusal is a JSON error naming the problem, and a refused request changes nothing', async () => {
    const failures: string[] = [];
    let total = 0;
    const statuses: Record<number, number> = {};
    for (const route of routes) {
      const rule = ACCESS[route.key];
      const op = ops.get(route.key);
      if (!rule || !op || rule.auth) continue;
      if (!op.params.length && !op.query.length && !op.bodyKeys && !op.raw) continue;
      const actor = caller(rule, route);
      const auth = actor ? await w.c.auth(actor) : null;
      const paramArb = fc.record(Object.fromEntries(op.params.map((p) => {
        const real = rule.ids?.[p] ? w.ids[rule.ids[p]!] : undefined;
        return [p, real ? fc.oneof(fc.constant(real), urlString) : urlString];
      })) as Record<string, fc.Arbitrary<string>>);
      const queryArb = fc.dictionary(fc.oneof({ weight: 4, arbitrary: op.query.length ? fc.constantFrom(...op.query) : fc.constant('q') }, { weight: 1, arbitrary: urlString }), fc.oneof(urlString, fc.constant('20')), { maxKeys: 3 });
      const before = await digestTables(w.c.tdb.db);
      let succeeded = false;
      const property = fc.asyncProperty(paramArb, queryArb, bodyArb(op), async (params, query, body) => {
        const path = route.path.replace(/:([A-Za-z0-9_]+)/g, (_m, n: string) => enc(params[n] ?? ''));
        const qs = Object.entries(query).map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&');
        let req = request(w.app)[route.method.toLowerCase() as 'post'](`${path}${qs ? `?${qs}` : ''}`);
        if (auth) req = req.set('Authorization', auth);
        let res: request.Response;
        if (body.kind === 'json') res = await req.set('Content-Type', 'application/json').send(JSON.stringify(body.value) ?? 'null');
        else if (body.kind === 'text') res = await req.set('Content-Type', op.raw ? op.raw[0]! : 'application/json').send(body.text);
        else if (body.kind === 'huge') res = await req.set('Content-Type', 'application/json').send(JSON.stringify({ blob: 'x'.repeat(1_100_000) }));
        else if (body.kind === 'bytes') {
          const bytes = body.pdf ? Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from(body.bytes)]) : Buffer.from(body.bytes);
          res = await req.set('Content-Type', op.raw![0]!).send(bytes);
        } else res = await req;
        total += 1;
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        const s = res.status;
        const where = `${route.key} ${path}${qs ? `?${qs.slice(0, 200)}` : ''} body=${body.kind === 'json' ? JSON.stringify(body.value)?.slice(0, 200) : body.kind}`;
        if (s === 503 && rule.pdf && res.body?.error?.code === 'PDF_UNAVAILABLE') return; // no Chromium on this machine
        if (s >= 500) throw new Error(`${s} from ${where}: ${JSON.stringify(res.body).slice(0, 300)}`);
        if (s < 400) {
          if (route.method !== 'GET') succeeded = true;
          return;
        }
        if (s === 431 || s === 414) return; // Node refused the request line/headers before the app: no body, nothing ran
        const err = res.body?.error;
        if (typeof err?.code !== 'string' || typeof err?.message !== 'string') throw new Error(`${s} without error.code/message from ${where}: ${res.text.slice(0, 200)}`);
        if (err.code === 'VALIDATION_FAILED' && !(Array.isArray(err.details) && err.details.length && err.details.every((d: { path?: unknown }) => typeof d.path === 'string'))) {
          throw new Error(`VALIDATION_FAILED without details naming paths from ${where}: ${JSON.stringify(err)}`);
        }
      });
      try {
        await fc.assert(property, { seed: SEED, numRuns: RUNS, endOnFailure: true });
      } catch (e) {
        failures.push(`${route.key} (replay: FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS}): ${(e as Error).message.split('\n').slice(0, 6).join(' | ')}`);
      }
      if (!succeeded) {
        const changed = changedTables(before, await digestTables(w.c.tdb.db));
        if (changed.length) failures.push(`${route.key}: every request was refused, yet tables changed: ${changed.join(', ')}`);
      }
    }
    expect(failures, failures.join('\n\n')).to.deep.equal([]);
    if (process.env.FUZZ_VERBOSE) console.log(`${total} requests`, statuses);
    expect(total).to.be.greaterThan(routes.length);
  });

  it('oversized uploads and bodies are refused with 413 and change nothing', async () => {
    const before = await digestTables(w.c.tdb.db);
    const cases: [string, string, string, number, Actor][] = [
      ['post', `/api/tenders/${w.ids.tender}/bid-files?filename=big.pdf`, 'application/pdf', 10 * 1024 * 1024 + 1, 'sup_a'],
      ['put', `/api/credit-records/${w.ids.credit}/evidence`, 'application/pdf', 5 * 1024 * 1024 + 1, 'finance_section'],
      ['post', '/api/suppliers/import', 'text/csv', 2 * 1024 * 1024 + 1, 'finance_section'],
      ['post', '/api/projects', 'application/json', 1024 * 1024 + 1, 'purchaser'],
    ];
    for (const [m, url, type, size, actor] of cases) {
      const payload = type === 'application/json' ? `{"x":"${'a'.repeat(size)}"}` : Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(size, 0x41)]);
      const res = await request(w.app)[m as 'post'](url).set('Authorization', await w.c.auth(actor)).set('Content-Type', type).send(payload);
      expect(res.status, `${m} ${url}: ${JSON.stringify(res.body)}`).to.equal(413);
      expect(res.body.error.code).to.equal('PAYLOAD_TOO_LARGE');
    }
    expect(changedTables(before, await digestTables(w.c.tdb.db))).to.deep.equal([]);
  });

  it('path traversal in upload file names is refused, naming the query parameter', async () => {
    for (const name of ['../../etc/passwd', '..\\..\\boot.ini', '/abs.pdf', 'a/b.pdf', 'C:evil.pdf', '']) {
      const res = await request(w.app).post(`/api/tenders/${w.ids.tender}/bid-files?filename=${enc(name)}`)
        .set('Authorization', await w.c.auth('sup_a')).set('Content-Type', 'application/pdf').send(Buffer.from('%PDF-1.4\n%%EOF\n'));
      expect(res.status, `${name}: ${JSON.stringify(res.body)}`).to.equal(422);
      expect(res.body.error.details.map((d: { path: string }) => d.path)).to.include('filename');
    }
  });
});
