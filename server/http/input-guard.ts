/**
 * Checks every request's query and JSON body before any route sees it: no NUL character anywhere (SQLite ends a
 * statement at NUL, and no Chinese or English text needs one) and no nesting deeper than MAX_DEPTH (deep input
 * overflows the stack of JSON.stringify and of recursive code). Iterative, so hostile input cannot overflow it.
 */
import type { NextFunction, Request, Response } from 'express';
import { validationFailed } from '../errors.ts';

export const MAX_DEPTH = 32;

export function findInputProblem(root: unknown, rootPath: string): { path: string; reason: string } | null {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: root, path: rootPath, depth: 0 }];
  while (stack.length) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return { path, reason: '不能包含 NUL 字符 (must not contain a NUL character)' };
      continue;
    }
    if (!value || typeof value !== 'object') continue;
    if (depth >= MAX_DEPTH) return { path, reason: `嵌套层级不能超过 ${MAX_DEPTH} (nested deeper than ${MAX_DEPTH} levels)` };
    for (const [k, v] of Object.entries(value)) {
      if (k.includes('\u0000')) return { path, reason: '字段名不能包含 NUL 字符 (a key contains a NUL character)' };
      stack.push({ value: v, path: path ? `${path}.${k}` : k, depth: depth + 1 });
    }
  }
  return null;
}

export function inputGuard(req: Request, _res: Response, next: NextFunction): void {
  const problem = findInputProblem(req.query, 'query') ?? findInputProblem(req.body, '');
  if (problem) throw validationFailed(`请求内容不合法: ${problem.path || 'body'} ${problem.reason}`, [{ path: problem.path || 'body', reason: problem.reason }]);
  next();
}
