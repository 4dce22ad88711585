/**
 * QA (issue 3): CSV imports are UTF-8. A file saved by Excel in the Chinese default encoding (GBK) without a
 * charset decodes to replacement characters; importing it would store garbled names, so it is refused, naming the
 * row, and nothing is imported.
 */
import { expect } from 'chai';
import request from 'supertest';
import iconv from 'iconv-lite';
import { creditCodeCheckChar } from '../../server/registry/credit-code.ts';
import { startHarness, type Harness } from '../api/harness.ts';

const code = (f: string) => f + creditCodeCheckChar(f);

describe('QA registers: CSV that is not UTF-8', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.close();
  });
  const auth = async (u: string) => ({ Authorization: `Bearer ${await h.token(u)}` });

  it('refuses a GBK file (field-name header) naming the first garbled row, and imports nothing', async () => {
    const a = await auth('finance_section');
    const before = (await request(h.app).get('/api/suppliers?limit=1').set(a)).body.total;
    const text = 'creditCode,name,legalRep,contactName,contactPhone,address,scale\r\n'
      + `${code('91510703MA6GB0001')},plain ascii co,Zhang,Li,0816-1234567,Mianyang,small\r\n`
      + `${code('91510703MA6GB0002')},绵阳测试科技有限公司,张三,李四,0816-1234567,绵阳市涪城区,small\r\n`;
    const res = await request(h.app).post('/api/suppliers/import').set(a).set('Content-Type', 'text/csv').send(iconv.encode(text, 'gbk'));
    expect(res.status).to.equal(422);
    expect(res.body.error.message).to.contain('UTF-8');
    expect(res.body.error.details[0].path).to.match(/^rows\.3/);
    expect((await request(h.app).get('/api/suppliers?limit=1').set(a)).body.total).to.equal(before);
  });

  it('still imports the same file in UTF-8, and in GBK when the request names its charset', async () => {
    const a = await auth('finance_section');
    const text = (c: string) => 'creditCode,name,legalRep,contactName,contactPhone,address,scale\r\n'
      + `${c},绵阳编码测试有限公司,张三,李四,0816-1234567,绵阳市涪城区,small\r\n`;
    const utf8 = await request(h.app).post('/api/suppliers/import').set(a).set('Content-Type', 'text/csv').send(Buffer.from('\uFEFF' + text(code('91510703MA6GB0003'))));
    expect(utf8.status).to.equal(200);
    const gbk = await request(h.app).post('/api/suppliers/import').set(a).set('Content-Type', 'text/csv; charset=gbk')
      .send(iconv.encode(text(code('91510703MA6GB0004')), 'gbk'));
    expect(gbk.status).to.equal(200);
    const got = await request(h.app).get(`/api/suppliers?q=${code('91510703MA6GB0004')}`).set(a);
    expect(got.body.items[0].name).to.equal('绵阳编码测试有限公司');
  });
});
