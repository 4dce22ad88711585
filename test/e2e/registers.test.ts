/**
 * Registers in Chromium: search the goods catalogue by text and by code prefix and page through it, open a
 * supplier, edit the supplier's own record (with a field error shown next to the field), file an expert in the
 * 综合评标专家库, and run a credit check.
 */
import { expect } from 'chai';
import { startE2E, type E2E } from './harness.ts';
import { DEMO_BLACKLISTED_CODE } from '../../server/seed/registers.ts';

describe('registers pages (Chromium)', function () {
  this.timeout(90_000);
  let e2e: E2E;
  before(async () => {
    e2e = await startE2E();
  });
  after(async () => {
    await e2e?.close();
  });

  it('searches the goods catalogue by Chinese text and code prefix, with paging', async () => {
    const page = await e2e.newPage();
    await e2e.login(page, 'purchaser');
    await page.goto(`${e2e.url}/#/registers/goods`);
    await page.waitForSelector('[data-testid=goods-table] tbody tr.clickable');
    expect(await page.textContent('[data-testid=pager]')).to.match(/共 \d+ 条/);
    await page.click('[data-testid=pager] button:has-text("下一页")');
    await page.waitForFunction(() => location.hash.includes('offset=20'));

    await page.fill('input[name=q]', '台式计算机');
    await page.click('form[role=search] button[type=submit]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=goods-table] tbody tr.clickable').length === 5);
    const names = await page.$$eval('[data-testid=goods-table] tbody tr td:nth-child(3)', (tds) => tds.map((td) => td.textContent));
    expect(names.every((n) => n?.startsWith('台式计算机'))).to.equal(true);

    await page.fill('input[name=q]', '');
    await page.fill('input[name=code]', 'A0602');
    await page.click('form[role=search] button[type=submit]');
    await page.waitForFunction(() => location.hash.includes('code=A0602'));
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=goods-table] tbody tr td:first-child')].every((td) => td.textContent?.startsWith('A0602')) && document.querySelectorAll('[data-testid=goods-table] tbody tr.clickable').length > 0);
    await page.click('[data-testid=goods-table] tbody tr.clickable >> nth=0');
    await page.waitForSelector('[data-testid=goods-detail] [data-testid=price]');
    expect(await page.textContent('[data-testid=facts]')).to.contain('家具用具（A06） › 台、桌类（A0602）');
    await e2e.screenshot(page, 'registers-goods');
  });

  it('opens a supplier and shows its qualifications; the supplier edits its own record and sees field errors', async () => {
    const page = await e2e.newPage();
    await e2e.login(page, 'agency');
    await page.goto(`${e2e.url}/#/registers/suppliers`);
    await page.fill('input[name=q]', '天府');
    await page.click('form[role=search] button[type=submit]');
    await page.waitForSelector('[data-testid=suppliers-table] tbody tr.clickable:has-text("四川天府办公家具有限公司")');
    await page.click('[data-testid=suppliers-table] tbody tr.clickable:has-text("四川天府办公家具有限公司")');
    await page.waitForSelector('[data-testid=suppliers-detail] [data-testid=facts]');
    const facts = await page.textContent('[data-testid=facts]');
    expect(facts).to.contain('91510703MA6BQ2R053');
    expect(facts).to.contain('中国环境标志产品认证');
    expect(facts).to.contain('已过期');
    // An agency may read but not edit.
    expect(await page.$('[data-testid=record-form]')).to.equal(null);
    await e2e.screenshot(page, 'registers-supplier');

    const own = await e2e.newPage();
    await e2e.login(own, 'supplier');
    await own.goto(`${e2e.url}/#/registers/suppliers`);
    await own.waitForSelector('[data-testid=suppliers-table] tbody tr.clickable');
    expect(await own.$$eval('[data-testid=suppliers-table] tbody tr.clickable', (r) => r.length)).to.equal(1);
    await own.click('[data-testid=suppliers-table] tbody tr.clickable');
    await own.waitForSelector('[data-testid=record-form]');
    await own.fill('#f-contactPhone', '电话号码');
    await own.click('[data-testid=record-form] button[type=submit]');
    await own.waitForSelector('[data-field=contactPhone] .field-error');
    await own.fill('#f-contactPhone', '0816-2999999');
    await own.click('[data-testid=record-form] button[type=submit]');
    await own.waitForSelector('[data-testid=facts]:has-text("0816-2999999")');
    await own.waitForSelector('[data-testid=versions] tbody tr:nth-child(2)');
    await e2e.screenshot(own, 'registers-supplier-own');
  });

  it('the supervisor files an expert in the 综合评标专家库 (works) by ticking it, and finds the expert under that filter', async () => {
    const page = await e2e.newPage();
    await e2e.login(page, 'supervisor');
    await page.goto(`${e2e.url}/#/registers/experts/new`);
    await page.waitForSelector('[data-testid=record-form]');
    await page.fill('#f-code', 'FCGZ-0900');
    await page.fill('#f-name', '界面工程专家');
    await page.fill('#f-employer', '绵阳市某设计院');
    await page.fill('#f-phone', '13800000900');
    await page.fill('#f-specialties', 'B07');
    // A new expert starts in the GP database; move them to the works database only.
    expect(await page.isChecked('input[name="pools.gp"]')).to.equal(true);
    await page.uncheck('input[name="pools.gp"]');
    await page.click('[data-testid=record-form] button[type=submit]');
    await page.waitForSelector('[data-field=pools] .field-error');
    await page.check('input[name="pools.works"]');
    await page.click('[data-testid=record-form] button[type=submit]');
    await page.waitForSelector('[data-testid=experts-detail] [data-testid=facts]:has-text("综合评标专家库")');
    expect(await page.textContent('[data-testid=facts]')).to.not.contain('政府采购评审专家库');
    await page.goto(`${e2e.url}/#/registers/experts?pool=works`);
    await page.waitForSelector('[data-testid=experts-table] tbody tr.clickable:has-text("FCGZ-0900")');
    const rows = await page.$$eval('[data-testid=experts-table] tbody tr.clickable', (trs) => trs.map((tr) => tr.textContent ?? ''));
    expect(rows.every((r) => r.includes('综合评标专家库')), rows.join('\n')).to.equal(true);
    await e2e.screenshot(page, 'registers-expert-works-pool');
  });

  it('runs a credit check that fails for the black-listed supplier and shows the deciding record', async () => {
    const page = await e2e.newPage();
    await e2e.login(page, 'agency');
    await page.goto(`${e2e.url}/#/registers/credit`);
    await page.waitForSelector('[data-testid=credit-check]');
    await page.fill('[data-testid=credit-check] input[name=creditCode]', DEMO_BLACKLISTED_CODE);
    await page.fill('[data-testid=credit-check] input[name=projectRef]', 'FCZC-2026-0001');
    await page.click('[data-testid=credit-check] button[type=submit]');
    await page.waitForSelector('[data-testid=check-result] [data-result]');
    expect(await page.getAttribute('[data-testid=check-result] [data-result]', 'data-result')).to.equal('fail');
    expect(await page.textContent('[data-testid=check-result]')).to.contain('政府采购');
    await page.waitForSelector('[data-testid=credit-checks] tbody tr:has-text("FCZC-2026-0001")');
    await page.waitForSelector('[data-testid=credit-table] tbody tr.clickable');
    await e2e.screenshot(page, 'registers-credit-check');
  });
});
