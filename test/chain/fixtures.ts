/**
 * The application data and the steps every chain test shares: a purchaser files the application through the inbox,
 * the four approvals (CHAIN.md part A).
 */
import { expect } from 'chai';
import { approve, pick, type Chain, type Vars } from './driver.ts';
import { applicationVariables } from '../helpers/application.ts';

/**
 * The shared valid application (test/helpers/application.ts: 40 desktop computers, 40 × 5,200.00 元 = 208,000.00 元)
 * without its agency: here the purchaser picks the agency from the form's options, as in the browser.
 */
export function application(over: Vars = {}): Vars {
  const { agencyId: _picked, ...values } = applicationVariables(0);
  return { ...values, ...over };
}

/**
 * The purchaser starts an application from the inbox (`POST /api/processes/procurement/instances`) and fills
 * 填报采购申请 with what the form shows: the agency is the first the form offers (`agencyOptions`). Returns the
 * instance id.
 */
export async function fileApplication(c: Chain, user: string, values: Vars = application()): Promise<string> {
  const started = await c.post(user, '/api/processes/procurement/instances', {});
  expect(started.status, JSON.stringify(started.body)).to.equal(201);
  const instanceId = started.body.instanceId as string;
  const fill = await c.task(user, instanceId, 'fill_application');
  const detail = await c.taskDetail(user, fill.id);
  // The purchaser picks the demo agency (the one with staff) from the form's select.
  const options = detail.variables.agencyOptions as { label: string; value: number }[] | undefined;
  const demo = options?.find((o) => o.label === DEMO_AGENCY);
  const withAgency = demo && values.agencyId === undefined ? { ...values, agencyId: demo.value } : values;
  const res = await c.tryComplete(user, fill.id, pick(withAgency, await c.formKeys(user, fill.id)));
  expect(res.status, `filing the application: ${JSON.stringify(res.body)}`).to.equal(200);
  return instanceId;
}

export const DEMO_AGENCY = '四川某某招标代理有限公司';

/** The register id of the demo agency (whose staff is the demo `agency` account). */
export async function demoAgencyId(c: Chain): Promise<number> {
  const res = await c.get('purchaser', '/api/agencies', { q: DEMO_AGENCY, limit: 10 });
  expect(res.status, JSON.stringify(res.body)).to.equal(200);
  const a = (res.body.items as { id: number; name: string }[]).find((x) => x.name === DEMO_AGENCY);
  expect(a, 'demo agency in the register').to.exist;
  return a!.id;
}

/** 主管部门 → 财政采购股 → 监督 approve (each as the demo user of that role unless given). */
export async function approveAll(c: Chain, instanceId: string, who: { dept?: string; finance?: string; supervisor?: string } = {}) {
  await c.complete(who.dept ?? 'dept_approver', instanceId, 'dept_approval', approve('需求真实，配置标准符合规定。'));
  await c.complete(who.finance ?? 'finance_section', instanceId, 'finance_approval', approve('预算指标已落实。'));
  await c.complete(who.supervisor ?? 'supervisor', instanceId, 'supervisor_approval', approve('采购方式与组织形式合规，同意。'));
}

/** True when the deployed procurement model carries the tender chain (CHAIN.md part B onwards). */
export async function chainDeployed(c: Chain): Promise<boolean> {
  const res = await c.get('process_admin', '/api/deployments', { bpmnProcessId: 'procurement' });
  if (res.status !== 200) return false;
  const items = (res.body.items ?? res.body) as { id: string; version: number; bpmnProcessId?: string }[];
  const latest = items.filter((d) => !d.bpmnProcessId || d.bpmnProcessId === 'procurement').sort((a, b) => b.version - a.version)[0];
  if (!latest) return false;
  const one = await c.get('process_admin', `/api/deployments/${latest.id}`);
  return typeof one.body.xml === 'string' && one.body.xml.includes('id="prepare_tender"');
}
