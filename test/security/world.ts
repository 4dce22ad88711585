/**
 * The seeded world of the security suite: the whole system (real models, every worker, a fresh database) with the
 * objects the role matrix and the fuzzers need, each with an owner and a stranger:
 * - project P1 of the demo purchaser (教育局), approved, tender T1 published by the demo agency, bids of sup_a and
 *   sup_b (window still open: sealed), a bid file of sup_a;
 * - project P2 of purchaser2 (another purchaser unit), waiting at 主管部门审批 (task K2, candidate dept_approver);
 * - agency2 (an agency organisation that is not T1's agency), a report with its tracking code.
 * Also: the app's routes by router introspection, and a digest of every table's rows (for "nothing changed").
 */
import crypto from 'node:crypto';
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import request from 'supertest';
import type { Express } from 'express';
import { creditCode, startChain, type Chain } from '../chain/driver.ts';
import { application } from '../chain/fixtures.ts';
import { approvedProject, bidBody, prepareTender } from '../chain/steps.ts';
import type { Database } from '../../server/db.ts';

/** The demo users (user name = role) and the strangers of the world. */
export const DEMO_ROLES = ['purchaser', 'dept_approver', 'finance_section', 'supervisor', 'city_finance', 'agency', 'expert', 'supplier', 'process_admin', 'auditor', 'works_supervisor'] as const;
export const EXTRA_ACTORS = ['sup_a', 'sup_b', 'purchaser2', 'agency2'] as const;
export type Actor = (typeof DEMO_ROLES)[number] | (typeof EXTRA_ACTORS)[number];
export const ACTORS: readonly Actor[] = [...DEMO_ROLES, ...EXTRA_ACTORS];
/** The role of each actor (one role each). */
export const ROLE_OF: Record<Actor, string> = {
  ...Object.fromEntries(DEMO_ROLES.map((r) => [r, r])),
  sup_a: 'supplier', sup_b: 'supplier', purchaser2: 'purchaser', agency2: 'agency',
} as Record<Actor, string>;

export interface World {
  c: Chain;
  app: Express;
  /** Path parameter values by the name used in the table's `ids` (see access-table.ts). */
  ids: Record<string, string>;
  close(): Promise<void>;
}

/** A minimal valid PDF (the magic bytes the upload checks). */
export const TINY_PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n', 'latin1');

export async function startWorld(): Promise<World> {
  const c = await startChain();
  const ids: Record<string, string> = {};
  try {
    await c.createSupplier('sup_a', { name: '成都安全测试甲科技有限公司', creditCode: creditCode('91510100MA61H5A01') });
    await c.createSupplier('sup_b', { name: '成都安全测试乙科技有限公司', creditCode: creditCode('91510100MA61H5B02') });
    const org2 = await c.createOrganisation('涪城区卫生健康局', 'purchaser_unit');
    await c.createUser('purchaser2', { roles: 'purchaser', organisationId: org2 });
    const agencyOrg2 = await c.createOrganisation('另一招标代理有限公司', 'agency');
    await c.createUser('agency2', { roles: 'agency', organisationId: agencyOrg2 });

    // P1 / T1: approved, tender published, two sealed bids.
    const i1 = await approvedProject(c);
    const v = await prepareTender(c, i1);
    const tenderId = v.tenderId as number;
    await c.advance(86_400_000);
    const file = await request(c.app).post(`/api/tenders/${tenderId}/bid-files`).query({ filename: '投标文件.pdf' })
      .set('Authorization', await c.auth('sup_a')).set('Content-Type', 'application/pdf').send(TINY_PDF);
    expect(file.status, `bid file: ${JSON.stringify(file.body)}`).to.equal(201);
    const bidA = await c.post('sup_a', `/api/tenders/${tenderId}/bids`, bidBody({ priceYuan: 200_000 }));
    expect(bidA.status, JSON.stringify(bidA.body)).to.equal(201);
    const bidB = await c.post('sup_b', `/api/tenders/${tenderId}/bids`, bidBody({ priceYuan: 204_000 }));
    expect(bidB.status, JSON.stringify(bidB.body)).to.equal(201);

    // P2: purchaser2's application, at the department's approval.
    const p2 = await c.post('purchaser2', '/api/projects', { ...application(), agencyId: await demoAgency(c) });
    expect(p2.status, `P2: ${JSON.stringify(p2.body)}`).to.be.oneOf([200, 201]);
    const i2 = String(p2.body.instanceId ?? p2.body.project?.instanceId);
    const k2 = await c.task('dept_approver', i2, 'dept_approval');

    const projects = await c.get('supervisor', '/api/projects', { limit: 100 });
    const list = (projects.body.items ?? projects.body.projects) as { id: number; instanceId: string }[];
    const pOf = (inst: string) => String(list.find((p) => p.instanceId === inst)?.id);

    const docs = await c.documents('supervisor', i1);
    const depl = await c.get('process_admin', '/api/deployments');
    const deployments = (depl.body.items ?? []) as { deploymentId: string; bpmnProcessId: string; version: number }[];
    const procurement = deployments.filter((d) => d.bpmnProcessId === 'procurement');
    const supRecord = await c.get('finance_section', '/api/suppliers', { q: '安全测试甲', limit: 10 });
    const credit = await c.get('supervisor', '/api/credit-records', { limit: 1 });
    const goods = await c.get('supervisor', '/api/goods', { limit: 1 });
    // FCZJ-0001 is the demo `expert` account's own record (the object the table's own-object checks use).
    const experts = await c.get('supervisor', '/api/experts', { q: 'FCZJ-0001', limit: 1 });
    const report = await request(c.app).post('/api/reports').send({ category: '其他', subject: '安全测试举报', facts: '用于访问矩阵测试的举报内容，描述足够长的事实。' });

    Object.assign(ids, {
      task: k2.id, instance: i1, instance2: i2,
      project: pOf(i1), project2: pOf(i2),
      tender: String(tenderId), bid: String(bidA.body.bidId), bidB: String(bidB.body.bidId), bidFile: String(file.body.fileId ?? file.body.id),
      document: String(docs[0]?.id), documentVersion: '1',
      deployment: String(procurement[0]?.deploymentId ?? deployments[0]?.deploymentId), deployment2: String(deployments[deployments.length - 1]?.deploymentId),
      supplier: String(supRecord.body.items?.[0]?.id), agency: String(await demoAgency(c)),
      goods: String(goods.body.items?.[0]?.id), expert: String(experts.body.items?.[0]?.id), credit: String(credit.body.items?.[0]?.id),
      trackingCode: String(report.body.trackingCode),
      creditCode: creditCode('91510100MA61H5A01'),
      // Objects the world does not create (none exist yet): their routes answer 404 to whoever passes the role gate.
      changeRequest: '1', incident: '1', creditCheck: '1', complaint: '1',
      template: 'approval-form', process: 'procurement', date: '2026-05-01', year: '2027',
    });
    for (const [k, val] of Object.entries(ids)) if (!val || val === 'undefined') throw new Error(`world: no ${k} (${JSON.stringify({ report: report.body })})`);
  } catch (err) {
    await c.close();
    throw err;
  }
  return { c, app: c.app, ids, close: () => c.close() };
}

async function demoAgency(c: Chain): Promise<number> {
  const res = await c.get('purchaser', '/api/agencies', { q: '四川某某招标代理', limit: 10 });
  return (res.body.items as { id: number }[])[0]!.id;
}

/** A route as the Express router serves it: `METHOD /path/:param`. */
export interface ServedRoute {
  method: string;
  path: string;
  key: string;
}

interface RouterLayer {
  route?: { path: string | RegExp; methods: Record<string, boolean> };
  handle?: { stack?: RouterLayer[] };
}

/** Every route the app serves (router introspection, like the OpenAPI test), except the web app's RegExp fallback. */
export function servedRoutes(app: Express): ServedRoute[] {
  const out: ServedRoute[] = [];
  const walk = (stack: RouterLayer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        if (typeof layer.route.path !== 'string') continue;
        for (const m of Object.keys(layer.route.methods)) {
          if (m === '_all') continue;
          const method = m.toUpperCase();
          out.push({ method, path: layer.route.path, key: `${method} ${layer.route.path}` });
        }
      } else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((app as unknown as { router: { stack: RouterLayer[] } }).router.stack);
  return out.filter((r) => r.path !== '*' && !r.path.startsWith('/api/docs'));
}

/**
 * Tables that legitimately change on a refused request: the audit trail (it records refusals and failed logins),
 * rate/usage counters. Everything else must be byte-for-byte the same after a refusal.
 */
export const VOLATILE_TABLE = /^(audit|audit_.*|.*_audit|rate_.*|.*_rate_limits?|.*usage.*|.*_attempts|SequelizeMeta|sqlite_sequence)$/i;

export async function tableNames(db: Database): Promise<string[]> {
  return db.dialect === 'mysql'
    ? (await db.sequelize.query<Record<string, string>>('SHOW TABLES', { type: QueryTypes.SELECT })).map((r) => Object.values(r)[0]!)
    : (await db.sequelize.query<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'", { type: QueryTypes.SELECT })).map((r) => r.name);
}

/** SHA-256 per table of all its rows (sorted), volatile tables excluded. */
export async function digestTables(db: Database): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const t of (await tableNames(db)).sort()) {
    if (VOLATILE_TABLE.test(t)) continue;
    const rows = await db.sequelize.query<Record<string, unknown>>(`SELECT * FROM ${db.dialect === 'mysql' ? `\`${t}\`` : `"${t}"`}`, { type: QueryTypes.SELECT });
    const lines = rows.map((r) => JSON.stringify(Object.entries(r).sort(([a], [b]) => a.localeCompare(b)).map(([k, val]) => [k, Buffer.isBuffer(val) ? val.toString('base64') : val instanceof Date ? val.toISOString() : val]))).sort();
    out[t] = crypto.createHash('sha256').update(lines.join('\n')).digest('hex');
  }
  return out;
}

/** The tables whose digest differs. */
export function changedTables(before: Record<string, string>, after: Record<string, string>): string[] {
  return [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((t) => before[t] !== after[t]).sort();
}
