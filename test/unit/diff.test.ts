import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { diffModels } from '../../server/modeler/diff.ts';
import { fileURLToPath } from 'node:url';

const fixturesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

const BASE = fs.readFileSync(path.join(fixturesDir, 'api-approval.bpmn'), 'utf8');

describe('modeller diff', () => {
  it('no changes for the same model', async () => {
    expect((await diffModels(BASE, BASE)).summary).to.deep.equal({ added: 0, removed: 0, changed: 0, layoutChanged: 0 });
  });

  it('lists zeebe extension changes with old and new values (not swapped)', async () => {
    const next = BASE.replace('formId="api-approval" />\n        <zeebe:assignmentDefinition candidateGroups="dept_approver"', 'formId="api-approval-2" />\n        <zeebe:assignmentDefinition candidateGroups="dept_approver,supervisor"')
      .replace('value="政府采购法实施条例第29条"', 'value="政府采购法第13条"')
      .replace('<zeebe:taskSchedule dueDate="=dueDate" />', '<zeebe:taskSchedule dueDate="=dueDate + duration(&#34;P1D&#34;)" />');
    const d = await diffModels(BASE, next);
    expect(d.changed).to.have.length(1);
    expect(d.changed[0]).to.include({ id: 'dept_review', type: 'bpmn:UserTask', name: '主管部门审批' });
    expect(d.changed[0].changes).to.deep.equal([
      { property: 'assignment.candidateGroups', oldValue: 'dept_approver', newValue: 'dept_approver,supervisor' },
      { property: 'form.formId', oldValue: 'api-approval', newValue: 'api-approval-2' },
      { property: 'header.legalBasis', oldValue: '政府采购法实施条例第29条', newValue: '政府采购法第13条' },
      { property: 'schedule.dueDate', oldValue: '=dueDate', newValue: '=dueDate + duration("P1D")' },
    ]);
  });

  it('lists added and removed elements, conditions, timers and task types', async () => {
    const next = BASE.replace('<bpmn:sequenceFlow id="f3" sourceRef="finance_review" targetRef="end" />', '').replaceAll('>f3<', '>f4<')
      .replace('<bpmn:endEvent id="end"', `<bpmn:boundaryEvent id="late" name="超时" attachedToRef="finance_review"><bpmn:timerEventDefinition><bpmn:timeDuration>PT48H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
<bpmn:serviceTask id="notify" name="通知"><bpmn:extensionElements><zeebe:taskDefinition type="notify" /></bpmn:extensionElements></bpmn:serviceTask>
<bpmn:sequenceFlow id="f4" sourceRef="finance_review" targetRef="end"><bpmn:conditionExpression>=ok</bpmn:conditionExpression></bpmn:sequenceFlow><bpmn:endEvent id="end"`);
    const d = await diffModels(BASE, next);
    expect(d.added.map((e) => e.id)).to.deep.equal(['f4', 'late', 'notify']);
    expect(d.removed.map((e) => e.id)).to.deep.equal(['f3']);
    const later = next.replace('PT48H', 'PT72H').replace('=ok', '=ok and amount &lt; 10').replace('type="notify"', 'type="notify-sms"');
    const d2 = await diffModels(next, later);
    const props = Object.fromEntries(d2.changed.map((c) => [c.id, c.changes]));
    expect(props.late).to.deep.equal([{ property: 'timer.timeDuration', oldValue: 'PT48H', newValue: 'PT72H' }]);
    expect(props.f4).to.deep.equal([{ property: 'condition', oldValue: '=ok', newValue: '=ok and amount < 10' }]);
    expect(props.notify).to.deep.equal([{ property: 'taskDefinition.type', oldValue: 'notify', newValue: 'notify-sms' }]);
  });
});
