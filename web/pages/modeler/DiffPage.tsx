/**
 * 版本差异: two versions side by side (read-only viewers) with added (green), removed (red) and changed (orange)
 * elements marked, and the list of every changed property, including the Zeebe settings (task type, candidate
 * groups, form, headers, conditions, timers). Open to process admins, the supervisor and the auditor.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import type { PageProps } from '../../routes.ts';
import { ErrorBox } from '../../ui/ErrorBox.tsx';
import { formatDateTime } from '../../ui/format.ts';
import { createViewer, markDiff, type Diagram } from './bpmn.ts';
import { propertyLabel, type DeploymentDetail, type ModelDiff } from './model-api.ts';

interface DiffResponse {
  from: DeploymentDetail;
  to: DeploymentDetail;
  diff: ModelDiff;
}

export function DiffPage({ params }: PageProps) {
  const t = useT('modeler');
  const oldRef = useRef<HTMLDivElement>(null);
  const newRef = useRef<HTMLDivElement>(null);
  const [data, setData] = useState<DiffResponse | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const viewers: Diagram[] = [createViewer(oldRef.current!), createViewer(newRef.current!)];
    let cancelled = false;
    (async () => {
      const [d, from, to] = await Promise.all([
        api<DiffResponse>('GET', `/api/deployments/${encodeURIComponent(params.id)}/diff/${encodeURIComponent(params.otherId)}`),
        api<DeploymentDetail>('GET', `/api/deployments/${encodeURIComponent(params.id)}`),
        api<DeploymentDetail>('GET', `/api/deployments/${encodeURIComponent(params.otherId)}`),
      ]);
      if (cancelled) return;
      await viewers[0].importXML(from.xml);
      await viewers[1].importXML(to.xml);
      for (const v of viewers) v.get('canvas').zoom('fit-viewport');
      const changed = d.diff.changed.map((c) => c.id);
      markDiff(viewers[0], d.diff.removed.map((e) => e.id), 'removed');
      markDiff(viewers[0], changed, 'changed');
      markDiff(viewers[1], d.diff.added.map((e) => e.id), 'added');
      markDiff(viewers[1], changed, 'changed');
      setData({ from, to, diff: d.diff });
    })().catch((e) => !cancelled && setError(e));
    return () => {
      cancelled = true;
      for (const v of viewers) v.destroy();
    };
  }, [params.id, params.otherId]);

  const label = (e: { id: string; name: string | null }) => (e.name ? `${e.name} (${e.id})` : e.id);
  const diff = data?.diff;
  const empty = diff && diff.added.length + diff.removed.length + diff.changed.length === 0;

  return (
    <section class="modeler-page" data-testid="diff-page">
      <h1>{t('diffTitle')}{data ? ` · ${data.to.name ?? data.to.bpmnProcessId}` : ''}</h1>
      <ErrorBox error={error} />
      <div class="diff-legend">
        <span class="added">{t('diff.legend.added')}</span>
        <span class="removed">{t('diff.legend.removed')}</span>
        <span class="changed">{t('diff.legend.changed')}</span>
      </div>
      <div class="diff-viewers">
        <div>
          <h3>{t('diff.old')}{data ? ` v${data.from.version} · ${formatDateTime(data.from.createdAt)} · ${data.from.deployedBy ?? ''}` : ''}</h3>
          <div class="diff-canvas" ref={oldRef} data-testid="diff-old" />
        </div>
        <div>
          <h3>{t('diff.new')}{data ? ` v${data.to.version} · ${formatDateTime(data.to.createdAt)} · ${data.to.deployedBy ?? ''}${data.to.comment ? ` · ${data.to.comment}` : ''}` : ''}</h3>
          <div class="diff-canvas" ref={newRef} data-testid="diff-new" />
        </div>
      </div>
      {empty && <p data-testid="diff-none">{t('diff.none')}</p>}
      {diff && !empty && (
        <table class="diff-list" data-testid="diff-list">
          <thead>
            <tr><th>{t('diff.element')}</th><th>{t('diff.kind')}</th><th>{t('diff.property')}</th><th>{t('diff.before')}</th><th>{t('diff.after')}</th></tr>
          </thead>
          <tbody>
            {diff.added.map((e) => (
              <tr key={`a-${e.id}`} data-testid="diff-row" data-kind="added" data-element={e.id}><td>{label(e)}</td><td>{t('diff.legend.added')}</td><td colSpan={3}>{e.type.replace('bpmn:', '')}</td></tr>
            ))}
            {diff.removed.map((e) => (
              <tr key={`r-${e.id}`} data-testid="diff-row" data-kind="removed" data-element={e.id}><td>{label(e)}</td><td>{t('diff.legend.removed')}</td><td colSpan={3}>{e.type.replace('bpmn:', '')}</td></tr>
            ))}
            {diff.changed.flatMap((e) =>
              e.changes.map((c, i) => (
                <tr key={`c-${e.id}-${i}`} data-testid="diff-row" data-kind="changed" data-element={e.id} data-property={c.property}>
                  <td>{label(e)}</td>
                  <td>{t('diff.legend.changed')}</td>
                  <td>{propertyLabel(t, c.property)}</td>
                  <td class="old">{c.oldValue ?? ''}</td>
                  <td class="new">{c.newValue ?? ''}</td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      )}
      {diff && diff.layoutChanged.length > 0 && <p class="muted">{t('diff.layoutOnly', { ids: diff.layoutChanged.map(label).join('、') })}</p>}
    </section>
  );
}
