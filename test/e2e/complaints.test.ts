/**
 * 投诉 and 投诉举报 in Chromium on the real system: without logging in, a member of the public reports a staff member
 * on #/report, gets a tracking code, the supervisor answers in the inbox (API), and the lookup by code shows 已答复
 * with the reply. A supplier opens 投诉, files a complaint about a challenge it did not file and sees the refusal;
 * a purchaser has no 提出投诉 button. Screenshots: test/artifacts/complaints*.png.
 */
import { expect } from 'chai';
import { startE2E, type E2E } from './harness.ts';

describe('e2e: 投诉举报 (public) and 投诉 pages', function () {
  this.timeout(120_000);
  let e2e: E2E;
  before(async () => {
    e2e = await startE2E();
  });
  after(async () => {
    await e2e?.close();
  });

  it('the public report page files without a login, and the lookup shows the supervisor\'s reply', async () => {
    const page = await e2e.newPage();
    await page.goto(`${e2e.url}/#/report`);
    await page.waitForSelector('[data-testid=report-page]');
    expect(await page.textContent('h1')).to.contain('投诉举报');
    await page.selectOption('[data-testid=report-category]', '违规操作');
    await page.fill('[data-testid=report-subject]', '评标现场工作人员违规使用手机');
    await page.fill('[data-testid=report-facts]', '2026年3月10日评标期间，交易中心一名工作人员在评标区使用手机拍摄评审资料。');
    await page.click('[data-testid=report-submit]');
    const code = (await page.textContent('[data-testid=report-code]', { timeout: 15_000 }))!.trim();
    expect(code).to.match(/^JB-[A-Z0-9]{16}$/);
    await page.click('[data-testid=report-lookup]');
    expect(await page.textContent('[data-testid=report-status]')).to.equal('办理中');
    await e2e.screenshot(page, 'complaints-report');

    const tasks = await e2e.api<{ items: Array<{ id: string; elementId: string }> }>('GET', '/api/tasks?scope=all&elementId=handle_report', 'supervisor');
    expect(tasks.status).to.equal(200);
    const task = tasks.body.items.find((x) => x.elementId === 'handle_report')!;
    const done = await e2e.api('POST', `/api/tasks/${task.id}/complete`, 'supervisor', { variables: { reportReply: '经核查情况属实，已按规定严肃处理。' } });
    expect(done.status, JSON.stringify(done.body)).to.equal(200);
    await page.click('[data-testid=report-lookup]');
    await page.waitForSelector('[data-testid=report-reply]');
    expect(await page.textContent('[data-testid=report-status]')).to.equal('已答复');
    expect(await page.textContent('[data-testid=report-reply]')).to.contain('严肃处理');
  });

  it('a supplier files a complaint about a challenge that is not its own and sees the refusal', async () => {
    const page = await e2e.newPage();
    await e2e.login(page, 'supplier');
    await page.goto(`${e2e.url}/#/complaints`);
    await page.waitForSelector('[data-testid=complaints-page]');
    await page.click('[data-testid=complaint-new]');
    await page.waitForSelector('[data-testid=complaint-new-page]');
    await page.fill('[data-testid=complaint-challengeId]', '999');
    await page.fill('[data-testid=complaint-item]', '评审程序违法');
    await page.fill('[data-testid=complaint-request]', '请求认定中标结果无效。');
    await page.fill('[data-testid=complaint-facts]', '评标委员会未按评分标准评审。');
    await page.fill('[data-testid=complaint-law]', '政府采购法实施条例第四十一条');
    await page.click('[data-testid=complaint-submit]');
    await page.waitForSelector('[data-testid=error-box]');
    expect(await page.textContent('[data-testid=error-box]')).to.contain('999');
    await e2e.screenshot(page, 'complaints-new');
    const purchaser = await e2e.newPage();
    await e2e.login(purchaser, 'purchaser');
    await purchaser.goto(`${e2e.url}/#/complaints`);
    await purchaser.waitForSelector('[data-testid=complaints-page]');
    expect(await purchaser.$('[data-testid=complaint-new]')).to.equal(null);
  });
});
