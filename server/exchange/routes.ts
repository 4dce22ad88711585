/**
 * The OCDS feed for the city platform and the supervisors: the release feed (a release package, oldest first, with
 * a `since` cursor: the last `seq` read, given back as links.next; nothing after the cursor is 200
 * {upToDate: true, since, uri, message}, not an empty package, which the OCDS schema forbids) and one contracting process's record (its releases
 * and the compiled release). Read-only; readers are the supervision side (supervisor, auditor, 市财政局 city_finance):
 * the city platform reads with an account of one of those roles, and receives pushes through the outbox.
 */
import { z } from 'zod';
import type { ComponentDeps } from '../http/component-deps.ts';
import { addRoute, type Api } from '../http/route.ts';
import { notFound } from '../errors.ts';
import { attachExchangeListener } from './listener.ts';
import { recordOf } from './merge.ts';
import { ocdsDate, PUBLISHER, OCDS_VERSION, releasePackage } from './ocds.ts';
import { configureExchange, releasesOfOcid, releasesSince } from './releases.ts';

const READERS = ['supervisor', 'auditor', 'city_finance'] as const;

const feedQuery = z
  .object({
    since: z.coerce.number().int().min(0).default(0).describe('游标：上次读到的 seq（首次为 0）(cursor: the last seq read; 0 from the start)'),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

const json = z.record(z.string(), z.unknown());

export function registerExchangeRoutes(api: Api, deps: ComponentDeps): void {
  configureExchange(deps.db.sequelize, deps.config.exchange);
  attachExchangeListener(deps.engine); // after the project listener (registered before): reads the row it wrote
  addRoute(
    api,
    {
      method: 'get',
      path: '/api/ocds/releases',
      tags: ['ocds'],
      summary: 'OCDS 发布包 (OCDS 1.1 release package, oldest first)',
      description:
        '每个采购项目在各阶段（计划、招标、更正、废标或终止、中标、合同、履约验收）发布的 OCDS 1.1 release，按发布顺序；links.next 为下一页地址（since=本页最后的 seq）。已发布的 release 不再改变。' +
        '游标之后没有新 release 时，返回的不是发布包（OCDS 发布包须至少含一个 release），而是 200 与 {"upToDate": true, "since": <游标>, "uri", "message"}：稍后以同一 since 再取。' +
        ' (When nothing follows the cursor the answer is not a release package — the OCDS schema requires at least one release — but 200 {"upToDate": true, "since": <cursor>, "uri", "message"}: poll again later with the same since.)',
      access: READERS,
      query: feedQuery,
      response: { description: 'OCDS 发布包 (release package)；无新 release 时为 {upToDate: true, since, uri, message}', schema: json },
    },
    async ({ query, req }) => {
      const rows = await releasesSince(deps.db.sequelize, query.since, query.limit);
      const last = rows.length ? rows[rows.length - 1]!.seq : query.since;
      const base = `${req.protocol}://${req.get('host') ?? 'localhost'}/api/ocds/releases`;
      const uri = `${base}?since=${query.since}&limit=${query.limit}`;
      // Nothing after the cursor: a release package needs at least one release (OCDS 1.1.5 minItems 1), so say
      // "up to date" and give the cursor back instead.
      if (!rows.length) return { upToDate: true, since: query.since, uri, message: '暂无新的 release，请稍后以同一游标再取 (no new releases after this cursor; poll again later with the same since)' };
      const next = rows.length === query.limit ? `${base}?since=${last}&limit=${query.limit}` : undefined;
      return releasePackage(rows.map((r) => r.release), uri, deps.clock.now(), next);
    },
  );
  addRoute(
    api,
    {
      method: 'get',
      path: '/api/ocds/records/:ocid',
      tags: ['ocds'],
      summary: 'OCDS 记录包 (record package of one contracting process)',
      description: '一个采购项目（ocid = 前缀 + 项目编号）的全部 release 及按 OCDS 合并规则编译的 compiledRelease。',
      access: READERS,
      params: z.object({ ocid: z.string().trim().min(1).max(128) }),
      response: { description: 'OCDS 记录包 (record package)', schema: json },
      errors: [404],
    },
    async ({ params, req }) => {
      const releases = await releasesOfOcid(deps.db.sequelize, params.ocid);
      if (!releases.length) throw notFound('OCDS 记录 (record)', params.ocid);
      return {
        uri: `${req.protocol}://${req.get('host') ?? 'localhost'}/api/ocds/records/${encodeURIComponent(params.ocid)}`,
        version: OCDS_VERSION,
        publishedDate: ocdsDate(deps.clock.now()),
        publisher: PUBLISHER,
        records: [recordOf(params.ocid, releases)],
      };
    },
  );
}
