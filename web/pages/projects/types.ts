/**
 * The shapes of the projects API (server/procurement, CHAIN.md "HTTP"): GET /api/projects and /api/projects/:id.
 * Optional parts appear as the chain advances (tender after publication, ranking after evaluation, …); the pages
 * show what is there.
 */
export interface Deadline {
  key?: string;
  name?: string;
  label?: string;
  at: string;
  legalBasis?: string | null;
  basis?: string | null;
  overdue?: boolean;
}

export interface CurrentStep {
  elementId: string;
  name?: string | null;
  taskId?: string | null;
  assignee?: string | null;
  candidateGroups?: string[];
  dueAt?: string | null;
}

export interface ProjectRow {
  id: number;
  projectNumber: string | null;
  projectName: string;
  method: string;
  budgetFen: number | null;
  status: string;
  /** Absent from servers before issue 11: a procurement. */
  regime?: Regime;
  instanceId?: string;
  currentSteps?: CurrentStep[];
  currentStep?: string | CurrentStep | null;
  nextDeadline?: Deadline | null;
  purchaserName?: string | null;
  agencyName?: string | null;
  createdAt?: string;
}

export interface ProjectList {
  items: ProjectRow[];
  total?: number;
  offset?: number;
  limit?: number;
}

export interface TimelineEntry {
  at: string;
  name?: string | null;
  label?: string | null;
  elementId?: string | null;
  event?: string | null;
  actor?: string | null;
  actorName?: string | null;
  text?: string | null;
}

export interface ProjectDocument {
  id: number;
  title: string;
  templateId?: string;
  latestVersion?: number;
  updatedAt?: string;
}

export interface RankingRow {
  rank: number;
  bidId: number;
  supplierName: string;
  bidPriceFen?: number;
  evaluatedPriceFen?: number;
  priceScore?: string | null;
  technicalScore?: string | null;
  businessScore?: string | null;
  totalScore?: string | null;
}

export interface TenderSummary {
  id?: number;
  tenderId?: number;
  round?: number;
  status?: string;
  bidDeadlineAt?: string | null;
  bidDeadlineBasis?: string | null;
  publishedAt?: string | null;
  minBids?: number;
  bidCount?: number | null;
}

export interface Award {
  bidId?: number;
  supplierName: string;
  creditCode?: string;
  amountFen: number;
  awardedAt?: string;
}

export interface Contract {
  contractNumber?: string;
  signedDate?: string;
  amountFen?: number;
  contractAmountFen?: number;
  performanceBondFen?: number;
  supplierName?: string;
  paymentTerms?: string;
  performancePeriod?: string;
}

export interface Acceptance {
  acceptanceDate?: string;
  overall?: string;
  results?: number;
  failed?: number;
}

export interface Archive {
  archivedAt?: string;
  retentionUntil?: string;
  retentionBasis?: string;
  manifestSha256?: string;
}

export interface ProjectItem {
  itemCode?: string;
  itemName?: string;
  quantity?: number;
  unit?: string;
  unitPriceFen?: number;
  lineTotalFen?: number;
  unitPriceYuan?: number;
}

export interface ProjectDetail extends ProjectRow {
  categoryCode?: string;
  /** Works tender: 项目审批（核准、备案）文号, 国有资金控股或主导, 计划工期, 投标人资质要求. */
  projectApprovalNo?: string;
  stateFunded?: boolean;
  plannedPeriodDays?: number;
  qualificationRequirement?: string;
  procurementType?: string;
  maxPriceFen?: number | null;
  fundingSource?: string;
  organisationForm?: string;
  smeReserved?: boolean;
  importedProducts?: boolean;
  deliveryDate?: string;
  deliveryPlace?: string;
  description?: string;
  initiator?: string;
  items?: ProjectItem[];
  deadlines?: Deadline[];
  timeline?: TimelineEntry[];
  history?: TimelineEntry[];
  documents?: ProjectDocument[];
  tender?: TenderSummary | null;
  ranking?: RankingRow[] | null;
  award?: Award | null;
  awardedAt?: string | null;
  challengeDeadlineAt?: string | null;
  contractDeadlineAt?: string | null;
  contract?: Contract | null;
  contractPublishDeadlineAt?: string | null;
  acceptance?: Acceptance | null;
  archive?: Archive | null;
  applicationProblems?: { path: string; reason: string }[];
}

export const METHODS = ['公开招标', '邀请招标', '竞争性谈判', '竞争性磋商', '询价', '单一来源'] as const;
export const FUNDING_SOURCES = ['一般公共预算资金', '政府性基金预算资金', '国有资本经营预算资金', '财政专户管理资金', '单位自有资金', '其他资金'] as const;
export const ORGANISATION_FORMS = ['集中采购', '分散采购', '部门集中采购'] as const;
/** forms/works-application.form: 招标方式 and 组织形式 of a works tender (招标投标法第十条、第十二条). */
export const WORKS_METHODS = ['公开招标', '邀请招标'] as const;
export const WORKS_ORGANISATION_FORMS = ['委托招标'] as const;

/** projects.regime: 政府采购 (procurement.bpmn) or 工程建设项目招标 (works-tender.bpmn). */
export type Regime = 'procurement' | 'works';
export const REGIMES: readonly Regime[] = ['procurement', 'works'];


export function stepNames(p: ProjectRow): string {
  if (p.currentSteps?.length) {
    // Named steps (tasks, events); unnamed gateways and flows only when nothing else is active.
    const named = p.currentSteps.filter((s) => s.name);
    return (named.length ? named.map((s) => s.name!) : p.currentSteps.map((s) => s.elementId)).join('、');
  }
  if (typeof p.currentStep === 'string') return p.currentStep;
  if (p.currentStep) return p.currentStep.name ?? p.currentStep.elementId;
  return '';
}

/** "投标截止时间 (bid deadline)" → the part in the page's language. */
export function localLabel(text: string, lang: string): string {
  const m = /^(.*?)\s*\(([^()]*)\)$/.exec(text);
  if (!m) return text;
  return lang === 'en' ? m[2] : m[1];
}

export function deadlineLabel(d: Deadline, lang = 'zh-CN'): string {
  return localLabel(d.label ?? d.name ?? d.key ?? '', lang);
}

export function deadlineBasis(d: Deadline): string {
  return d.legalBasis ?? d.basis ?? '';
}
