/**
 * Statistics dashboard routes (issue 8): per period and transaction type — counts, budget, deal amount, savings (or
 * premium) and their rate, by method, by purchaser and by month — as JSON for the dashboard and as CSV/XLSX files.
 * For the people who report the centre's figures: supervision, audit and the finance bureau.
 */
import { z } from 'zod';
import type { ComponentDeps } from '../http/component-deps.ts';
import { addRoute, type Api } from '../http/route.ts';
import { validationFailed } from '../errors.ts';
import { shanghaiDay } from './aggregate.ts';
import { toCsv, toXlsx } from './export.ts';
import { buildReport, type ReportQuery } from './report.ts';
import { statisticsSources } from './sources.ts';

const READERS = ['supervisor', 'auditor', 'finance_section', 'city_finance'] as const;
const MAX_DAYS = 3660; // ten years: a longer span is a typo, and would read every deal ever made

const day = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, '须为日期 YYYY-MM-DD (must be YYYY-MM-DD)')
  // Runs even when the pattern failed (zod keeps checking), so it must not throw on garbage.
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, { message: '不是有效日期 (not a calendar date)' });

const periodQuery = z
  .object({
    from: day.optional().describe('起始日（含），上海时间；默认本年 1 月 1 日 (first day, inclusive)'),
    to: day.optional().describe('截止日（含）；默认今天 (last day, inclusive)'),
    types: z
      .string()
      .trim()
      .optional()
      .describe('交易类型，逗号分隔；默认全部 (transaction types, comma-separated; default all)'),
  })
  .strict();

const exportQuery = periodQuery.extend({ format: z.enum(['csv', 'xlsx']).describe('文件格式 (file format)') }).strict();

const groupSchema = z.object({
  key: z.string(),
  label: z.string(),
  count: z.number().int(),
  budgetFen: z.string(),
  dealFen: z.string(),
  differenceFen: z.string().describe('采购类：预算 − 成交（节约资金）；出让类：成交 − 底价（增值额）'),
  budgetWan: z.string(),
  dealWan: z.string(),
  differenceWan: z.string(),
  rate: z.string().nullable().describe('差额 / 预算，百分比两位小数 (difference / budget)'),
});
const sectionSchema = z.object({ kind: z.enum(['spend', 'income']), total: groupSchema, byMethod: z.array(groupSchema), byParty: z.array(groupSchema), byMonth: z.array(groupSchema) });
const reportSchema = z.object({
  period: z.object({ from: z.string(), to: z.string() }),
  types: z.array(z.object({ type: z.string(), label: z.string(), kind: z.enum(['spend', 'income']) })),
  available: z.array(z.object({ type: z.string(), label: z.string(), kind: z.enum(['spend', 'income']) })).describe('可选的全部交易类型 (every type a filter may choose)'),
  byType: z.array(groupSchema.extend({ kind: z.enum(['spend', 'income']) })),
  spend: sectionSchema.nullable(),
  income: sectionSchema.nullable(),
});

export function registerStatisticsRoutes(api: Api, deps: ComponentDeps): void {
  const resolve = (q: z.infer<typeof periodQuery>): ReportQuery => {
    const today = shanghaiDay(deps.clock.now());
    const to = q.to ?? today;
    const from = q.from ?? `${to.slice(0, 4)}-01-01`;
    const problems: { path: string; reason: string }[] = [];
    if (from > to) problems.push({ path: 'from', reason: `起始日 ${from} 晚于截止日 ${to} (from is after to)` });
    const days = (Date.parse(to) - Date.parse(from)) / 86_400_000;
    if (days > MAX_DAYS) problems.push({ path: 'to', reason: `统计期间不得超过 ${MAX_DAYS} 天 (period longer than ten years)` });
    let types: string[] | undefined;
    if (q.types) {
      const known = new Set(statisticsSources().map((s) => s.type));
      types = [...new Set(q.types.split(',').map((t) => t.trim()).filter(Boolean))];
      for (const t of types) if (!known.has(t)) problems.push({ path: 'types', reason: `未知交易类型 ${t}，可选：${[...known].join('、')} (unknown type)` });
    }
    if (problems.length) throw validationFailed('统计条件有误 (invalid statistics query)', problems);
    return { from, to, types };
  };

  addRoute(
    api,
    {
      method: 'get',
      path: '/api/statistics',
      tags: ['statistics'],
      summary: '交易统计 (transaction statistics of a period)',
      description:
        '期间内成交的交易（政府采购以中标/成交公告日计，成交金额为中标金额）：笔数、预算、成交金额、节约资金与节约率，按交易类型、采购方式、采购人、月份。' +
        '金额以分为单位精确求和，万元为精确小数；采购类与出让类（拍卖、租赁：增值额）分别合计。',
      access: READERS,
      query: periodQuery,
      response: { description: '统计结果', schema: reportSchema },
    },
    ({ query }) => buildReport(deps.db, resolve(query)),
  );

  addRoute(
    api,
    {
      method: 'get',
      path: '/api/statistics/export',
      tags: ['statistics'],
      summary: '导出统计表 CSV/XLSX (export the statistics)',
      description: '与 GET /api/statistics 相同的数字：万元（精确小数，文本）与分（整数）。',
      access: READERS,
      query: exportQuery,
      response: { description: 'CSV（UTF-8 带 BOM）或 XLSX 附件', schema: z.string(), contentType: 'text/csv' },
    },
    async ({ query, res }) => {
      const q = resolve(query);
      const report = await buildReport(deps.db, q);
      const name = `交易统计_${q.from}_${q.to}.${query.format}`;
      res.setHeader('Content-Disposition', `attachment; filename="statistics-${q.from}-${q.to}.${query.format}"; filename*=UTF-8''${encodeURIComponent(name)}`);
      if (query.format === 'csv') {
        res.setHeader('Content-Type', 'text/csv; charset=utf-8');
        res.status(200).send(toCsv(report));
      } else {
        res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
        res.status(200).send(await toXlsx(report));
      }
    },
  );
}
