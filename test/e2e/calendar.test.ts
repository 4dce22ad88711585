/** The calendar page in Chromium: month grid with 2017's National Day week, the deadline calculator, an override. */
import { expect } from 'chai';
import { startE2E, type E2E } from './harness.ts';

describe('calendar page (Chromium)', function () {
  this.timeout(90_000);
  let e2e: E2E;
  before(async () => {
    e2e = await startE2E();
  });
  after(async () => {
    await e2e?.close();
  });

  it('shows holidays and make-up days, computes a deadline with its basis, and records an override', async () => {
    const page = await e2e.newPage();
    await e2e.login(page, 'process_admin');
    await page.goto(`${e2e.url}/#/calendar?month=2017-10`);
    await page.waitForSelector('[data-date="2017-10-01"]');
    expect(await page.getAttribute('[data-date="2017-10-01"]', 'data-kind')).to.equal('holiday');
    expect(await page.getAttribute('[data-date="2017-10-16"]', 'data-kind')).to.equal('workday');
    await page.click('text=上个月');
    await page.waitForSelector('[data-date="2017-09-30"]');
    expect(await page.getAttribute('[data-date="2017-09-30"]', 'data-kind')).to.equal('makeup_workday');

    await page.selectOption('[data-testid=deadline-form] select[name=rule]', 'T3');
    await page.fill('[data-testid=deadline-form] input[name=anchor]', '2017-09-25T09:00');
    await page.click('[data-testid=deadline-form] button[type=submit]');
    await page.waitForSelector('[data-testid=due-date]');
    expect(await page.textContent('[data-testid=due-date]')).to.equal('2017-10-16');
    expect(await page.textContent('[data-testid=deadline-result]')).to.contain('政府采购法 Art.35');

    // An override without a reason is refused and the field says why; with one, it shows in the grid.
    await page.goto(`${e2e.url}/#/calendar?month=2017-10`);
    await page.waitForSelector('[data-date="2017-10-16"]');
    await page.fill('#f-date', '2017-10-16');
    await page.fill('#f-name', '防汛停工');
    await page.click('[data-testid=override-form] button[type=submit]');
    await page.waitForSelector('[data-field=reason] .field-error');
    expect(await page.getAttribute('[data-date="2017-10-16"]', 'data-kind')).to.equal('workday');
    await page.fill('#f-reason', '区政府通知（测试）');
    await page.click('[data-testid=override-form] button[type=submit]');
    await page.waitForSelector('[data-date="2017-10-16"][data-kind=holiday]');
    expect(await page.textContent('[data-testid=overrides]')).to.contain('区政府通知（测试）');
    await e2e.screenshot(page, 'calendar-admin');
  });

  it('lets a supervisor read the calendar but not edit it', async () => {
    const page = await e2e.newPage();
    await e2e.login(page, 'supervisor');
    await page.goto(`${e2e.url}/#/calendar?month=2017-10`);
    await page.waitForSelector('[data-testid=month-grid] [data-date="2017-10-01"]');
    expect(await page.locator('[data-testid=override-form]').count()).to.equal(0);
  });

  it('is not in the menu of a supplier and is refused when opened directly', async () => {
    const page = await e2e.newPage();
    await e2e.login(page, 'supplier');
    expect(await page.locator('nav.menu a[href="#/calendar"]').count()).to.equal(0);
    await page.goto(`${e2e.url}/#/calendar`);
    await page.waitForSelector('[data-testid=forbidden]');
  });
});
