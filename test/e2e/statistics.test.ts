/**
 * The statistics dashboard in Chromium: a finance-bureau user opens 交易统计 for 2025, reads the exact totals of the
 * deals seeded here, sees the ECharts canvases drawn, narrows the period, and downloads the CSV with the same figures.
 */
import fs from 'node:fs';
import { expect } from 'chai';
import { startE2E, type E2E } from './harness.ts';

const DEALS = [
  // budget fen, deal fen, awarded at, method, purchaser
  [123_456_789n, 120_000_001n, '2025-01-15T02:00:00Z', '公开招标', '涪城区教育局'],
  [98_765_432n, 98_000_000n, '2025-03-31T16:30:00Z', '竞争性磋商', '涪城区卫生健康局'], // 1 April in Shanghai
  [500_000_000n, 499_999_999n, '2025-11-02T09:00:00Z', '公开招标', '涪城区教育局'],
] as const;

describe('statistics dashboard page (Chromium)', function () {
  this.timeout(120_000);
  let e2e: E2E;
  before(async () => {
    e2e = await startE2E();
    for (const [i, [budget, deal, at, method, purchaser]] of DEALS.entries()) {
      await e2e.system.db.sequelize.query(
        'INSERT INTO projects (instance_id, project_number, name, purchaser_name, initiator, method, budget_fen, status, award, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        { replacements: [`E2E-STAT-${i}`, `FCZC-2025-90${i}`, `统计页面项目${i}`, purchaser, 'purchaser', method, budget.toString(), 'archived', JSON.stringify({ amountFen: Number(deal), awardedAt: at }), new Date(at), new Date(at)] },
      );
    }
  });
  after(async () => {
    await e2e?.close();
  });

  it('shows the exact totals and draws the charts; the CSV download has the same figures', async () => {
    const page = await e2e.newPage();
    await e2e.login(page, 'finance_section');
    expect(await page.locator('nav.menu a[href="#/statistics"]').count()).to.equal(1);
    await page.goto(`${e2e.url}/#/statistics?from=2025-01-01&to=2025-12-31`);
    await page.waitForSelector('[data-testid=total-spend-count]');
    // 722,222,221 fen = 722.222221 万元 budget, 718 万元 deal, 4.222221 万元 saved (0.58 %): exact to the fen.
    expect(await page.textContent('[data-testid=total-spend-count]')).to.equal('3');
    expect(await page.textContent('[data-testid=total-spend-budget]')).to.equal('722.222221');
    expect(await page.textContent('[data-testid=total-spend-deal]')).to.equal('718.00');
    expect(await page.textContent('[data-testid=total-spend-difference]')).to.equal('4.222221');
    expect(await page.textContent('[data-testid=total-spend-rate]')).to.equal('0.58%');
    // ECharts drew on canvases.
    for (const chart of ['chart-spend-months', 'chart-spend-methods', 'chart-spend-parties']) {
      await page.waitForSelector(`[data-testid=${chart}] canvas`);
    }
    // The April deal (16:30 UTC on 31 March) is in April's row.
    const april = page.locator('[data-testid=table-spend-months] tr', { hasText: '2025-04' });
    expect(await april.locator('td').nth(1).textContent()).to.equal('1');
    await e2e.screenshot(page, 'statistics-finance');

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=statistics-csv]')]);
    expect(download.suggestedFilename()).to.equal('交易统计_2025-01-01_2025-12-31.csv');
    const csv = fs.readFileSync((await download.path())!, 'utf8');
    expect(csv).to.include('采购类合计,3,722.222221,718.00,4.222221,0.58%,722222221,718000000,4222221');

    // A narrower period: only the November deal.
    await page.fill('[data-testid=statistics-from]', '2025-11-01');
    await page.fill('[data-testid=statistics-to]', '2025-11-30');
    await page.click('[data-testid=statistics-apply]');
    await page.waitForFunction(() => document.querySelector('[data-testid=total-spend-count]')?.textContent === '1');
    expect(await page.textContent('[data-testid=total-spend-deal]')).to.equal('499.999999');
  });

  it('is not in a purchaser\'s menu, and the API refuses a purchaser', async () => {
    const page = await e2e.newPage();
    await e2e.login(page, 'purchaser');
    expect(await page.locator('nav.menu a[href="#/statistics"]').count()).to.equal(0);
    expect((await e2e.api('GET', '/api/statistics', 'purchaser')).status).to.equal(403);
  });
});
