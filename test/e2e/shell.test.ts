/** The web app's frame in a real Chromium: login (bad and good), the menu for the role, the language switch, logout. */
import { expect } from 'chai';
import { startE2E, type E2E } from './harness.ts';

describe('web app shell (Chromium)', function () {
  this.timeout(90_000);
  let e2e: E2E;
  before(async () => {
    e2e = await startE2E();
  });
  after(async () => {
    await e2e?.close();
  });

  it('refuses a wrong password with the server message, then logs in and shows the user in Chinese', async () => {
    const page = await e2e.newPage();
    await page.goto(`${e2e.url}/`);
    // Not logged in: sent to the login page.
    await page.waitForSelector('[data-testid=login-form]');
    expect(await page.locator('h1').textContent()).to.equal('用户登录');
    await page.fill('input[name=username]', 'dept_approver');
    await page.fill('input[name=password]', 'wrong-password');
    await page.click('button[type=submit]');
    const err = await page.waitForSelector('[data-testid=error-box]');
    expect(await err.textContent()).to.match(/用户名或密码/);
    expect(await page.evaluate(() => localStorage.getItem('eproc.session'))).to.equal(null);

    await e2e.login(page, 'dept_approver');
    expect(await page.locator('[data-testid=user-name]').textContent()).to.equal('李审批（教育局主管部门）');
    expect(await page.locator('[data-testid=home-roles]').textContent()).to.equal('主管部门审批');
    expect(await page.title()).to.contain('涪城区公共资源交易中心');
    await e2e.screenshot(page, 'shell-home');
  });

  it('switches to English and back, and remembers the choice across a reload', async () => {
    const page = await e2e.newPage();
    await e2e.login(page, 'supervisor');
    await page.click('[data-testid=lang-switch]');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    expect(await page.locator('[data-testid=home-roles]').textContent()).to.equal('Supervisor');
    await page.reload();
    await page.waitForSelector('[data-testid=home-roles]');
    expect(await page.locator('[data-testid=home-roles]').textContent()).to.equal('Supervisor');
    await page.click('[data-testid=lang-switch]');
    await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
    expect(await page.locator('[data-testid=home-roles]').textContent()).to.equal('监督检查');
  });

  it('logs out (the server revokes the token, so a copy of it stops working) and a later visit asks for the login again', async () => {
    const page = await e2e.newPage();
    await e2e.login(page, 'purchaser');
    const token = await page.evaluate(() => (JSON.parse(localStorage.getItem('eproc.session') ?? '{}') as { token?: string }).token);
    expect(token).to.be.a('string');
    const me = () => fetch(`${e2e.url}/api/auth/me`, { headers: { Authorization: `Bearer ${token}` } });
    expect((await me()).status).to.equal(200);
    await page.click('[data-testid=logout]');
    await page.waitForSelector('[data-testid=login-form]');
    const after = await me();
    expect(after.status).to.equal(401);
    expect(((await after.json()) as { error: { code: string } }).error.code).to.equal('TOKEN_REVOKED');
    await page.goto(`${e2e.url}/#/`);
    await page.waitForSelector('[data-testid=login-form]');
    expect(page.url()).to.contain('#/login');
  });

  it('serves the app with security headers and answers unknown API paths with JSON, not the page', async () => {
    const res = await fetch(`${e2e.url}/`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-security-policy')).to.contain("script-src 'self'");
    expect(await res.text()).to.contain('<div id="app">');
    const api = await fetch(`${e2e.url}/api/nothing-here`, { headers: { Accept: 'text/html' } });
    expect(api.status).to.equal(404);
    expect(api.headers.get('content-type')).to.contain('application/json');
  });
});
