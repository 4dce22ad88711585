/**
 * 版本差异: two versions side by side (read-only viewers) with added (green), removed (red) and changed (orange)
 * elements marked, and the list of every changed property, including the Zeebe settings (task type, candidate
 * groups, form, headers, conditions, timers). Open to process admins, the supervisor and the auditor.
 */
import type { ComponentChildren } from 'preact';
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

/** What a side-by-side diff shows: two models, their titles and the diff between them. */
export interface DiffData {
  heading: string;
  oldTitle: string;
  newTitle: string;
  oldXml: string;
  newXml: string;
  diff: ModelDiff;
}

const versionTitle = (d: DeploymentDetail) => `v${d.version} · ${formatDateTime(d.createdAt)} · ${d.deployedBy ?? ''}`;

/** Two deployed versions: /modeler/diff/:id/:otherId. */
export function DiffPage({ params }: PageProps) {
  return (
    <DiffView
      deps={[params.id, params.otherId]}
      load={async () => {
        const [d, from, to] = await Promise.all([
          api<DiffResponse>('GET', `/api/deployments/${encodeURIComponent(params.id)}/diff/${encodeURIComponent(params.otherId)}`),
          api<DeploymentDetail>('GET', `/api/deployments/${encodeURIComponent(params.id)}`),
          api<DeploymentDetail>('GET', `/api/deployments/${encodeURIComponent(params.otherId)}`),
        ]);
        return {
          heading: to.name ?? to.bpmnProcessId,
          oldTitle: versionTitle(from),
          newTitle: `${versionTitle(to)}${to.comment ? ` · ${to.comment}` : ''}`,
          oldXml: from.xml,
          newXml: to.xml,
          diff: d.diff,
        };
      }}
    />
  );
}

export function DiffView({ load, deps, children }: { load: () => Promise<DiffData>; deps: unknown[]; children?: ComponentChildren }) {
  const t = useT('modeler');
  const oldRef = useRef<HTMLDivElement>(null);
  const newRef = useRef<HTMLDivElement>(null);
  const [data, setData] = useState<DiffData | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const viewers: Diagram[] = [createViewer(oldRef.current!), createViewer(newRef.current!)];
    let cancelled = false;
    (async () => {
      const d = await load();
      if (cancelled) return;
      await viewers[0].importXML(d.oldXml);
      await viewers[1].importXML(d.newXml);
      for (const v of viewers) v.get('canvas').zoom('fit-viewport');
      const changed = d.diff.changed.map((c) => c.id);
      markDiff(viewers[0], d.diff.removed.map((e) => e.id), 'removed');
      markDiff(viewers[0], changed, 'changed');
      markDiff(viewers[1], d.diff.added.map((e) => e.id), 'added');
      markDiff(viewers[1], changed, 'changed');
      setData(d);
    })().catch((e) => !cancelled && setError(e));
    return () => {
      cancelled = true;
      for (const v of viewers) v.destroy();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);

  const label = (e: { id: string; name: string | null }) => (e.name ? `${e.name} (${e.id})` : e.id);
  const diff = data?.diff;
  const empty = diff && diff.added.length + diff.removed.length + diff.changed.length === 0;

  return (
    <section class="modeler-page" data-testid="diff-page">
      <h1>{t('diffTitle')}{data ? ` · ${data.heading}` : ''}</h1>
      <ErrorBox error={error} />
      {children}
      <div class="diff-legend">
        <span class="added">{t('diff.legend.added')}</span>
        <span class="removed">{t('diff.legend.removed')}</span>
        <span class="changed">{t('diff.legend.changed')}</span>
      </div>
      <div class="diff-viewers">
        <div>
          <h3>{t('diff.old')}{data ? ` ${data.oldTitle}` : ''}</h3>
          <div class="diff-canvas" ref={oldRef} data-testid="diff-old" />
        </div>
        <div>
          <h3>{t('diff.new')}{data ? ` ${data.newTitle}` : ''}</h3>
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
