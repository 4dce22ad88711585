/**
 * The generate-document worker: renders from instance variables, stores a version keyed by the job (a redelivery
 * makes no second version), adds versions to the same document on a later pass through the same step, refuses bad
 * data with every problem named; and the procurement chain produces the 政府采购项目审批表 after supervisor approval.
 */
import path from 'node:path';
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { ManualClock } from '../../server/clock.ts';
import { findTemplate } from '../../server/documents/catalogue.ts';
import { createDocumentService } from '../../server/documents/service.ts';
import { createEngine, type Engine } from '../../server/engine/index.ts';
import { BpmnError, type Job, type WorkerContext } from '../../server/engine/port.ts';
import { defineTaskModels, Task } from '../../server/engine/task-projection.ts';
import { seedDemo } from '../../server/seed/demo.ts';
import { generateDocumentWorker, GENERATE_DOCUMENT_TASK_TYPE } from '../../server/workers/generate-document.ts';
import { registerWorkers, WORKER_TYPES } from '../../server/workers/index.ts';
import { testDatabase, type TestDatabase } from '../helpers/db.ts';
import { FORMS_DIR, readModel } from '../processes/model-helpers.ts';
import { applicationVariables, demoAgencyId, serverStartVariables } from '../helpers/application.ts';

const ctx: WorkerContext = { now: () => new Date(), log: () => {} };

function approvalVariables(): Record<string, unknown> {
  const s = structuredClone(findTemplate('approval-form')!.sample) as any;
  return { ...s, initiator: 'purchaser', projectNumber: s.project.projectNumber, unrelated: { big: 'ignored' } };
}

function job(over: Partial<Job> = {}): Job {
  return {
    key: 'inst-1:generate_approval_form:1',
    type: GENERATE_DOCUMENT_TASK_TYPE,
    instanceId: 'inst-1',
    bpmnProcessId: 'procurement',
    elementId: 'generate_approval_form',
    businessKey: null,
    variables: approvalVariables(),
    headers: { templateId: 'approval-form' },
    retries: 3,
    ...over,
  };
}

describe('workers: generate-document', function () {
  this.timeout(30_000);
  let t: TestDatabase;
  let clock: ManualClock;

  beforeEach(async function () {
    t = await testDatabase();
    clock = new ManualClock('2026-03-06T02:00:00Z');
    await seedDemo(t.db, { password: 'demo1234' });
  });
  afterEach(async function () {
    await t.drop();
  });

  // Versions made here (the demo seed adds its own, keyed seed:…).
  const versionCount = async () =>
    Number((await t.db.sequelize.query<{ n: number }>("SELECT COUNT(*) AS n FROM document_versions WHERE job_key NOT LIKE 'seed:%'", { type: QueryTypes.SELECT }))[0].n);

  it('is registered for the task type', function () {
    expect(WORKER_TYPES).to.include('generate-document');
  });

  it('renders from the instance variables and stores a version linked to the instance and project', async function () {
    const worker = generateDocumentWorker({ db: t.db, clock });
    const out = (await worker(job(), ctx)) as any;
    expect(out.approvalFormDocument).to.include({ version: 1 });
    const docs = createDocumentService({ db: t.db, clock });
    const doc = (await docs.getDocument(out.approvalFormDocument.id))!;
    expect(doc).to.include({ templateId: 'approval-form', instanceId: 'inst-1', projectNumber: 'FCZC-2026-0007', createdBy: 'system' });
    expect(doc.ownerOrgId).to.be.a('number');
    const v = (await docs.getVersion(doc.id))!;
    expect(v).to.include({ jobKey: 'inst-1:generate_approval_form:1', createdAt: clock.now().toISOString(), sha256: out.approvalFormDocument.sha256 });
    expect(v.data).not.to.have.property('unrelated');
    expect(v.html).to.include('政府采购项目审批表').and.include('程序合规，同意转入涪城区公共资源交易中心组织交易。');
  });

  it('is idempotent under redelivery and adds a version on a later pass through the same step', async function () {
    const worker = generateDocumentWorker({ db: t.db, clock });
    const first = (await worker(job(), ctx)) as any;
    const again = (await worker(job(), ctx)) as any;
    expect(again).to.deep.equal(first);
    expect(await versionCount()).to.equal(1);
    // Two deliveries at once: still one version.
    const [a, b] = (await Promise.all([worker(job({ key: 'inst-1:generate_approval_form:2' }), ctx), worker(job({ key: 'inst-1:generate_approval_form:2' }), ctx)])) as any[];
    expect(a).to.deep.equal(b);
    expect(a.approvalFormDocument).to.include({ id: first.approvalFormDocument.id, version: 2 });
    expect(await versionCount()).to.equal(2);
    // Another instance: another document.
    const other = (await worker(job({ key: 'inst-2:generate_approval_form:1', instanceId: 'inst-2' }), ctx)) as any;
    expect(other.approvalFormDocument.id).to.not.equal(first.approvalFormDocument.id);
  });

  it('fills the 采购人 from the initiator organisation and refuses incomplete data with every problem', async function () {
    const worker = generateDocumentWorker({ db: t.db, clock });
    const vars = approvalVariables();
    delete (vars.project as any).purchaser;
    const out = (await worker(job({ variables: vars }), ctx)) as any;
    const v = (await createDocumentService({ db: t.db, clock }).getVersion(out.approvalFormDocument.id))!;
    expect((v.data as any).project.purchaser).to.deep.equal({ name: '涪城区教育局' });

    const bad = approvalVariables();
    delete bad.approvals;
    (bad.project as any).budgetFen = 'lots';
    const err = await Promise.resolve(worker(job({ key: 'k-bad', variables: bad }), ctx)).then(() => null, (e) => e);
    expect(err).to.be.instanceOf(BpmnError);
    expect(err.code).to.equal('DOCUMENT_DATA_INVALID');
    expect(err.message).to.include('approvals: 必填项缺失').and.include('project.budgetFen: 应为整数');
    expect(await versionCount()).to.equal(1);
  });

  it('refuses a task without a known templateId header', async function () {
    const worker = generateDocumentWorker({ db: t.db, clock });
    await Promise.resolve(worker(job({ headers: {} }), ctx)).then(() => expect.fail('accepted'), (e) => expect(e.message).to.match(/templateId/));
    await Promise.resolve(worker(job({ headers: { templateId: 'nope' } }), ctx)).then(() => expect.fail('accepted'), (e) => expect(e.message).to.match(/nope/));
    expect(await versionCount()).to.equal(0);
  });

  it('takes the whole data object from the variable named by the dataVariable header', async function () {
    const worker = generateDocumentWorker({ db: t.db, clock });
    const data = approvalVariables();
    // The top-level variables hold no document data at all: only the named variable does.
    const out = (await worker(job({ key: 'dv-1', variables: { initiator: 'purchaser', projectNumber: 'FCZC-2026-0007', approvalData: data }, headers: { templateId: 'approval-form', dataVariable: 'approvalData' } }), ctx)) as any;
    const v = (await createDocumentService({ db: t.db, clock }).getVersion(out.approvalFormDocument.id))!;
    expect((v.data as any).project.projectNumber).to.equal((data.project as any).projectNumber);
    expect(v.data).not.to.have.property('unrelated');
    // A missing or non-object variable is a plain failure (retried, then an incident), nothing stored.
    for (const variables of [{ initiator: 'purchaser' }, { initiator: 'purchaser', approvalData: [data] }, { initiator: 'purchaser', approvalData: 'x' }]) {
      const err = await Promise.resolve(worker(job({ key: 'dv-bad', variables, headers: { templateId: 'approval-form', dataVariable: 'approvalData' } }), ctx)).then(() => null, (e) => e);
      expect(err).to.be.instanceOf(Error).and.not.instanceOf(BpmnError);
      expect(err.message).to.include('approvalData');
    }
    expect(await versionCount()).to.equal(1);
  });

  describe('inside processes/procurement.bpmn', function () {
    let engine: Engine;
    beforeEach(async function () {
      engine = createEngine({ db: t.db, clock, formsDir: path.resolve(FORMS_DIR) });
      registerWorkers(engine, { db: t.db, clock });
      defineTaskModels(t.db.sequelize);
      await engine.deploy({ xml: readModel('procurement.bpmn'), resourceName: 'procurement.bpmn', deployedBy: 'test' });
    });
    afterEach(async function () {
      await engine.stop();
    });

    async function complete(instanceId: string, elementId: string, variables: Record<string, unknown>, actor: string) {
      const open = await Task.findAll({ where: { instanceId, state: 'created' } });
      expect(open.map((x) => x.elementId)).to.deep.equal([elementId]);
      await engine.completeUserTask({ taskId: open[0].id, variables, actor });
      clock.advance(86_400_000);
    }

    it('stores the 政府采购项目审批表 after the supervisor approves, linked to the project', async function () {
      const ref = await engine.startInstance({ bpmnProcessId: 'procurement', variables: await serverStartVariables(t.db.sequelize, 'purchaser'), startedBy: 'purchaser' });
      await complete(ref.instanceId, 'fill_application', applicationVariables(await demoAgencyId(t.db.sequelize), {
        projectName: '涪城区卫健局负压救护车采购', method: '竞争性谈判', budgetYuan: 2_500_000, maxPriceYuan: 2_480_000.5,
        smeReserved: true, deliveryDate: '2026-05-01', description: '负压救护车两辆，含车载医疗设备。',
      }), 'purchaser');
      await complete(ref.instanceId, 'city_finance_approval', { decision: 'approve', comment: '同意采用竞争性谈判' }, 'city_finance');
      await complete(ref.instanceId, 'dept_approval', { decision: 'approve', comment: '需求真实，同意' }, 'dept_approver');
      await complete(ref.instanceId, 'finance_approval', { decision: 'approve', comment: '资金已落实' }, 'finance_section');
      const docs = createDocumentService({ db: t.db, clock });
      expect(await docs.listDocuments({ instanceId: ref.instanceId, limit: 10, offset: 0 })).to.deep.equal([]);
      await complete(ref.instanceId, 'supervisor_approval', { decision: 'approve', comment: '程序合规，同意进场' }, 'supervisor');

      const view = (await engine.getInstance(ref.instanceId))!;
      expect(view.incidents).to.deep.equal([]);
      // The approved project goes on to the agency (CHAIN.md B).
      expect(view.state).to.equal('active');
      expect((await Task.findAll({ where: { instanceId: ref.instanceId, state: 'created' } })).map((x) => x.elementId)).to.deep.equal(['prepare_tender']);
      const projectNumber = view.variables.projectNumber as string;
      const [doc] = await docs.listDocuments({ projectNumber, limit: 10, offset: 0 });
      expect(doc).to.include({ templateId: 'approval-form', instanceId: ref.instanceId, latestVersion: 1 });
      expect(view.variables.approvalFormDocument).to.deep.include({ id: doc.id, version: 1 });
      const v = (await docs.getVersion(doc.id))!;
      expect(v.jobKey).to.match(new RegExp(`^${ref.instanceId}:generate_approval_form:`));
      const html = v.html;
      expect(html).to.include(projectNumber).and.include('涪城区卫健局负压救护车采购').and.include('涪城区教育局');
      expect(html).to.include('人民币贰佰伍拾万元整').and.include('人民币贰佰肆拾捌万元伍角');
      for (const text of ['同意采用竞争性谈判', '需求真实，同意', '资金已落实', '程序合规，同意进场', '市财政审批（采购方式）', '审批通过']) expect(html).to.include(text);
      // Approvers and dates from the task records (Shanghai dates of each completion).
      expect(html).to.include('李审批（教育局主管部门）').and.include('王科员（财政局政府采购股）').and.include('刘处长（绵阳市财政局）');
      expect(html).to.include('2026年3月8日').and.include('2026年3月9日');
    });
  });
});
