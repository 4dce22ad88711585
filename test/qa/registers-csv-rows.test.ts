/**
 * QA (issue 3): an import error names the row as the clerk's spreadsheet shows it (header = row 1). A quoted cell
 * spanning lines (an address or name with a line break, which Excel writes as an embedded newline) is one row, so
 * the rows after it must not be numbered by file line.
 */
import { expect } from 'chai';
import request from 'supertest';
import { creditCodeCheckChar } from '../../server/registry/credit-code.ts';
import { parseCsv } from '../../server/registry/csv.ts';
import { startHarness, type Harness } from '../api/harness.ts';

const code = (f: string) => f + creditCodeCheckChar(f);

describe('QA registers: CSV row numbers with multi-line cells', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.close();
  });

  it('names spreadsheet row 4 after a cell with two line breaks in row 2 (and a blank line keeps its row)', async () => {
    const a = { Authorization: `Bearer ${await h.token('finance_section')}` };
    const csv = '统一社会信用代码,供应商名称,法定代表人,联系人,联系电话,地址,企业规模\r\n'
      + `${code('91510703MA6RW0001')},绵阳多行地址有限公司,张三,李四,0816-1234567,"绵阳市涪城区\r\n临园路\r\n68 号",small\r\n`
      + `${code('91510703MA6RW0002')},绵阳第三行有限公司,张三,李四,0816-1234567,绵阳市,small\r\n`
      + `${code('91510703MA6RW0003')},绵阳第四行有限公司,张三,李四,0816-1234567,绵阳市,巨型\r\n`;
    const res = await request(h.app).post('/api/suppliers/import').set(a).set('Content-Type', 'text/csv').send(csv);
    expect(res.status).to.equal(422);
    expect(res.body.error.details).to.have.length(1);
    expect(res.body.error.details[0].path).to.equal('rows.4.scale');
    expect(res.body.error.details[0].reason).to.contain('第 4 行');
  });

  it('parseCsv numbers rows as a spreadsheet: multi-line cells count once, blank lines count', () => {
    const cols = [{ key: 'a', label: 'A', get: () => '' }, { key: 'b', label: 'B', get: () => '' }];
    const rows = parseCsv('A,B\n1,"x\ny"\n\n2,z\n3,"p\r\nq\r\nr"\n4,w\n', cols);
    expect(rows.map((r) => [r.line, r.values.a])).to.deep.equal([[2, '1'], [4, '2'], [5, '3'], [6, '4']]);
  });
});
