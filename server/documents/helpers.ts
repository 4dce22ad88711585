/**
 * The Handlebars helpers the templates use. All output goes through Handlebars' escaping (helpers return plain
 * strings, never SafeString built from user text). Working-day deadlines come from the calendar component
 * (server/calendar): the renderer passes a calendar and the legal time limits in the template's private data.
 */
import Handlebars from 'handlebars';
import { computeDeadline } from '../calendar/deadlines.ts';
import type { TimeLimits } from '../calendar/time-limits.ts';
import type { WorkingDayCalendar } from '../calendar/working-days.ts';
import { anchorOf, formatDateCn, formatDateTimeCn } from './dates.ts';
import { formatWan, formatYuan, uppercaseAmount, type FenInput } from './money.ts';

type HelperOptions = Handlebars.HelperOptions;

export interface RenderPrivateData {
  calendar: WorkingDayCalendar;
  limits: TimeLimits;
  meta: DocumentMeta;
}

/** What the renderer knows about the document itself (shown in the common header and footer). */
export interface DocumentMeta {
  templateId: string;
  templateNo: string;
  title: string;
  version: number;
  documentNo: string;
  generatedAt: string;
  templateVersion: string;
}

const absent = (v: unknown) => v === undefined || v === null || v === '';

function isOptions(v: unknown): v is HelperOptions {
  return typeof v === 'object' && v !== null && 'hash' in v && 'data' in v;
}

/** Percent from a number or decimal string: 5 → "5%", "12.50" → "12.5%". */
export function formatPercent(value: number | string, digits = 2): string {
  const s = typeof value === 'number' ? value.toFixed(digits) : String(value).trim();
  if (!/^-?\d+(\.\d+)?$/.test(s)) throw new RangeError(`not a percentage: ${String(value)}`);
  const trimmed = s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
  return `${trimmed}%`;
}

function deadlineOf(ruleId: string, anchor: string, options: HelperOptions) {
  const data = options.data as RenderPrivateData;
  if (!data?.calendar || !data?.limits) throw new Error('deadline helper needs the calendar in the render data');
  return computeDeadline(data.calendar, data.limits, ruleId, anchorOf(anchor));
}

/** Titles of the shared templates in a works tender (招标投标法) where they differ from government procurement's. */
const WORKS_TITLES: Record<string, string> = {
  'award-notice': '中标结果公示',
  'notice-of-award': '中标通知书',
  'cancellation-notice': '招标失败（终止招标）公告',
  'procurement-contract': '建设工程施工合同',
  'acceptance-report': '工程竣工验收报告',
  'credit-check-record': '投标人信用信息查询记录表',
};

export function registerHelpers(hbs: typeof Handlebars): void {
  hbs.registerHelper('yuan', (fen: FenInput) => (absent(fen) ? '' : formatYuan(fen)));
  hbs.registerHelper('wan', (fen: FenInput) => (absent(fen) ? '' : formatWan(fen)));
  hbs.registerHelper('upper', (fen: FenInput) => (absent(fen) ? '' : `人民币${uppercaseAmount(fen)}`));
  hbs.registerHelper('date', (v: string) => (absent(v) ? '' : formatDateCn(v)));
  hbs.registerHelper('datetime', (v: string) => (absent(v) ? '' : formatDateTimeCn(v)));
  hbs.registerHelper('percent', (v: number | string) => (absent(v) ? '' : formatPercent(v)));
  /** {{deadline "T1" noticeDate}} → the last day of the legal period, e.g. 2026年3月9日 (working days from the calendar). */
  hbs.registerHelper('deadline', (ruleId: string, anchor: string, options: HelperOptions) =>
    absent(anchor) ? '' : formatDateCn(deadlineOf(ruleId, anchor, options).dueDate),
  );
  /** {{deadlineText "T1" noticeDate}} → 5个工作日（至2026年3月9日，依据：令87 Art.16） */
  hbs.registerHelper('deadlineText', (ruleId: string, anchor: string, options: HelperOptions) => {
    if (absent(anchor)) return '';
    const d = deadlineOf(ruleId, anchor, options);
    return `${d.value}个${d.dayType === 'WD' ? '工作日' : '日'}（至${formatDateCn(d.dueDate)}，依据：${d.basis}）`;
  });
  /** {{docTitle}}: the document's title, or the Bidding Law's name for it when the data says regime "works". */
  hbs.registerHelper('docTitle', (options: HelperOptions) => {
    const data = options.data as { root?: { regime?: unknown }; meta?: { title: string; templateId: string } };
    const title = data.meta?.title ?? '';
    return data.root?.regime === 'works' ? (WORKS_TITLES[data.meta?.templateId ?? ''] ?? title) : title;
  });
  hbs.registerHelper('short', (v: unknown) => String(v ?? '').slice(0, 12));
  hbs.registerHelper('inc', (i: number) => Number(i) + 1);
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hbs.registerHelper('yesno', (v: unknown) => (v === true ? '是' : v === false ? '否' : ''));
  /** ☑/☐ for a flag, or for "value equals option" with two arguments. */
  hbs.registerHelper('check', (v: unknown, option: unknown) => {
    const on = isOptions(option) ? v === true : v === option;
    return on ? '☑' : '☐';
  });
  hbs.registerHelper('join', (list: unknown, sep: unknown) =>
    Array.isArray(list) ? list.map(String).join(isOptions(sep) ? '、' : String(sep)) : '',
  );
  hbs.registerHelper('or', (...args: unknown[]) => {
    const values = args.slice(0, -1);
    return values.find((v) => !absent(v)) ?? '';
  });
}
