/**
 * 工程建设项目招标 in Chromium on the real system (issue 11): a purchaser opens 新建项目, chooses 工程建设项目招标, fills
 * the works fields (项目审批文号, B… code, 估算价, 最高投标限价, 国有资金, 工期, 建设地点, 资质要求) and a works item from
 * the goods catalogue; a procurement category code is refused by the server and the reason shows at that field; with
 * a B code the project is created (POST /api/projects?regime=works starts works_tender) and its page shows the FCGC
 * project number and the 工程 badge; the list shows it with its number and badge, and the kind filter keeps or drops
 * it. The supervisor finds the instance in 监督中心 under 工程建设项目招标 with the same badge.
 * Screenshots: test/artifacts/works-projects*.png.
 */
import { expect } from 'chai';
import { startE2E, type E2E } from './harness.ts';

describe('works tender projects (Chromium)', function () {
  this.timeout(180_000);
  let e2e: E2E;
  const projectName = '涪城区实验小学教学楼维修改造工程';
  let number = '';

  before(async () => {
    e2e = await startE2E();
  });
  after(async () => {
    await e2e?.close();
  });

  it('purchaser creates a works tender through the page and finds it listed with its project number', async () => {
    const page = await e2e.newPage();
    await e2e.login(page, 'purchaser');
    await page.goto(`${e2e.url}/#/projects`);
    await page.click('[data-testid=project-new]');
    await page.waitForSelector('[data-testid=project-form][data-regime=procurement]');
    // The choice, zh-CN first.
    expect(await page.textContent('[data-testid=regime-choice]')).to.contain('政府采购项目').and.contain('工程建设项目招标');
    await page.check('[data-testid=regime-works]');
    await page.waitForSelector('[data-testid=project-form][data-regime=works] [data-testid=works-fields]');
    expect(await page.textContent('h1')).to.equal('新建工程建设项目招标');
    // Works fields, not the procurement ones.
    expect(await page.locator('#f-smeReserved').count()).to.equal(0);
    expect(await page.locator('#f-procurementType').count()).to.equal(0);
    expect(await page.locator('#f-method option').allTextContents()).to.deep.equal(['公开招标', '邀请招标']);
    expect(await page.textContent('[data-field=budgetYuan] label')).to.contain('估算价');
    expect(await page.textContent('[data-field=maxPriceYuan] label')).to.contain('最高投标限价');

    await page.fill('#f-projectName', projectName);
    await page.fill('#f-projectApprovalNo', '涪发改审批〔2026〕18号');
    await page.fill('#f-categoryCode', 'A02010104'); // a goods code: the works form wants B…
    await page.selectOption('#f-method', '公开招标');
    await page.fill('#f-budgetYuan', '4,200,000');
    await page.fill('#f-maxPriceYuan', '4100000.00');
    await page.selectOption('#f-fundingSource', '一般公共预算资金');
    await page.check('#f-stateFunded');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=agency-select] option').length > 1);
    await page.selectOption('[data-testid=agency-select]', { index: 1 });
    await page.fill('#f-plannedPeriodDays', '180');
    await page.fill('#f-deliveryDate', '2099-08-31');
    await page.fill('#f-deliveryPlace', '绵阳市涪城区实验小学（涪城区南河路 8 号）');
    await page.fill('#f-qualificationRequirement', '建筑工程施工总承包三级及以上资质，项目经理具备二级注册建造师（建筑工程）');
    await page.fill('#f-description', '教学楼 4 层约 3,600 平方米：室内装修、屋面防水修缮、电气线路改造，含拆除与垃圾清运。');
    // A works item from the catalogue (B07 室内装修工程).
    await page.fill('[data-testid=goods-search]', '装修');
    await page.click('[data-testid=goods-search-go]');
    await page.waitForSelector('[data-testid=goods-hits] button');
    await page.locator('[data-testid=goods-hits] li', { hasText: '室内装修工程' }).locator('button').click();
    await page.waitForSelector('[data-testid=item-row-0]');
    await page.fill('[data-testid=item-row-0] input[name="items.0.quantity"]', '3600');
    expect(await page.locator('[data-testid=items-total]').textContent()).to.equal('1,368,000.00');

    // The server refuses the goods code and says so at the field; nothing is created.
    const before = await e2e.api('GET', '/api/projects', 'purchaser');
    await page.click('[data-testid=project-submit]');
    await page.waitForSelector('[data-testid=error-box]');
    await page.waitForSelector('[data-field=categoryCode] .field-error');
    expect((await page.textContent('[data-field=categoryCode] .field-error'))!.length).to.be.greaterThan(2);
    await e2e.screenshot(page, 'works-projects-new-errors');
    const after = await e2e.api('GET', '/api/projects', 'purchaser');
    expect(after.body.total).to.equal(before.body.total);

    // Corrected: created, to the detail page with its FCGC number and the 工程 badge.
    await page.fill('#f-categoryCode', 'B07');
    await page.click('[data-testid=project-submit]');
    await page.waitForSelector('[data-testid=project-page]');
    const numberRe = /^FCGC-\d{4}-\d{4}$/;
    const numberShown = () => page.waitForFunction((re) => new RegExp(re).test(document.querySelector('[data-testid=project-page] h1 [data-testid=project-number]')?.textContent ?? ''), numberRe.source, { timeout: 20_000 });
    await numberShown().catch(async () => {
      // The number is assigned by a worker right after creation: reload once it has run.
      await page.waitForTimeout(1500);
      await page.reload();
      await numberShown();
    });
    number = (await page.textContent('[data-testid=project-page] h1 [data-testid=project-number]'))!;
    expect(await page.getAttribute('[data-testid=project-page] h1 [data-testid=regime-badge]', 'data-regime')).to.equal('works');
    expect(await page.textContent('[data-testid=project-page] h1 [data-testid=regime-badge]')).to.equal('工程');
    expect(await page.textContent('[data-testid=project-regime]')).to.equal('工程建设项目招标');
    const facts = (await page.textContent('[data-testid=project-facts]'))!;
    expect(facts).to.contain('估算价').and.contain('4,200,000.00').and.contain('招标人').and.not.contain('专门面向中小企业');
    const id = await page.locator('[data-testid=project-page]').getAttribute('data-project-id');
    const detail = await e2e.api('GET', `/api/projects/${id}`, 'purchaser');
    expect(detail.body).to.include({ regime: 'works', projectNumber: number, method: '公开招标', budgetFen: 420_000_000 });
    await e2e.screenshot(page, 'works-projects-detail');

    // The list: its number, the 工程 badge, 420.00 万元; the kind filter keeps it for 工程 and drops it for 政府采购.
    await page.goto(`${e2e.url}/#/projects`);
    const row = page.locator('[data-testid=projects-table] tbody tr', { hasText: projectName });
    await row.waitFor();
    expect(await row.locator('[data-testid=project-number]').textContent()).to.equal(number);
    expect(await row.locator('[data-testid=regime-badge]').textContent()).to.equal('工程');
    expect(await row.textContent()).to.contain('420.00 万元');
    await e2e.screenshot(page, 'works-projects-list');
    await page.selectOption('[data-testid=projects-regime]', 'works');
    await page.waitForFunction(() => location.hash.includes('regime=works'));
    await row.waitFor();
    expect(await page.locator('[data-testid=projects-table] tbody [data-testid=regime-badge][data-regime=procurement]').count()).to.equal(0);
    await page.selectOption('[data-testid=projects-regime]', 'procurement');
    await page.waitForFunction((name) => location.hash.includes('regime=procurement') && !document.querySelector('[data-testid=projects-table] tbody')?.textContent?.includes(name), projectName);
  });

  it('the supervisor sees the works tender among the instances, filtered by process, with the 工程 badge', async () => {
    expect(number, 'the first test created the project').to.match(/^FCGC-/);
    const page = await e2e.newPage();
    await e2e.login(page, 'supervisor');
    await page.goto(`${e2e.url}/#/supervision?tab=instances`);
    await page.waitForSelector('[data-testid=instances-process]');
    await page.selectOption('[data-testid=instances-process]', 'works_tender');
    await page.waitForFunction(() => document.querySelector('[data-testid=instances-total]')?.textContent === '共 1 个');
    const row = page.locator('[data-testid=supervision-instances] tbody tr', { hasText: number });
    await row.waitFor();
    expect(await row.locator('[data-testid=regime-badge]').getAttribute('data-regime')).to.equal('works');
    expect(await row.textContent()).to.contain('工程建设项目招标 v').and.contain(projectName);
    await e2e.screenshot(page, 'works-projects-supervision');
  });
});
