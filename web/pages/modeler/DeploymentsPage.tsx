/**
 * 流程模型: every deployed version of every process, grouped by process, newest first — who deployed it, when, why,
 * from where, and what changed. Process admins open a version in the modeller; everyone here compares and exports.
 */
import { api, download } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import { navigate } from '../../router.ts';
import type { PageProps } from '../../routes.ts';
import { hasRole } from '../../session.ts';
import { ErrorBox } from '../../ui/ErrorBox.tsx';
import { formatDateTime } from '../../ui/format.ts';
import { useAsync } from '../../ui/useAsync.ts';
import { summaryText, type ChangeRequest, type Deployment } from './model-api.ts';
import './modeler.css';

export function DeploymentsPage(_props: PageProps) {
  const t = useT('modeler');
  const admin = hasRole('process_admin');
  const { data, error, loading } = useAsync(() => api<{ items: Deployment[]; approvalRequired: boolean }>('GET', '/api/deployments'), []);
  const changes = useAsync(() => api<{ items: ChangeRequest[] }>('GET', '/api/deployments/change-requests'), []);
  const groups = new Map<string, Deployment[]>();
  for (const d of data?.items ?? []) groups.set(d.bpmnProcessId, [...(groups.get(d.bpmnProcessId) ?? []), d]);

  return (
    <section class="modeler-page" data-testid="deployments-page">
      <h1>{t('nav')}</h1>
      <p class="muted">{t('list.intro')}</p>
      {admin && (
        <div class="modeler-toolbar">
          <button type="button" class="primary" data-testid="new-process" onClick={() => navigate('/modeler/edit', { new: 1 })}>{t('list.newProcess')}</button>
        </div>
      )}
      <ErrorBox error={error} />
      {loading && !data && <p class="muted">{t('common:errors.loading')}</p>}
      {data && groups.size === 0 && <p class="muted">{t('list.empty')}</p>}
      {(data?.approvalRequired || (changes.data?.items.length ?? 0) > 0) && (
        <div class="process-group" data-testid="change-requests">
          <h2>{t('changes.title')}</h2>
          {data?.approvalRequired && <p class="muted">{t('changes.intro')}</p>}
          <table class="data-table version-table">
            <thead>
              <tr>
                <th>{t('changes.process')}</th><th>{t('changes.requestedAt')}</th><th>{t('changes.requestedBy')}</th><th>{t('list.comment')}</th>
                <th>{t('list.changes')}</th><th>{t('changes.decidedBy')}</th><th>{t('list.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {(changes.data?.items ?? []).map((c) => (
                <tr key={c.id} data-testid={`change-${c.id}`}>
                  <td><code>{c.bpmnProcessId}</code></td>
                  <td>{formatDateTime(c.requestedAt)}</td>
                  <td>{c.requestedBy}</td>
                  <td>{c.comment}</td>
                  <td class="summary">{summaryText(c.diffSummary)}</td>
                  <td>{t(`changes.status.${c.status}`)}{c.decidedBy ? `（${c.decidedBy}）` : ''}</td>
                  <td><button type="button" onClick={() => navigate(`/modeler/changes/${c.id}`)}>{t('changes.view')}</button></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {[...groups.entries()].map(([pid, versions]) => (
        <div class="process-group" key={pid} data-testid={`process-${pid}`}>
          <h2>{versions[0].name ?? pid} <code>{pid}</code></h2>
          <table class="data-table version-table">
            <thead>
              <tr>
                <th>{t('list.version')}</th><th>{t('list.deployedAt')}</th><th>{t('list.deployedBy')}</th><th>{t('list.source')}</th>
                <th>{t('list.comment')}</th><th>{t('list.changes')}</th><th>{t('list.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {versions.map((d) => (
                <tr key={d.deploymentId} data-testid={`version-${pid}-${d.version}`}>
                  <td>v{d.version} {d.latest && <span class="latest">（{t('list.latest')}）</span>}</td>
                  <td>{formatDateTime(d.createdAt)}</td>
                  <td>{d.deployedBy ?? ''}</td>
                  <td>{t(`list.sources.${d.source}`)}</td>
                  <td>{d.comment ?? ''}</td>
                  <td class="summary">{d.previousDeploymentId ? summaryText(d.diffSummary) : ''}</td>
                  <td class="actions">
                    {admin && <button type="button" data-testid={`open-${pid}-${d.version}`} onClick={() => navigate('/modeler/edit', { deployment: d.deploymentId })}>{t('list.open')}</button>}{' '}
                    {d.previousDeploymentId && (
                      <button type="button" data-testid={`compare-${pid}-${d.version}`} onClick={() => navigate(`/modeler/diff/${d.previousDeploymentId}/${d.deploymentId}`)}>{t('list.compare')}</button>
                    )}{' '}
                    <button type="button" data-testid={`export-${pid}-${d.version}`} onClick={() => download(`/api/deployments/${d.deploymentId}/xml`, `${pid}-v${d.version}.bpmn`)}>{t('list.export')}</button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </section>
  );
}
