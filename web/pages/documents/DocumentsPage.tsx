/**
 * 文书: the documents the caller may see (filtered by project number), and the 20 standard templates to start a new
 * one from (purchasers, agencies and process admins).
 */
import { useState } from 'preact/hooks';
import { api } from '../../api.ts';
import { currentLanguage, useT } from '../../i18n/index.ts';
import { navigate } from '../../router.ts';
import type { PageProps } from '../../routes.ts';
import { hasRole } from '../../session.ts';
import { DataTable } from '../../ui/DataTable.tsx';
import { ErrorBox } from '../../ui/ErrorBox.tsx';
import { Pager } from '../../ui/Pager.tsx';
import { formatDateTime } from '../../ui/format.ts';
import { useAsync } from '../../ui/useAsync.ts';
import { DOCUMENT_WRITERS, type DocumentRecord, type TemplateInfo } from './types.ts';
import './documents.css';

const PAGE = 20;

export function DocumentsPage({ query }: PageProps) {
  const t = useT('documents');
  const project = query.get('project') ?? '';
  const offset = Math.max(0, Number(query.get('offset') ?? 0) || 0);
  const [filter, setFilter] = useState(project);
  const writer = hasRole(...DOCUMENT_WRITERS);
  const docs = useAsync(
    () => api<{ documents: DocumentRecord[]; total: number }>('GET', '/api/documents', { query: { project: project || undefined, limit: PAGE, offset } }),
    [project, offset],
  );
  const templates = useAsync(() => api<{ templates: TemplateInfo[] }>('GET', '/api/templates'), []);
  const en = currentLanguage() === 'en';

  return (
    <div class="documents-page">
      <h1>{t('title')}</h1>
      <div class="documents-columns">
        <section class="panel">
          <h2>{t('list')}</h2>
          <form
            class="toolbar"
            onSubmit={(e) => {
              e.preventDefault();
              navigate('/documents', { project: filter.trim() || undefined });
            }}
          >
            <input aria-label={t('filterProject')} placeholder={t('filterProject')} value={filter} onInput={(e) => setFilter((e.target as HTMLInputElement).value)} data-testid="project-filter" />
            <button type="submit">{t('filter')}</button>
            {project ? <button type="button" onClick={() => (setFilter(''), navigate('/documents'))}>{t('clear')}</button> : null}
          </form>
          <ErrorBox error={docs.error} />
          <DataTable
            testId="documents-table"
            loading={docs.loading}
            rows={docs.data?.documents ?? []}
            rowKey={(d) => d.id}
            onRowClick={(d) => navigate(`/documents/${d.id}`)}
            columns={[
              { key: 'id', title: t('columns.id'), render: (d) => d.id, width: '60px' },
              { key: 'title', title: t('columns.title'), render: (d) => d.title },
              { key: 'project', title: t('columns.project'), render: (d) => d.projectNumber ?? '—' },
              { key: 'version', title: t('columns.version'), render: (d) => `v${d.latestVersion}`, align: 'right' },
              { key: 'by', title: t('columns.createdBy'), render: (d) => d.createdBy },
              { key: 'at', title: t('columns.updatedAt'), render: (d) => formatDateTime(d.updatedAt) },
            ]}
          />
          <Pager offset={offset} limit={PAGE} shown={docs.data?.documents.length ?? 0} total={docs.data?.total} onChange={(o: number) => navigate('/documents', { project: project || undefined, offset: o || undefined })} />
        </section>
        <section class="panel">
          <h2>{t('templates')}</h2>
          {!writer ? <p class="muted">{t('readOnly')}</p> : null}
          <ErrorBox error={templates.error} />
          <ol class="template-list" data-testid="template-list">
            {(templates.data?.templates ?? []).map((tpl) => (
              <li key={tpl.id}>
                {writer ? (
                  <a href={`#/documents/new?template=${tpl.id}${project ? `&project=${encodeURIComponent(project)}` : ''}`} data-testid={`template-${tpl.id}`}>
                    <span class="template-no">{tpl.no}</span> {en ? tpl.titleEn : tpl.title}
                  </a>
                ) : (
                  <span><span class="template-no">{tpl.no}</span> {en ? tpl.titleEn : tpl.title}</span>
                )}
                <div class="muted small">{t('step')}：{tpl.step}</div>
              </li>
            ))}
          </ol>
        </section>
      </div>
    </div>
  );
}
