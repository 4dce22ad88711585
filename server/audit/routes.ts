/**
 * Audit trail routes, read-only, for supervisors and auditors: browse and filter the entries, and re-check the
 * whole hash chain. There is no route that writes, edits or deletes an entry.
 */
import { z } from 'zod';
import type { ComponentDeps } from '../http/component-deps.ts';
import { addRoute, type Api } from '../http/route.ts';
import { QueryTypes } from 'sequelize';
import type { Database } from '../db.ts';
import { listAudit, verifyAuditChain, type AuditEntry } from './index.ts';
import { attachAuditListener } from './listener.ts';

const READERS = ['supervisor', 'auditor'] as const;

const isoTime = z
  .string()
  .trim()
  .refine((s) => /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/.test(s) && !Number.isNaN(new Date(s).getTime()), {
    message: '须为日期 YYYY-MM-DD 或带时区的 ISO 时间 (must be YYYY-MM-DD or an ISO time with zone)',
  })
  // A bare date is a day in Asia/Shanghai.
  .transform((s) => (s.length === 10 ? new Date(`${s}T00:00:00+08:00`) : new Date(s)));

const text = (max: number) => z.string().trim().min(1).max(max);

const listQuery = z
  .object({
    actor: text(64).optional(),
    action: text(64).optional().describe('动作，如 task.completed；以 * 结尾按前缀筛选 (action; trailing * = prefix)'),
    objectType: text(40).optional(),
    objectId: text(128).optional(),
    instanceId: text(40).optional(),
    from: isoTime.optional().describe('起（含）(from, inclusive)'),
    to: isoTime.optional().describe('止（不含）；仅日期时为该日零时 (to, exclusive)'),
    before: z.coerce.number().int().min(1).optional().describe('翻页游标：上一页的 nextBefore (cursor)'),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

const entrySchema = z.object({
  seq: z.number().int(),
  at: z.string(),
  actor: z.string().nullable(),
  roles: z.array(z.string()),
  action: z.string(),
  objectType: z.string(),
  objectId: z.string(),
  instanceId: z.string().nullable(),
  summary: z.record(z.string(), z.unknown()).nullable(),
  prevHash: z.string(),
  hash: z.string(),
});

const verifySchema = z.object({
  ok: z.boolean(),
  entries: z.number().int(),
  headHash: z.string().nullable(),
  firstBroken: z.object({ seq: z.number().int(), reason: z.string() }).nullable(),
});

export function registerAuditRoutes(api: Api, deps: ComponentDeps): void {
  attachAuditListener(deps.engine, deps.db);
  addRoute(
    api,
    {
      method: 'get',
      path: '/api/audit',
      tags: ['audit'],
      summary: '审计记录 (audit trail entries, newest first)',
      description: '每一次状态变更（办理任务、生成文书、投标与开标、部署流程、修改名录、登录失败、越权访问）在同一事务中记入，链式哈希防篡改。仅监督、审计可查。',
      access: READERS,
      query: listQuery,
      response: { description: '一页记录及下一页游标', schema: z.object({ entries: z.array(entrySchema), nextBefore: z.number().int().nullable() }) },
    },
    async ({ query }) => {
      const page = await listAudit(deps.db, query);
      return { ...page, entries: await maskSealedBids(deps.db, page.entries) };
    },
  );
  addRoute(
    api,
    {
      method: 'get',
      path: '/api/audit/verify',
      tags: ['audit'],
      summary: '校验审计链 (re-check the whole hash chain)',
      description: '逐条重算哈希并核对前后链接与链头；失败时指出第一条被改动、删除的记录。headHash 可抄送留存，用于发现整表重写。',
      access: READERS,
      response: { description: '校验结果', schema: verifySchema },
    },
    async () => verifyAuditChain(deps.db),
  );
}

/**
 * Who bid is confidential until the opening (令87 Art. 25; server/tender/): entries about bids of a tender not yet
 * opened show neither the bidder nor the receipt. The stored entry is whole (the chain verifies it); its hash reveals
 * nothing guessable, since it covers the salted receipt digest.
 */
async function maskSealedBids(db: Database, entries: AuditEntry[]): Promise<AuditEntry[]> {
  const tenderIds = [...new Set(entries.filter((e) => e.objectType === 'bid').map((e) => Number(e.summary?.tenderId)).filter(Number.isInteger))];
  if (!tenderIds.length) return entries;
  const rows = await db.sequelize.query<{ id: number | string; opened_at: unknown }>('SELECT id, opened_at FROM tenders WHERE id IN (:ids)', {
    replacements: { ids: tenderIds }, type: QueryTypes.SELECT,
  });
  const opened = new Set(rows.filter((r) => r.opened_at != null).map((r) => Number(r.id)));
  return entries.map((e) =>
    e.objectType === 'bid' && !opened.has(Number(e.summary?.tenderId))
      ? { ...e, actor: null, roles: [], summary: { tenderId: e.summary?.tenderId ?? null, sealed: '开标前保密 (confidential until the opening)' } }
      : e,
  );
}
