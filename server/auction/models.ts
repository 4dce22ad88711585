/** Sequelize models of migration 0017 (auction_lots, auctions, auction_registrations, auction_bids, auction_results). */
import { DataTypes, type Model, type ModelStatic, type Sequelize } from 'sequelize';

export type Row = Model<Record<string, unknown>>;
export interface AuctionModels {
  Lot: ModelStatic<Row>;
  Auction: ModelStatic<Row>;
  Registration: ModelStatic<Row>;
  Bid: ModelStatic<Row>;
  Result: ModelStatic<Row>;
}

const cache = new WeakMap<Sequelize, AuctionModels>();
export function auctionModels(sequelize: Sequelize): AuctionModels {
  const hit = cache.get(sequelize);
  if (hit) return hit;
  const S = DataTypes.STRING, T = DataTypes.TEXT, D = DataTypes.DATE(3), I = DataTypes.INTEGER, F = DataTypes.DECIMAL(15, 0);
  const id = { type: I, autoIncrement: true, primaryKey: true };
  const opts = (tableName: string) => ({ tableName, underscored: true, timestamps: false });
  const m: AuctionModels = {
    Lot: sequelize.define('AuctionLot', {
      id, lotNo: S(32), kind: S(16), title: S(200), consignorName: S(200), detailsJson: T, appraisalFen: F, reserveFen: F, leaseTermYears: I, agencyOrgId: I,
      createdBy: S(64), createdAt: D,
    }, opts('auction_lots')) as ModelStatic<Row>,
    Auction: sequelize.define('Auction', {
      id, lotId: I, roundNo: I, status: S(16), startFen: F, incrementFen: F, depositFen: F, announcedAt: D, viewingFrom: D, viewingTo: D,
      startsAt: D, plannedCloseAt: D, closesAt: D, currentFen: F, leaderRegistrationId: I, bidSeq: I, extensions: I, instanceId: S(40),
      createdBy: S(64), createdAt: D, updatedAt: D,
    }, opts('auctions')) as ModelStatic<Row>,
    Registration: sequelize.define('AuctionRegistration', {
      id, auctionId: I, username: S(64), bidderName: S(200), paddleNo: S(16), depositFen: F, status: S(16), registeredAt: D, confirmedAt: D,
      confirmedBy: S(64), refundDueDate: S(10), refundedAt: D, refundFen: F,
    }, opts('auction_registrations')) as ModelStatic<Row>,
    Bid: sequelize.define('AuctionBid', {
      id, auctionId: I, seq: I, registrationId: I, amountFen: F, at: D, closesAt: D,
    }, opts('auction_bids')) as ModelStatic<Row>,
    Result: sequelize.define('AuctionResult', {
      id, auctionId: I, outcome: S(16), winnerRegistrationId: I, priceFen: F, closedAt: D, confirmationNo: S(40), contractNo: S(40),
      contractJson: T, contractSignedAt: D,
    }, opts('auction_results')) as ModelStatic<Row>,
  };
  cache.set(sequelize, m);
  return m;
}

/** DECIMAL comes back as a string (MySQL) or a number (SQLite): BigInt either way, null stays null. */
export function fen(v: unknown): bigint | null {
  if (v === null || v === undefined) return null;
  return BigInt(typeof v === 'number' ? Math.round(v) : String(v).replace(/\.0*$/, ''));
}
export const fenNum = (v: unknown): number | null => {
  const b = fen(v);
  return b === null ? null : Number(b);
};
export const iso = (v: unknown): string | null => (v == null ? null : (v instanceof Date ? v : new Date(String(v))).toISOString());
