/**
 * 通用货物商品库: the general goods catalogue. Each item sits under a 政府采购品目分类目录 code (A goods, B works,
 * C services) and carries an exact reference price in fen. Search by code prefix (A0201 finds every computer) and
 * by Chinese text (name, specification, or the category's own name). A procurement application picks its items here.
 * Access: every logged-in user reads; the finance bureau keeps it.
 */
import { Op, Sequelize, type Transaction } from 'sequelize';
import { z } from 'zod';
import { ROLES } from '../../auth/roles.ts';
import { conflict, validationFailed } from '../../errors.ts';
import { REGISTER_KEEPERS } from '../access.ts';
import { categoryPrefix, iso, nonEmpty, updateSchemaOf } from '../common.ts';
import { cell } from '../csv.ts';
import type { Ctx, Plain, RegisterDef } from '../crud.ts';
import { registryModels } from '../models.ts';
import { categoriesNamed, categoryName, categoryPath, categoryProblem } from './categories.ts';

const STATUSES = ['active', 'withdrawn'] as const;
/** 100 亿元 in fen: far above any single item, low enough to stay an exact JavaScript integer. */
const MAX_PRICE_FEN = 1_000_000_000_000;

const categoryCode = z.string().trim().toUpperCase().superRefine((v, ctx) => {
  const p = categoryProblem(v);
  if (p) ctx.addIssue({ code: 'custom', message: p });
});

const fields = {
  categoryCode,
  name: nonEmpty(128),
  spec: z.string().trim().max(400).default(''),
  unit: nonEmpty(16),
  referencePriceFen: z.number().int('参考价以分为单位的整数 (integer fen)').min(0).max(MAX_PRICE_FEN),
  status: z.enum(STATUSES).default('active'),
};
const createSchema = z.object(fields);
const updateSchema = updateSchemaOf(fields);
const goodsItemSchema = z.object({
  id: z.number().int(), categoryCode: z.string(), categoryName: z.string().nullable(),
  categoryPath: z.array(z.object({ code: z.string(), name: z.string() })),
  name: z.string(), spec: z.string(), unit: z.string(), referencePriceFen: z.number().int(), status: z.enum(STATUSES),
  version: z.number().int(), updatedAt: z.string(), updatedBy: z.string(),
});
export type GoodsItem = z.output<typeof goodsItemSchema>;

/** "1234.5" 元 → 123450 fen, exactly (no floating point). */
export function yuanToFen(text: string): number | null {
  const m = /^(\d{1,10})(?:\.(\d{1,2}))?$/.exec(text.replace(/,/g, '').trim());
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}
export const fenToYuan = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;

function presentGoods(row: Plain): GoodsItem {
  const code = row.categoryCode as string;
  return {
    id: row.id as number, categoryCode: code, categoryName: categoryName(code), categoryPath: categoryPath(code),
    name: row.name as string, spec: row.spec as string, unit: row.unit as string, referencePriceFen: Number(row.referencePriceFen),
    status: row.status as GoodsItem['status'], version: row.version as number, updatedAt: iso(row.updatedAt), updatedBy: row.updatedBy as string,
  };
}

async function assertUnique(ctx: Ctx, v: { categoryCode: string; name: string; spec: string }, selfId?: number) {
  const other = await ctx.models.GoodsItem.findOne({ where: { categoryCode: v.categoryCode, name: v.name, spec: v.spec }, transaction: ctx.tx });
  if (other && other.get('id') !== selfId) {
    throw conflict(`商品库已有同品目、同名称、同规格的商品（编号 ${other.get('id')}）(duplicate item)`, 'DUPLICATE');
  }
}

export const goodsRegister: RegisterDef = {
  register: 'goods',
  basePath: '/api/goods',
  tag: 'registers',
  label: '商品 (goods item)',
  model: (s) => registryModels(s).GoodsItem,
  itemSchema: goodsItemSchema,
  createSchema,
  updateSchema,
  filters: z.object({
    code: categoryPrefix.optional(),
    status: z.enum(STATUSES).optional(),
  }),
  filterWhere: (q) => ({
    ...(q.code ? { categoryCode: { [Op.like]: `${q.code}%` } } : {}),
    ...(q.status ? { status: q.status } : {}),
  }),
  access: { read: ROLES, create: REGISTER_KEEPERS, update: REGISTER_KEEPERS, import: REGISTER_KEEPERS, export: ROLES },
  accessNote: '所有登录用户可查询和导出；财政部门（采购股、监督）维护。',
  searchColumns: () => ['name', 'spec', 'category_code'],
  // A word that names a category ("计算机") also finds the items filed under it and its sub-categories.
  searchExtra: (word) => categoriesNamed(word).map((code) => ({ categoryCode: { [Op.like]: `${code}%` } })),
  order: [['categoryCode', 'ASC'], ['name', 'ASC'], ['id', 'ASC']],
  scope: () => null,
  canRead: () => true,
  canUpdate: () => true,
  present: (row) => presentGoods(row),
  async prepareCreate(ctx, input: z.output<typeof createSchema>) {
    await assertUnique(ctx, input);
    return input;
  },
  async prepareUpdate(ctx, row, patch: Partial<z.output<typeof createSchema>>) {
    const merged = { categoryCode: patch.categoryCode ?? (row.categoryCode as string), name: patch.name ?? (row.name as string), spec: patch.spec ?? (row.spec as string) };
    await assertUnique(ctx, merged, row.id as number);
    return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
  },
  naturalKey: (v) => ({ categoryCode: v.categoryCode, name: v.name, spec: v.spec }),
  csv: {
    filename: 'goods',
    columns: [
      { key: 'categoryCode', label: '品目编码', required: true, get: (r) => r.categoryCode as string },
      { key: 'categoryName', label: '品目名称', get: (r) => r.categoryName as string },
      { key: 'name', label: '商品名称', required: true, get: (r) => r.name as string },
      { key: 'spec', label: '规格型号', get: (r) => r.spec as string },
      { key: 'unit', label: '计量单位', required: true, get: (r) => r.unit as string },
      { key: 'referencePriceYuan', field: 'referencePriceFen', label: '参考价（元）', required: true, get: (r) => fenToYuan(Number(r.referencePriceFen)) },
      { key: 'status', label: '状态', get: (r) => r.status as string },
    ],
    fromRow: (v) => ({
      categoryCode: v.categoryCode ?? '', name: v.name ?? '', spec: v.spec ?? '', unit: v.unit ?? '',
      // Not a number → a string, so the schema reports it as the wrong type at this column.
      referencePriceFen: v.referencePriceYuan === undefined || v.referencePriceYuan === '' ? undefined : (yuanToFen(v.referencePriceYuan) ?? `${v.referencePriceYuan}`),
      status: cell(v.status),
    }),
  },
};

/**
 * Catalogue items by id, for a procurement application that picks its items here. Unknown or withdrawn ids are a
 * 422 naming each one (path `items.<i>`), so an application cannot cite an item the catalogue does not offer.
 */
export async function getGoodsItems(sequelize: Sequelize, ids: number[], tx?: Transaction): Promise<Map<number, GoodsItem>> {
  const rows = await registryModels(sequelize).GoodsItem.findAll({ where: { id: { [Op.in]: ids } }, transaction: tx });
  const found = new Map(rows.map((r) => [r.get('id') as number, presentGoods(r.get({ plain: true }) as Plain)]));
  const details = ids.flatMap((id, i) => {
    const item = found.get(id);
    if (!item) return [{ path: `items.${i}`, reason: `商品库中没有编号 ${id} 的商品 (no such catalogue item)` }];
    if (item.status !== 'active') return [{ path: `items.${i}`, reason: `商品 ${id}「${item.name}」已下架 (item withdrawn)` }];
    return [];
  });
  if (details.length) throw validationFailed('所选商品不在商品库中或已下架 (unknown or withdrawn catalogue items)', details);
  return found;
}

/** Active items under a category code prefix whose text matches (at most 100): a picker for other components. */
export async function searchGoods(sequelize: Sequelize, opts: { code?: string; text?: string; limit?: number }, tx?: Transaction): Promise<GoodsItem[]> {
  const where: Record<string | symbol, unknown> = { status: 'active' };
  if (opts.code) where.categoryCode = { [Op.like]: `${opts.code.replace(/[^A-C0-9]/gi, '').toUpperCase()}%` };
  const and = opts.text ? [Sequelize.where(Sequelize.fn('INSTR', Sequelize.fn('LOWER', Sequelize.col('name')), opts.text.toLowerCase()), Op.gt, 0)] : [];
  const rows = await registryModels(sequelize).GoodsItem.findAll({ where: { ...where, [Op.and]: and }, order: [['categoryCode', 'ASC'], ['name', 'ASC']], limit: Math.min(opts.limit ?? 50, 100), transaction: tx });
  return rows.map((r) => presentGoods(r.get({ plain: true }) as Plain));
}
