/**
 * 采购项目: the caller's projects (purchaser: own organisation's; agency: assigned; approvers, supervisor, auditor:
 * all, read-only) with number, name, method, budget, status, current step and the next deadline (its legal basis in
 * the tooltip). Purchasers start a new application from here.
 */
import { useState } from 'preact/hooks';
import { api } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import { navigate } from '../../router.ts';
import type { PageProps } from '../../routes.ts';
import { hasRole } from '../../session.ts';
import { DataTable } from '../../ui/DataTable.tsx';
import { ErrorBox } from '../../ui/ErrorBox.tsx';
import { formatDateTime } from '../../ui/format.ts';
import { Pager } from '../../ui/Pager.tsx';
import { useAsync } from '../../ui/useAsync.ts';
import { Money, StatusBadge } from './parts.tsx';
import { deadlineBasis, deadlineLabel, stepNames, type ProjectList, type ProjectRow } from './types.ts';
import './projects.css';

const LIMIT = 20;

export function ProjectsPage({ query }: PageProps) {
  const t = useT('projects');
  const q = query.get('q') ?? '';
  const offset = Math.max(0, Number(query.get('offset')) || 0);
  const [text, setText] = useState(q);
  const list = useAsync(() => api<ProjectList | ProjectRow[]>('GET', '/api/projects', { query: { q, offset, limit: LIMIT } }), [q, offset]);
  const rows = Array.isArray(list.data) ? list.data : (list.data?.items ?? []);
  const total = Array.isArray(list.data) ? rows.length : list.data?.total;
  const purchaser = hasRole('purchaser');

  return (
    <section class="projects-page" data-testid="projects-page">
      <h1>{t('title')}</h1>
      <form class="toolbar" role="search" onSubmit={(e) => (e.preventDefault(), navigate('/projects', { q: text.trim() }))}>
        <input type="search" placeholder={t('searchPlaceholder')} value={text} onInput={(e) => setText(e.currentTarget.value)} data-testid="projects-search" />
        <button type="submit">{t('common:actions.search')}</button>
        {purchaser ? (
          <button type="button" class="primary" onClick={() => navigate('/projects/new')} data-testid="project-new">{t('newProject')}</button>
        ) : (
          <span class="muted small">{t('readOnly')}</span>
        )}
      </form>
      <ErrorBox error={list.error} />
      <DataTable
        testId="projects-table"
        loading={list.loading}
        rows={rows}
        rowKey={(p) => p.id}
        onRowClick={(p) => navigate(`/projects/${p.id}`)}
        columns={[
          { key: 'number', title: t('columns.number'), render: (p) => <span data-testid="project-number">{p.projectNumber ?? '—'}</span>, width: '130px' },
          { key: 'name', title: t('columns.name'), render: (p) => p.projectName },
          { key: 'method', title: t('columns.method'), render: (p) => p.method },
          { key: 'budget', title: t('columns.budget'), render: (p) => <Money fen={p.budgetFen} wan />, align: 'right' },
          { key: 'status', title: t('columns.status'), render: (p) => <StatusBadge status={p.status} /> },
          { key: 'step', title: t('columns.step'), render: (p) => stepNames(p) || '—' },
          {
            key: 'deadline',
            title: t('columns.deadline'),
            render: (p) =>
              p.nextDeadline ? (
                <span title={deadlineBasis(p.nextDeadline) ? t('legalBasis', { basis: deadlineBasis(p.nextDeadline) }) : undefined} data-testid="next-deadline" class={p.nextDeadline.overdue ? 'overdue' : undefined}>
                  {deadlineLabel(p.nextDeadline)} {formatDateTime(p.nextDeadline.at)}
                </span>
              ) : (
                t('noDeadline')
              ),
          },
        ]}
      />
      <Pager offset={offset} limit={LIMIT} shown={rows.length} total={total} onChange={(o) => navigate('/projects', { q, offset: o || undefined })} />
    </section>
  );
}
