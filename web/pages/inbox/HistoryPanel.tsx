/** The instance's history (who did what when, decisions and opinions) and the comment box. */
import { useState } from 'preact/hooks';
import { api } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import { ErrorBox } from '../../ui/ErrorBox.tsx';
import { formatDateTime } from '../../ui/format.ts';
import { showToast } from '../../ui/toast.tsx';
import type { HistoryItem } from './types.ts';

export function HistoryPanel({ taskId, items, onCommented }: { taskId: string; items: HistoryItem[]; onCommented: () => void }) {
  const t = useT('inbox');
  const [text, setText] = useState('');
  const eventLabel = (h: HistoryItem) => {
    if (h.kind === 'comment') return t('task.event.comment');
    if (h.elementType === 'bpmn:StartEvent') return t('task.event.startEvent');
    if (h.elementType === 'bpmn:EndEvent') return t('task.event.endEvent');
    if (h.elementType === 'bpmn:ServiceTask' && h.event === 'completed') return t('task.event.serviceDone');
    return h.event ? t(`task.event.${h.event}`) : '';
  };
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function comment(e: Event) {
    e.preventDefault();
    setBusy(true);
    try {
      await api('POST', `/api/tasks/${encodeURIComponent(taskId)}/comments`, { body: { text } });
      setText('');
      setError(null);
      showToast(t('task.commented'));
      onCommented();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div>
      <ol class="inbox-history" data-testid="task-history">
        {items.map((h, i) => (
          <li key={i} class={`inbox-history-${h.kind}`}>
            <span class="muted small">{formatDateTime(h.at)}</span>{' '}
            <strong>{h.name ?? h.elementId ?? ''}</strong>{' '}
            <span>{eventLabel(h)}</span>
            {h.actor && <span class="muted"> · {h.actorName ? `${h.actorName}（${h.actor}）` : h.actor}</span>}
            {h.text && <div class="inbox-comment-text">{h.text}</div>}
            {h.summary.length > 0 && (
              <dl class="facts inbox-summary">
                {h.summary.map((s) => [<dt key={s.key + 'k'}>{s.label}</dt>, <dd key={s.key + 'v'}>{s.value}</dd>])}
              </dl>
            )}
          </li>
        ))}
      </ol>
      <form class="inbox-comment-form" onSubmit={comment}>
        <textarea
          name="comment"
          data-testid="comment-text"
          rows={2}
          maxLength={2000}
          placeholder={t('task.commentPlaceholder')}
          value={text}
          onInput={(e) => setText((e.target as HTMLTextAreaElement).value)}
        />
        <button type="submit" disabled={busy || !text.trim()} data-testid="comment-submit">{t('task.comment')}</button>
      </form>
      <ErrorBox error={error} />
    </div>
  );
}
