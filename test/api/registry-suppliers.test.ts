/**
 * Supplier register: validation (credit codes, duplicates, expired qualifications), own-record rules for suppliers,
 * bank details hidden from other suppliers, version history, ensureSupplierForBid, CSV import atomicity and export.
 */
import { expect } from 'chai';
import request from 'supertest';
import { defineAuthModels } from '../../server/auth/models.ts';
import { hashPassword } from '../../server/auth/password.ts';
import { creditCodeCheckChar } from '../../server/registry/credit-code.ts';
import { ensureSupplierForBid } from '../../server/registry/index.ts';
import { DEMO_SUPPLIER_CODE } from '../../server/seed/registers.ts';
import { startHarness, type Harness } from './harness.ts';

const code = (first17: string) => first17 + creditCodeCheckChar(first17);
const NEW_CODE = code('91510703MA6XT0001');

function supplierBody(over: Record<string, unknown> = {}) {
  return {
    creditCode: NEW_CODE, name: '绵阳市测试办公设备有限公司', legalRep: '测试人', contactName: '联系人', contactPhone: '0816-1234567',
    address: '绵阳市涪城区测试路 1 号', scale: 'small', qualifications: [{ name: '营业执照', certNo: 'YYZZ-1', expiresOn: '2030-12-31' }],
    bankName: '中国银行绵阳分行', bankAccount: '6217 0000 1234 5678', ...over,
  };
}

describe('supplier register API', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.close();
  });
  const auth = async (u: string) => ({ Authorization: `Bearer ${await h.token(u)}` });
  const list = async (u: string, q = '') => request(h.app).get(`/api/suppliers${q}`).set(await auth(u));

  it('refuses bad credit codes naming the rule that failed', async () => {
    const cases: [string, string][] = [
      ['91510703MA6XT000', '18 位'],
      ['91510703MA6XT0O01' + 'X', '不是允许的字符'],
      ['91AB0703MA6XT00010', '行政区划码'],
      [NEW_CODE.slice(0, 17) + (NEW_CODE[17] === '0' ? '1' : '0'), '校验码错误'],
    ];
    for (const [bad, reason] of cases) {
      const res = await request(h.app).post('/api/suppliers').set(await auth('finance_section')).send(supplierBody({ creditCode: bad }));
      expect(res.status, bad).to.equal(422);
      expect(res.body.error.details[0].path).to.equal('creditCode');
      expect(res.body.error.details[0].reason).to.contain(reason);
    }
    expect((await list('finance_section')).body.total).to.equal(10);
  });

  it('refuses an expired qualification and a duplicate credit code; normalises input', async () => {
    const expired = await request(h.app).post('/api/suppliers').set(await auth('finance_section'))
      .send(supplierBody({ qualifications: [{ name: '安全生产许可证', certNo: 'AQ-1', expiresOn: '2026-03-01' }] }));
    expect(expired.status).to.equal(422);
    expect(expired.body.error.details[0]).to.include({ path: 'qualifications.0.expiresOn' });
    expect(expired.body.error.details[0].reason).to.contain('已于 2026-03-01 过期');

    const ok = await request(h.app).post('/api/suppliers').set(await auth('finance_section')).send(supplierBody({ creditCode: NEW_CODE.toLowerCase() }));
    expect(ok.status).to.equal(201);
    expect(ok.body).to.include({ creditCode: NEW_CODE, bankAccount: '6217000012345678', version: 1, source: 'register' });
    expect(ok.body.qualifications[0]).to.include({ expired: false });

    const dup = await request(h.app).post('/api/suppliers').set(await auth('supervisor')).send(supplierBody({ name: '另一家' }));
    expect(dup.status).to.equal(409);
    expect(dup.body.error.code).to.equal('DUPLICATE');

    // A qualification that expires later is shown as expired once the day has passed.
    h.clock.set('2031-01-02T01:00:00Z');
    const later = await request(h.app).get(`/api/suppliers/${ok.body.id}`).set(await auth('purchaser'));
    expect(later.body.hasExpiredQualifications).to.equal(true);
    h.clock.set('2026-03-02T01:00:00Z');
  });

  it('a supplier sees and edits only its own record, cannot change its status, and never sees other bank details', async () => {
    const own = await list('supplier');
    expect(own.body.total).to.equal(1);
    const mine = own.body.items[0];
    expect(mine).to.include({ creditCode: DEMO_SUPPLIER_CODE, bankVisible: true });
    expect(mine.bankAccount).to.be.a('string');

    const other = (await list('purchaser', '?q=天府')).body.items[0];
    expect(other.bankVisible).to.equal(true);
    const denied = await request(h.app).get(`/api/suppliers/${other.id}`).set(await auth('supplier'));
    expect(denied.status).to.equal(403);
    expect(JSON.stringify(denied.body)).to.not.contain(other.bankAccount);
    expect((await request(h.app).get(`/api/suppliers/${other.id}/versions`).set(await auth('supplier'))).status).to.equal(403);
    expect((await request(h.app).patch(`/api/suppliers/${other.id}`).set(await auth('supplier')).send({ version: other.version, contactName: '冒名' })).status).to.equal(403);

    const edit = await request(h.app).patch(`/api/suppliers/${mine.id}`).set(await auth('supplier')).send({ version: mine.version, contactPhone: '0816-7654321' });
    expect(edit.status).to.equal(200);
    expect(edit.body).to.include({ contactPhone: '0816-7654321', version: mine.version + 1, updatedBy: 'supplier' });
    // Fields the update did not name keep their values (no create-time defaults applied on update).
    expect(edit.body.qualifications).to.deep.equal(mine.qualifications);
    expect(edit.body).to.include({ status: mine.status, scale: mine.scale, bankAccount: mine.bankAccount });
    const status = await request(h.app).patch(`/api/suppliers/${mine.id}`).set(await auth('supplier')).send({ version: edit.body.version, status: 'suspended' });
    expect(status.status).to.equal(403);
    const stale = await request(h.app).patch(`/api/suppliers/${mine.id}`).set(await auth('supplier')).send({ version: mine.version, contactName: '旧版本' });
    expect(stale.status).to.equal(409);
    expect(stale.body.error.code).to.equal('STALE_VERSION');

    const versions = await request(h.app).get(`/api/suppliers/${mine.id}/versions`).set(await auth('supplier'));
    expect(versions.status).to.equal(200);
    expect(versions.body.versions.map((v: { version: number }) => v.version)).to.deep.equal([2, 1]);
    expect(versions.body.versions[0].data.contactPhone).to.equal('0816-7654321');
    expect(versions.body.versions[1].data.contactPhone).to.equal('0816-2345678');

    // Experts have no business in the supplier register.
    expect((await list('expert')).status).to.equal(403);
  });

  it('a supplier without a record registers itself (linked to its organisation, active), once', async () => {
    const { Organisation, User } = defineAuthModels(h.tdb.db.sequelize);
    const org = await Organisation.create({ name: '绵阳市新注册科技有限公司', kind: 'supplier', creditCode: null });
    await User.create({ username: 'newsupplier', displayName: '新供应商', passwordHash: await hashPassword('demo1234'), roles: 'supplier', organisationId: org.id });
    const self = await request(h.app).post('/api/suppliers').set(await auth('newsupplier'))
      .send(supplierBody({ creditCode: code('91510703MA6XT0005'), name: '绵阳市新注册科技有限公司', status: 'suspended', organisationId: 1 }));
    expect(self.status).to.equal(201);
    expect(self.body).to.include({ organisationId: org.id, status: 'active', bankVisible: true });
    expect((await list('newsupplier')).body.items.map((s: { id: number }) => s.id)).to.deep.equal([self.body.id]);
    const again = await request(h.app).post('/api/suppliers').set(await auth('newsupplier')).send(supplierBody({ creditCode: code('91510703MA6XT0002') }));
    expect(again.status).to.equal(409);
    expect(again.body.error.message).to.contain('该单位已有供应商记录');
  });

  it('ensureSupplierForBid creates a record for an unregistered bidder and reuses an existing one', async () => {
    const bidder = code('91510703MA6XT0003');
    const contact = { legalRep: '钱法人', contactName: '钱经理', contactPhone: '13800000000', address: '绵阳市游仙区测试路 9 号' };
    const first = await h.tdb.db.withTransaction((tx) => ensureSupplierForBid(tx, { creditCode: bidder, ...contact, name: '未登记投标人有限公司', scale: 'micro', by: 'bid-worker', at: h.clock.now() }));
    expect(first.created).to.equal(true);
    const second = await h.tdb.db.withTransaction((tx) => ensureSupplierForBid(tx, { creditCode: bidder.toLowerCase(), ...contact, name: '改名', scale: 'micro', by: 'bid-worker', at: h.clock.now() }));
    expect(second).to.deep.equal({ supplierId: first.supplierId, created: false, status: 'active' });
    const rec = await request(h.app).get(`/api/suppliers/${first.supplierId}`).set(await auth('agency'));
    expect(rec.body).to.include({ name: '未登记投标人有限公司', source: 'bid', scale: 'micro' });
    let err: unknown;
    await h.tdb.db.withTransaction((tx) => ensureSupplierForBid(tx, { creditCode: '123', ...contact, name: 'x', scale: 'small', by: 'w', at: h.clock.now() })).catch((e) => (err = e));
    expect((err as { status: number }).status).to.equal(422);
    err = undefined;
    await h.tdb.db.withTransaction((tx) => ensureSupplierForBid(tx, { creditCode: code('91510703MA6XT0004'), ...contact, legalRep: ' ', name: 'x', scale: 'small', by: 'w', at: h.clock.now() })).catch((e) => (err = e));
    expect((err as { details: { path: string }[] }).details).to.deep.equal([{ path: 'legalRep', reason: '必填 (required)' }]);
  });

  it('imports CSV atomically: one bad row imports nothing and every bad row is named with its column', async () => {
    const before = (await list('supervisor')).body.total;
    const header = '统一社会信用代码,供应商名称,法定代表人,联系人,联系电话,地址,企业规模,资质证书,开户银行,银行账号';
    const good1 = `${code('91510703MA6XT0101')},导入一号有限公司,甲,乙,0816-1111111,涪城区一路,小型,营业执照|A1|2030-01-01,工行,6222000011112222`;
    const good2 = `${code('91510703MA6XT0102')},导入二号有限公司,丙,丁,0816-2222222,涪城区二路,micro,,,`;
    const badCode = `91510703MA6XT01030,导入三号有限公司,戊,己,0816-3333333,涪城区三路,small,,,`;
    const badScale = `${code('91510703MA6XT0104')},导入四号有限公司,庚,辛,0816-4444444,涪城区四路,巨型,,,`;
    const csv = [header, good1, good2, badCode, badScale].join('\r\n');
    const res = await request(h.app).post('/api/suppliers/import').set(await auth('supervisor')).set('Content-Type', 'text/csv').send(csv);
    expect(res.status).to.equal(422);
    const paths = res.body.error.details.map((d: { path: string }) => d.path);
    expect(paths).to.include('rows.4.creditCode');
    expect(paths).to.include('rows.5.scale');
    expect(res.body.error.details.find((d: { path: string }) => d.path === 'rows.4.creditCode').reason).to.match(/^第 4 行「统一社会信用代码」：校验码错误/);
    expect((await list('supervisor')).body.total).to.equal(before);

    // A duplicate within the file is named too, and a database conflict (credit code in use) rolls back as well.
    const dupInFile = [header, good1, good1].join('\n');
    const dup = await request(h.app).post('/api/suppliers/import').set(await auth('supervisor')).set('Content-Type', 'text/csv').send(dupInFile);
    expect(dup.status).to.equal(422);
    expect(dup.body.error.details[0].reason).to.contain('与第 2 行重复');
    expect((await list('supervisor')).body.total).to.equal(before);

    // The good rows alone, with a BOM, import in one go; importing them again changes nothing.
    const okCsv = '\uFEFF' + [header, good1, good2].join('\n');
    const ok = await request(h.app).post('/api/suppliers/import').set(await auth('supervisor')).set('Content-Type', 'text/csv; charset=utf-8').send(okCsv);
    expect(ok.status).to.equal(200);
    expect(ok.body).to.deep.equal({ created: 2, updated: 0, unchanged: 0, rows: 2 });
    const again = await request(h.app).post('/api/suppliers/import').set(await auth('supervisor')).set('Content-Type', 'text/csv').send(okCsv);
    expect(again.body).to.deep.equal({ created: 0, updated: 0, unchanged: 2, rows: 2 });
    const found = (await list('supervisor', '?q=导入一号')).body.items[0];
    expect(found).to.include({ scale: 'small', bankAccount: '6222000011112222' });
    expect(found.qualifications).to.deep.equal([{ name: '营业执照', certNo: 'A1', expiresOn: '2030-01-01', expired: false }]);
  });

  it('import refuses a wrong content type, a bad header, and callers who may not import', async () => {
    const asJson = await request(h.app).post('/api/suppliers/import').set(await auth('supervisor')).send({ rows: [] });
    expect(asJson.status).to.equal(415);
    expect(asJson.body.error.message).to.contain('text/csv');
    const header = await request(h.app).post('/api/suppliers/import').set(await auth('supervisor')).set('Content-Type', 'text/csv').send('名称,电话\n甲,1');
    expect(header.status).to.equal(422);
    expect(header.body.error.details.map((d: { path: string }) => d.path)).to.include.members(['header.1', 'header.creditCode']);
    const denied = await request(h.app).post('/api/suppliers/import').set(await auth('purchaser')).set('Content-Type', 'text/csv').send('统一社会信用代码\nX');
    expect(denied.status).to.equal(403);
    // Everything else stays JSON-only.
    const csvToJson = await request(h.app).post('/api/suppliers').set(await auth('supervisor')).set('Content-Type', 'text/csv').send('a,b');
    expect(csvToJson.status).to.equal(415);
    const big = await request(h.app).post('/api/suppliers/import').set(await auth('supervisor')).set('Content-Type', 'text/csv').send('x'.repeat(2 * 1024 * 1024 + 10));
    expect(big.status).to.equal(413);
  });

  it('exports CSV with a BOM and a header that imports back; a spreadsheet formula is neutralised', async () => {
    const formula = await request(h.app).post('/api/suppliers').set(await auth('finance_section'))
      .send(supplierBody({ creditCode: code('91510703MA6XT0201'), name: '=HYPERLINK("http://x")公司', bankAccount: null, qualifications: [] }));
    expect(formula.status).to.equal(201);
    const res = await request(h.app).get('/api/suppliers/export').set(await auth('auditor'));
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.contain('text/csv');
    expect(res.headers['content-disposition']).to.contain('suppliers-2026-03-02.csv');
    expect(res.text.charCodeAt(0)).to.equal(0xfeff);
    expect(res.text.split('\r\n')[0]).to.contain('统一社会信用代码,供应商名称');
    expect(res.text).to.contain(`'=HYPERLINK`);
    const back = await request(h.app).post('/api/suppliers/import').set(await auth('supervisor')).set('Content-Type', 'text/csv').send(res.text);
    expect(back.status).to.equal(200);
    expect(back.body.created).to.equal(0);
    expect(back.body.updated).to.equal(0);
    expect((await request(h.app).get('/api/suppliers/export').set(await auth('supplier'))).status).to.equal(403);
  });
});
