/**
 * The facts of one procurement that its OCDS releases report, read inside the caller's transaction from the rows the
 * chain keeps: `projects` (number, name, purchaser, agency, budget, award, contract, acceptance, archive), the latest
 * `tenders` round with its amendments, and — after the opening only — who bid (bids are sealed before).
 */
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { toProject, type ProjectRow } from '../procurement/projects.ts';
import type { PartyFact, ProcurementFacts, TenderFact } from './ocds.ts';

type Row = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
const date = (v: unknown) => (v instanceof Date ? v : new Date(String(v)));
const idOf = (v: unknown): number | null => (typeof v === 'number' && Number.isSafeInteger(v) ? v : typeof v === 'string' && /^\d{1,15}$/.test(v) ? Number(v) : null);

export const sequelizeOf = (tx: Transaction): Sequelize => (tx as unknown as { sequelize: Sequelize }).sequelize;

async function select(tx: Transaction, sql: string, replacements: Row): Promise<Row[]> {
  return sequelizeOf(tx).query<Row>(sql, { replacements, type: QueryTypes.SELECT, transaction: tx });
}

/**
 * The project row, locked on MariaDB (FOR UPDATE) so two transactions publishing for the same procurement queue
 * behind each other and the second sees the first's release. SQLite write transactions are serial already.
 */
export async function lockedProject(tx: Transaction, instanceId: string): Promise<ProjectRow | null> {
  const mysql = sequelizeOf(tx).getDialect() === 'mysql';
  const [row] = await select(tx, `SELECT * FROM projects WHERE instance_id = :instanceId${mysql ? ' FOR UPDATE' : ''}`, { instanceId });
  return row ? toProject(row) : null;
}

async function organisation(tx: Transaction, id: number | null): Promise<PartyFact | null> {
  if (id === null) return null;
  const [o] = await select(tx, 'SELECT name, credit_code FROM organisations WHERE id = :id', { id });
  return o ? { creditCode: (o.credit_code as string | null) || null, localId: `org-${id}`, name: String(o.name) } : null;
}

async function agency(tx: Transaction, id: number | null, name: string | null): Promise<PartyFact | null> {
  if (id === null) return name ? { creditCode: null, localId: `agency-${name}`, name } : null;
  const [a] = await select(tx, 'SELECT name, credit_code FROM agencies WHERE id = :id', { id });
  return a ? { creditCode: (a.credit_code as string | null) || null, localId: `agency-${id}`, name: String(a.name) } : name ? { creditCode: null, localId: `agency-${id}`, name } : null;
}

async function latestTender(tx: Transaction, instanceId: string): Promise<TenderFact | null> {
  const [t] = await select(tx, 'SELECT * FROM tenders WHERE instance_id = :instanceId ORDER BY round DESC LIMIT 1', { instanceId });
  if (!t) return null;
  const pub = JSON.parse(String(t.public_json ?? '{}')) as { items?: TenderFact['items'] };
  const amendments = await select(tx, 'SELECT number, title, published_at, substantive FROM tender_amendments WHERE tender_id = :id ORDER BY number', { id: t.id });
  const opened = t.opened_at != null;
  const bids = opened
    ? await select(tx, "SELECT supplier_id, supplier_name, supplier_credit_code FROM bids WHERE tender_id = :id AND status = 'opened' ORDER BY id", { id: t.id })
    : [];
  return {
    id: Number(t.id),
    round: Number(t.round),
    status: String(t.status),
    title: str(t.project_name),
    method: str(t.method),
    procurementType: str(t.procurement_type),
    publishedAt: date(t.published_at),
    bidDeadlineAt: date(t.bid_deadline_at),
    budgetFen: Number(t.budget_fen),
    maxPriceFen: t.max_price_fen == null ? null : Number(t.max_price_fen),
    items: (pub.items ?? []).map((i) => ({ itemCode: i.itemCode, itemName: i.itemName, quantity: i.quantity, unit: i.unit, unitPriceFen: Number(i.unitPriceFen) })),
    amendments: amendments.map((a) => ({ number: Number(a.number), title: str(a.title), publishedAt: date(a.published_at), substantive: a.substantive === true || Number(a.substantive) === 1 })),
    opened,
    bidCount: t.bid_count == null ? null : Number(t.bid_count),
    awardedBidId: t.awarded_bid_id == null ? null : Number(t.awarded_bid_id),
    tenderers: bids.map((b) => ({ creditCode: str(b.supplier_credit_code) || null, localId: `supplier-${b.supplier_id}`, name: str(b.supplier_name) })),
    failureReason: (t.failure_reason as string | null) ?? null,
  };
}

export async function procurementFacts(tx: Transaction, p: ProjectRow): Promise<ProcurementFacts> {
  const award = p.award;
  const contract = p.contract;
  const acceptance = p.acceptance;
  const awardFen = idOf(award?.amountFen);
  const bidId = idOf(award?.bidId);
  const contractFen = idOf(contract?.contractAmountFen ?? contract?.amountFen);
  return {
    projectNumber: p.projectNumber!,
    projectName: p.projectName ?? p.projectNumber!,
    status: p.status,
    method: p.method,
    budgetFen: p.budgetFen,
    buyer: await organisation(tx, p.purchaserOrgId).then((o) => o ?? (p.purchaserName ? { creditCode: null, localId: `org-${p.purchaserOrgId ?? 'unknown'}`, name: p.purchaserName } : null)),
    procuringEntity: await agency(tx, p.agencyId, p.agencyName),
    tender: await latestTender(tx, p.instanceId),
    award: award && awardFen !== null && bidId !== null && typeof award.awardedAt === 'string'
      ? {
          bidId,
          amountFen: awardFen,
          awardedAt: award.awardedAt,
          supplier: { creditCode: str(award.creditCode) || null, localId: `supplier-${idOf(award.supplierId) ?? bidId}`, name: str(award.supplierName) },
        }
      : null,
    contract: contract && contractFen !== null && str(contract.contractNumber) && /^\d{4}-\d{2}-\d{2}$/.test(str(contract.signedDate))
      ? { contractNumber: str(contract.contractNumber), signedDate: str(contract.signedDate), amountFen: contractFen, performancePeriod: str(contract.performancePeriod), paymentTerms: str(contract.paymentTerms) }
      : null,
    acceptance: acceptance && /^\d{4}-\d{2}-\d{2}$/.test(str(acceptance.acceptanceDate)) ? { acceptanceDate: str(acceptance.acceptanceDate), overall: str(acceptance.overall) } : null,
    archived: p.archive != null || p.status === 'archived',
  };
}
