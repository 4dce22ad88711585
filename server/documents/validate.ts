/**
 * Template data is checked against the template's JSON Schema (draft 2020-12, ajv + ajv-formats) before anything
 * is rendered. Every problem is reported, each as { path, reason } with the reason in Chinese and English, so a
 * form can mark every wrong field at once and no half-filled document is ever produced.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { ErrorDetail } from '../errors.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

/** Annotation keywords our schemas carry for the UI and the catalogue (not validation). */
export const ANNOTATIONS = ['x-title-en', 'x-step', 'x-legal', 'x-ocds', 'x-widget', 'x-key-fields'] as const;

export function createAjv(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
  addFormats(ajv);
  ajv.addVocabulary([...ANNOTATIONS]);
  return ajv;
}

/** "/items/0/name" → "items[0].name"; the missing property is appended for `required`. */
export function errorPath(e: ErrorObject): string {
  const parts = e.instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (e.keyword === 'required') parts.push(String((e.params as { missingProperty: string }).missingProperty));
  if (e.keyword === 'additionalProperties') parts.push(String((e.params as { additionalProperty: string }).additionalProperty));
  let out = '';
  for (const p of parts) out += /^\d+$/.test(p) ? `[${p}]` : out ? `.${p}` : p;
  return out || '(root)';
}

const TYPE_ZH: Record<string, string> = {
  string: '文本', integer: '整数', number: '数字', boolean: '是/否', object: '对象', array: '列表', null: '空值',
};

export function errorReason(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return '必填项缺失 (required)';
    case 'type': {
      const t = String(p.type);
      return `应为${t.split(',').map((x) => TYPE_ZH[x] ?? x).join('或')} (must be ${t})`;
    }
    case 'minLength':
      return `至少 ${p.limit} 个字符 (at least ${p.limit} characters)`;
    case 'maxLength':
      return `最多 ${p.limit} 个字符 (at most ${p.limit} characters)`;
    case 'minimum':
      return `不能小于 ${p.limit} (must be ≥ ${p.limit})`;
    case 'exclusiveMinimum':
      return `必须大于 ${p.limit} (must be > ${p.limit})`;
    case 'maximum':
      return `不能大于 ${p.limit} (must be ≤ ${p.limit})`;
    case 'minItems':
      return `至少 ${p.limit} 项 (at least ${p.limit} items)`;
    case 'maxItems':
      return `最多 ${p.limit} 项 (at most ${p.limit} items)`;
    case 'enum':
      return `取值须为：${(p.allowedValues as unknown[]).join('、')} (must be one of the listed values)`;
    case 'const':
      return `取值须为 ${String(p.allowedValue)} (must be ${String(p.allowedValue)})`;
    case 'pattern':
      return `格式不正确 (does not match ${p.pattern})`;
    case 'format':
      return p.format === 'date'
        ? '日期格式应为 YYYY-MM-DD (must be a date YYYY-MM-DD)'
        : p.format === 'date-time'
          ? '时间格式应为 ISO 8601，如 2026-03-20T09:30:00+08:00 (must be an ISO 8601 date-time)'
          : `格式不正确，应为 ${p.format} (must be a valid ${p.format})`;
    case 'additionalProperties':
      return '模板中没有此字段 (unknown field)';
    case 'uniqueItems':
      return '列表中有重复项 (items must be unique)';
    default:
      return `${e.message ?? 'invalid'} (${e.keyword})`;
  }
}

/** Every problem of `data`, or [] when it is valid. Branch errors of if/then, anyOf… are kept; their wrappers dropped. */
export function collectErrors(validate: ValidateFunction, data: unknown): ErrorDetail[] {
  if (validate(data)) return [];
  const out: ErrorDetail[] = [];
  const seen = new Set<string>();
  for (const e of validate.errors ?? []) {
    if (e.keyword === 'if' || e.keyword === 'anyOf' || e.keyword === 'oneOf' || e.keyword === 'allOf') continue;
    const d = { path: errorPath(e), reason: errorReason(e) };
    const k = `${d.path}\u0000${d.reason}`;
    if (!seen.has(k)) {
      seen.add(k);
      out.push(d);
    }
  }
  return out;
}
