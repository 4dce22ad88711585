/** Goods catalogue: category codes, exact prices, search by code prefix and Chinese text with paging, CSV in yuan. */
import { expect } from 'chai';
import request from 'supertest';
import { getGoodsItems, searchGoods } from '../../server/registry/index.ts';
import { startHarness, type Harness } from './harness.ts';

describe('goods catalogue API', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.close();
  });
  const auth = async (u: string) => ({ Authorization: `Bearer ${await h.token(u)}` });
  const get = async (u: string, q: string) => request(h.app).get(`/api/goods${q}`).set(await auth(u));
  const item = { categoryCode: 'A02010104', name: '台式计算机', spec: '测试规格 i5/8GB', unit: '台', referencePriceFen: 459999 };

  it('is seeded with ~60 items under real 品目 codes and reads for every role', async () => {
    const all = await get('supplier', '?limit=100');
    expect(all.status).to.equal(200);
    expect(all.body.total).to.be.within(55, 70);
    const desktop = all.body.items.find((i: { categoryCode: string }) => i.categoryCode === 'A02010104');
    expect(desktop.categoryName).to.equal('台式计算机');
    expect(desktop.categoryPath.map((c: { name: string }) => c.name)).to.deep.equal(['货物', '通用设备', '计算机设备及软件', '计算机设备', '台式计算机']);
    expect((await get('expert', '')).status).to.equal(200);
    const cats = await request(h.app).get('/api/goods-categories').set(await auth('purchaser'));
    expect(cats.body.categories.find((c: { code: string }) => c.code === 'C1204').name).to.equal('物业管理服务');
  });

  it('searches by code prefix and by Chinese text (name, spec, or the category name), with paging', async () => {
    const computers = await get('purchaser', '?code=A020101&limit=100');
    expect(computers.body.items.every((i: { categoryCode: string }) => i.categoryCode.startsWith('A020101'))).to.equal(true);
    expect(computers.body.total).to.be.greaterThan(8);
    const desks = await get('purchaser', '?q=办公桌');
    expect(desks.body.items.map((i: { name: string }) => i.name)).to.deep.equal(['办公桌']);
    // "家具" is only a category name: finds every item filed under A06 家具用具.
    const furniture = await get('purchaser', '?q=家具&limit=100');
    expect(furniture.body.total).to.equal((await get('purchaser', '?code=A06&limit=100')).body.total);
    const twoWords = await get('purchaser', '?q=' + encodeURIComponent('空调 立柜'));
    expect(twoWords.body.items.map((i: { spec: string }) => i.spec)).to.deep.equal(['立柜式 / 3 匹 / 变频 / 一级能效']);
    const latin = await get('purchaser', '?q=INTEL%20core');
    expect(latin.body.total).to.be.greaterThan(3);
    const literal = await get('purchaser', '?q=%25');
    expect(literal.body.total).to.equal(0);
    const page1 = await get('purchaser', '?code=A0&limit=5&offset=0');
    const page2 = await get('purchaser', '?code=A0&limit=5&offset=5');
    expect(page1.body.items).to.have.length(5);
    expect(page1.body.total).to.equal(page2.body.total);
    expect(page1.body.items.map((i: { id: number }) => i.id)).to.not.include.members(page2.body.items.map((i: { id: number }) => i.id));
    expect((await get('purchaser', '?code=X01')).status).to.equal(422);
    expect((await get('purchaser', '?limit=1000')).status).to.equal(422);
  });

  it('validates category codes, integer fen and duplicates; only the finance bureau edits', async () => {
    const unknown = await request(h.app).post('/api/goods').set(await auth('finance_section')).send({ ...item, categoryCode: 'A02019999' });
    expect(unknown.status).to.equal(422);
    expect(unknown.body.error.details[0].path).to.equal('categoryCode');
    const float = await request(h.app).post('/api/goods').set(await auth('finance_section')).send({ ...item, referencePriceFen: 4599.99 });
    expect(float.status).to.equal(422);
    expect(float.body.error.details[0].path).to.equal('referencePriceFen');
    expect((await request(h.app).post('/api/goods').set(await auth('purchaser')).send(item)).status).to.equal(403);
    const ok = await request(h.app).post('/api/goods').set(await auth('finance_section')).send(item);
    expect(ok.status).to.equal(201);
    expect(ok.body).to.include({ referencePriceFen: 459999, updatedBy: 'finance_section', version: 1 });
    const dup = await request(h.app).post('/api/goods').set(await auth('supervisor')).send(item);
    expect(dup.status).to.equal(409);
    const price = await request(h.app).patch(`/api/goods/${ok.body.id}`).set(await auth('supervisor')).send({ version: 1, referencePriceFen: 449900 });
    expect(price.body).to.include({ referencePriceFen: 449900, version: 2, updatedBy: 'supervisor', spec: item.spec, status: 'active' });
  });

  it('imports prices in yuan exactly, naming the row and column of a bad price; exports in yuan', async () => {
    const header = '品目编码,商品名称,规格型号,计量单位,参考价（元）';
    const bad = [header, 'A02010601,激光打印机,测试 A,台,1999.9', 'A02010601,激光打印机,测试 B,台,一千元', 'A9,x,y,台,1'].join('\n');
    const res = await request(h.app).post('/api/goods/import').set(await auth('finance_section')).set('Content-Type', 'text/csv').send(bad);
    expect(res.status).to.equal(422);
    const d = res.body.error.details;
    expect(d.map((x: { path: string }) => x.path)).to.deep.equal(['rows.3.referencePriceFen', 'rows.4.categoryCode']);
    expect(d[0].reason).to.contain('第 3 行「参考价（元）」');
    expect((await get('purchaser', '?code=A02010601&q=测试%20A')).body.total).to.equal(0);
    const good = [header, 'A02010601,激光打印机,测试 A,台,1999.9', 'A02010601,激光打印机,测试 B,台,"2,100.05"'].join('\n');
    expect((await request(h.app).post('/api/goods/import').set(await auth('finance_section')).set('Content-Type', 'text/csv').send(good)).body.created).to.equal(2);
    const a = (await get('purchaser', '?code=A02010601&q=' + encodeURIComponent('测试 A'))).body.items[0];
    expect(a.referencePriceFen).to.equal(199990);
    const b = (await get('purchaser', '?code=A02010601&q=' + encodeURIComponent('测试 B'))).body.items[0];
    expect(b.referencePriceFen).to.equal(210005);
    const csv = await request(h.app).get('/api/goods/export?q=' + encodeURIComponent('测试 B')).set(await auth('purchaser'));
    expect(csv.text).to.contain('A02010601,打印设备,激光打印机,测试 B,台,2100.05,active');
  });

  it('getGoodsItems and searchGoods serve the procurement application', async () => {
    const list = await searchGoods(h.tdb.db.sequelize, { code: 'A02010105', text: '便携' });
    expect(list.length).to.be.greaterThan(1);
    const picked = await getGoodsItems(h.tdb.db.sequelize, [list[0].id]);
    expect(picked.get(list[0].id)?.name).to.equal('便携式计算机');
    let err: { status?: number; details?: { path: string; reason: string }[] } = {};
    await getGoodsItems(h.tdb.db.sequelize, [list[0].id, 999999]).catch((e) => (err = e));
    expect(err.status).to.equal(422);
    expect(err.details).to.deep.equal([{ path: 'items.1', reason: '商品库中没有编号 999999 的商品 (no such catalogue item)' }]);
    const w = await request(h.app).patch(`/api/goods/${list[0].id}`).set(await auth('finance_section')).send({ version: 1, status: 'withdrawn' });
    expect(w.status).to.equal(200);
    await getGoodsItems(h.tdb.db.sequelize, [list[0].id]).catch((e) => (err = e));
    expect(err.details?.[0].reason).to.contain('已下架');
  });
});
