/**
 * Data objects of the tender's documents, shaped exactly like templates/NN-<id>.schema.json (05 tender-notice,
 * 06 tender-documents, 07 clarification-notice, 09 bid-opening-record, 15 cancellation-notice, 16
 * challenge-letter-reply). The model files them with generate-document (header dataVariable).
 */
import type { Variables } from '../engine/port.ts';
import { businessDate, shanghaiIso } from './dates.ts';

export interface TenderItem {
  itemCode: string;
  itemName: string;
  /** decimal string, e.g. "2" or "1.5" */
  quantity: string;
  unit: string;
  unitPriceFen: number;
  lineTotalFen: number;
}

export const MEDIUM = '中国政府采购网四川分网（四川政府采购网）、涪城区公共资源交易中心网站';

const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
const cut = (s: string, n: number) => (s.length > n ? s.slice(0, n - 1) + '…' : s);
const orgName = (s: string, fallback: string) => cut(s.length >= 2 ? s : fallback, 100);

const ORG_FORMS: Record<string, string> = {
  集中采购: '集中采购机构代理',
  部门集中采购: '部门集中采购',
  分散采购: '分散采购（委托代理）',
};

/** The common header (common.schema.json#/$defs/project) from the instance variables. */
export function projectHeader(v: Variables): Record<string, unknown> {
  const project: Record<string, unknown> = {
    projectNumber: str(v.projectNumber),
    projectName: orgName(str(v.projectName), str(v.projectNumber)),
    method: str(v.method),
    categoryCode: str(v.categoryCode),
    budgetFen: v.budgetFen,
  };
  if (str(v.purchaserName)) project.purchaser = { name: orgName(str(v.purchaserName), '采购人') };
  if (str(v.agencyName)) project.agency = { name: orgName(str(v.agencyName), '采购代理机构') };
  const form = ORG_FORMS[str(v.organisationForm)];
  if (form) project.organisationForm = form;
  if (typeof v.maxPriceFen === 'number' && v.maxPriceFen > 0) project.maxPriceFen = v.maxPriceFen;
  return project;
}

function docItems(items: TenderItem[]) {
  return items.slice(0, 200).map((i) => ({
    name: cut(i.itemName, 100),
    quantity: i.quantity,
    unit: cut(i.unit || '项', 10),
    unitPriceFen: i.unitPriceFen,
    totalFen: i.lineTotalFen,
  }));
}

const LAW_22 = '满足《中华人民共和国政府采购法》第二十二条规定的条件';

/** The agency's qualification requirements (one per line), after the Law Art. 22 conditions. */
export function qualificationsOf(v: Variables): string[] {
  const raw = v.qualificationRequirements;
  const lines = (Array.isArray(raw) ? raw.map(String) : str(raw).split(/\r?\n|；|;/))
    .map((s) => s.trim().replace(/^[\d一二三四五六七八九十]+[.、．)）]\s*/, ''))
    .filter((s) => s.length >= 2)
    .map((s) => cut(s, 500));
  return [LAW_22, ...lines].slice(0, 20);
}

const CREDIT_RULE =
  '代理机构于投标截止时间后、资格审查时通过“信用中国”网站和中国政府采购网查询投标人（含联合体各成员）的信用记录，查询结果留存归档；被列入失信被执行人、重大税收违法失信主体、政府采购严重违法失信行为记录名单的，其投标无效（财库〔2016〕125号）。';

export function tenderNoticeData(a: { v: Variables; project: Record<string, unknown>; items: TenderItem[]; publishedAt: Date; deadline: Date; documentsTo: string; openingPlace: string }) {
  const { v } = a;
  const noticeDate = businessDate(a.publishedAt);
  return {
    project: a.project,
    noticeDate,
    medium: MEDIUM,
    requirementsSummary: cut(str(v.description) || `${str(v.projectName)}，标的 ${a.items.length} 项，详见采购标的及招标文件。`, 5000),
    items: docItems(a.items),
    contractPeriod: cut(str(v.deliveryDate) ? `${str(v.deliveryDate)} 前完成交付` : '按合同约定', 100),
    consortiumAccepted: v.consortiumAccepted !== false,
    smeOnly: v.smeReserved === true,
    qualifications: qualificationsOf(v),
    documentsFrom: noticeDate,
    documentsTo: a.documentsTo,
    documentsPlace: '涪城区电子化政府采购系统网上免费获取',
    documentPriceFen: 0,
    bidDeadline: shanghaiIso(a.deadline),
    bidPlace: cut(a.openingPlace, 200),
    creditRule: CREDIT_RULE,
  };
}

const EVAL_METHODS: Record<string, string> = { comprehensive: '综合评分法', lowest_price: '最低评标价法' };

export function tenderDocumentsData(a: { v: Variables; project: Record<string, unknown>; items: TenderItem[]; publishedAt: Date; deadline: Date; openingPlace: string; depositFen: number }) {
  const { v } = a;
  const method = EVAL_METHODS[str(v.evaluationMethod)] ?? '综合评分法';
  const weight = (x: unknown) => (typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 100 ? x : null);
  const price = weight(v.priceWeightPercent);
  const technical = weight(v.technicalWeightPercent);
  const business = weight(v.businessWeightPercent);
  const criteriaText = str(v.scoringCriteria);
  const data: Record<string, unknown> = {
    project: a.project,
    issueDate: businessDate(a.publishedAt),
    bidDeadline: shanghaiIso(a.deadline),
    openingPlace: cut(a.openingPlace, 200),
    bidValidityDays: 90,
    depositFen: a.depositFen,
    qualifications: qualificationsOf(v),
    policyRequirements: v.smeReserved === true
      ? '本项目专门面向中小企业采购，供应商应提供《中小企业声明函》（财库〔2020〕46号）；监狱企业、残疾人福利性单位视同小型、微型企业。'
      : `对小型和微型企业的投标报价给予 ${typeof v.smeDeductionPercent === 'number' ? v.smeDeductionPercent : 10}% 的扣除，用扣除后的价格参与评审（财库〔2020〕46号）；监狱企业、残疾人福利性单位视同小型、微型企业。`,
    items: docItems(a.items),
    specifications: [
      ...a.items.slice(0, 99).map((i) => ({ item: cut(i.itemName, 200), requirement: `数量 ${i.quantity} ${i.unit}；质量和技术要求按采购需求及国家有关标准`, substantive: true })),
      ...(str(v.description) ? [{ item: '采购需求', requirement: cut(str(v.description), 2000), substantive: true }] : []),
    ].slice(0, 100),
    acceptance: '采购人按招标文件、投标文件和合同约定的每一项技术、服务、安全标准组织验收，出具验收书（政府采购法实施条例第四十五条；财政部令第87号第七十四条）。',
    deliveryTime: cut(str(v.deliveryDate) ? `${str(v.deliveryDate)} 前` : '按合同约定', 100),
    deliveryPlace: cut(str(v.deliveryPlace).length >= 2 ? str(v.deliveryPlace) : '采购人指定地点', 200),
    paymentTerms: '验收合格并收到发票后 30 日内支付合同款（财库〔2019〕38号）；具体按合同约定。',
    evaluationMethod: method,
    invalidBidGrounds: [
      '不具备招标文件中规定的资格要求的',
      '报价超过招标文件中规定的预算金额或者最高限价的',
      '投标文件含有采购人不能接受的附加条件的',
      '不满足招标文件★实质性要求的',
      '被列入失信被执行人、重大税收违法失信主体、政府采购严重违法失信行为记录名单的',
    ],
    creditCheck: `查询渠道：“信用中国”网站、中国政府采购网；截止时点：投标截止时间；记录方式：查询结果留存归档；使用规则：${CREDIT_RULE}`,
    contractTerms: '标的、数量、质量、价格、付款方式、履约期限地点和方式、验收要求、履约保证金（不超过合同金额的10%）、违约责任、争议解决；中标通知书发出之日起30日内签订合同（政府采购法第四十六条）。',
    // Always present (the template reads criteria.length in strict mode); empty for the lowest evaluated price.
    criteria: [],
  };
  if (method === '综合评分法' && price !== null) {
    data.priceWeight = price;
    const criteria = [{ factor: '价格', weight: price, standard: `满足招标文件要求且投标价格最低的投标报价为评标基准价，其价格分为满分；其他投标人的价格分=(评标基准价/投标报价)×${price}` }];
    if (technical !== null) criteria.push({ factor: '技术', weight: technical, standard: cut(criteriaText || '按招标文件技术评分标准，由评标委员会成员独立评分', 2000) });
    if (business !== null) criteria.push({ factor: '商务', weight: business, standard: '按招标文件商务评分标准，由评标委员会成员独立评分' });
    data.criteria = criteria;
  }
  return data;
}

export interface AmendmentChange {
  item: string;
  original: string;
  revised: string;
}

export function clarificationNoticeData(a: {
  project: Record<string, unknown>; originalNoticeDate: string; publishedAt: Date; changes: AmendmentChange[]; substantive: boolean;
  previousDeadline: Date; newDeadline: Date; moved: boolean;
}) {
  const projectName = String(a.project.projectName ?? '');
  const data: Record<string, unknown> = {
    project: a.project,
    originalNoticeTitle: cut(`${projectName}招标公告`, 200),
    originalNoticeDate: a.originalNoticeDate,
    noticeDate: businessDate(a.publishedAt),
    changes: a.changes.slice(0, 30),
    affectsBidPreparation: a.substantive,
    medium: MEDIUM,
  };
  if (a.moved) {
    data.originalBidDeadline = shanghaiIso(a.previousDeadline);
    data.newBidDeadline = shanghaiIso(a.newDeadline);
  }
  return data;
}

export interface OpeningLine {
  bidder: string;
  priceFen: number;
  depositPaid: boolean;
  sealIntact: boolean;
  announced?: string;
  remarks?: string;
}

export function bidOpeningRecordData(a: { project: Record<string, unknown>; openingTime: Date; openingPlace: string; host: string; agencyName: string; bids: OpeningLine[]; note?: string }) {
  const data: Record<string, unknown> = {
    project: a.project,
    openingTime: shanghaiIso(a.openingTime),
    openingPlace: cut(a.openingPlace.length >= 2 ? a.openingPlace : '电子开标', 200),
    host: cut(a.host, 50),
    recorder: '电子交易系统（自动记录）',
    bids: a.bids.slice(0, 100),
    signers: [{ role: '主持人', name: cut(a.host, 50), unit: cut(a.agencyName || '采购代理机构', 100), date: businessDate(a.openingTime) }],
  };
  if (a.note) data.objections = cut(a.note, 5000);
  return data;
}

export const FAILURE_REASONS = {
  insufficient: '符合专业条件的供应商或者对招标文件作实质响应的供应商不足三家',
  misconduct: '出现影响采购公正的违法、违规行为',
} as const;

export function cancellationNoticeData(a: { project: Record<string, unknown>; at: Date; originalNoticeDate: string; reason: string; detail: string; nextAction?: string; depositFen: number }) {
  const next = ['重新组织招标', '报批变更采购方式', '终止采购'].includes(a.nextAction ?? '') ? a.nextAction! : '重新组织招标';
  return {
    project: a.project,
    noticeDate: businessDate(a.at),
    originalNoticeDate: a.originalNoticeDate,
    reason: a.reason,
    detail: cut(a.detail, 5000),
    nextAction: next,
    refund: a.depositFen > 0 ? '已收取的投标保证金自本公告发布之日起5个工作日内原额退还（财政部令第87号第三十八条）。' : '本项目未收取投标保证金和招标文件费用。',
    medium: MEDIUM,
  };
}

export interface ChallengeItem {
  item: string;
  request: string;
  facts: string;
  law: string;
}

const CONCLUSIONS: Record<string, string> = {
  rejected: '质疑事项不成立',
  upheld_reevaluate: '质疑事项成立，采购结果受影响',
  upheld_cancel: '质疑事项成立，采购结果受影响',
};

export function challengeReplyData(a: {
  project: Record<string, unknown>; challenger: Record<string, unknown>; respondentName: string; challengedDocument: string; items: ChallengeItem[];
  receivedAt: Date; outcome: string; replyText: string; replier: string; repliedAt: Date;
}) {
  const basis = a.outcome === 'rejected' ? '政府采购法第五十三条；财政部令第94号第十三、十五条' : '政府采购法第五十三条；财政部令第94号第十三、十六条';
  return {
    project: a.project,
    challenger: a.challenger,
    respondentName: cut(a.respondentName.length >= 2 ? a.respondentName : '采购代理机构', 100),
    challengedDocument: a.challengedDocument,
    items: a.items,
    letterDate: businessDate(a.receivedAt),
    receivedDate: businessDate(a.receivedAt),
    reply: {
      replies: a.items.map((i) => ({ item: i.item, reply: cut(a.replyText || CONCLUSIONS[a.outcome] || '见答复结论', 5000), basis })),
      conclusion: CONCLUSIONS[a.outcome] ?? '质疑事项不成立',
      replier: cut(a.replier.length >= 2 ? a.replier : '采购代理机构', 100),
      replyDate: businessDate(a.repliedAt),
    },
  };
}
