/** 提出投诉: a supplier complains about the reply to its challenge (POST /api/complaints); ?challengeId= prefills. */
import { useState } from 'preact/hooks';
import { api } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import { navigate } from '../../router.ts';
import type { PageProps } from '../../routes.ts';
import { ErrorBox, fieldError } from '../../ui/ErrorBox.tsx';
import { Field } from '../../ui/Field.tsx';

export function NewComplaintPage({ query }: PageProps) {
  const t = useT('complaints');
  const [v, setV] = useState({ challengeId: query.get('challengeId') ?? '', item: '', request: '', facts: '', law: '', requests: '' });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof v) => (e: Event) => setV({ ...v, [k]: (e.currentTarget as HTMLInputElement).value });
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await api<{ complaintId: number }>('POST', '/api/complaints', {
        body: { challengeId: Number(v.challengeId), items: [{ item: v.item, request: v.request, facts: v.facts, law: v.law }], ...(v.requests ? { requests: v.requests } : {}) },
      });
      navigate(`/complaints/${res.complaintId}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const area = (k: 'request' | 'facts' | 'law', rows = 4) => (
    <Field label={t(`fields.${k}`)} name={k} required error={fieldError(error, `items.0.${k}`)}>
      <textarea id={`f-${k}`} rows={rows} value={v[k]} onInput={set(k)} data-testid={`complaint-${k}`} />
    </Field>
  );
  return (
    <section class="complaint-new" data-testid="complaint-new-page">
      <h1>{t('newTitle')}</h1>
      <p class="muted">{t('fields.hint')}</p>
      <form onSubmit={submit}>
        <Field label={t('fields.challengeId')} name="challengeId" required error={fieldError(error, 'challengeId')}>
          <input id="f-challengeId" type="number" min={1} value={v.challengeId} onInput={set('challengeId')} data-testid="complaint-challengeId" />
        </Field>
        <Field label={t('fields.item')} name="item" required error={fieldError(error, 'items.0.item')}>
          <input id="f-item" value={v.item} onInput={set('item')} maxLength={200} data-testid="complaint-item" />
        </Field>
        {area('request')}
        {area('facts', 6)}
        {area('law', 3)}
        <Field label={t('fields.requests')} name="requests" error={fieldError(error, 'requests')}>
          <textarea id="f-requests" rows={2} value={v.requests} onInput={set('requests')} />
        </Field>
        <ErrorBox error={error} />
        <button type="submit" disabled={busy} data-testid="complaint-submit">{busy ? t('submitting') : t('submit')}</button>
      </form>
    </section>
  );
}
