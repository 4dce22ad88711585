/**
 * 采购项目: the caller's projects, government procurements and works tenders (a 政府采购 / 工程 badge, and a filter by
 * kind: GET /api/projects?regime=) (purchaser: own organisation's; agency: assigned; approvers, supervisor, auditor:
 * all, read-only) with number, name, method, budget, status, current step and the next deadline (its legal basis in
 * the tooltip). Purchasers start a new application from here.
 */
import { useState } from 'preact/hooks';
import { api } from '../../api.ts';
import { currentLanguage, useT } from '../../i18n/index.ts';
import { navigate } from '../../router.ts';
import type { PageProps } from '../../routes.ts';
import { hasRole } from '../../session.ts';
import { DataTable } from '../../ui/DataTable.tsx';
import { ErrorBox } from '../../ui/ErrorBox.tsx';
import { formatDateTime } from '../../ui/format.ts';
import { Pager } from '../../ui/Pager.tsx';
import { useAsync } from '../../ui/useAsync.ts';
import { Money, RegimeBadge, StatusBadge } from './parts.tsx';
import { deadlineBasis, deadlineLabel, REGIMES, stepNames, type Deadline, type ProjectDetail, type ProjectList, type ProjectRow, type Regime } from './types.ts';
import './projects.css';

const LIMIT = 20;

/** The next deadline of a project: the earliest one still ahead, else the latest one passed. */
export function nextDeadlineOf(p: ProjectRow | ProjectDetail, now = Date.now()): Deadline | null {
  if (p.nextDeadline) return p.nextDeadline;
  const all: Deadline[] = [...((p as ProjectDetail).deadlines ?? [])];
  for (const s of p.currentSteps ?? []) if (s.dueAt) all.push({ label: s.name ?? s.elementId, at: s.dueAt, legalBasis: null, overdue: Date.parse(s.dueAt) < now });
  const ahead = all.filter((d) => Date.parse(d.at) >= now).sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  if (ahead.length) return ahead[0];
  return all.sort((a, b) => Date.parse(b.at) - Date.parse(a.at))[0] ?? null;
}

/**
 * Current steps and deadlines of the listed projects: taken from the list when it carries them, else from each
 * project's detail (at most one page of rows).
 */
function useRowDetails(rows: ProjectRow[]): Map<number, ProjectDetail> {
  const missing = rows.filter((r) => r.currentSteps === undefined).map((r) => r.id);
  const key = missing.join(',');
  const details = useAsync(
    () => Promise.all(missing.map((id) => api<ProjectDetail>('GET', `/api/projects/${id}`).catch(() => null))),
    [key],
  );
  const map = new Map<number, ProjectDetail>();
  for (const d of details.data ?? []) if (d) map.set(d.id, d);
  return map;
}

export function ProjectsPage({ query }: PageProps) {
  const t = useT('projects');
  const q = query.get('q') ?? '';
  const regime = (REGIMES as readonly string[]).includes(query.get('regime') ?? '') ? (query.get('regime') as Regime) : undefined;
  const offset = Math.max(0, Number(query.get('offset')) || 0);
  const [text, setText] = useState(q);
  const list = useAsync(() => api<ProjectList>('GET', '/api/projects', { query: { q, regime, offset, limit: LIMIT } }), [q, regime, offset]);
  const rows = list.data?.items ?? [];
  const total = list.data?.total;
  const purchaser = hasRole('purchaser');
  const details = useRowDetails(rows);
  const full = (p: ProjectRow): ProjectRow => details.get(p.id) ?? p;

  return (
    <section class="projects-page" data-testid="projects-page">
      <h1>{t('title')}</h1>
      <form class="toolbar" role="search" onSubmit={(e) => (e.preventDefault(), navigate('/projects', { q: text.trim() || undefined, regime }))}>
        <select value={regime ?? ''} aria-label={t('columns.regime')} data-testid="projects-regime" onChange={(e) => navigate('/projects', { q: q || undefined, regime: e.currentTarget.value || undefined })}>
          <option value="">{t('allRegimes')}</option>
          {REGIMES.map((r) => <option key={r} value={r}>{t(`regimeLong.${r}`)}</option>)}
        </select>
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
          { key: 'regime', title: t('columns.regime'), render: (p) => <RegimeBadge regime={p.regime ?? 'procurement'} /> },
          { key: 'name', title: t('columns.name'), render: (p) => p.projectName },
          { key: 'method', title: t('columns.method'), render: (p) => p.method },
          { key: 'budget', title: t('columns.budget'), render: (p) => <Money fen={p.budgetFen} wan />, align: 'right' },
          { key: 'status', title: t('columns.status'), render: (p) => <StatusBadge status={p.status} /> },
          { key: 'step', title: t('columns.step'), render: (p) => <span data-testid="project-step">{stepNames(full(p)) || '—'}</span> },
          {
            key: 'deadline',
            title: t('columns.deadline'),
            render: (p) => {
              const d = nextDeadlineOf(full(p));
              return d ? (
                <span title={deadlineBasis(d) ? t('legalBasis', { basis: deadlineBasis(d) }) : undefined} data-testid="next-deadline" class={d.overdue ? 'overdue' : undefined}>
                  {deadlineLabel(d, currentLanguage())} {formatDateTime(d.at)}
                  {deadlineBasis(d) ? <span class="legal-mark" aria-hidden="true"> ⓘ</span> : null}
                </span>
              ) : (
                t('noDeadline')
              );
            },
          },
        ]}
      />
      <Pager offset={offset} limit={LIMIT} shown={rows.length} total={total} onChange={(o) => navigate('/projects', { q: q || undefined, regime, offset: o || undefined })} />
    </section>
  );
}
