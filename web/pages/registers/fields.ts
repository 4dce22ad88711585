/**
 * Form fields of the register pages: how a record's value becomes text in an input and back into the JSON the
 * API expects (money as integer fen, lists as arrays, empty optional text as null).
 */
import { parseYuanToFen, formatYuan } from '../../ui/format.ts';

export type FieldType = 'text' | 'textarea' | 'select' | 'checks' | 'date' | 'yuan' | 'list' | 'numlist' | 'conflicts' | 'quals' | 'optional';

export interface FieldDef {
  name: string;
  type: FieldType;
  /** For selects: the values (labels from registers:values.<valuesKey>.<value>). */
  options?: string[];
  valuesKey?: string;
  required?: boolean;
  wide?: boolean;
  /** Shown only when creating (e.g. a key field the owner may not change later). */
  createOnly?: boolean;
}

export interface Qual {
  name: string;
  certNo: string;
  expiresOn: string;
}

export type FormValues = Record<string, string | Qual[]>;

export function toForm(fields: FieldDef[], rec: Record<string, unknown> | null): FormValues {
  const out: FormValues = {};
  for (const f of fields) {
    const v = rec?.[f.name];
    if (f.type === 'quals') out[f.name] = ((v as Qual[] | undefined) ?? []).map((q) => ({ name: q.name, certNo: q.certNo, expiresOn: q.expiresOn }));
    else if (f.type === 'yuan') out[f.name] = typeof v === 'number' ? formatYuan(v).replace(/,/g, '') : '';
    else if (f.type === 'list' || f.type === 'numlist') out[f.name] = Array.isArray(v) ? v.join(';') : '';
    // checks: the ticked options as 'a;b' (a new record starts with the first option ticked)
    else if (f.type === 'checks') out[f.name] = Array.isArray(v) ? v.join(';') : (f.options?.[0] ?? '');
    else if (f.type === 'conflicts') out[f.name] = Array.isArray(v) ? (v as { kind: string; value: string }[]).map((c) => `${c.kind}:${c.value}`).join('\n') : '';
    else out[f.name] = v === null || v === undefined ? (f.type === 'select' && f.options ? f.options[0] : '') : String(v);
  }
  return out;
}

/** The JSON value of a field; a yuan text that is not an amount is sent as text so the server names the field. */
export function fromForm(f: FieldDef, value: string | Qual[]): unknown {
  if (f.type === 'quals') return value;
  const s = (value as string).trim();
  switch (f.type) {
    case 'yuan':
      return parseYuanToFen(s) ?? s;
    case 'list':
      return s ? s.split(/[;；,，\s]+/).filter(Boolean) : [];
    case 'checks':
      return s ? s.split(';').filter(Boolean) : [];
    case 'numlist':
      return s ? s.split(/[;；,，\s]+/).filter(Boolean).map((x) => (/^\d+$/.test(x) ? Number(x) : x)) : [];
    case 'conflicts':
      return s
        ? s.split(/\n+/).map((line) => {
            const i = line.indexOf(':');
            return { kind: line.slice(0, i).trim(), value: line.slice(i + 1).trim() };
          })
        : [];
    case 'optional':
    case 'date':
      return s === '' ? null : s;
    default:
      return s;
  }
}

/** Only the fields that changed (an update sends its version and what the user edited). */
export function changedBody(fields: FieldDef[], initial: FormValues, current: FormValues): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const f of fields) {
    if (JSON.stringify(initial[f.name]) !== JSON.stringify(current[f.name])) body[f.name] = fromForm(f, current[f.name]);
  }
  return body;
}

export function fullBody(fields: FieldDef[], current: FormValues): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const f of fields) {
    const v = fromForm(f, current[f.name]);
    if (v === null && !f.required) continue;
    body[f.name] = v;
  }
  return body;
}
