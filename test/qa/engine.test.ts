/** QA: the embedded engine under model/variable failures met while correlating messages and starting timers. */
import { expect } from 'chai';
import { defineEngineModels } from '../../server/engine/embedded/store.ts';
import { fixture, harness, type Harness } from '../engine/harness.ts';

// Message catch (key =key) → user task whose dueDate is =dueDate.
const MSG = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs" targetNamespace="qa">
<bpmn:process id="qa_msg" isExecutable="true">
<bpmn:startEvent id="start"/>
<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>
<bpmn:intermediateCatchEvent id="wait"><bpmn:messageEventDefinition messageRef="m"/></bpmn:intermediateCatchEvent>
<bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="task"/>
<bpmn:userTask id="task"><bpmn:extensionElements><zeebe:userTask/><zeebe:assignmentDefinition candidateGroups="supervisor"/><zeebe:formDefinition formId="t-approve"/><zeebe:taskSchedule dueDate="=dueDate"/></bpmn:extensionElements></bpmn:userTask>
<bpmn:sequenceFlow id="f3" sourceRef="task" targetRef="end"/>
<bpmn:endEvent id="end"/>
</bpmn:process>
<bpmn:message id="m" name="qa-msg"><bpmn:extensionElements><zeebe:subscription correlationKey="=key"/></bpmn:extensionElements></bpmn:message>
</bpmn:definitions>`;

describe('QA embedded engine failures', () => {
  let h: Harness;
  before(async () => {
    h = await harness();
    await h.engine.deploy({ xml: MSG, resourceName: 'qa-msg.bpmn' });
    await h.engine.deploy({ xml: fixture('timers.bpmn'), resourceName: 'timers.bpmn' });
  });
  after(async () => h.close());

  // Regression (found in QA): publishMessage (server/engine/embedded/engine.ts) delivers to each subscribed instance in turn and
  // lets the first model failure (here: instance A's next user task has an invalid dueDate) escape as 422: the
  // healthy instance B with the same correlation key never receives the message (or receives it while the
  // publisher is told it failed), and A gets no incident. Expected (Zeebe): the message is correlated to B; A's
  // failure becomes an incident on A (or A stays waiting), and the publish succeeds.
  it('one instance whose model fails on the message does not block delivery to another instance with the same key', async () => {
    const a = await h.engine.startInstance({ bpmnProcessId: 'qa_msg', variables: { key: 'K-1', dueDate: 'not-a-date' } });
    const b = await h.engine.startInstance({ bpmnProcessId: 'qa_msg', variables: { key: 'K-1', dueDate: '2026-04-01T00:00:00Z' } });
    let result: { correlatedInstanceIds: string[] } | null = null;
    let error: unknown = null;
    try {
      result = await h.engine.publishMessage({ name: 'qa-msg', correlationKey: 'K-1' });
    } catch (err) {
      error = err;
    }
    expect(error, `publish failed: ${(error as Error)?.message}`).to.equal(null);
    expect(result!.correlatedInstanceIds).to.include(b.instanceId);
    expect((await h.openTasks(b.instanceId)).map((t) => t.elementId)).to.deep.equal(['task']);
    const viewA = await h.engine.getInstance(a.instanceId);
    expect(viewA!.state).to.equal('active');
    // A keeps waiting for the message, with an incident saying why it could not take it.
    expect(viewA!.incidents.map((i) => `${i.type} ${i.elementId} ${i.state}`)).to.deep.equal(['ENGINE_ERROR task open']);
    expect(viewA!.incidents[0]!.message).to.match(/message "qa-msg" \(K-1\) could not be handled/);
  });

  // Regression (found in QA): a timer whose FEEL duration evaluates to null (variable missing) does not wait at all: the instance
  // passes the 等待一天 timer at once and no timer row is written (bpmn-engine treats an empty timer as none;
  // server/engine/embedded/run.ts passes the null through). Zeebe fails the element ("expected duration but found
  // null"). Expected: 422 PROCESS_ERROR naming `wait` at start, and no instance saved.
  it('a timer duration that evaluates to null is an error, not "no wait"', async () => {
    const { Instance } = defineEngineModels(h.tdb.db.sequelize);
    const before = await Instance.count();
    let error: { status?: number; code?: string; details?: { path: string }[] } | null = null;
    try {
      await h.engine.startInstance({ bpmnProcessId: 'timers', variables: {} });
    } catch (err) {
      error = err as typeof error;
    }
    expect(error, 'start must be refused').to.not.equal(null);
    expect(error).to.include({ status: 422, code: 'PROCESS_ERROR' });
    expect(error!.details![0].path).to.equal('wait');
    expect(await Instance.count()).to.equal(before);
  });

  // Holds: an unparsable duration from a variable is a 422 naming the timer, nothing saved.
  it('an invalid ISO duration from a variable → 422 PROCESS_ERROR naming the timer, nothing saved', async () => {
    const { Instance } = defineEngineModels(h.tdb.db.sequelize);
    const before = await Instance.count();
    for (const waitFor of ['garbage', 'PT-1H', 'P99999999Y', 5]) {
      const err = await h.engine.startInstance({ bpmnProcessId: 'timers', variables: { waitFor } }).then(() => null, (e) => e);
      expect(err, JSON.stringify(waitFor)).to.include({ status: 422, code: 'PROCESS_ERROR' });
      expect(err.details[0].path, JSON.stringify(waitFor)).to.equal('wait');
    }
    expect(await Instance.count()).to.equal(before);
  });

  // Holds: a numeric correlation key evaluated at subscription matches the string published (keys are strings).
  it('a correlation key that evaluates to the number 123 matches a message published with "123"', async () => {
    const inst = await h.engine.startInstance({ bpmnProcessId: 'qa_msg', variables: { key: 123, dueDate: null } });
    const res = await h.engine.publishMessage({ name: 'qa-msg', correlationKey: '123' });
    expect(res.correlatedInstanceIds).to.deep.equal([inst.instanceId]);
  });
});
