/** What other components use from the tender component (CHAIN.md): opened bids, the tender of an instance, the award mark. */
export { openedBidsOf, tenderOfInstance, markTenderAwarded, markTenderFailed, type OpenedBid, type OpenedBidDetail, type TenderSummary } from './lifecycle.ts';
export { bidsOfSupplier, type BidContent } from './bids.ts';
export { receiptDigest, canonicalJson } from './sealing.ts';
export { TENDER_WORKERS } from './workers.ts';
export { registerTenderRoutes } from './routes.ts';
