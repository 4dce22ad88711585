/**
 * QA (issue 3): concurrent writes on both databases. MariaDB runs transactions in parallel (READ COMMITTED), so a
 * check that reads before it writes must not let two requests both pass: overlapping credit periods sent at the same
 * moment are refused except one, and a simultaneous import of the same rows answers 409, never 500.
 */
import { expect } from 'chai';
import request from 'supertest';
import { creditCodeCheckChar } from '../../server/registry/credit-code.ts';
import { startHarness, type Harness } from '../api/harness.ts';

const code = (f: string) => f + creditCodeCheckChar(f);

describe('QA registers: concurrent writes', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.close();
  });
  const auth = async (u: string) => ({ Authorization: `Bearer ${await h.token(u)}` });

  it('overlapping credit records posted at the same time: one is stored, the others are 409 CREDIT_PERIOD_OVERLAP', async () => {
    const a = await auth('finance_section');
    const subject = code('91510703MA6CC0001');
    const rec = (validFrom: string) => ({
      subjectKind: 'supplier', subjectCode: subject, subjectName: '绵阳并发测试有限公司', kind: 'black', sourceUnit: 'czj',
      reason: '提供虚假材料谋取中标', legalBasis: '《政府采购法》第七十七条', validFrom, validTo: '2026-12-31',
    });
    const res = await Promise.all(['2026-01-01', '2026-02-01', '2026-03-01', '2026-04-01'].map((d) => request(h.app).post('/api/credit-records').set(a).send(rec(d))));
    expect(res.map((r) => r.status).sort()).to.deep.equal([201, 409, 409, 409]);
    for (const r of res.filter((x) => x.status === 409)) expect(r.body.error.code).to.equal('CREDIT_PERIOD_OVERLAP');
    const stored = await request(h.app).get(`/api/credit-records?subjectCode=${subject}`).set(a);
    expect(stored.body.total).to.equal(1);
  });

  it('the same new goods imported twice at the same time: one creates, the other answers 200 unchanged or 409, never 500', async () => {
    const a = await auth('finance_section');
    const csv = '品目编码,商品名称,计量单位,参考价（元）\nA02010104,并发导入台式机,台,4999.00\nA02010104,并发导入台式机二,台,5999.00\n';
    const res = await Promise.all([1, 2, 3].map(() => request(h.app).post('/api/goods/import').set(a).set('Content-Type', 'text/csv').send(csv)));
    for (const r of res) expect([200, 409], JSON.stringify(r.body)).to.include(r.status);
    expect(res.filter((r) => r.status === 200 && r.body.created === 2)).to.have.length(1);
    const list = await request(h.app).get(`/api/goods?q=${encodeURIComponent('并发导入台式机')}`).set(a);
    expect(list.body.total).to.equal(2);
  });
});
