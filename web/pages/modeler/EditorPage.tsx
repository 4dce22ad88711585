/**
 * 流程建模 (process_admin): the bpmn-js Modeler with the Camunda 8 (Zeebe) properties panel. Opens any deployed
 * version (or a new process, or an imported file), checks it with the server lint — problems shown on the elements
 * and listed — and deploys it as a new version with a comment. The server lint is authoritative: deploy runs it again.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import i18next from 'i18next';
import { api, ApiError } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import { navigate } from '../../router.ts';
import type { PageProps } from '../../routes.ts';
import { ErrorBox } from '../../ui/ErrorBox.tsx';
import { formatDateTime } from '../../ui/format.ts';
import { showToast } from '../../ui/toast.tsx';
import { createModeler, newProcessXml, showLint, type Diagram, type LintProblem } from './bpmn.ts';
import type { ChangeRequest, DeployResult, Deployment, DeploymentDetail, LintResult } from './model-api.ts';

export function EditorPage({ query }: PageProps) {
  const t = useT('modeler');
  const deploymentId = query.get('deployment');
  const isNew = query.get('new');
  const canvasRef = useRef<HTMLDivElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const modeler = useRef<Diagram | null>(null);
  const [base, setBase] = useState<DeploymentDetail | null>(null);
  const [versions, setVersions] = useState<Deployment[]>([]);
  const [lint, setLint] = useState<LintResult | null>(null);
  const [lintStale, setLintStale] = useState(false);
  const [dirty, setDirty] = useState(false);
  const [canUndo, setCanUndo] = useState(false);
  const [canRedo, setCanRedo] = useState(false);
  const [comment, setComment] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<'lint' | 'deploy' | null>(null);
  const [deployed, setDeployed] = useState<DeployResult | null>(null);
  const [approvalRequired, setApprovalRequired] = useState(false);
  const [submitted, setSubmitted] = useState<ChangeRequest | null>(null);

  useEffect(() => {
    api<{ approvalRequired: boolean }>('GET', '/api/deployments').then((r) => setApprovalRequired(r.approvalRequired), () => undefined);
  }, []);

  useEffect(() => {
    const m = createModeler(canvasRef.current!, panelRef.current!);
    modeler.current = m;
    m.on('commandStack.changed', () => {
      const stack = m.get('commandStack');
      setCanUndo(stack.canUndo());
      setCanRedo(stack.canRedo());
      setDirty(stack.canUndo());
      setLintStale(true);
    });
    const beforeUnload = (e: BeforeUnloadEvent) => {
      if (m.get('commandStack').canUndo()) e.preventDefault();
    };
    window.addEventListener('beforeunload', beforeUnload);
    return () => {
      window.removeEventListener('beforeunload', beforeUnload);
      m.destroy();
      modeler.current = null;
    };
  }, []);

  async function open(xml: string): Promise<void> {
    const m = modeler.current!;
    await m.importXML(xml);
    m.get('canvas').zoom('fit-viewport');
    setLint(null);
    setLintStale(false);
    setDirty(false);
    showLint(m, []);
  }

  useEffect(() => {
    let cancelled = false;
    setError(null);
    // Keep the "deployed" notice when this load is the version just deployed.
    setDeployed((d) => (d && d.deployment.deploymentId === deploymentId ? d : null));
    (async () => {
      if (deploymentId) {
        const detail = await api<DeploymentDetail>('GET', `/api/deployments/${encodeURIComponent(deploymentId)}`);
        const list = await api<{ items: Deployment[] }>('GET', '/api/deployments', { query: { bpmnProcessId: detail.bpmnProcessId } });
        if (cancelled) return;
        setBase(detail);
        setVersions(list.items);
        await open(detail.xml);
      } else {
        setBase(null);
        setVersions([]);
        await open(newProcessXml());
      }
    })().catch((e) => !cancelled && setError(e));
    return () => {
      cancelled = true;
    };
  }, [deploymentId, isNew]);

  async function currentXml(): Promise<string> {
    const { xml } = await modeler.current!.saveXML({ format: true });
    return xml ?? '';
  }

  async function runLint(keepError = false): Promise<LintResult | null> {
    setBusy('lint');
    if (!keepError) setError(null);
    try {
      const result = await api<LintResult>('POST', '/api/deployments/lint', { body: { xml: await currentXml() } });
      setLint(result);
      setLintStale(false);
      showLint(modeler.current!, result.problems);
      return result;
    } catch (e) {
      setError(e);
      return null;
    } finally {
      setBusy(null);
    }
  }

  async function deploy(e: Event): Promise<void> {
    e.preventDefault();
    if (!comment.trim()) {
      setError(new ApiError(422, 'VALIDATION_FAILED', t('editor.commentRequired'), [{ path: 'comment', reason: t('editor.commentRequired') }]));
      return;
    }
    setBusy('deploy');
    setError(null);
    try {
      if (approvalRequired) {
        // Governance switch: the supervisor approves the change before it is deployed.
        const cr = await api<ChangeRequest>('POST', '/api/deployments/change-requests', { body: { xml: await currentXml(), comment: comment.trim() } });
        setSubmitted(cr);
        setComment('');
        showToast(t('changes.submitted'));
        return;
      }
      const result = await api<DeployResult>('POST', '/api/deployments', { body: { xml: await currentXml(), comment: comment.trim() } });
      setDeployed(result);
      setComment('');
      showToast(t('editor.deployed', { process: result.deployment.name ?? result.deployment.bpmnProcessId, version: result.deployment.version }));
      navigate('/modeler/edit', { deployment: result.deployment.deploymentId });
    } catch (err) {
      setError(err);
      // Show the refused model's problems on the diagram.
      if (err instanceof ApiError && err.code === 'LINT_FAILED') {
        setBusy(null);
        await runLint(true);
      }
    } finally {
      setBusy(null);
    }
  }

  async function importFile(file: File | undefined): Promise<void> {
    if (!file) return;
    try {
      await open(await file.text());
      setBase(null);
      setVersions([]);
      setDirty(true);
    } catch (e) {
      setError(new Error(t('editor.importFailed', { message: (e as Error).message })));
    } finally {
      if (fileRef.current) fileRef.current.value = '';
    }
  }

  async function exportFile(): Promise<void> {
    const xml = await currentXml();
    const pid = /<bpmn:process[^>]*\sid="([^"]+)"/.exec(xml)?.[1] ?? 'process';
    const url = URL.createObjectURL(new Blob([xml], { type: 'application/xml' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `${pid}.bpmn`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  function focus(p: LintProblem): void {
    const m = modeler.current;
    const el = p.elementId && m?.get('elementRegistry').get(p.elementId);
    if (!m || !el) return;
    m.get('selection').select(el);
    m.get('canvas').scrollToElement(el);
  }

  const en = i18next.language === 'en';
  const stack = () => modeler.current?.get('commandStack');

  return (
    <section class="modeler-page" data-testid="modeler-page">
      <h1>{t('editorTitle')}{base ? ` · ${base.name ?? base.bpmnProcessId}` : ''}</h1>
      <div class="modeler-toolbar">
        <button type="button" data-testid="undo" disabled={!canUndo} onClick={() => stack()?.undo()}>{t('editor.undo')}</button>
        <button type="button" data-testid="redo" disabled={!canRedo} onClick={() => stack()?.redo()}>{t('editor.redo')}</button>
        <button type="button" onClick={() => fileRef.current?.click()}>{t('editor.import')}</button>
        <input ref={fileRef} type="file" accept=".bpmn,.xml,application/xml,text/xml" data-testid="import-file" onChange={(e) => importFile((e.target as HTMLInputElement).files?.[0])} />
        <button type="button" onClick={exportFile}>{t('editor.export')}</button>
        <button type="button" data-testid="lint" disabled={busy !== null} onClick={() => runLint()}>{busy === 'lint' ? t('editor.linting') : t('editor.lint')}</button>
        <span class="spacer" />
        {versions.length > 0 && (
          <label>
            {t('editor.history')}{' '}
            <select data-testid="version-select" value={deploymentId ?? ''} onChange={(e) => navigate('/modeler/edit', { deployment: (e.target as HTMLSelectElement).value })}>
              {versions.map((v) => (
                <option key={v.deploymentId} value={v.deploymentId}>
                  v{v.version}{v.latest ? ` (${t('list.latest')})` : ''} · {formatDateTime(v.createdAt)} · {v.deployedBy ?? ''}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      <div class="modeler-status" data-testid="modeler-status">
        {base ? `${t('editor.base')} v${base.version}` : t('editor.newBase')} ·{' '}
        {dirty ? <span class="dirty">{t('editor.dirty')}</span> : <span>{t('editor.clean')}</span>} · <span class="muted">{t('editor.keyboard')}</span>
      </div>
      <div class="modeler-workspace">
        <div class="modeler-canvas" ref={canvasRef} data-testid="modeler-canvas" />
        <div class="modeler-panel" ref={panelRef} data-testid="properties-panel" />
      </div>
      <ErrorBox error={error} />
      {deployed && deployed.deployment.previousDeploymentId && (
        <p data-testid="deployed">
          {t('editor.deployed', { process: deployed.deployment.name ?? deployed.deployment.bpmnProcessId, version: deployed.deployment.version })}{' '}
          <a href={`#/modeler/diff/${deployed.deployment.previousDeploymentId}/${deployed.deployment.deploymentId}`} data-testid="deployed-diff">{t('editor.viewDiff')}</a>
        </p>
      )}
      {submitted && (
        <p data-testid="change-submitted">
          {t('changes.submitted')} <a href={`#/modeler/changes/${submitted.id}`}>{t('changes.view')}</a>
        </p>
      )}
      {lint && (
        <div data-testid="lint-results">
          <h2>
            {t('editor.problems')}:{' '}
            {lint.errorCount === 0 ? <span class="lint-ok" data-testid="lint-ok">{t('editor.lintOk')}</span> : null}{' '}
            <span data-testid="lint-summary">{t('editor.lintSummary', { errors: lint.errorCount, warnings: lint.warningCount })}</span>
            {lintStale && <span class="muted"> · {t('editor.lintStale')}</span>}
          </h2>
          {lint.problems.length > 0 && (
            <ul class="lint-list">
              {lint.problems.map((p, i) => (
                <li key={i} class={p.severity} data-testid="lint-problem" data-element={p.elementId ?? ''} data-rule={p.rule} onClick={() => focus(p)}>
                  <span class="sev">{p.severity === 'error' ? t('editor.error') : t('editor.warning')}</span>
                  {p.elementId && <code>{p.elementId}</code>}
                  <span>{en ? p.messageEn : p.message}</span>
                  <code>{p.rule}</code>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <form class="deploy-form" onSubmit={deploy}>
        <textarea data-testid="deploy-comment" placeholder={t('editor.comment')} aria-label={t('editor.comment')} maxLength={1000} value={comment} onInput={(e) => setComment((e.target as HTMLTextAreaElement).value)} />
        <button type="submit" class="primary" data-testid="deploy" disabled={busy !== null}>{busy === 'deploy' ? t('editor.deploying') : approvalRequired ? t('changes.submit') : t('editor.deploy')}</button>
      </form>
    </section>
  );
}
