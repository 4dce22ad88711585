/**
 * Lint of a model before deploy: bpmnlint with camunda-compat's Camunda 8.8 rules (and a few of bpmnlint's own),
 * the app's checks (workers, forms, roles, document templates) and the engine's own deploy checks. The server lint
 * is authoritative: deploy runs it again and refuses on any error.
 */
import { Linter, type LintReport } from 'bpmnlint';
import NodeResolver from 'bpmnlint/lib/resolver/node-resolver.js';
import type { ModelProblem } from '../engine/port.ts';
import { lintMessageZh } from './lint-messages.ts';
import { candidateGroupNames, elementProperties, ext, isFeel, parseModel, type ModdleElement, type ParsedModel } from './model-read.ts';

export type Severity = 'error' | 'warning';

export interface LintProblem {
  /** The element the problem is on; null for the whole model. */
  elementId: string | null;
  rule: string;
  severity: Severity;
  /** zh-CN */
  message: string;
  messageEn: string;
}

export interface LintResult {
  bpmnProcessId: string | null;
  name: string | null;
  problems: LintProblem[];
  errorCount: number;
  warningCount: number;
}

export interface LintContext {
  /** Task types that have a registered worker. */
  taskTypes: () => readonly string[];
  formExists: (formId: string) => boolean;
  /** Template ids of `generate-document` tasks (templates/NN-<id>.hbs). */
  templateIds: () => readonly string[];
  /** Role names a candidate group may use. */
  roles: readonly string[];
  /** The engine's structural deploy checks (optional on the engine port). */
  validateModel?: (xml: string) => Promise<ModelProblem[]>;
}

/** The service task type whose `templateId` header names a document template. */
export const DOCUMENT_TASK_TYPE = 'generate-document';

const LINT_CONFIG = {
  extends: ['plugin:camunda-compat/camunda-cloud-8-8'],
  rules: {
    'end-event-required': 'error',
    'no-disconnected': 'error',
    'no-duplicate-sequence-flows': 'error',
    'label-required': 'warn',
    'no-implicit-split': 'warn',
    'fake-join': 'warn',
    'superfluous-gateway': 'warn',
  },
};

export async function lintModel(xml: string, ctx: LintContext): Promise<LintResult> {
  const model = await parseModel(xml);
  const problems: LintProblem[] = [];
  if (!model.process) {
    problems.push({ elementId: null, rule: 'app/executable-process', severity: 'error', message: '模型必须包含一个可执行流程 (isExecutable="true")', messageEn: 'the model needs an executable process (isExecutable="true")' });
  }
  problems.push(...(await bpmnlint(model)));
  problems.push(...appChecks(model, ctx));
  if (ctx.validateModel) problems.push(...engineChecks(await ctx.validateModel(xml), model));
  const unique = dedupe(problems);
  unique.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
  return {
    bpmnProcessId: model.process?.id ?? null,
    name: model.process?.name ?? null,
    problems: unique,
    errorCount: unique.filter((p) => p.severity === 'error').length,
    warningCount: unique.filter((p) => p.severity === 'warning').length,
  };
}

async function bpmnlint(model: ParsedModel): Promise<LintProblem[]> {
  // A new Linter per lint: a reused one reports false duplicate sequence flows (see STACK.md).
  const linter = new Linter({ config: LINT_CONFIG, resolver: new NodeResolver() });
  const results = await linter.lint(model.definitions);
  const out: LintProblem[] = [];
  for (const [rule, reports] of Object.entries(results)) {
    for (const r of reports as LintReport[]) {
      if (r.category === 'info') continue;
      out.push({
        elementId: r.id ?? null,
        rule,
        // A rule that crashed is reported as an error: the model was not fully checked.
        severity: r.category === 'warn' ? 'warning' : 'error',
        message: lintMessageZh(rule, r.message, r.data),
        messageEn: r.message,
      });
    }
  }
  return out;
}

function appChecks(model: ParsedModel, ctx: LintContext): LintProblem[] {
  const out: LintProblem[] = [];
  const types = new Set(ctx.taskTypes());
  const roles = new Set(ctx.roles);
  let templates: Set<string> | null = null;
  for (const el of model.elements.values()) {
    const id = el.id ?? null;
    const taskType = ext(el, 'zeebe:TaskDefinition')?.type as string | undefined;
    if (taskType && !isFeel(taskType) && !types.has(taskType)) {
      out.push({ elementId: id, rule: 'app/worker-registered', severity: 'error', message: `任务类型 "${taskType}" 没有已注册的处理程序（worker）`, messageEn: `task type "${taskType}" has no registered worker` });
    }
    if (taskType === DOCUMENT_TASK_TYPE) {
      const templateId = elementProperties(el)['header.templateId'];
      templates ??= new Set(ctx.templateIds());
      if (!templateId) {
        out.push({ elementId: id, rule: 'app/template-exists', severity: 'error', message: '生成文书任务缺少任务头 templateId', messageEn: 'generate-document task has no templateId header' });
      } else if (!templates.has(templateId)) {
        out.push({ elementId: id, rule: 'app/template-exists', severity: 'error', message: `文书模板 "${templateId}" 不存在于 templates/`, messageEn: `document template "${templateId}" does not exist in templates/` });
      }
    }
    if (el.$type !== 'bpmn:UserTask') continue;
    const formId = ext(el, 'zeebe:FormDefinition')?.formId as string | undefined;
    if (formId && (!/^[A-Za-z0-9_.-]{1,200}$/.test(formId) || !ctx.formExists(formId))) {
      out.push({ elementId: id, rule: 'app/form-exists', severity: 'error', message: `表单 "${formId}" 不存在于 forms/`, messageEn: `form "${formId}" does not exist in forms/` });
    }
    const groups = ext(el, 'zeebe:AssignmentDefinition')?.candidateGroups as string | undefined;
    if (groups) out.push(...candidateGroupProblems(id, groups, roles));
  }
  return out;
}

function candidateGroupProblems(id: string | null, value: string, roles: Set<string>): LintProblem[] {
  const out: LintProblem[] = [];
  const { names, dynamic } = candidateGroupNames(value);
  for (const name of names) {
    if (!roles.has(name)) {
      out.push({ elementId: id, rule: 'app/candidate-group-role', severity: 'error', message: `候选组 "${name}" 不是系统角色（可用：${[...roles].join(', ')}）`, messageEn: `candidate group "${name}" is not a known role` });
    }
  }
  if (dynamic) {
    out.push({ elementId: id, rule: 'app/candidate-group-role', severity: 'warning', message: `候选组由表达式 ${value} 在运行时决定，无法在部署前核对角色`, messageEn: `candidate groups come from the expression ${value} at run time and cannot be checked before deploy` });
  }
  return out;
}

/** The engine names the element at the start of a problem's path ("id (name).input[0]"). */
function engineChecks(found: ModelProblem[], model: ParsedModel): LintProblem[] {
  const ids = [...model.elements.keys()].sort((a, b) => b.length - a.length);
  return found.map((p) => {
    const elementId = ids.find((id) => p.path === id || [' ', '.', '['].some((sep) => p.path.startsWith(id + sep))) ?? null;
    return { elementId, rule: 'engine/deploy-check', severity: 'error' as const, message: `流程引擎无法运行：${p.reason}`, messageEn: `the engine cannot run this: ${p.path}: ${p.reason}` };
  });
}

function dedupe(list: LintProblem[]): LintProblem[] {
  const seen = new Set<string>();
  return list.filter((p) => {
    const key = `${p.elementId}|${p.rule}|${p.messageEn}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Lint problems as the error details of a refused deploy: path = element id. */
export function lintDetails(problems: LintProblem[]): { path: string; reason: string }[] {
  return problems.map((p) => ({ path: p.elementId ?? 'model', reason: `[${p.rule}] ${p.message} (${p.messageEn})` }));
}

export type { ModdleElement };
