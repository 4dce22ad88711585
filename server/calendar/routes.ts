/**
 * Calendar and legal time limits over HTTP: days with their kind, the administrator's overrides and declared
 * years (process_admin edits; anyone logged in reads), the rules in force on a date, and deadline computation.
 */
import { z } from 'zod';
import { notFound, validationFailed } from '../errors.ts';
import { addRoute, type Api } from '../http/route.ts';
import type { Clock } from '../clock.ts';
import { businessDate, NotAPeriod, parseAnchor } from './deadlines.ts';
import type { CalendarService } from './service.ts';
import { TimeLimitNotFound } from './time-limits.ts';
import { daysInclusive, FIRST_YEAR, isDateString, isSupportedDate, LAST_YEAR, MAX_RANGE_DAYS } from './working-days.ts';

const dateString = z
  .string()
  .refine(isDateString, '日期格式应为 YYYY-MM-DD (date must be YYYY-MM-DD)')
  .refine(isSupportedDate, `日期应在 ${FIRST_YEAR}–${LAST_YEAR} 年之间 (date must be in ${FIRST_YEAR}–${LAST_YEAR})`);
/** The anchor's Shanghai date must leave room for the longest period before the calendar's last year ends. */
const anchorInstant = z.iso
  .datetime({ offset: true })
  .refine((s) => parseAnchor(s) !== null, `起算时间应在 ${FIRST_YEAR}–${LAST_YEAR - 1} 年之间 (anchor must be in ${FIRST_YEAR}–${LAST_YEAR - 1})`);
const yearParam = z
  .string()
  .regex(/^\d{4}$/, '年份应为四位数字 (year must be four digits)')
  .refine((s) => Number(s) >= FIRST_YEAR && Number(s) <= LAST_YEAR, `年份应在 ${FIRST_YEAR}–${LAST_YEAR} 之间 (year must be in ${FIRST_YEAR}–${LAST_YEAR})`);

const dayInfo = z.object({
  date: z.string(),
  working: z.boolean(),
  kind: z.enum(['workday', 'weekend', 'holiday', 'makeup_workday']),
  name: z.string().nullable(),
  source: z.enum(['chinese-days', 'override', 'weekday-rule']),
});
const overrideRow = z.object({
  date: z.string(), kind: z.enum(['holiday', 'workday']), name: z.string(), reason: z.string(), updatedBy: z.string(), updatedAt: z.string(),
});
const declaredYear = z.object({ year: z.number().int(), basis: z.string(), declaredBy: z.string(), declaredAt: z.string() });
const deadlineSchema = z.object({
  ruleId: z.string(), event: z.string(), basis: z.string(), verified: z.enum(['V', 'S', 'M']), value: z.number(),
  dayType: z.enum(['WD', 'CD']), direction: z.enum(['after', 'before']), anchor: z.string(), anchorDate: z.string(), dueDate: z.string(), dueAt: z.string(),
  rolledFrom: z.string().nullable(), calendarVersion: z.string(), limitsVersion: z.string(), warnings: z.array(z.string()),
});

export function registerCalendarRoutes(api: Api, deps: { calendar: CalendarService; clock: Clock }): void {
  const svc = deps.calendar;

  addRoute(
    api,
    {
      method: 'get', path: '/api/calendar/days', tags: ['calendar'],
      summary: '工作日日历 (working-day calendar for a date range, at most 400 days)',
      access: 'authenticated',
      query: z.object({ from: dateString, to: dateString }).strict(),
      response: { description: '每日是否工作日及原因', schema: z.object({ calendarVersion: z.string(), days: z.array(dayInfo), unscheduledYears: z.array(z.number()) }) },
    },
    async ({ query }) => {
      if (query.to < query.from) throw validationFailed('结束日期早于开始日期 (to is before from)', [{ path: 'to', reason: 'must not be before from' }]);
      if (daysInclusive(query.from, query.to) > MAX_RANGE_DAYS) {
        throw validationFailed(`一次最多查询 ${MAX_RANGE_DAYS} 天 (at most ${MAX_RANGE_DAYS} days per request)`, [{ path: 'to', reason: `at most ${MAX_RANGE_DAYS} days after from` }]);
      }
      const cal = await svc.calendar();
      return { calendarVersion: cal.version, days: cal.range(query.from, query.to), unscheduledYears: cal.unscheduledYears(query.from, query.to) };
    },
  );

  addRoute(
    api,
    {
      method: 'get', path: '/api/calendar/overrides', tags: ['calendar'], summary: '日历调整记录 (calendar overrides)',
      access: 'authenticated',
      response: { description: '管理员录入的调整与已录入节假日安排的年份', schema: z.object({ overrides: z.array(overrideRow), years: z.array(declaredYear) }) },
    },
    async () => ({ overrides: await svc.listOverrides(), years: await svc.listYears() }),
  );

  addRoute(
    api,
    {
      method: 'put', path: '/api/calendar/overrides/:date', tags: ['calendar'],
      summary: '设置某日为节假日或工作日 (set a day as holiday or working day)',
      description: '用于国务院调整放假安排或本地特殊安排；理由必填并留痕。',
      access: ['process_admin'],
      params: z.object({ date: dateString }),
      body: z.object({
        kind: z.enum(['holiday', 'workday']),
        name: z.string().trim().min(1).max(64),
        reason: z.string().trim().min(2, '请说明调整依据 (give the reason or basis)').max(500),
      }).strict(),
      response: { description: '已保存的调整', schema: overrideRow },
    },
    ({ params, body, user }) => svc.putOverride({ date: params.date, ...body }, user.username),
  );

  addRoute(
    api,
    {
      method: 'delete', path: '/api/calendar/overrides/:date', tags: ['calendar'], summary: '删除日历调整 (remove an override)',
      access: ['process_admin'],
      params: z.object({ date: dateString }),
      response: { description: '已删除', schema: z.object({ deleted: z.literal(true) }) },
      errors: [404],
    },
    async ({ params }) => {
      if (!(await svc.deleteOverride(params.date))) throw notFound('日历调整 (calendar override)', params.date);
      return { deleted: true as const };
    },
  );

  addRoute(
    api,
    {
      method: 'put', path: '/api/calendar/years/:year', tags: ['calendar'],
      summary: '声明某年节假日安排已录入 (declare a year\'s holiday schedule entered)',
      description: '录入国务院办公厅当年放假安排（以调整记录的形式）后声明，之后该年的期限不再带"未录入"警告。',
      access: ['process_admin'],
      params: z.object({ year: yearParam }),
      body: z.object({ basis: z.string().trim().min(4, '请写明文号，如 国办发明电〔2026〕X号 (give the notice number)').max(200) }).strict(),
      response: { description: '已声明', schema: declaredYear },
    },
    ({ params, body, user }) => svc.declareYear(Number(params.year), body.basis, user.username),
  );

  addRoute(
    api,
    {
      method: 'get', path: '/api/time-limits', tags: ['calendar'], summary: '某日生效的法定时限 (legal time limits in force on a date)',
      access: 'authenticated',
      query: z.object({ date: dateString.optional() }).strict(),
      response: {
        description: '版本与规则',
        schema: z.object({ effectiveFrom: z.string(), source: z.string(), rollForward: z.string(), rules: z.array(z.record(z.string(), z.unknown())) }),
      },
      errors: [404],
    },
    ({ query }) => {
      const date = query.date ?? businessDate(deps.clock.now());
      const v = svc.limits.versionOn(date);
      if (!v) throw notFound('法定时限版本 (time-limit version) in force on', date);
      return v;
    },
  );

  addRoute(
    api,
    {
      method: 'post', path: '/api/deadlines', tags: ['calendar'],
      summary: '按法定时限计算期限 (compute a deadline from a legal time limit)',
      description: '起算日不计入；以工作日计的跳过节假日与周末（调休上班日计入）；以日计的末日为非工作日时顺延。direction 为 before 的规则（T4 等"截止前至少N日"）从事件（如投标截止）倒推，末日为非工作日时提前。结果注明依据、日历与规则版本。',
      access: 'authenticated',
      body: z.object({
        ruleId: z.string().regex(/^[A-Z]\d+[a-z]?$/, '规则编号如 T3 (rule id such as T3)'),
        anchor: anchorInstant,
      }).strict(),
      response: { description: '期限', schema: deadlineSchema },
      errors: [404],
    },
    async ({ body }) => {
      try {
        return await svc.deadline(body.ruleId, new Date(body.anchor));
      } catch (err) {
        if (err instanceof TimeLimitNotFound) throw notFound('法定时限规则 (time-limit rule)', `${body.ruleId}: ${err.message}`);
        if (err instanceof NotAPeriod) throw validationFailed(err.message, [{ path: 'ruleId', reason: err.message }]);
        throw err;
      }
    },
  );
}
