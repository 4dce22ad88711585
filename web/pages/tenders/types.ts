/**
 * Shapes of the tender API (server/tender, CHAIN.md "HTTP"): GET /api/tenders, GET /api/tenders/:id, the bid
 * receipt, own bids, challenges. Optional parts are shown when present.
 */
export interface TenderItem {
  itemCode: string;
  itemName: string;
  quantity: number;
  unit: string;
  unitPriceFen?: number;
  lineTotalFen?: number;
}

export interface TenderDocument {
  id: number;
  title: string;
  templateId?: string;
}

export interface Amendment {
  id: number;
  title?: string;
  content?: string;
  text?: string;
  substantive?: boolean;
  publishedAt?: string;
  createdAt?: string;
  newBidDeadlineAt?: string | null;
  bidDeadlineAt?: string | null;
}

export interface TenderRow {
  id: number;
  projectId?: number;
  projectNumber: string | null;
  projectName: string;
  method: string;
  budgetFen: number | null;
  maxPriceFen?: number | null;
  bidDeadlineAt: string;
  bidDeadlineBasis?: string | null;
  publishedAt?: string | null;
  status: string;
  round?: number;
  open?: boolean;
  isOpen?: boolean;
}

export interface TenderDetail extends TenderRow {
  purchaserName?: string | null;
  agencyName?: string | null;
  procurementType?: string;
  smeReserved?: boolean;
  openingPlace?: string | null;
  depositFen?: number | null;
  evaluationMethod?: string | null;
  qualificationRequirements?: string | null;
  scoringCriteria?: string | null;
  items?: TenderItem[];
  documents?: TenderDocument[];
  amendments?: Amendment[];
  awardedAt?: string | null;
  challengeDeadlineAt?: string | null;
  award?: { supplierName: string; amountFen: number } | null;
}

export interface Receipt {
  bidId: number;
  sha256: string;
  submittedAt: string;
  salt: string;
}

export interface OwnBid {
  id?: number;
  bidId?: number;
  status: string;
  totalPriceFen?: number | null;
  submittedAt?: string;
  withdrawnAt?: string | null;
  sha256?: string;
  salt?: string;
  receipt?: Receipt;
}

export interface Challenge {
  id: number;
  subject?: string;
  content?: string;
  status?: string;
  filedAt?: string;
  createdAt?: string;
  replyDueAt?: string | null;
  challengeReplyDueAt?: string | null;
  reply?: string | null;
  outcome?: string | null;
}

/** Open when the server says so; otherwise by status and deadline. */
export function isOpen(t: TenderRow, now: number): boolean {
  if (typeof t.open === 'boolean') return t.open;
  if (typeof t.isOpen === 'boolean') return t.isOpen;
  return (t.status === 'open' || t.status === 'published') && Date.parse(t.bidDeadlineAt) > now;
}
