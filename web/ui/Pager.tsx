/**
 * Offset paging controls. `total` may be unknown (large inboxes don't count every row): then `hasMore`
 * decides whether "next" is enabled.
 */
import { useT } from '../i18n/index.ts';

export function Pager(props: { offset: number; limit: number; shown: number; total?: number | null; hasMore?: boolean; onChange: (offset: number) => void }) {
  const t = useT();
  const from = props.shown ? props.offset + 1 : 0;
  // Past the end (a stale link): no rows shown, so no range either.
  const to = props.shown ? props.offset + props.shown : 0;
  const more = props.total != null ? to < props.total : !!props.hasMore;
  return (
    <div class="pager" data-testid="pager">
      <button type="button" disabled={props.offset === 0} onClick={() => props.onChange(Math.max(0, props.offset - props.limit))}>
        {t('paging.prev')}
      </button>
      <span>{props.total != null ? t('paging.summary', { from, to, total: props.total }) : t('paging.summaryOpen', { from, to })}</span>
      <button type="button" disabled={!more} onClick={() => props.onChange(props.offset + props.limit)}>
        {t('paging.next')}
      </button>
    </div>
  );
}
