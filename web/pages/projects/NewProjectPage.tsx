/**
 * 新建项目: the purchaser first chooses 政府采购项目 or 工程建设项目招标 (issue 11). A procurement is the application of
 * CHAIN.md A (the same variables as the form procurement-application) posted to POST /api/projects, which validates
 * it like the form and like check-application, starts the `procurement` instance and completes 填报采购申请. A works
 * tender is the form works-application (项目审批文号, B… works code, 公开/邀请招标, 估算价, 最高投标限价, 国有资金,
 * 工期, 建设地点, 资质要求) posted to POST /api/projects?regime=works, which starts `works_tender` the same way.
 * Items are picked from the goods catalogue (/api/goods?q=) for both.
 * Amounts are typed in 元 and sent as numbers; the server converts to fen. Every refusal the server names a field
 * for is shown at that field (items per line and column); the rest stays in the box at the top.
 */
import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import { api, ApiError } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import { navigate } from '../../router.ts';
import type { PageProps } from '../../routes.ts';
import { ErrorBox, fieldError } from '../../ui/ErrorBox.tsx';
import { Field } from '../../ui/Field.tsx';
import { formatYuan, parseYuanToFen } from '../../ui/format.ts';
import { showToast } from '../../ui/toast.tsx';
import { useAsync } from '../../ui/useAsync.ts';
import { lineTotalFen } from '../tenders/money.ts';
import { FUNDING_SOURCES, METHODS, ORGANISATION_FORMS, WORKS_METHODS, WORKS_ORGANISATION_FORMS, type ProjectDetail, type Regime } from './types.ts';
import './projects.css';

interface Goods {
  id: number;
  categoryCode: string;
  categoryName: string | null;
  name: string;
  spec: string;
  unit: string;
  referencePriceFen: number;
  status: string;
}

interface Agency {
  id: number;
  name: string;
  status: string;
}

interface ItemRow {
  key: number;
  goodsId: number;
  itemCode: string;
  itemName: string;
  categoryCode: string;
  quantity: string;
  unit: string;
  unitPriceYuan: string;
}

/** The catalogue item's number is the application's itemCode (server/registry/goods getGoodsItems checks it). */
export const itemCodeOf = (g: Goods) => String(g.id);

let nextKey = 1;

/** The reason given for exactly this path (a line as a whole, not one of its cells). */
function exactError(error: unknown, path: string): string | undefined {
  return error instanceof ApiError ? error.details.find((d) => d.path === path)?.reason : undefined;
}

/** Server detail paths may be prefixed with `variables.` (task completion) or not (POST /api/projects). */
function normalise(err: unknown): unknown {
  if (!(err instanceof ApiError)) return err;
  return new ApiError(err.status, err.code, err.message, err.details.map((d) => ({ ...d, path: d.path.replace(/^(variables|body)\./, '').replace(/\[(\d+)\]/g, '.$1') })));
}

const EMPTY = {
  projectName: '', categoryCode: '', procurementType: 'goods', method: '公开招标', budgetYuan: '', maxPriceYuan: '', fundingSource: '一般公共预算资金',
  organisationForm: '分散采购', importedProducts: false, smeReserved: false, deliveryDate: '', deliveryPlace: '', description: '', agencyId: '',
  // Works tender only (forms/works-application.form).
  projectApprovalNo: '', stateFunded: false, plannedPeriodDays: '', qualificationRequirement: '',
};
type Values = typeof EMPTY;

/** What a regime's selects allow: switching keeps what was typed, and puts choices the other law lacks back to its first. */
function forRegime(v: Values, regime: Regime): Values {
  if (regime === 'works') {
    return {
      ...v, procurementType: 'works', method: (WORKS_METHODS as readonly string[]).includes(v.method) ? v.method : WORKS_METHODS[0],
      organisationForm: WORKS_ORGANISATION_FORMS[0], categoryCode: /^B/.test(v.categoryCode) ? v.categoryCode : '',
    };
  }
  return {
    ...v, procurementType: v.procurementType === 'works' ? 'goods' : v.procurementType,
    organisationForm: (ORGANISATION_FORMS as readonly string[]).includes(v.organisationForm) ? v.organisationForm : ORGANISATION_FORMS[1],
    categoryCode: /^B/.test(v.categoryCode) ? '' : v.categoryCode,
  };
}

export function NewProjectPage({ query }: PageProps) {
  const t = useT('projects');
  const [regime, setRegime] = useState<Regime>(query.get('regime') === 'works' ? 'works' : 'procurement');
  const [v, setV] = useState<Values>(() => forRegime(EMPTY, regime));
  const works = regime === 'works';
  const [items, setItems] = useState<ItemRow[]>([]);
  const [search, setSearch] = useState('');
  const [hits, setHits] = useState<Goods[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const agencies = useAsync(() => api<{ items: Agency[] }>('GET', '/api/agencies', { query: { status: 'active', limit: 100 } }), []);

  const choose = (r: Regime) => {
    if (r === regime) return;
    setRegime(r);
    setV(forRegime(v, r));
    setError(null);
  };
  const set = (k: keyof Values) => (e: Event) => {
    const el = e.currentTarget as HTMLInputElement;
    setV({ ...v, [k]: el.type === 'checkbox' ? el.checked : el.value });
  };
  const err = (path: string) => fieldError(error, path);
  const amountErr = (k: 'budgetYuan' | 'maxPriceYuan') => (v[k].trim() && parseYuanToFen(v[k]) === null ? t('invalidAmount') : err(k));

  async function find(e: Event) {
    e.preventDefault();
    try {
      const r = await api<{ items: Goods[] }>('GET', '/api/goods', { query: { q: search.trim(), status: 'active', limit: 20 } });
      setHits(r.items);
    } catch (x) {
      setError(x);
    }
  }

  function add(g: Goods) {
    setItems([
      ...items,
      { key: nextKey++, goodsId: g.id, itemCode: itemCodeOf(g), itemName: g.name + (g.spec ? `（${g.spec}）` : ''), categoryCode: g.categoryCode, quantity: '1', unit: g.unit, unitPriceYuan: formatYuan(g.referencePriceFen).replace(/,/g, '') },
    ]);
    if (!v.categoryCode) setV({ ...v, categoryCode: g.categoryCode });
  }

  const updateItem = (key: number, k: keyof ItemRow, value: string) => setItems(items.map((it) => (it.key === key ? { ...it, [k]: value } : it)));

  function amount(text: string): number | string | undefined {
    if (!text.trim()) return undefined;
    const fen = parseYuanToFen(text);
    // Not an amount: send the text so the server names the field.
    return fen === null ? text : fen / 100;
  }

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const common = {
      projectName: v.projectName.trim(), categoryCode: v.categoryCode.trim(), procurementType: v.procurementType, method: v.method,
      budgetYuan: amount(v.budgetYuan), maxPriceYuan: amount(v.maxPriceYuan), fundingSource: v.fundingSource, organisationForm: v.organisationForm,
      deliveryDate: v.deliveryDate || undefined, deliveryPlace: v.deliveryPlace.trim(), description: v.description.trim(), agencyId: v.agencyId ? Number(v.agencyId) : undefined,
      items: items.map((it) => ({
        itemCode: it.itemCode, itemName: it.itemName, quantity: /^\d+(\.\d+)?$/.test(it.quantity.trim()) ? Number(it.quantity) : it.quantity,
        unit: it.unit, unitPriceYuan: amount(it.unitPriceYuan),
      })),
    };
    const days = v.plannedPeriodDays.trim();
    const body = works
      ? {
        ...common, projectApprovalNo: v.projectApprovalNo.trim(), stateFunded: v.stateFunded, qualificationRequirement: v.qualificationRequirement.trim(),
        // Not a whole number: send the text so the server names the field.
        plannedPeriodDays: !days ? undefined : /^\d+$/.test(days) ? Number(days) : days,
      }
      : { ...common, importedProducts: v.importedProducts, smeReserved: v.smeReserved };
    try {
      const p = await api<ProjectDetail>('POST', '/api/projects', { body, query: works ? { regime: 'works' } : undefined });
      showToast(t(works ? 'createdWorks' : 'created', { number: p.projectNumber ?? p.id }));
      navigate(`/projects/${p.id}`);
    } catch (x) {
      setError(normalise(x));
      window.scrollTo(0, 0);
    } finally {
      setBusy(false);
    }
  }

  const lineFen = (it: ItemRow) => {
    const unit = parseYuanToFen(it.unitPriceYuan);
    return unit === null ? null : lineTotalFen(unit, it.quantity);
  };
  const lines = items.map(lineFen);
  const totalFen = lines.every((x) => x !== null) && lines.length ? lines.reduce<bigint>((a, b) => a + (b as bigint), 0n) : null;

  return (
    <form class="new-project" onSubmit={submit} data-testid="project-form" data-regime={regime} noValidate>
      <h1>{t(works ? 'newWorksTitle' : 'newTitle')}</h1>
      <fieldset class="panel regime-choice" data-testid="regime-choice">
        <legend>{t('regimeChoice')}</legend>
        {(['procurement', 'works'] as const).map((r) => (
          <label key={r} class="regime-option">
            <input type="radio" name="regime" value={r} checked={regime === r} onChange={() => choose(r)} data-testid={`regime-${r}`} />
            <strong>{t(`regimeLong.${r}`)}</strong>
            <span class="muted small">{t(`regimeHint.${r}`)}</span>
          </label>
        ))}
      </fieldset>
      <ErrorBox error={error} />
      {works ? <WorksFields v={v} set={set} err={err} amountErr={amountErr} agencies={agencies.data?.items ?? []} /> : (
      <section class="panel form-grid">
        <div class="wide">
          <Field label={t('fields.projectName')} name="projectName" error={err('projectName')} required>
            <input id="f-projectName" name="projectName" value={v.projectName} onInput={set('projectName')} maxLength={100} />
          </Field>
        </div>
        <Field label={t('fields.categoryCode')} name="categoryCode" error={err('categoryCode')} hint={t('hints.categoryCode')} required>
          <input id="f-categoryCode" name="categoryCode" value={v.categoryCode} onInput={set('categoryCode')} />
        </Field>
        <Field label={t('fields.procurementType')} name="procurementType" error={err('procurementType')} required>
          <select id="f-procurementType" name="procurementType" value={v.procurementType} onChange={set('procurementType')}>
            <option value="goods">{t('procurementType.goods')}</option>
            <option value="services">{t('procurementType.services')}</option>
          </select>
        </Field>
        <Field label={t('fields.method')} name="method" error={err('method')} required>
          <select id="f-method" name="method" value={v.method} onChange={set('method')}>
            {METHODS.map((m) => <option key={m} value={m}>{m}</option>)}
          </select>
        </Field>
        <Field label={t('fields.organisationForm')} name="organisationForm" error={err('organisationForm')} required>
          <select id="f-organisationForm" name="organisationForm" value={v.organisationForm} onChange={set('organisationForm')}>
            {ORGANISATION_FORMS.map((m) => <option key={m} value={m}>{m}</option>)}
          </select>
        </Field>
        <Field label={t('fields.budgetYuan')} name="budgetYuan" error={amountErr('budgetYuan')} hint={t('hints.amount')} required>
          <input id="f-budgetYuan" name="budgetYuan" inputMode="decimal" value={v.budgetYuan} onInput={set('budgetYuan')} />
        </Field>
        <Field label={t('fields.maxPriceYuan')} name="maxPriceYuan" error={amountErr('maxPriceYuan')} hint={t('hints.amount')}>
          <input id="f-maxPriceYuan" name="maxPriceYuan" inputMode="decimal" value={v.maxPriceYuan} onInput={set('maxPriceYuan')} />
        </Field>
        <Field label={t('fields.fundingSource')} name="fundingSource" error={err('fundingSource')} required>
          <select id="f-fundingSource" name="fundingSource" value={v.fundingSource} onChange={set('fundingSource')}>
            {FUNDING_SOURCES.map((m) => <option key={m} value={m}>{m}</option>)}
          </select>
        </Field>
        <Field label={t('fields.agencyId')} name="agencyId" error={err('agencyId')} required>
          <select id="f-agencyId" name="agencyId" value={v.agencyId} onChange={set('agencyId')} data-testid="agency-select">
            <option value="">{t('pickAgency')}</option>
            {(agencies.data?.items ?? []).map((a) => <option key={a.id} value={String(a.id)}>{a.name}</option>)}
          </select>
        </Field>
        <Field label={t('fields.deliveryDate')} name="deliveryDate" error={err('deliveryDate')} required>
          <input id="f-deliveryDate" name="deliveryDate" type="date" value={v.deliveryDate} onInput={set('deliveryDate')} />
        </Field>
        <Field label={t('fields.deliveryPlace')} name="deliveryPlace" error={err('deliveryPlace')} required>
          <input id="f-deliveryPlace" name="deliveryPlace" value={v.deliveryPlace} onInput={set('deliveryPlace')} />
        </Field>
        <div class="checkbox-row" data-field="smeReserved">
          <input id="f-smeReserved" type="checkbox" name="smeReserved" checked={v.smeReserved} onChange={set('smeReserved')} />
          <label for="f-smeReserved">{t('fields.smeReserved')}</label>
          {err('smeReserved') ? <span class="field-error">{err('smeReserved')}</span> : null}
        </div>
        <div class="checkbox-row" data-field="importedProducts">
          <input id="f-importedProducts" type="checkbox" name="importedProducts" checked={v.importedProducts} onChange={set('importedProducts')} />
          <label for="f-importedProducts">{t('fields.importedProducts')}</label>
          {err('importedProducts') ? <span class="field-error">{err('importedProducts')}</span> : null}
        </div>
        <div class="wide">
          <Field label={t('fields.description')} name="description" error={err('description')} required>
            <textarea id="f-description" name="description" rows={4} value={v.description} onInput={set('description')} maxLength={5000} />
          </Field>
        </div>
      </section>
      )}

      <section class="panel" data-field="items">
        <h2>{t(works ? 'works.items' : 'fields.items')}</h2>
        <p class="field-hint">{t(works ? 'works.hints.items' : 'hints.items')}</p>
        <div class="goods-search">
          <input type="search" placeholder={t('item.search')} value={search} onInput={(e) => setSearch(e.currentTarget.value)} data-testid="goods-search"
            onKeyDown={(e) => { if (e.key === 'Enter') void find(e); }} />
          <button type="button" onClick={find} data-testid="goods-search-go">{t('common:actions.search')}</button>
        </div>
        {hits ? (
          <ul class="goods-hits" data-testid="goods-hits">
            {hits.length === 0 ? <li class="muted">{t('item.noHits')}</li> : null}
            {hits.map((g) => (
              <li key={g.id}>
                <span>
                  <strong>{g.name}</strong> {g.spec ? <span class="muted">{g.spec}</span> : null} <code>{g.categoryCode}</code>{' '}
                  <span class="muted small">{t('item.reference', { price: formatYuan(g.referencePriceFen) })}/{g.unit}</span>
                </span>
                <button type="button" onClick={() => add(g)} data-testid={`goods-add-${g.id}`}>{t('item.add')}</button>
              </li>
            ))}
          </ul>
        ) : null}
        {err('items') && !items.length ? <div class="field-error" role="alert">{err('items')}</div> : null}
        <table class="data-table items-table" data-testid="items-table">
          <thead>
            <tr>
              <th>#</th><th>{t('item.code')}</th><th>{t('item.name')}</th><th class="num">{t('item.quantity')}</th><th>{t('item.unit')}</th>
              <th class="num">{t('item.unitPrice')}</th><th class="num">{t('item.lineTotal')}</th><th />
            </tr>
          </thead>
          <tbody>
            {items.length === 0 ? <tr><td colSpan={8} class="muted">{t('item.none')}</td></tr> : null}
            {items.map((it, i) => {
              const rowErr = exactError(error, `items.${i}`) ?? fieldError(error, `items.${i}.itemCode`) ?? fieldError(error, `items.${i}.itemName`) ?? fieldError(error, `items.${i}.unit`);
              const qErr = fieldError(error, `items.${i}.quantity`);
              const pErr = it.unitPriceYuan.trim() && parseYuanToFen(it.unitPriceYuan) === null ? t('invalidAmount') : fieldError(error, `items.${i}.unitPriceYuan`);
              const lf = lines[i];
              return (
                <Fragment key={it.key}>
                  <tr data-testid={`item-row-${i}`} class={rowErr ? 'field-invalid' : undefined}>
                    <td>{i + 1}</td>
                    <td><code>{it.itemCode}</code></td>
                    <td>{it.itemName}</td>
                    <td class={`num${qErr ? ' field-invalid' : ''}`}>
                      <input aria-label={t('item.quantity')} name={`items.${i}.quantity`} inputMode="decimal" value={it.quantity} onInput={(e) => updateItem(it.key, 'quantity', e.currentTarget.value)} />
                    </td>
                    <td>{it.unit}</td>
                    <td class={`num${pErr ? ' field-invalid' : ''}`}>
                      <input aria-label={t('item.unitPrice')} name={`items.${i}.unitPriceYuan`} inputMode="decimal" value={it.unitPriceYuan} onInput={(e) => updateItem(it.key, 'unitPriceYuan', e.currentTarget.value)} />
                    </td>
                    <td class="num money">{lf === null ? '—' : formatYuan(lf)}</td>
                    <td><button type="button" class="link" onClick={() => setItems(items.filter((x) => x.key !== it.key))}>{t('item.remove')}</button></td>
                  </tr>
                  {rowErr || qErr || pErr ? (
                    <tr class="item-error">
                      <td colSpan={8}><div class="field-error" role="alert" data-testid={`item-error-${i}`}>{[rowErr, qErr, pErr].filter((x, j, a) => x && a.indexOf(x) === j).join('；')}</div></td>
                    </tr>
                  ) : null}
                </Fragment>
              );
            })}
          </tbody>
          {items.length ? (
            <tfoot>
              <tr><td colSpan={6} class="num"><strong>{t('item.total')}</strong></td><td class="num money" data-testid="items-total">{totalFen === null ? '—' : formatYuan(totalFen)}</td><td /></tr>
            </tfoot>
          ) : null}
        </table>
      </section>
      <div class="toolbar">
        <button type="submit" class="primary" disabled={busy} data-testid="project-submit">{busy ? t('submitting') : t(works ? 'submitWorks' : 'submit')}</button>
        <button type="button" onClick={() => navigate('/projects')}>{t('common:actions.cancel')}</button>
      </div>
    </form>
  );
}

/**
 * The fields of forms/works-application.form (its labels live in web/i18n/projects.ts `works`): 项目审批文号, B… code,
 * 招标方式, 组织形式 (委托招标), 估算价, 最高投标限价, 资金来源, 国有资金控股或主导, 招标代理机构, 计划工期, 计划竣工日期,
 * 建设地点, 投标人资质要求, 招标范围与内容. Errors come back under the same keys.
 */
function WorksFields({ v, set, err, amountErr, agencies }: {
  v: Values;
  set: (k: keyof Values) => (e: Event) => void;
  err: (path: string) => string | undefined;
  amountErr: (k: 'budgetYuan' | 'maxPriceYuan') => string | undefined;
  agencies: Agency[];
}) {
  const t = useT('projects');
  const f = (k: string) => t(`works.fields.${k}`);
  return (
    <section class="panel form-grid" data-testid="works-fields">
      <p class="wide muted">{t('works.intro')}</p>
      <div class="wide">
        <Field label={f('projectName')} name="projectName" error={err('projectName')} required>
          <input id="f-projectName" name="projectName" value={v.projectName} onInput={set('projectName')} maxLength={100} />
        </Field>
      </div>
      <Field label={f('projectApprovalNo')} name="projectApprovalNo" error={err('projectApprovalNo')} hint={t('works.hints.projectApprovalNo')} required>
        <input id="f-projectApprovalNo" name="projectApprovalNo" value={v.projectApprovalNo} onInput={set('projectApprovalNo')} maxLength={100} />
      </Field>
      <Field label={f('categoryCode')} name="categoryCode" error={err('categoryCode')} hint={t('works.hints.categoryCode')} required>
        <input id="f-categoryCode" name="categoryCode" value={v.categoryCode} onInput={set('categoryCode')} maxLength={20} />
      </Field>
      <Field label={f('method')} name="method" error={err('method')} hint={t('works.hints.method')} required>
        <select id="f-method" name="method" value={v.method} onChange={set('method')}>
          {WORKS_METHODS.map((m) => <option key={m} value={m}>{m}</option>)}
        </select>
      </Field>
      <Field label={f('organisationForm')} name="organisationForm" error={err('organisationForm')} required>
        <select id="f-organisationForm" name="organisationForm" value={v.organisationForm} onChange={set('organisationForm')}>
          {WORKS_ORGANISATION_FORMS.map((m) => <option key={m} value={m}>{m}</option>)}
        </select>
      </Field>
      <Field label={f('budgetYuan')} name="budgetYuan" error={amountErr('budgetYuan')} hint={t('hints.amount')} required>
        <input id="f-budgetYuan" name="budgetYuan" inputMode="decimal" value={v.budgetYuan} onInput={set('budgetYuan')} />
      </Field>
      <Field label={f('maxPriceYuan')} name="maxPriceYuan" error={amountErr('maxPriceYuan')} hint={t('works.hints.maxPriceYuan')}>
        <input id="f-maxPriceYuan" name="maxPriceYuan" inputMode="decimal" value={v.maxPriceYuan} onInput={set('maxPriceYuan')} />
      </Field>
      <Field label={f('fundingSource')} name="fundingSource" error={err('fundingSource')} required>
        <select id="f-fundingSource" name="fundingSource" value={v.fundingSource} onChange={set('fundingSource')}>
          {FUNDING_SOURCES.map((m) => <option key={m} value={m}>{m}</option>)}
        </select>
      </Field>
      <Field label={f('agencyId')} name="agencyId" error={err('agencyId')} required>
        <select id="f-agencyId" name="agencyId" value={v.agencyId} onChange={set('agencyId')} data-testid="agency-select">
          <option value="">{t('pickAgency')}</option>
          {agencies.map((a) => <option key={a.id} value={String(a.id)}>{a.name}</option>)}
        </select>
      </Field>
      <Field label={f('plannedPeriodDays')} name="plannedPeriodDays" error={err('plannedPeriodDays')} required>
        <input id="f-plannedPeriodDays" name="plannedPeriodDays" inputMode="numeric" value={v.plannedPeriodDays} onInput={set('plannedPeriodDays')} />
      </Field>
      <Field label={f('deliveryDate')} name="deliveryDate" error={err('deliveryDate')} required>
        <input id="f-deliveryDate" name="deliveryDate" type="date" value={v.deliveryDate} onInput={set('deliveryDate')} />
      </Field>
      <Field label={f('deliveryPlace')} name="deliveryPlace" error={err('deliveryPlace')} required>
        <input id="f-deliveryPlace" name="deliveryPlace" value={v.deliveryPlace} onInput={set('deliveryPlace')} maxLength={200} />
      </Field>
      <div class="checkbox-row wide" data-field="stateFunded">
        <input id="f-stateFunded" type="checkbox" name="stateFunded" checked={v.stateFunded} onChange={set('stateFunded')} />
        <label for="f-stateFunded">{f('stateFunded')}</label>
        <span class="muted small">{t('works.hints.stateFunded')}</span>
        {err('stateFunded') ? <span class="field-error">{err('stateFunded')}</span> : null}
      </div>
      <div class="wide">
        <Field label={f('qualificationRequirement')} name="qualificationRequirement" error={err('qualificationRequirement')} hint={t('works.hints.qualificationRequirement')} required>
          <input id="f-qualificationRequirement" name="qualificationRequirement" value={v.qualificationRequirement} onInput={set('qualificationRequirement')} maxLength={500} />
        </Field>
      </div>
      <div class="wide">
        <Field label={f('description')} name="description" error={err('description')} required>
          <textarea id="f-description" name="description" rows={4} value={v.description} onInput={set('description')} maxLength={5000} />
        </Field>
      </div>
    </section>
  );
}
