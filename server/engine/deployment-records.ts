/**
 * What both adapters do alike with deployed models: they record every deployment in `engine_deployments`
 * (Zeebe under its definition key), list and read those rows the same way, and check a model with the one
 * compiler (server/engine/embedded/model.ts) so that both modes accept and refuse the same models.
 */
import type { DeploymentInfo, DeploymentView, ModelProblem } from './port.ts';
import { compileModel, ModelError, type CompiledModel } from './embedded/model.ts';
import type { defineEngineModels } from './embedded/store.ts';

type DeploymentModel = ReturnType<typeof defineEngineModels>['Deployment'];

/** Worker and form checks are the caller's (deploy, the modeller's lint); these options skip them. */
const WITHOUT_WORKER_OR_FORM_CHECKS = { taskTypes: { has: () => true } as unknown as Set<string>, formExists: () => true };

/** A deployment row as the port shows it. */
export function toDeploymentInfo(row: Record<string, unknown>): DeploymentInfo {
  return {
    deploymentId: row.id as string,
    bpmnProcessId: row.bpmnProcessId as string,
    name: (row.name as string | null) ?? null,
    version: row.version as number,
    resourceName: row.resourceName as string,
    contentHash: row.contentHash as string,
    deployedBy: (row.deployedBy as string | null) ?? null,
    comment: (row.comment as string | null) ?? null,
    createdAt: new Date(row.createdAt as string).toISOString(),
  };
}

export async function listDeploymentRecords(Deployment: DeploymentModel, filter: { bpmnProcessId?: string } = {}): Promise<DeploymentInfo[]> {
  const rows = await Deployment.findAll({
    where: filter.bpmnProcessId ? { bpmnProcessId: filter.bpmnProcessId } : {},
    attributes: { exclude: ['xml'] },
    order: [['bpmnProcessId', 'ASC'], ['version', 'DESC']],
  });
  return rows.map((r) => toDeploymentInfo(r as unknown as Record<string, unknown>));
}

export async function getDeploymentRecord(Deployment: DeploymentModel, deploymentId: string): Promise<DeploymentView | null> {
  const row = await Deployment.findByPk(deploymentId);
  return row ? { ...toDeploymentInfo(row as unknown as Record<string, unknown>), xml: row.xml as string } : null;
}

/** The model's problems by the engine's own rules (empty when it would deploy). */
export async function validateModelXml(xml: string): Promise<ModelProblem[]> {
  try {
    await compileModel(xml, WITHOUT_WORKER_OR_FORM_CHECKS);
    return [];
  } catch (err) {
    if (err instanceof ModelError) return err.problems;
    throw err;
  }
}

/** Compiles a model that was accepted once (a worker may be gone since: its jobs then raise incidents). */
export function compileDeployed(xml: string): Promise<CompiledModel> {
  return compileModel(xml, WITHOUT_WORKER_OR_FORM_CHECKS);
}
