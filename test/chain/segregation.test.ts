/**
 * Chain scenario (h), issue 4 §3: segregation of duties, enforced on completion with a clear 403
 * SEGREGATION_OF_DUTIES. People here hold several roles (a purchaser who is also a department approver, a
 * department approver who also sits in the finance section, a city-finance officer who also approves for the
 * department), as small units do; the roles alone would let them act, the rule must not.
 */
import { expect } from 'chai';
import { approve, giveBack, pick, startChain, type Chain } from './driver.ts';
import { application, approveAll, fileApplication } from './fixtures.ts';

describe('chain (h): segregation of duties', function () {
  this.timeout(60_000);
  let c: Chain;
  before(async () => {
    c = await startChain();
    const edu = await c.organisationId('涪城区教育局');
    const dept = await c.organisationId('涪城区教育局（主管部门审批）');
    const city = await c.organisationId('绵阳市财政局');
    await c.createUser('purchaser_approver', { roles: 'purchaser,dept_approver', organisationId: edu, displayName: '钱经办（兼主管部门审批）' });
    await c.createUser('dept_finance', { roles: 'dept_approver,finance_section', organisationId: dept, displayName: '孙审批（兼采购股）' });
    await c.createUser('city_dept', { roles: 'city_finance,dept_approver', organisationId: city, displayName: '周处长（兼主管部门审批）' });
  });
  after(async () => {
    await c?.close();
  });

  const refused = (res: { status: number; body: { error?: { code: string; message: string } } }) => {
    expect(res.status, JSON.stringify(res.body)).to.equal(403);
    expect(res.body.error!.code).to.equal('SEGREGATION_OF_DUTIES');
    expect(res.body.error!.message).to.match(/[\u4e00-\u9fff].*\(.*[a-z].*\)/); // bilingual 中文 (English)
  };

  it('the applicant never approves their own application: claim and complete are refused, the task stays open for others', async () => {
    const id = await fileApplication(c, 'purchaser_approver');
    const dept = await c.task('dept_approver', id, 'dept_approval');
    refused(await c.post('purchaser_approver', `/api/tasks/${dept.id}/claim`, {}));
    refused(await c.tryComplete('purchaser_approver', dept.id, approve('自己批自己')));
    const after = await c.taskDetail('dept_approver', dept.id);
    expect(after.variables).to.not.have.property('deptDecision');
    expect((await c.task('dept_approver', id, 'dept_approval')).assignee).to.equal(null);
    // Someone else approves; the applicant is refused at every later stage too (they hold only the dept role here).
    await approveAll(c, id);
    await c.expectNoIncidents(id);
  });

  it('one person cannot complete two approval stages of one instance; the same stage again after a resubmission is allowed', async () => {
    const id = await fileApplication(c, 'purchaser');
    await c.complete('dept_finance', id, 'dept_approval', approve('同意。'));
    const fin = await c.task('dept_finance', id, 'finance_approval'); // visible through the finance_section role
    refused(await c.tryComplete('dept_finance', fin.id, approve('同意。')));
    // Nothing happened: still open, unclaimed, no decision.
    expect((await c.task('finance_section', id, 'finance_approval')).assignee).to.equal(null);
    expect(await c.vars(id)).to.not.have.property('financeDecision');

    // finance_section returns it; the purchaser resubmits; the same person approves the department stage again.
    await c.complete('finance_section', id, 'finance_approval', giveBack('资金来源请写明预算指标文号。'));
    const revise = await c.task('purchaser', id, 'revise_or_withdraw');
    const keys = await c.formKeys('purchaser', revise.id);
    const res = await c.tryComplete('purchaser', revise.id, { ...pick(application(), keys), applicantAction: 'resubmit', revisionNote: '已补充预算指标文号：涪财教〔2026〕12号。' });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    await c.complete('dept_finance', id, 'dept_approval', approve('同意（第二次）。'));
    // Still not the finance stage.
    const fin2 = await c.task('dept_finance', id, 'finance_approval');
    refused(await c.tryComplete('dept_finance', fin2.id, approve('同意。')));
    await c.complete('finance_section', id, 'finance_approval', approve('预算指标已落实。'));
    await c.complete('supervisor', id, 'supervisor_approval', approve('同意。'));
    await c.expectNoIncidents(id);
  });

  it('the city gate counts as a stage: whoever approved for city finance cannot then approve for the department', async () => {
    // Not open tender, above the open-tender threshold (200万元): city finance approves the method first.
    const values = application({
      method: '竞争性磋商', budgetYuan: 2_500_000, maxPriceYuan: 2_400_000,
      items: [{ itemCode: 'A02010104', itemName: '台式计算机', quantity: 480, unit: '台', unitPriceYuan: 5000 }],
    });
    const id = await fileApplication(c, 'purchaser', values);
    await c.complete('city_dept', id, 'city_finance_approval', approve('同意采用竞争性磋商方式。'));
    const dept = await c.task('city_dept', id, 'dept_approval');
    refused(await c.tryComplete('city_dept', dept.id, approve('同意。')));
    await c.complete('dept_approver', id, 'dept_approval', approve('同意。'));
    await c.expectNoIncidents(id);
  });

  it('tasks carry the approvalStage header the rule reads (CHAIN.md A)', async () => {
    const id = await fileApplication(c, 'purchaser');
    const dept = await c.task('dept_approver', id, 'dept_approval');
    expect((await c.taskDetail('dept_approver', dept.id)).headers).to.include({ approvalStage: 'dept' });
  });
});
