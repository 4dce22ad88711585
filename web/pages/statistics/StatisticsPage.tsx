/**
 * 交易统计: for a period (Shanghai days) and the transaction types chosen — number of deals, budget, deal amount,
 * savings and savings rate (for auctions and leases: premium over the reserve), by method, by purchaser and by
 * month — as figures, charts (ECharts) and CSV/XLSX downloads with the same exact numbers.
 */
import { useMemo, useState } from 'preact/hooks';
import { api, download } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import { navigate } from '../../router.ts';
import type { PageProps } from '../../routes.ts';
import { DataTable } from '../../ui/DataTable.tsx';
import { ErrorBox } from '../../ui/ErrorBox.tsx';
import { useAsync } from '../../ui/useAsync.ts';
import { Chart, wanNumber, type ChartOption } from './charts.tsx';

type Kind = 'spend' | 'income';
interface Group { key: string; label: string; count: number; budgetFen: string; dealFen: string; differenceFen: string; budgetWan: string; dealWan: string; differenceWan: string; rate: string | null }
interface Section { kind: Kind; total: Group; byMethod: Group[]; byParty: Group[]; byMonth: Group[] }
interface Report {
  period: { from: string; to: string };
  types: { type: string; label: string; kind: Kind }[];
  available: { type: string; label: string; kind: Kind }[];
  byType: (Group & { kind: Kind })[];
  spend: Section | null;
  income: Section | null;
}

function GroupTable({ rows, kind, dimension, testId }: { rows: Group[]; kind: Kind; dimension: string; testId: string }) {
  const t = useT('statistics');
  return (
    <DataTable
      testId={testId}
      rows={rows}
      rowKey={(g) => g.key}
      columns={[
        { key: 'label', title: dimension, render: (g) => g.label },
        { key: 'count', title: t('columns.count'), render: (g) => g.count, align: 'right' },
        { key: 'budget', title: t(`columns.budget.${kind}`), render: (g) => g.budgetWan, align: 'right' },
        { key: 'deal', title: t('columns.deal'), render: (g) => g.dealWan, align: 'right' },
        { key: 'difference', title: t(`columns.difference.${kind}`), render: (g) => g.differenceWan, align: 'right' },
        { key: 'rate', title: t(`columns.rate.${kind}`), render: (g) => g.rate ?? '—', align: 'right' },
      ]}
    />
  );
}

function SectionView({ s }: { s: Section }) {
  const t = useT('statistics');
  const k = s.kind;
  const months = useMemo<ChartOption>(() => ({
    tooltip: { trigger: 'axis' },
    legend: { top: 0, data: [t(`columns.budget.${k}`), t('columns.deal'), t('columns.count')] },
    grid: { left: 60, right: 50, bottom: 30, top: 40 },
    xAxis: { type: 'category', data: s.byMonth.map((m) => m.key) },
    yAxis: [{ type: 'value', name: '万元' }, { type: 'value', name: t('columns.count'), minInterval: 1 }],
    series: [
      { name: t(`columns.budget.${k}`), type: 'bar', data: s.byMonth.map((m) => wanNumber(m.budgetFen)) },
      { name: t('columns.deal'), type: 'bar', data: s.byMonth.map((m) => wanNumber(m.dealFen)) },
      { name: t('columns.count'), type: 'line', yAxisIndex: 1, data: s.byMonth.map((m) => m.count) },
    ],
  }), [s]);
  const methods = useMemo<ChartOption>(() => ({
    tooltip: { trigger: 'item', formatter: '{b}: {c} 万元 ({d}%)' },
    legend: { type: 'scroll', bottom: 0 },
    series: [{ type: 'pie', radius: ['35%', '65%'], data: s.byMethod.map((m) => ({ name: m.label, value: wanNumber(m.dealFen) })) }],
  }), [s]);
  const parties = useMemo<ChartOption>(() => {
    const top = s.byParty.slice(0, 10).reverse();
    return {
      tooltip: { trigger: 'axis' },
      grid: { left: 160, right: 30, bottom: 30, top: 20 },
      xAxis: { type: 'value', name: '万元' },
      yAxis: { type: 'category', data: top.map((p) => p.label) },
      series: [{ name: t('columns.deal'), type: 'bar', data: top.map((p) => wanNumber(p.dealFen)) }],
    };
  }, [s]);
  return (
    <section class="statistics-section" data-testid={`statistics-${k}`}>
      <h2>{t(`sections.${k}`)}</h2>
      <div class="stat-cards" data-testid={`statistics-${k}-totals`}>
        <div class="stat-card"><span>{t('columns.count')}</span><strong data-testid={`total-${k}-count`}>{s.total.count}</strong></div>
        <div class="stat-card"><span>{t(`columns.budget.${k}`)}</span><strong data-testid={`total-${k}-budget`}>{s.total.budgetWan}</strong></div>
        <div class="stat-card"><span>{t('columns.deal')}</span><strong data-testid={`total-${k}-deal`}>{s.total.dealWan}</strong></div>
        <div class="stat-card"><span>{t(`columns.difference.${k}`)}</span><strong data-testid={`total-${k}-difference`}>{s.total.differenceWan}</strong></div>
        <div class="stat-card"><span>{t(`columns.rate.${k}`)}</span><strong data-testid={`total-${k}-rate`}>{s.total.rate ?? '—'}</strong></div>
      </div>
      <h3>{t('byMonth')}</h3>
      <Chart option={months} testId={`chart-${k}-months`} />
      <div class="chart-row">
        <div><h3>{t('byMethod')}</h3><Chart option={methods} testId={`chart-${k}-methods`} /></div>
        <div><h3>{t('byParty')}</h3><Chart option={parties} testId={`chart-${k}-parties`} /></div>
      </div>
      <h3>{t('byMethod')}</h3>
      <GroupTable rows={s.byMethod} kind={k} dimension={t(`dimensions.method.${k}`)} testId={`table-${k}-methods`} />
      <h3>{t('byParty')}</h3>
      <GroupTable rows={s.byParty} kind={k} dimension={t(`dimensions.party.${k}`)} testId={`table-${k}-parties`} />
      <h3>{t('byMonth')}</h3>
      <GroupTable rows={s.byMonth} kind={k} dimension={t('dimensions.month')} testId={`table-${k}-months`} />
    </section>
  );
}

export function StatisticsPage({ query }: PageProps) {
  const t = useT('statistics');
  const params = { from: query.get('from') ?? '', to: query.get('to') ?? '', types: query.get('types') ?? '' };
  const [form, setForm] = useState(params);
  const report = useAsync(
    () => api<Report>('GET', '/api/statistics', { query: { from: params.from || undefined, to: params.to || undefined, types: params.types || undefined } }),
    [params.from, params.to, params.types],
  );
  const r = report.data;
  const fileQuery = (format: string) => ({ from: r?.period.from, to: r?.period.to, types: params.types || undefined, format });
  return (
    <section class="statistics-page" data-testid="statistics-page">
      <h1>{t('title')}</h1>
      <p class="muted">{t('intro')}</p>
      <form class="toolbar" role="search" onSubmit={(e) => (e.preventDefault(), navigate('/statistics', { from: form.from || undefined, to: form.to || undefined, types: form.types || undefined }))}>
        <label class="small">{t('from')}<input type="date" value={form.from || r?.period.from || ''} data-testid="statistics-from" onInput={(e) => setForm({ ...form, from: e.currentTarget.value })} /></label>
        <label class="small">{t('to')}<input type="date" value={form.to || r?.period.to || ''} data-testid="statistics-to" onInput={(e) => setForm({ ...form, to: e.currentTarget.value })} /></label>
        <label class="small">
          {t('type')}
          <select value={form.types} data-testid="statistics-type" onChange={(e) => setForm({ ...form, types: e.currentTarget.value })}>
            <option value="">{t('allTypes')}</option>
            {(r?.available ?? []).map((ty) => <option key={ty.type} value={ty.type}>{ty.label}</option>)}
          </select>
        </label>
        <button type="submit" data-testid="statistics-apply">{t('common:actions.search')}</button>
        <button type="button" disabled={!r} data-testid="statistics-csv" onClick={() => void download('/api/statistics/export', 'statistics.csv', fileQuery('csv'))}>{t('exportCsv')}</button>
        <button type="button" disabled={!r} data-testid="statistics-xlsx" onClick={() => void download('/api/statistics/export', 'statistics.xlsx', fileQuery('xlsx'))}>{t('exportXlsx')}</button>
      </form>
      <ErrorBox error={report.error} />
      {r ? (
        <>
          <p class="muted" data-testid="statistics-period">{t('period', { from: r.period.from, to: r.period.to })}</p>
          <h2>{t('byType')}</h2>
          <DataTable
            testId="table-types"
            rows={r.byType}
            rowKey={(g) => g.key}
            columns={[
              { key: 'label', title: t('dimensions.type'), render: (g) => g.label },
              { key: 'count', title: t('columns.count'), render: (g) => g.count, align: 'right' },
              { key: 'budget', title: t('columns.budgetOrReserve'), render: (g) => g.budgetWan, align: 'right' },
              { key: 'deal', title: t('columns.deal'), render: (g) => g.dealWan, align: 'right' },
              { key: 'difference', title: t('columns.differenceEither'), render: (g) => `${g.differenceWan}（${t(`kinds.${g.kind}`)}）`, align: 'right' },
              { key: 'rate', title: t('columns.rateEither'), render: (g) => g.rate ?? '—', align: 'right' },
            ]}
          />
          {r.spend ? <SectionView s={r.spend} /> : null}
          {r.income ? <SectionView s={r.income} /> : null}
        </>
      ) : null}
    </section>
  );
}
