/** What GET /api/auctions and GET /api/auctions/:id answer (server/auction/routes.ts). */
export interface AuctionRow {
  auctionId: number;
  roundNo: number;
  status: string;
  phase: string;
  lot: { lotNo: string; kind: 'car' | 'shop_lease'; kindLabel: string; title: string; consignorName: string; appraisalFen: number; reserveFen: number | null; leaseTermYears: number | null; details: Record<string, unknown> };
  priceUnit: 'fen' | 'fen_per_year';
  startFen: number;
  incrementFen: number;
  depositFen: number;
  currentFen: number | null;
  bidCount: number;
  extensions: number;
  startsAt: string | null;
  closesAt: string | null;
  viewingFrom: string | null;
  viewingTo: string | null;
  serverTime: string;
}

export interface AuctionDetail extends AuctionRow {
  myRegistration: { registrationId: number; paddleNo: string; status: string; standing: 'leading' | 'outbid' | 'none'; depositFen: number } | null;
  leaderPaddleNo: string | null;
  bids: { seq: number; paddleNo: string; amountFen: number; at: string }[];
  result: { outcome: string; priceFen: number | null; winnerPaddleNo: string | null; winnerName: string | null; confirmationNo: string | null } | null;
  mayManage: boolean;
}
