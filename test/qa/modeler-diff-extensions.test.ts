/**
 * QA: the diff a supervisor approves must say what changed. Camunda 8 settings that elementProperties did not
 * list (a script task's FEEL expression, execution listeners, task priority, version tag…) came out as a bare
 * "other" change without old and new values, so a changed calculation could be approved unseen.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { diffModels } from '../../server/modeler/diff.ts';

const fixturesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
const BASE = fs.readFileSync(path.join(fixturesDir, 'api-approval.bpmn'), 'utf8');
const withScript = (expr: string, extra = '') =>
  BASE.replace('<bpmn:endEvent id="end"', `<bpmn:scriptTask id="calc" name="计算"><bpmn:extensionElements><zeebe:script expression="${expr}" resultVariable="total" />${extra}</bpmn:extensionElements></bpmn:scriptTask><bpmn:endEvent id="end"`);

describe('QA modeller diff: every zeebe extension change is shown with old and new values', () => {
  it('a changed script expression', async () => {
    const d = await diffModels(withScript('=amount * 1'), withScript('=amount * 100'));
    expect(d.changed).to.have.length(1);
    expect(d.changed[0].changes).to.deep.equal([{ property: 'script.expression', oldValue: '=amount * 1', newValue: '=amount * 100' }]);
  });

  it('changed execution listeners and a new priority', async () => {
    const a = withScript('=a', '<zeebe:executionListeners><zeebe:executionListener eventType="start" type="audit" /></zeebe:executionListeners>');
    const b = withScript('=a', '<zeebe:executionListeners><zeebe:executionListener eventType="end" type="audit-x" /></zeebe:executionListeners><zeebe:priorityDefinition priority="80" />');
    const changes = (await diffModels(a, b)).changed[0].changes;
    expect(changes).to.deep.include({ property: 'executionListeners.listeners[0].eventType', oldValue: 'start', newValue: 'end' });
    expect(changes).to.deep.include({ property: 'executionListeners.listeners[0].type', oldValue: 'audit', newValue: 'audit-x' });
    expect(changes).to.deep.include({ property: 'priorityDefinition.priority', oldValue: null, newValue: '80' });
    expect(changes.map((c) => c.property)).to.not.include('other');
  });

  it('the same model still has no changes', async () => {
    const a = withScript('=a', '<zeebe:executionListeners><zeebe:executionListener eventType="start" type="audit" /></zeebe:executionListeners>');
    expect((await diffModels(a, a)).summary).to.deep.equal({ added: 0, removed: 0, changed: 0, layoutChanged: 0 });
  });
});
