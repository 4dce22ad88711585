/**
 * The application check (CHAIN.md part A, worker `check-application`, and POST /api/projects before anything
 * starts): the 品目 code exists, every item is in the goods catalogue, quantities are positive, Σ quantity × unit
 * price (exact fen) stays within the budget, the maximum price within the budget, and the chosen agency exists, is
 * active and has staff accounts. One function for both, so the API refuses exactly what the worker would.
 *
 * Item codes: the catalogue item's number (`"17"`, what the projects page sends), or a 品目 code under which the
 * catalogue offers at least one active item (`"A02010104"`).
 */
import type { Sequelize, Transaction } from 'sequelize';
import { defineAuthModels } from '../auth/models.ts';
import { AppError, type ErrorDetail } from '../errors.ts';
import { categoryProblem, getGoodsItems, searchGoods } from '../registry/index.ts';
import { registryModels } from '../registry/models.ts';

export interface ItemFen {
  itemCode: string;
  itemName: string;
  quantity: number;
  unit: string;
  unitPriceFen: number;
  lineTotalFen: number;
}

export interface ApplicationFacts {
  itemsFen: ItemFen[];
  itemsTotalFen: number;
  budgetFen: number | null;
  maxPriceFen: number | null;
  agencyId: number | null;
  agencyName: string | null;
  agencyUsers: string[];
}

export interface ApplicationCheck extends ApplicationFacts {
  problems: ErrorDetail[];
}

const MONEY = /^(\d{1,12})(?:\.(\d{1,2}))?$/;
const QUANTITY = /^(\d{1,9})(?:\.(\d{1,3}))?$/;

/** A 元 amount (number or text, at most two decimals) → integer fen, exactly; null when it is not one. */
export function yuanToFenExact(value: unknown): number | null {
  if (typeof value !== 'number' && typeof value !== 'string') return null;
  if (typeof value === 'number' && (!Number.isFinite(value) || value < 0)) return null;
  // Number → shortest round-trip text (5200.1 → "5200.1"), never 5200.1 * 100 = 520009.99….
  const text = typeof value === 'number' ? String(value) : value.replace(/,/g, '').trim();
  const m = MONEY.exec(text);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/** A quantity (number or text, at most three decimals) in thousandths, or null. */
function thousandths(value: unknown): bigint | null {
  if (typeof value !== 'number' && typeof value !== 'string') return null;
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  const m = QUANTITY.exec(typeof value === 'number' ? String(value) : value.trim());
  if (!m) return null;
  return BigInt(m[1]!) * 1000n + BigInt((m[2] ?? '').padEnd(3, '0'));
}

const intFen = (v: unknown): number | null => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : null);

/** budgetFen/maxPriceFen as the model computed them (amounts_to_fen), else from the 元 fields. */
function amountFen(vars: Record<string, unknown>, fenKey: string, yuanKey: string): number | null {
  const fen = intFen(vars[fenKey]);
  if (fen !== null) return fen;
  return vars[yuanKey] === undefined || vars[yuanKey] === null ? null : yuanToFenExact(vars[yuanKey]);
}

const text = (v: unknown) => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '');

export async function checkApplication(sequelize: Sequelize, vars: Record<string, unknown>, tx?: Transaction): Promise<ApplicationCheck> {
  const problems: ErrorDetail[] = [];
  const add = (path: string, reason: string) => problems.push({ path, reason });

  const categoryCode = text(vars.categoryCode).toUpperCase();
  if (!categoryCode) add('categoryCode', '品目编码必填 (category code required)');
  else {
    const p = categoryProblem(categoryCode);
    if (p) add('categoryCode', p);
  }

  const budgetFen = amountFen(vars, 'budgetFen', 'budgetYuan');
  const maxPriceFen = amountFen(vars, 'maxPriceFen', 'maxPriceYuan');
  if (budgetFen === null) add('budgetYuan', '预算金额应为不超过两位小数的非负金额 (budget must be an amount in 元 with at most 2 decimals)');
  else if (budgetFen <= 0) add('budgetYuan', '预算金额应大于零 (budget must be positive)');
  if (vars.maxPriceYuan !== undefined && vars.maxPriceYuan !== null && maxPriceFen === null) {
    add('maxPriceYuan', '最高限价应为不超过两位小数的金额 (maximum price must be an amount in 元 with at most 2 decimals)');
  }
  if (budgetFen !== null && maxPriceFen !== null && maxPriceFen > budgetFen) {
    add('maxPriceYuan', `最高限价 ${fmt(maxPriceFen)} 元超过预算金额 ${fmt(budgetFen)} 元 (maximum price exceeds the budget)`);
  }

  const itemsFen: ItemFen[] = [];
  let total = 0n;
  const items = vars.items;
  if (!Array.isArray(items) || items.length === 0) {
    add('items', '至少填写一项采购标的 (at least one item from the goods catalogue)');
  } else {
    for (const [i, raw] of items.entries()) {
      const it = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
      const code = text(it.itemCode);
      let name = text(it.itemName);
      let unit = text(it.unit);
      let known = false;
      if (!code) add(`items.${i}.itemCode`, '商品编码必填 (item code required)');
      else if (/^\d{1,9}$/.test(code)) {
        try {
          const found = (await getGoodsItems(sequelize, [Number(code)], tx)).get(Number(code))!;
          known = true;
          name ||= found.name;
          unit ||= found.unit;
        } catch (err) {
          if (!(err instanceof AppError)) throw err;
          add(`items.${i}.itemCode`, err.details[0]?.reason ?? err.message);
        }
      } else {
        const c = code.toUpperCase();
        const p = categoryProblem(c);
        if (p) add(`items.${i}.itemCode`, p);
        else if ((await searchGoods(sequelize, { code: c, limit: 1 }, tx)).length === 0) {
          add(`items.${i}.itemCode`, `商品库中没有品目 ${c} 下的在售商品 (no active catalogue item under this code)`);
        } else known = true;
      }
      if (!name) add(`items.${i}.itemName`, '标的名称必填 (item name required)');
      if (!unit) add(`items.${i}.unit`, '计量单位必填 (unit required)');
      const q = thousandths(it.quantity);
      if (q === null) add(`items.${i}.quantity`, '数量应为正数，最多三位小数 (quantity must be a number with at most 3 decimals)');
      else if (q <= 0n) add(`items.${i}.quantity`, '数量应大于零 (quantity must be positive)');
      const price = it.unitPriceFen !== undefined ? intFen(it.unitPriceFen) : yuanToFenExact(it.unitPriceYuan);
      if (price === null) add(`items.${i}.unitPriceYuan`, '单价应为不超过两位小数的非负金额 (unit price must be an amount in 元 with at most 2 decimals)');
      if (q !== null && q > 0n && price !== null) {
        // Exact: thousandths × fen, rounded half up to whole fen.
        const line = (q * BigInt(price) + 500n) / 1000n;
        total += line;
        if (known) itemsFen.push({ itemCode: code, itemName: name, quantity: Number(q) / 1000, unit, unitPriceFen: price, lineTotalFen: Number(line) });
      }
    }
    if (budgetFen !== null && total > BigInt(budgetFen)) {
      add('items', `标的合计 ${fmt(Number(total))} 元超过预算金额 ${fmt(budgetFen)} 元 (items total exceeds the budget)`);
    }
  }

  let agencyName: string | null = null;
  let agencyUsers: string[] = [];
  const agencyId = typeof vars.agencyId === 'number' && Number.isSafeInteger(vars.agencyId) ? vars.agencyId : typeof vars.agencyId === 'string' && /^\d{1,9}$/.test(vars.agencyId) ? Number(vars.agencyId) : null;
  if (agencyId === null) add('agencyId', '请选择采购代理机构 (choose an agency of the register)');
  else {
    const agency = await registryModels(sequelize).Agency.findByPk(agencyId, { transaction: tx });
    if (!agency) add('agencyId', `代理机构名录中没有编号 ${agencyId} 的机构 (no such agency)`);
    else if (agency.get('status') !== 'active') add('agencyId', `代理机构「${agency.get('name') as string}」不在正常状态 (agency is not active)`);
    else {
      agencyName = agency.get('name') as string;
      const ids = (agency.get('staffUserIds') as number[]) ?? [];
      const { User } = defineAuthModels(sequelize);
      const users = ids.length ? await User.findAll({ where: { id: ids }, transaction: tx }) : [];
      agencyUsers = users.filter((u) => !u.disabled).map((u) => u.username).sort();
      if (!agencyUsers.length) add('agencyId', `代理机构「${agencyName}」没有登记从业人员账号，无法办理 (agency has no staff accounts)`);
    }
  }

  return { problems, itemsFen, itemsTotalFen: Number(total), budgetFen, maxPriceFen, agencyId, agencyName, agencyUsers };
}

function fmt(fen: number): string {
  const s = String(Math.floor(fen / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${s}.${String(fen % 100).padStart(2, '0')}`;
}
