/**
 * 变更审批 (PROCESS_CHANGE_APPROVAL): one change request — the version it was based on beside the proposed model,
 * the diff, who asked and why, and the supervisor's decision. The decision itself is the supervisor's task
 * 「监督审批模型变更」 in the inbox (process process_change).
 */
import { api } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import type { PageProps } from '../../routes.ts';
import { formatDateTime } from '../../ui/format.ts';
import { useAsync } from '../../ui/useAsync.ts';
import { DiffView } from './DiffPage.tsx';
import type { ChangeRequest, DeploymentDetail, ModelDiff } from './model-api.ts';

export function ChangeRequestPage({ params }: PageProps) {
  const t = useT('modeler');
  const cr = useAsync(() => api<ChangeRequest & { xml: string; diff: ModelDiff }>('GET', `/api/deployments/change-requests/${encodeURIComponent(params.id)}`), [params.id]);
  const c = cr.data;
  return (
    <DiffView
      deps={[params.id]}
      load={async () => {
        const req = await api<ChangeRequest & { xml: string; diff: ModelDiff }>('GET', `/api/deployments/change-requests/${encodeURIComponent(params.id)}`);
        const base = req.baseDeploymentId ? await api<DeploymentDetail>('GET', `/api/deployments/${encodeURIComponent(req.baseDeploymentId)}`) : null;
        return {
          heading: req.bpmnProcessId,
          oldTitle: base ? `v${base.version} · ${formatDateTime(base.createdAt)}` : t('editor.newBase'),
          newTitle: `${t('changes.proposed')} · ${req.requestedBy} · ${formatDateTime(req.requestedAt)}`,
          oldXml: base?.xml ?? req.xml,
          newXml: req.xml,
          diff: req.diff,
        };
      }}
    >
      {c && (
        <p data-testid="change-request-status">
          {t(`changes.status.${c.status}`)} · {t('list.comment')}：{c.comment}
          {c.decidedBy ? ` · ${t('changes.decidedBy')}：${c.decidedBy}（${formatDateTime(c.decidedAt)}）${c.decisionComment ? `「${c.decisionComment}」` : ''}` : ''}
        </p>
      )}
    </DiffView>
  );
}
