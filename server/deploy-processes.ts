/** Deploys every *.bpmn in PROCESSES_DIR at start-up; a model the engine refuses stops start-up with its error. */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { DeployResult, EnginePort } from './engine/port.ts';
import { AppError } from './errors.ts';

export class ProcessDeployError extends Error {
  constructor(file: string, cause: unknown) {
    const details =
      cause instanceof AppError && cause.details.length
        ? '\n' + cause.details.map((d) => `  ${d.path}: ${d.reason}`).join('\n')
        : '';
    super(`流程模型 ${file} 部署失败 (cannot deploy): ${(cause as Error).message}${details}`);
    this.name = 'ProcessDeployError';
  }
}

export async function deployProcesses(engine: EnginePort, dir: string): Promise<DeployResult[]> {
  const absolute = path.resolve(dir);
  let files: string[];
  try {
    files = (await fs.readdir(absolute)).filter((f) => f.endsWith('.bpmn')).sort();
  } catch (err) {
    throw new Error(`PROCESSES_DIR ${absolute} 无法读取 (cannot read): ${(err as Error).message}`);
  }
  const results: DeployResult[] = [];
  for (const file of files) {
    const xml = await fs.readFile(path.join(absolute, file), 'utf8');
    try {
      results.push(await engine.deploy({ xml, resourceName: file, deployedBy: 'system' }));
    } catch (err) {
      throw new ProcessDeployError(file, err);
    }
  }
  return results;
}
