// bpmnlint and bpmn-js-differ ship no usable declarations for Node; the modeller reads their output through these narrow types.
declare module 'bpmnlint' {
  export interface LintReport {
    id?: string;
    message: string;
    path?: (string | number)[];
    data?: Record<string, unknown>;
    name?: string;
    category: 'error' | 'warn' | 'info' | 'rule-error';
  }
  export class Linter {
    constructor(options: { config: Record<string, unknown>; resolver: unknown });
    lint(definitions: unknown): Promise<Record<string, LintReport[]>>;
  }
}
declare module 'bpmnlint/lib/resolver/node-resolver.js' {
  export default class NodeResolver {
    constructor(options?: Record<string, unknown>);
  }
}
declare module 'bpmn-js-differ' {
  export function diff(
    oldDefinitions: unknown,
    newDefinitions: unknown,
  ): {
    _added: Record<string, unknown>;
    _removed: Record<string, unknown>;
    _changed: Record<string, { model: unknown; attrs: Record<string, { oldValue: unknown; newValue: unknown }> }>;
    _layoutChanged: Record<string, unknown>;
  };
}
