/**
 * One document: its HTML in a sandboxed iframe (no scripts, no requests), downloads as PDF and Word, every version
 * with who made it, when, its template version and SHA-256, and — for its owners — editing into a new version.
 */
import { api, download } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import { navigate } from '../../router.ts';
import type { PageProps } from '../../routes.ts';
import { hasRole } from '../../session.ts';
import { ErrorBox } from '../../ui/ErrorBox.tsx';
import { useState } from 'preact/hooks';
import { formatDateTime } from '../../ui/format.ts';
import { useAsync } from '../../ui/useAsync.ts';
import { DOCUMENT_WRITERS, type DocumentRecord, type VersionRecord } from './types.ts';
import './documents.css';

export function DocumentViewPage({ params, query }: PageProps) {
  const t = useT('documents');
  const id = params.id;
  const requested = query.get('version') ?? undefined;
  const meta = useAsync(() => api<{ document: DocumentRecord; versions: VersionRecord[] }>('GET', `/api/documents/${encodeURIComponent(id)}/versions`), [id]);
  const html = useAsync(() => api<string>('GET', `/api/documents/${encodeURIComponent(id)}`, { query: { version: requested } }), [id, requested]);
  const [error, setError] = useState<unknown>(null);

  if (meta.error) return <ErrorBox error={meta.error} />;
  const doc = meta.data?.document;
  const shown = requested ? Number(requested) : doc?.latestVersion;
  const base = doc ? `${doc.title}-${doc.projectNumber ?? doc.id}-v${shown}` : 'document';
  return (
    <div class="documents-page">
      <h1 data-testid="document-title">
        {doc?.title ?? '…'} {doc ? <span class="muted small">{doc.projectNumber ?? ''} · {t('version', { version: shown })}</span> : null}
      </h1>
      <div class="toolbar">
        <button type="button" class="primary" data-testid="download-pdf" onClick={() => download(`/api/documents/${id}.pdf`, `${base}.pdf`, { version: requested }).catch(setError)}>{t('downloadPdf')}</button>
        <button type="button" data-testid="download-docx" onClick={() => download(`/api/documents/${id}.docx`, `${base}.docx`, { version: requested }).catch(setError)}>{t('downloadDocx')}</button>
        {doc && hasRole(...DOCUMENT_WRITERS) ? (
          <button type="button" onClick={() => navigate('/documents/new', { template: doc.templateId, from: doc.id })} data-testid="regenerate">{t('regenerate')}</button>
        ) : null}
        <a href="#/documents">{t('list')}</a>
      </div>
      <ErrorBox error={error ?? html.error} />
      <div class="documents-columns documents-view">
        <section class="panel document-preview">
          {html.data ? <iframe class="document-frame" sandbox="" srcDoc={html.data} title={doc?.title ?? ''} data-testid="document-frame" /> : <p class="muted">…</p>}
        </section>
        <section class="panel">
          <h2>{t('versions')}</h2>
          <ul class="versions" data-testid="versions">
            {(meta.data?.versions ?? []).map((v) => (
              <li key={v.version} class={v.version === shown ? 'current' : undefined}>
                <a href={`#/documents/${id}?version=${v.version}`}>{t('version', { version: v.version })}</a>
                {v.version === doc?.latestVersion ? <span class="badge badge-ok">{t('current')}</span> : null}
                <div class="muted small">{t('by')}：{v.createdBy}　{t('at')}：{formatDateTime(v.createdAt)}</div>
                <div class="muted small mono" title={v.sha256}>{t('sha')}：{v.sha256.slice(0, 16)}…　{t('templateVersion')}：{v.templateVersion.slice(0, 12)}</div>
              </li>
            ))}
          </ul>
        </section>
      </div>
    </div>
  );
}
