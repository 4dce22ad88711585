/** Time left until an instant, ticking every second; the deadline itself is shown in Beijing time elsewhere. */
import { useEffect, useState } from 'preact/hooks';
import { useT } from '../../i18n/index.ts';

export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const h = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(h);
  }, [intervalMs]);
  return now;
}

export function Countdown({ until }: { until: string }) {
  const t = useT('tenders');
  const now = useNow();
  const left = Date.parse(until) - now;
  if (!(left > 0)) return <span class="countdown muted" data-testid="countdown">{t('countdown.closed')}</span>;
  const s = Math.floor(left / 1000);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const text = d > 0 ? t('countdown.days', { d, h, m }) : t('countdown.hours', { h, m, s: s % 60 });
  return <span class={`countdown${d === 0 ? ' overdue' : ''}`} data-testid="countdown">{text}</span>;
}
