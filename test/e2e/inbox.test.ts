/**
 * The approvers' inbox in Chromium on the real system: a purchaser's application (made through the API) reaches
 * 主管部门审批; dept_approver finds it, sees the diagram with the step highlighted, submits an invalid form (the
 * errors show on the fields, the task stays open), sees the server's refusals placed on the fields, comments,
 * then approves — and finance_section finds the task in its inbox. Screenshots: test/artifacts/inbox*.png.
 */
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { startE2E, type E2E } from './harness.ts';
import { applicationVariables, DEMO_AGENCY_NAME } from '../helpers/application.ts';

describe('approvers\' inbox (Chromium)', function () {
  this.timeout(120_000);
  let e2e: E2E;
  let instanceId = '';
  const projectName = '涪城区教育局录播教室设备采购项目';

  before(async () => {
    e2e = await startE2E();
    const started = await e2e.api('POST', '/api/processes/procurement/instances', 'purchaser', {});
    expect(started.status).to.equal(201);
    instanceId = started.body.instanceId;
    const mine = await e2e.api('GET', '/api/tasks?scope=mine', 'purchaser');
    const fill = mine.body.items.find((x: { instanceId: string }) => x.instanceId === instanceId);
    const done = await e2e.api('POST', `/api/tasks/${fill.id}/complete`, 'purchaser', {
      variables: applicationVariables(await demoAgency(fill.id), {
        projectName, budgetYuan: 680_000, deliveryDate: '2099-09-01', smeReserved: true, description: '录播教室全套设备 3 间，含安装调试、培训与三年质保。',
      }),
    });
    expect(done.status, JSON.stringify(done.body)).to.equal(200);
  });
  after(async () => {
    await e2e?.close();
  });

  /** The demo agency among the options the server put into the instance (agencyOptions). */
  async function demoAgency(taskId: string): Promise<number> {
    const detail = await e2e.api('GET', `/api/tasks/${taskId}`, 'purchaser');
    return (detail.body.variables.agencyOptions as { label: string; value: number }[]).find((o) => o.label === DEMO_AGENCY_NAME)!.value;
  }

  async function openInbox(page: Page, user: string) {
    await e2e.login(page, user);
    await page.goto(`${e2e.url}/#/inbox`);
    await page.waitForSelector('[data-testid=inbox-table] tbody tr');
  }

  it('dept_approver finds the task, sees the diagram, is stopped by the form\'s rules and by the server\'s, then approves', async () => {
    const page = await e2e.newPage();
    await openInbox(page, 'dept_approver');
    // Search by project name.
    await page.fill('[data-testid=inbox-search]', '录播教室');
    await page.click('[data-testid=inbox-apply]');
    await page.waitForFunction(() => location.hash.includes('q='));
    const row = page.locator('[data-testid=inbox-table] tbody tr', { hasText: projectName });
    await row.waitFor();
    expect(await row.textContent()).to.contain('主管部门审批');
    expect(await row.textContent()).to.match(/FCZC-\d{4}-\d{4}/);
    await e2e.screenshot(page, 'inbox-list');

    await row.click();
    await page.waitForSelector('[data-testid=task-view] [data-testid=task-form] .fjs-form');
    expect(await page.locator('[data-testid=task-title]').textContent()).to.equal('主管部门审批');
    // The form shows the application read-only.
    expect(await page.locator('[data-testid=task-form]').textContent()).to.contain(projectName);
    // Diagram: this step highlighted as current, the earlier steps marked completed.
    await page.waitForSelector('[data-testid=task-diagram] .djs-element.inbox-current[data-element-id=dept_approval]');
    expect(await page.locator('[data-testid=task-diagram] .djs-element.inbox-done[data-element-id=fill_application]').count()).to.equal(1);
    expect(await page.locator('[data-testid=task-diagram] .djs-element.inbox-done[data-element-id=finance_approval]').count()).to.equal(0);
    // History: the purchaser's submission.
    expect(await page.locator('[data-testid=task-history]').textContent()).to.contain('填报采购申请');

    // 1) Empty form: form-js shows Chinese errors on both fields; nothing is sent.
    await page.click('[data-testid=task-submit]');
    await page.waitForSelector('.fjs-form-field-error');
    const errors = await page.locator('.fjs-form-field-error').allTextContents();
    expect(errors.join('|')).to.contain('必填项');
    expect(await page.locator('[data-testid=error-box]').textContent()).to.contain('2 处');
    const still = await e2e.api('GET', `/api/tasks?scope=groups&q=${encodeURIComponent('录播教室')}`, 'dept_approver');
    expect(still.body.items[0].state).to.equal('created');
    expect(still.body.items[0].assignee).to.equal(null);

    // 2) The server's refusal is put on the field it names (the server is replaced for this one request).
    await page.locator('.fjs-form-field-radio label', { hasText: '退回' }).click();
    await page.fill('textarea[id*=comment], .fjs-form-field-textarea textarea', '请补充');
    await page.locator('.fjs-form-field-textarea textarea').blur();
    await page.route('**/complete', (route) =>
      route.fulfill({
        status: 422,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'VALIDATION_FAILED', message: '表单校验未通过：1 处需要修改', details: [{ path: 'variables.comment', reason: '审批意见：服务端拒绝的示例原因' }] } }),
      }),
    );
    await page.click('[data-testid=task-submit]');
    await page.waitForSelector('.fjs-form-field-error:has-text("服务端拒绝的示例原因")');
    expect(await page.locator('[data-testid=error-box]').textContent()).to.contain('表单校验未通过');
    await page.unroute('**/complete');
    await e2e.screenshot(page, 'inbox-task-errors');

    // A comment goes into the history.
    await page.fill('[data-testid=comment-text]', '已电话联系采购人核实预算。');
    await page.click('[data-testid=comment-submit]');
    await page.waitForSelector('[data-testid=task-history] :text("已电话联系采购人核实预算。")');

    // 3) A valid approval: the task is done and the list has no next task for this search.
    await page.locator('.fjs-form-field-radio label', { hasText: '通过' }).click();
    await page.fill('.fjs-form-field-textarea textarea', '同意，按公开招标程序组织采购。');
    await page.locator('.fjs-form-field-textarea textarea').blur();
    await page.click('[data-testid=task-submit]');
    await page.waitForSelector('[data-testid=inbox-all-done]');
    const view = await e2e.api('GET', `/api/instances/${instanceId}`, 'dept_approver');
    expect(view.body.variables).to.include({ deptDecision: 'approve', deptComment: '同意，按公开招标程序组织采购。' });
    // 我已办: the completed task shows what was submitted, read-only.
    await page.click('[data-testid=inbox-tab-completed]');
    await page.locator('[data-testid=inbox-table] tbody tr', { hasText: projectName }).click();
    await page.waitForSelector('[data-testid=task-view] .fjs-form');
    await page.waitForFunction(() => (document.querySelector('.fjs-form-field-textarea textarea') as HTMLTextAreaElement | null)?.value === '同意，按公开招标程序组织采购。');
    expect(await page.locator('.fjs-form-field-textarea textarea').isEditable()).to.equal(false);
    expect(await page.locator('[data-testid=task-submit]').count()).to.equal(0);
  });

  it('after a completion the next task comes up without a page reload', async () => {
    // Two more applications for dept_approver.
    const ids: string[] = [];
    for (const n of [1, 2]) {
      const s = await e2e.api('POST', '/api/processes/procurement/instances', 'purchaser', {});
      const mine = await e2e.api('GET', '/api/tasks?scope=mine', 'purchaser');
      const fill = mine.body.items.find((x: { instanceId: string }) => x.instanceId === s.body.instanceId);
      const r = await e2e.api('POST', `/api/tasks/${fill.id}/complete`, 'purchaser', {
        variables: applicationVariables(await demoAgency(fill.id), {
          projectName: `涪城区卫健局第${n}批医疗耗材采购项目`, budgetYuan: 120_000 * n, maxPriceYuan: 110_000 * n,
          deliveryDate: '2099-06-30', description: '一次性医用耗材，分批供货，含配送服务。',
          items: [{ itemCode: 'A02010104', itemName: '台式计算机', quantity: 10, unit: '台', unitPriceYuan: 5200 }],
        }),
      });
      expect(r.status).to.equal(200);
      ids.push(s.body.instanceId);
    }
    const page = await e2e.newPage();
    await e2e.login(page, 'dept_approver');
    await page.goto(`${e2e.url}/#/inbox?q=${encodeURIComponent('医疗耗材')}`);
    // Both applications listed (the table shows a "loading" row first).
    const rows = page.locator('[data-testid=inbox-table] tbody tr', { hasText: '医疗耗材' });
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=inbox-table] tbody tr')].filter((r) => r.textContent!.includes('医疗耗材')).length === 2);
    const first = rows.first();
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    await first.click();
    await page.waitForSelector('[data-testid=task-view] .fjs-form');
    const firstId = await page.locator('[data-testid=task-view]').getAttribute('data-task-id');
    await page.locator('.fjs-form-field-radio label', { hasText: '通过' }).click();
    await page.fill('.fjs-form-field-textarea textarea', '同意');
    await page.locator('.fjs-form-field-textarea textarea').blur();
    await page.click('[data-testid=task-submit]');
    await page.waitForFunction((id) => {
      const v = document.querySelector('[data-testid=task-view]');
      return v && v.getAttribute('data-task-id') !== id;
    }, firstId);
    await page.waitForSelector('[data-testid=task-view] .fjs-form');
    // Same page: the marker survived.
    expect(await page.evaluate(() => (window as unknown as { marker: number }).marker)).to.equal(42);
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=inbox-table] tbody tr')].filter((r) => r.textContent!.includes('医疗耗材')).length === 1);
    await e2e.screenshot(page, 'inbox-task');
  });

  it('finance_section sees the approved task arrive in its inbox, with the approval in the history; claims and unclaims it', async () => {
    const page = await e2e.newPage();
    await openInbox(page, 'finance_section');
    const row = page.locator('[data-testid=inbox-table] tbody tr', { hasText: projectName });
    await row.waitFor();
    expect(await row.textContent()).to.contain('财政采购股审核');
    await row.click();
    await page.waitForSelector('[data-testid=task-history]');
    await page.waitForSelector('[data-testid=task-history] :text("同意，按公开招标程序组织采购。")');
    const history = await page.locator('[data-testid=task-history]').textContent();
    expect(history).to.contain('主管部门审批');
    expect(history).to.contain('已电话联系采购人核实预算。');
    // Claim, then give it back to the group.
    await page.click('[data-testid=task-claim]');
    await page.waitForFunction(() => document.querySelector('[data-testid=task-assignee]')?.textContent === 'finance_section');
    const claimed = await e2e.api('GET', `/api/tasks?scope=mine`, 'finance_section');
    expect(claimed.body.items.map((x: { projectName: string }) => x.projectName)).to.include(projectName);
    await page.click('[data-testid=task-unclaim]');
    await page.waitForFunction(() => document.querySelector('[data-testid=task-assignee]')?.textContent === '待签收');
    await page.waitForSelector('[data-testid=task-diagram] .djs-element.inbox-done[data-element-id=dept_approval]');
    await page.waitForSelector('[data-testid=task-diagram] .djs-element.inbox-current[data-element-id=finance_approval]');
    // English switch: the inbox speaks English too.
    await page.click('[data-testid=lang-switch]');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    expect(await page.locator('[data-testid=inbox-tab-completed]').textContent()).to.equal('Completed by me');
    await e2e.screenshot(page, 'inbox-finance');
  });

  it('a purchaser starts an application from the inbox and gets its form (empty submission refused)', async () => {
    const page = await e2e.newPage();
    await e2e.login(page, 'purchaser');
    await page.goto(`${e2e.url}/#/inbox`);
    await page.click('[data-testid=inbox-start-application]');
    await page.waitForSelector('[data-testid=task-view] .fjs-form');
    expect(await page.locator('[data-testid=task-title]').textContent()).to.equal('填报采购申请');
    expect(page.url()).to.contain('tab=mine');
    await page.click('[data-testid=task-submit]');
    await page.waitForSelector('.fjs-form-field-error');
    expect((await page.locator('.fjs-form-field-error').allTextContents()).filter((x) => x.includes('必填项')).length).to.be.at.least(5);
    const mine = await e2e.api('GET', '/api/tasks?scope=mine&elementId=fill_application', 'purchaser');
    expect(mine.body.items.some((x: { state: string }) => x.state === 'created')).to.equal(true);
  });
});
