import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { formPath, readForm } from '../../server/inbox/forms.ts';
import { silentLogger } from '../../server/logger.ts';

describe('task forms from FORMS_DIR', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eproc-forms-'));
    fs.writeFileSync(path.join(dir, 'ok-form.form'), JSON.stringify({ id: 'ok-form', components: [] }));
    fs.writeFileSync(path.join(dir, 'broken.form'), '{ not json');
    fs.writeFileSync(path.join(dir, 'list.form'), '[1,2]');
    fs.writeFileSync(path.join(path.dirname(dir), 'outside.form'), '{"secret":true}');
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(path.join(path.dirname(dir), 'outside.form'), { force: true });
  });

  it('accepts only plain names, never a path', () => {
    expect(formPath(dir, 'ok-form')).to.equal(path.join(dir, 'ok-form.form'));
    for (const bad of ['../outside', '..', 'a/b', '/etc/passwd', 'a\\b', '', '..%2foutside', 'x'.repeat(201)]) {
      expect(formPath(dir, bad), bad).to.equal(null);
    }
  });

  it('reads the form JSON; missing, broken or non-object forms give null', async () => {
    expect(await readForm(dir, 'ok-form', silentLogger)).to.deep.equal({ id: 'ok-form', components: [] });
    expect(await readForm(dir, 'missing', silentLogger)).to.equal(null);
    expect(await readForm(dir, 'broken', silentLogger)).to.equal(null);
    expect(await readForm(dir, 'list', silentLogger)).to.equal(null);
    expect(await readForm(dir, '../outside', silentLogger)).to.equal(null);
    expect(await readForm(dir, null, silentLogger)).to.equal(null);
  });
});
