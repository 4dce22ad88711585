/**
 * Procurement thresholds are data, versioned by effective date (thresholds.json), never literals in code or models.
 * The entry in force on a day (Asia/Shanghai) is the latest whose effectiveFrom is not after that day.
 */
import fs from 'node:fs';
import { z } from 'zod';
import { businessDate } from '../calendar/deadlines.ts';

export type Level = 'county' | 'city' | 'province';

const entry = z.object({
  effectiveFrom: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  level: z.enum(['county', 'city', 'province']),
  goodsServicesFen: z.number().int().positive(),
  basis: z.string().min(1),
});
const file = z.object({ _note: z.string().optional(), openTender: z.array(entry).min(1) });
export type ThresholdEntry = z.infer<typeof entry>;

let cached: ThresholdEntry[] | null = null;

export function loadThresholds(path = new URL('./thresholds.json', import.meta.url)): ThresholdEntry[] {
  return file.parse(JSON.parse(fs.readFileSync(path, 'utf8'))).openTender;
}

/** The open-tender threshold in force at `at` for that level, with its legal basis. */
export function openTenderThreshold(at: Date, level: Level = 'county', entries: ThresholdEntry[] = (cached ??= loadThresholds())): ThresholdEntry {
  const day = businessDate(at);
  const inForce = entries
    .filter((e) => e.level === level && e.effectiveFrom <= day)
    .sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? 1 : -1))[0];
  if (!inForce) throw new Error(`no ${level} open-tender threshold is in force on ${day} (server/procurement/thresholds.json)`);
  return inForce;
}
