/**
 * 待办任务, like Camunda Tasklist: tabs (all open / claimed by me / my groups' / completed by me), filters
 * (process, step, project number, due window, overdue/due soon), search, sort, paging; the chosen task opens
 * beside the list. Everything is in the hash query, so a reload or a shared link shows the same list. After a
 * completion the list reloads and the next task opens, without reloading the page.
 */
import { useState } from 'preact/hooks';
import { api } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import { navigate } from '../../router.ts';
import { hasRole } from '../../session.ts';
import type { PageProps } from '../../routes.ts';
import { DataTable, type Column } from '../../ui/DataTable.tsx';
import { ErrorBox } from '../../ui/ErrorBox.tsx';
import { formatDateTime } from '../../ui/format.ts';
import { Pager } from '../../ui/Pager.tsx';
import { useAsync } from '../../ui/useAsync.ts';
import { DueMarker } from './DueMarker.tsx';
import { TaskView } from './TaskView.tsx';
import type { TaskItem, TaskPage } from './types.ts';
import './inbox.css';

const TABS = ['all', 'mine', 'groups', 'completed'] as const;
const FILTER_KEYS = ['q', 'process', 'elementId', 'project', 'dueAfter', 'dueBefore', 'dueState', 'sort', 'order'] as const;
const PAGE_SIZE = 20;
/** The process a purchaser starts from the inbox (政府采购项目申报审批, processes/procurement.bpmn). */
const APPLICATION_PROCESS = 'procurement';

type Params = Record<string, string>;

/** Shanghai calendar day → the instant it starts (filters are by day, the API takes instants). */
const dayStart = (day: string) => (day ? `${day}T00:00:00+08:00` : undefined);
const nextDayStart = (day: string) => {
  if (!day) return undefined;
  const d = new Date(`${day}T00:00:00+08:00`);
  return new Date(d.getTime() + 86_400_000).toISOString();
};

function listQuery(p: Params) {
  return {
    scope: p.tab === 'all' ? 'all' : p.tab,
    q: p.q,
    process: p.process,
    elementId: p.elementId,
    project: p.project,
    dueAfter: dayStart(p.dueAfter ?? ''),
    dueBefore: nextDayStart(p.dueBefore ?? ''),
    dueState: p.dueState,
    sort: p.sort,
    order: p.order,
    page: p.page ?? '1',
    pageSize: PAGE_SIZE,
  };
}

export function InboxPage({ query }: PageProps) {
  const t = useT('inbox');
  const params: Params = Object.fromEntries(query.entries());
  const tab = (TABS as readonly string[]).includes(params.tab ?? '') ? params.tab! : 'all';
  params.tab = tab;
  const go = (change: Params) => navigate('/inbox', { ...params, ...change });
  const key = JSON.stringify(listQuery(params));
  const list = useAsync(() => api<TaskPage>('GET', '/api/tasks', { query: listQuery(params) }), [key]);
  const [draft, setDraft] = useState<Params>({});
  const [allDone, setAllDone] = useState(false);
  const value = (k: string) => draft[k] ?? params[k] ?? '';
  const set = (k: string) => (e: Event) => setDraft({ ...draft, [k]: (e.target as HTMLInputElement).value });

  function apply(e: Event) {
    e.preventDefault();
    const next: Params = { tab };
    for (const k of FILTER_KEYS) {
      const v = (draft[k] ?? params[k] ?? '').trim();
      if (v) next[k] = v;
    }
    setDraft({});
    navigate('/inbox', next);
  }

  const [startError, setStartError] = useState<unknown>(null);
  async function startApplication() {
    try {
      const started = await api<{ instanceId: string }>('POST', `/api/processes/${APPLICATION_PROCESS}/instances`, { body: {} });
      // The first task (填报采购申请) is assigned to the starter.
      const mine = await api<TaskPage>('GET', '/api/tasks', { query: { scope: 'mine', pageSize: 100, sort: 'created', order: 'desc' } });
      const first = mine.items.find((x) => x.instanceId === started.instanceId);
      setStartError(null);
      navigate('/inbox', { tab: 'mine', task: first?.id });
    } catch (err) {
      setStartError(err);
    }
  }

  async function afterCompletion(done: TaskItem) {
    // The list as it is now; the next open task in it comes up.
    const page = await api<TaskPage>('GET', '/api/tasks', { query: listQuery(params) }).catch(() => null);
    list.reload();
    const next = page?.items.find((x) => x.id !== done.id && x.state === 'created');
    setAllDone(!next);
    go({ task: next?.id ?? '' });
  }

  const data = list.data;
  const steps = new Map<string, string>();
  const processes = new Set<string>();
  for (const x of data?.items ?? []) {
    steps.set(x.elementId, x.name ?? x.elementId);
    processes.add(x.processId);
  }

  const columns: Column<TaskItem>[] = [
    {
      key: 'name',
      title: t('cols.task'),
      render: (x) => (
        <span>
          <strong>{x.name ?? x.elementId}</strong> <DueMarker task={x} />
        </span>
      ),
    },
    {
      key: 'project',
      title: t('cols.project'),
      render: (x) => (
        <span>
          <span class="small">{x.projectNumber ?? x.businessKey ?? '—'}</span>
          <br />
          {x.projectName ?? ''}
        </span>
      ),
    },
    tab === 'completed'
      ? { key: 'completedAt', title: t('cols.completed'), render: (x) => formatDateTime(x.completedAt) }
      : { key: 'createdAt', title: t('cols.created'), render: (x) => formatDateTime(x.createdAt) },
    {
      key: 'dueAt',
      title: t('cols.due'),
      render: (x) => <span title={x.legalBasis ? t('legalBasis', { basis: x.legalBasis }) : undefined}>{x.dueAt ? formatDateTime(x.dueAt) : t('noDue')}</span>,
    },
    { key: 'assignee', title: t('cols.assignee'), render: (x) => x.assignee ?? <span class="muted">{t('unassigned')}</span> },
  ];

  return (
    <section class="inbox" data-testid="inbox">
      <div class="inbox-title">
        <h1>{t('nav.inbox')}</h1>
        {hasRole('purchaser') && (
          <button type="button" class="primary" onClick={startApplication} data-testid="inbox-start-application">{t('startApplication')}</button>
        )}
      </div>
      <ErrorBox error={startError} />
      <nav class="inbox-tabs" role="tablist">
        {TABS.map((k) => (
          <a
            key={k}
            role="tab"
            aria-selected={k === tab}
            class={k === tab ? 'active' : undefined}
            href="javascript:void 0"
            data-testid={`inbox-tab-${k}`}
            onClick={() => navigate('/inbox', { tab: k })}
          >
            {t(`tabs.${k}`)}
          </a>
        ))}
      </nav>
      <form class="toolbar inbox-filters" onSubmit={apply} data-testid="inbox-filters">
        <input type="search" name="q" placeholder={t('filters.q')} value={value('q')} onInput={set('q')} class="inbox-search" data-testid="inbox-search" />
        <input name="project" placeholder={t('filters.project')} value={value('project')} onInput={set('project')} size={16} />
        <input name="process" list="inbox-processes" placeholder={t('filters.process')} value={value('process')} onInput={set('process')} size={12} />
        <datalist id="inbox-processes">{[...processes].map((p) => <option key={p} value={p} />)}</datalist>
        <select name="elementId" value={value('elementId')} onChange={set('elementId')} aria-label={t('filters.step')}>
          <option value="">{t('filters.anyStep')}</option>
          {[...steps].map(([id, name]) => <option key={id} value={id}>{name}</option>)}
          {params.elementId && !steps.has(params.elementId) && <option value={params.elementId}>{params.elementId}</option>}
        </select>
        <label class="small">{t('filters.dueFrom')} <input type="date" name="dueAfter" value={value('dueAfter')} onInput={set('dueAfter')} /></label>
        <label class="small">{t('filters.dueTo')} <input type="date" name="dueBefore" value={value('dueBefore')} onInput={set('dueBefore')} /></label>
        <select name="dueState" value={value('dueState')} onChange={set('dueState')} aria-label={t('filters.dueState')}>
          <option value="">{t('filters.anyDue')}</option>
          <option value="overdue">{t('filters.overdue')}</option>
          <option value="soon">{t('filters.soon')}</option>
        </select>
        <select name="sort" value={value('sort')} onChange={set('sort')} aria-label={t('filters.sort')}>
          <option value="">{t('filters.sort')}</option>
          <option value="due">{t('filters.sortDue')}</option>
          <option value="created">{t('filters.sortCreated')}</option>
          <option value="priority">{t('filters.sortPriority')}</option>
          {tab === 'completed' && <option value="completed">{t('filters.sortCompleted')}</option>}
        </select>
        <select name="order" value={value('order')} onChange={set('order')} aria-label={t('filters.sort')}>
          <option value="">—</option>
          <option value="asc">{t('filters.asc')}</option>
          <option value="desc">{t('filters.desc')}</option>
        </select>
        <button type="submit" data-testid="inbox-apply">{t('filters.apply')}</button>
      </form>
      <ErrorBox error={list.error} />
      <div class="inbox-split">
        <div class="inbox-list">
          <DataTable
            testId="inbox-table"
            columns={columns}
            rows={data?.items ?? []}
            rowKey={(x) => x.id}
            loading={list.loading}
            onRowClick={(x) => {
              setAllDone(false);
              go({ task: x.id });
            }}
          />
          <Pager
            offset={(Number(params.page ?? 1) - 1) * PAGE_SIZE}
            limit={PAGE_SIZE}
            shown={data?.items.length ?? 0}
            total={data && !data.totalCapped ? data.total : undefined}
            hasMore={data?.hasMore}
            onChange={(offset) => go({ page: String(offset / PAGE_SIZE + 1) })}
          />
          {data?.totalCapped && <p class="muted small">{t('capped', { n: data.total })}</p>}
        </div>
        <div class="inbox-detail">
          {params.task ? (
            <TaskView key={params.task} taskId={params.task} onCompleted={afterCompletion} onChanged={list.reload} />
          ) : (
            <p class="muted" data-testid={allDone ? 'inbox-all-done' : 'inbox-pick'}>{allDone ? t('allDone') : t('pick')}</p>
          )}
        </div>
      </div>
    </section>
  );
}
