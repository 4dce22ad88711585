/**
 * Workers of processes/asset-auction.bpmn. The model waits on timers over `biddingStartAt` and `closesAt`; the close
 * worker decides the round only when its (possibly extended) closing time has passed and otherwise hands back the
 * new `closesAt`, so the model waits again. Every effect is keyed by the round (a second delivery changes nothing).
 */
import type { Job } from '../engine/port.ts';
import type { WorkerDeps, WorkerTable } from '../workers/definition.ts';
import { auctionDocumentData, closeAuction, refundDeposits } from './service.ts';

const auctionIdOf = (job: Job) => {
  const id = Number(job.variables.auctionId);
  if (!Number.isSafeInteger(id) || id < 1) throw new Error('变量 auctionId 缺失 (variable auctionId missing)');
  return id;
};

const DOCUMENT_VARIABLES: Record<string, string> = { notice: 'auctionNoticeData', confirmation: 'auctionConfirmationData', 'lease-contract': 'leaseContractData' };

export const AUCTION_WORKERS: WorkerTable = {
  /** header document: notice | confirmation | lease-contract → { auctionNoticeData | auctionConfirmationData | leaseContractData }. */
  'auction-document-data': {
    create: (deps: WorkerDeps) => async (job) => {
      const which = job.headers.document ?? '';
      const variable = DOCUMENT_VARIABLES[which];
      if (!variable) throw new Error(`任务头 document 无效 (header document: ${which})`);
      return { [variable]: await auctionDocumentData(deps.db, auctionIdOf(job), which) };
    },
    options: { retries: 3 },
  },
  /** 截止结算: { auctionClosed, auctionSold, closesAt, dealPriceFen }. */
  'auction-close': {
    create: (deps: WorkerDeps) => async (job) => {
      const out = await closeAuction(deps.db, deps.clock, auctionIdOf(job));
      return { auctionClosed: out.closed, auctionSold: out.sold, closesAt: out.closesAt, dealPriceFen: out.priceFen };
    },
    options: { retries: 3 },
  },
  /** 退还未成交竞买人保证金 (recorded per registration). */
  'auction-refund-deposits': {
    create: (deps: WorkerDeps) => async (job) => ({ depositsRefunded: await refundDeposits(deps.db, deps.clock, auctionIdOf(job)) }),
    options: { retries: 3 },
  },
};
