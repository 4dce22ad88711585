/** The audit trail page in Chromium: a supervisor sees the demo start-up's entries, filters, and verifies the chain. */
import { expect } from 'chai';
import { startE2E, type E2E } from './harness.ts';

describe('audit trail page (Chromium)', function () {
  this.timeout(90_000);
  let e2e: E2E;
  before(async () => {
    e2e = await startE2E();
  });
  after(async () => {
    await e2e?.close();
  });

  it('lists entries, filters by action, verifies the chain', async () => {
    const page = await e2e.newPage();
    // A failed login is the entry we look for.
    await page.goto(`${e2e.url}/#/login`);
    const refused = await page.evaluate(async () => (await fetch('/api/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'agency', password: 'wrong-password' }) })).status);
    expect(refused).to.equal(401);
    await e2e.login(page, 'supervisor');
    await page.goto(`${e2e.url}/#/audit`);
    await page.waitForSelector('[data-testid=audit-table] [data-testid=audit-action]');
    expect(await page.locator('[data-testid=audit-action]', { hasText: 'deployment.created' }).count()).to.be.greaterThan(0);
    await page.fill('[data-testid=audit-filter-action]', 'auth.login_failed');
    await page.click('[data-testid=audit-search]');
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=audit-action]')].every((e) => e.textContent === 'auth.login_failed'));
    expect(await page.textContent('[data-testid=audit-actor]')).to.equal('agency');
    await page.click('[data-testid=audit-verify]');
    await page.waitForSelector('[data-testid=audit-verify-result]');
    expect(await page.textContent('[data-testid=audit-verify-result]')).to.contain('审计链完整');
    await e2e.screenshot(page, 'audit-supervisor');
  });

  it('is not in a purchaser\'s menu', async () => {
    const page = await e2e.newPage();
    await e2e.login(page, 'purchaser');
    expect(await page.locator('nav.menu a[href="#/audit"]').count()).to.equal(0);
  });
});
