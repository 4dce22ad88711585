/**
 * Deployments as the modeller sees them: every version of every process (the engine keeps XML and version; the
 * modeller's record adds source, previous version, diff and accepted warnings), lint, deploy-after-lint and diff.
 * The record is written by a `deployment.created` listener, i.e. in the engine's own deploy transaction.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Clock } from '../clock.ts';
import type { Database } from '../db.ts';
import type { DeploymentInfo, DeploymentView, EngineChange, EnginePort } from '../engine/port.ts';
import { AppError, conflict, notFound } from '../errors.ts';
import { ROLES } from '../auth/roles.ts';
import { templateIds as catalogueTemplateIds, TEMPLATES_DIR } from '../documents/catalogue.ts';
import { diffModels, emptyDiff, type ModelDiff } from './diff.ts';
import { lintDetails, lintModel, type LintContext, type LintProblem, type LintResult } from './lint.ts';
import { defineModelerModels, type DeploymentRecordRow, type DeploymentSource } from './models.ts';

export interface DeploymentSummary extends DeploymentInfo {
  source: DeploymentSource;
  previousDeploymentId: string | null;
  /** Newest version of its process: new instances start on it. */
  latest: boolean;
  diffSummary: ModelDiff['summary'] | null;
}

export interface DeploymentDetail extends DeploymentSummary {
  xml: string;
  diff: ModelDiff;
  lintWarnings: LintProblem[];
}

export interface DeployInput {
  xml: string;
  comment: string;
  resourceName?: string;
  username: string;
}

export interface DeployOutcome {
  deployment: DeploymentSummary;
  diff: ModelDiff;
  warnings: LintProblem[];
}

export interface DeploymentServiceDeps {
  db: Database;
  engine: EnginePort;
  clock: Clock;
  formsDir: string;
  templatesDir?: string;
  /** PROCESS_CHANGE_APPROVAL (read on each request): deploys go through a change request the supervisor approves. */
  approvalRequired?: () => boolean;
}

/** The documents component's naming rule: templates/NN-<id>.hbs (used for a templatesDir other than the catalogue's). */
const TEMPLATE_FILE = /^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.hbs$/;

export function templateIdsIn(dir: string): string[] {
  try {
    return fs.readdirSync(dir).map((f) => TEMPLATE_FILE.exec(f)?.[2]).filter((id): id is string => !!id);
  } catch {
    return [];
  }
}

/** Runs `fn` after every earlier call with the same key has settled (one Node process; the key is a process id). */
export function keyedLock(): <T>(key: string, fn: () => Promise<T>) => Promise<T> {
  const locks = new Map<string, Promise<unknown>>();
  return async (key, fn) => {
    const prev = locks.get(key) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(fn);
    locks.set(key, next);
    try {
      return await next;
    } finally {
      if (locks.get(key) === next) locks.delete(key);
    }
  };
}

const attached = new WeakSet<EnginePort>();

/**
 * Records every new deployment in `deployment_records`, in the deploy's transaction. Idempotent per engine; call it
 * before processes/ is deployed at start so shipped versions are recorded as 'shipped'.
 */
export function attachDeploymentRecorder(engine: EnginePort, db: Database): void {
  if (attached.has(engine)) return;
  attached.add(engine);
  const { DeploymentRecord, ChangeRequest } = defineModelerModels(db.sequelize);
  engine.onChange(async (change: EngineChange, tx) => {
    if (change.kind !== 'deployment.created') return;
    const meta = (change.data.metadata ?? {}) as DeployMetadata;
    await DeploymentRecord.create(
      {
        deploymentId: change.objectId,
        bpmnProcessId: String(change.data.bpmnProcessId),
        version: Number(change.data.version),
        source: meta.source ?? (change.actor === 'system' ? 'shipped' : 'engine'),
        previousDeploymentId: meta.previousDeploymentId ?? null,
        changeRequestId: meta.changeRequest?.id ?? null,
        diff: meta.diff ? JSON.stringify(meta.diff) : null,
        lintWarnings: meta.lintWarnings?.length ? JSON.stringify(meta.lintWarnings) : null,
        createdAt: change.at,
      },
      { transaction: tx },
    );
    if (meta.changeRequest) {
      const cr = meta.changeRequest;
      await ChangeRequest.update(
        { status: 'deployed', deploymentId: change.objectId, decidedBy: cr.decidedBy, decidedAt: change.at, decisionComment: cr.decisionComment },
        { where: { id: cr.id, status: 'pending' }, transaction: tx },
      );
    }
  });
}

/** What the modeller passes through `DeployRequest.metadata` to the recorder. */
export interface DeployMetadata {
  source?: DeploymentSource;
  previousDeploymentId?: string | null;
  diff?: ModelDiff;
  lintWarnings?: LintProblem[];
  /** Set when an approved change request is deployed: marked deployed in the same transaction. */
  changeRequest?: { id: string; decidedBy: string | null; decisionComment: string | null };
}

export function createDeploymentService(deps: DeploymentServiceDeps) {
  const { engine, db } = deps;
  const { DeploymentRecord } = defineModelerModels(db.sequelize);
  const formsDir = path.resolve(deps.formsDir);
  // The documents catalogue is the source of template ids; a catalogue that fails to load falls back to the file names.
  const templateIdsNow = deps.templatesDir
    ? () => templateIdsIn(deps.templatesDir!)
    : () => {
        try {
          return catalogueTemplateIds();
        } catch {
          return templateIdsIn(TEMPLATES_DIR);
        }
      };
  /** Deploys one process at a time, so the diff is always against the version the new one follows. */
  const withProcessLock = keyedLock();

  const lintContext: LintContext = {
    taskTypes: () => engine.taskTypes(),
    formExists: (id) => fs.existsSync(path.join(formsDir, `${id}.form`)),
    templateIds: templateIdsNow,
    roles: ROLES,
    validateModel: engine.validateModel ? (xml) => engine.validateModel!(xml) : undefined,
  };

  function requireListing(): Required<Pick<EnginePort, 'listDeployments' | 'getDeployment'>> {
    if (!engine.listDeployments || !engine.getDeployment) {
      throw new AppError(503, 'NOT_SUPPORTED', `流程引擎 ${engine.kind} 不提供部署版本列表 (this engine adapter cannot list deployments)`);
    }
    return { listDeployments: engine.listDeployments.bind(engine), getDeployment: engine.getDeployment.bind(engine) };
  }

  async function records(ids: string[]): Promise<Map<string, DeploymentRecordRow>> {
    if (!ids.length) return new Map();
    const rows = await DeploymentRecord.findAll({ where: { deploymentId: ids } });
    return new Map(rows.map((r) => [r.deploymentId, r]));
  }

  function summarize(info: DeploymentInfo, rec: DeploymentRecordRow | undefined, all: DeploymentInfo[]): DeploymentSummary {
    const sameProcess = all.filter((d) => d.bpmnProcessId === info.bpmnProcessId);
    const previous = sameProcess.filter((d) => d.version < info.version).sort((a, b) => b.version - a.version)[0];
    const diff = rec?.diff ? (JSON.parse(rec.diff) as ModelDiff) : null;
    return {
      ...info,
      source: rec?.source ?? (info.deployedBy === 'system' ? 'shipped' : 'engine'),
      previousDeploymentId: rec?.previousDeploymentId ?? previous?.deploymentId ?? null,
      latest: !sameProcess.some((d) => d.version > info.version),
      diffSummary: diff?.summary ?? (previous ? null : emptyDiff().summary),
    };
  }

  async function list(filter: { bpmnProcessId?: string } = {}): Promise<DeploymentSummary[]> {
    const { listDeployments } = requireListing();
    // Newest first within each process, whatever order the adapter lists them in.
    const all = (await listDeployments(filter)).sort((a, b) => a.bpmnProcessId.localeCompare(b.bpmnProcessId) || b.version - a.version);
    const recs = await records(all.map((d) => d.deploymentId));
    return all.map((d) => summarize(d, recs.get(d.deploymentId), all));
  }

  async function load(id: string): Promise<DeploymentView> {
    const found = await requireListing().getDeployment(id);
    if (!found) throw notFound('部署版本 (deployment)', id);
    return found;
  }

  async function get(id: string): Promise<DeploymentDetail> {
    const view = await load(id);
    const all = await requireListing().listDeployments({ bpmnProcessId: view.bpmnProcessId });
    const rec = (await records([id])).get(id);
    const summary = summarize(view, rec, all);
    let diff: ModelDiff;
    if (rec?.diff) diff = JSON.parse(rec.diff) as ModelDiff;
    else if (summary.previousDeploymentId) diff = await diffModels((await load(summary.previousDeploymentId)).xml, view.xml);
    else diff = emptyDiff();
    return { ...summary, diffSummary: diff.summary, xml: view.xml, diff, lintWarnings: rec?.lintWarnings ? (JSON.parse(rec.lintWarnings) as LintProblem[]) : [] };
  }

  async function diff(fromId: string, toId: string): Promise<{ from: DeploymentInfo; to: DeploymentInfo; diff: ModelDiff }> {
    const [from, to] = await Promise.all([load(fromId), load(toId)]);
    const { xml: _a, ...fromInfo } = from;
    const { xml: _b, ...toInfo } = to;
    return { from: fromInfo, to: toInfo, diff: await diffModels(from.xml, to.xml) };
  }

  function lint(xml: string): Promise<LintResult> {
    return lintModel(xml, lintContext);
  }

  /** Lint for a deploy: 422 LINT_FAILED on any error; otherwise the process id and the accepted warnings. */
  async function lintForDeploy(xml: string): Promise<{ bpmnProcessId: string; name: string | null; warnings: LintProblem[] }> {
    const result = await lint(xml);
    const errors = result.problems.filter((p) => p.severity === 'error');
    if (errors.length || !result.bpmnProcessId) {
      throw new AppError(422, 'LINT_FAILED', `模型检查发现 ${errors.length} 个错误，未部署 (lint found ${errors.length} errors; nothing deployed)`, lintDetails(errors));
    }
    return { bpmnProcessId: result.bpmnProcessId, name: result.name, warnings: result.problems.filter((p) => p.severity === 'warning') };
  }

  /** The current version of a process and the diff of `xml` against it; 409 NO_CHANGES when identical. */
  async function changesAgainstLatest(bpmnProcessId: string, xml: string): Promise<{ previous: DeploymentInfo | undefined; diff: ModelDiff }> {
    const previous = (await requireListing().listDeployments({ bpmnProcessId })).sort((a, b) => b.version - a.version)[0];
    const hash = crypto.createHash('sha256').update(xml).digest('hex');
    if (previous && previous.contentHash === hash) {
      throw conflict(`模型与当前版本 v${previous.version} 完全相同，未创建新版本 (identical to the current version)`, 'NO_CHANGES');
    }
    return { previous, diff: previous ? await diffModels((await load(previous.deploymentId)).xml, xml) : emptyDiff() };
  }

  async function deploy(input: DeployInput): Promise<DeployOutcome> {
    if (deps.approvalRequired?.()) {
      throw conflict('已启用流程变更审批：请提交变更审批，监督审批通过后部署 (PROCESS_CHANGE_APPROVAL is on: submit a change request)', 'CHANGE_APPROVAL_REQUIRED');
    }
    const { bpmnProcessId, warnings } = await lintForDeploy(input.xml);
    return deployLinted(bpmnProcessId, input, warnings);
  }

  /** Deploys a model that passed the lint, under the process lock (one deploy per process at a time), recording the diff against the version it follows. */
  async function deployLinted(bpmnProcessId: string, input: DeployInput, warnings: LintProblem[], changeRequest?: DeployMetadata['changeRequest']): Promise<DeployOutcome> {
    return withProcessLock(bpmnProcessId, async () => {
      const { listDeployments } = requireListing();
      const { previous: prevInfo, diff: changes } = await changesAgainstLatest(bpmnProcessId, input.xml);
      const metadata: DeployMetadata = { source: 'ui', previousDeploymentId: prevInfo?.deploymentId ?? null, diff: changes, lintWarnings: warnings, changeRequest };
      const deployed = await engine.deploy({
        xml: input.xml,
        resourceName: input.resourceName ?? `${bpmnProcessId}.bpmn`,
        deployedBy: input.username,
        comment: input.comment,
        metadata: metadata as Record<string, unknown>,
      });
      const all = await listDeployments({ bpmnProcessId });
      const info = all.find((d) => d.deploymentId === deployed.deploymentId)!;
      const rec = (await records([info.deploymentId])).get(info.deploymentId);
      return { deployment: summarize(info, rec, all), diff: changes, warnings };
    });
  }

  return { list, get, diff, lint, deploy, load, lintForDeploy, changesAgainstLatest, deployLinted, approvalRequired: () => deps.approvalRequired?.() ?? false };
}

export type DeploymentService = ReturnType<typeof createDeploymentService>;
