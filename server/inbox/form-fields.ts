/**
 * The variable names a Camunda form can submit: the top-level part of every field `key` and of every group or
 * dynamic list `path`. A completion may set only these, so a task cannot be used to write variables that belong
 * to other steps (e.g. a forged approval decision). Full value validation against the form comes with the inbox UI.
 */
import { validationFailed } from '../errors.ts';

interface Component {
  key?: unknown;
  path?: unknown;
  components?: unknown;
}

export function formFieldKeys(form: Record<string, unknown>): Set<string> {
  const keys = new Set<string>();
  const stack: unknown[] = [form.components];
  while (stack.length) {
    const list = stack.pop();
    if (!Array.isArray(list)) continue;
    for (const c of list as Component[]) {
      if (!c || typeof c !== 'object') continue;
      if (typeof c.path === 'string' && c.path) {
        keys.add(c.path.split('.')[0]!);
        continue; // everything inside is nested under the path
      }
      if (typeof c.key === 'string' && c.key) keys.add(c.key.split('.')[0]!);
      if (c.components) stack.push(c.components);
    }
  }
  return keys;
}

/** Refuses (422, naming each) variables that the task's form does not have. */
export function assertFormVariables(form: Record<string, unknown> | null, formId: string | null, variables: Record<string, unknown>): void {
  const names = Object.keys(variables);
  if (!names.length) return;
  if (!form) {
    throw validationFailed(`任务表单 ${formId ?? ''} 不可用，不能提交变量 (the task's form is unavailable)`, names.map((n) => ({ path: `variables.${n}`, reason: 'the task has no readable form' })));
  }
  const allowed = formFieldKeys(form);
  const unknown = names.filter((n) => !allowed.has(n));
  if (unknown.length) {
    throw validationFailed(
      `表单 ${formId} 中没有这些字段 (not fields of the task's form): ${unknown.join(', ')}`,
      unknown.map((n) => ({ path: `variables.${n}`, reason: `not a field of form ${formId}` })),
    );
  }
}
