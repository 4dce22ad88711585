/**
 * The registers over HTTP: suppliers, agencies, goods catalogue and experts (each through registerCrudRoutes),
 * the category tree of the catalogue and the experts' panel history.
 */
import { z } from 'zod';
import type { Clock } from '../clock.ts';
import type { Database } from '../db.ts';
import { forbidden, notFound } from '../errors.ts';
import { addRoute, type Api } from '../http/route.ts';
import { EXPERT_IDENTITY, has } from './access.ts';
import { dateString } from './common.ts';
import { registerCrudRoutes } from './crud.ts';
import { agencyRegister } from './agencies/register.ts';
import { expertRegister, listPanelService, panelSchema, recordPanelService } from './experts/register.ts';
import { allCategories, CATEGORIES_SOURCE } from './goods/categories.ts';
import { goodsRegister } from './goods/register.ts';
import { registryModels } from './models.ts';
import { supplierRegister } from './suppliers/register.ts';

export function registerRegistryRoutes(api: Api, deps: { db: Database; clock: Clock }): void {
  for (const def of [supplierRegister, agencyRegister, goodsRegister, expertRegister]) registerCrudRoutes(api, def, deps);
  const { db, clock } = deps;

  addRoute(
    api,
    {
      method: 'get', path: '/api/goods-categories', tags: ['registers'], summary: '政府采购品目分类 (procurement category codes)',
      access: 'authenticated',
      response: { description: '品目编码与名称，按层级（A 货物 / B 工程 / C 服务）', schema: z.object({ source: z.string(), categories: z.array(z.object({ code: z.string(), name: z.string() })) }) },
    },
    () => ({ source: CATEGORIES_SOURCE, categories: allCategories() }),
  );

  const idParams = z.object({ id: z.coerce.number().int().min(1).max(2_147_483_647) });
  async function expertFor(id: number, user: { id: number; roles: readonly string[] }) {
    const row = await registryModels(db.sequelize).Expert.findByPk(id);
    if (!row) throw notFound('评审专家 (expert)', String(id));
    const self = row.get('userId') === user.id;
    if (!has(user as never, EXPERT_IDENTITY) && !self) throw forbidden('仅监督、代理机构和专家本人可查看评审经历 (panel history: supervisor, agency or the expert)');
    return row;
  }

  addRoute(
    api,
    {
      method: 'get', path: '/api/experts/:id/panels', tags: ['registers'], summary: '专家参加评审的记录 (panels an expert served on)',
      description: '监督、代理机构和专家本人可见。', access: [...EXPERT_IDENTITY, 'expert'], params: idParams,
      response: { description: '最新在前', schema: z.object({ panels: z.array(panelSchema) }) }, errors: [404],
    },
    async ({ params, user }) => {
      await expertFor(params.id, user);
      return { panels: await listPanelService(db.sequelize, params.id) };
    },
  );

  addRoute(
    api,
    {
      method: 'post', path: '/api/experts/:id/panels', tags: ['registers'], summary: '补录专家评审经历 (record a panel served, e.g. before the system)',
      description: '仅监督。同一专家、项目、包只记录一次（重复提交返回已有记录）。评审环节由系统调用 recordPanelService 自动记录。',
      access: ['supervisor'], params: idParams,
      body: z.object({
        projectRef: z.string().trim().min(1).max(64), lotRef: z.string().trim().max(32).default(''), role: z.enum(['member', 'leader']).default('member'),
        servedOn: dateString, note: z.string().trim().max(500).optional(),
      }).strict(),
      response: { status: 201, description: '已记录', schema: z.object({ id: z.number().int(), created: z.boolean() }) }, errors: [404],
    },
    async ({ params, body, user }) => {
      await expertFor(params.id, user);
      return db.withTransaction((tx) => recordPanelService(tx, { expertId: params.id, ...body, recordedBy: user.username, at: clock.now() }));
    },
  );
}
