/**
 * Shapes of the tender API (server/tender/routes.ts): GET /api/tenders → {tenders}, GET /api/tenders/:id, the bid
 * receipt, own bids ({bids}), challenges ({challenges}).
 */
export interface TenderItem {
  itemCode: string;
  itemName: string;
  /** decimal string, e.g. "2" or "1.5" */
  quantity: string | number;
  unit: string;
  unitPriceFen?: number;
  lineTotalFen?: number;
}

export interface AmendmentChange {
  item: string;
  original: string;
  revised: string;
}

export interface Amendment {
  amendmentId: number;
  number: number;
  title: string;
  changes: AmendmentChange[];
  substantive: boolean;
  publishedAt: string;
  previousDeadlineAt?: string;
  newDeadlineAt?: string;
  moved?: boolean;
  basis?: string | null;
}

export interface TenderRow {
  tenderId: number;
  instanceId?: string;
  round?: number;
  projectNumber: string | null;
  projectName: string;
  purchaserName?: string | null;
  agencyName?: string | null;
  method: string;
  procurementType?: string;
  status: string;
  publishedAt?: string | null;
  bidDeadlineAt: string;
  bidDeadlineMinAt?: string | null;
  bidDeadlineBasis?: string | null;
  minBids?: number;
  budgetFen: number | null;
  maxPriceFen?: number | null;
  depositFen?: number | null;
  openingPlace?: string | null;
  openedAt?: string | null;
  bidCount?: number | null;
  failureReason?: string | null;
  awardedBidId?: number | null;
  awardedAt?: string | null;
  challengeDeadlineAt?: string | null;
  evaluation?: { evaluationMethod?: string; priceWeightPercent?: number; technicalWeightPercent?: number; businessWeightPercent?: number; smeDeductionPercent?: number } & Record<string, unknown>;
  biddingOpen?: boolean;
}

/** The parts of the notice / tender documents data (templates 05, 06) the page shows. */
export interface NoticeData {
  requirementsSummary?: string;
  qualifications?: string[];
  contractPeriod?: string;
  consortiumAccepted?: boolean;
  smeOnly?: boolean;
  documentsFrom?: string;
  documentsTo?: string;
  documentsPlace?: string;
  policyRequirements?: string;
  bidValidityDays?: number;
  specifications?: { item: string; requirement: string; substantive?: boolean }[];
  items?: { name: string; spec?: string; quantity: string; unit: string }[];
}

export interface TenderDetail extends TenderRow {
  items?: TenderItem[];
  tenderNoticeData?: NoticeData | null;
  tenderDocumentsData?: NoticeData | null;
  amendments?: Amendment[];
  openingRecord?: unknown;
}

export interface Receipt {
  bidId: number;
  tenderId?: number;
  sha256: string;
  submittedAt: string;
  salt: string;
  files?: { fileId: number; sha256: string }[];
  replaces?: number | null;
}

export interface OwnBid {
  bidId: number;
  status: string;
  supplierName?: string;
  submittedBy?: string;
  receipt: { sha256: string; submittedAt: string; salt: string };
  withdrawnAt?: string | null;
  replacedBy?: number | null;
  replaces?: number | null;
}

export interface ChallengeItem {
  item: string;
  request: string;
  facts: string;
  law: string;
}

export interface Challenge {
  challengeId: number;
  challengedDocument: string;
  items: ChallengeItem[];
  receivedAt: string;
  challengeReplyDueAt?: string | null;
  status: string;
  outcome?: string | null;
  reply?: string | null;
  repliedAt?: string | null;
}

/** Open when the server says so; otherwise by status and deadline. */
export function isOpen(t: TenderRow, now: number): boolean {
  if (typeof t.biddingOpen === 'boolean') return t.biddingOpen && Date.parse(t.bidDeadlineAt) > now;
  return t.status === 'open' && Date.parse(t.bidDeadlineAt) > now;
}
