/**
 * One procurement project: overview, progress timeline, deadlines with their legal basis, documents, tender
 * summary, ranking (after evaluation), award, contract, and the instance's BPMN diagram with the current step
 * highlighted (the inbox's NavigatedViewer component). Read-only for everyone; acting happens in the inbox.
 */
import { useMemo } from 'preact/hooks';
import { api } from '../../api.ts';
import { currentLanguage, useT } from '../../i18n/index.ts';
import type { PageProps } from '../../routes.ts';
import { DataTable } from '../../ui/DataTable.tsx';
import { ErrorBox } from '../../ui/ErrorBox.tsx';
import { formatDateTime, formatYuan, parseYuanToFen } from '../../ui/format.ts';
import { lineTotalFen } from '../tenders/money.ts';
import { useAsync } from '../../ui/useAsync.ts';
import { DiagramView } from '../inbox/DiagramView.tsx';
import type { Diagram, HistoryItem } from '../inbox/types.ts';
import '../inbox/inbox.css';
import { DeadlineText, Money, RegimeBadge, StatusBadge } from './parts.tsx';
import { deadlineBasis, deadlineLabel, stepNames, type ProjectDetail, type ProjectItem, type RankingRow, type TimelineEntry } from './types.ts';
import './projects.css';

/**
 * What happened, in order: each completed step (user tasks with who did it), comments with their text; gateways
 * are left out.
 */
export function timelineOf(items: HistoryItem[]): TimelineEntry[] {
  return items.flatMap((h): TimelineEntry[] => {
    if (h.kind === 'completion') return [{ at: h.at, name: h.name, elementId: h.elementId, actor: h.actor, actorName: h.actorName }];
    if (h.kind === 'comment') return [{ at: h.at, name: h.name, elementId: h.elementId, actor: h.actor, actorName: h.actorName, text: h.text }];
    if (h.event !== 'completed' && h.event !== 'error') return [];
    const type = h.elementType ?? '';
    if (!h.name || /gateway|sequenceFlow|process/i.test(type)) return [];
    return [{ at: h.at, name: h.name, elementId: h.elementId, actor: h.actor, actorName: h.actorName }];
  });
}

/** Before check-application has run the items carry 元 as typed: shown in exact fen all the same. */
const unitFenOf = (it: ProjectItem): number | null =>
  it.unitPriceFen ?? (it.unitPriceYuan != null ? parseYuanToFen(String(it.unitPriceYuan)) : null);
function lineFenOf(it: ProjectItem): number | null {
  if (it.lineTotalFen != null) return it.lineTotalFen;
  const unit = unitFenOf(it);
  const line = unit != null && it.quantity != null ? lineTotalFen(unit, it.quantity) : null;
  return line == null ? null : Number(line);
}

const fen = (v: unknown) => (typeof v === 'number' && Number.isSafeInteger(v) ? formatYuan(v) : '—');

export function ProjectPage({ params }: PageProps) {
  const t = useT('projects');
  const id = encodeURIComponent(params.id);
  const project = useAsync(() => api<ProjectDetail>('GET', `/api/projects/${id}`), [id]);
  const diagram = useAsync(() => api<Diagram>('GET', `/api/projects/${id}/diagram`), [id]);
  const instanceId = project.data?.instanceId;
  // The instance's history (steps, completions, comments); readers without access to it see the list of steps only.
  const history = useAsync(
    () => (instanceId ? api<{ items: HistoryItem[] }>('GET', `/api/instances/${encodeURIComponent(instanceId)}/history`).catch(() => ({ items: [] as HistoryItem[] })) : Promise.resolve({ items: [] as HistoryItem[] })),
    [instanceId],
  );
  const detail = project.data;
  // The open user task (else the first active step) drawn as the current step; the object stays the same between
  // renders so the viewer is not rebuilt.
  const currentId = detail?.currentSteps?.find((s) => s.taskId)?.elementId ?? detail?.currentSteps?.[0]?.elementId ?? null;
  const marked = useMemo(
    () => (diagram.data ? { ...diagram.data, currentElementId: diagram.data.currentElementId ?? currentId } : undefined),
    [diagram.data, currentId],
  );
  if (project.error) return <ErrorBox error={project.error} />;
  if (!project.data) return <p class="muted">{t('common:errors.loading')}</p>;
  const p = project.data;
  const lang = currentLanguage();
  const timeline: TimelineEntry[] = p.timeline ?? p.history ?? timelineOf(history.data?.items ?? []);
  const tender = p.tender ?? null;
  const tenderId = tender?.tenderId ?? tender?.id;
  const yesNo = (b: boolean | undefined) => (b === undefined ? '—' : b ? t('yes') : t('no'));
  // A works tender names its fields as the Bidding Law does (估算价, 招标方式, 建设地点 …).
  const works = p.regime === 'works';
  const label = (field: string, fallback: string) => (works ? t(`works.fields.${field}`) : t(fallback));

  return (
    <section class="project-page" data-testid="project-page" data-project-id={p.id}>
      <p><a href="#/projects">← {t('back')}</a></p>
      <h1>
        <span data-testid="project-number">{p.projectNumber ?? '—'}</span> {p.projectName} <RegimeBadge regime={p.regime ?? 'procurement'} /> <StatusBadge status={p.status} />
      </h1>
      {p.applicationProblems?.length ? (
        <div class="notice" data-testid="application-problems">
          <strong>{t('problems')}</strong>
          <ul>{p.applicationProblems.map((x, i) => <li key={i}><code>{x.path}</code> {x.reason}</li>)}</ul>
        </div>
      ) : null}
      <div class="project-columns">
        <section class="panel">
          <h2>{t('sections.facts')}</h2>
          <dl class="facts" data-testid="project-facts">
            <dt>{t('facts.number')}</dt><dd>{p.projectNumber ?? '—'}</dd>
            <dt>{t('facts.currentSteps')}</dt><dd data-testid="project-current-step">{stepNames(p) || '—'}</dd>
            <dt>{t('facts.regime')}</dt><dd data-testid="project-regime">{t(`regimeLong.${p.regime ?? 'procurement'}`)}</dd>
            {works && p.projectApprovalNo ? <><dt>{t('works.fields.projectApprovalNo')}</dt><dd>{p.projectApprovalNo}</dd></> : null}
            <dt>{label('method', 'fields.method')}</dt><dd>{p.method}</dd>
            {p.procurementType ? <><dt>{label('procurementType', 'fields.procurementType')}</dt><dd>{t(`procurementType.${p.procurementType}`, { defaultValue: p.procurementType })}</dd></> : null}
            {p.categoryCode ? <><dt>{t('fields.categoryCode')}</dt><dd>{p.categoryCode}</dd></> : null}
            <dt>{t(works ? 'facts.estimate' : 'facts.budget')}</dt><dd><Money fen={p.budgetFen} /></dd>
            {p.maxPriceFen != null ? <><dt>{t(works ? 'facts.maxBidPrice' : 'facts.maxPrice')}</dt><dd><Money fen={p.maxPriceFen} /></dd></> : null}
            {p.fundingSource ? <><dt>{t('fields.fundingSource')}</dt><dd>{p.fundingSource}</dd></> : null}
            {works && p.stateFunded !== undefined ? <><dt>{t('works.fields.stateFunded')}</dt><dd>{yesNo(p.stateFunded)}</dd></> : null}
            {p.organisationForm ? <><dt>{t('fields.organisationForm')}</dt><dd>{p.organisationForm}</dd></> : null}
            {p.purchaserName ? <><dt>{t(works ? 'facts.tenderer' : 'facts.purchaser')}</dt><dd>{p.purchaserName}</dd></> : null}
            {p.agencyName ? <><dt>{label('agencyId', 'facts.agency')}</dt><dd>{p.agencyName}</dd></> : null}
            {p.initiator ? <><dt>{t('facts.initiator')}</dt><dd>{p.initiator}</dd></> : null}
            {works ? null : <><dt>{t('fields.smeReserved')}</dt><dd>{yesNo(p.smeReserved)}</dd></>}
            {works ? null : <><dt>{t('fields.importedProducts')}</dt><dd>{yesNo(p.importedProducts)}</dd></>}
            {works && p.plannedPeriodDays != null ? <><dt>{t('works.fields.plannedPeriodDays')}</dt><dd>{p.plannedPeriodDays}</dd></> : null}
            {p.deliveryDate ? <><dt>{label('deliveryDate', 'fields.deliveryDate')}</dt><dd>{p.deliveryDate}</dd></> : null}
            {p.deliveryPlace ? <><dt>{label('deliveryPlace', 'fields.deliveryPlace')}</dt><dd>{p.deliveryPlace}</dd></> : null}
            {works && p.qualificationRequirement ? <><dt>{t('works.fields.qualificationRequirement')}</dt><dd>{p.qualificationRequirement}</dd></> : null}
            {p.createdAt ? <><dt>{t('facts.createdAt')}</dt><dd>{formatDateTime(p.createdAt)}</dd></> : null}
          </dl>
          {p.description ? <p class="pre-wrap">{p.description}</p> : null}
        </section>
        <section class="panel">
          <h2>{t('sections.deadlines')}</h2>
          {p.deadlines?.length ? (
            <table class="data-table" data-testid="project-deadlines">
              <thead><tr><th>{t('deadline.name')}</th><th>{t('deadline.at')}</th><th>{t('deadline.basis')}</th></tr></thead>
              <tbody>
                {p.deadlines.map((d, i) => (
                  <tr key={i}>
                    <td>{deadlineLabel(d, lang)} {d.overdue ? <span class="badge badge-error">{t('deadline.overdue')}</span> : null}</td>
                    <td class="nowrap"><DeadlineText at={d.at} basis={deadlineBasis(d)} overdue={d.overdue} /></td>
                    <td class="small">{deadlineBasis(d) || '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : <p class="muted">{t('none')}</p>}
          <h2>{t('sections.timeline')}</h2>
          {timeline.length ? (
            <ol class="project-timeline" data-testid="project-timeline">
              {timeline.map((e, i) => (
                <li key={i}>
                  <span class="muted small">{formatDateTime(e.at)}</span> {e.label ?? e.name ?? e.elementId}
                  {e.actorName || e.actor ? <span class="muted small"> · {t('timeline.by')} {e.actorName ?? e.actor}</span> : null}
                  {e.text ? <div class="small">{e.text}</div> : null}
                </li>
              ))}
            </ol>
          ) : <p class="muted">{t('timeline.empty')}</p>}
        </section>
      </div>

      {p.items?.length ? (
        <section class="panel">
          <h2>{t(works ? 'works.items' : 'sections.items')}</h2>
          <DataTable
            testId="project-items"
            rows={p.items}
            rowKey={(it) => `${it.itemCode}-${it.itemName}`}
            columns={[
              { key: 'code', title: t('item.code'), render: (it) => it.itemCode ?? '' },
              { key: 'name', title: t('item.name'), render: (it) => it.itemName ?? '' },
              { key: 'q', title: t('item.quantity'), render: (it) => `${it.quantity ?? ''} ${it.unit ?? ''}`, align: 'right' },
              { key: 'unit', title: t('item.unitPrice'), render: (it) => fen(unitFenOf(it)), align: 'right' },
              { key: 'line', title: t('item.lineTotal'), render: (it) => fen(lineFenOf(it)), align: 'right' },
            ]}
          />
        </section>
      ) : null}

      <section class="panel">
        <h2>{t('sections.documents')}</h2>
        {p.documents?.length ? (
          <ul data-testid="project-documents">
            {p.documents.map((d) => (
              <li key={d.id}><a href={`#/documents/${d.id}`}>{d.title}</a>{d.latestVersion ? <span class="muted small"> v{d.latestVersion}</span> : null}{d.updatedAt ? <span class="muted small"> · {formatDateTime(d.updatedAt)}</span> : null}</li>
            ))}
          </ul>
        ) : <p class="muted">{t('none')}</p>}
      </section>

      {tender ? (
        <section class="panel" data-testid="project-tender">
          <h2>{t('sections.tender')} {tender.round ? <span class="muted small">{t('tender.round', { round: tender.round })}</span> : null}</h2>
          <dl class="facts">
            {tender.status ? <><dt>{t('tender.status')}</dt><dd><StatusBadge status={tender.status} ns="tenders" /></dd></> : null}
            {tender.publishedAt ? <><dt>{t('tender.publishedAt')}</dt><dd>{formatDateTime(tender.publishedAt)}</dd></> : null}
            <dt>{t('tender.deadline')}</dt><dd><DeadlineText at={tender.bidDeadlineAt} basis={tender.bidDeadlineBasis} /></dd>
            {tender.bidDeadlineBasis ? <><dt>{t('tender.basis')}</dt><dd class="small">{tender.bidDeadlineBasis}</dd></> : null}
            {tender.minBids != null ? <><dt>{t('tender.minBids')}</dt><dd>{tender.minBids}</dd></> : null}
            {tender.bidCount != null ? <><dt>{t('tender.bids')}</dt><dd>{tender.bidCount}</dd></> : null}
          </dl>
          {tenderId ? <p><a href={`#/tenders/${tenderId}`}>{t('tender.open')}</a></p> : null}
        </section>
      ) : null}

      {p.ranking?.length ? (
        <section class="panel">
          <h2>{t('sections.ranking')}</h2>
          <DataTable<RankingRow>
            testId="project-ranking"
            rows={p.ranking}
            rowKey={(r) => r.bidId}
            columns={[
              { key: 'rank', title: t('ranking.rank'), render: (r) => r.rank, width: '60px' },
              { key: 'supplier', title: t('ranking.supplier'), render: (r) => r.supplierName },
              { key: 'bid', title: t('ranking.bidPrice'), render: (r) => fen(r.bidPriceFen), align: 'right' },
              { key: 'eval', title: t('ranking.evaluatedPrice'), render: (r) => fen(r.evaluatedPriceFen), align: 'right' },
              { key: 'price', title: t('ranking.price'), render: (r) => r.priceScore ?? '—', align: 'right' },
              { key: 'tech', title: t('ranking.technical'), render: (r) => r.technicalScore ?? '—', align: 'right' },
              { key: 'bus', title: t('ranking.business'), render: (r) => r.businessScore ?? '—', align: 'right' },
              { key: 'total', title: t('ranking.total'), render: (r) => <strong>{r.totalScore ?? '—'}</strong>, align: 'right' },
            ]}
          />
        </section>
      ) : null}

      {p.award ? (
        <section class="panel" data-testid="project-award">
          <h2>{t('sections.award')}</h2>
          <dl class="facts">
            <dt>{t('award.supplier')}</dt><dd>{p.award.supplierName}</dd>
            {p.award.creditCode ? <><dt>{t('award.creditCode')}</dt><dd>{p.award.creditCode}</dd></> : null}
            <dt>{t('award.amount')}</dt><dd><Money fen={p.award.amountFen} /></dd>
            {p.awardedAt ?? p.award.awardedAt ? <><dt>{t('award.awardedAt')}</dt><dd>{formatDateTime(p.awardedAt ?? p.award.awardedAt)}</dd></> : null}
            {p.challengeDeadlineAt ? <><dt>{t('award.challengeDeadline')}</dt><dd><DeadlineText at={p.challengeDeadlineAt} /></dd></> : null}
            {p.contractDeadlineAt ? <><dt>{t('award.contractDeadline')}</dt><dd><DeadlineText at={p.contractDeadlineAt} /></dd></> : null}
          </dl>
        </section>
      ) : null}

      {p.contract ? (
        <section class="panel" data-testid="project-contract">
          <h2>{t('sections.contract')}</h2>
          <dl class="facts">
            {p.contract.contractNumber ? <><dt>{t('contract.number')}</dt><dd>{p.contract.contractNumber}</dd></> : null}
            {p.contract.signedDate ? <><dt>{t('contract.signedDate')}</dt><dd>{p.contract.signedDate}</dd></> : null}
            <dt>{t('contract.amount')}</dt><dd><Money fen={p.contract.amountFen ?? p.contract.contractAmountFen} /></dd>
            {p.contract.supplierName ? <><dt>{t('contract.supplier')}</dt><dd>{p.contract.supplierName}</dd></> : null}
            {p.contract.performanceBondFen != null ? <><dt>{t('contract.bond')}</dt><dd><Money fen={p.contract.performanceBondFen} /></dd></> : null}
            {p.contract.performancePeriod ? <><dt>{t('contract.period')}</dt><dd>{p.contract.performancePeriod}</dd></> : null}
            {p.contract.paymentTerms ? <><dt>{t('contract.payment')}</dt><dd>{p.contract.paymentTerms}</dd></> : null}
          </dl>
        </section>
      ) : null}

      {p.acceptance ? (
        <section class="panel" data-testid="project-acceptance">
          <h2>{t('sections.acceptance')}</h2>
          <dl class="facts">
            {p.acceptance.acceptanceDate ? <><dt>{t('acceptance.date')}</dt><dd>{p.acceptance.acceptanceDate}</dd></> : null}
            {p.acceptance.overall ? <><dt>{t('acceptance.overall')}</dt><dd>{t(`acceptance.${p.acceptance.overall}`, { defaultValue: p.acceptance.overall })}</dd></> : null}
            {p.acceptance.results != null ? <><dt>{t('acceptance.results')}</dt><dd>{t('acceptance.counts', { n: p.acceptance.results, failed: p.acceptance.failed ?? 0 })}</dd></> : null}
          </dl>
        </section>
      ) : null}

      {p.archive ? (
        <section class="panel" data-testid="project-archive">
          <h2>{t('sections.archive')}</h2>
          <dl class="facts">
            {p.archive.archivedAt ? <><dt>{t('archive.at')}</dt><dd>{formatDateTime(p.archive.archivedAt)}</dd></> : null}
            {p.archive.retentionUntil ? <><dt>{t('archive.until')}</dt><dd title={p.archive.retentionBasis}>{p.archive.retentionUntil}</dd></> : null}
            {p.archive.manifestSha256 ? <><dt>{t('archive.sha')}</dt><dd><code class="small">{p.archive.manifestSha256}</code></dd></> : null}
          </dl>
        </section>
      ) : null}

      <section class="panel project-diagram">
        <h2>{t('sections.diagram')}</h2>
        {diagram.error ? <ErrorBox error={diagram.error} /> : marked ? <DiagramView diagram={marked} /> : <p class="muted">{t('common:errors.loading')}</p>}
      </section>
    </section>
  );
}
