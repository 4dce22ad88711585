/**
 * 生成文书: a template's form generated from its JSON Schema, a preview rendered by the server (not stored) in a
 * sandboxed iframe, and saving as a new document — or, with ?from=<document id>, as a new version of that document,
 * starting from its latest data. Every problem the server finds is shown at its field and listed at the top.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, ApiError } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import { navigate } from '../../router.ts';
import type { PageProps } from '../../routes.ts';
import { ErrorBox } from '../../ui/ErrorBox.tsx';
import { Field } from '../../ui/Field.tsx';
import { showToast } from '../../ui/toast.tsx';
import { useAsync } from '../../ui/useAsync.ts';
import { emptyValue, SchemaForm } from './SchemaForm.tsx';
import type { DocumentRecord, TemplateDetail, VersionRecord } from './types.ts';
import './documents.css';

export function DocumentEditPage({ query }: PageProps) {
  const t = useT('documents');
  const templateId = query.get('template') ?? '';
  const from = query.get('from');
  const instanceId = query.get('instanceId') ?? undefined;
  const tpl = useAsync(() => api<TemplateDetail>('GET', `/api/templates/${encodeURIComponent(templateId)}`), [templateId]);
  // Regenerating: start from the data of the document's latest version.
  const source = useAsync(async () => {
    if (!from) return null;
    const { document } = await api<{ document: DocumentRecord }>('GET', `/api/documents/${encodeURIComponent(from)}/versions`);
    return api<VersionRecord & { data: Record<string, unknown> }>('GET', `/api/documents/${document.id}/versions/${document.latestVersion}`);
  }, [from]);
  const [data, setData] = useState<Record<string, unknown>>({});
  const [projectNumber, setProjectNumber] = useState(query.get('project') ?? '');
  const [error, setError] = useState<unknown>(null);
  const [html, setHtml] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (source.data) setData(source.data.data);
    else if (tpl.data && !from) setData(emptyValue(tpl.data.schema) as Record<string, unknown>);
  }, [tpl.data, source.data]);

  const errors = useMemo(() => {
    const m = new Map<string, string>();
    if (error instanceof ApiError) for (const d of error.details) if (!m.has(d.path)) m.set(d.path, d.reason);
    return m;
  }, [error]);

  async function preview() {
    setBusy(true);
    setError(null);
    try {
      setHtml(await api<string>('POST', `/api/templates/${encodeURIComponent(templateId)}/preview`, { body: { data } }));
    } catch (e) {
      setError(e);
      setHtml(null);
    } finally {
      setBusy(false);
    }
  }

  async function save() {
    setBusy(true);
    setError(null);
    try {
      const res = from
        ? await api<{ document: DocumentRecord; version: VersionRecord }>('POST', `/api/documents/${encodeURIComponent(from)}/versions`, { body: { data } })
        : await api<{ document: DocumentRecord; version: VersionRecord }>('POST', '/api/documents', {
            body: { templateId, data, projectNumber: projectNumber.trim() || undefined, instanceId },
          });
      showToast(t('saved', { version: res.version.version }));
      navigate(`/documents/${res.document.id}`);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  if (tpl.error) return <ErrorBox error={tpl.error} />;
  if (!tpl.data) return <p class="muted">…</p>;
  const problemCount = error instanceof ApiError ? error.details.length : 0;
  return (
    <div class="documents-page">
      <h1>
        <span class="template-no">{tpl.data.no}</span> {tpl.data.title}
        {from ? <span class="muted small"> · #{from}</span> : null}
      </h1>
      <p class="muted small">{t('step')}：{tpl.data.step}　{t('legal')}：{tpl.data.legalBasis}</p>
      <div class="documents-columns">
        <section class="panel document-form" data-testid="document-form">
          <div class="toolbar">
            <button type="button" onClick={() => (setData(structuredClone(tpl.data!.sample)), setError(null))} data-testid="load-sample">{t('loadSample')}</button>
            <button type="button" onClick={() => (setData(emptyValue(tpl.data!.schema) as Record<string, unknown>), setHtml(null))}>{t('clearForm')}</button>
          </div>
          {!from ? (
            <Field label={t('project')} name="projectNumber" hint={t('projectHint')} error={errors.get('projectNumber')}>
              <input id="f-projectNumber" value={projectNumber} onInput={(e) => setProjectNumber((e.target as HTMLInputElement).value)} />
            </Field>
          ) : null}
          {instanceId ? <p class="muted small">{t('instance')}：{instanceId}</p> : null}
          {problemCount ? <p class="field-error">{t('problems', { count: problemCount })}</p> : null}
          <ErrorBox error={error} />
          <SchemaForm schema={tpl.data.schema} value={data} errors={errors} onChange={setData} />
          <div class="toolbar sticky-actions">
            <button type="button" onClick={preview} disabled={busy} data-testid="preview">{t('preview')}</button>
            <button type="button" class="primary" onClick={save} disabled={busy} data-testid="save">{from ? t('saveVersion') : t('save')}</button>
          </div>
        </section>
        <section class="panel document-preview">
          <h2>{t('previewTitle')}</h2>
          {html ? (
            <iframe class="document-frame" sandbox="" srcDoc={html} title={tpl.data.title} data-testid="preview-frame" />
          ) : (
            <p class="muted">{t('previewEmpty')}</p>
          )}
        </section>
      </div>
    </div>
  );
}
