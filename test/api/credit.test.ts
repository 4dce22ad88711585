/**
 * Credit records and checks: validation, overlapping periods, records in force on a date, the stored check on a
 * date inside and outside a record's period, red-list effects off by default, evidence files and who sees them.
 */
import { expect } from 'chai';
import request from 'supertest';
import { checkCredit } from '../../server/credit/index.ts';
import { creditCodeCheckChar } from '../../server/registry/credit-code.ts';
import { DEMO_BLACKLISTED_CODE, DEMO_SUPPLIER_CODE } from '../../server/seed/registers.ts';
import { startHarness, type Harness } from './harness.ts';

const code = (first17: string) => first17 + creditCodeCheckChar(first17);
const SUBJECT = code('91510703MA6CR0001');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

function record(over: Record<string, unknown> = {}) {
  return {
    subjectKind: 'supplier', subjectCode: SUBJECT, subjectName: '绵阳市测试失信有限公司', kind: 'black', listName: '政府采购严重违法失信行为记录名单',
    sourceUnit: 'czj', decisionNo: '涪财采处〔2026〕1号', reason: '提供虚假材料谋取中标', legalBasis: '《政府采购法》第七十七条',
    validFrom: '2026-03-10', validTo: '2026-12-31', ...over,
  };
}

describe('credit records and checks API', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.close();
  });
  const auth = async (u: string) => ({ Authorization: `Bearer ${await h.token(u)}` });
  const post = async (u: string, body: object) => request(h.app).post('/api/credit-records').set(await auth(u)).send(body);

  it('validates a record: subject code by kind, source unit from the configured list, dates', async () => {
    const bad = await post('finance_section', record({ subjectCode: '91510703MA6CR00010', sourceUnit: '不存在局', validFrom: '2026-13-01' }));
    expect(bad.status).to.equal(422);
    const paths = bad.body.error.details.map((d: { path: string }) => d.path);
    expect(paths).to.include.members(['sourceUnit', 'validFrom']);
    const reversed = await post('finance_section', record({ validFrom: '2026-05-01', validTo: '2026-04-01' }));
    expect(reversed.status).to.equal(422);
    expect(reversed.body.error.details[0].path).to.equal('validTo');
    const badCode = await post('finance_section', record({ subjectCode: SUBJECT.slice(0, 17) + (SUBJECT[17] === '1' ? '2' : '1') }));
    expect(badCode.status).to.equal(422);
    expect(badCode.body.error.details[0]).to.include({ path: 'subjectCode' });
    const noExpert = await post('supervisor', record({ subjectKind: 'expert', subjectCode: 'FCZJ-9999' }));
    expect(noExpert.status).to.equal(422);
    const units = await request(h.app).get('/api/credit-source-units').set(await auth('purchaser'));
    expect(units.body.units.map((u: { short: string }) => u.short)).to.include.members(['发改局', '财政局', '住建局', '税务局', '市场监管局', '人民银行']);
  });

  it('refuses overlapping periods of the same kind from the same source, allows other sources and kinds', async () => {
    const first = await post('finance_section', record());
    expect(first.status).to.equal(201);
    const overlap = await post('supervisor', record({ validFrom: '2026-12-31', validTo: '2027-06-30' }));
    expect(overlap.status).to.equal(409);
    expect(overlap.body.error.code).to.equal('CREDIT_PERIOD_OVERLAP');
    expect(overlap.body.error.message).to.contain(`记录 ${first.body.id}`);
    const openEnded = await post('supervisor', record({ validFrom: '2025-01-01', validTo: null }));
    expect(openEnded.status).to.equal(409);
    expect((await post('supervisor', record({ validFrom: '2027-01-01', validTo: '2027-06-30' }))).status).to.equal(201);
    expect((await post('supervisor', record({ sourceUnit: 'fy', listName: '失信被执行人' }))).status).to.equal(201);
    expect((await post('supervisor', record({ kind: 'other' }))).status).to.equal(201);
    // Extending a record into the next one is refused too; shortening is fine.
    const extend = await request(h.app).patch(`/api/credit-records/${first.body.id}`).set(await auth('finance_section')).send({ version: 1, validTo: '2027-02-01' });
    expect(extend.status).to.equal(409);
    const shorten = await request(h.app).patch(`/api/credit-records/${first.body.id}`).set(await auth('finance_section')).send({ version: 1, validTo: '2026-11-30' });
    expect(shorten.status).to.equal(200);
    expect(shorten.body).to.include({ validTo: '2026-11-30', version: 2 });
  });

  it('lists the records in force on a date', async () => {
    const inside = await request(h.app).get(`/api/credit/${SUBJECT}?date=2026-06-01`).set(await auth('agency'));
    expect(inside.status).to.equal(200);
    expect(inside.body.blacklisted).to.equal(true);
    expect(inside.body.records.map((r: { sourceUnit: string; kind: string }) => `${r.kind}/${r.sourceUnit}`).sort()).to.deep.equal(['black/czj', 'black/fy', 'other/czj']);
    const gap = await request(h.app).get(`/api/credit/${SUBJECT.toLowerCase()}?date=2026-12-15`).set(await auth('agency'));
    expect(gap.body.records.map((r: { sourceUnit: string; kind: string }) => `${r.kind}/${r.sourceUnit}`).sort()).to.deep.equal(['black/fy', 'other/czj']);
    const bad = await request(h.app).get('/api/credit/123?date=2026-06-01').set(await auth('agency'));
    expect(bad.status).to.equal(422);
  });

  it('a credit check fails on a date inside a black-list period, passes outside it, and is stored as evidence', async () => {
    const subject = code('91510703MA6CR0002');
    expect((await post('finance_section', record({ subjectCode: subject, validFrom: '2026-04-01', validTo: '2026-04-30' }))).status).to.equal(201);
    const run = async (date: string) => request(h.app).post('/api/credit-checks').set(await auth('agency')).send({ creditCode: subject, date, purpose: '资格审查', projectRef: 'FCZC-2026-0009' });
    const before = await run('2026-03-31');
    const first = await run('2026-04-01');
    const last = await run('2026-04-30');
    const after = await run('2026-05-01');
    expect([before, first, last, after].map((r) => r.body.result)).to.deep.equal(['pass', 'fail', 'fail', 'pass']);
    expect(first.status).to.equal(201);
    expect(first.body.decidingRecords).to.have.length(1);
    expect(first.body.decidingRecords[0]).to.include({ kind: 'black', sourceUnitName: '涪城区财政局', validFrom: '2026-04-01' });
    expect(first.body).to.include({ checkedBy: 'agency', checkedAt: '2026-03-02T01:00:00.000Z', policyVersion: '2016-125' });
    expect(first.body.digest).to.match(/^[0-9a-f]{64}$/);

    // The stored check keeps the record as it was, even after the record changes.
    const rec = (await request(h.app).get(`/api/credit-records?subjectCode=${subject}`).set(await auth('supervisor'))).body.items[0];
    await request(h.app).patch(`/api/credit-records/${rec.id}`).set(await auth('supervisor')).send({ version: rec.version, reason: '改过的事由' });
    const stored = await request(h.app).get(`/api/credit-checks/${first.body.checkId}`).set(await auth('auditor'));
    expect(stored.status).to.equal(200);
    expect(stored.body.decidingRecords[0].reason).to.equal('提供虚假材料谋取中标');
    expect(stored.body.digest).to.equal(first.body.digest);
    const listed = await request(h.app).get('/api/credit-checks?projectRef=FCZC-2026-0009').set(await auth('purchaser'));
    expect(listed.body.total).to.equal(4);
    expect((await request(h.app).post('/api/credit-checks').set(await auth('supplier')).send({ creditCode: subject, purpose: '资格审查' })).status).to.equal(403);
    expect((await request(h.app).get('/api/credit-checks').set(await auth('supplier'))).status).to.equal(403);
    const noPurpose = await request(h.app).post('/api/credit-checks').set(await auth('agency')).send({ creditCode: subject, purpose: '' });
    expect(noPurpose.status).to.equal(422);
  });

  it('the demo black-listed supplier fails today; red-list effects are off by default and follow the policy when on', async () => {
    const black = await request(h.app).post('/api/credit-checks').set(await auth('purchaser')).send({ creditCode: DEMO_BLACKLISTED_CODE, purpose: '中标公告前' });
    expect(black.body).to.include({ result: 'fail', date: '2026-03-02' });
    // The demo supplier is on the tax bureau's red list from 2026-04-20.
    const red = await h.tdb.db.withTransaction((tx) => checkCredit(tx, { creditCode: DEMO_SUPPLIER_CODE, date: '2026-05-01', purpose: '资格审查', checkedBy: 'test', at: h.clock.now() }));
    expect(red.result).to.equal('pass');
    expect(red.redListEffects).to.deep.equal([]);
    expect(red.otherRecords.map((r) => r.kind)).to.deep.equal(['red']);
    const policies = [{ id: 'local-2026', effectiveFrom: '2026-01-01', basis: '本地政策（测试）', failKinds: ['black' as const], redListEffects: ['deposit_waiver'] }];
    const on = await h.tdb.db.withTransaction((tx) => checkCredit(tx, { creditCode: DEMO_SUPPLIER_CODE, date: '2026-05-01', purpose: '资格审查', checkedBy: 'test', at: h.clock.now(), policies }));
    expect(on).to.include({ result: 'pass', policyVersion: 'local-2026' });
    expect(on.redListEffects).to.deep.equal(['deposit_waiver']);
    const outside = await h.tdb.db.withTransaction((tx) => checkCredit(tx, { creditCode: DEMO_SUPPLIER_CODE, date: '2026-04-19', purpose: '资格审查', checkedBy: 'test', at: h.clock.now(), policies }));
    expect(outside.redListEffects).to.deep.equal([]);
  });

  it('stores evidence files with their sha256; a supplier sees only records and evidence about itself', async () => {
    const rec = (await request(h.app).get(`/api/credit-records?subjectCode=${DEMO_BLACKLISTED_CODE}`).set(await auth('supervisor'))).body.items[0];
    const up = await request(h.app).put(`/api/credit-records/${rec.id}/evidence?filename=${encodeURIComponent('处罚决定书.pdf')}`)
      .set(await auth('supervisor')).set('Content-Type', 'application/pdf').send(PDF);
    expect(up.status).to.equal(200);
    expect(up.body).to.include({ filename: '处罚决定书.pdf', mime: 'application/pdf', size: PDF.length });
    expect(up.body.sha256).to.match(/^[0-9a-f]{64}$/);
    const fake = await request(h.app).put(`/api/credit-records/${rec.id}/evidence?filename=x.png`).set(await auth('supervisor')).set('Content-Type', 'image/png').send(PDF);
    expect(fake.status).to.equal(422);
    const wrongType = await request(h.app).put(`/api/credit-records/${rec.id}/evidence?filename=x.txt`).set(await auth('supervisor')).set('Content-Type', 'text/plain').send('hello');
    expect(wrongType.status).to.equal(415);
    expect((await request(h.app).put(`/api/credit-records/${rec.id}/evidence?filename=x.pdf`).set(await auth('agency')).set('Content-Type', 'application/pdf').send(PDF)).status).to.equal(403);

    const dl = await request(h.app).get(`/api/credit-records/${rec.id}/evidence`).set(await auth('auditor')).buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(dl.status).to.equal(200);
    expect(Buffer.compare(dl.body as Buffer, PDF)).to.equal(0);
    expect(dl.headers['x-content-sha256']).to.equal(up.body.sha256);
    const withMeta = await request(h.app).get(`/api/credit-records/${rec.id}`).set(await auth('purchaser'));
    expect(withMeta.body.evidence).to.include({ sha256: up.body.sha256 });

    // The demo supplier: its own red-list record and evidence yes, another supplier's no.
    const own = await request(h.app).get('/api/credit-records').set(await auth('supplier'));
    expect(own.status).to.equal(200);
    expect(own.body.items.map((r: { subjectCode: string }) => r.subjectCode)).to.deep.equal([DEMO_SUPPLIER_CODE]);
    expect((await request(h.app).get(`/api/credit-records/${rec.id}`).set(await auth('supplier'))).status).to.equal(403);
    expect((await request(h.app).get(`/api/credit-records/${rec.id}/evidence`).set(await auth('supplier'))).status).to.equal(403);
    expect((await request(h.app).get(`/api/credit/${DEMO_BLACKLISTED_CODE}`).set(await auth('supplier'))).status).to.equal(403);
    expect((await request(h.app).get(`/api/credit/${DEMO_SUPPLIER_CODE}?date=2026-05-01`).set(await auth('supplier'))).body.records).to.have.length(1);
    expect((await request(h.app).get('/api/credit-records').set(await auth('expert'))).status).to.equal(403);
    expect((await post('agency', record({ subjectCode: code('91510703MA6CR0003') }))).status).to.equal(403);
  });

  it('imports credit records atomically, refusing overlaps inside the file and with existing records', async () => {
    const s = code('91510703MA6CR0004');
    const header = '主体类型,主体代码,主体名称,记录类别,来源单位,事由,依据,有效期起,有效期止';
    const ok1 = `supplier,${s},导入失信公司,黑名单,swj,重大税收违法,《重大税收违法失信主体信息公布管理办法》,2026-01-01,2026-06-30`;
    const ok2 = `supplier,${s},导入失信公司,black,swj,重大税收违法（续）,同上,2026-07-01,`;
    const clash = `supplier,${s},导入失信公司,black,swj,重复期间,同上,2026-06-01,2026-06-15`;
    const res = await request(h.app).post('/api/credit-records/import').set(await auth('finance_section')).set('Content-Type', 'text/csv').send([header, ok1, ok2, clash].join('\n'));
    expect(res.status).to.equal(422);
    expect(res.body.error.details).to.have.length(1);
    expect(res.body.error.details[0].path).to.equal('rows.4.validFrom');
    expect((await request(h.app).get(`/api/credit-records?subjectCode=${s}`).set(await auth('finance_section'))).body.total).to.equal(0);
    const good = await request(h.app).post('/api/credit-records/import').set(await auth('finance_section')).set('Content-Type', 'text/csv').send([header, ok1, ok2].join('\n'));
    expect(good.body).to.include({ created: 2, rows: 2 });
    const exp = await request(h.app).get(`/api/credit-records/export?q=${s}`).set(await auth('auditor'));
    expect(exp.text.trim().split('\r\n')).to.have.length(3);
  });
});
