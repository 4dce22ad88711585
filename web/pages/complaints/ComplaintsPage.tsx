/** 投诉: the complaints the user may see (GET /api/complaints); suppliers file new ones. */
import { api } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import { navigate } from '../../router.ts';
import type { PageProps } from '../../routes.ts';
import { hasRole } from '../../session.ts';
import { DataTable } from '../../ui/DataTable.tsx';
import { ErrorBox } from '../../ui/ErrorBox.tsx';
import { useAsync } from '../../ui/useAsync.ts';
import { beijing, type ComplaintRow } from './types.ts';

export function ComplaintsPage(_props: PageProps) {
  const t = useT('complaints');
  const list = useAsync(() => api<{ complaints: ComplaintRow[] }>('GET', '/api/complaints'), []);
  const supplier = hasRole('supplier');
  return (
    <section class="complaints-page" data-testid="complaints-page">
      <h1>{t('title')}</h1>
      {supplier ? <div class="toolbar"><button type="button" onClick={() => navigate('/complaints/new')} data-testid="complaint-new">{t('newButton')}</button></div> : null}
      <ErrorBox error={list.error} />
      <DataTable
        testId="complaints-table"
        loading={list.loading}
        rows={list.data?.complaints ?? []}
        rowKey={(r) => r.complaintId}
        onRowClick={(r) => navigate(`/complaints/${r.complaintId}`)}
        columns={[
          { key: 'id', title: t('columns.id'), render: (r) => r.complaintId, width: '70px' },
          { key: 'project', title: t('columns.project'), render: (r) => `${r.projectNumber ?? ''} ${r.projectName ?? ''}` },
          { key: 'complainant', title: t('columns.complainant'), render: (r) => r.complainantName },
          { key: 'filedAt', title: t('columns.filedAt'), render: (r) => beijing(r.filedAt) },
          { key: 'status', title: t('columns.status'), render: (r) => t(`status.${r.status}`) },
          { key: 'effect', title: t('columns.effect'), render: (r) => (r.effect ? t(`effect.${r.effect}`) : '—') },
        ]}
      />
    </section>
  );
}
