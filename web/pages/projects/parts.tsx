/**
 * Small pieces the project, tender and supervision pages share: money in 元/万元 from fen, status and regime badges,
 * legal-basis marks.
 */
import { useT } from '../../i18n/index.ts';
import { formatDateTime, formatWan, formatYuan } from '../../ui/format.ts';

function safe(fen: unknown): number | string | null {
  if (typeof fen === 'number' && Number.isSafeInteger(fen)) return fen;
  if (typeof fen === 'string' && /^-?\d+$/.test(fen)) return fen;
  return null;
}

/** Integer fen as "1,234.00 元", or "12.34 万元" with `wan` (the exact 元 amount in the tooltip). */
export function Money({ fen, wan }: { fen: unknown; wan?: boolean }) {
  const t = useT('projects');
  const v = safe(fen);
  if (v === null) return <span class="muted">—</span>;
  return wan ? (
    <span class="money" title={t('yuan', { amount: formatYuan(v) })}>{t('wan', { amount: formatWan(v) })}</span>
  ) : (
    <span class="money">{t('yuan', { amount: formatYuan(v) })}</span>
  );
}

const STATUS_KIND: Record<string, string> = {
  returned: 'badge-warn', failed: 'badge-error', terminated: 'badge-error', withdrawn: 'badge-error', archived: 'badge-ok', completed: 'badge-ok',
  awarded: 'badge-ok', contracted: 'badge-ok', open: 'badge-ok', cancelled: 'badge-error',
};

export function StatusBadge({ status, ns = 'projects' }: { status: string | null | undefined; ns?: string }) {
  const t = useT(ns);
  if (!status) return null;
  return <span class={`badge ${STATUS_KIND[status] ?? ''}`} data-status={status}>{t(`status.${status}`, { defaultValue: status })}</span>;
}

/** A deadline with its legal basis as tooltip and, spelt out, next to it. */
export function DeadlineText({ at, basis, overdue }: { at: string | null | undefined; basis?: string | null; overdue?: boolean }) {
  const t = useT('projects');
  if (!at) return <span class="muted">—</span>;
  return (
    <span class={overdue ? 'overdue' : undefined} title={basis ? t('legalBasis', { basis }) : undefined}>
      {formatDateTime(at)}
      {basis ? <span class="legal-mark" aria-hidden="true"> ⓘ</span> : null}
    </span>
  );
}

/** 政府采购 / 工程 (projects.regime): which law the project runs under. Nothing for an instance that is no project. */
export function RegimeBadge({ regime }: { regime: string | null | undefined }) {
  const t = useT('projects');
  if (!regime) return null;
  return (
    <span class={`badge regime-${regime}`} data-regime={regime} data-testid="regime-badge" title={t(`regimeLong.${regime}`, { defaultValue: regime })}>
      {t(`regime.${regime}`, { defaultValue: regime })}
    </span>
  );
}
