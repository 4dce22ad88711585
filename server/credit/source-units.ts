/** The member bureaus that supply credit records (data in source-units.json, editable without a code change). */
import fs from 'node:fs';

export interface SourceUnit {
  key: string;
  name: string;
  short: string;
  active: boolean;
}

const data = JSON.parse(fs.readFileSync(new URL('./source-units.json', import.meta.url), 'utf8')) as { units: SourceUnit[] };

export function sourceUnits(): SourceUnit[] {
  return data.units;
}

export function sourceUnit(key: string): SourceUnit | undefined {
  return data.units.find((u) => u.key === key);
}
