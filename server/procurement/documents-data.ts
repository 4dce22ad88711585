/**
 * The data objects of the documents the procurement component's workers prepare (templates 13 award-notice,
 * 14 notice-of-award, 18 procurement-contract, 19 contract-notice, 20 acceptance-report), shaped exactly like
 * templates/NN-*.schema.json (common.schema.json's project header, organisations, items). The model files them with
 * generate-document tasks (header dataVariable).
 */
import type { Variables } from '../engine/port.ts';
import { businessDate } from '../calendar/deadlines.ts';

type Obj = Record<string, unknown>;

/** CHAIN.md's 组织形式 → the documents' enumeration (an agency is always chosen, so 分散采购 is 委托代理). */
const ORGANISATION_FORMS: Record<string, string> = {
  集中采购: '集中采购机构代理',
  部门集中采购: '部门集中采购',
  分散采购: '分散采购（委托代理）',
};
const METHODS = ['公开招标', '邀请招标', '竞争性谈判', '竞争性磋商', '询价', '单一来源', '框架协议采购'];

const s = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
const int = (v: unknown) => (typeof v === 'number' && Number.isSafeInteger(v) ? v : null);

/** An organisation object (name ≥ 2 chars; a credit code only when it has the right form). */
export function organisation(name: unknown, creditCode?: unknown): Obj {
  const n = s(name);
  const out: Obj = { name: n.length >= 2 ? n.slice(0, 100) : `${n || '未登记'}单位` };
  const c = s(creditCode);
  if (/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/.test(c)) out.creditCode = c;
  return out;
}

/** The common project header of every document. */
export function projectHeader(v: Variables): Obj {
  const header: Obj = {
    projectNumber: s(v.projectNumber),
    projectName: s(v.projectName).slice(0, 100),
    purchaser: organisation(v.purchaserName),
    method: METHODS.includes(s(v.method)) ? s(v.method) : '公开招标',
    categoryCode: s(v.categoryCode).toUpperCase(),
    budgetFen: int(v.budgetFen) ?? 0,
  };
  if (s(v.agencyName)) header.agency = organisation(v.agencyName);
  const form = ORGANISATION_FORMS[s(v.organisationForm)];
  if (form) header.organisationForm = form;
  const max = int(v.maxPriceFen);
  if (max !== null && max > 0) header.maxPriceFen = max;
  return header;
}

/** The application's items (itemsFen of check-application); prices only where they are the contract's own. */
export function documentItems(v: Variables, withPrices: boolean): Obj[] {
  const items = Array.isArray(v.itemsFen) ? (v.itemsFen as Obj[]) : [];
  const out = items.map((it) => {
    const row: Obj = { name: s(it.itemName).slice(0, 100) || '采购标的', quantity: String(it.quantity ?? '1'), unit: s(it.unit).slice(0, 10) || '项' };
    if (withPrices && int(it.unitPriceFen) !== null) row.unitPriceFen = it.unitPriceFen;
    if (withPrices && int(it.lineTotalFen) !== null) row.totalFen = it.lineTotalFen;
    return row;
  });
  return out.length ? out : [{ name: s(v.projectName).slice(0, 100) || '采购标的', quantity: '1', unit: '项' }];
}

export interface AwardFacts {
  award: { bidId: number; supplierId: number | null; supplierName: string; creditCode: string | null; amountFen: number };
  awardedAt: Date;
  experts: string[];
  unsuccessful: Obj[];
}

export function awardNoticeData(v: Variables, f: AwardFacts): Obj {
  return {
    project: projectHeader(v),
    noticeDate: businessDate(f.awardedAt),
    winner: organisation(f.award.supplierName, f.award.creditCode),
    awardAmountFen: f.award.amountFen,
    items: documentItems(v, false),
    experts: f.experts.length ? f.experts : ['（评审专家名单见评审报告）'],
    medium: '中国政府采购网四川分网（四川政府采购网）',
  };
}

export function noticeOfAwardData(v: Variables, f: AwardFacts): Obj {
  const data: Obj = {
    project: projectHeader(v),
    issueDate: businessDate(f.awardedAt),
    winner: organisation(f.award.supplierName, f.award.creditCode),
    awardAmountFen: f.award.amountFen,
    items: documentItems(v, false),
    unsuccessful: f.unsuccessful,
  };
  if (s(v.deliveryDate).length >= 2) data.deliveryPeriod = `${s(v.deliveryDate)} 前交付`.slice(0, 100);
  return data;
}

export interface ContractFacts {
  contractNumber: string;
  signedDate: string;
  amountFen: number;
  bondFen: number;
  paymentTerms: string;
  performancePeriod: string;
  acceptanceRequirements: string;
  supplierName: string;
  creditCode: string | null;
}

/** 履约保证金比例 as the schema's percent text, exact to 0.01 % (half up). */
export function percentText(partFen: number, wholeFen: number): string {
  if (wholeFen <= 0) return '0';
  const hundredths = (BigInt(partFen) * 10000n + BigInt(wholeFen) / 2n) / BigInt(wholeFen);
  const whole = hundredths / 100n;
  const frac = hundredths % 100n;
  return frac === 0n ? String(whole) : `${whole}.${String(frac).padStart(2, '0').replace(/0$/, '')}`;
}

const clip = (text: string, min: number, max: number, fallback: string) => {
  const t = text.trim();
  return (t.length >= min ? t : fallback).slice(0, max);
};

/** The contract number as the documents require it (2–50 characters; a one-character number is prefixed). */
const contractNo = (n: string, v: Variables) => (n.trim() ? (n.trim().length < 2 ? `合同${n.trim()}` : n.trim()).slice(0, 50) : `HT-${s(v.projectNumber)}`);

export function contractData(v: Variables, c: ContractFacts): Obj {
  return {
    project: projectHeader(v),
    contractNo: contractNo(c.contractNumber, v),
    supplier: organisation(c.supplierName, c.creditCode),
    items: documentItems(v, false),
    contractAmountFen: c.amountFen,
    quality: '符合采购文件、投标（响应）文件及国家相关标准的要求，全新正品。',
    payment: [{ stage: '按合同约定支付', condition: clip(c.paymentTerms, 2, 500, '按合同约定'), percent: '100', amountFen: c.amountFen }],
    performancePeriod: clip(c.performancePeriod, 2, 100, '按合同约定'),
    performancePlace: clip(s(v.deliveryPlace), 2, 200, '采购人指定地点'),
    acceptance: clip(c.acceptanceRequirements, 1, 5000, '按采购文件和合同约定逐项验收。'),
    bondPercent: percentText(c.bondFen, c.amountFen),
    bondFen: c.bondFen,
    liability: '按《中华人民共和国民法典》合同编及本合同约定承担违约责任。',
    disputeResolution: '双方协商解决；协商不成的，依法向采购人所在地人民法院提起诉讼。',
    signDate: c.signedDate,
  };
}

export function contractNoticeData(v: Variables, c: ContractFacts, noticeDate: string): Obj {
  return {
    project: projectHeader(v),
    contractNo: contractNo(c.contractNumber, v),
    contractName: clip(`${s(v.projectName)}合同`, 2, 100, '政府采购合同'),
    supplier: organisation(c.supplierName, c.creditCode),
    items: documentItems(v, false),
    contractAmountFen: c.amountFen,
    performancePeriod: clip(c.performancePeriod, 2, 100, '按合同约定'),
    signDate: c.signedDate,
    noticeDate,
    filingAuthority: '绵阳市涪城区财政局',
  };
}

export function acceptanceReportData(v: Variables, contract: Obj, now: Date): Obj {
  const results = (Array.isArray(v.acceptanceResults) ? (v.acceptanceResults as Obj[]) : []).map((r, i) => {
    const requirement = s(r.requirement) || `验收项 ${i + 1}`;
    const passed = r.result === 'pass' || r.result === true || r.passed === true;
    return {
      standard: '技术标准',
      item: clip(requirement, 2, 200, `验收项 ${i + 1}`),
      requirement: requirement.slice(0, 500),
      result: (s(r.note) || (passed ? '符合要求' : '不符合要求')).slice(0, 500),
      passed,
    };
  });
  const overall = v.acceptanceOverall === 'pass' ? '验收合格' : '验收不合格';
  const date = /^\d{4}-\d{2}-\d{2}$/.test(s(v.acceptanceDate)) ? s(v.acceptanceDate) : businessDate(now);
  return {
    project: projectHeader(v),
    contractNo: contractNo(s(contract.contractNumber), v),
    supplier: organisation(contract.supplierName, contract.creditCode),
    contractAmountFen: int(contract.amountFen) ?? 1,
    acceptanceDate: date,
    method: '采购人自行组织验收',
    team: acceptanceTeam(v.acceptanceTeam, date),
    results: results.length ? results : [{ standard: '技术标准', item: '合同约定事项', requirement: '按合同约定', result: overall, passed: overall === '验收合格' }],
    overall,
    issues: clip(s(v.acceptanceIssues), 1, 5000, '无'),
    paymentNote: overall === '验收合格' ? '验收合格，按合同约定支付合同款项，履约保证金依约退还。' : '验收不合格，暂停支付，待整改复验。',
    publicService: false,
  };
}

/** The acceptance team: a list of {name, role, unit} or a text of names separated by 、，, ; or line breaks. */
function acceptanceTeam(raw: unknown, date: string): Obj[] {
  const members: Obj[] = [];
  if (Array.isArray(raw)) {
    for (const m of raw as Obj[]) {
      const name = s(m?.name ?? m);
      if (name) members.push({ role: (s(m?.role) || '验收小组成员').slice(0, 50), name: name.slice(0, 50), ...(s(m?.unit) ? { unit: s(m.unit).slice(0, 100) } : {}), date });
    }
  } else {
    for (const name of s(raw).split(/[、，,;；\n]+/).map((x) => x.trim()).filter(Boolean)) {
      members.push({ role: members.length === 0 ? '验收组长' : '验收小组成员', name: name.slice(0, 50), date });
    }
  }
  return members.length ? members.slice(0, 30) : [{ role: '验收小组成员', name: '采购人', date }];
}
