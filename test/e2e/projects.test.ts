/**
 * 采购项目 in Chromium on the real system: a purchaser fills the application page (items picked from the goods
 * catalogue), the server refuses a bad item line and the reason shows at that line; corrected, the project is
 * created (POST /api/projects starts the instance), its detail page shows the project number and the diagram with
 * the current approval step highlighted; the list shows it; an approver reads it; English works.
 * Screenshots: test/artifacts/projects*.png.
 */
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { startE2E, type E2E } from './harness.ts';

const APPROVAL_STEPS = ['city_finance_approval', 'dept_approval', 'finance_approval', 'supervisor_approval'];

describe('procurement projects (Chromium)', function () {
  this.timeout(180_000);
  let e2e: E2E;
  const projectName = '涪城区教育局办公计算机采购项目';

  before(async () => {
    e2e = await startE2E();
  });
  after(async () => {
    await e2e?.close();
  });

  async function fillApplication(page: Page) {
    await page.fill('#f-projectName', projectName);
    await page.selectOption('#f-method', '询价');
    await page.selectOption('#f-procurementType', 'goods');
    await page.fill('#f-budgetYuan', '120,000');
    await page.fill('#f-maxPriceYuan', '118000.50');
    await page.selectOption('#f-fundingSource', '一般公共预算资金');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=agency-select] option').length > 1);
    await page.selectOption('[data-testid=agency-select]', { index: 1 });
    await page.fill('#f-deliveryDate', '2099-09-01');
    await page.fill('#f-deliveryPlace', '涪城区教育局（绵阳市涪城区安昌路 17 号）');
    await page.fill('#f-description', '办公用台式计算机 20 台，含预装正版操作系统、送货安装与三年上门保修。');
    // Items from the goods catalogue.
    await page.fill('[data-testid=goods-search]', '台式计算机');
    await page.click('[data-testid=goods-search-go]');
    await page.waitForSelector('[data-testid=goods-hits] button');
    await page.locator('[data-testid=goods-hits] li', { hasText: 'Intel Core i5' }).locator('button').click();
    await page.waitForSelector('[data-testid=item-row-0]');
  }

  it('purchaser creates a project: a bad item is refused at its line, then the project is created with its number and diagram', async () => {
    const page = await e2e.newPage();
    await e2e.login(page, 'purchaser');
    await page.goto(`${e2e.url}/#/projects`);
    await page.click('[data-testid=project-new]');
    await page.waitForSelector('[data-testid=project-form]');
    await fillApplication(page);
    expect(await page.locator('#f-categoryCode').inputValue()).to.equal('A02010104');
    // Reference price prefilled; 20 × 5,200.00 computed exactly.
    await page.fill('[data-testid=item-row-0] input[name="items.0.quantity"]', '20');
    expect(await page.locator('[data-testid=items-total]').textContent()).to.equal('104,000.00');

    // A bad item: quantity 0. The server refuses and names the line.
    await page.fill('[data-testid=item-row-0] input[name="items.0.quantity"]', '0');
    const before = await e2e.api('GET', '/api/projects', 'purchaser');
    await page.click('[data-testid=project-submit]');
    await page.waitForSelector('[data-testid=error-box]');
    await page.waitForSelector('[data-testid=item-error-0]');
    expect((await page.locator('[data-testid=item-error-0]').textContent())!.length).to.be.greaterThan(2);
    await e2e.screenshot(page, 'projects-new-errors');
    const after = await e2e.api('GET', '/api/projects', 'purchaser');
    expect(after.body.total ?? after.body.items.length).to.equal(before.body.total ?? before.body.items.length);

    // Corrected: created, to the detail page.
    await page.fill('[data-testid=item-row-0] input[name="items.0.quantity"]', '20');
    await page.click('[data-testid=project-submit]');
    await page.waitForSelector('[data-testid=project-page]');
    await page.waitForFunction(() => /^FCZC-\d{4}-\d{4}$/.test(document.querySelector('[data-testid=project-page] h1 [data-testid=project-number]')?.textContent ?? ''), null, { timeout: 20_000 }).catch(async () => {
      // The number is assigned by a worker right after creation: reload once it has run.
      await page.waitForTimeout(1500);
      await page.reload();
      await page.waitForFunction(() => /^FCZC-\d{4}-\d{4}$/.test(document.querySelector('[data-testid=project-page] h1 [data-testid=project-number]')?.textContent ?? ''));
    });
    const number = await page.locator('[data-testid=project-page] h1 [data-testid=project-number]').textContent();
    const id = await page.locator('[data-testid=project-page]').getAttribute('data-project-id');

    // The current step (an approval) as the API reports it, highlighted in the diagram.
    let step = '';
    for (let i = 0; i < 160 && !step; i++) {
      const p = await e2e.api('GET', `/api/projects/${id}`, 'purchaser');
      const steps: { elementId: string }[] = p.body.currentSteps ?? p.body.project?.currentSteps ?? [];
      step = steps.map((s) => s.elementId).find((s) => APPROVAL_STEPS.includes(s)) ?? '';
      if (!step) await new Promise((r) => setTimeout(r, 250));
    }
    expect(step, 'the project reaches an approval step').to.be.oneOf(APPROVAL_STEPS);
    await page.reload();
    await page.waitForSelector(`[data-testid=task-diagram] .djs-element[data-element-id=${step}].inbox-current`);
    expect(await page.locator('[data-testid=task-diagram] .djs-element.inbox-done[data-element-id=fill_application]').count()).to.equal(1);
    expect(await page.locator('[data-testid=project-current-step]').textContent()).to.not.equal('—');
    // The timeline names the purchaser's submission; the item line in exact fen.
    await page.waitForSelector('[data-testid=project-timeline] :text("填报采购申请")');
    expect(await page.locator('[data-testid=project-items] tbody tr').first().textContent()).to.contain('104,000.00');
    await e2e.screenshot(page, 'projects-detail');

    // The list shows it with number, budget in 万元 and its step.
    await page.goto(`${e2e.url}/#/projects`);
    const row = page.locator('[data-testid=projects-table] tbody tr', { hasText: projectName });
    await row.waitFor();
    const text = (await row.textContent())!;
    expect(text).to.contain(number!);
    expect(text).to.contain('12.00 万元');
    expect(text).to.contain('询价');
    await e2e.screenshot(page, 'projects-list');
  });

  it('an approver reads the project; suppliers have no projects menu; English switch works', async () => {
    const page = await e2e.newPage();
    await e2e.login(page, 'supervisor');
    await page.goto(`${e2e.url}/#/projects`);
    const row = page.locator('[data-testid=projects-table] tbody tr', { hasText: projectName });
    await row.waitFor();
    expect(await page.locator('[data-testid=project-new]').count()).to.equal(0);
    await row.click();
    await page.waitForSelector('[data-testid=project-page]');
    await page.click('[data-testid=lang-switch]');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    await page.waitForSelector('h2:text("Process diagram")');

    const supplier = await e2e.newPage();
    await e2e.login(supplier, 'supplier');
    expect(await supplier.locator('nav.menu a[href="#/projects"]').count()).to.equal(0);
    expect(await supplier.locator('nav.menu a[href="#/tenders"]').count()).to.equal(1);
  });
});
