/**
 * QA of the web shell and the calendar page in Chromium: no console errors or CSP violations on any page, user
 * text (override names and reasons) shown as text, an invalid token sends the user to the login page and back,
 * an impossible ?month= does not show one month's label over another month's days, English throughout.
 */
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { startE2E, type E2E } from './harness.ts';

describe('QA web shell and calendar page (Chromium)', function () {
  this.timeout(120_000);
  let e2e: E2E;
  before(async () => {
    e2e = await startE2E();
  });
  after(async () => {
    await e2e?.close();
  });

  /** Console errors, page errors and failed requests (CSP violations are console errors). */
  function watch(page: Page): string[] {
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`requestfailed: ${r.url()} ${r.failure()?.errorText}`));
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`response ${r.status()}: ${new URL(r.url()).pathname}`);
    });
    return problems;
  }

  it('loads login, home and the calendar (admin, with the deadline calculator used) without console errors', async () => {
    const page = await e2e.newPage();
    const problems = watch(page);
    await page.goto(`${e2e.url}/`);
    await page.waitForSelector('[data-testid=login-form]');
    await e2e.login(page, 'process_admin');
    await page.goto(`${e2e.url}/#/calendar?month=2017-10`);
    await page.waitForSelector('[data-date="2017-10-01"]');
    await page.selectOption('[data-testid=deadline-form] select[name=rule]', 'T4');
    await page.fill('[data-testid=deadline-form] input[name=anchor]', '2017-10-16T09:00');
    await page.click('[data-testid=deadline-form] button[type=submit]');
    await page.waitForSelector('[data-testid=due-date]');
    expect(await page.textContent('[data-testid=due-date]')).to.equal('2017-09-30');
    expect(await page.textContent('[data-testid=deadline-result]')).to.contain('提前');
    await page.click('[data-testid=lang-switch]');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    expect(problems).to.deep.equal([]);
  });

  it('shows override names and reasons as text, never as markup', async () => {
    const name = '<img src=x onerror="window.__xss=1">';
    const reason = '<script>window.__xss=2</script><b>粗体</b>';
    const put = await e2e.api('PUT', '/api/calendar/overrides/2017-10-18', 'process_admin', { kind: 'holiday', name, reason });
    expect(put.status).to.equal(200);
    const page = await e2e.newPage();
    await e2e.login(page, 'supervisor');
    await page.goto(`${e2e.url}/#/calendar?month=2017-10`);
    await page.waitForSelector('[data-date="2017-10-18"][data-kind=holiday]');
    await page.waitForSelector('[data-testid=overrides] td:has-text("粗体")');
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).to.equal(undefined);
    expect(await page.locator('[data-testid=overrides] img, [data-testid=overrides] b, [data-testid=month-grid] img').count()).to.equal(0);
    expect(await page.textContent('[data-testid=overrides]')).to.contain(reason);
    expect(await page.textContent('[data-date="2017-10-18"]')).to.contain(name);
    await e2e.api('DELETE', '/api/calendar/overrides/2017-10-18', 'process_admin');
  });

  it('sends a user with an invalid or expired token to the login page, then back to the page they wanted', async () => {
    const page = await e2e.newPage();
    await e2e.login(page, 'supervisor');
    await page.evaluate(() => {
      const s = JSON.parse(localStorage.getItem('eproc.session')!);
      s.token = s.token.slice(0, -4) + 'AAAA';
      localStorage.setItem('eproc.session', JSON.stringify(s));
    });
    await page.goto(`${e2e.url}/#/calendar?month=2017-10`);
    await page.waitForSelector('[data-testid=login-form]');
    expect(await page.evaluate(() => localStorage.getItem('eproc.session'))).to.equal(null);
    await page.fill('input[name=username]', 'supervisor');
    await page.fill('input[name=password]', 'demo1234');
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-testid=month-grid]');
    expect(page.url()).to.contain('#/calendar');
  });

  it('shows the login page, not a blank one, when the stored session has another shape', async () => {
    const page = await e2e.newPage();
    const problems = watch(page);
    await page.goto(`${e2e.url}/#/login`);
    await page.evaluate(() => localStorage.setItem('eproc.session', JSON.stringify({ token: 'x', user: { username: 'old', displayName: '旧版会话' } })));
    await page.goto(`${e2e.url}/#/`);
    await page.reload();
    await page.waitForSelector('[data-testid=login-form]', { timeout: 10_000 });
    expect(problems.filter((p) => p.startsWith('pageerror'))).to.deep.equal([]);
  });

  it('does not label an impossible ?month= with another month\'s days', async () => {
    const page = await e2e.newPage();
    await e2e.login(page, 'supervisor');
    for (const bad of ['2017-13', '2017-00', '0000-01', '9999-12']) {
      await page.goto(`${e2e.url}/#/calendar?month=${bad}`);
      await page.waitForSelector('[data-testid=month-grid] .day[data-date]');
      const label = await page.textContent('[data-testid=calendar-month]');
      const first = await page.getAttribute('[data-testid=month-grid] .day[data-date]', 'data-date');
      expect(first!.slice(0, 7), bad).to.equal(label);
    }
  });

  it('asks for the date of an override instead of showing "no such API route"', async () => {
    const page = await e2e.newPage();
    await e2e.login(page, 'process_admin');
    await page.goto(`${e2e.url}/#/calendar?month=2017-10`);
    await page.waitForSelector('[data-date="2017-10-16"]');
    await page.fill('#f-name', '防汛停工');
    await page.fill('#f-reason', '区政府通知（测试）');
    await page.click('[data-testid=override-form] button[type=submit]');
    await page.waitForSelector('[data-field=date] .field-error');
    expect(await page.textContent('[data-field=date] .field-error')).to.equal('请选择日期');
    expect(await page.textContent('[data-testid=override-form] [data-testid=error-box]')).to.not.contain('接口不存在');
  });

  it('has no Chinese left in the deadline calculator in English', async () => {
    const page = await e2e.newPage();
    await e2e.login(page, 'supervisor');
    await page.click('[data-testid=lang-switch]');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    await page.goto(`${e2e.url}/#/calendar?month=2017-10`);
    await page.waitForSelector('[data-testid=deadline-form] option[value=T3]', { state: 'attached' });
    const t3 = await page.textContent('[data-testid=deadline-form] option[value=T3]');
    expect(t3).to.contain('20 days').and.not.contain('日）');
    expect(await page.textContent('[data-testid=deadline-form] option[value=T13]')).to.contain('7 working days');
  });
});
