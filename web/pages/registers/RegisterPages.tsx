/**
 * The list and detail pages every register shares: search with paging (state in the URL, so a search can be
 * bookmarked and the back button works), CSV export/import for those allowed, a record form that shows each server
 * error next to its field, and the record's change history. What a register shows is in defs.tsx.
 */
import { useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import { api, ApiError, download } from '../../api.ts';
import { useT, type TFunction } from '../../i18n/index.ts';
import { navigate } from '../../router.ts';
import type { PageProps } from '../../routes.ts';
import { hasRole } from '../../session.ts';
import { DataTable, type Column } from '../../ui/DataTable.tsx';
import { ErrorBox, fieldError } from '../../ui/ErrorBox.tsx';
import { Field } from '../../ui/Field.tsx';
import { formatDateTime } from '../../ui/format.ts';
import { Pager } from '../../ui/Pager.tsx';
import { showToast } from '../../ui/toast.tsx';
import { useAsync } from '../../ui/useAsync.ts';
import { changedBody, fullBody, toForm, type FieldDef, type FormValues, type Qual } from './fields.ts';
import './registers.css';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Rec = Record<string, any>;

export interface Filter {
  name: string;
  kind: 'select' | 'text';
  options?: string[];
  valuesKey?: string;
  placeholderKey?: string;
}

export interface WebRegister {
  key: string;
  api: string;
  path: string;
  titleKey: string;
  navKey: string;
  columns(t: TFunction): Column<Rec>[];
  filters?: Filter[];
  fields: FieldDef[];
  /** Read-only facts shown above the form (or instead of it). */
  facts(rec: Rec, t: TFunction): [string, ComponentChildren][];
  canCreate(): boolean;
  canEdit(rec: Rec): boolean;
  importRoles: string[];
  exportRoles: string[];
  /** Extra sections of the detail page (e.g. an expert's panels). */
  extra?(rec: Rec): ComponentChildren;
}

const LIMIT = 20;

export function valueLabel(t: TFunction, key: string, v: unknown): string {
  if (v === null || v === undefined || v === '') return '';
  return t(`values.${key}.${String(v)}`, { defaultValue: String(v) });
}

export function RegisterList({ def, query }: { def: WebRegister } & PageProps) {
  const t = useT('registers');
  const q = query.get('q') ?? '';
  const offset = Math.max(0, Number(query.get('offset')) || 0);
  const filterValues = Object.fromEntries((def.filters ?? []).map((f) => [f.name, query.get(f.name) ?? '']));
  const [text, setText] = useState(q);
  const [filters, setFilters] = useState(filterValues);
  const [actionError, setActionError] = useState<unknown>(null);
  const list = useAsync(
    () => api<{ items: Rec[]; total: number }>('GET', def.api, { query: { q, offset, limit: LIMIT, ...filterValues } }),
    [def.api, q, offset, JSON.stringify(filterValues)],
  );

  function search(e: Event) {
    e.preventDefault();
    navigate(def.path, { q: text.trim(), ...filters });
  }

  async function importFile(file: File) {
    setActionError(null);
    try {
      const r = await api<{ created: number; updated: number; unchanged: number }>('POST', `${def.api}/import`, { raw: { contentType: 'text/csv', data: await file.text() } });
      showToast(t('imported', r));
      list.reload();
    } catch (err) {
      setActionError(err);
    }
  }

  return (
    <section class="register-page" data-testid={`register-${def.key}`}>
      <h1>{t(def.navKey)}</h1>
      <form class="toolbar filters" onSubmit={search} role="search">
        <input type="search" name="q" placeholder={t('searchPlaceholder')} value={text} onInput={(e) => setText(e.currentTarget.value)} />
        {(def.filters ?? []).map((f) =>
          f.kind === 'select' ? (
            <select key={f.name} name={f.name} value={filters[f.name]} onChange={(e) => setFilters({ ...filters, [f.name]: e.currentTarget.value })}>
              <option value="">{t(`fields.${f.name}`)}：{t('all')}</option>
              {f.options!.map((o) => <option key={o} value={o}>{valueLabel(t, f.valuesKey ?? f.name, o)}</option>)}
            </select>
          ) : (
            <input key={f.name} name={f.name} placeholder={t(f.placeholderKey ?? `fields.${f.name}`)} value={filters[f.name]} onInput={(e) => setFilters({ ...filters, [f.name]: e.currentTarget.value })} />
          ),
        )}
        <button type="submit" class="primary">{t('common:actions.search')}</button>
        {def.canCreate() ? <button type="button" onClick={() => navigate(`${def.path}/new`)}>{t('newRecord')}</button> : null}
        {hasRole(...def.exportRoles) ? (
          <button type="button" onClick={() => download(`${def.api}/export`, `${def.key}.csv`, { q }).catch(setActionError)}>{t('export')}</button>
        ) : null}
        {hasRole(...def.importRoles) ? (
          <label class="file-label button">
            {t('import')}
            <input type="file" accept=".csv,text/csv" data-testid="import-file" onChange={(e) => {
              const f = e.currentTarget.files?.[0];
              e.currentTarget.value = '';
              if (f) void importFile(f);
            }} />
          </label>
        ) : null}
      </form>
      <ErrorBox error={actionError ?? list.error} />
      <DataTable columns={def.columns(t)} rows={list.data?.items ?? []} rowKey={(r) => r.id} loading={list.loading}
        onRowClick={(r) => navigate(`${def.path}/${r.id}`)} testId={`${def.key}-table`} />
      <Pager offset={offset} limit={LIMIT} shown={list.data?.items.length ?? 0} total={list.data?.total ?? null}
        onChange={(o) => navigate(def.path, { q, offset: o, ...filterValues })} />
    </section>
  );
}

function QualsEditor({ value, onChange, error }: { value: Qual[]; onChange: (v: Qual[]) => void; error?: string }) {
  const t = useT('registers');
  const set = (i: number, k: keyof Qual, v: string) => onChange(value.map((q, j) => (j === i ? { ...q, [k]: v } : q)));
  return (
    <div class="wide">
      <table class="data-table quals" data-testid="quals">
        <thead><tr><th>{t('fields.qualName')}</th><th>{t('fields.certNo')}</th><th>{t('fields.expiresOn')}</th><th /></tr></thead>
        <tbody>
          {value.map((q, i) => (
            <tr key={i}>
              <td><input value={q.name} onInput={(e) => set(i, 'name', e.currentTarget.value)} /></td>
              <td><input value={q.certNo} onInput={(e) => set(i, 'certNo', e.currentTarget.value)} /></td>
              <td><input type="date" value={q.expiresOn} onInput={(e) => set(i, 'expiresOn', e.currentTarget.value)} /></td>
              <td><button type="button" onClick={() => onChange(value.filter((_, j) => j !== i))}>{t('remove')}</button></td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" onClick={() => onChange([...value, { name: '', certNo: '', expiresOn: '' }])}>{t('addQualification')}</button>
      {error ? <div class="field-error" role="alert">{error}</div> : null}
    </div>
  );
}

export function RecordForm({ def, rec, onSaved }: { def: WebRegister; rec: Rec | null; onSaved: (r: Rec) => void }) {
  const t = useT('registers');
  const fields = def.fields.filter((f) => !f.createOnly || !rec);
  const [initial] = useState<FormValues>(() => toForm(fields, rec));
  const [form, setForm] = useState<FormValues>(initial);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function save(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const saved = rec
        ? await api<Rec>('PATCH', `${def.api}/${rec.id}`, { body: { version: rec.version, ...changedBody(fields, initial, form) } })
        : await api<Rec>('POST', def.api, { body: fullBody(fields, form) });
      showToast(rec ? t('saved') : t('created'));
      onSaved(saved);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="panel" onSubmit={save} data-testid="record-form">
      <ErrorBox error={error} />
      <div class="record-form">
        {fields.map((f) => {
          const err = fieldError(error, f.name);
          const v = form[f.name];
          const set = (x: string | Qual[]) => setForm({ ...form, [f.name]: x });
          if (f.type === 'quals') return <QualsEditor key={f.name} value={v as Qual[]} onChange={set} error={err} />;
          const id = `f-${f.name}`;
          let control: ComponentChildren;
          if (f.type === 'select') {
            control = (
              <select id={id} name={f.name} value={v as string} onChange={(e) => set(e.currentTarget.value)}>
                {f.options!.map((o) => <option key={o} value={o}>{valueLabel(t, f.valuesKey ?? f.name, o)}</option>)}
              </select>
            );
          } else if (f.type === 'checks') {
            const ticked = new Set((v as string).split(';').filter(Boolean));
            const toggle = (o: string, on: boolean) => {
              const next = new Set(ticked);
              if (on) next.add(o);
              else next.delete(o);
              set(f.options!.filter((x) => next.has(x)).join(';'));
            };
            control = (
              <span id={id} class="checks" role="group">
                {f.options!.map((o) => (
                  <label key={o} class="check">
                    <input type="checkbox" name={`${f.name}.${o}`} checked={ticked.has(o)} onChange={(e) => toggle(o, e.currentTarget.checked)} /> {valueLabel(t, f.valuesKey ?? f.name, o)}
                  </label>
                ))}
              </span>
            );
          } else if (f.type === 'textarea' || f.type === 'conflicts') {
            control = <textarea id={id} name={f.name} rows={3} value={v as string} onInput={(e) => set(e.currentTarget.value)} />;
          } else {
            control = <input id={id} name={f.name} type={f.type === 'date' ? 'date' : 'text'} value={v as string} onInput={(e) => set(e.currentTarget.value)} />;
          }
          const hint = f.type === 'list' || f.type === 'numlist' ? t('listHint') : f.type === 'conflicts' ? t('conflictsHint') : undefined;
          return (
            <div key={f.name} class={f.wide ? 'wide' : undefined}>
              <Field label={t(`fields.${f.name}`)} name={f.name} error={err} hint={hint} required={f.required}>{control}</Field>
            </div>
          );
        })}
      </div>
      <div class="toolbar">
        <button type="submit" class="primary" disabled={busy}>{t('common:actions.save')}</button>
        <button type="button" onClick={() => history.back()}>{t('common:actions.back')}</button>
      </div>
    </form>
  );
}

function Versions({ def, id, version }: { def: WebRegister; id: string; version: number }) {
  const t = useT('registers');
  const v = useAsync(() => api<{ versions: { version: number; action: string; changedBy: string; changedAt: string }[] }>('GET', `${def.api}/${id}/versions`), [id, version]);
  if (v.error instanceof ApiError && v.error.status === 403) return null;
  return (
    <section class="panel">
      <h2>{t('versions')}</h2>
      <ErrorBox error={v.error} />
      <DataTable
        rows={v.data?.versions ?? []}
        rowKey={(r) => r.version}
        loading={v.loading}
        testId="versions"
        columns={[
          { key: 'version', title: t('version') },
          { key: 'action', title: t('action'), render: (r) => valueLabel(t, 'action', r.action) },
          { key: 'changedBy', title: t('changedBy') },
          { key: 'changedAt', title: t('changedAt'), render: (r) => formatDateTime(r.changedAt) },
        ]}
      />
    </section>
  );
}

export function RegisterDetail({ def, params }: { def: WebRegister } & PageProps) {
  const t = useT('registers');
  const isNew = params.id === 'new';
  const rec = useAsync(() => (isNew ? Promise.resolve(null) : api<Rec>('GET', `${def.api}/${params.id}`)), [params.id]);
  if (rec.error) return <section class="register-page"><ErrorBox error={rec.error} /></section>;
  if (rec.loading && !rec.data) return <p class="muted">{t('common:errors.loading')}</p>;
  const r = rec.data ?? null;
  const editable = isNew ? def.canCreate() : r ? def.canEdit(r) : false;
  return (
    <section class="register-page" data-testid={`${def.key}-detail`}>
      <h1>{t(def.titleKey)}{r ? `：${r.name ?? r.code ?? r.subjectName ?? r.id}` : ` · ${t('newRecord')}`}</h1>
      {r ? (
        <dl class="facts panel" data-testid="facts">
          {def.facts(r, t).map(([label, value]) => [<dt key={`${label}-t`}>{label}</dt>, <dd key={`${label}-d`}>{value}</dd>])}
        </dl>
      ) : null}
      {editable ? (
        <RecordForm key={r?.version ?? 'new'} def={def} rec={r} onSaved={(saved) => (isNew ? navigate(`${def.path}/${saved.id}`) : rec.reload())} />
      ) : null}
      {r && def.extra ? def.extra(r) : null}
      {r ? <Versions def={def} id={params.id} version={r.version} /> : null}
    </section>
  );
}
