/**
 * QA (issue 3): the links that decide "own record" must point at what they claim. A supplier or agency record is
 * linked only to an existing organisation of that kind whose credit code (when it has one) is the record's own — a
 * wrong link would show one supplier's bank account to another supplier's staff. An expert is linked only to an
 * existing expert account — a wrong link would show the expert's identity to whoever holds that account.
 * A refused request changes nothing.
 */
import { expect } from 'chai';
import request from 'supertest';
import { defineAuthModels } from '../../server/auth/models.ts';
import { creditCodeCheckChar } from '../../server/registry/credit-code.ts';
import { startHarness, type Harness } from '../api/harness.ts';

const code = (f: string) => f + creditCodeCheckChar(f);

describe('QA registers: organisation and account links', () => {
  let h: Harness;
  let orgs: Record<string, number>;
  let users: Record<string, number>;
  before(async () => {
    h = await startHarness();
    const { Organisation, User } = defineAuthModels(h.tdb.db.sequelize);
    orgs = Object.fromEntries((await Organisation.findAll()).map((o) => [o.kind, o.id]));
    users = Object.fromEntries((await User.findAll()).map((u) => [u.username, u.id]));
  });
  after(async () => {
    await h.close();
  });
  const auth = async (u: string) => ({ Authorization: `Bearer ${await h.token(u)}` });
  const supplier = (over: object) => ({
    creditCode: code('91510703MA6LK0001'), name: '绵阳链接测试有限公司', legalRep: '张三', contactName: '李四', contactPhone: '0816-1234567',
    address: '绵阳市涪城区', scale: 'small', bankName: '中国银行', bankAccount: '6217000012345678', ...over,
  });

  it('a supplier record cannot be linked to a missing organisation, a non-supplier one, or another supplier\'s', async () => {
    const a = await auth('finance_section');
    const total = (await request(h.app).get('/api/suppliers?limit=1').set(a)).body.total;
    for (const organisationId of [999999, orgs.agency, orgs.supplier]) {
      const res = await request(h.app).post('/api/suppliers').set(a).send(supplier({ organisationId }));
      expect(res.status, `organisationId ${organisationId}: ${JSON.stringify(res.body)}`).to.be.oneOf([409, 422]);
      if (organisationId !== orgs.supplier) expect(res.body.error.details.map((d: { path: string }) => d.path)).to.include('organisationId');
    }
    expect((await request(h.app).get('/api/suppliers?limit=1').set(a)).body.total).to.equal(total);
    // The demo supplier organisation already has its record: moving that link to another record is refused too.
    const other = await request(h.app).post('/api/suppliers').set(a).send(supplier({}));
    expect(other.status).to.equal(201);
    const move = await request(h.app).patch(`/api/suppliers/${other.body.id}`).set(a).send({ version: 1, organisationId: 999999 });
    expect(move.status).to.equal(422);
    expect((await request(h.app).get(`/api/suppliers/${other.body.id}`).set(a)).body).to.include({ version: 1, organisationId: null });
  });

  it('a supplier user never sees a record wrongly linked to its organisation: the link is refused when the credit codes differ', async () => {
    const a = await auth('finance_section');
    const { Supplier } = (await import('../../server/registry/models.ts')).registryModels(h.tdb.db.sequelize);
    // Free the demo organisation's link, then try to attach a different company's record to it.
    const own = await Supplier.findOne({ where: { organisationId: orgs.supplier } });
    await own!.update({ organisationId: null });
    const res = await request(h.app).post('/api/suppliers').set(a).send(supplier({ creditCode: code('91510703MA6LK0002'), organisationId: orgs.supplier }));
    expect(res.status).to.equal(422);
    expect(res.body.error.details[0].path).to.equal('organisationId');
    const seen = await request(h.app).get('/api/suppliers').set(await auth('supplier'));
    expect(JSON.stringify(seen.body)).to.not.contain('6217000012345678');
    await own!.update({ organisationId: orgs.supplier });
  });

  it('an agency record is linked only to an existing agency organisation', async () => {
    const a = await auth('finance_section');
    for (const organisationId of [999999, orgs.supplier]) {
      const res = await request(h.app).post('/api/agencies').set(a).send({
        creditCode: code('91510703MA6LK0003'), name: '绵阳链接测试招标代理有限公司', contactName: '王五', contactPhone: '0816-7654321', address: '绵阳市', organisationId,
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(422);
      expect(res.body.error.details.map((d: { path: string }) => d.path)).to.include('organisationId');
    }
  });

  it('an expert is linked only to an existing account holding the expert role', async () => {
    const s = await auth('supervisor');
    const total = (await request(h.app).get('/api/experts?limit=1').set(s)).body.total;
    for (const userId of [999999, users.purchaser]) {
      const res = await request(h.app).post('/api/experts').set(s).send({
        code: 'QA-LINK-1', name: '钱评审', employer: '绵阳某设计院', specialties: ['A02'], phone: '0816-1111111', userId,
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(422);
      expect(res.body.error.details.map((d: { path: string }) => d.path)).to.include('userId');
    }
    expect((await request(h.app).get('/api/experts?limit=1').set(s)).body.total).to.equal(total);
    // With a wrong link refused, the purchaser cannot read the expert's identity as "its own" record.
    expect((await request(h.app).get('/api/experts').set(await auth('purchaser'))).status).to.equal(403);
  });
});
