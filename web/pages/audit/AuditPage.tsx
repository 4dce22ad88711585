/**
 * 审计记录: supervisors and auditors browse the audit trail newest first, filter it (actor, action or prefix, object,
 * instance, dates) and re-check the whole hash chain. Read-only: the server has no route that changes an entry.
 */
import { useState } from 'preact/hooks';
import { api } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import { navigate } from '../../router.ts';
import type { PageProps } from '../../routes.ts';
import { DataTable } from '../../ui/DataTable.tsx';
import { ErrorBox } from '../../ui/ErrorBox.tsx';
import { formatDateTime } from '../../ui/format.ts';
import { useAsync } from '../../ui/useAsync.ts';

interface Entry {
  seq: number;
  at: string;
  actor: string | null;
  roles: string[];
  action: string;
  objectType: string;
  objectId: string;
  instanceId: string | null;
  summary: Record<string, unknown> | null;
  hash: string;
}
interface Page { entries: Entry[]; nextBefore: number | null }
interface Verification { ok: boolean; entries: number; headHash: string | null; firstBroken: { seq: number; reason: string } | null }

const FILTERS = ['actor', 'action', 'objectType', 'objectId', 'instanceId', 'from', 'to'] as const;
type FilterKey = (typeof FILTERS)[number];

export function AuditPage({ query }: PageProps) {
  const t = useT('audit');
  const current = Object.fromEntries(FILTERS.map((k) => [k, query.get(k) ?? ''])) as Record<FilterKey, string>;
  const before = query.get('before') ?? '';
  const [form, setForm] = useState(current);
  const page = useAsync(
    () => api<Page>('GET', '/api/audit', { query: { ...current, before: before || undefined, limit: 50 } }),
    [...FILTERS.map((k) => current[k]), before],
  );
  const [check, setCheck] = useState<{ running: boolean; result?: Verification; error?: unknown }>({ running: false });
  const runCheck = () => {
    setCheck({ running: true });
    api<Verification>('GET', '/api/audit/verify').then(
      (result) => setCheck({ running: false, result }),
      (error) => setCheck({ running: false, error }),
    );
  };
  const go = (extra: Record<string, string | undefined> = {}) => navigate('/audit', { ...form, ...extra });

  return (
    <section class="audit-page" data-testid="audit-page">
      <h1>{t('title')}</h1>
      <p class="muted">{t('intro')}</p>
      <form class="toolbar" role="search" onSubmit={(e) => (e.preventDefault(), go())}>
        {FILTERS.map((k) => (
          <label key={k} class="small">
            {t(`filters.${k}`)}
            <input
              type={k === 'from' || k === 'to' ? 'date' : 'text'}
              value={form[k]}
              data-testid={`audit-filter-${k}`}
              onInput={(e) => setForm({ ...form, [k]: e.currentTarget.value })}
            />
          </label>
        ))}
        <button type="submit" data-testid="audit-search">{t('common:actions.search')}</button>
        <button type="button" class="primary" onClick={runCheck} disabled={check.running} data-testid="audit-verify">
          {check.running ? t('verifying') : t('verify')}
        </button>
      </form>
      {check.result ? (
        <p class={check.result.ok ? 'notice ok' : 'notice error'} role="status" data-testid="audit-verify-result">
          {check.result.ok
            ? t('intact', { entries: check.result.entries, head: (check.result.headHash ?? '').slice(0, 16) })
            : t('broken', { seq: check.result.firstBroken?.seq, reason: check.result.firstBroken?.reason })}
        </p>
      ) : null}
      <ErrorBox error={check.error ?? page.error} />
      <DataTable
        testId="audit-table"
        loading={page.loading}
        rows={page.data?.entries ?? []}
        rowKey={(e) => e.seq}
        columns={[
          { key: 'seq', title: t('columns.seq'), render: (e) => e.seq, width: '70px', align: 'right' },
          { key: 'at', title: t('columns.at'), render: (e) => formatDateTime(e.at), width: '150px' },
          { key: 'actor', title: t('columns.actor'), render: (e) => <span data-testid="audit-actor">{e.actor ?? (e.summary?.sealed ? t('sealed') : t('system'))}</span> },
          { key: 'roles', title: t('columns.roles'), render: (e) => e.roles.join('、') },
          { key: 'action', title: t('columns.action'), render: (e) => <code data-testid="audit-action">{e.action}</code> },
          { key: 'object', title: t('columns.object'), render: (e) => `${e.objectType} ${e.objectId}` },
          { key: 'instance', title: t('columns.instance'), render: (e) => e.instanceId ?? '—' },
          { key: 'summary', title: t('columns.summary'), render: (e) => (e.summary ? <code class="small">{JSON.stringify(e.summary)}</code> : '—') },
          { key: 'hash', title: t('columns.hash'), render: (e) => <code class="small" title={e.hash}>{e.hash.slice(0, 10)}…</code> },
        ]}
      />
      <div class="toolbar">
        {before ? <button type="button" onClick={() => go({ before: undefined })}>{t('first')}</button> : null}
        {page.data?.nextBefore ? (
          <button type="button" onClick={() => go({ before: String(page.data!.nextBefore) })} data-testid="audit-next">{t('more')}</button>
        ) : null}
      </div>
    </section>
  );
}
