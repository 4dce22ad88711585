/**
 * Chain scenario (g), issue 4 §5: bids are sealed until the opening. Before the deadline no role reads a price or
 * the bid's text through any route (the tender API, the projects API, the instance and its variables, the inbox,
 * documents, credit checks), and a raw SELECT over every table of the database finds neither the price nor the
 * item text — the database reader learns nothing. After the opening they read as submitted.
 */
import crypto from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import { startChain, type Chain, type Vars } from './driver.ts';
import { approvedProject, bidBody, prepareTender, reachDeadline, submitBid, threeBidders, type Bidder } from './steps.ts';

/** Distinctive values that cannot occur by chance: 40 × 4,691.36 元 = 187,654.40 元. */
const PRICE_YUAN = 187_654.4;
const PRICE_FEN = 18_765_440;
const UNIT_FEN = 469_136;
const SECRET_TEXT = '投标型号甲乙丙-XK9931-保密方案';
/** A bid file (PDF) with its own secret. */
const FILE_SECRET = 'SECRET-PDF-QZ7781-TERMS';
const PDF = Buffer.from(`%PDF-1.4\n1 0 obj << /Title (${FILE_SECRET}) >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`, 'latin1');

const ROLES = ['purchaser', 'dept_approver', 'finance_section', 'supervisor', 'city_finance', 'agency', 'expert', 'supplier', 'process_admin', 'auditor'];

function leaks(text: string): string[] {
  const found: string[] = [];
  // A whole number, not digits inside a longer id or timestamp.
  if (/(?<![0-9])18765440(?![0-9])/.test(text)) found.push('price in fen');
  if (/187,?654\.4/.test(text)) found.push('price in yuan');
  if (/(?<![0-9])469136(?![0-9])/.test(text)) found.push('unit price in fen');
  if (/4,?691\.36/.test(text)) found.push('unit price in yuan');
  if (text.includes(SECRET_TEXT)) found.push('bid text');
  if (text.includes(FILE_SECRET)) found.push('bid file');
  return found;
}

describe('chain (g): bids unreadable before the opening, by every route, every role, and straight from the DB', function () {
  this.timeout(90_000);
  let c: Chain;
  let id = '';
  let tenderId = 0;
  let bidders: Bidder[] = [];
  let sealedBid = 0;
  let projectId: unknown;
  let fileId = 0;
  before(async () => {
    c = await startChain({ captureLogs: true });
    bidders = await threeBidders(c);
    await c.createUser('agency_other', { roles: 'agency', organisationId: await c.createOrganisation('绵阳市公正工程项目管理有限公司', 'agency', null) });
    id = await approvedProject(c);
    const v = await prepareTender(c, id);
    tenderId = v.tenderId as number;
    await c.advance(86_400_000);
    const upload = await request(c.app).post(`/api/tenders/${tenderId}/bid-files`).query({ filename: '长虹投标文件.pdf' })
      .set('Authorization', await c.auth('sup_changhong')).set('Content-Type', 'application/pdf').send(PDF);
    expect(upload.status, JSON.stringify(upload.body)).to.equal(201);
    fileId = upload.body.fileId;
    expect(upload.body.sha256).to.equal(crypto.createHash('sha256').update(PDF).digest('hex'));
    const res = await c.post('sup_changhong', `/api/tenders/${tenderId}/bids`, { ...bidBody({ priceYuan: PRICE_YUAN, scale: 'large', deviations: SECRET_TEXT }), fileIds: [fileId] });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    sealedBid = res.body.bidId;
    await submitBid(c, bidders[0]!.user, tenderId, bidders[0]!);
    await submitBid(c, bidders[2]!.user, tenderId, bidders[2]!);
    const projects = await c.get('purchaser', '/api/projects');
    const list = (projects.body.items ?? projects.body.projects ?? []) as { id: unknown; instanceId: string }[];
    projectId = list.find((p) => p.instanceId === id)?.id;
  });
  after(async () => {
    await c?.close();
  });

  it('no role other than the bidder reads the bid list; the bidder reads its own receipt but the API never echoes a stranger the price', async () => {
    for (const role of ROLES) {
      const res = await c.get(role, `/api/tenders/${tenderId}/bids`);
      expect(leaks(JSON.stringify(res.body)), `${role} GET /bids → ${res.status}`).to.deep.equal([]);
      if (role !== 'supplier') expect(res.status, `${role} GET /bids`).to.equal(403);
    }
    // The bid file: nobody downloads it before the opening, not even the bidder that uploaded it.
    for (const role of ['sup_changhong', 'sup_rongxing', 'agency', 'supervisor', 'auditor']) {
      const res = await c.get(role, `/api/tenders/${tenderId}/bid-files/${fileId}`);
      expect(res.status, `${role} GET bid file`).to.be.within(400, 499);
      expect(leaks(JSON.stringify(res.body) + (res.text ?? '')), role).to.deep.equal([]);
    }
    // Other suppliers see their own bids only.
    const other = await c.get('sup_rongxing', `/api/tenders/${tenderId}/bids`);
    expect(other.status).to.equal(200);
    expect(leaks(JSON.stringify(other.body))).to.deep.equal([]);
  });

  it('no route shows the price or the text to anyone before the opening', async () => {
    const routes = [
      '/api/tenders', `/api/tenders/${tenderId}`, `/api/tenders/${tenderId}/bids/${sealedBid}`, `/api/tenders/${tenderId}/evaluation`,
      `/api/tenders/${tenderId}/expert-draw`, `/api/tenders/${tenderId}/challenges`, `/api/instances/${id}`, `/api/instances/${id}/history`,
      `/api/instances/${id}/diagram`, '/api/projects', `/api/documents?instanceId=${id}`, '/api/tasks?scope=all&pageSize=100', '/api/credit-checks',
      ...(projectId !== undefined ? [`/api/projects/${projectId}`, `/api/projects/${projectId}/diagram`] : []),
    ];
    for (const role of [...ROLES, 'sup_rongxing', 'agency_other']) {
      for (const url of routes) {
        const res = await c.get(role, url);
        expect(leaks(JSON.stringify(res.body) + (res.text ?? '')), `${role} GET ${url} → ${res.status}`).to.deep.equal([]);
      }
    }
    // Documents' contents too.
    for (const d of await c.documents('supervisor', id)) {
      expect(leaks(JSON.stringify(await c.documentData('supervisor', d.id))), `document ${d.templateId}`).to.deep.equal([]);
    }
    // The task detail of the agency's open tasks (variables as the form shows them).
    for (const t of await c.inbox('agency')) {
      expect(leaks(JSON.stringify(await c.taskDetail('agency', t.id))), `agency task ${t.elementId}`).to.deep.equal([]);
    }
  });

  /** Every table's rows as text (blobs as latin1 and as UTF-8), and what leaks() finds in each. */
  async function scanDatabase(): Promise<{ tables: string[]; found: string[] }> {
    const tables = c.dialect === 'sqlite'
      ? (await c.select<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")).map((t) => t.name)
      : (await c.select<{ name: string }>('SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()')).map((t) => t.name);
    const q = c.dialect === 'sqlite' ? (t: string) => `"${t}"` : (t: string) => `\`${t}\``;
    const found: string[] = [];
    for (const t of tables) {
      const rows = await c.select(`SELECT * FROM ${q(t)}`);
      for (const encoding of ['latin1', 'utf8'] as const) {
        const text = JSON.stringify(rows, (_k, v) => (Buffer.isBuffer(v) ? v.toString(encoding) : v && typeof v === 'object' && v.type === 'Buffer' && Array.isArray(v.data) ? Buffer.from(v.data).toString(encoding) : v));
        for (const l of leaks(text)) found.push(`${t} (${encoding}): ${l}`);
      }
    }
    return { tables, found };
  }

  it('no log line of the app or the engine (at trace level) shows the price, the text or the file', () => {
    const logs = c.logs();
    // The capture works: the bid submissions are in it (as paths, without bodies).
    expect(logs).to.include(`/api/tenders/${tenderId}/bids`);
    expect(leaks(logs)).to.deep.equal([]);
  });

  it('a raw SELECT over every table of the database finds neither the price nor the text', async () => {
    const { tables, found } = await scanDatabase();
    expect(tables.some((t) => /bid/i.test(t)), `bid tables among ${tables.join(', ')}`).to.equal(true);
    expect(found).to.deep.equal([]);
  });

  it('after the deadline the bids open and read as submitted', async () => {
    const v = await reachDeadline(c, id);
    const opened = v.openedBids as { bidId: number; totalPriceFen: number }[];
    expect(opened.find((b) => b.bidId === sealedBid)?.totalPriceFen).to.equal(PRICE_FEN);
    const res = await c.get('agency', `/api/tenders/${tenderId}/bids`);
    expect(res.status).to.equal(200);
    expect(JSON.stringify(res.body)).to.contain(String(PRICE_FEN));
    const sealed = (res.body.bids as Vars[]).find((b) => b.bidId === sealedBid);
    expect(JSON.stringify(sealed)).to.contain(SECRET_TEXT);
    expect(UNIT_FEN * 40).to.equal(PRICE_FEN);
    const file = await request(c.app).get(`/api/tenders/${tenderId}/bid-files/${fileId}`).set('Authorization', await c.auth('agency')).buffer(true).parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (d: Buffer) => chunks.push(d));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(file.status).to.equal(200);
    expect(Buffer.compare(file.body as Buffer, PDF)).to.equal(0);
    expect((await c.get('sup_rongxing', `/api/tenders/${tenderId}/bid-files/${fileId}`)).status).to.be.within(400, 499);
    // Staff of another agency: not this tender's agency, even after the opening.
    const other = await c.get('agency_other', `/api/tenders/${tenderId}/bids`);
    expect(other.status).to.equal(403);
    expect(leaks(JSON.stringify(other.body))).to.deep.equal([]);
    // The scan is able to see the price once it is legitimately in clear (the opened bids in the process): the
    // empty result before the opening was not a blind scan.
    expect((await scanDatabase()).found.join('; ')).to.contain('price in fen');
  });
});
