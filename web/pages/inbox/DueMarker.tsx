/** 已超期 / 即将到期 badge; its tooltip gives the legal basis of the deadline (task header `legalBasis`). */
import { useT } from '../../i18n/index.ts';
import { formatDateTime } from '../../ui/format.ts';
import type { TaskItem } from './types.ts';

export function DueMarker({ task }: { task: Pick<TaskItem, 'overdue' | 'dueSoon' | 'dueAt' | 'legalBasis'> }) {
  const t = useT('inbox');
  if (!task.overdue && !task.dueSoon) return null;
  const title = [task.dueAt ? `${t('task.due')} ${formatDateTime(task.dueAt)}` : '', task.legalBasis ? t('legalBasis', { basis: task.legalBasis }) : '']
    .filter(Boolean)
    .join('；');
  return task.overdue ? (
    <span class="badge badge-error" title={title} data-testid="due-overdue">{t('overdue')}</span>
  ) : (
    <span class="badge badge-warn" title={title} data-testid="due-soon">{t('dueSoon')}</span>
  );
}
