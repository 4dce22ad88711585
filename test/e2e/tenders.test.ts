/**
 * 招标投标 in Chromium on the real system. Seeding goes through the public APIs only, as each role would: the
 * purchaser's application (POST /api/projects), the approvals and the agency's 招标准备 completed through the inbox
 * API (/api/tasks/:id/complete), after which the chain's publish-tender worker publishes the tender. Then the
 * supplier, in the browser: sees the open tender with its countdown, fills the price schedule (line totals and
 * total computed exactly in fen), uploads the bid PDF, submits, sees the receipt (SHA-256, time, salt) and withdraws
 * the bid before the deadline; bids again and replaces the bid; the purchaser reads the tender and the project's
 * deadline with its legal basis; once the (server's) clock passes the deadline, a withdrawal is refused and the page
 * says the window is closed. Screenshots: test/artifacts/tenders*.png.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ManualClock } from '../../server/clock.ts';
import { receiptDigest } from '../../server/tender/sealing.ts';
import { startChain, type Chain } from '../chain/driver.ts';
import { approvedProject, challengeBody, confirmWinner, runToConfirmation, threeBidders } from '../chain/steps.ts';
import { ARTIFACTS, CHROMIUM, DEMO_PASSWORD, ensureWebBuilt, startE2E, type E2E } from './harness.ts';

/** Who completes which step of the chain while seeding, and with what. */
const ACTORS: Record<string, { user: string; variables: (deadline: string) => Record<string, unknown> }> = {
  city_finance_approval: { user: 'city_finance', variables: () => ({ decision: 'approve', comment: '同意。' }) },
  dept_approval: { user: 'dept_approver', variables: () => ({ decision: 'approve', comment: '同意。' }) },
  finance_approval: { user: 'finance_section', variables: () => ({ decision: 'approve', comment: '预算已落实，同意。' }) },
  supervisor_approval: { user: 'supervisor', variables: () => ({ decision: 'approve', comment: '同意按程序采购。' }) },
  prepare_tender: {
    user: 'agency',
    variables: (bidDeadline) => ({
      evaluationMethod: 'comprehensive', priceWeightPercent: 30, technicalWeightPercent: 50, businessWeightPercent: 20, smeDeductionPercent: 10,
      qualificationRequirements: '具有独立承担民事责任的能力；具有良好的商业信誉和健全的财务会计制度；参加政府采购活动前三年内无重大违法记录。',
      scoringCriteria: '价格分 40 分（低价优先法）；技术分 40 分（配置、性能、售后）；商务分 20 分（业绩、信誉）。',
      bidDeadline, openingPlace: '涪城区公共资源交易中心开标一室', depositYuan: 2000,
    }),
  },
};

/** `YYYY-MM-DDTHH:mm` in Asia/Shanghai, `days` from now at 09:30. */
function shanghaiLocal(days: number): string {
  const d = new Date(Date.now() + days * 86_400_000 + 8 * 3_600_000);
  return `${d.toISOString().slice(0, 10)}T09:30`;
}

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

describe('tenders and bids (Chromium)', function () {
  this.timeout(240_000);
  let e2e: E2E;
  const projectName = '涪城区卫健局办公打印机采购项目';
  let tenderId = 0;
  let projectId = 0;
  let bidDeadlineAt = '';
  // The server's clock: starts now, jumps past the bid deadline in the last test (tokens live long enough for it).
  const clock = new ManualClock(new Date());

  before(async () => {
    e2e = await startE2E({ clock, env: { JWT_EXPIRES_IN: '400d' } });
    const goods = await e2e.api('GET', `/api/goods?q=${encodeURIComponent('台式计算机')}&limit=5`, 'purchaser');
    const agencies = await e2e.api('GET', '/api/agencies?status=active', 'purchaser');
    const created = await e2e.api('POST', '/api/projects', 'purchaser', {
      projectName, categoryCode: 'A02010104', procurementType: 'goods', method: '公开招标', budgetYuan: 120000, maxPriceYuan: 118000,
      fundingSource: '一般公共预算资金', organisationForm: '分散采购', importedProducts: false, smeReserved: false, deliveryDate: '2099-09-01',
      deliveryPlace: '涪城区卫健局', description: '办公用台式计算机 10 台与配套打印设备，含送货安装与三年保修。', agencyId: agencies.body.items[0].id,
      items: [
        { itemCode: String(goods.body.items[0].id), itemName: goods.body.items[0].name, quantity: 10, unit: goods.body.items[0].unit, unitPriceYuan: 5200 },
        { itemCode: String(goods.body.items[1].id), itemName: goods.body.items[1].name, quantity: 3, unit: goods.body.items[1].unit, unitPriceYuan: 7800 },
      ],
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const project = created.body.project ?? created.body;
    const instanceId: string = project.instanceId;
    projectId = project.id;
    expect(instanceId, 'the project names its instance').to.be.a('string');
    const deadline = shanghaiLocal(40);

    // Drive the chain as each role would until the tender is published (the workers run in between).
    const seen: string[] = [];
    for (let round = 0; round < 400 && !tenderId; round++) {
      const tenders = await e2e.api('GET', '/api/tenders', 'supplier');
      const mine = (tenders.body.tenders as { tenderId: number; projectName: string }[]).find((x) => x.projectName === projectName);
      if (mine) {
        tenderId = mine.tenderId;
        bidDeadlineAt = (mine as unknown as { bidDeadlineAt: string }).bidDeadlineAt;
        break;
      }
      let acted = false;
      for (const [elementId, actor] of Object.entries(ACTORS)) {
        const tasks = await e2e.api('GET', `/api/tasks?elementId=${elementId}&pageSize=100`, actor.user);
        const task = (tasks.body.items ?? []).find((x: { instanceId: string; state: string }) => x.instanceId === instanceId && x.state === 'created');
        if (!task) continue;
        const done = await e2e.api('POST', `/api/tasks/${task.id}/complete`, actor.user, { variables: actor.variables(deadline) });
        expect(done.status, `${elementId}: ${JSON.stringify(done.body)}`).to.equal(200);
        seen.push(elementId);
        acted = true;
      }
      if (!acted) await new Promise((r) => setTimeout(r, 250));
    }
    expect(tenderId, `tender published after ${seen.join(' → ')}`).to.be.greaterThan(0);
  });
  after(async () => {
    await e2e?.close();
  });

  it('a supplier sees the open tender, bids, gets the receipt and withdraws before the deadline', async () => {
    const page = await e2e.newPage();
    page.on('dialog', (d) => void d.accept());
    await e2e.login(page, 'supplier');
    await page.click('nav.menu a[href="#/tenders"]');
    const row = page.locator('[data-testid=tenders-table] tbody tr', { hasText: projectName });
    await row.waitFor();
    expect(await row.textContent()).to.contain('公开招标');
    expect(await row.locator('[data-testid=countdown]').textContent()).to.match(/\d+ 天/);
    await e2e.screenshot(page, 'tenders-list');

    await row.click();
    await page.waitForSelector('[data-testid=bid-form]');
    expect(await page.locator('[data-testid=tender-deadline]').textContent()).to.match(/\d{4}-\d{2}-\d{2} 09:30/);
    const lines = await page.locator('[data-testid=bid-schedule] tbody tr').count();
    expect(lines).to.equal(2);
    // Unit prices in 元; totals exact in fen: 10 × 5,100.10 + 3 × 7,650.05 = 51,001.00 + 22,950.15 = 73,951.15.
    await page.fill('input[name="prices.0.unitPriceYuan"]', '5100.1');
    await page.fill('input[name="prices.1.unitPriceYuan"]', '7,650.05');
    expect(await page.locator('[data-testid=bid-line-total-0]').textContent()).to.equal('51,001.00');
    expect(await page.locator('[data-testid=bid-line-total-1]').textContent()).to.equal('22,950.15');
    expect(await page.locator('[data-testid=bid-total]').textContent()).to.equal('73,951.15');
    // A price that is no amount is caught at its line.
    await page.fill('input[name="prices.1.unitPriceYuan"]', '7650.055');
    await page.waitForSelector('[data-testid=bid-line-1] .field-error');
    await page.fill('input[name="prices.1.unitPriceYuan"]', '7650.05');
    await page.fill('#f-deliveryPeriod', '合同签订后 30 日内交货并安装调试');
    await page.check('[data-testid=bid-sme]');
    await page.selectOption('[data-testid=bid-scale]', 'small');
    await page.setInputFiles('[data-testid=bid-file]', { name: '投标文件.pdf', mimeType: 'application/pdf', buffer: PDF });
    await page.waitForSelector('[data-testid=bid-file-uploaded]');
    await page.click('[data-testid=bid-submit]');

    await page.waitForSelector('[data-testid=bid-receipt]');
    const sha = await page.locator('[data-testid=receipt-sha256]').textContent();
    expect(sha).to.match(/^[0-9a-f]{64}$/);
    expect(await page.locator('[data-testid=receipt-salt]').textContent()).to.have.length.greaterThan(8);
    expect(await page.locator('[data-testid=receipt-time]').textContent()).to.match(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    expect(await page.locator('[data-testid=bid-receipt]').textContent()).to.contain('如何核验');
    // The page recomputes the digest from what it sent and the receipt (as the note tells the supplier to do) …
    await page.waitForSelector('[data-testid=receipt-check][data-ok=true]');
    // … and the saved record gives the same digest with the server's own function.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=receipt-save]')]);
    const record = JSON.parse(fs.readFileSync((await download.path())!, 'utf8'));
    expect(record.sha256).to.equal(sha);
    expect(receiptDigest({ tenderId: record.tenderId, content: record.content, salt: record.salt, files: record.files, submittedAt: record.submittedAt })).to.equal(sha);
    expect(record.content.totalPriceFen).to.equal(7_395_115);
    const bidId = Number(await page.locator('[data-testid=receipt-bid-id]').textContent());
    await page.waitForSelector(`[data-testid=my-bid-${bidId}] [data-testid=bid-withdraw]`);
    await e2e.screenshot(page, 'tenders-receipt');

    // The server holds the bid with the same receipt.
    const own = await e2e.api('GET', `/api/tenders/${tenderId}/bids`, 'supplier');
    const held = own.body.bids.find((b: { bidId: number }) => b.bidId === bidId);
    expect(held.status).to.equal('submitted');
    expect(held.receipt.sha256).to.equal(sha);

    // Withdraw before the deadline.
    await page.click(`[data-testid=my-bid-${bidId}] [data-testid=bid-withdraw]`);
    await page.waitForSelector(`[data-testid=my-bid-${bidId}][data-status=withdrawn]`);
    expect(await page.locator(`[data-testid=my-bid-${bidId}] [data-testid=bid-withdraw]`).count()).to.equal(0);
    // The form is back for a new bid.
    await page.waitForSelector('[data-testid=bid-form]');
    const after = await e2e.api('GET', `/api/tenders/${tenderId}/bids`, 'supplier');
    expect(after.body.bids.find((b: { bidId: number }) => b.bidId === bidId).status).to.equal('withdrawn');
    await e2e.screenshot(page, 'tenders-withdrawn');
  });

  /** Fills the price schedule (integer quantities 10 and 3) and the required fields, then submits. */
  async function bid(page: Page, unitPrices: [string, string]): Promise<number> {
    await page.waitForSelector('[data-testid=bid-form]');
    await page.fill('input[name="prices.0.unitPriceYuan"]', unitPrices[0]);
    await page.fill('input[name="prices.1.unitPriceYuan"]', unitPrices[1]);
    await page.fill('#f-deliveryPeriod', '合同签订后 30 日内交货并安装调试');
    await page.click('[data-testid=bid-submit]');
    // The receipt of this submission (the form is gone once it is in).
    await page.waitForSelector('[data-testid=bid-form]', { state: 'detached' });
    await page.waitForSelector('[data-testid=bid-receipt]');
    return Number(await page.locator('[data-testid=receipt-bid-id]').textContent());
  }

  it('the agency publishes a clarification on the tender page; suppliers see it', async () => {
    const page = await e2e.newPage();
    await e2e.login(page, 'agency');
    await page.goto(`${e2e.url}/#/tenders/${tenderId}`);
    await page.waitForSelector('[data-testid=amendment-form]');
    // Nothing filled: the server names the fields.
    await page.click('[data-testid=amendment-submit]');
    await page.waitForSelector('[data-testid=amendment-form] [data-testid=error-box]');
    await page.fill('#f-change-item', '售后服务响应时间');
    await page.fill('#f-change-original', '接到报修后 24 小时内到场');
    await page.fill('#f-change-revised', '接到报修后 4 小时内响应、24 小时内到场');
    await page.click('[data-testid=amendment-submit]');
    await page.waitForSelector('[data-testid=tender-amendments] li');
    expect(await page.locator('[data-testid=tender-amendments]').textContent()).to.contain('4 小时内响应');

    const supplier = await e2e.newPage();
    await e2e.login(supplier, 'supplier');
    await supplier.goto(`${e2e.url}/#/tenders/${tenderId}`);
    await supplier.waitForSelector('[data-testid=tender-amendments] li');
    expect(await supplier.locator('[data-testid=tender-amendments]').textContent()).to.contain('售后服务响应时间');
    expect(await supplier.locator('[data-testid=amendment-form]').count()).to.equal(0);
  });

  it('the purchaser reads the tender (no bid form) and the project shows the tender and its deadline with the legal basis', async () => {
    const page = await e2e.newPage();
    await e2e.login(page, 'purchaser');
    await page.goto(`${e2e.url}/#/tenders/${tenderId}`);
    await page.waitForSelector('[data-testid=tender-page]');
    expect(await page.locator('[data-testid=bid-form]').count()).to.equal(0);
    await page.waitForSelector('text=只有供应商可以投标。');
    await page.goto(`${e2e.url}/#/projects/${projectId}`);
    await page.waitForSelector('[data-testid=project-tender]');
    const deadlines = page.locator('[data-testid=project-deadlines]');
    await deadlines.waitFor();
    const text = (await deadlines.textContent())!;
    expect(text).to.contain('投标截止时间');
    expect(text).to.match(/T1|T3|Art\./);
    expect(await page.locator('[data-testid=project-tender] a').getAttribute('href')).to.equal(`#/tenders/${tenderId}`);
    await e2e.screenshot(page, 'tenders-project');
    // The list: current step and the next deadline, its legal basis in the tooltip.
    await page.goto(`${e2e.url}/#/projects`);
    const row = page.locator('[data-testid=projects-table] tbody tr', { hasText: projectName });
    await row.locator('[data-testid=next-deadline]').waitFor();
    expect(await row.locator('[data-testid=next-deadline]').textContent()).to.match(/投标截止时间 \d{4}-\d{2}-\d{2} 09:30/);
    expect(await row.locator('[data-testid=next-deadline]').getAttribute('title')).to.match(/^法定依据：.*T1/);
    expect(await row.locator('[data-testid=project-step]').textContent()).to.not.equal('—');
    await page.goto(`${e2e.url}/#/projects/${projectId}`);
    await deadlines.waitFor();
    await page.click('[data-testid=lang-switch]');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    expect(await deadlines.textContent()).to.contain('bid deadline');
  });

  it('a supplier replaces its bid; after the deadline a withdrawal is refused and the page says the window is closed', async () => {
    const page = await e2e.newPage();
    page.on('dialog', (d) => void d.accept());
    await e2e.login(page, 'supplier');
    await page.goto(`${e2e.url}/#/tenders/${tenderId}`);
    const first = await bid(page, ['5000', '7500']);
    await page.click(`[data-testid=my-bid-${first}] [data-testid=bid-replace]`);
    expect(await page.locator('[data-testid=bid-receipt]').count(), 'the replaced bid\'s receipt is put away').to.equal(0);
    const second = await bid(page, ['4999.99', '7499.99']);
    expect(second).to.not.equal(first);
    await page.waitForSelector(`[data-testid=my-bid-${first}][data-status=replaced]`);
    await page.waitForSelector(`[data-testid=my-bid-${second}][data-status=submitted] [data-testid=bid-withdraw]`);

    // The server's clock passes the deadline; the page (opened before) still offers the button: the server refuses.
    clock.set(new Date(Date.parse(bidDeadlineAt) + 60_000));
    await page.click(`[data-testid=my-bid-${second}] [data-testid=bid-withdraw]`);
    await page.waitForSelector('[data-testid=my-bids] [data-testid=error-box]');
    expect(await page.locator('[data-testid=my-bids] [data-testid=error-box]').textContent()).to.contain('投标截止时间已到');
    await e2e.screenshot(page, 'tenders-refused');
    const held = await e2e.api('GET', `/api/tenders/${tenderId}/bids`, 'supplier');
    expect(held.body.bids.find((b: { bidId: number }) => b.bidId === second).status).to.be.oneOf(['submitted', 'opened']);
    // Reloaded: the window is closed, no form, no withdrawal.
    await page.reload();
    await page.waitForSelector('[data-testid=bid-closed]');
    expect(await page.locator('[data-testid=bid-closed]').textContent()).to.contain('投标已截止');
    expect(await page.locator('[data-testid=bid-form]').count()).to.equal(0);
    expect(await page.locator('[data-testid=bid-withdraw]').count()).to.equal(0);
  });
});

/**
 * After the award, in Chromium against the chain driver's system (test/chain/driver.ts: every worker, a controlled
 * clock, three bidders, drawn experts scoring in their inboxes — all through the public API): the purchaser's
 * project page shows the ranking and the award; a bidder files a challenge (质疑) on the tender page and sees it
 * listed with its reply deadline; a supplier that did not bid is refused by the server, the refusal shown.
 */
describe('tenders after the award (Chromium, chain driver)', function () {
  this.timeout(240_000);
  let c: Chain;
  let server: Server;
  let url = '';
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let tenderId = 0;
  let projectId = 0;

  before(async () => {
    await ensureWebBuilt();
    c = await startChain();
    const bidders = await threeBidders(c);
    await c.expertAccounts();
    const id = await approvedProject(c);
    const run = await runToConfirmation(c, id, bidders);
    tenderId = run.tenderId;
    const v = await c.vars(id);
    await confirmWinner(c, id, v.firstCandidateBidId as number);
    const projects = await c.get('purchaser', '/api/projects');
    projectId = projects.body.items.find((p: { instanceId: string }) => p.instanceId === id).id;
    server = c.app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
  });
  after(async () => {
    for (const ctx of contexts) await ctx.close().catch(() => {});
    await browser?.close();
    await new Promise((r) => (server ? server.close(r) : r(null)));
    await c?.close();
  });

  async function loggedIn(username: string): Promise<Page> {
    const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 860 } });
    contexts.push(ctx);
    const page = await ctx.newPage();
    page.on('pageerror', (err) => console.error(`[browser] ${err.message}`));
    await page.goto(`${url}/#/login`);
    await page.fill('input[name=username]', username);
    await page.fill('input[name=password]', DEMO_PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-testid=user-name]');
    return page;
  }

  it('the purchaser sees the ranking and the award on the project page', async () => {
    const page = await loggedIn('purchaser');
    await page.goto(`${url}/#/projects/${projectId}`);
    await page.waitForSelector('[data-testid=project-ranking] tbody tr');
    expect(await page.locator('[data-testid=project-ranking] tbody tr').count()).to.equal(3);
    const first = (await page.locator('[data-testid=project-ranking] tbody tr').first().textContent())!;
    const award = (await page.locator('[data-testid=project-award]').textContent())!;
    // The first of the ranking is the awarded supplier, with an exact amount in 元.
    const winner = ['成都蓉星计算机系统有限公司', '四川长虹教育科技有限公司', '绵阳市科创电子科技有限公司'].find((n) => first.includes(n))!;
    expect(winner, first).to.be.a('string');
    expect(award).to.contain(winner);
    expect(award).to.match(/\d{1,3}(,\d{3})*\.\d{2} 元/);
    expect(award).to.contain('质疑期限');
    await e2e_screenshot(page, 'tenders-award-project');
  });

  it('a bidder files a challenge on the tender page; a supplier that did not bid is refused', async () => {
    const page = await loggedIn('sup_rongxing');
    await page.goto(`${url}/#/tenders/${tenderId}`);
    await page.waitForSelector('[data-testid=challenge-form]');
    // Its bid shows as opened; the window is closed for bids.
    await page.waitForSelector('[data-testid=my-bids] tr[data-status=opened]');
    await page.waitForSelector('[data-testid=bid-closed]');
    await page.fill('#f-item', '中标结果');
    await page.fill('#f-request', '请求认定第一中标候选人投标无效并重新评审。');
    await page.fill('#f-facts', '第一中标候选人所投产品的内存配置不满足招标文件第三章第 2.1 条实质性要求（≥ 16GB）。');
    await page.fill('#f-law', '《政府采购货物和服务招标投标管理办法》（财政部令第87号）第六十三条');
    await page.click('[data-testid=challenge-submit]');
    await page.waitForSelector('[data-testid=challenges] li[data-testid^=challenge-]');
    const listed = (await page.locator('[data-testid=challenges] li[data-testid^=challenge-]').first().textContent())!;
    expect(listed).to.contain('中标（成交）结果');
    expect(listed).to.contain('答复期限');
    const api = await c.get('sup_rongxing', `/api/tenders/${tenderId}/challenges`);
    expect(api.body.challenges).to.have.length(1);
    await e2e_screenshot(page, 'tenders-challenge');

    // The demo supplier did not bid: no form for it, and the server would refuse it anyway.
    const other = await loggedIn('supplier');
    await other.goto(`${url}/#/tenders/${tenderId}`);
    await other.waitForSelector('[data-testid=challenge-unavailable]');
    expect(await other.locator('[data-testid=challenge-form]').count()).to.equal(0);
    expect((await c.post('supplier', `/api/tenders/${tenderId}/challenges`, challengeBody('未投标。'))).status).to.equal(403);
  });
});

async function e2e_screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}
