/** Shared pieces of the evaluation documents' data (templates 10, 11, 12): the common project header and times. */
import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc.js';
import timezone from 'dayjs/plugin/timezone.js';
import type { Variables } from '../engine/port.ts';

dayjs.extend(utc);
dayjs.extend(timezone);

/** An instant as ISO 8601 in Beijing time, e.g. 2026-04-14T09:30:00+08:00 (the documents' dateTime format). */
export function shanghaiIso(at: Date | string): string {
  return dayjs(at).tz('Asia/Shanghai').format('YYYY-MM-DDTHH:mm:ssZ');
}

const ORGANISATION_FORMS: Record<string, string> = {
  集中采购: '集中采购机构代理',
  部门集中采购: '部门集中采购',
  分散采购: '分散采购（委托代理）',
};

const METHODS = ['公开招标', '邀请招标', '竞争性谈判', '竞争性磋商', '询价', '单一来源', '框架协议采购'];

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);
const fen = (v: unknown): number | null => (typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? v : null);

/** The common project header (templates/common.schema.json#/$defs/project) from the instance variables. */
export function projectHeader(v: Variables): Record<string, unknown> {
  const header: Record<string, unknown> = {
    projectNumber: str(v.projectNumber) ?? '',
    projectName: (str(v.projectName) ?? '').slice(0, 100),
    purchaser: { name: str(v.purchaserName) ?? '采购人' },
    method: METHODS.includes(String(v.method)) ? v.method : '公开招标',
    categoryCode: str(v.categoryCode) ?? '',
    budgetFen: fen(v.budgetFen) ?? 0,
  };
  const agency = str(v.agencyName);
  if (agency) header.agency = { name: agency };
  const form = ORGANISATION_FORMS[String(v.organisationForm)];
  if (form) header.organisationForm = form;
  const max = fen(v.maxPriceFen);
  if (max) header.maxPriceFen = max;
  return header;
}

/** Names in documents are limited to 100 characters by the schemas. */
export const clip = (s: string, n = 100) => (s.length > n ? s.slice(0, n) : s);
