/**
 * Statistics dashboard, issue 11: works tenders (工程建设项目招标, `projects.regime = 'works'`) are their own
 * transaction type `works_tender` (工程招标) on the buying side, counted exactly like government procurement — once,
 * on the award date, deal = award amount, savings = budget (估算价) − deal, only while the award stands — and
 * government procurement counts only `regime = 'procurement'`: its figures are the same with or without works rows.
 */
import { expect } from 'chai';
import request from 'supertest';
import { parse } from 'csv-parse/sync';
import { bearer, startHarness, type Harness } from './harness.ts';

interface Seeded { id: string; regime: 'procurement' | 'works'; method: string; purchaser: string; budget: bigint; deal: bigint; awardedAt: Date }

const GP_METHODS = ['公开招标', '竞争性磋商', '询价'];
const WORKS_METHODS = ['公开招标', '邀请招标'];
const PURCHASERS = ['涪城区教育局', '涪城区住房和城乡建设局', '涪城区交通运输局', '涪城区水利局'];

/** Uneven amounts from a seeded LCG (BigInt, no floats), awards spread over 2025 in Shanghai time. */
function seed(regime: Seeded['regime'], n: number, start: bigint): Seeded[] {
  let x = start;
  const next = (mod: bigint) => ((x = (x * 6364136223846793005n + 1442695040888963407n) % 2n ** 64n), x % mod);
  const methods = regime === 'works' ? WORKS_METHODS : GP_METHODS;
  return Array.from({ length: n }, (_, i) => {
    // Works: 400万–5,000万 (工程 above the 400万 施工 threshold); procurement: 50万–800万.
    const budget = regime === 'works' ? 400_000_000n + next(4_600_000_000n) + next(100n) : 50_000_000n + next(750_000_000n) + next(100n);
    const deal = budget - next(budget / 10n) - next(13n);
    const awardedAt = new Date(Date.parse('2025-01-01T00:00:00+08:00') + Number(next(365n)) * 86_400_000 + Number(next(86_400_000n)));
    return { id: `${regime === 'works' ? 'W' : 'P'}${i}`, regime, method: methods[i % methods.length]!, purchaser: PURCHASERS[(i * 3 + (regime === 'works' ? 1 : 0)) % PURCHASERS.length]!, budget, deal, awardedAt };
  });
}

const sum = (rows: Seeded[], f: (p: Seeded) => bigint) => rows.reduce((a, p) => a + f(p), 0n);

describe('statistics dashboard: works tenders beside government procurement', function () {
  this.timeout(60_000);
  let h: Harness;
  const procurements = seed('procurement', 23, 20261129n);
  const works = seed('works', 17, 11n);
  // The first works award at the first instant of the period (2025-01-01 00:00 Shanghai).
  works[0]!.awardedAt = new Date('2024-12-31T16:00:00Z');

  const insert = (p: { id: string; regime: string; status: string; method: string; purchaser: string; budget: bigint; award: object | null }) =>
    h.tdb.db.sequelize.query(
      'INSERT INTO projects (instance_id, project_number, name, purchaser_name, initiator, method, budget_fen, status, award, regime, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      { replacements: [p.id, `${p.regime === 'works' ? 'FCGC' : 'FCZC'}-2025-${p.id}`, `统计项目${p.id}`, p.purchaser, 'purchaser', p.method, p.budget.toString(), p.status, p.award ? JSON.stringify(p.award) : null, p.regime, new Date('2025-01-01T00:00:00Z'), new Date('2025-01-01T00:00:00Z')] },
    );
  const insertAll = async (rows: Seeded[]) => {
    const statuses = ['awarded', 'contracting', 'accepting', 'archived'];
    for (const [i, p] of rows.entries()) {
      await insert({ id: p.id, regime: p.regime, status: statuses[i % 4]!, method: p.method, purchaser: p.purchaser, budget: p.budget, award: { bidId: i + 1, supplierName: '某建设公司', amountFen: p.deal.toString(), awardedAt: p.awardedAt.toISOString() } });
    }
  };
  const report = async (query: string) => {
    const res = await request(h.app).get(`/api/statistics?${query}`).set('Authorization', bearer(await h.token('supervisor')));
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return res.body;
  };
  const type = (r: { byType: { key: string }[] }, key: string) => r.byType.find((t) => t.key === key) as Record<string, unknown> | undefined;
  let procurementOnly: Record<string, unknown>;
  let procurementSection: unknown;

  before(async () => {
    h = await startHarness();
    await insertAll(procurements);
    // The procurement figures before any works row exists.
    const before = await report('from=2025-01-01&to=2025-12-31');
    procurementOnly = type(before, 'government_procurement')!;
    procurementSection = (await report('from=2025-01-01&to=2025-12-31&types=government_procurement')).spend;
    await insertAll(works);
    // Works rows that are no deal of the period: a failed tender keeps its old award, one awarded on 2026-01-01
    // 00:00 Shanghai, one still tendering.
    await insert({ id: 'WX1', regime: 'works', status: 'failed', method: '公开招标', purchaser: PURCHASERS[1]!, budget: 900_000_000n, award: { amountFen: 800_000_000, awardedAt: '2025-06-01T02:00:00Z' } });
    await insert({ id: 'WX2', regime: 'works', status: 'archived', method: '公开招标', purchaser: PURCHASERS[1]!, budget: 900_000_000n, award: { amountFen: 800_000_000, awardedAt: '2025-12-31T16:00:00Z' } });
    await insert({ id: 'WX3', regime: 'works', status: 'tendering', method: '邀请招标', purchaser: PURCHASERS[2]!, budget: 600_000_000n, award: null });
  });
  after(async () => h.close());

  it('each type\'s totals are the hand sums of its own projects, and the buying side is both together', async () => {
    const r = await report('from=2025-01-01&to=2025-12-31');
    expect(r.available.map((t: { type: string }) => t.type)).to.include.members(['government_procurement', 'works_tender']);
    const budgetW = sum(works, (p) => p.budget);
    const dealW = sum(works, (p) => p.deal);
    expect(type(r, 'works_tender')).to.include({
      label: '工程招标', kind: 'spend', count: 17, budgetFen: budgetW.toString(), dealFen: dealW.toString(), differenceFen: (budgetW - dealW).toString(),
    });
    const budgetP = sum(procurements, (p) => p.budget);
    const dealP = sum(procurements, (p) => p.deal);
    expect(type(r, 'government_procurement')).to.include({ label: '政府采购', count: 23, budgetFen: budgetP.toString(), dealFen: dealP.toString() });
    expect(r.spend.total).to.include({ count: 40, budgetFen: (budgetP + budgetW).toString(), dealFen: (dealP + dealW).toString(), differenceFen: (budgetP + budgetW - dealP - dealW).toString() });
  });

  it('the government procurement figures are unchanged by the works rows', async () => {
    const r = await report('from=2025-01-01&to=2025-12-31');
    expect(type(r, 'government_procurement')).to.deep.equal(procurementOnly);
    expect((await report('from=2025-01-01&to=2025-12-31&types=government_procurement')).spend).to.deep.equal(procurementSection);
  });

  it('the type filter: only works tenders — their methods, units and months, nothing of procurement', async () => {
    const r = await report('from=2025-01-01&to=2025-12-31&types=works_tender');
    expect(r.types).to.deep.equal([{ type: 'works_tender', label: '工程招标', kind: 'spend' }]);
    expect(r.byType.map((t: { key: string }) => t.key)).to.deep.equal(['works_tender']);
    expect(r.income).to.equal(null);
    expect(r.spend.total).to.include({ count: 17, dealFen: sum(works, (p) => p.deal).toString() });
    const methods = r.spend.byMethod as { key: string; count: number; budgetFen: string; dealFen: string }[];
    expect(methods.map((g) => g.key).sort()).to.deep.equal([...WORKS_METHODS].sort());
    for (const g of methods) {
      const mine = works.filter((p) => p.method === g.key);
      expect({ count: g.count, budgetFen: g.budgetFen, dealFen: g.dealFen }, g.key).to.deep.equal({ count: mine.length, budgetFen: sum(mine, (p) => p.budget).toString(), dealFen: sum(mine, (p) => p.deal).toString() });
    }
    const shanghaiMonth = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 7);
    for (const m of r.spend.byMonth as { key: string; count: number; dealFen: string }[]) {
      const mine = works.filter((p) => shanghaiMonth(p.awardedAt) === m.key);
      expect({ count: m.count, dealFen: m.dealFen }, m.key).to.deep.equal({ count: mine.length, dealFen: sum(mine, (p) => p.deal).toString() });
    }
    // Both types named: the same as no filter.
    const both = await report('from=2025-01-01&to=2025-12-31&types=government_procurement,works_tender');
    expect(both.spend.total.count).to.equal(40);
  });

  it('the first day of the period counts its works award; the award at 2026-01-01 00:00 Shanghai is next year\'s', async () => {
    const first = await report('from=2025-01-01&to=2025-01-01&types=works_tender');
    const onFirstDay = works.filter((p) => p.awardedAt < new Date('2025-01-01T16:00:00Z'));
    expect(onFirstDay.map((p) => p.id)).to.include('W0');
    expect(first.spend.total).to.include({ count: onFirstDay.length, dealFen: sum(onFirstDay, (p) => p.deal).toString() });
    const next = await report('from=2026-01-01&to=2026-01-31&types=works_tender');
    expect(next.spend.total).to.include({ count: 1, dealFen: '800000000', budgetFen: '900000000', differenceWan: '100.00' });
  });

  it('the CSV export has a 工程招标 row beside 政府采购, exact to the fen', async () => {
    const res = await request(h.app).get('/api/statistics/export?from=2025-01-01&to=2025-12-31&format=csv').set('Authorization', bearer(await h.token('finance_section')));
    expect(res.status).to.equal(200);
    const rows = parse(res.text.slice(1), { relax_column_count: true }) as string[][];
    const row = (label: string) => rows.find((r) => r[0] === label)!;
    const budgetW = sum(works, (p) => p.budget);
    const dealW = sum(works, (p) => p.deal);
    expect([row('工程招标')[1], ...row('工程招标').slice(6)]).to.deep.equal(['17', budgetW.toString(), dealW.toString(), (budgetW - dealW).toString()]);
    expect(row('政府采购')[1]).to.equal('23');
  });
});
