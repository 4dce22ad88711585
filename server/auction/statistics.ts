/**
 * The asset auctions as transaction types of the statistics dashboard (server/statistics/sources.ts): 公车拍卖 and
 * 国有门面招租, both 'income' (the public body sells or lets). One record per sold round, on its closing time; the
 * appraisal (评估价, for a lease the appraised yearly rent) is the 'budget' — the reserve is confidential and a relist
 * may lower it — and the hammer price (for a lease the yearly rent) is the deal. Unsold rounds (流拍) do not count.
 */
import { QueryTypes } from 'sequelize';
import type { Database } from '../db.ts';
import { registerStatisticsSource, type StatisticsSource, type TransactionRecord } from '../statistics/sources.ts';
import { fen } from './models.ts';
import { KIND_LABELS, type Kind } from './service.ts';

async function soldRounds(db: Database, kind: Kind, from: Date, to: Date): Promise<TransactionRecord[]> {
  const rows = await db.sequelize.query<{
    auction_id: number; round_no: number; lot_no: string; title: string; consignor_name: string; appraisal_fen: unknown; price_fen: unknown; closed_at: Date | string;
  }>(
    `SELECT r.auction_id, a.round_no, l.lot_no, l.title, l.consignor_name, l.appraisal_fen, r.price_fen, r.closed_at
       FROM auction_results r JOIN auctions a ON a.id = r.auction_id JOIN auction_lots l ON l.id = a.lot_id
      WHERE r.outcome = 'sold' AND l.kind = ? AND r.closed_at >= ? AND r.closed_at < ?
      ORDER BY r.closed_at, r.auction_id`,
    { type: QueryTypes.SELECT, replacements: [kind, from, to] },
  );
  return rows.map((r) => ({
    id: String(r.auction_id), number: `${r.lot_no}-${r.round_no}`, name: r.title, method: '网络竞价', party: r.consignor_name,
    budgetFen: fen(r.appraisal_fen)!, dealFen: fen(r.price_fen)!, dealAt: r.closed_at instanceof Date ? r.closed_at : new Date(r.closed_at),
  }));
}

export const carAuctions: StatisticsSource = { type: 'car_auction', label: KIND_LABELS.car, kind: 'income', list: (db, from, to) => soldRounds(db, 'car', from, to) };
export const shopLeases: StatisticsSource = { type: 'shop_lease', label: KIND_LABELS.shop_lease, kind: 'income', list: (db, from, to) => soldRounds(db, 'shop_lease', from, to) };

registerStatisticsSource(carAuctions);
registerStatisticsSource(shopLeases);
