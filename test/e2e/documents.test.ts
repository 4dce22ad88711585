/**
 * Documents in a real Chromium: an agency picks the 中标结果公告 template, fills the generated form (sample data),
 * sees the server's problems at the fields, previews the document in a sandboxed iframe, saves it, downloads the PDF
 * and the Word file, and saves an edited second version; a supplier may only read the catalogue.
 */
import fs from 'node:fs';
import { expect } from 'chai';
import { startE2E, type E2E } from './harness.ts';

describe('documents pages (Chromium)', function () {
  this.timeout(120_000);
  let e2e: E2E;
  before(async () => {
    e2e = await startE2E();
  });
  after(async () => {
    await e2e?.close();
  });

  it('generates, previews, saves, downloads and regenerates a document', async () => {
    const page = await e2e.newPage();
    await e2e.login(page, 'agency');
    await page.click('a[href="#/documents"]');
    await page.waitForSelector('[data-testid=template-list] li >> nth=19');
    await page.click('[data-testid=template-award-notice]');
    await page.waitForSelector('[data-testid=document-form]');
    expect(await page.locator('h1').textContent()).to.contain('中标（成交）结果公告');

    // Empty form: saving lists every problem, each at its field; nothing is stored.
    await page.click('[data-testid=save]');
    await page.waitForSelector('[data-testid=error-box]');
    expect(await page.locator('[data-field="noticeDate"] .field-error').textContent()).to.contain('必填');
    expect(await page.locator('[data-field="project.projectName"] .field-error').textContent()).to.contain('必填');
    expect((await e2e.api('GET', '/api/documents?project=FCZC-2026-0007', 'agency')).body.total).to.equal(0);

    // Sample data, then one change typed in 元: the amount is kept as integer fen.
    await page.click('[data-testid=load-sample]');
    await page.fill('[data-field="awardAmountFen"] input', '3,526,800.00');
    await page.fill('[data-field="medium"] input', '四川政府采购网');
    await page.click('[data-testid=preview]');
    const frame = page.frameLocator('[data-testid=preview-frame]');
    await frame.locator('h1.doc-title').waitFor();
    expect(await frame.locator('h1.doc-title').textContent()).to.equal('中标（成交）结果公告');
    expect(await frame.locator('body').textContent()).to.contain('人民币叁佰伍拾贰万陆仟捌佰元整');
    expect(await page.locator('[data-testid=preview-frame]').getAttribute('sandbox')).to.equal('');
    await e2e.screenshot(page, 'documents-preview');

    await page.click('[data-testid=save]');
    await page.waitForSelector('[data-testid=document-frame]');
    expect(await page.locator('[data-testid=document-title]').textContent()).to.contain('中标（成交）结果公告');
    const viewFrame = page.frameLocator('[data-testid=document-frame]');
    await viewFrame.locator('h1.doc-title').waitFor();
    expect(await viewFrame.locator('body').textContent()).to.contain('绵阳科华教育装备有限公司');

    const [pdf] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=download-pdf]')]);
    expect(pdf.suggestedFilename()).to.match(/\.pdf$/);
    const pdfBytes = fs.readFileSync((await pdf.path())!);
    expect(pdfBytes.subarray(0, 5).toString()).to.equal('%PDF-');
    const [docx] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=download-docx]')]);
    expect(docx.suggestedFilename()).to.match(/\.docx$/);
    expect(fs.readFileSync((await docx.path())!).subarray(0, 2).toString()).to.equal('PK');

    // Edit into a second version; the first stays listed.
    await page.click('[data-testid=regenerate]');
    await page.waitForSelector('[data-field="medium"] input');
    await page.waitForFunction(() => (document.querySelector('[data-field="medium"] input') as HTMLInputElement)?.value === '四川政府采购网');
    await page.fill('[data-field="medium"] input', '四川政府采购网、绵阳市公共资源交易服务中心网');
    await page.click('[data-testid=save]');
    await page.waitForSelector('[data-testid=versions] li >> nth=1');
    expect(await page.locator('[data-testid=versions] li').count()).to.equal(2);
    await page.frameLocator('[data-testid=document-frame]').locator('text=绵阳市公共资源交易服务中心网').first().waitFor();
    await e2e.screenshot(page, 'documents-view');

    const list = await e2e.api('GET', '/api/documents?project=FCZC-2026-0007', 'agency');
    expect(list.body.documents).to.have.length(1);
    expect(list.body.documents[0]).to.include({ templateId: 'award-notice', latestVersion: 2, projectNumber: 'FCZC-2026-0007' });
  });

  it('shows a supplier the catalogue read-only and no one else’s documents', async () => {
    const page = await e2e.newPage();
    await e2e.login(page, 'supplier');
    await page.goto(`${e2e.url}/#/documents`);
    await page.waitForSelector('[data-testid=template-list] li >> nth=19');
    expect(await page.locator('[data-testid=template-award-notice]').count()).to.equal(0);
    expect(await page.locator('[data-testid=documents-table] tbody').textContent()).to.not.contain('中标');
  });
});
