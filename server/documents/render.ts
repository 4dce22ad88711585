/**
 * Rendering one template: validate the data (every problem listed, nothing rendered when any), run the compiled
 * template with escaping on (templates never use triple braces; a test enforces it), wrap the body in a complete
 * A4 HTML page with the print CSS inlined so the stored HTML stands alone, and hash the result.
 */
import crypto from 'node:crypto';
import { TimeLimitNotFound, TimeLimits } from '../calendar/time-limits.ts';
import { WorkingDayCalendar } from '../calendar/working-days.ts';
import { AppError, notFound, type ErrorDetail } from '../errors.ts';
import { catalogue, type LoadedTemplate } from './catalogue.ts';
import type { DocumentMeta, RenderPrivateData } from './helpers.ts';
import { collectErrors } from './validate.ts';

export interface RenderOptions {
  version?: number;
  documentNo?: string;
  generatedAt?: Date;
  /** Working-day calendar for deadline helpers; defaults to the package data without administrator overrides. */
  calendar?: WorkingDayCalendar;
  limits?: TimeLimits;
}

export interface RenderedDocument {
  html: string;
  sha256: string;
  templateId: string;
  templateVersion: string;
  meta: DocumentMeta;
}

let defaultCalendar: WorkingDayCalendar | null = null;
let defaultLimits: TimeLimits | null = null;

export function loadTemplate(templateId: string): LoadedTemplate {
  const t = catalogue().templates.get(templateId);
  if (!t) throw notFound('模板 (template)', templateId);
  return t;
}

/** 422 with every problem of `data` against the template's schema. */
export function assertValidData(t: LoadedTemplate, data: unknown): void {
  const details = collectErrors(t.validate, data);
  if (details.length) {
    throw new AppError(
      422,
      'DOCUMENT_DATA_INVALID',
      `文书数据有 ${details.length} 处问题，未生成文书 (the data has ${details.length} problem(s); nothing was rendered)`,
      details,
    );
  }
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function documentNoFor(projectNumber: unknown, t: LoadedTemplate): string {
  return typeof projectNumber === 'string' && projectNumber ? `${projectNumber}-${t.no}` : `FCWS-${t.no}`;
}

/** Paths ("a.b[0].c") of the string values in `data` that `message` quotes: the fields a helper refused. */
function pathsQuotedIn(data: unknown, message: string, at = ''): string[] {
  if (typeof data === 'string') return data.length >= 4 && message.includes(data) ? [at || '(root)'] : [];
  if (Array.isArray(data)) return data.flatMap((v, i) => pathsQuotedIn(v, message, `${at}[${i}]`));
  if (data && typeof data === 'object') {
    return Object.entries(data).flatMap(([k, v]) => pathsQuotedIn(v, message, at ? `${at}.${k}` : k));
  }
  return [];
}

/**
 * Runs the template. A helper refuses a value the schema lets through (an instant before 1991, a date outside the
 * working-day calendar, an anchor date with no legal time limits in force): that is the caller's data, so a 422
 * naming the field, not a 500.
 */
function renderBody(t: LoadedTemplate, data: unknown, privateData: RenderPrivateData): string {
  try {
    return t.render(data, { data: privateData });
  } catch (err) {
    if (!(err instanceof RangeError || err instanceof TimeLimitNotFound)) throw err;
    const paths = pathsQuotedIn(data, err.message);
    const details: ErrorDetail[] = (paths.length ? paths : ['(root)']).map((path) => ({ path, reason: `无法用于文书：${err.message} (cannot be rendered)` }));
    throw new AppError(422, 'DOCUMENT_DATA_INVALID', `文书数据有 ${details.length} 处问题，未生成文书 (the data has ${details.length} problem(s); nothing was rendered)`, details);
  }
}

/** Validates and renders; throws 404 for an unknown template and 422 (DOCUMENT_DATA_INVALID) for bad data. */
export function renderDocument(templateId: string, data: unknown, opts: RenderOptions = {}): RenderedDocument {
  const t = loadTemplate(templateId);
  assertValidData(t, data);
  const project = (data as { project?: { projectNumber?: string } }).project;
  const meta: DocumentMeta = {
    templateId: t.id,
    templateNo: t.no,
    title: t.title,
    version: opts.version ?? 1,
    documentNo: opts.documentNo ?? documentNoFor(project?.projectNumber, t),
    generatedAt: (opts.generatedAt ?? new Date()).toISOString(),
    templateVersion: t.version,
  };
  const privateData: RenderPrivateData = {
    calendar: opts.calendar ?? (defaultCalendar ??= new WorkingDayCalendar()),
    limits: opts.limits ?? (defaultLimits ??= new TimeLimits()),
    meta,
  };
  const body = renderBody(t, data, privateData);
  const html =
    '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n' +
    `<meta name="generator" content="fucheng-eproc ${t.id}@${t.version.slice(0, 12)}">\n` +
    `<title>${escapeHtml(t.title)} ${escapeHtml(meta.documentNo)}</title>\n<style>\n${catalogue().css}\n</style>\n</head>\n` +
    `<body>\n${body}\n</body>\n</html>\n`;
  return {
    html,
    sha256: crypto.createHash('sha256').update(html, 'utf8').digest('hex'),
    templateId: t.id,
    templateVersion: t.version,
    meta,
  };
}
