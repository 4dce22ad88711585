/**
 * Sealed bids over HTTP: receipts a supplier can verify, replace and withdraw before the deadline and never after,
 * confidentiality before the opening through every route and straight from the database (no price digits, item
 * names or key material anywhere), the opening as the only way to the content, role and ownership refusals, no bid
 * content in any log line, and challenges after the award.
 */
import { expect } from 'chai';
import request from 'supertest';
import { pino } from 'pino';
import { buildApp } from '../../server/app.ts';
import { renderDocument } from '../../server/documents/render.ts';
import { openedBidsOf, markTenderAwarded } from '../../server/tender/index.ts';
import { openBids } from '../../server/tender/lifecycle.ts';
import { publishTender } from '../../server/tender/publish.ts';
import { aad, BidsSealedError, configureSealing, receiptDigest, unseal, unsealOpened } from '../../server/tender/sealing.ts';
import { startHarness, bearer, DEMO_PASSWORD, type Harness } from './harness.ts';
import { addSupplier, addUser, bidContent, dumpDatabase, job, MASTER_KEY, tenderVars, type SupplierAccount } from './tender-fixtures.ts';

const PDF = Buffer.from('%PDF-1.4\n% 技术响应文件 MARKER-TECH-7731\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

/**
 * Where a secret occurs in text, or -1. A digit-only secret counts only as a whole token: the stored text holds
 * thousands of random hex digests (receipts, document hashes, job keys), and a 6-digit price appears inside one of
 * them by chance in a few percent of runs, which made this scan flaky without proving any leak.
 */
function findSecret(text: string, secret: string): number {
  if (!/^\d+$/.test(secret)) return text.indexOf(secret);
  const m = new RegExp(`(?<![0-9A-Za-z+/])${secret}(?![0-9A-Za-z+/=])`).exec(text);
  return m ? m.index : -1;
}

describe('tender bids API (sealed bids)', function () {
  this.timeout(120_000);
  let h: Harness;
  let tenderId: number;
  let s2: SupplierAccount;
  let s3: SupplierAccount;
  let s4: SupplierAccount;
  const bids: Record<string, { bidId: number; salt: string; sha256: string; submittedAt: string; files: { fileId: number; sha256: string }[] }> = {};
  const logLines: string[] = [];
  let loggedApp: ReturnType<typeof buildApp>;

  // Tokens are issued by the manual clock: moving it weeks ahead expires them, so log in again after each move.
  const tokens = new Map<string, string>();
  const setClock = (at: string) => {
    h.clock.set(at);
    tokens.clear();
  };
  const auth = async (u: string) => {
    if (!tokens.has(u)) {
      const res = await request(h.app).post('/api/auth/login').send({ username: u, password: DEMO_PASSWORD });
      if (res.status !== 200) throw new Error(`login ${u}: ${res.status}`);
      tokens.set(u, res.body.token);
    }
    return { Authorization: bearer(tokens.get(u)!) };
  };
  const api = (app = h.app) => request(app);

  before(async () => {
    h = await startHarness();
    configureSealing(h.tdb.db.sequelize, { key: MASTER_KEY, keyFile: '/nonexistent/unused.key' });
    s2 = await addSupplier(h.tdb.db, 'supplier2', '绵阳市科创电子科技有限公司二部', '91510703MA6TXT002', DEMO_PASSWORD);
    s3 = await addSupplier(h.tdb.db, 'supplier3', '四川锦程网络工程有限公司三部', '91510703MA6TXT003', DEMO_PASSWORD);
    s4 = await addSupplier(h.tdb.db, 'supplier4', '成都蓉星计算机系统有限公司四部', '91510703MA6TXT004', DEMO_PASSWORD);
    await addUser(h.tdb.db, 'agency2', 'agency', '绵阳市公正工程项目管理有限公司', DEMO_PASSWORD);
    h.clock.set('2026-03-02T01:00:00Z');
    const out = await publishTender(h.tdb.db, h.clock, job('publish-tender', tenderVars()));
    tenderId = out.tenderId;
    // A second app on the same database whose log lines we keep (the harness app logs nothing).
    const logger = pino({ level: 'trace' }, { write: (s: string) => void logLines.push(s) });
    loggedApp = buildApp({ config: { ...h.config, bidSeal: { key: MASTER_KEY, keyFile: '/nonexistent/unused.key' } }, db: h.tdb.db, engine: h.engine, clock: h.clock, logger });
  });
  after(async () => {
    await h.close();
  });

  it('a supplier submits a sealed bid and gets a receipt it can verify', async () => {
    const content = bidContent();
    const res = await api().post(`/api/tenders/${tenderId}/bids`).set(await auth('supplier')).send(content);
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body).to.include.keys('bidId', 'sha256', 'submittedAt', 'salt');
    expect(res.body.submittedAt).to.equal('2026-03-02T01:00:00.000Z');
    expect(res.body.salt).to.match(/^[0-9a-f]{64}$/);
    // The supplier recomputes the hash from what it sent (quantities as decimal strings, lists present) + salt + time.
    const normalised = { ...content, priceSchedule: content.priceSchedule.map((l) => ({ ...l, quantity: String(l.quantity) })) };
    const expected = receiptDigest({ tenderId, content: normalised, salt: res.body.salt, files: [], submittedAt: res.body.submittedAt });
    expect(res.body.sha256).to.equal(expected);
    // Another price, or another salt, gives another hash: the receipt binds the content.
    expect(receiptDigest({ tenderId, content: { ...normalised, totalPriceFen: normalised.totalPriceFen + 1 }, salt: res.body.salt, files: [], submittedAt: res.body.submittedAt })).to.not.equal(expected);
    expect(receiptDigest({ tenderId, content: normalised, salt: '0'.repeat(64), files: [], submittedAt: res.body.submittedAt })).to.not.equal(expected);
    bids.first = res.body;
  });

  it('refuses bids whose arithmetic is wrong, naming the paths and never the values', async () => {
    const bad = bidContent(487_653, 598_761);
    bad.priceSchedule[0].lineTotalFen += 1;
    const res = await api().post(`/api/tenders/${tenderId}/bids`).set(await auth('supplier')).send(bad);
    expect(res.status).to.equal(422);
    const paths = res.body.error.details.map((d: { path: string }) => d.path);
    expect(paths).to.include.members(['priceSchedule.0.lineTotalFen', 'totalPriceFen']);
    expect(JSON.stringify(res.body)).to.not.match(/48765|598761|487653/);
    const wrongItem = bidContent(100_000, 200_000);
    wrongItem.priceSchedule[1].itemCode = 'A02010199';
    const r2 = await api().post(`/api/tenders/${tenderId}/bids`).set(await auth('supplier')).send(wrongItem);
    expect(r2.status).to.equal(422);
    expect(r2.body.error.details.map((d: { path: string }) => d.path)).to.include('priceSchedule.1.itemCode');
    const consortium = bidContent(100_000, 200_000, { consortium: [{ name: '绵阳联合体成员有限公司', creditCode: '91510703MA6ZZZ0012', role: '成员', sharePercent: 40 }, { name: '绵阳牵头人有限公司', creditCode: '91510703MA6AT3L50X', role: '牵头人', sharePercent: 50 }] });
    const r3 = await api().post(`/api/tenders/${tenderId}/bids`).set(await auth('supplier')).send(consortium);
    expect(r3.status).to.equal(422);
    expect(r3.body.error.details.map((d: { path: string }) => d.path)).to.include.members(['consortium', 'consortium.0.creditCode']);
    expect(JSON.stringify(r3.body)).to.not.match(/MA6ZZZ|MA6AT3L50X/);
    const unregistered = await api().post(`/api/tenders/${tenderId}/bids`).set(await auth('supplier2')).send(bidContent(400_001, 500_001));
    expect(unregistered.status).to.equal(422);
    expect(unregistered.body.error.details[0].path).to.equal('bidder');
    const notSupplier = await api().post(`/api/tenders/${tenderId}/bids`).set(await auth('agency')).send(bidContent());
    expect(notSupplier.status).to.equal(403);
    expect((await api().post('/api/tenders/999999/bids').set(await auth('supplier')).send(bidContent())).status).to.equal(404);
  });

  it('replace supersedes the old bid; withdraw; each supplier sees only its own bids', async () => {
    const replaced = await api().post(`/api/tenders/${tenderId}/bids`).set(await auth('supplier')).send(bidContent(487_654, 598_762));
    expect(replaced.status).to.equal(201);
    expect(replaced.body.replaces).to.equal(bids.first.bidId);
    bids.supplier = replaced.body;
    const mine = await api().get(`/api/tenders/${tenderId}/bids`).set(await auth('supplier'));
    expect(mine.status).to.equal(200);
    expect(mine.body.bids.map((b: { status: string }) => b.status)).to.deep.equal(['replaced', 'submitted']);
    expect(mine.body.bids[0].replacedBy).to.equal(replaced.body.bidId);
    expect(mine.body.bids[0].receipt).to.deep.equal({ sha256: bids.first.sha256, submittedAt: bids.first.submittedAt, salt: bids.first.salt });

    const b2 = await api().post(`/api/tenders/${tenderId}/bids`).set(await auth('supplier2')).send({ ...bidContent(401_111, 502_222), bidder: s2.bidder });
    expect(b2.status, JSON.stringify(b2.body)).to.equal(201);
    bids.s2 = b2.body;
    // The register record the first bid created is found again on the next bid (registration is optional).
    const b2again = await api().post(`/api/tenders/${tenderId}/bids`).set(await auth('supplier2')).send({ ...bidContent(401_112, 502_223), bidder: s2.bidder });
    expect(b2again.status).to.equal(201);
    bids.s2 = b2again.body;

    const b3 = await api().post(`/api/tenders/${tenderId}/bids`).set(await auth('supplier3')).send({ ...bidContent(399_999, 511_111), bidder: s3.bidder });
    expect(b3.status).to.equal(201);
    const gone = await api().delete(`/api/tenders/${tenderId}/bids/${b3.body.bidId}`).set(await auth('supplier3'));
    expect(gone.status).to.equal(200);
    expect(gone.body.status).to.equal('withdrawn');
    const again = await api().delete(`/api/tenders/${tenderId}/bids/${b3.body.bidId}`).set(await auth('supplier3'));
    expect(again.status).to.equal(409);
    expect(again.body.error.code).to.equal('BID_NOT_ACTIVE');
    const notMine = await api().delete(`/api/tenders/${tenderId}/bids/${bids.supplier.bidId}`).set(await auth('supplier3'));
    expect(notMine.status).to.equal(404);
    const b3b = await api().post(`/api/tenders/${tenderId}/bids`).set(await auth('supplier3')).send({ ...bidContent(399_998, 511_112), bidder: s3.bidder });
    expect(b3b.status).to.equal(201);
    bids.s3 = b3b.body;

    const s2view = await api().get(`/api/tenders/${tenderId}/bids`).set(await auth('supplier2'));
    expect(s2view.body.bids.map((b: { bidId: number }) => b.bidId)).to.deep.equal([b2.body.bidId, b2again.body.bidId]);
    const s4view = await api().get(`/api/tenders/${tenderId}/bids`).set(await auth('supplier4'));
    expect(s4view.body.bids).to.deep.equal([]);
  });

  it('parallel submissions of one supplier leave exactly one live bid', async () => {
    const h2 = await auth('supplier2');
    const results = await Promise.all([401_113, 401_114, 401_115, 401_116].map((p) => api().post(`/api/tenders/${tenderId}/bids`).set(h2).send({ ...bidContent(p, 502_224), bidder: s2.bidder })));
    for (const r of results) expect([201, 409], JSON.stringify(r.body)).to.include(r.status);
    const ok = results.filter((r) => r.status === 201);
    expect(ok.length).to.be.greaterThan(0);
    const mine = await api().get(`/api/tenders/${tenderId}/bids`).set(h2);
    const live = mine.body.bids.filter((b: { status: string }) => b.status === 'submitted');
    expect(live).to.have.length(1);
    // Then the supplier sends its final bid (the one the later tests expect).
    const final = await api().post(`/api/tenders/${tenderId}/bids`).set(h2).send({ ...bidContent(401_112, 502_223), bidder: s2.bidder });
    expect(final.status).to.equal(201);
    expect(final.body.replaces).to.equal(live[0].bidId);
    bids.s2 = final.body;
  });

  it('bid files: PDF only, sealed at once, attachable only by their uploader', async () => {
    const up = await api().post(`/api/tenders/${tenderId}/bid-files?filename=${encodeURIComponent('技术响应文件.pdf')}`).set(await auth('supplier4')).set('Content-Type', 'application/pdf').send(PDF);
    expect(up.status, JSON.stringify(up.body)).to.equal(201);
    expect(up.body.size).to.equal(PDF.length);
    const notPdf = await api().post(`/api/tenders/${tenderId}/bid-files?filename=a.pdf`).set(await auth('supplier4')).set('Content-Type', 'application/pdf').send(Buffer.from('hello world'));
    expect(notPdf.status).to.equal(422);
    const wrongType = await api().post(`/api/tenders/${tenderId}/bid-files?filename=a.png`).set(await auth('supplier4')).set('Content-Type', 'image/png').send(PDF);
    expect(wrongType.status).to.equal(415);
    const stolen = await api().post(`/api/tenders/${tenderId}/bids`).set(await auth('supplier3')).send({ ...bidContent(399_997, 511_113, { fileIds: [up.body.fileId] }), bidder: s3.bidder });
    expect(stolen.status).to.equal(422);
    expect(stolen.body.error.details[0].path).to.equal('fileIds.0');
    const b4 = await api().post(`/api/tenders/${tenderId}/bids`).set(await auth('supplier4')).send({ ...bidContent(455_555, 566_666, { fileIds: [up.body.fileId] }), bidder: s4.bidder });
    expect(b4.status).to.equal(201);
    expect(b4.body.files).to.deep.equal([{ fileId: up.body.fileId, sha256: up.body.sha256 }]);
    bids.s4 = b4.body;
    bids.s4file = b4.body;
  });

  it('before the opening nobody else sees bids or their number, through any route', async () => {
    for (const u of ['agency', 'supervisor', 'auditor']) {
      const res = await api().get(`/api/tenders/${tenderId}/bids`).set(await auth(u));
      expect(res.status, u).to.equal(403);
      expect(res.body.error.code, u).to.equal('BIDS_SEALED');
    }
    for (const u of ['supplier4', 'agency', 'supervisor']) {
      const file = await api().get(`/api/tenders/${tenderId}/bid-files/${bids.s4.files[0].fileId}`).set(await auth(u));
      expect(file.status, u).to.equal(403);
      expect(file.body.error.code, u).to.equal('BIDS_SEALED');
    }
    const strangerFile = await api().get(`/api/tenders/${tenderId}/bid-files/${bids.s4.files[0].fileId}`).set(await auth('supplier2'));
    expect(strangerFile.status).to.equal(404);
    const purchaser = await api().get(`/api/tenders/${tenderId}/bids`).set(await auth('purchaser'));
    expect(purchaser.status).to.equal(403);
    for (const u of ['agency', 'supervisor', 'auditor', 'purchaser', 'supplier2', 'expert']) {
      const list = await api().get('/api/tenders').set(await auth(u));
      expect(list.status).to.equal(200);
      const t = list.body.tenders.find((x: { tenderId: number }) => x.tenderId === tenderId);
      expect(t.bidCount, u).to.equal(null);
      expect(t.biddingOpen).to.equal(true);
      const one = await api().get(`/api/tenders/${tenderId}`).set(await auth(u));
      expect(one.body.bidCount, u).to.equal(null);
      expect(one.body.openingRecord, u).to.equal(null);
      const text = JSON.stringify([list.body, one.body]);
      for (const secret of ['487654', '401112', '399998', '455555', '合同签订后37日内交货安装', '绵阳市科创电子科技有限公司二部']) expect(findSecret(text, secret), `${u} ${secret}`).to.equal(-1);
    }
    await h.tdb.db.withTransaction(async (tx) => {
      let err: unknown;
      try { await openedBidsOf(tx, tenderId); } catch (e) { err = e; }
      expect((err as { code?: string }).code).to.equal('BIDS_SEALED');
      const row = (await h.tdb.db.sequelize.query<{ ciphertext: Buffer; iv: Buffer; auth_tag: Buffer }>(`SELECT ciphertext, iv, auth_tag FROM bids WHERE id = ${bids.supplier.bidId}`, { type: 'SELECT' as never, transaction: tx })) as unknown as { ciphertext: Buffer; iv: Buffer; auth_tag: Buffer }[];
      let sealed: unknown;
      try {
        await unsealOpened(h.tdb.db.sequelize, tx, tenderId, aad.bid(tenderId, bids.supplier.bidId), { ciphertext: row[0].ciphertext, iv: row[0].iv, tag: row[0].auth_tag }, 'bid');
      } catch (e) { sealed = e; }
      expect(sealed).to.be.instanceOf(BidsSealedError);
    });
  });

  it('straight from the database: no price digits, item names or key material anywhere', async () => {
    const dump = await dumpDatabase(h.tdb.db);
    // The scan sees what is stored in clear (public notice data, receipt hashes): a missing secret is a real absence.
    expect(dump).to.contain('涪城区教育局2026年教学计算机采购项目');
    expect(dump).to.contain(bids.supplier.sha256);
    // The token match still finds a price written as a JSON number or in a sentence, only not inside a digest.
    expect(findSecret('{"unitPriceFen":487654,"x":1}', '487654')).to.equal(16);
    expect(findSecret('报价 487654 分', '487654')).to.equal(3);
    expect(findSecret('9f3a487654be', '487654')).to.equal(-1);
    for (const secret of ['48765400', '487654', '598762', '60740540', '401112', '502223', '399998', '455555', '合同签订后37日内交货安装', 'MARKER-TECH-7731', '技术响应文件']) {
      const at = findSecret(dump, secret);
      expect(at, `${secret} found: …${dump.slice(Math.max(0, at - 80), at + 80)}…`).to.equal(-1);
    }
    // Item names are public (tender notice), but never inside a bid's ciphertext.
    const rows = (await h.tdb.db.sequelize.query('SELECT ciphertext FROM bids', { type: 'SELECT' as never })) as unknown as { ciphertext: Buffer }[];
    expect(rows.length).to.be.greaterThan(4);
    for (const r of rows) {
      const c = Buffer.from(r.ciphertext);
      expect(c.includes(Buffer.from('台式计算机', 'utf8'))).to.equal(false);
      expect(c.includes(Buffer.from('priceSchedule'))).to.equal(false);
    }
    // The master key is nowhere; neither is the tender's data key (unwrapped here by the test, which knows the master key).
    for (const form of [MASTER_KEY.toString('hex'), MASTER_KEY.toString('base64'), MASTER_KEY.toString('latin1')]) expect(dump.includes(form)).to.equal(false);
    const t = (await h.tdb.db.sequelize.query(`SELECT data_key_wrapped FROM tenders WHERE id = ${tenderId}`, { type: 'SELECT' as never })) as unknown as { data_key_wrapped: Buffer }[];
    const w = Buffer.from(t[0].data_key_wrapped);
    const dataKey = unseal(MASTER_KEY, aad.dataKey(tenderId), { iv: w.subarray(0, 12), tag: w.subarray(12, 28), ciphertext: w.subarray(28) });
    expect(dataKey.length).to.equal(32);
    for (const form of [dataKey.toString('hex'), dataKey.toString('base64'), dataKey.toString('latin1')]) expect(dump.includes(form)).to.equal(false);
  });

  it('no log line contains bid content, on success or refusal', async () => {
    const ok = await api(loggedApp).post(`/api/tenders/${tenderId}/bids`).set(await auth('supplier4')).send({ ...bidContent(455_556, 566_667, { fileIds: [bids.s4.files[0].fileId] }), bidder: s4.bidder });
    expect(ok.status).to.equal(201);
    bids.s4 = ok.body;
    const bad = bidContent(455_557, 566_668);
    bad.totalPriceFen = 1;
    expect((await api(loggedApp).post(`/api/tenders/${tenderId}/bids`).set(await auth('supplier4')).send({ ...bad, bidder: s4.bidder })).status).to.equal(422);
    expect(logLines.length).to.be.greaterThan(1);
    const text = logLines.join('\n');
    for (const secret of ['455556', '566667', '455557', '566668', '合同签订后37日内交货安装', 'priceSchedule']) expect(text, secret).to.not.contain(secret);
  });

  it('amendments only by the tender\'s agency staff; opening refused before the deadline', async () => {
    const body = { title: '澄清：交货地点', changes: [{ item: '交货地点', original: '涪城区教育局', revised: '涪城区教育局及所属12所学校' }], substantive: false };
    const other = await api().post(`/api/tenders/${tenderId}/amendments`).set(await auth('agency2')).send(body);
    expect(other.status).to.equal(403);
    expect(other.body.error.code).to.equal('NOT_TENDER_AGENCY');
    expect((await api().post(`/api/tenders/${tenderId}/amendments`).set(await auth('supplier')).send(body)).status).to.equal(403);
    const ok = await api().post(`/api/tenders/${tenderId}/amendments`).set(await auth('agency')).send(body);
    expect(ok.status, JSON.stringify(ok.body)).to.equal(201);
    expect(ok.body.moved).to.equal(false);
    let err: unknown;
    try { await openBids(h.tdb.db, h.clock, job('open-bids', { tenderId })); } catch (e) { err = e; }
    expect(String(err)).to.contain('the bid deadline has not passed');
  });

  it('at the deadline: submit, replace, withdraw, upload and amend are refused with 409 BID_WINDOW_CLOSED', async () => {
    setClock('2026-03-25T01:30:00Z'); // 2026-03-25 09:30 Shanghai, the deadline itself
    const submit = await api().post(`/api/tenders/${tenderId}/bids`).set(await auth('supplier')).send(bidContent(1, 2));
    expect(submit.status).to.equal(409);
    expect(submit.body.error.code).to.equal('BID_WINDOW_CLOSED');
    const withdraw = await api().delete(`/api/tenders/${tenderId}/bids/${bids.supplier.bidId}`).set(await auth('supplier'));
    expect(withdraw.body.error.code).to.equal('BID_WINDOW_CLOSED');
    const upload = await api().post(`/api/tenders/${tenderId}/bid-files?filename=a.pdf`).set(await auth('supplier')).set('Content-Type', 'application/pdf').send(PDF);
    expect(upload.body.error.code).to.equal('BID_WINDOW_CLOSED');
    const amend = await api().post(`/api/tenders/${tenderId}/amendments`).set(await auth('agency')).send({ changes: [{ item: 'x', original: 'a', revised: 'b' }], substantive: true });
    expect(amend.body.error.code).to.equal('BID_WINDOW_CLOSED');
  });

  it('the opening decrypts the live bids once, checks them against their receipts, and then shows them to the agency', async () => {
    const j = job('open-bids', { tenderId });
    const out = await openBids(h.tdb.db, h.clock, j);
    expect(out.bidCount).to.equal(4);
    const bySupplier = Object.fromEntries(out.openedBids.map((b) => [b.supplierName, b.totalPriceFen]));
    expect(bySupplier['绵阳某某信息技术有限公司']).to.equal(487_654 * 100 + 598_762 * 20);
    expect(bySupplier[s2.bidder.name]).to.equal(401_112 * 100 + 502_223 * 20);
    expect(bySupplier[s4.bidder.name]).to.equal(455_556 * 100 + 566_667 * 20);
    expect(out.openedBids.map((b) => b.bidId).sort()).to.deep.equal([bids.supplier.bidId, bids.s2.bidId, bids.s3.bidId, bids.s4.bidId].sort());
    const record = out.bidOpeningRecordData as { bids: { sealIntact: boolean }[] };
    expect(record.bids.every((b) => b.sealIntact)).to.equal(true);
    expect(renderDocument('bid-opening-record', out.bidOpeningRecordData).html).to.contain('绵阳某某信息技术有限公司');
    const again = await openBids(h.tdb.db, h.clock, j);
    expect(again).to.deep.equal(out);

    const agency = await api().get(`/api/tenders/${tenderId}/bids`).set(await auth('agency'));
    expect(agency.status).to.equal(200);
    expect(agency.body.bids).to.have.length(4);
    const mineOpened = agency.body.bids.find((b: { bidId: number }) => b.bidId === bids.supplier.bidId);
    expect(mineOpened.content.deliveryPeriod).to.equal('合同签订后37日内交货安装');
    expect(mineOpened.receiptSha256).to.equal(bids.supplier.sha256);
    expect((await api().get(`/api/tenders/${tenderId}/bids`).set(await auth('agency2'))).body.error.code).to.equal('NOT_TENDER_AGENCY');
    expect((await api().get(`/api/tenders/${tenderId}/bids`).set(await auth('supervisor'))).status).to.equal(200);
    const bidderView = await api().get(`/api/tenders/${tenderId}`).set(await auth('supplier2'));
    expect(bidderView.body.bidCount).to.equal(4);
    expect(bidderView.body.openingRecord.bids).to.have.length(4);
    // The bid file of an opened bid: the agency downloads the very bytes uploaded.
    const fileId = bids.s4file.files[0].fileId;
    const file = await api().get(`/api/tenders/${tenderId}/bid-files/${fileId}`).set(await auth('agency')).buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(file.status).to.equal(200);
    expect(Buffer.compare(file.body as Buffer, PDF)).to.equal(0);
    expect(file.headers['content-disposition']).to.contain(encodeURIComponent('技术响应文件.pdf'));
    const outsider = await api().get(`/api/tenders/${tenderId}`).set(await auth('expert'));
    expect(outsider.body.bidCount).to.equal(4);
    expect(outsider.body.openingRecord).to.equal(null);
  });

  it('challenges: only a supplier whose bid was opened, after the award, before the challenge deadline', async () => {
    const letter = { items: [{ item: '中标人中小企业声明', request: '请求复核中标人中小企业声明函', facts: '中标人所投产品由大型企业制造', law: '财库〔2020〕46号第四条' }] };
    const early = await api().post(`/api/tenders/${tenderId}/challenges`).set(await auth('supplier2')).send(letter);
    expect(early.status).to.equal(409);
    expect(early.body.error.code).to.equal('NOT_AWARDED');
    setClock('2026-04-01T02:00:00Z');
    await h.tdb.db.withTransaction((tx) => markTenderAwarded(tx, tenderId, bids.supplier.bidId, h.clock.now(), '2026-04-13T16:00:00.000Z'));
    const outsider = await addSupplier(h.tdb.db, 'supplier5', '未投标的供应商有限公司', '91510703MA6TXT005', DEMO_PASSWORD);
    void outsider;
    const notBidder = await api().post(`/api/tenders/${tenderId}/challenges`).set(await auth('supplier5')).send(letter);
    expect(notBidder.status).to.equal(403);
    expect(notBidder.body.error.code).to.equal('NOT_A_BIDDER');
    const filed = await api().post(`/api/tenders/${tenderId}/challenges`).set(await auth('supplier2')).send(letter);
    expect(filed.status, JSON.stringify(filed.body)).to.equal(201);
    // T14: 7 working days from 2026-04-01 (Wed); 04-04..06 清明 → 04-02,03,07,08,09,10,13 → end of 04-13.
    expect(filed.body.challengeReplyDueAt).to.equal('2026-04-13T16:00:00.000Z');
    expect(filed.body.replyDeadline.ruleId).to.equal('T14');
    // The process is told (no instance waits in this test, so the message is buffered with its variables).
    const msgs = (await h.tdb.db.sequelize.query("SELECT correlation_key, variables FROM engine_messages WHERE name = 'challenge-filed'", { type: 'SELECT' as never })) as unknown as { correlation_key: string; variables: string }[];
    expect(msgs).to.have.length(1);
    expect(msgs[0].correlation_key).to.equal(String(tenderId));
    expect(JSON.parse(msgs[0].variables)).to.deep.equal({ challengeId: filed.body.challengeId, challengeReplyDueAt: '2026-04-13T16:00:00.000Z' });
    const own = await api().get(`/api/tenders/${tenderId}/challenges`).set(await auth('supplier3'));
    expect(own.body.challenges).to.deep.equal([]);
    const agency = await api().get(`/api/tenders/${tenderId}/challenges`).set(await auth('agency'));
    expect(agency.body.challenges).to.have.length(1);
    expect((await api().get(`/api/tenders/${tenderId}/challenges`).set(await auth('agency2'))).status).to.equal(403);
    setClock('2026-04-13T16:00:00Z');
    const late = await api().post(`/api/tenders/${tenderId}/challenges`).set(await auth('supplier3')).send(letter);
    expect(late.status).to.equal(409);
    expect(late.body.error.code).to.equal('CHALLENGE_WINDOW_CLOSED');
  });
});
