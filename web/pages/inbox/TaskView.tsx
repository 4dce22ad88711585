/**
 * One task: header (step, project, deadline with its legal basis, who holds it), claim/unclaim, the form
 * (form-js) with submit, the project's data and documents, the BPMN diagram and the history with comments.
 * `onCompleted` lets the inbox bring up the next task without reloading the page.
 */
import { useMemo, useRef, useState } from 'preact/hooks';
import { api, ApiError, download } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import { getUser } from '../../session.ts';
import { ErrorBox } from '../../ui/ErrorBox.tsx';
import { formatDateTime, formatYuan } from '../../ui/format.ts';
import { showToast } from '../../ui/toast.tsx';
import { useAsync } from '../../ui/useAsync.ts';
import { DiagramView } from './DiagramView.tsx';
import { HistoryPanel } from './HistoryPanel.tsx';
import { TaskForm, type TaskFormHandle } from './TaskForm.tsx';
import { DueMarker } from './DueMarker.tsx';
import type { Diagram, DocumentRow, HistoryItem, TaskDetail, TaskItem } from './types.ts';

const enc = encodeURIComponent;

/** Documents of the instance, or null when the document service is not there. */
async function loadDocuments(instanceId: string): Promise<DocumentRow[] | null> {
  try {
    return (await api<{ documents: DocumentRow[] }>('GET', '/api/documents', { query: { instanceId, limit: 50 } })).documents;
  } catch (err) {
    if (err instanceof ApiError && (err.status === 404 || err.status === 403)) return null;
    throw err;
  }
}

function ProjectFacts({ v }: { v: Record<string, unknown> }) {
  const t = useT('inbox');
  const text = (x: unknown) => (x === undefined || x === null || x === '' ? '—' : String(x));
  const money = (fen: unknown) => (typeof fen === 'number' && Number.isSafeInteger(fen) ? `${formatYuan(fen)} 元` : '—');
  const rows: [string, string][] = [
    ['projectNumber', text(v.projectNumber)],
    ['projectName', text(v.projectName)],
    ['categoryCode', text(v.categoryCode)],
    ['method', text(v.method)],
    ['budget', money(v.budgetFen)],
    ['maxPrice', money(v.maxPriceFen)],
    ['fundingSource', text(v.fundingSource)],
    ['deliveryDate', text(v.deliveryDate)],
    ['smeReserved', v.smeReserved === true ? t('task.fields.yes') : v.smeReserved === false ? t('task.fields.no') : '—'],
    ['initiator', text(v.initiator)],
    ['description', text(v.description)],
  ];
  return (
    <dl class="facts" data-testid="task-project">
      {rows.map(([k, value]) => [<dt key={k + 'k'}>{t(`task.fields.${k}`)}</dt>, <dd key={k + 'v'}>{value}</dd>])}
    </dl>
  );
}

export function TaskView({ taskId, onCompleted, onChanged }: { taskId: string; onCompleted: (done: TaskItem) => void; onChanged: () => void }) {
  const t = useT('inbox');
  const me = getUser()?.username;
  const detail = useAsync(() => api<TaskDetail>('GET', `/api/tasks/${enc(taskId)}`), [taskId]);
  const history = useAsync(() => api<{ items: HistoryItem[] }>('GET', `/api/tasks/${enc(taskId)}/history`), [taskId]);
  const diagram = useAsync(() => api<Diagram>('GET', `/api/tasks/${enc(taskId)}/diagram`), [taskId]);
  const task = detail.data;
  const documents = useAsync(() => (task ? loadDocuments(task.instanceId) : Promise.resolve([])), [task?.instanceId]);
  const formHandle = useRef<TaskFormHandle | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // Stable inputs for the form: rebuilding it would drop what the user typed.
  // A completed task shows what was submitted then over the instance's current variables.
  const formData = useMemo(() => ({ ...(task?.variables ?? {}), ...(task?.submitted ?? {}) }), [task?.id, task?.state, task?.assignee]);
  const formSchema = useMemo(() => task?.form ?? null, [task?.id]);

  if (detail.error) return <ErrorBox error={detail.error} />;
  if (!task) return <p class="muted">{t('common:errors.loading')}</p>;

  const open = task.state === 'created';
  const mine = task.assignee === me;
  const heldByOther = open && task.assignee != null && !mine;
  const editable = open && !heldByOther;

  async function act(path: 'claim' | 'unclaim') {
    setBusy(true);
    try {
      await api('POST', `/api/tasks/${enc(taskId)}/${path}`, { body: {} });
      setError(null);
      showToast(t(path === 'claim' ? 'task.claimed' : 'task.unclaimed'));
      detail.reload();
      onChanged();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  async function submit() {
    const handle = formHandle.current;
    let variables: Record<string, unknown> = {};
    if (handle) {
      const { data, errorCount } = handle.submit();
      if (errorCount) {
        setError(new ApiError(422, 'FORM_INVALID', t('task.fixErrors', { n: errorCount })));
        return;
      }
      variables = data;
    }
    setBusy(true);
    try {
      const done = await api<TaskItem>('POST', `/api/tasks/${enc(taskId)}/complete`, { body: { variables } });
      setError(null);
      showToast(t('task.completed', { name: task!.name ?? '' }));
      onCompleted(done);
    } catch (err) {
      if (err instanceof ApiError && handle) {
        // Put each refusal on its field; whatever names no field stays in the box.
        const rest = handle.showServerErrors(err.details);
        setError(new ApiError(err.status, err.code, err.message, rest));
      } else {
        setError(err);
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <article class="inbox-task" data-testid="task-view" data-task-id={task.id}>
      <header class="inbox-task-head">
        <h2 data-testid="task-title">{task.name ?? task.elementId}</h2>
        <span class={`badge ${open ? 'badge-warn' : 'badge-ok'}`}>{t(`task.state.${task.state}`)}</span>
        <DueMarker task={task} />
      </header>
      <dl class="facts inbox-task-facts">
        <dt>{t('task.fields.projectNumber')}</dt>
        <dd data-testid="task-project-number">{task.projectNumber ?? '—'}</dd>
        <dt>{t('task.fields.projectName')}</dt>
        <dd>{task.projectName ?? '—'}</dd>
        <dt>{t('task.created')}</dt>
        <dd>{formatDateTime(task.createdAt)}</dd>
        <dt>{t('task.due')}</dt>
        <dd>{task.dueAt ? formatDateTime(task.dueAt) : t('noDue')}{task.legalBasis ? `（${t('legalBasis', { basis: task.legalBasis })}）` : ''}</dd>
        <dt>{t('task.assignee')}</dt>
        <dd data-testid="task-assignee">{task.assignee ?? t('unassigned')}</dd>
        <dt>{t('task.candidates')}</dt>
        <dd>{task.candidateGroups.map((g) => t(`common:roles.${g}`, { defaultValue: g })).join('、') || '—'}</dd>
      </dl>

      <div class="toolbar">
        {open && !task.assignee && (
          <button type="button" disabled={busy} onClick={() => act('claim')} data-testid="task-claim">{t('task.claim')}</button>
        )}
        {open && mine && (
          <button type="button" disabled={busy} onClick={() => act('unclaim')} data-testid="task-unclaim">{t('task.unclaim')}</button>
        )}
        {mine && open && <span class="muted">{t('task.youHold')}</span>}
        {heldByOther && <span class="muted">{t('task.claimedBy', { who: task.assignee })}</span>}
      </div>

      <section class="panel">
        <h3>{t('task.form')}</h3>
        {heldByOther && <p class="muted">{t('task.notYours')}</p>}
        {!open && <p class="muted">{t('task.readOnlyDone')}</p>}
        {formSchema ? (
          <TaskForm schema={formSchema} data={formData} readOnly={!editable} handle={formHandle} />
        ) : (
          <p class="muted">{t('task.noForm')}</p>
        )}
        <ErrorBox error={error} />
        {editable && (
          <button type="button" class="primary" disabled={busy} onClick={submit} data-testid="task-submit">{t('task.submit')}</button>
        )}
      </section>

      <div class="inbox-columns">
        <section class="panel">
          <h3>{t('task.project')}</h3>
          <ProjectFacts v={task.variables} />
          <h3>{t('task.documents')}</h3>
          {documents.error ? (
            <ErrorBox error={documents.error} />
          ) : documents.data === null ? (
            <p class="muted" data-testid="documents-unavailable">{t('task.documentsUnavailable')}</p>
          ) : documents.data && documents.data.length ? (
            <ul data-testid="task-documents">
              {documents.data.map((d) => (
                <li key={d.id}>
                  <a href="javascript:void 0" onClick={() => download(`/api/documents/${d.id}.pdf`, `${d.title}.pdf`).catch(setError)}>{d.title}</a> <span class="muted small">v{d.latestVersion} · {formatDateTime(d.updatedAt)}</span>
                </li>
              ))}
            </ul>
          ) : (
            <p class="muted" data-testid="task-documents-empty">{t('task.noDocuments')}</p>
          )}
        </section>
        <section class="panel">
          <h3>{t('task.history')}</h3>
          {history.error ? (
            <ErrorBox error={history.error} />
          ) : (
            <HistoryPanel taskId={task.id} items={history.data?.items ?? []} onCommented={history.reload} />
          )}
        </section>
      </div>

      <section class="panel">
        <h3>{t('task.diagram')}</h3>
        <p class="muted small">{t('task.legend')}</p>
        {diagram.error ? <ErrorBox error={diagram.error} /> : diagram.data ? <DiagramView diagram={diagram.data} /> : null}
      </section>
    </article>
  );
}
