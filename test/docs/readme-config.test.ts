/** The README's configuration table stays in sync with CONFIG_VARIABLES in server/config.ts. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { CONFIG_VARIABLES } from '../../server/config.ts';

const README = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'README.md');

/** Rows of the first table after the "## Configuration" heading: variable → default (backticks removed). */
export function readmeConfigTable(markdown: string): Map<string, string> {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => /^##\s+Configuration\b/.test(l));
  if (start < 0) throw new Error('README has no "## Configuration" section');
  const rows = new Map<string, string>();
  let inTable = false;
  for (const line of lines.slice(start + 1)) {
    if (/^##\s/.test(line)) break;
    if (!line.startsWith('|')) {
      if (inTable) break;
      continue;
    }
    inTable = true;
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    const name = /^`([A-Z][A-Z0-9_]*)`$/.exec(cells[0] ?? '')?.[1];
    if (!name) continue; // header and separator rows
    rows.set(name, (cells[1] ?? '').replace(/^`|`$/g, ''));
  }
  return rows;
}

describe('README configuration table', function () {
  const table = readmeConfigTable(fs.readFileSync(README, 'utf8'));

  it('lists every variable of CONFIG_VARIABLES', function () {
    const missing = CONFIG_VARIABLES.map((v) => v.name).filter((n) => !table.has(n));
    expect(missing, 'add these rows to the README table').to.deep.equal([]);
  });

  it('lists no variable that the server does not read', function () {
    const known = new Set(CONFIG_VARIABLES.map((v) => v.name));
    expect([...table.keys()].filter((n) => !known.has(n)), 'remove these rows or add them to CONFIG_VARIABLES').to.deep.equal([]);
  });

  it('shows the same defaults as the code', function () {
    for (const v of CONFIG_VARIABLES) {
      if (table.has(v.name)) expect(table.get(v.name), v.name).to.equal(v.default);
    }
  });

  it('reads the table it is meant to read', function () {
    const sample = readmeConfigTable('# x\n## Configuration\ntext\n\n| variable | default | meaning |\n|---|---|---|\n| `A_B` | `1` | a |\n| `C` | `` | c |\n\n| `NOT_THIS` | x | y |\n## Next\n| `D` | 1 | d |\n');
    expect([...sample.entries()]).to.deep.equal([
      ['A_B', '1'],
      ['C', ''],
    ]);
    expect(() => readmeConfigTable('# no such section')).to.throw(/Configuration/);
  });
});
