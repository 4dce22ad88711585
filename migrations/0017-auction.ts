/**
 * Official-car auctions and state-owned shop leases (server/auction/, processes/asset-auction.bpmn):
 * `auction_lots` the thing sold or let (kind car | shop_lease, appraisal and the consignor's reserve; for a lease the
 * auctioned figure is the yearly rent and the lot carries the term in years); `auctions` one round of a lot (a relist
 * after 流拍 is a new round at a lower start) with its schedule, start price, increment, deposit, the running price,
 * the leader, the per-round bid sequence and the (extendable) closing time; `auction_registrations` bidders with
 * their deposit (confirmed by the agency) and its refund; `auction_bids` the accepted bids, dense `seq` per round;
 * `auction_results` the outcome of a round (sold / unsold), the 成交确认书 number and the contract.
 * Money is integer fen in DECIMAL(15,0) columns.
 */
import { DataTypes } from 'sequelize';
import type { MigrationContext } from '../server/migrate.ts';

export async function up({ qi, dialect }: MigrationContext): Promise<void> {
  const longText = dialect === 'mysql' ? DataTypes.TEXT('medium') : DataTypes.TEXT;
  const fen = (allowNull = false) => ({ type: DataTypes.DECIMAL(15, 0), allowNull });
  const at = (allowNull = true) => ({ type: DataTypes.DATE(3), allowNull });
  await qi.createTable('auction_lots', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    lot_no: { type: DataTypes.STRING(32), allowNull: false, unique: true },
    kind: { type: DataTypes.STRING(16), allowNull: false },
    title: { type: DataTypes.STRING(200), allowNull: false },
    consignor_name: { type: DataTypes.STRING(200), allowNull: false },
    details_json: { type: longText, allowNull: false },
    appraisal_fen: fen(),
    reserve_fen: fen(),
    lease_term_years: { type: DataTypes.INTEGER, allowNull: true },
    /** The agency organisation that runs it: only its staff announce, confirm deposits, relist and record the contract. */
    agency_org_id: { type: DataTypes.INTEGER, allowNull: true },
    created_by: { type: DataTypes.STRING(64), allowNull: false },
    created_at: at(false),
  });
  await qi.createTable('auctions', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    lot_id: { type: DataTypes.INTEGER, allowNull: false },
    round_no: { type: DataTypes.INTEGER, allowNull: false },
    status: { type: DataTypes.STRING(16), allowNull: false },
    start_fen: fen(),
    increment_fen: fen(),
    deposit_fen: fen(),
    announced_at: at(),
    viewing_from: at(),
    viewing_to: at(),
    starts_at: at(),
    planned_close_at: at(),
    closes_at: at(),
    current_fen: fen(true),
    leader_registration_id: { type: DataTypes.INTEGER, allowNull: true },
    bid_seq: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    extensions: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    instance_id: { type: DataTypes.STRING(40), allowNull: true },
    created_by: { type: DataTypes.STRING(64), allowNull: false },
    created_at: at(false),
    updated_at: at(false),
  });
  await qi.addIndex('auctions', ['lot_id', 'round_no'], { name: 'auctions_lot_round', unique: true });
  await qi.addIndex('auctions', ['status'], { name: 'auctions_status' });
  await qi.createTable('auction_registrations', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    auction_id: { type: DataTypes.INTEGER, allowNull: false },
    username: { type: DataTypes.STRING(64), allowNull: false },
    bidder_name: { type: DataTypes.STRING(200), allowNull: false },
    /** The pseudonym the bid log and the live page show instead of the name (竞买号). */
    paddle_no: { type: DataTypes.STRING(16), allowNull: false },
    deposit_fen: fen(),
    status: { type: DataTypes.STRING(16), allowNull: false },
    registered_at: at(false),
    confirmed_at: at(),
    confirmed_by: { type: DataTypes.STRING(64), allowNull: true },
    refund_due_date: { type: DataTypes.STRING(10), allowNull: true },
    refunded_at: at(),
    refund_fen: fen(true),
  });
  await qi.addIndex('auction_registrations', ['auction_id', 'username'], { name: 'auction_reg_user', unique: true });
  await qi.createTable('auction_bids', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    auction_id: { type: DataTypes.INTEGER, allowNull: false },
    seq: { type: DataTypes.INTEGER, allowNull: false },
    registration_id: { type: DataTypes.INTEGER, allowNull: false },
    amount_fen: fen(),
    at: at(false),
    closes_at: at(false),
  });
  // The per-round sequence is dense and unique: a second writer with the same seq cannot commit.
  await qi.addIndex('auction_bids', ['auction_id', 'seq'], { name: 'auction_bids_seq', unique: true });
  await qi.createTable('auction_results', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    auction_id: { type: DataTypes.INTEGER, allowNull: false, unique: true },
    outcome: { type: DataTypes.STRING(16), allowNull: false },
    winner_registration_id: { type: DataTypes.INTEGER, allowNull: true },
    price_fen: fen(true),
    closed_at: at(false),
    confirmation_no: { type: DataTypes.STRING(40), allowNull: true },
    contract_no: { type: DataTypes.STRING(40), allowNull: true },
    contract_json: { type: longText, allowNull: true },
    contract_signed_at: at(),
  });
}

export async function down({ qi }: MigrationContext): Promise<void> {
  for (const t of ['auction_results', 'auction_bids', 'auction_registrations', 'auctions', 'auction_lots']) await qi.dropTable(t);
}
