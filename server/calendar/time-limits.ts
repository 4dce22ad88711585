/**
 * Legal time limits as data (time-limits.json), versioned by effective date: the set in force on a day
 * (Asia/Shanghai) is the latest version whose effectiveFrom is not after it. Rules keep the brief's ids
 * (T1…T34, W1…, A1…) so models and documents can cite them.
 */
import fs from 'node:fs';
import { z } from 'zod';

const rule = z
  .object({
    id: z.string().regex(/^[A-Z]\d+[a-z]?$/),
    event: z.string().min(1),
    value: z.number().optional(),
    dayType: z.enum(['WD', 'CD']).optional(),
    /** 'before': counted back from the event the anchor names (e.g. a clarification ≥15 days before the bid deadline). */
    direction: z.enum(['after', 'before']).optional(),
    basis: z.string().min(1),
    verified: z.enum(['V', 'S', 'M']),
  })
  .passthrough();

const version = z.object({
  effectiveFrom: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  source: z.string().min(1),
  rollForward: z.enum(['none', 'holidays', 'nonWorking']),
  rules: z.array(rule).min(1),
});

const file = z.object({ _note: z.string().optional(), versions: z.array(version).min(1) });

export type TimeLimitRule = z.infer<typeof rule>;
export type TimeLimitVersion = z.infer<typeof version>;

export const TIME_LIMITS_FILE = new URL('./time-limits.json', import.meta.url);

export function loadTimeLimits(path: URL | string = TIME_LIMITS_FILE): TimeLimitVersion[] {
  const parsed = file.parse(JSON.parse(fs.readFileSync(path, 'utf8')));
  for (const v of parsed.versions) {
    const ids = new Set<string>();
    for (const r of v.rules) {
      if (ids.has(r.id)) throw new Error(`time-limits.json: rule ${r.id} appears twice in version ${v.effectiveFrom}`);
      ids.add(r.id);
    }
  }
  return [...parsed.versions].sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
}

export class TimeLimitNotFound extends Error {}

export class TimeLimits {
  constructor(private readonly versions: TimeLimitVersion[] = loadTimeLimits()) {}

  /** The version in force on `date` (YYYY-MM-DD), or null before the first one. */
  versionOn(date: string): TimeLimitVersion | null {
    let found: TimeLimitVersion | null = null;
    for (const v of this.versions) if (v.effectiveFrom <= date) found = v;
    return found;
  }

  rule(id: string, date: string): { rule: TimeLimitRule; version: TimeLimitVersion } {
    const version = this.versionOn(date);
    if (!version) throw new TimeLimitNotFound(`${date} 没有生效的法定时限规则 (no time-limit rules in force on ${date})`);
    const r = version.rules.find((x) => x.id === id);
    if (!r) throw new TimeLimitNotFound(`法定时限规则 ${id} 不存在 (no time-limit rule ${id} in force on ${date})`);
    return { rule: r, version };
  }
}
