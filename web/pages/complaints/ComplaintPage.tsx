/** 投诉详情: status, current step, deadlines with their legal basis, suspensions, the decision and the documents. */
import { api } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import type { PageProps } from '../../routes.ts';
import { ErrorBox } from '../../ui/ErrorBox.tsx';
import { useAsync } from '../../ui/useAsync.ts';
import { beijing, type ComplaintDetail } from './types.ts';

interface DocumentRow { id: number; templateId: string; title: string; latestVersion: number }

export function ComplaintPage({ params }: PageProps) {
  const t = useT('complaints');
  const c = useAsync(() => api<ComplaintDetail>('GET', `/api/complaints/${params.id}`), [params.id]);
  const docs = useAsync(async () => (c.data?.instanceId ? api<{ documents: DocumentRow[] }>('GET', '/api/documents', { query: { instanceId: c.data.instanceId } }) : { documents: [] }), [c.data?.instanceId]);
  const d = c.data;
  return (
    <section class="complaint-page" data-testid="complaint-page">
      <h1>{t('detailTitle')} {d ? `#${d.complaintId}` : ''}</h1>
      <ErrorBox error={c.error} />
      {d ? (
        <>
          <h2>{t('sections.facts')}</h2>
          <dl class="facts" data-testid="complaint-facts">
            <dt>{t('facts.status')}</dt><dd data-testid="complaint-status">{t(`status.${d.status}`)}{d.effect ? `（${t(`effect.${d.effect}`)}）` : ''}</dd>
            <dt>{t('facts.project')}</dt><dd>{d.projectNumber} {d.projectName}</dd>
            <dt>{t('facts.purchaser')}</dt><dd>{d.purchaserName ?? '—'}</dd>
            <dt>{t('facts.agency')}</dt><dd>{d.agencyName ?? '—'}</dd>
            <dt>{t('facts.complainant')}</dt><dd>{d.complainantName}</dd>
            <dt>{t('facts.challenge')}</dt><dd>{d.challengeId}</dd>
            <dt>{t('facts.filedAt')}</dt><dd>{beijing(d.filedAt)}</dd>
            <dt>{t('facts.acceptedAt')}</dt><dd>{beijing(d.acceptedAt)}</dd>
            <dt>{t('facts.decidedAt')}</dt><dd>{beijing(d.decidedAt)}</dd>
          </dl>
          <h2>{t('sections.steps')}</h2>
          <p data-testid="complaint-steps">{d.activeSteps.length ? d.activeSteps.map((s) => s.name ?? s.elementId).join('、') : t('noSteps')}</p>
          <h2>{t('sections.deadlines')}</h2>
          <table class="data-table" data-testid="complaint-deadlines">
            <thead><tr><th>{t('deadline.step')}</th><th>{t('deadline.due')}</th><th>{t('deadline.rule')}</th><th>{t('deadline.basis')}</th></tr></thead>
            <tbody>
              {d.deadlines.map((x) => (
                <tr key={x.step}><td>{t(`deadlineStep.${x.step}`)}</td><td>{beijing(x.dueAt)}</td><td>{x.ruleId}</td><td>{x.basis}</td></tr>
              ))}
            </tbody>
          </table>
          <h2>{t('sections.items')}</h2>
          {d.items.map((it, i) => (
            <div class="card" key={i}>
              <strong>{it.item}</strong>
              <p>{t('fields.request')}：{it.request}</p>
              <p>{t('fields.facts')}：{it.facts}</p>
              <p>{t('fields.law')}：{it.law}</p>
            </div>
          ))}
          {d.suspensions.length ? (
            <>
              <h2>{t('sections.suspensions')}</h2>
              <ul data-testid="complaint-suspensions">
                {d.suspensions.map((s, i) => (
                  <li key={i}>{t('suspension.from')} {beijing(s.startedAt)} {t('suspension.until')} {beijing(s.until)}{s.endedAt ? `；${t('suspension.ended')} ${beijing(s.endedAt)}` : ''}</li>
                ))}
              </ul>
            </>
          ) : null}
          {d.decision ? (
            <>
              <h2>{t('sections.decision')}</h2>
              <dl class="facts" data-testid="complaint-decision">
                <dt>{t('decision.no')}</dt><dd>{d.decision.decisionNo}</dd>
                <dt>{t('decision.result')}</dt><dd>{d.decision.result}</dd>
                <dt>{t('decision.findings')}</dt><dd>{d.decision.findings}</dd>
                <dt>{t('decision.reasoning')}</dt><dd>{d.decision.reasoning}</dd>
              </dl>
            </>
          ) : null}
          <h2>{t('sections.documents')}</h2>
          <ul data-testid="complaint-documents">
            {(docs.data?.documents ?? []).map((x) => <li key={x.id}><a href={`#/documents/${x.id}`}>{x.title}</a>（v{x.latestVersion}）</li>)}
          </ul>
        </>
      ) : null}
    </section>
  );
}
