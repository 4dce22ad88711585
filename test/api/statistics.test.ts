/**
 * Statistics dashboard (issue 8): a period like the seed article's — 109 government procurements, budget 52,270 万元,
 * deal 52,139 万元 — seeded as projects with awards, and the dashboard's figures checked against sums computed here
 * by hand (BigInt): totals, savings 131 万元 and rate 0.25 %, by method, by purchaser, by month (Asia/Shanghai
 * month boundaries), the CSV and the XLSX (read back with exceljs); what must not count (a failed project, an award
 * outside the period) does not; bad queries are 422 naming the field; only the reporting roles read it.
 */
import { expect } from 'chai';
import request from 'supertest';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { bearer, startHarness, type Harness } from './harness.ts';

const METHODS = ['公开招标', '竞争性磋商', '竞争性谈判', '询价', '单一来源'];
const PURCHASERS = ['涪城区教育局', '涪城区卫生健康局', '涪城区公安分局', '涪城区城市管理局', '涪城区民政局', '涪城区农业农村局', '涪城区文化广播电视和旅游局'];
const N = 109;
const BUDGET_TOTAL = 52_270n * 1_000_000n; // 52,270 万元 in fen
const SAVINGS_TOTAL = 131n * 1_000_000n; // 131 万元

interface Seeded { method: string; purchaser: string; budget: bigint; deal: bigint; awardedAt: Date }

/** 109 projects with uneven amounts that sum exactly to the article's totals (seeded LCG, no floats). */
function seedPeriod(): Seeded[] {
  let x = 20261128n;
  const next = (mod: bigint) => ((x = (x * 6364136223846793005n + 1442695040888963407n) % 2n ** 64n), x % mod);
  const out: Seeded[] = [];
  let budgetLeft = BUDGET_TOTAL;
  let savingsLeft = SAVINGS_TOTAL;
  for (let i = 0; i < N; i++) {
    const last = i === N - 1;
    const budget = last ? budgetLeft : 100_000_000n + next(700_000_000n) + next(100n); // 100万–800万 with odd fen
    const saving = last ? savingsLeft : next(2_000_000n) + next(7n); // up to 2 万元
    budgetLeft -= budget;
    savingsLeft -= saving;
    // Awards across 2025 in Shanghai days, from 1 January 00:00 (+08:00) to 31 December 23:59.
    const dayOfYear = Number(next(365n));
    const awardedAt = new Date(Date.parse('2025-01-01T00:00:00+08:00') + dayOfYear * 86_400_000 + Number(next(86_400_000n)));
    out.push({ method: METHODS[i % METHODS.length]!, purchaser: PURCHASERS[(i * 3) % PURCHASERS.length]!, budget, deal: budget - saving, awardedAt });
  }
  // The first instant of the period counts; the month of a deal is its Shanghai month (UTC would say December).
  out[0]!.awardedAt = new Date('2024-12-31T16:00:00Z');
  out[1]!.awardedAt = new Date('2025-01-31T16:30:00Z'); // 2025-02-01 00:30 in Shanghai
  expect(budgetLeft).to.equal(0n);
  expect(savingsLeft).to.equal(0n);
  expect(out.every((p) => p.budget > 0n && p.deal > 0n && p.deal <= p.budget)).to.equal(true);
  return out;
}

const wan = (fen: bigint) => {
  const s = fen.toString().padStart(7, '0');
  const whole = s.slice(0, -6).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  let frac = s.slice(-6).replace(/0+$/, '');
  if (frac.length < 2) frac = frac.padEnd(2, '0');
  return `${whole}.${frac}`;
};

describe('statistics dashboard: the seed article\'s period, exact to the fen', function () {
  this.timeout(60_000);
  let h: Harness;
  let seeded: Seeded[];
  const as = async (u: string) => bearer(await h.token(u));

  before(async () => {
    h = await startHarness();
    seeded = seedPeriod();
    const insert = (p: { id: string; status: string; method: string; purchaser: string; budget: bigint; award: object | null }) =>
      h.tdb.db.sequelize.query(
        'INSERT INTO projects (instance_id, project_number, name, purchaser_name, initiator, method, budget_fen, status, award, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        { replacements: [p.id, `FCZC-2025-${p.id}`, `统计测试项目${p.id}`, p.purchaser, 'purchaser', p.method, p.budget.toString(), p.status, p.award ? JSON.stringify(p.award) : null, new Date('2025-01-01T00:00:00Z'), new Date('2025-01-01T00:00:00Z')] },
      );
    const statuses = ['awarded', 'contracting', 'accepting', 'archived'];
    for (const [i, p] of seeded.entries()) {
      await insert({ id: `S${i}`, status: statuses[i % 4]!, method: p.method, purchaser: p.purchaser, budget: p.budget, award: { bidId: i + 1, supplierName: '某公司', amountFen: Number(p.deal), awardedAt: p.awardedAt.toISOString() } });
    }
    // Not deals of the period: a cancelled procurement keeps its old award; one awarded at 2026-01-01 00:00 Shanghai.
    await insert({ id: 'X1', status: 'failed', method: '公开招标', purchaser: PURCHASERS[0]!, budget: 500_000_000n, award: { amountFen: 400_000_000, awardedAt: '2025-06-01T02:00:00Z' } });
    await insert({ id: 'X2', status: 'archived', method: '公开招标', purchaser: PURCHASERS[0]!, budget: 500_000_000n, award: { amountFen: 400_000_000, awardedAt: '2025-12-31T16:00:00Z' } });
    await insert({ id: 'X3', status: 'tendering', method: '询价', purchaser: PURCHASERS[1]!, budget: 300_000_000n, award: null });
  });
  after(async () => h.close());

  const report = async (query: string, user = 'supervisor') => {
    const res = await request(h.app).get(`/api/statistics?${query}`).set('Authorization', await as(user));
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return res.body;
  };

  it('totals: 109 procurements, 52,270 万元 budget, 52,139 万元 deal, 131 万元 saved, 0.25 %', async () => {
    const r = await report('from=2025-01-01&to=2025-12-31');
    expect(r.period).to.deep.equal({ from: '2025-01-01', to: '2025-12-31' });
    expect(r.spend.total).to.include({ count: 109, budgetWan: '52,270.00', dealWan: '52,139.00', differenceWan: '131.00', rate: '0.25%' });
    expect(r.spend.total.budgetFen).to.equal('52270000000');
    expect(r.spend.total.dealFen).to.equal('52139000000');
    const gp = r.byType.find((t: { key: string }) => t.key === 'government_procurement');
    expect(gp).to.include({ label: '政府采购', kind: 'spend', count: 109, dealWan: '52,139.00' });
  });

  it('by method and by purchaser: each group is the hand sum of its projects, and the groups add up to the total', async () => {
    const r = await report('from=2025-01-01&to=2025-12-31');
    for (const [dimension, keyOf] of [['byMethod', (p: Seeded) => p.method], ['byParty', (p: Seeded) => p.purchaser]] as const) {
      const groups = r.spend[dimension] as { key: string; count: number; budgetFen: string; dealFen: string; differenceWan: string; rate: string }[];
      const keys = new Set(seeded.map(keyOf));
      expect(groups.map((g) => g.key).sort(), dimension).to.deep.equal([...keys].sort());
      for (const g of groups) {
        const mine = seeded.filter((p) => keyOf(p) === g.key);
        const budget = mine.reduce((a, p) => a + p.budget, 0n);
        const deal = mine.reduce((a, p) => a + p.deal, 0n);
        expect({ count: g.count, budgetFen: g.budgetFen, dealFen: g.dealFen, differenceWan: g.differenceWan }, `${dimension} ${g.key}`).to.deep.equal({
          count: mine.length, budgetFen: budget.toString(), dealFen: deal.toString(), differenceWan: wan(budget - deal),
        });
      }
      expect(groups.reduce((a, g) => a + BigInt(g.dealFen), 0n)).to.equal(52_139_000_000n);
      // Largest deal amount first.
      for (let i = 1; i < groups.length; i++) expect(BigInt(groups[i - 1]!.dealFen) >= BigInt(groups[i]!.dealFen)).to.equal(true);
    }
  });

  it('by month: twelve Shanghai months in order, zero months included, summing to the total', async () => {
    const r = await report('from=2025-01-01&to=2025-12-31');
    const months = r.spend.byMonth as { key: string; count: number; dealFen: string }[];
    expect(months.map((m) => m.key)).to.deep.equal(Array.from({ length: 12 }, (_, i) => `2025-${String(i + 1).padStart(2, '0')}`));
    const shanghaiMonth = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 7);
    for (const m of months) {
      const mine = seeded.filter((p) => shanghaiMonth(p.awardedAt) === m.key);
      expect({ count: m.count, dealFen: m.dealFen }, m.key).to.deep.equal({ count: mine.length, dealFen: mine.reduce((a, p) => a + p.deal, 0n).toString() });
    }
    expect(months.reduce((a, m) => a + m.count, 0)).to.equal(109);
    // The project awarded at 00:30 on 1 February in Shanghai (still 31 January in UTC) is February's.
    expect(seeded.filter((p) => shanghaiMonth(p.awardedAt) === '2025-02').length).to.equal(months[1]!.count);
  });

  it('a narrower period and a period with nothing: exact sums of what falls in it, zero rows otherwise', async () => {
    const first = await report('from=2025-01-01&to=2025-01-01');
    const onFirstDay = seeded.filter((p) => p.awardedAt < new Date('2025-01-01T16:00:00Z'));
    expect(first.spend.total.count).to.equal(onFirstDay.length);
    expect(first.spend.total.dealFen).to.equal(onFirstDay.reduce((a, p) => a + p.deal, 0n).toString());
    const empty = await report('from=2023-03-01&to=2023-04-30');
    expect(empty.spend.total).to.include({ count: 0, budgetWan: '0.00', dealWan: '0.00', rate: null });
    expect(empty.spend.byMonth.map((m: { key: string }) => m.key)).to.deep.equal(['2023-03', '2023-04']);
  });

  it('CSV export: the same figures (万元 text and exact fen), UTF-8 with BOM', async () => {
    const res = await request(h.app).get('/api/statistics/export?from=2025-01-01&to=2025-12-31&format=csv').set('Authorization', await as('finance_section'));
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.match(/^text\/csv/);
    expect(res.headers['content-disposition']).to.match(/attachment; filename="statistics-2025-01-01-2025-12-31\.csv"/);
    expect(res.text.charCodeAt(0)).to.equal(0xfeff);
    const rows = parse(res.text.slice(1), { relax_column_count: true }) as string[][];
    const totalRow = rows.find((r) => r[0] === '采购类合计')!;
    expect(totalRow.slice(1)).to.deep.equal(['109', '52,270.00', '52,139.00', '131.00', '0.25%', '52270000000', '52139000000', '131000000']);
    const methodRows = rows.filter((r) => METHODS.includes(r[0]!));
    expect(methodRows.reduce((a, r) => a + BigInt(r[7]!), 0n)).to.equal(52_139_000_000n);
  });

  it('XLSX export: one sheet per breakdown, read back with exceljs, figures equal to the dashboard', async () => {
    const res = await request(h.app).get('/api/statistics/export?from=2025-01-01&to=2025-12-31&format=xlsx')
      .set('Authorization', await as('auditor')).buffer(true).parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.equal('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as Parameters<typeof wb.xlsx.load>[0]);
    expect(wb.worksheets.map((w) => w.name)).to.include.members(['合计（采购类）', '按方式（采购类）', '按单位（采购类）', '按月份（采购类）']);
    const total = wb.getWorksheet('合计（采购类）')!.getRow(3).values as unknown[];
    expect(total.slice(1)).to.deep.equal(['采购类合计', 109, '52,270.00', '52,139.00', '131.00', '0.25%', 52270000000, 52139000000, 131000000]);
    const months = wb.getWorksheet('按月份（采购类）')!;
    let sum = 0n;
    for (let i = 3; i <= months.rowCount; i++) sum += BigInt(months.getRow(i).getCell(8).value as number);
    expect(sum).to.equal(52_139_000_000n);
  });

  it('bad queries are 422 naming the field; nothing but the reporting roles may read', async () => {
    const bad = async (query: string, path: string) => {
      const res = await request(h.app).get(`/api/statistics?${query}`).set('Authorization', await as('supervisor'));
      expect(res.status, query).to.equal(422);
      expect(JSON.stringify(res.body.error.details), query).to.include(path);
    };
    await bad('from=2025-12-31&to=2025-01-01', 'from');
    await bad('from=2025-02-30&to=2025-03-01', 'from');
    await bad('from=abc&to=2025-03-01', 'from'); // not a date at all: 422, not a 500 from the date check
    await bad('from=2025-01-01&to=2025-12-31&types=lottery', 'types');
    await bad('from=2000-01-01&to=2025-12-31', 'to');
    await bad('from=2025-01-01&extra=1', 'extra');
    const format = await request(h.app).get('/api/statistics/export?format=pdf').set('Authorization', await as('supervisor'));
    expect(format.status).to.equal(422);
    for (const user of ['purchaser', 'agency', 'supplier', 'expert']) {
      const res = await request(h.app).get('/api/statistics').set('Authorization', await as(user));
      expect(res.status, user).to.equal(403);
    }
    expect((await request(h.app).get('/api/statistics')).status).to.equal(401);
  });

  it('by default: this year to today (the clock, Shanghai)', async () => {
    const r = await report('');
    expect(r.period).to.deep.equal({ from: '2026-01-01', to: '2026-03-02' });
    expect(r.spend.total.count).to.equal(1); // X2, awarded at 2026-01-01 00:00 in Shanghai
  });
});

describe('statistics dashboard: the other trading services as their own types (143 cars, 12 shop leases at 75.21 万元/year)', function () {
  this.timeout(60_000);
  let h: Harness;
  const CAR_PRICES: bigint[] = Array.from({ length: 143 }, (_, i) => 1_000_000n + BigInt(i) * 37_123n); // 1 万元 upwards, uneven
  const RENTS: bigint[] = [5_000_000n, 6_210_000n, 7_000_000n, 4_800_000n, 8_100_000n, 5_500_000n, 6_000_000n, 7_300_000n, 4_900_000n, 6_600_000n, 6_400_000n, 7_400_000n];

  before(async () => {
    h = await startHarness();
    expect(RENTS.reduce((a, b) => a + b, 0n)).to.equal(75_210_000n); // 75.21 万元 a year
    const q = (sql: string, replacements: unknown[]) => h.tdb.db.sequelize.query(sql, { replacements });
    const at = new Date('2025-05-01T02:00:00Z');
    let n = 0;
    const sell = async (kind: string, appraisal: bigint, price: bigint | null) => {
      n++;
      await q("INSERT INTO auction_lots (id, lot_no, kind, title, consignor_name, details_json, appraisal_fen, reserve_fen, created_by, created_at) VALUES (?, ?, ?, ?, '绵阳市涪城区机关事务服务中心', '{}', ?, ?, 'agency', ?)",
        [n, `LOT-${n}`, kind, `${kind === 'car' ? '公务用车' : '国有门面'}${n}`, appraisal.toString(), appraisal.toString(), at]);
      await q("INSERT INTO auctions (id, lot_id, round_no, status, start_fen, increment_fen, deposit_fen, created_by, created_at, updated_at) VALUES (?, ?, 1, 'closed', ?, 10000, 100000, 'agency', ?, ?)",
        [n, n, appraisal.toString(), at, at]);
      await q('INSERT INTO auction_results (auction_id, outcome, price_fen, closed_at) VALUES (?, ?, ?, ?)', [n, price === null ? 'unsold' : 'sold', price === null ? null : price.toString(), at]);
    };
    for (const p of CAR_PRICES) await sell('car', p - 50_000n, p);
    await sell('car', 2_000_000n, null); // 流拍: not a deal
    for (const r of RENTS) await sell('shop_lease', r - 100_000n, r);
  });
  after(async () => h.close());

  it('counts them as car auctions and shop leases, on the selling side, apart from procurement savings', async () => {
    const res = await request(h.app).get('/api/statistics?from=2025-01-01&to=2025-12-31').set('Authorization', bearer(await h.token('city_finance')));
    expect(res.status).to.equal(200);
    const type = (k: string) => res.body.byType.find((t: { key: string }) => t.key === k);
    expect(type('car_auction')).to.include({ label: '公务用车拍卖', kind: 'income', count: 143, dealFen: CAR_PRICES.reduce((a, b) => a + b, 0n).toString(), differenceFen: String(143 * 50_000) });
    expect(type('shop_lease')).to.include({ kind: 'income', count: 12, dealWan: '75.21', differenceWan: '1.20' });
    expect(type('government_procurement')).to.include({ kind: 'spend', count: 0 });
    expect(res.body.income.total.count).to.equal(155);
    expect(res.body.spend.total.count).to.equal(0);
    const onlyLeases = await request(h.app).get('/api/statistics?from=2025-01-01&to=2025-12-31&types=shop_lease').set('Authorization', bearer(await h.token('city_finance')));
    expect(onlyLeases.body.spend).to.equal(null);
    expect(onlyLeases.body.income.total).to.include({ count: 12, dealWan: '75.21' });
  });
});
