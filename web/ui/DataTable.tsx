/** A plain table of rows with optional row click, loading and empty states. Paging is the Pager's job. */
import type { ComponentChildren } from 'preact';
import { useT } from '../i18n/index.ts';

export interface Column<R> {
  key: string;
  title: string;
  render?: (row: R) => ComponentChildren;
  align?: 'left' | 'right' | 'center';
  width?: string;
}

export function DataTable<R>(props: {
  columns: Column<R>[];
  rows: R[];
  rowKey: (row: R) => string | number;
  onRowClick?: (row: R) => void;
  loading?: boolean;
  testId?: string;
}) {
  const t = useT();
  return (
    <table class="data-table" data-testid={props.testId}>
      <thead>
        <tr>
          {props.columns.map((c) => (
            <th key={c.key} style={{ textAlign: c.align ?? 'left', width: c.width }}>{c.title}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {props.loading && props.rows.length === 0 ? (
          <tr><td colSpan={props.columns.length} class="muted">{t('errors.loading')}</td></tr>
        ) : props.rows.length === 0 ? (
          <tr><td colSpan={props.columns.length} class="muted">{t('paging.empty')}</td></tr>
        ) : (
          props.rows.map((r) => (
            <tr
              key={props.rowKey(r)}
              class={props.onRowClick ? 'clickable' : undefined}
              onClick={props.onRowClick ? () => props.onRowClick!(r) : undefined}
            >
              {props.columns.map((c) => (
                <td key={c.key} style={{ textAlign: c.align ?? 'left' }}>
                  {c.render ? c.render(r) : String((r as Record<string, unknown>)[c.key] ?? '')}
                </td>
              ))}
            </tr>
          ))
        )}
      </tbody>
    </table>
  );
}
