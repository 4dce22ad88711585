/**
 * QA (issue 3): an import that updates existing records changes only what the file says. A file with just the
 * required columns (e.g. a list of new phone numbers) must not reset a suspended supplier to active, erase its bank
 * account and qualifications, re-list a withdrawn catalogue item, or drop an agency's staff — the create-time
 * defaults of missing columns are not changes.
 */
import { expect } from 'chai';
import request from 'supertest';
import { creditCodeCheckChar } from '../../server/registry/credit-code.ts';
import { DEMO_AGENCY_CODE } from '../../server/seed/registers.ts';
import { startHarness, type Harness } from '../api/harness.ts';

const code = (f: string) => f + creditCodeCheckChar(f);

describe('QA registers: import updates only the columns in the file', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.close();
  });
  const auth = async (u: string) => ({ Authorization: `Bearer ${await h.token(u)}` });
  const csv = async (path: string, body: string) =>
    request(h.app).post(`${path}/import`).set(await auth('finance_section')).set('Content-Type', 'text/csv').send(body);

  it('supplier: a contact-only file keeps status, bank account and qualifications', async () => {
    const a = await auth('finance_section');
    const cc = code('91510703MA6UP0001');
    const made = await request(h.app).post('/api/suppliers').set(a).send({
      creditCode: cc, name: '绵阳导入更新有限公司', legalRep: '张三', contactName: '李四', contactPhone: '0816-1234567', address: '绵阳市涪城区',
      scale: 'small', bankName: '中国银行绵阳分行', bankAccount: '6217000012345678', qualifications: [{ name: '营业执照', certNo: 'YZ-1', expiresOn: '2030-01-01' }],
    });
    expect(made.status).to.equal(201);
    expect((await request(h.app).patch(`/api/suppliers/${made.body.id}`).set(a).send({ version: 1, status: 'suspended' })).status).to.equal(200);
    const res = await csv('/api/suppliers', `统一社会信用代码,供应商名称,法定代表人,联系人,联系电话,地址,企业规模\r\n${cc},绵阳导入更新有限公司,张三,王五,0816-7654321,绵阳市涪城区,小型\r\n`);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.updated).to.equal(1);
    const after = (await request(h.app).get(`/api/suppliers/${made.body.id}`).set(a)).body;
    expect(after).to.include({ contactName: '王五', contactPhone: '0816-7654321', status: 'suspended', bankAccount: '6217000012345678', bankName: '中国银行绵阳分行' });
    expect(after.qualifications).to.have.length(1);
  });

  it('goods: a price list without a status column does not re-list a withdrawn item', async () => {
    const a = await auth('finance_section');
    const made = await request(h.app).post('/api/goods').set(a).send({ categoryCode: 'A02010104', name: '导入更新台式机', spec: 'i5/16G/512G', unit: '台', referencePriceFen: 450000 });
    expect(made.status).to.equal(201);
    expect((await request(h.app).patch(`/api/goods/${made.body.id}`).set(a).send({ version: 1, status: 'withdrawn' })).status).to.equal(200);
    const res = await csv('/api/goods', '品目编码,商品名称,规格型号,计量单位,参考价（元）\nA02010104,导入更新台式机,i5/16G/512G,台,4399.00\n');
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const after = (await request(h.app).get(`/api/goods/${made.body.id}`).set(a)).body;
    expect(after).to.include({ referencePriceFen: 439900, status: 'withdrawn' });
  });

  it('agency: a contact-only file keeps the staff list and status', async () => {
    const a = await auth('finance_section');
    const before = (await request(h.app).get(`/api/agencies?q=${DEMO_AGENCY_CODE}`).set(a)).body.items[0];
    expect(before.staff.length).to.be.greaterThan(0);
    const res = await csv('/api/agencies', `统一社会信用代码,机构名称,联系人,联系电话,地址\n${DEMO_AGENCY_CODE},${before.name},新联系人,0816-2399009,${before.address}\n`);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const after = (await request(h.app).get(`/api/agencies/${before.id}`).set(a)).body;
    expect(after.contactName).to.equal('新联系人');
    expect(after.staff.map((s: { id: number }) => s.id)).to.deep.equal(before.staff.map((s: { id: number }) => s.id));
  });
});
