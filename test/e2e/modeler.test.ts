/**
 * The modeller in a real Chromium: the admin opens the shipped procurement model, renames a step and changes a
 * candidate group in the Zeebe properties panel, sees the server lint flag an unknown form id on the element, fixes
 * it and deploys version 2. An instance started before stays on version 1, one started after runs version 2, and
 * the diff view (also for the supervisor) lists exactly the two changes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { startE2E, type E2E } from './harness.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('process modeller (Chromium)', function () {
  this.timeout(90_000);
  let e2e: E2E;
  before(async () => {
    e2e = await startE2E();
  });
  after(async () => {
    await e2e?.close();
  });

  /** Selects a diagram element and opens a properties-panel group (collapsed by default). */
  async function select(page: Page, elementId: string, label: string): Promise<void> {
    await page.click(`.djs-element[data-element-id=${elementId}]`);
    await page.locator('.bio-properties-panel-header-label', { hasText: label }).waitFor();
  }
  async function openGroup(page: Page, title: string): Promise<void> {
    const header = page.locator('.bio-properties-panel-group-header', { hasText: title }).first();
    if (!(await header.evaluate((h) => h.classList.contains('open')))) await header.click();
  }
  /** Types into a panel field; the panel applies it after its input debounce. */
  async function setField(page: Page, id: string, value: string): Promise<void> {
    await page.fill(`#bio-properties-panel-${id}`, value);
    await page.locator(`#bio-properties-panel-${id}`).blur();
    await page.waitForTimeout(400);
  }

  it('edit, lint, fix, deploy v2; instances keep their version; the diff lists the two changes', async () => {
    const before = await e2e.api('POST', '/api/processes/procurement/instances', 'purchaser', {});
    expect(before.status, JSON.stringify(before.body)).to.equal(201);
    expect(before.body.version).to.equal(1);

    const page = await e2e.newPage();
    await e2e.login(page, 'process_admin');
    await page.goto(`${e2e.url}/#/modeler`);
    await page.click('[data-testid=open-procurement-1]');
    await page.waitForSelector('.djs-element[data-element-id=dept_approval]');
    expect(await page.locator('[data-testid=modeler-status]').textContent()).to.contain('基于版本 v1');

    // Rename a step.
    await select(page, 'dept_approval', '主管部门审批');
    await openGroup(page, '常规');
    await setField(page, 'name', '主管部门审核');
    // Undo (button) and redo (keyboard, canvas focused) the rename.
    const label = () => page.locator('.djs-element[data-element-id=dept_approval] .djs-label, .djs-element[data-element-id=dept_approval] text').first().textContent();
    expect(await label()).to.equal('主管部门审核');
    await page.click('[data-testid=undo]');
    await page.waitForFunction(() => document.querySelector('.djs-element[data-element-id=dept_approval] text')?.textContent === '主管部门审批');
    await page.locator('[data-testid=modeler-canvas] .djs-container').click({ position: { x: 600, y: 480 } });
    await page.keyboard.press('Control+y');
    await page.waitForFunction(() => document.querySelector('.djs-element[data-element-id=dept_approval] text')?.textContent === '主管部门审核');
    // Change a candidate group, and (by mistake) the form id.
    await select(page, 'city_finance_approval', '市财政审批');
    await openGroup(page, '分配');
    await setField(page, 'assignmentDefinitionCandidateGroups', 'finance_section');
    await openGroup(page, '表单');
    await setField(page, 'formId', 'approval-city');
    expect(await page.locator('[data-testid=modeler-status]').textContent()).to.contain('有未部署的修改');

    await page.click('[data-testid=lint]');
    const problem = page.locator('[data-testid=lint-problem][data-rule="app/form-exists"]');
    await problem.waitFor();
    expect(await problem.getAttribute('data-element')).to.equal('city_finance_approval');
    expect(await problem.textContent()).to.contain('表单 "approval-city" 不存在于 forms/');
    // Shown on the element itself.
    await page.waitForSelector('[data-testid=lint-badge-city_finance_approval]');
    expect(await page.locator('.djs-element[data-element-id=city_finance_approval]').getAttribute('class')).to.contain('lint-error');
    await e2e.screenshot(page, 'modeler-lint-error');

    // Deploying anyway is refused by the server with the same problem.
    await page.fill('[data-testid=deploy-comment]', '市财政审批改由财政采购股办理');
    await page.click('[data-testid=deploy]');
    expect(await page.locator('[data-testid=error-box]').textContent()).to.contain('approval-city');

    // Fix it (clicking the problem selects its element): the lint passes.
    await problem.click();
    await page.locator('.bio-properties-panel-header-label', { hasText: '市财政审批' }).waitFor();
    await openGroup(page, '表单');
    await setField(page, 'formId', 'approval-city-finance');
    await page.click('[data-testid=lint]');
    await page.waitForSelector('[data-testid=lint-ok]');
    expect(await page.locator('[data-testid=lint-badge-city_finance_approval]').count()).to.equal(0);

    await page.click('[data-testid=deploy]');
    await page.waitForSelector('[data-testid=deployed]');
    await page.waitForFunction(() => document.querySelector('[data-testid=modeler-status]')?.textContent?.includes('基于版本 v2'));
    expect(await page.locator('[data-testid=version-select] option').count()).to.equal(2);

    // Running instance stays on v1; a new one uses v2.
    const still = await e2e.api('GET', `/api/instances/${before.body.instanceId}`, 'process_admin');
    expect(still.body.version).to.equal(1);
    const after = await e2e.api('POST', '/api/processes/procurement/instances', 'purchaser', {});
    expect(after.body.version).to.equal(2);

    // The diff lists the two changes.
    await page.click('[data-testid=deployed-diff]');
    await page.waitForSelector('[data-testid=diff-list]');
    const rows = await page.$$eval('[data-testid=diff-row]', (trs) => trs.map((tr) => `${tr.getAttribute('data-element')}|${tr.getAttribute('data-property')}|${tr.querySelector('.old')?.textContent}|${tr.querySelector('.new')?.textContent}`));
    expect(rows).to.deep.equal([
      'city_finance_approval|assignment.candidateGroups|city_finance|finance_section',
      'dept_approval|name|主管部门审批|主管部门审核',
    ]);
    // Coloured on both diagrams.
    await page.waitForSelector('[data-testid=diff-new] .djs-element.diff-changed[data-element-id=dept_approval]');
    await page.waitForSelector('[data-testid=diff-old] .djs-element.diff-changed[data-element-id=city_finance_approval]');
    await e2e.screenshot(page, 'modeler-diff');
  });

  it('the supervisor sees every version and its diff, but no modeller', async () => {
    const page = await e2e.newPage();
    await e2e.login(page, 'supervisor');
    await page.goto(`${e2e.url}/#/modeler`);
    await page.waitForSelector('[data-testid=version-procurement-2]');
    expect(await page.locator('[data-testid=open-procurement-2]').count()).to.equal(0);
    expect(await page.locator('[data-testid=version-procurement-2]').textContent()).to.contain('市财政审批改由财政采购股办理');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-procurement-2]')]);
    expect(download.suggestedFilename()).to.equal('procurement-v2.bpmn');
    const exported = await fs.promises.readFile((await download.path())!, 'utf8');
    expect(exported).to.contain('name="主管部门审核"');
    await page.click('[data-testid=compare-procurement-2]');
    await page.waitForSelector('[data-testid=diff-list]');
    expect(await page.locator('[data-testid=diff-row]').count()).to.equal(2);
  });

  it('imports a .bpmn file into the modeller as a new, undeployed model', async () => {
    const page = await e2e.newPage();
    await e2e.login(page, 'process_admin');
    await page.goto(`${e2e.url}/#/modeler`);
    await page.click('[data-testid=new-process]');
    await page.waitForSelector('.djs-element[data-element-id=StartEvent_1]');
    await page.setInputFiles('[data-testid=import-file]', path.join(ROOT, 'processes', 'process-change.bpmn'));
    await page.waitForSelector('.djs-element[data-element-id=supervisor_review]');
    expect(await page.locator('[data-testid=modeler-status]').textContent()).to.contain('新流程（尚未部署）');
    await page.click('[data-testid=lint]');
    await page.waitForSelector('[data-testid=lint-ok]');
  });
});

describe('process modeller with PROCESS_CHANGE_APPROVAL (Chromium)', function () {
  this.timeout(90_000);
  let e2e: E2E;
  before(async () => {
    e2e = await startE2E({ env: { PROCESS_CHANGE_APPROVAL: 'true' } });
  });
  after(async () => {
    await e2e?.close();
  });

  it('the admin submits the change for approval instead of deploying; the supervisor sees it with its diff', async () => {
    const page = await e2e.newPage();
    await e2e.login(page, 'process_admin');
    await page.goto(`${e2e.url}/#/modeler`);
    await page.click('[data-testid=open-procurement-1]');
    await page.waitForSelector('.djs-element[data-element-id=dept_approval]');
    await page.click('.djs-element[data-element-id=dept_approval]');
    await page.locator('.bio-properties-panel-header-label', { hasText: '主管部门审批' }).waitFor();
    const general = page.locator('.bio-properties-panel-group-header', { hasText: '常规' }).first();
    if (!(await general.evaluate((h) => h.classList.contains('open')))) await general.click();
    await page.fill('#bio-properties-panel-name', '主管部门审核');
    await page.locator('#bio-properties-panel-name').blur();
    await page.waitForTimeout(400);
    expect(await page.locator('[data-testid=deploy]').textContent()).to.equal('提交变更审批');
    await page.fill('[data-testid=deploy-comment]', '主管部门环节改称审核');
    await page.click('[data-testid=deploy]');
    await page.waitForSelector('[data-testid=change-submitted]');
    const versions = await e2e.api('GET', '/api/deployments?bpmnProcessId=procurement', 'supervisor');
    expect(versions.body.items).to.have.length(1);

    const sup = await e2e.newPage();
    await e2e.login(sup, 'supervisor');
    await sup.goto(`${e2e.url}/#/modeler`);
    await sup.waitForSelector('[data-testid=change-requests] tbody tr');
    expect(await sup.locator('[data-testid=change-requests] tbody tr').first().textContent()).to.contain('待审批');
    await sup.click('[data-testid=change-requests] tbody tr button');
    await sup.waitForSelector('[data-testid=diff-list]');
    const rows = await sup.$$eval('[data-testid=diff-row]', (trs) => trs.map((tr) => `${tr.getAttribute('data-element')}|${tr.getAttribute('data-property')}`));
    expect(rows).to.deep.equal(['dept_approval|name']);
    expect(await sup.locator('[data-testid=change-request-status]').textContent()).to.contain('待审批');
    await e2e.screenshot(sup, 'modeler-change-request');
  });
});
