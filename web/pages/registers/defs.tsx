/** What each register page shows and who may do what (the server decides; these only hide buttons that would be refused). */
import { useState } from 'preact/hooks';
import { api, download } from '../../api.ts';
import { useT, type TFunction } from '../../i18n/index.ts';
import type { PageProps } from '../../routes.ts';
import { getUser, hasRole } from '../../session.ts';
import { DataTable } from '../../ui/DataTable.tsx';
import { ErrorBox } from '../../ui/ErrorBox.tsx';
import { formatDateTime, formatYuan } from '../../ui/format.ts';
import { showToast } from '../../ui/toast.tsx';
import { useAsync } from '../../ui/useAsync.ts';
import { RegisterDetail, RegisterList, valueLabel, type Rec, type WebRegister } from './RegisterPages.tsx';

const KEEPERS = ['finance_section', 'supervisor'];
const STATUS = ['active', 'suspended', 'cancelled'];
const own = (r: Rec) => r.organisationId != null && r.organisationId === getUser()?.organisation?.id;
const hidden = (t: TFunction) => <span class="muted">{t('hidden')}</span>;
const status = (t: TFunction, v: string) => <span class={`badge ${v === 'active' ? 'badge-ok' : 'badge-warn'}`}>{valueLabel(t, 'status', v)}</span>;

export const suppliers: WebRegister = {
  key: 'suppliers', api: '/api/suppliers', path: '/registers/suppliers', titleKey: 'titles.supplier', navKey: 'nav.suppliers',
  columns: (t) => [
    { key: 'name', title: t('fields.name') },
    { key: 'creditCode', title: t('fields.creditCode') },
    { key: 'scale', title: t('fields.scale'), render: (r) => valueLabel(t, 'scale', r.scale) },
    { key: 'contactName', title: t('fields.contactName') },
    { key: 'status', title: t('fields.status'), render: (r) => <>{status(t, r.status)} {r.hasExpiredQualifications ? <span class="badge badge-warn">{t('hasExpired')}</span> : null}</> },
  ],
  filters: [{ name: 'scale', kind: 'select', options: ['large', 'medium', 'small', 'micro'] }, { name: 'status', kind: 'select', options: STATUS }],
  fields: [
    { name: 'creditCode', type: 'text', required: true }, { name: 'name', type: 'text', required: true }, { name: 'legalRep', type: 'text', required: true },
    { name: 'contactName', type: 'text', required: true }, { name: 'contactPhone', type: 'text', required: true }, { name: 'address', type: 'text', required: true, wide: true },
    { name: 'scale', type: 'select', options: ['small', 'micro', 'medium', 'large'] }, { name: 'status', type: 'select', options: STATUS },
    { name: 'bankName', type: 'optional' }, { name: 'bankAccount', type: 'optional' }, { name: 'qualifications', type: 'quals' },
  ],
  facts: (r, t) => [
    [t('fields.creditCode'), <code>{r.creditCode}</code>],
    [t('fields.legalRep'), r.legalRep],
    [t('fields.contactName'), `${r.contactName} ${r.contactPhone}`],
    [t('fields.address'), r.address],
    [t('fields.scale'), valueLabel(t, 'scale', r.scale)],
    [t('fields.bankAccount'), r.bankVisible ? `${r.bankName ?? ''} ${r.bankAccount ?? ''}` : <span class="muted">{t('bankHidden')}</span>],
    [t('fields.qualifications'), (r.qualifications as Rec[]).map((q) => (
      <div key={q.certNo}>{q.name}（{q.certNo}，{t('fields.expiresOn')} {q.expiresOn}）{q.expired ? <span class="badge badge-error">{t('expired')}</span> : null}</div>
    ))],
    [t('fields.status'), status(t, r.status)],
    [t('fields.source'), valueLabel(t, 'source', r.source)],
    [t('fields.updatedAt'), `${formatDateTime(r.updatedAt)} · ${r.updatedBy}`],
  ],
  canCreate: () => hasRole(...KEEPERS),
  canEdit: (r) => hasRole(...KEEPERS) || (hasRole('supplier') && own(r)),
  importRoles: KEEPERS, exportRoles: [...KEEPERS, 'auditor'],
};

export const agencies: WebRegister = {
  key: 'agencies', api: '/api/agencies', path: '/registers/agencies', titleKey: 'titles.agency', navKey: 'nav.agencies',
  columns: (t) => [
    { key: 'name', title: t('fields.name') }, { key: 'creditCode', title: t('fields.creditCode') },
    { key: 'contactName', title: t('fields.contactName') }, { key: 'contactPhone', title: t('fields.contactPhone') },
    { key: 'status', title: t('fields.status'), render: (r) => status(t, r.status) },
  ],
  filters: [{ name: 'status', kind: 'select', options: STATUS }],
  fields: [
    { name: 'creditCode', type: 'text', required: true }, { name: 'name', type: 'text', required: true }, { name: 'contactName', type: 'text', required: true },
    { name: 'contactPhone', type: 'text', required: true }, { name: 'address', type: 'text', required: true, wide: true },
    { name: 'staffUserIds', type: 'numlist' }, { name: 'status', type: 'select', options: STATUS },
  ],
  facts: (r, t) => [
    [t('fields.creditCode'), <code>{r.creditCode}</code>], [t('fields.contactName'), `${r.contactName} ${r.contactPhone}`], [t('fields.address'), r.address],
    [t('fields.staff'), r.staffVisible ? (r.staff as Rec[]).map((s) => `${s.displayName ?? ''}（${s.username ?? s.id}，ID ${s.id}）`).join('、') : hidden(t)],
    [t('fields.status'), status(t, r.status)], [t('fields.updatedAt'), `${formatDateTime(r.updatedAt)} · ${r.updatedBy}`],
  ],
  canCreate: () => hasRole(...KEEPERS),
  canEdit: (r) => hasRole(...KEEPERS) || (hasRole('agency') && own(r)),
  importRoles: KEEPERS, exportRoles: [...KEEPERS, 'auditor'],
};

export const goods: WebRegister = {
  key: 'goods', api: '/api/goods', path: '/registers/goods', titleKey: 'titles.goods', navKey: 'nav.goods',
  columns: (t) => [
    { key: 'categoryCode', title: t('fields.categoryCode'), render: (r) => <code>{r.categoryCode}</code> },
    { key: 'categoryName', title: t('fields.categoryName') },
    { key: 'name', title: t('fields.name') },
    { key: 'spec', title: t('fields.spec') },
    { key: 'unit', title: t('fields.unit') },
    { key: 'referencePriceFen', title: t('fields.referencePriceFen'), align: 'right', render: (r) => formatYuan(r.referencePriceFen) },
  ],
  filters: [{ name: 'code', kind: 'text', placeholderKey: 'codePrefix' }, { name: 'status', kind: 'select', options: ['active', 'withdrawn'] }],
  fields: [
    { name: 'categoryCode', type: 'text', required: true }, { name: 'name', type: 'text', required: true }, { name: 'unit', type: 'text', required: true },
    { name: 'referencePriceFen', type: 'yuan', required: true }, { name: 'spec', type: 'textarea', wide: true },
    { name: 'status', type: 'select', options: ['active', 'withdrawn'] },
  ],
  facts: (r, t) => [
    [t('fields.categoryName'), (r.categoryPath as Rec[]).map((c) => `${c.name}（${c.code}）`).join(' › ')],
    [t('fields.spec'), r.spec], [t('fields.unit'), r.unit],
    [t('fields.referencePriceFen'), <span data-testid="price">{formatYuan(r.referencePriceFen)}</span>],
    [t('fields.status'), status(t, r.status)], [t('fields.updatedAt'), `${formatDateTime(r.updatedAt)} · ${r.updatedBy}`],
  ],
  canCreate: () => hasRole(...KEEPERS),
  canEdit: () => hasRole(...KEEPERS),
  importRoles: KEEPERS, exportRoles: ['purchaser', 'dept_approver', 'finance_section', 'supervisor', 'city_finance', 'agency', 'expert', 'supplier', 'process_admin', 'auditor'],
};

function Panels({ id }: { id: number }) {
  const t = useT('registers');
  const p = useAsync(() => api<{ panels: Rec[] }>('GET', `/api/experts/${id}/panels`), [id]);
  if (p.error) return null;
  return (
    <section class="panel">
      <h2>{t('panels')}</h2>
      <DataTable rows={p.data?.panels ?? []} rowKey={(r) => r.id} loading={p.loading} testId="panels" columns={[
        { key: 'projectRef', title: 'FCZC' }, { key: 'lotRef', title: '包' }, { key: 'role', title: t('action') }, { key: 'servedOn', title: t('changedAt') },
      ]} />
    </section>
  );
}

const EXPERT_STATUS = ['active', 'suspended', 'retired'];
/** 政府采购评审专家库 (gp) and 综合评标专家库 (works, the experts of works tenders). */
const EXPERT_POOLS = ['gp', 'works'];
const poolsText = (t: TFunction, pools: unknown) => ((pools as string[] | undefined) ?? []).map((p) => t(`values.pools.${p}`, { defaultValue: p })).join('、');
export const experts: WebRegister = {
  key: 'experts', api: '/api/experts', path: '/registers/experts', titleKey: 'titles.expert', navKey: 'nav.experts',
  columns: (t) => [
    { key: 'code', title: t('fields.code') },
    { key: 'name', title: t('fields.name'), render: (r) => (r.identityVisible ? r.name : hidden(t)) },
    { key: 'employer', title: t('fields.employer'), render: (r) => (r.identityVisible ? r.employer : hidden(t)) },
    { key: 'title', title: t('fields.title') },
    { key: 'specialties', title: t('fields.specialties'), render: (r) => (r.specialties as string[]).join('、') },
    { key: 'pools', title: t('fields.pools'), render: (r) => poolsText(t, r.pools) },
    { key: 'status', title: t('fields.status'), render: (r) => status(t, r.status) },
  ],
  filters: [
    { name: 'specialty', kind: 'text', placeholderKey: 'specialty' }, { name: 'status', kind: 'select', options: EXPERT_STATUS },
    { name: 'pool', kind: 'select', options: EXPERT_POOLS, valuesKey: 'pools' },
  ],
  fields: [
    { name: 'code', type: 'text', required: true }, { name: 'name', type: 'text', required: true }, { name: 'idNumber', type: 'optional' },
    { name: 'employer', type: 'text', required: true }, { name: 'title', type: 'text' }, { name: 'phone', type: 'text', required: true },
    { name: 'specialties', type: 'list', required: true }, { name: 'status', type: 'select', options: EXPERT_STATUS },
    { name: 'pools', type: 'checks', options: EXPERT_POOLS, required: true },
    { name: 'conflicts', type: 'conflicts', wide: true },
  ],
  facts: (r, t) => [
    [t('fields.code'), r.code],
    ...(r.identityVisible
      ? ([[t('fields.idNumber'), r.idNumber ?? ''], [t('fields.employer'), r.employer], [t('fields.phone'), r.phone],
          [t('fields.conflicts'), (r.conflicts as Rec[]).map((c) => `${c.kind}:${c.value}`).join('；')]] as [string, string][])
      : ([[t('fields.name'), <span class="muted">{t('identityHidden')}</span>]] as [string, preact.ComponentChildren][])),
    [t('fields.specialties'), (r.specialties as string[]).join('、')], [t('fields.pools'), poolsText(t, r.pools)], [t('fields.status'), status(t, r.status)],
  ],
  canCreate: () => hasRole('supervisor'),
  canEdit: () => hasRole('supervisor'),
  importRoles: ['supervisor'], exportRoles: ['supervisor'],
  extra: (r) => <Panels id={r.id} />,
};

function Evidence({ rec }: { rec: Rec }) {
  const t = useT('registers');
  const [error, setError] = useState<unknown>(null);
  async function upload(file: File) {
    setError(null);
    try {
      await api('PUT', `/api/credit-records/${rec.id}/evidence`, { query: { filename: file.name }, raw: { contentType: file.type || 'application/pdf', data: file } });
      showToast(t('saved'));
      location.reload();
    } catch (err) {
      setError(err);
    }
  }
  return (
    <>
      {rec.evidence ? (
        <button type="button" onClick={() => download(`/api/credit-records/${rec.id}/evidence`, rec.evidence.filename).catch(setError)}>
          {rec.evidence.filename}（{Math.ceil(rec.evidence.size / 1024)} KB）
        </button>
      ) : <span class="muted">{t('noEvidence')}</span>}{' '}
      {rec.evidence ? <code class="digest">sha256 {rec.evidence.sha256}</code> : null}
      {hasRole(...KEEPERS) ? (
        <label class="file-label button"> {t('uploadEvidence')}
          <input type="file" accept="application/pdf,image/png,image/jpeg" onChange={(e) => {
            const f = e.currentTarget.files?.[0];
            if (f) void upload(f);
          }} />
        </label>
      ) : null}
      <ErrorBox error={error} />
    </>
  );
}

export const credit: WebRegister = {
  key: 'credit', api: '/api/credit-records', path: '/registers/credit', titleKey: 'titles.credit', navKey: 'nav.credit',
  columns: (t) => [
    { key: 'subjectName', title: t('fields.subjectName') },
    { key: 'subjectCode', title: t('fields.subjectCode') },
    { key: 'kind', title: t('fields.kind'), render: (r) => <span class={`badge ${r.kind === 'black' ? 'badge-error' : r.kind === 'red' ? 'badge-ok' : ''}`}>{valueLabel(t, 'kind', r.kind)}</span> },
    { key: 'sourceUnitName', title: t('fields.sourceUnit') },
    { key: 'validFrom', title: t('fields.validFrom'), render: (r) => `${r.validFrom} ~ ${r.validTo ?? ''}` },
    { key: 'inForceToday', title: t('fields.status'), render: (r) => (r.inForceToday ? t('inForce') : t('notInForce')) },
  ],
  filters: [{ name: 'kind', kind: 'select', options: ['black', 'red', 'other'] }],
  fields: [
    { name: 'subjectKind', type: 'select', options: ['supplier', 'agency', 'expert'], createOnly: true },
    { name: 'subjectCode', type: 'text', required: true, createOnly: true }, { name: 'subjectName', type: 'text', required: true },
    { name: 'kind', type: 'select', options: ['black', 'red', 'other'] }, { name: 'listName', type: 'optional' },
    { name: 'sourceUnit', type: 'text', required: true, createOnly: true }, { name: 'decisionNo', type: 'optional' },
    { name: 'validFrom', type: 'date', required: true }, { name: 'validTo', type: 'date' },
    { name: 'reason', type: 'textarea', required: true, wide: true }, { name: 'legalBasis', type: 'text', required: true, wide: true },
  ],
  facts: (r, t) => [
    [t('fields.subjectKind'), valueLabel(t, 'subjectKind', r.subjectKind)], [t('fields.subjectCode'), <code>{r.subjectCode}</code>],
    [t('fields.kind'), `${valueLabel(t, 'kind', r.kind)}${r.listName ? ` · ${r.listName}` : ''}`], [t('fields.sourceUnit'), r.sourceUnitName],
    [t('fields.decisionNo'), r.decisionNo ?? ''], [t('fields.reason'), r.reason], [t('fields.legalBasis'), r.legalBasis],
    [t('fields.validFrom'), `${r.validFrom} ~ ${r.validTo ?? ''}（${r.inForceToday ? t('inForce') : t('notInForce')}）`],
    [t('evidence'), <Evidence rec={r} />],
  ],
  canCreate: () => hasRole(...KEEPERS),
  canEdit: () => hasRole(...KEEPERS),
  importRoles: KEEPERS, exportRoles: [...KEEPERS, 'auditor'],
};

const CHECK_RUNNERS = ['purchaser', 'agency', 'finance_section', 'supervisor'];

/** 信用核查: run a check (stored as evidence) and show what decided it. */
function CreditCheckPanel() {
  const t = useT('registers');
  const [form, setForm] = useState({ creditCode: '', date: '', purpose: t('check.purposeDefault'), projectRef: '' });
  const [result, setResult] = useState<Rec | null>(null);
  const [error, setError] = useState<unknown>(null);
  const history = useAsync(() => api<{ items: Rec[] }>('GET', '/api/credit-checks', { query: { limit: 10 } }), [result?.checkId]);
  async function run(e: Event) {
    e.preventDefault();
    setError(null);
    try {
      const body: Rec = { creditCode: form.creditCode, purpose: form.purpose };
      if (form.date) body.date = form.date;
      if (form.projectRef) body.projectRef = form.projectRef;
      setResult(await api<Rec>('POST', '/api/credit-checks', { body }));
    } catch (err) {
      setError(err);
    }
  }
  const rows = (list: Rec[]) =>
    list.map((r) => `${valueLabel(t, 'kind', r.kind)}${r.listName ? `（${r.listName}）` : ''} · ${r.sourceUnitName} · ${r.decisionNo ?? ''} ${r.reason}（${r.validFrom} ~ ${r.validTo ?? ''}）`);
  return (
    <form class="panel" onSubmit={run} data-testid="credit-check">
      <h2>{t('check.title')}</h2>
      <div class="toolbar">
        <input name="creditCode" placeholder={t('check.creditCode')} value={form.creditCode} onInput={(e) => setForm({ ...form, creditCode: e.currentTarget.value })} />
        <input name="date" type="date" title={t('check.date')} value={form.date} onInput={(e) => setForm({ ...form, date: e.currentTarget.value })} />
        <input name="purpose" placeholder={t('check.purpose')} value={form.purpose} onInput={(e) => setForm({ ...form, purpose: e.currentTarget.value })} />
        <input name="projectRef" placeholder={t('check.projectRef')} value={form.projectRef} onInput={(e) => setForm({ ...form, projectRef: e.currentTarget.value })} />
        <button type="submit" class="primary">{t('check.run')}</button>
      </div>
      <ErrorBox error={error} />
      {result ? (
        <div data-testid="check-result">
          <p>
            <span class={result.result === 'pass' ? 'result-pass' : 'result-fail'} data-result={result.result}>{t(`check.${result.result}`)}</span>{' '}
            {result.subjectName ?? ''} {result.date} · {formatDateTime(result.checkedAt)} · {result.checkedBy}
          </p>
          {result.decidingRecords.length ? <><h3>{t('check.deciding')}</h3><ul>{rows(result.decidingRecords).map((s) => <li key={s}>{s}</li>)}</ul></> : null}
          {result.otherRecords.length ? <><h3>{t('check.other')}</h3><ul>{rows(result.otherRecords).map((s) => <li key={s}>{s}</li>)}</ul></> : null}
          {result.redListEffects.length ? <p>{t('check.redEffects')}：{result.redListEffects.join('、')}</p> : null}
          <p class="muted small">{t('check.stored', { id: result.checkId, digest: result.digest.slice(0, 16) })}</p>
        </div>
      ) : null}
      <h3>{t('check.history')}</h3>
      <DataTable rows={history.data?.items ?? []} rowKey={(r) => r.checkId} loading={history.loading} testId="credit-checks" columns={[
        { key: 'checkedAt', title: t('changedAt'), render: (r) => formatDateTime(r.checkedAt) },
        { key: 'subjectName', title: t('fields.subjectName'), render: (r) => `${r.subjectName ?? ''} ${r.creditCode}` },
        { key: 'date', title: t('check.date') },
        { key: 'purpose', title: t('check.purpose'), render: (r) => `${r.purpose}${r.projectRef ? ` · ${r.projectRef}` : ''}` },
        { key: 'result', title: t('fields.status'), render: (r) => <span class={r.result === 'pass' ? 'result-pass' : 'result-fail'}>{t(`check.${r.result}`)}</span> },
        { key: 'checkedBy', title: t('changedBy') },
      ]} />
    </form>
  );
}

export const SuppliersPage = (p: PageProps) => <RegisterList def={suppliers} {...p} />;
export const SupplierPage = (p: PageProps) => <RegisterDetail def={suppliers} {...p} />;
export const AgenciesPage = (p: PageProps) => <RegisterList def={agencies} {...p} />;
export const AgencyPage = (p: PageProps) => <RegisterDetail def={agencies} {...p} />;
export const GoodsPage = (p: PageProps) => <RegisterList def={goods} {...p} />;
export const GoodsItemPage = (p: PageProps) => <RegisterDetail def={goods} {...p} />;
export const ExpertsPage = (p: PageProps) => <RegisterList def={experts} {...p} />;
export const ExpertPage = (p: PageProps) => <RegisterDetail def={experts} {...p} />;
export const CreditRecordPage = (p: PageProps) => <RegisterDetail def={credit} {...p} />;
export function CreditPage(p: PageProps) {
  return (
    <>
      {hasRole(...CHECK_RUNNERS) ? <section class="register-page"><CreditCheckPanel /></section> : null}
      <RegisterList def={credit} {...p} />
    </>
  );
}
