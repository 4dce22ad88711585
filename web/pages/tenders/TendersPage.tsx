/**
 * 招标投标: published tenders, open ones first (GET /api/tenders), with method, budget, the bid deadline in Beijing
 * time and a countdown. Suppliers bid from the detail page; other roles read.
 */
import { api } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import { navigate } from '../../router.ts';
import type { PageProps } from '../../routes.ts';
import { DataTable } from '../../ui/DataTable.tsx';
import { ErrorBox } from '../../ui/ErrorBox.tsx';
import { Pager } from '../../ui/Pager.tsx';
import { useAsync } from '../../ui/useAsync.ts';
import { DeadlineText, Money, StatusBadge } from '../projects/parts.tsx';
import '../projects/projects.css';
import { Countdown, useNow } from './Countdown.tsx';
import { isOpen, type TenderRow } from './types.ts';

const LIMIT = 20;
const STATUSES = ['open', 'opened', 'awarded', 'failed', 'canceled'] as const;

export function TendersPage({ query }: PageProps) {
  const t = useT('tenders');
  const offset = Math.max(0, Number(query.get('offset')) || 0);
  const status = (STATUSES as readonly string[]).includes(query.get('status') ?? '') ? query.get('status')! : '';
  const list = useAsync(() => api<{ tenders: TenderRow[] }>('GET', '/api/tenders', { query: { status: status || undefined } }), [status]);
  const now = useNow(30_000);
  const all = list.data?.tenders ?? [];
  const rows = all.slice(offset, offset + LIMIT);
  return (
    <section class="tenders-page" data-testid="tenders-page">
      <h1>{t('title')}</h1>
      <div class="toolbar">
        <select value={status} onChange={(e) => navigate('/tenders', { status: e.currentTarget.value || undefined })} aria-label={t('columns.status')} data-testid="tenders-status">
          <option value="">{t('allStatuses')}</option>
          {STATUSES.map((s) => <option key={s} value={s}>{t(`status.${s}`)}</option>)}
        </select>
      </div>
      <ErrorBox error={list.error} />
      <DataTable
        testId="tenders-table"
        loading={list.loading}
        rows={rows}
        rowKey={(r) => r.tenderId}
        onRowClick={(r) => navigate(`/tenders/${r.tenderId}`)}
        columns={[
          { key: 'number', title: t('columns.number'), render: (r) => r.projectNumber ?? '—', width: '130px' },
          { key: 'name', title: t('columns.name'), render: (r) => r.projectName },
          { key: 'method', title: t('columns.method'), render: (r) => r.method },
          { key: 'budget', title: t('columns.budget'), render: (r) => <Money fen={r.budgetFen} wan />, align: 'right' },
          { key: 'deadline', title: t('columns.deadline'), render: (r) => <DeadlineText at={r.bidDeadlineAt} basis={r.bidDeadlineBasis} /> },
          { key: 'left', title: t('columns.remaining'), render: (r) => (isOpen(r, now) ? <Countdown until={r.bidDeadlineAt} /> : <span class="muted">—</span>) },
          { key: 'status', title: t('columns.status'), render: (r) => <StatusBadge status={isOpen(r, now) ? 'open' : r.status === 'open' ? 'closed' : r.status} ns="tenders" /> },
        ]}
      />
      <Pager offset={offset} limit={LIMIT} shown={rows.length} total={all.length} onChange={(o) => navigate('/tenders', { offset: o || undefined, status: status || undefined })} />
    </section>
  );
}
