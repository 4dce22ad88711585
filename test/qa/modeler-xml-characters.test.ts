/**
 * QA: XML 1.0 forbids some characters outright (NUL and most C0 controls, lone surrogates, U+FFFE/U+FFFF, code
 * points above U+10FFFF), whether written raw or as a character reference. Zeebe's parser refuses such a model; our
 * lint passed it as clean, so a deploy could succeed here and fail on the production engine. The guard refuses it
 * naming the line.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { ROLES } from '../../server/auth/roles.ts';
import { AppError } from '../../server/errors.ts';
import { lintModel } from '../../server/modeler/lint.ts';

const fixturesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
const BASE = fs.readFileSync(path.join(fixturesDir, 'api-approval.bpmn'), 'utf8');
const ctx = { taskTypes: () => [], formExists: () => true, templateIds: () => [], roles: ROLES };

async function refusal(xml: string): Promise<AppError> {
  try {
    await lintModel(xml, ctx);
  } catch (err) {
    return err as AppError;
  }
  throw new Error('linted without refusing');
}

describe('QA modeller: characters XML 1.0 does not allow', () => {
  for (const [what, name] of [
    ['a NUL character reference', '&#0;'],
    ['a control character reference', '申请&#x1B;'],
    ['a reference beyond U+10FFFF', '&#x110000;'],
    ['a surrogate reference', '&#xD800;'],
    ['a raw NUL', '申\u0000请'],
    ['a raw U+FFFF', '申\uFFFF请'],
  ] as const) {
    it(`refuses ${what} (422 INVALID_MODEL)`, async () => {
      const err = await refusal(BASE.replace('name="申请"', `name="${name}"`));
      expect(err).to.be.instanceOf(AppError);
      expect(err.status).to.equal(422);
      expect(err.code).to.equal('INVALID_MODEL');
      expect(err.message).to.contain('字符');
    });
  }

  it('still accepts tabs, line breaks, Chinese, emoji and ordinary references', async () => {
    const xml = BASE.replace('name="申请"', 'name="申请&#9;&#10;&#x4E2D;&lt;&amp; 😀"');
    const r = await lintModel(xml, ctx);
    expect(r.errorCount).to.equal(0);
  });
});
