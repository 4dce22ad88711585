/**
 * Chain scenario (b), issue 4 "done when": a return-and-revise loop. The department returns the application with
 * its reasons; the purchaser sees them on 修改或撤回申请, revises the budget and resubmits; the same department
 * stage approves the second time (allowed: the same stage twice), the finance section and the supervisor approve,
 * the 政府采购项目审批表 is filed with the revised amount, and the agency gets 准备招标文件.
 */
import { expect } from 'chai';
import { approve, giveBack, pick, startChain, type Chain } from './driver.ts';
import { application, fileApplication } from './fixtures.ts';

describe('chain (b): return and revise', function () {
  this.timeout(60_000);
  let c: Chain;
  let id = '';
  before(async () => {
    c = await startChain();
  });
  after(async () => {
    await c?.close();
  });

  it('the department returns the application with its reasons; the task goes back to the applicant only', async () => {
    id = await fileApplication(c, 'purchaser');
    const dept = await c.task('dept_approver', id, 'dept_approval');
    expect(dept.projectNumber).to.match(/^FCZC-2026-\d{4}$/);
    // A return needs the opinion.
    const bare = await c.tryComplete('dept_approver', dept.id, { decision: 'return' });
    expect(bare.status).to.equal(422);
    expect(bare.body.error.details.map((d: { path: string }) => d.path)).to.deep.equal(['variables.comment']);
    await c.complete('dept_approver', id, 'dept_approval', giveBack('预算偏高：台式计算机单价请按 2026 年配置标准（≤ 5,000 元）重新测算。'));
    expect(await c.inbox('dept_approver', { instanceId: id })).to.deep.equal([]);
    expect(await c.inbox('finance_section', { instanceId: id })).to.deep.equal([]);
    const revise = await c.task('purchaser', id, 'revise_or_withdraw');
    expect(revise.assignee).to.equal('purchaser');
    // The revise form shows the return's opinion.
    const detail = await c.taskDetail('purchaser', revise.id);
    expect(detail.variables).to.include({ deptDecision: 'return', deptComment: '预算偏高：台式计算机单价请按 2026 年配置标准（≤ 5,000 元）重新测算。' });
  });

  it('the purchaser revises the amounts and resubmits; the department sees the revised application', async () => {
    const revise = await c.task('purchaser', id, 'revise_or_withdraw');
    const revised = application({
      budgetYuan: 200_000,
      maxPriceYuan: 198_000,
      items: [{ itemCode: 'A02010104', itemName: '台式计算机', quantity: 40, unit: '台', unitPriceYuan: 4950 }],
    });
    const keys = await c.formKeys('purchaser', revise.id);
    const res = await c.tryComplete('purchaser', revise.id, { ...pick(revised, keys), applicantAction: 'resubmit', revisionNote: '已按配置标准将单价调整为 4,950 元，预算调减为 20 万元。' });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const dept = await c.task('dept_approver', id, 'dept_approval');
    const shown = await c.taskDetail('dept_approver', dept.id);
    expect(shown.variables).to.include({ budgetYuan: 200_000, budgetFen: 20_000_000, maxPriceFen: 19_800_000 });
  });

  it('the same department approves the second time, then finance and the supervisor; the approval form carries the revised budget', async () => {
    await c.complete('dept_approver', id, 'dept_approval', approve('调整后的预算符合配置标准，同意。'));
    await c.complete('finance_section', id, 'finance_approval', approve('预算指标已落实。'));
    await c.complete('supervisor', id, 'supervisor_approval', approve('同意按公开招标方式采购。'));
    await c.expectNoIncidents(id);

    const history = (await c.instance(id)).history.filter((h) => h.elementId === 'dept_approval' && h.event === 'completed');
    expect(history.map((h) => h.actor)).to.deep.equal(['dept_approver', 'dept_approver']);

    const docs = await c.documents('purchaser', id);
    const form = docs.find((d) => d.templateId === 'approval-form');
    expect(form, `approval form among ${JSON.stringify(docs.map((d) => d.templateId))}`).to.exist;
    const data = await c.documentData('purchaser', form!.id);
    expect(data).to.deep.include({ approvedBudgetFen: 20_000_000, approvedMethod: '公开招标' });
    expect((data.approvals as { level: string; opinion: string }[]).map((a) => a.opinion)).to.include('调整后的预算符合配置标准，同意。');
  });

  it('after the approvals the agency named in the application prepares the tender (CHAIN.md B)', async () => {
    const prepare = await c.task('agency', id, 'prepare_tender');
    expect(prepare.elementId).to.equal('prepare_tender');
    // Not the purchaser's or the approvers' task.
    for (const u of ['purchaser', 'dept_approver', 'supervisor', 'supplier']) {
      expect((await c.inbox(u, { instanceId: id })).map((t) => t.elementId), u).to.not.include('prepare_tender');
    }
  });
});

describe('chain (b2): the application check sends an inconsistent application back with its problems', function () {
  this.timeout(60_000);
  let c: Chain;
  before(async () => {
    c = await startChain();
  });
  after(async () => {
    await c?.close();
  });

  it('items worth more than the budget: check-application returns it to the purchaser naming the problem; fixed, it reaches the department', async () => {
    // 40 × 6,000 = 240,000 元 > budget 220,000 元: the form alone cannot see this, the check must.
    const id = await fileApplication(c, 'purchaser', application({ items: [{ itemCode: 'A02010104', itemName: '台式计算机', quantity: 40, unit: '台', unitPriceYuan: 6000 }] }));
    await c.expectNoIncidents(id);
    expect(await c.inbox('dept_approver', { instanceId: id })).to.deep.equal([]);
    const revise = await c.task('purchaser', id, 'revise_or_withdraw');
    const problems = (await c.taskDetail('purchaser', revise.id)).variables.applicationProblems as { path: string; reason: string }[];
    expect(problems, 'applicationProblems').to.be.an('array').that.is.not.empty;
    expect(problems.map((p) => p.path).join(' ')).to.match(/items|budget/);
    const keys = await c.formKeys('purchaser', revise.id);
    const res = await c.tryComplete('purchaser', revise.id, { ...pick(application(), keys), applicantAction: 'resubmit', revisionNote: '单价按配置标准调整为 5,200 元。' });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    await c.task('dept_approver', id, 'dept_approval');
    expect((await c.vars(id)).applicationProblems).to.deep.equal([]);
  });
});
