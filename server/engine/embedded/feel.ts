/**
 * FEEL (Camunda 8's expression language) for conditions, mappings, assignments and timers, via @bpmn-io/feelin.
 * Expressions are strings starting with "="; anything else is a literal.
 */
import { evaluate, parseExpression } from '@bpmn-io/feelin';

export function isFeel(value: unknown): value is string {
  return typeof value === 'string' && value.trimStart().startsWith('=');
}

/** Returns the syntax problem of an expression, or null when it parses. */
export function feelSyntaxError(expression: string): string | null {
  const body = expression.trimStart().slice(1);
  if (!body.trim()) return 'empty expression';
  const tree = parseExpression(body, {}, undefined);
  let problem: string | null = null;
  tree.iterate({
    enter(node) {
      if (problem) return false;
      if (node.type.isError) {
        problem = `syntax error at character ${node.from + 1}: "${body.slice(Math.max(0, node.from - 10), node.to + 10)}"`;
        return false;
      }
      return undefined;
    },
  });
  return problem;
}

export class FeelError extends Error {
  constructor(
    readonly expression: string,
    message: string,
  ) {
    super(message);
    this.name = 'FeelError';
  }
}

/** Evaluates "=expr" against the variables; literals are returned as they are. Values are plain JSON-ish. */
export function evalFeel(expression: unknown, variables: Record<string, unknown>): unknown {
  if (!isFeel(expression)) return expression;
  const body = expression.trimStart().slice(1);
  try {
    const { value } = evaluate(body, variables) as { value: unknown };
    return toPlain(value);
  } catch (err) {
    throw new FeelError(expression, `FEEL expression ${expression} failed: ${(err as Error).message}`);
  }
}

/** feelin returns Luxon objects for dates and durations; the engine stores plain JSON. */
function toPlain(value: unknown): unknown {
  if (value && typeof value === 'object') {
    const v = value as { toISO?: () => string; isLuxonDateTime?: boolean };
    if (typeof v.toISO === 'function') return v.toISO();
    if (Array.isArray(value)) return value.map(toPlain);
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(value)) out[k] = toPlain(x);
    return out;
  }
  return value;
}
