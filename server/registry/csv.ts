/**
 * CSV import/export for the registers: UTF-8 with a header row (a BOM is tolerated on import and written on export,
 * so Excel opens the Chinese correctly). Headers may be the Chinese label or the field key. Rows are numbered as a
 * spreadsheet shows them (the header is row 1), so an error names the row and the column the clerk sees.
 */
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { z } from 'zod';
import { validationFailed, type ErrorDetail } from '../errors.ts';

export interface CsvColumn<T> {
  key: string;
  label: string;
  /** The cell on export. */
  get(row: T): string | number | null | undefined;
  required?: boolean;
  /** The schema field this column feeds, when it differs from `key` (e.g. 参考价（元） → referencePriceFen). */
  field?: string;
}

export const CSV_LIMIT_BYTES = 2 * 1024 * 1024;
export const CSV_MAX_ROWS = 5000;

export interface CsvRow {
  /** Spreadsheet row number (header = 1). */
  line: number;
  values: Record<string, string>;
}

// A cell starting with = + - @ is a formula in spreadsheet programs (CSV injection): export it behind a quote mark
// and take the mark off again on import.
const FORMULA = /^[=+\-@\t\r]/;
const guard = (s: string) => (FORMULA.test(s) && !/^[+-]?\d+(\.\d+)?$/.test(s) ? `'${s}` : s);
const unguard = (s: string) => (s.startsWith("'") && FORMULA.test(s.slice(1)) ? s.slice(1) : s);

export function toCsv<T>(columns: CsvColumn<T>[], rows: T[]): string {
  const data = rows.map((r) => columns.map((c) => guard(String(c.get(r) ?? ''))));
  return '\uFEFF' + stringify([columns.map((c) => c.label), ...data], { record_delimiter: '\r\n' });
}

export function parseCsv(text: unknown, columns: CsvColumn<unknown>[]): CsvRow[] {
  if (typeof text !== 'string' || !text.replace(/^\uFEFF/, '').trim()) {
    throw validationFailed('CSV 文件为空 (empty CSV file)', [{ path: 'file', reason: '需要表头和至少一行数据 (header and at least one row required)' }]);
  }
  if (text.includes('\u0000')) throw validationFailed('CSV 含 NUL 字符 (CSV contains a NUL character)', [{ path: 'file', reason: '不是文本文件 (not a text file)' }]);
  // Bytes that are not UTF-8 (typically a GBK file from Excel sent without a charset) decode to U+FFFD: importing
  // them would store garbled names, so refuse and name the first such row.
  const bad = text.indexOf('\uFFFD');
  if (bad >= 0) {
    const line = text.slice(0, bad).split('\n').length;
    throw validationFailed('CSV 不是 UTF-8 编码，请在 Excel 中另存为「CSV UTF-8（逗号分隔）」(CSV is not UTF-8)', [
      { path: `rows.${line}`, reason: `第 ${line} 行含有无法按 UTF-8 读取的字节 (row ${line} has bytes that are not UTF-8)` },
    ]);
  }
  // Rows are counted here, not by csv-parse's file lines: a quoted cell with line breaks is one spreadsheet row, and
  // a blank line (or a row of empty cells, as Excel writes for formatted blank rows) is a row that imports nothing.
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: false, relax_column_count: true, trim: false }) as string[][];
  } catch (err) {
    const e = err as { lines?: number; message: string };
    throw validationFailed(`CSV 格式错误，第 ${e.lines ?? '?'} 行 (malformed CSV)`, [{ path: `rows.${e.lines ?? 0}`, reason: e.message }]);
  }
  const blank = (r: string[]) => r.every((c) => !c.trim());
  const headAt = records.findIndex((r) => !blank(r));
  if (headAt < 0) {
    throw validationFailed('CSV 文件为空 (empty CSV file)', [{ path: 'file', reason: '需要表头和至少一行数据 (header and at least one row required)' }]);
  }
  const head = records[headAt];
  // Spreadsheet row numbers (the header is row headAt + 1), blank rows left out.
  const body = records.map((record, i) => ({ record, line: i + 1 })).slice(headAt + 1).filter((r) => !blank(r.record));
  const details: ErrorDetail[] = [];
  const keys = head.map((h, i) => {
    const name = h.trim();
    const col = columns.find((c) => c.label === name || c.key === name);
    if (!col) details.push({ path: `header.${i + 1}`, reason: `未知的列「${name}」(unknown column)；可用：${columns.map((c) => c.label).join('、')}` });
    return col?.key;
  });
  for (const c of columns) {
    if (c.required && !keys.includes(c.key)) details.push({ path: `header.${c.key}`, reason: `缺少必需的列「${c.label}」(missing column ${c.key})` });
  }
  const dup = keys.filter((k, i) => k && keys.indexOf(k) !== i);
  for (const k of new Set(dup)) details.push({ path: `header.${k}`, reason: `列重复 (duplicate column ${k})` });
  if (details.length) throw validationFailed('CSV 表头有误 (bad CSV header)', details);
  if (!body.length) throw validationFailed('CSV 只有表头没有数据 (no data rows)', [{ path: 'rows', reason: '至少一行数据 (at least one row)' }]);
  if (body.length > CSV_MAX_ROWS) {
    throw validationFailed(`一次最多导入 ${CSV_MAX_ROWS} 行 (at most ${CSV_MAX_ROWS} rows per file)`, [{ path: 'rows', reason: `${body.length} 行 (rows)` }]);
  }
  const ragged = body.filter((r) => r.record.length !== head.length);
  if (ragged.length) {
    throw validationFailed(`CSV 格式错误，第 ${ragged[0].line} 行 (malformed CSV)`, ragged.slice(0, 50).map((r) => ({
      path: `rows.${r.line}`,
      reason: `第 ${r.line} 行应有 ${head.length} 列，实际 ${r.record.length} 列 (expected ${head.length} columns, got ${r.record.length})`,
    })));
  }
  return body.map(({ record, line }) => {
    const values: Record<string, string> = {};
    record.forEach((cell, i) => {
      if (keys[i]) values[keys[i]!] = unguard(cell.trim());
    });
    return { line, values };
  });
}

/** Collects every bad row of an import; `throwIfAny` aborts it (the caller's transaction rolls back). */
export class ImportErrors {
  readonly details: ErrorDetail[] = [];
  constructor(private readonly columns: CsvColumn<unknown>[]) {}

  add(line: number, key: string, reason: string): void {
    const label = this.columns.find((c) => c.key === key || c.field === key)?.label ?? key;
    this.details.push({ path: `rows.${line}.${key}`, reason: `第 ${line} 行「${label}」：${reason}` });
  }

  /** Validates one row's input with the register's schema; null (and recorded errors) when invalid. */
  check<S extends z.ZodType>(schema: S, line: number, input: unknown): z.output<S> | null {
    const r = schema.safeParse(input);
    if (r.success) return r.data;
    for (const issue of r.error.issues) {
      const key = issue.path.length ? String(issue.path[0]) : 'row';
      const sub = issue.path.length > 1 ? `（${issue.path.slice(1).join('.')}）` : '';
      this.add(line, key, `${issue.message}${sub}`);
    }
    return null;
  }

  throwIfAny(): void {
    if (!this.details.length) return;
    const rows = new Set(this.details.map((d) => d.path.split('.')[1]));
    throw validationFailed(`导入失败：${rows.size} 行有错误，未导入任何数据 (import refused: ${rows.size} bad rows, nothing imported)`, this.details);
  }
}

/** Empty cell → undefined (so optional fields stay optional and required ones say "required"). */
export const cell = (v: string | undefined): string | undefined => (v === undefined || v === '' ? undefined : v);

/** "a;b;c" → ['a','b','c'] */
export const list = (v: string | undefined): string[] => (v ? v.split(/[;；]/).map((s) => s.trim()).filter(Boolean) : []);
