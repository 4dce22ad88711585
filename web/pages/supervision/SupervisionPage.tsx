/**
 * 监督中心: where every process instance stands, what is overdue or past its legal deadline, open incidents, people
 * who acted at more than one stage of a project, and the bid-opening and evaluation records. Read-only; one tab per
 * view (the tab is in the address, so a view can be bookmarked and sent).
 */
import { api } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import { navigate } from '../../router.ts';
import type { PageProps } from '../../routes.ts';
import { DataTable } from '../../ui/DataTable.tsx';
import { ErrorBox } from '../../ui/ErrorBox.tsx';
import { formatDateTime } from '../../ui/format.ts';
import { useAsync } from '../../ui/useAsync.ts';
import { RegimeBadge } from '../projects/parts.tsx';
import '../projects/projects.css';

interface ProjectRef { projectNumber: string | null; projectName: string | null; regime: 'procurement' | 'works' | null }
interface Step { elementId: string; name: string | null; elementType: string; taskId: string | null; assignee: string | null; candidateGroups: string[]; candidateUsers: string[]; dueAt: string | null; since: string | null }
interface Overview {
  byState: { bpmnProcessId: string; state: string; count: number }[];
  bySteps: { bpmnProcessId: string; elementId: string; name: string | null; elementType: string; count: number; oldestSince: string | null }[];
  attention: { overdueTasks: number; breachedDeadlines: number; openIncidents: number; multiStageActors: number };
}
interface InstanceItem extends ProjectRef { instanceId: string; bpmnProcessId: string; version: number; businessKey: string | null; state: string; hasIncident: boolean; startedAt: string; startedBy: string | null; endedAt: string | null; currentSteps: Step[] }
interface Overdue {
  now: string;
  tasks: (ProjectRef & { taskId: string; instanceId: string; bpmnProcessId: string; elementId: string; name: string | null; assignee: string | null; candidateGroups: string[]; candidateUsers: string[]; dueAt: string; daysOverdue: number; deadline: { key: string; label: string; legalBasis: string | null } | null })[];
  breached: (ProjectRef & { instanceId: string; key: string; label: string; at: string; legalBasis: string | null; step: string; stepName: string | null })[];
}
interface Incident { id: string; instanceId: string; bpmnProcessId: string; elementId: string; type: string; message: string; state: string; createdAt: string }
interface MultiStage extends ProjectRef { instanceId: string; actor: string; actorName: string | null; isInitiator: boolean; stages: { stage: string; elementId: string; at: string }[] }
interface TenderRecord {
  tenderId: number; instanceId: string; round: number; regime: 'procurement' | 'works'; projectNumber: string; projectName: string; agencyName: string | null; method: string; status: string;
  bidDeadlineAt: string; openedAt: string | null; bidCount: number | null; failureReason: string | null; awardedAt: string | null;
  draw: { drawId: number; drawnAt: string; panelSize: number; algorithm: string; verify: string } | null;
  evaluation: { evaluationId: number; method: string; scoredAt: string } | null;
  documents: { id: number; templateId: string; title: string; latestVersion: number }[];
}

const TABS = ['overview', 'instances', 'overdue', 'incidents', 'multiStage', 'tenders'] as const;
type Tab = (typeof TABS)[number];

const holder = (s: { assignee: string | null; candidateGroups: string[]; candidateUsers: string[] }) =>
  s.assignee ?? ([...s.candidateGroups, ...s.candidateUsers].join('、') || '—');
/** The project with its regime badge (政府采购 / 工程), so the two laws' projects are told apart in every list. */
const project = (p: ProjectRef) => (p.projectNumber ? <><RegimeBadge regime={p.regime} /> {p.projectNumber} {p.projectName ?? ''}</> : '—');
/** The processes the filter offers, in the order people look for them. */
const PROCESSES = ['procurement', 'works_tender', 'asset-auction', 'complaint', 'staff-report', 'process_change'];

function OverviewTab() {
  const t = useT('supervision');
  const o = useAsync(() => api<Overview>('GET', '/api/supervision/overview'), []);
  const a = o.data?.attention;
  return (
    <>
      <ErrorBox error={o.error} />
      {a ? (
        <div class="stat-cards" data-testid="supervision-attention">
          {(['overdueTasks', 'breachedDeadlines', 'openIncidents', 'multiStageActors'] as const).map((k) => (
            <button type="button" key={k} class={`stat-card${a[k] ? ' alert' : ''}`} data-testid={`attention-${k}`}
              onClick={() => navigate('/supervision', { tab: k === 'openIncidents' ? 'incidents' : k === 'multiStageActors' ? 'multiStage' : 'overdue' })}>
              <span>{t(`attention.${k}`)}</span><strong>{a[k]}</strong>
            </button>
          ))}
        </div>
      ) : null}
      <h2>{t('byStep')}</h2>
      <DataTable
        testId="supervision-steps"
        loading={o.loading}
        rows={o.data?.bySteps ?? []}
        rowKey={(s) => `${s.bpmnProcessId} ${s.elementId}`}
        onRowClick={(s) => navigate('/supervision', { tab: 'instances', bpmnProcessId: s.bpmnProcessId, elementId: s.elementId })}
        columns={[
          { key: 'process', title: t('columns.process'), render: (s) => t(`processes.${s.bpmnProcessId}`, { defaultValue: s.bpmnProcessId }) },
          { key: 'step', title: t('columns.step'), render: (s) => s.name ?? s.elementId },
          { key: 'count', title: t('columns.count'), render: (s) => s.count, align: 'right' },
          { key: 'since', title: t('columns.oldestSince'), render: (s) => formatDateTime(s.oldestSince) },
        ]}
      />
      <h2>{t('byState')}</h2>
      <DataTable
        testId="supervision-states"
        rows={o.data?.byState ?? []}
        rowKey={(s) => `${s.bpmnProcessId} ${s.state}`}
        columns={[
          { key: 'process', title: t('columns.process'), render: (s) => t(`processes.${s.bpmnProcessId}`, { defaultValue: s.bpmnProcessId }) },
          { key: 'state', title: t('columns.state'), render: (s) => t(`states.${s.state}`, { defaultValue: s.state }) },
          { key: 'count', title: t('columns.count'), render: (s) => s.count, align: 'right' },
        ]}
      />
    </>
  );
}

function InstancesTab({ query }: { query: URLSearchParams }) {
  const t = useT('supervision');
  const filter = { bpmnProcessId: query.get('bpmnProcessId') ?? undefined, state: query.get('state') ?? undefined, elementId: query.get('elementId') ?? undefined };
  const offset = Number(query.get('offset') ?? 0) || 0;
  const list = useAsync(() => api<{ total: number; items: InstanceItem[] }>('GET', '/api/supervision/instances', { query: { ...filter, limit: 50, offset } }), [filter.bpmnProcessId, filter.state, filter.elementId, offset]);
  const go = (extra: Record<string, string | undefined>) => navigate('/supervision', { tab: 'instances', ...filter, ...extra });
  return (
    <>
      <div class="toolbar">
        <label class="small">{t('columns.process')}
          <select value={filter.bpmnProcessId ?? ''} data-testid="instances-process" onChange={(e) => go({ bpmnProcessId: e.currentTarget.value || undefined, elementId: undefined, offset: undefined })}>
            <option value="">{t('allProcesses')}</option>
            {[...new Set([...PROCESSES, ...(filter.bpmnProcessId ? [filter.bpmnProcessId] : [])])].map((p) => <option key={p} value={p}>{t(`processes.${p}`, { defaultValue: p })}</option>)}
          </select>
        </label>
        <label class="small">{t('columns.state')}
          <select value={filter.state ?? ''} data-testid="instances-state" onChange={(e) => go({ state: e.currentTarget.value || undefined, offset: undefined })}>
            <option value="">{t('allStates')}</option>
            {['active', 'completed', 'canceled', 'terminated'].map((s) => <option key={s} value={s}>{t(`states.${s}`)}</option>)}
          </select>
        </label>
        {filter.elementId ? <span class="tag" data-testid="instances-step-filter">{t('columns.step')}: {filter.elementId} <button type="button" onClick={() => go({ elementId: undefined, offset: undefined })}>×</button></span> : null}
        <span class="muted" data-testid="instances-total">{t('total', { n: list.data?.total ?? 0 })}</span>
      </div>
      <ErrorBox error={list.error} />
      <DataTable
        testId="supervision-instances"
        loading={list.loading}
        rows={list.data?.items ?? []}
        rowKey={(i) => i.instanceId}
        columns={[
          { key: 'project', title: t('columns.project'), render: (i) => project(i) },
          { key: 'process', title: t('columns.process'), render: (i) => <span title={i.bpmnProcessId}>{`${t(`processes.${i.bpmnProcessId}`, { defaultValue: i.bpmnProcessId })} v${i.version}`}</span> },
          { key: 'state', title: t('columns.state'), render: (i) => `${t(`states.${i.state}`, { defaultValue: i.state })}${i.hasIncident ? ` ⚠ ${t('incident')}` : ''}` },
          { key: 'steps', title: t('columns.currentSteps'), render: (i) => i.currentSteps.map((s) => `${s.name ?? s.elementId}（${holder(s)}${s.dueAt ? `，${t('due')} ${formatDateTime(s.dueAt)}` : ''}）`).join('；') || '—' },
          { key: 'started', title: t('columns.started'), render: (i) => `${formatDateTime(i.startedAt)} ${i.startedBy ?? ''}` },
        ]}
      />
      <div class="toolbar">
        {offset > 0 ? <button type="button" onClick={() => go({ offset: String(Math.max(0, offset - 50)) })}>{t('previous')}</button> : null}
        {list.data && offset + 50 < list.data.total ? <button type="button" data-testid="instances-next" onClick={() => go({ offset: String(offset + 50) })}>{t('next')}</button> : null}
      </div>
    </>
  );
}

function OverdueTab() {
  const t = useT('supervision');
  const o = useAsync(() => api<Overdue>('GET', '/api/supervision/overdue'), []);
  return (
    <>
      <ErrorBox error={o.error} />
      <h2>{t('breached')}</h2>
      <DataTable
        testId="supervision-breached"
        loading={o.loading}
        rows={o.data?.breached ?? []}
        rowKey={(b) => `${b.instanceId} ${b.key}`}
        columns={[
          { key: 'project', title: t('columns.project'), render: (b) => project(b) },
          { key: 'deadline', title: t('columns.deadline'), render: (b) => b.label },
          { key: 'at', title: t('columns.at'), render: (b) => formatDateTime(b.at) },
          { key: 'step', title: t('columns.openStep'), render: (b) => b.stepName ?? b.step },
          { key: 'basis', title: t('columns.basis'), render: (b) => b.legalBasis ?? '—' },
        ]}
      />
      <h2>{t('overdueTasks')}</h2>
      <DataTable
        testId="supervision-overdue"
        loading={o.loading}
        rows={o.data?.tasks ?? []}
        rowKey={(x) => x.taskId}
        columns={[
          { key: 'project', title: t('columns.project'), render: (x) => project(x) },
          { key: 'step', title: t('columns.step'), render: (x) => x.name ?? x.elementId },
          { key: 'holder', title: t('columns.holder'), render: (x) => holder(x) },
          { key: 'due', title: t('columns.dueAt'), render: (x) => formatDateTime(x.dueAt) },
          { key: 'days', title: t('columns.daysOverdue'), render: (x) => x.daysOverdue, align: 'right' },
          { key: 'basis', title: t('columns.basis'), render: (x) => x.deadline?.legalBasis ?? '—' },
        ]}
      />
    </>
  );
}

function IncidentsTab() {
  const t = useT('supervision');
  const o = useAsync(() => api<{ items: Incident[] }>('GET', '/api/incidents', { query: { state: 'open' } }), []);
  return (
    <>
      <ErrorBox error={o.error} />
      <DataTable
        testId="supervision-incidents"
        loading={o.loading}
        rows={o.data?.items ?? []}
        rowKey={(i) => i.id}
        columns={[
          { key: 'process', title: t('columns.process'), render: (i) => t(`processes.${i.bpmnProcessId}`, { defaultValue: i.bpmnProcessId }) },
          { key: 'instance', title: t('columns.instance'), render: (i) => i.instanceId },
          { key: 'element', title: t('columns.step'), render: (i) => i.elementId },
          { key: 'type', title: t('columns.type'), render: (i) => i.type },
          { key: 'message', title: t('columns.message'), render: (i) => i.message },
          { key: 'since', title: t('columns.since'), render: (i) => formatDateTime(i.createdAt) },
        ]}
      />
    </>
  );
}

function MultiStageTab() {
  const t = useT('supervision');
  const o = useAsync(() => api<{ items: MultiStage[] }>('GET', '/api/supervision/multi-stage-actors'), []);
  return (
    <>
      <p class="muted">{t('multiStageIntro')}</p>
      <ErrorBox error={o.error} />
      <DataTable
        testId="supervision-multistage"
        loading={o.loading}
        rows={o.data?.items ?? []}
        rowKey={(m) => `${m.instanceId} ${m.actor}`}
        columns={[
          { key: 'project', title: t('columns.project'), render: (m) => project(m) },
          { key: 'actor', title: t('columns.actor'), render: (m) => `${m.actorName ?? ''}（${m.actor}）${m.isInitiator ? ` ${t('initiator')}` : ''}` },
          { key: 'stages', title: t('columns.stages'), render: (m) => m.stages.map((s) => `${t(`stages.${s.stage}`, { defaultValue: s.stage })} ${formatDateTime(s.at)}`).join('；') },
        ]}
      />
    </>
  );
}

function TendersTab() {
  const t = useT('supervision');
  const o = useAsync(() => api<{ total: number; items: TenderRecord[] }>('GET', '/api/supervision/tenders', { query: { limit: 100 } }), []);
  return (
    <>
      <ErrorBox error={o.error} />
      <DataTable
        testId="supervision-tenders"
        loading={o.loading}
        rows={o.data?.items ?? []}
        rowKey={(r) => r.tenderId}
        columns={[
          { key: 'project', title: t('columns.project'), render: (r) => <><RegimeBadge regime={r.regime} /> {`${r.projectNumber} ${r.projectName}${r.round > 1 ? `（${t('round', { n: r.round })}）` : ''}`}</> },
          { key: 'agency', title: t('columns.agency'), render: (r) => r.agencyName ?? '—' },
          { key: 'deadline', title: t('columns.bidDeadline'), render: (r) => formatDateTime(r.bidDeadlineAt) },
          { key: 'opened', title: t('columns.opened'), render: (r) => (r.openedAt ? `${formatDateTime(r.openedAt)}，${t('bids', { n: r.bidCount ?? 0 })}` : t('sealed')) },
          { key: 'draw', title: t('columns.draw'), render: (r) => (r.draw ? <a href={`#/tenders/${r.tenderId}`}>{t('drawn', { n: r.draw.panelSize })}</a> : '—') },
          { key: 'result', title: t('columns.result'), render: (r) => r.failureReason ?? (r.awardedAt ? `${t('awarded')} ${formatDateTime(r.awardedAt)}` : t(`tenderStates.${r.status}`, { defaultValue: r.status })) },
          { key: 'docs', title: t('columns.records'), render: (r) => (r.documents.length ? r.documents.map((d) => <a key={d.id} class="doc-link" href={`#/documents/${d.id}`}>{d.title}</a>) : '—') },
        ]}
      />
    </>
  );
}

export function SupervisionPage({ query }: PageProps) {
  const t = useT('supervision');
  const tab: Tab = (TABS as readonly string[]).includes(query.get('tab') ?? '') ? (query.get('tab') as Tab) : 'overview';
  return (
    <section class="supervision-page" data-testid="supervision-page">
      <h1>{t('title')}</h1>
      <p class="muted">{t('intro')}</p>
      <nav class="tabs" role="tablist">
        {TABS.map((k) => (
          <button type="button" key={k} role="tab" aria-selected={k === tab} class={k === tab ? 'active' : ''} data-testid={`tab-${k}`} onClick={() => navigate('/supervision', { tab: k })}>
            {t(`tabs.${k}`)}
          </button>
        ))}
      </nav>
      {tab === 'overview' ? <OverviewTab /> : null}
      {tab === 'instances' ? <InstancesTab query={query} /> : null}
      {tab === 'overdue' ? <OverdueTab /> : null}
      {tab === 'incidents' ? <IncidentsTab /> : null}
      {tab === 'multiStage' ? <MultiStageTab /> : null}
      {tab === 'tenders' ? <TendersTab /> : null}
    </section>
  );
}
