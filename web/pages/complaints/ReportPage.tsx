/** 投诉举报 (public, no login): report about the centre's staff (POST /api/reports), and look one up by its code. */
import { useState } from 'preact/hooks';
import { api } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import type { PageProps } from '../../routes.ts';
import { ErrorBox, fieldError } from '../../ui/ErrorBox.tsx';
import { Field } from '../../ui/Field.tsx';
import { beijing } from './types.ts';

const CATEGORIES = ['工作作风', '违规操作', '泄露信息', '索贿受贿', '其他'];
interface ReportView { trackingCode: string; category: string; subject: string; status: string; filedAt: string; reply: string | null; repliedAt: string | null }

export function ReportPage({ query }: PageProps) {
  const t = useT('complaints');
  const [v, setV] = useState({ category: CATEGORIES[0]!, subject: '', facts: '', contact: '' });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [filed, setFiled] = useState<string | null>(null);
  const [code, setCode] = useState(query.get('code') ?? '');
  const [found, setFound] = useState<ReportView | null>(null);
  const [lookupError, setLookupError] = useState<unknown>(null);
  const set = (k: keyof typeof v) => (e: Event) => setV({ ...v, [k]: (e.currentTarget as HTMLInputElement).value });
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await api<{ trackingCode: string }>('POST', '/api/reports', { body: { ...v, contact: v.contact || undefined } });
      setFiled(res.trackingCode);
      setCode(res.trackingCode);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const lookup = async (e: Event) => {
    e.preventDefault();
    setLookupError(null);
    setFound(null);
    try {
      setFound(await api<ReportView>('GET', `/api/reports/${encodeURIComponent(code.trim())}`));
    } catch (err) {
      setLookupError(err);
    }
  };
  return (
    <section class="report-page" data-testid="report-page">
      <h1>{t('report.title')}</h1>
      <p class="muted">{t('report.intro')}</p>
      {filed ? (
        <div class="notice" data-testid="report-filed">{t('report.done')}<strong data-testid="report-code">{filed}</strong>。{t('report.keep')}</div>
      ) : (
        <form onSubmit={submit}>
          <Field label={t('report.category')} name="category" required error={fieldError(error, 'category')}>
            <select id="f-category" value={v.category} onChange={set('category')} data-testid="report-category">
              {CATEGORIES.map((c) => <option key={c} value={c}>{c}</option>)}
            </select>
          </Field>
          <Field label={t('report.subject')} name="subject" required error={fieldError(error, 'subject')}>
            <input id="f-subject" value={v.subject} onInput={set('subject')} maxLength={200} data-testid="report-subject" />
          </Field>
          <Field label={t('report.facts')} name="facts" required error={fieldError(error, 'facts')}>
            <textarea id="f-facts" rows={6} value={v.facts} onInput={set('facts')} maxLength={5000} data-testid="report-facts" />
          </Field>
          <Field label={t('report.contact')} name="contact" error={fieldError(error, 'contact')}>
            <input id="f-contact" value={v.contact} onInput={set('contact')} maxLength={200} data-testid="report-contact" />
          </Field>
          <ErrorBox error={error} />
          <button type="submit" disabled={busy} data-testid="report-submit">{busy ? t('report.submitting') : t('report.submit')}</button>
        </form>
      )}
      <h2>{t('report.lookupTitle')}</h2>
      <form onSubmit={lookup} class="toolbar">
        <input value={code} onInput={(e) => setCode(e.currentTarget.value)} placeholder={t('report.code')} aria-label={t('report.code')} data-testid="report-lookup-code" />
        <button type="submit" data-testid="report-lookup">{t('report.lookup')}</button>
      </form>
      <ErrorBox error={lookupError} />
      {found ? (
        <dl class="facts" data-testid="report-found">
          <dt>{t('report.code')}</dt><dd>{found.trackingCode}</dd>
          <dt>{t('report.subject')}</dt><dd>{found.subject}</dd>
          <dt>{t('report.filedAt')}</dt><dd>{beijing(found.filedAt)}</dd>
          <dt>{t('columns.status')}</dt><dd data-testid="report-status">{t(`report.status.${found.status}`)}</dd>
          {found.reply ? (<><dt>{t('report.reply')}</dt><dd data-testid="report-reply">{found.reply}</dd></>) : null}
        </dl>
      ) : null}
    </section>
  );
}
