/**
 * Request validation with zod: typed data or a 422 VALIDATION_FAILED listing every failing field as
 * { path, reason }. Object schemas are meant to be `.strict()`, so unknown fields are named and rejected.
 * Messages are zh-CN (zod's built-in locale).
 */
import type { Request } from 'express';
import { z } from 'zod';
import { validationFailed, type ErrorDetail } from '../errors.ts';

z.config(z.locales.zhCN());

type Where = 'body' | 'query' | 'params';

const whereLabel: Record<Where, string> = {
  body: '请求体 (request body)',
  query: '查询参数 (query parameters)',
  params: '路径参数 (path parameters)',
};

export function issuesToDetails(issues: z.core.$ZodIssue[], where: Where): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  for (const issue of issues) {
    const base = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        details.push({ path: [...base, key].join('.'), reason: `不允许的字段 (unknown field "${key}")` });
      }
      continue;
    }
    details.push({ path: base.length ? base.join('.') : where, reason: issue.message });
  }
  return details;
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown, where: Where): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = issuesToDetails(result.error.issues, where);
  const fields = details.map((d) => d.path).join(', ');
  throw validationFailed(`${whereLabel[where]}校验失败：${fields} (validation failed)`, details);
}

/** The JSON body; a request without a body is validated as `{}`. */
export function parseBody<S extends z.ZodType>(schema: S, req: Request): z.output<S> {
  return parseWith(schema, req.body === undefined ? {} : req.body, 'body');
}

export function parseQuery<S extends z.ZodType>(schema: S, req: Request): z.output<S> {
  return parseWith(schema, { ...req.query }, 'query');
}

export function parseParams<S extends z.ZodType>(schema: S, req: Request): z.output<S> {
  return parseWith(schema, { ...req.params }, 'params');
}

/** Engine keys and other opaque ids in paths. */
export const idParam = z
  .string()
  .regex(/^[A-Za-z0-9_.:-]{1,64}$/, '标识格式不正确 (malformed id)');

/** Process variables: a JSON object, ≤ 100 keys named like identifiers, ≤ 256 KB. */
export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const MAX_VARIABLE_KEYS = 100;
export const MAX_VARIABLES_BYTES = 256 * 1024;

export const variablesSchema = z
  .record(z.string(), z.unknown())
  .superRefine((vars, ctx) => {
    const keys = Object.keys(vars);
    for (const key of keys) {
      if (!VARIABLE_NAME.test(key)) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `变量名 "${key}" 不合法，只能由字母、数字、下划线组成且不以数字开头 (invalid variable name)`,
        });
      }
    }
    if (keys.length > MAX_VARIABLE_KEYS) {
      ctx.addIssue({ code: 'custom', message: `变量不能超过 ${MAX_VARIABLE_KEYS} 个，实际 ${keys.length} 个 (too many variables)` });
    }
    const bytes = Buffer.byteLength(JSON.stringify(vars), 'utf8');
    if (bytes > MAX_VARIABLES_BYTES) {
      ctx.addIssue({ code: 'custom', message: `变量总大小不能超过 256 KB，实际 ${Math.ceil(bytes / 1024)} KB (variables too large)` });
    }
  });

/** For actions that take no body: a body, if sent, must be `{}` (unknown fields are named and rejected). */
export const emptyBody = z.object({}).strict();
