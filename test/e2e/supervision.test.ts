/**
 * The supervision centre in Chromium, on the demo chain (a 询价 project at 主管部门审批, a 公开招标 project whose bids
 * are still sealed): the supervisor sees instances by step, clicks through to the instances waiting there, finds a
 * person recorded at two stages (inserted as old data), and the tender's record shows no bid count before the
 * opening. Not in a purchaser's menu.
 */
import { expect } from 'chai';
import { startE2E, type E2E } from './harness.ts';

describe('supervision page (Chromium)', function () {
  this.timeout(120_000);
  let e2e: E2E;
  before(async () => {
    e2e = await startE2E({ env: { SEED_DEMO_CHAIN: 'true' } });
    const [row] = await e2e.system.db.sequelize.query<{ instance_id: string }>("SELECT instance_id FROM stage_actions WHERE actor = 'dept_approver' LIMIT 1", { type: (await import('sequelize')).QueryTypes.SELECT });
    await e2e.system.db.sequelize.query("INSERT INTO stage_actions (instance_id, stage, element_id, actor, task_id, at) VALUES (?, 'supervisor', 'supervisor_approval', 'dept_approver', 'legacy-e2e-1', ?)", { replacements: [row!.instance_id, new Date()] });
  });
  after(async () => {
    await e2e?.close();
  });

  it('overview by step, click-through to the instances, multi-stage actors, sealed tender record', async () => {
    const page = await e2e.newPage();
    await e2e.login(page, 'supervisor');
    await page.goto(`${e2e.url}/#/supervision`);
    await page.waitForSelector('[data-testid=supervision-steps] tbody tr.clickable');
    const deptRow = page.locator('[data-testid=supervision-steps] tr', { hasText: '主管部门审批' });
    expect(await deptRow.count()).to.equal(1);
    expect(await page.textContent('[data-testid=attention-multiStageActors] strong')).to.equal('1');
    await deptRow.click();
    await page.waitForSelector('[data-testid=instances-step-filter]');
    await page.waitForFunction(() => document.querySelector('[data-testid=instances-total]')?.textContent === '共 1 个');
    expect(await page.textContent('[data-testid=supervision-instances] tbody')).to.contain('主管部门审批（dept_approver');
    // Which law the project runs under: the regime badge, and the process filter (the demo's works tender waits at 招标备案).
    expect(await page.getAttribute('[data-testid=supervision-instances] tbody [data-testid=regime-badge]', 'data-regime')).to.equal('procurement');
    expect(await page.textContent('[data-testid=supervision-instances] tbody [data-testid=regime-badge]')).to.equal('政府采购');
    await e2e.screenshot(page, 'supervision-instances');
    await page.selectOption('[data-testid=instances-process]', 'works_tender');
    await page.waitForFunction(() => document.querySelector('[data-testid=instances-total]')?.textContent === '共 1 个');
    // The list re-renders after the total: wait until the only row is the works tender.
    await page.waitForFunction(() => {
      const badges = [...document.querySelectorAll('[data-testid=supervision-instances] tbody [data-testid=regime-badge]')];
      return badges.length === 1 && badges[0]!.getAttribute('data-regime') === 'works';
    });
    expect(await page.textContent('[data-testid=instances-process] option:checked')).to.equal('工程建设项目招标');
    expect(await page.textContent('[data-testid=supervision-instances] tbody')).to.contain('FCGC-').and.contain('招标备案');

    await page.click('[data-testid=tab-multiStage]');
    await page.waitForFunction(() => document.querySelector('[data-testid=supervision-multistage] tbody')?.textContent?.includes('dept_approver'));
    const multi = await page.textContent('[data-testid=supervision-multistage] tbody');
    expect(multi).to.contain('dept_approver').and.contain('主管部门审批').and.contain('监督审批');

    await page.click('[data-testid=tab-tenders]');
    await page.waitForFunction(() => document.querySelector('[data-testid=supervision-tenders] tbody')?.textContent?.includes('未开标（保密）'));
    expect(await page.textContent('[data-testid=supervision-tenders] tbody')).to.contain('涪城区教育局计算机教室设备采购项目');

    await page.click('[data-testid=tab-overdue]');
    await page.waitForSelector('[data-testid=supervision-overdue]');
    await page.click('[data-testid=tab-incidents]');
    await page.waitForSelector('[data-testid=supervision-incidents]');
    await e2e.screenshot(page, 'supervision-incidents');
  });

  it('is not in a purchaser\'s menu', async () => {
    const page = await e2e.newPage();
    await e2e.login(page, 'purchaser');
    expect(await page.locator('nav.menu a[href="#/supervision"]').count()).to.equal(0);
  });
});
