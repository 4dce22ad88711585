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
import { Countdown } from './Countdown.tsx';
import type { TenderRow } from './types.ts';

const LIMIT = 20;

export function TendersPage({ query }: PageProps) {
  const t = useT('tenders');
  const offset = Math.max(0, Number(query.get('offset')) || 0);
  const onlyOpen = query.get('open') === '1';
  const list = useAsync(
    () => api<{ items: TenderRow[]; total?: number } | TenderRow[]>('GET', '/api/tenders', { query: { offset, limit: LIMIT, open: onlyOpen ? 'true' : undefined } }),
    [offset, onlyOpen],
  );
  const rows = Array.isArray(list.data) ? list.data : (list.data?.items ?? []);
  const total = Array.isArray(list.data) ? rows.length : list.data?.total;
  return (
    <section class="tenders-page" data-testid="tenders-page">
      <h1>{t('title')}</h1>
      <div class="toolbar">
        <label class="checkbox-row">
          <input type="checkbox" checked={onlyOpen} onChange={(e) => navigate('/tenders', { open: e.currentTarget.checked ? '1' : undefined })} />
          {t('onlyOpen')}
        </label>
      </div>
      <ErrorBox error={list.error} />
      <DataTable
        testId="tenders-table"
        loading={list.loading}
        rows={rows}
        rowKey={(r) => r.id}
        onRowClick={(r) => navigate(`/tenders/${r.id}`)}
        columns={[
          { key: 'number', title: t('columns.number'), render: (r) => r.projectNumber ?? '—', width: '130px' },
          { key: 'name', title: t('columns.name'), render: (r) => r.projectName },
          { key: 'method', title: t('columns.method'), render: (r) => r.method },
          { key: 'budget', title: t('columns.budget'), render: (r) => <Money fen={r.budgetFen} wan />, align: 'right' },
          { key: 'deadline', title: t('columns.deadline'), render: (r) => <DeadlineText at={r.bidDeadlineAt} basis={r.bidDeadlineBasis} /> },
          { key: 'left', title: t('columns.remaining'), render: (r) => <Countdown until={r.bidDeadlineAt} /> },
          { key: 'status', title: t('columns.status'), render: (r) => <StatusBadge status={r.status} ns="tenders" /> },
        ]}
      />
      <Pager offset={offset} limit={LIMIT} shown={rows.length} total={total} onChange={(o) => navigate('/tenders', { offset: o || undefined, open: onlyOpen ? '1' : undefined })} />
    </section>
  );
}
