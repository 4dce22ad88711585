/**
 * Supervision views (issue 8) over real procurements driven through the chain: P1 runs to 签订合同 and its legal
 * deadline (T20) passes with the contract unsigned — the overdue list and the breached deadlines name it with the
 * legal basis, not before; P2 waits at 编制招标文件 with a second tender whose bids are still sealed — its record shows
 * no count; a person recorded at two stages of P2 (data that predates the rule) and an open incident are found; the
 * instance list filters by step; only supervisors and auditors read any of it.
 */
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import request from 'supertest';
import { startChain, type Chain } from '../chain/driver.ts';
import { approvedProject, confirmWinner, prepareTender, runToConfirmation, shanghaiLocal, submitBid, threeBidders, type Bidder } from '../chain/steps.ts';
import { bearer, startHarness, type Harness } from './harness.ts';

describe('supervision views', function () {
  this.timeout(120_000);
  let c: Chain;
  let bidders: Bidder[] = [];
  let p1 = '';
  let p2 = '';
  let p3 = '';
  let tender1 = 0;
  let tender3 = 0;
  let contractDeadline = '';

  before(async () => {
    c = await startChain();
    bidders = await threeBidders(c);
    await c.expertAccounts();
    p1 = await approvedProject(c);
    const run = await runToConfirmation(c, p1, bidders);
    tender1 = run.tenderId;
    await confirmWinner(c, p1, run.bids['四川长虹教育科技有限公司']!);
    const v = await c.vars(p1);
    await c.advanceTo(v.challengeDeadlineAt as string);
    await c.advance(60_000);
    await c.task('purchaser', p1, 'sign_contract');
    contractDeadline = (await c.vars(p1)).contractDeadlineAt as string;
    p2 = await approvedProject(c);
    p3 = await approvedProject(c);
    const later = shanghaiLocal(new Date(c.clock.now().getTime() + 40 * 86_400_000)).slice(0, 10);
    tender3 = (await prepareTender(c, p3, { bidDeadline: `${later}T09:30` })).tenderId as number;
    await c.advance(3_600_000);
    await submitBid(c, bidders[0]!.user, tender3, bidders[0]!);
  });
  after(async () => c?.close());

  const read = async (path: string, user = 'supervisor') => {
    const res = await c.get(user, path);
    expect(res.status, `${path}: ${JSON.stringify(res.body)}`).to.equal(200);
    return res.body;
  };

  it('overview: instances by state and by the step they wait at', async () => {
    const o = await read('/api/supervision/overview');
    const active = o.byState.find((s: { bpmnProcessId: string; state: string }) => s.bpmnProcessId === 'procurement' && s.state === 'active');
    expect(active.count).to.equal(3);
    const step = (el: string) => o.bySteps.find((s: { elementId: string }) => s.elementId === el);
    expect(step('sign_contract')).to.include({ bpmnProcessId: 'procurement', count: 1, name: '签订采购合同' });
    expect(step('prepare_tender')).to.include({ count: 1 });
    expect(step('sign_contract').oldestSince).to.be.a('string');
    expect(o.attention).to.include({ overdueTasks: 0, breachedDeadlines: 0 });
  });

  it('nothing is overdue a minute before the contract deadline; a day after, the unsigned contract is overdue and a breached legal deadline', async () => {
    await c.advanceTo(new Date(Date.parse(contractDeadline) - 60_000));
    let late = await read('/api/supervision/overdue');
    expect(late.tasks).to.deep.equal([]);
    expect(late.breached).to.deep.equal([]);
    await c.advanceTo(new Date(Date.parse(contractDeadline) + 86_400_000 + 1000));
    late = await read('/api/supervision/overdue', 'auditor');
    expect(late.tasks).to.have.length(1);
    const t = late.tasks[0];
    expect(t).to.include({ instanceId: p1, elementId: 'sign_contract', name: '签订采购合同', dueAt: contractDeadline, daysOverdue: 2 });
    expect(t.projectNumber).to.match(/^FCZC-/);
    expect(t.candidateGroups.length + t.candidateUsers.length + (t.assignee ? 1 : 0)).to.be.greaterThan(0);
    expect(t.deadline.key).to.equal('contractDeadline');
    expect(t.deadline.legalBasis).to.be.a('string').and.not.equal('');
    expect(late.breached).to.have.length(1);
    expect(late.breached[0]).to.include({ instanceId: p1, key: 'contractDeadline', at: contractDeadline, step: 'sign_contract', stepName: '签订采购合同' });
    // The supervisor's escalation (no due date) is not itself overdue.
    expect(late.tasks.map((x: { elementId: string }) => x.elementId)).to.not.include('escalate_contract');
    expect((await read('/api/supervision/overview')).attention).to.include({ overdueTasks: 1, breachedDeadlines: 1 });
  });

  it('the instance list filters by step and shows who holds each current step', async () => {
    const bySign = await read('/api/supervision/instances?elementId=sign_contract');
    expect(bySign.total).to.equal(1);
    const item = bySign.items[0];
    expect(item).to.include({ instanceId: p1, bpmnProcessId: 'procurement', state: 'active', regime: 'procurement' });
    expect(item.currentSteps.map((s: { elementId: string }) => s.elementId).sort()).to.deep.equal(['escalate_contract', 'sign_contract']);
    const all = await read('/api/supervision/instances?bpmnProcessId=procurement&state=active&limit=2');
    expect(all.total).to.equal(3);
    expect(all.items).to.have.length(2);
    expect((await read('/api/supervision/instances?elementId=no_such_step')).total).to.equal(0);
  });

  it('finds a person recorded at two approval stages of one project, and not the projects where each stage had its own person', async () => {
    expect((await read('/api/supervision/multi-stage-actors')).items).to.deep.equal([]);
    // A record from before the rule: the department approver also cleared the finance stage of P2.
    const [dept] = await c.tdb.db.sequelize.query<{ element_id: string; at: string }>("SELECT element_id, at FROM stage_actions WHERE instance_id = ? AND actor = 'dept_approver'", { type: QueryTypes.SELECT, replacements: [p2] });
    expect(dept).to.not.equal(undefined);
    await c.tdb.db.sequelize.query("INSERT INTO stage_actions (instance_id, stage, element_id, actor, task_id, at) VALUES (?, 'finance', 'finance_approval', 'dept_approver', 'legacy-task-1', ?)", { replacements: [p2, new Date('2026-03-02T02:00:00Z')] });
    const items = (await read('/api/supervision/multi-stage-actors')).items;
    expect(items).to.have.length(1);
    expect(items[0]).to.include({ instanceId: p2, actor: 'dept_approver', isInitiator: false });
    expect(items[0].stages.map((s: { stage: string }) => s.stage).sort()).to.deep.equal(['dept', 'finance']);
    expect(items[0].actorName).to.be.a('string');
  });

  it('an open incident is counted', async () => {
    await c.tdb.db.sequelize.query(
      "INSERT INTO engine_incidents (id, instance_id, bpmn_process_id, element_id, type, message, state, created_at) VALUES ('inc-supervision-1', ?, 'procurement', 'prepare_tender', 'JOB_NO_RETRIES', '测试故障', 'open', ?)",
      { replacements: [p2, new Date('2026-03-02T03:00:00Z')] },
    );
    expect((await read('/api/supervision/overview')).attention.openIncidents).to.equal(1);
  });

  it('bid-opening and evaluation records: the opened tender with its count, draw and records; the sealed one without a count', async () => {
    const r = await read('/api/supervision/tenders');
    const t1 = r.items.find((t: { tenderId: number }) => t.tenderId === tender1);
    expect(t1.regime).to.equal('procurement');
    expect(t1.projectNumber).to.match(/^FCZC-/);
    expect(t1.openedAt).to.be.a('string');
    expect(t1.bidCount).to.equal(3);
    expect(t1.draw.verify).to.equal(`/api/tenders/${tender1}/expert-draw/verify`);
    expect(t1.evaluation).to.not.equal(null);
    expect(t1.documents.map((d: { templateId: string }) => d.templateId)).to.include.members(['bid-opening-record', 'evaluation-report']);
    const verify = await c.get('supervisor', t1.draw.verify);
    expect(verify.status).to.equal(200);
    const t3 = r.items.find((t: { tenderId: number }) => t.tenderId === tender3);
    expect(t3).to.include({ openedAt: null, bidCount: null, draw: null, evaluation: null });
    expect(t3.documents).to.deep.equal([]);
  });

  it('only supervisors and auditors; bad filters are 422 naming the field', async () => {
    for (const path of ['/api/supervision/overview', '/api/supervision/instances', '/api/supervision/overdue', '/api/supervision/multi-stage-actors', '/api/supervision/tenders']) {
      for (const user of ['purchaser', 'agency', 'finance_section', 'sup_rongxing']) expect((await c.get(user, path)).status, `${user} ${path}`).to.equal(403);
    }
    const bad = await c.get('supervisor', '/api/supervision/instances?state=sleeping&limit=0');
    expect(bad.status).to.equal(422);
    expect(JSON.stringify(bad.body.error.details)).to.include('state').and.include('limit');
  });
});

/**
 * Issue 11: works tenders (works-tender.bpmn, `works_tender`, projects.regime 'works') beside procurements in every
 * view — each item says which regime it runs under; the breached legal deadlines include a works tender's, with the
 * basis its own variables carry (never the GP Law fallback of the procurement table). Instances seeded as the
 * engine's projection rows (the works model is the lead's, not deployed here).
 */
describe('supervision views: works tenders beside procurements', function () {
  this.timeout(60_000);
  let h: Harness;
  const past = new Date('2026-02-20T01:00:00Z'); // the harness clock is 2026-03-02
  const W8 = 'W8 招标投标法 Art.46；招标投标法实施条例 Art.57';

  before(async () => {
    h = await startHarness();
    const q = (sql: string, replacements: unknown[]) => h.tdb.db.sequelize.query(sql, { replacements });
    const instance = async (id: string, process: string, step: { elementId: string; name: string } | null, variables: object) => {
      await q('INSERT INTO engine_instances (id, deployment_id, bpmn_process_id, version, business_key, state, variables, active_elements, has_incident, rev, started_by, started_at, updated_at) VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, 0, ?, ?, ?)',
        [id, `dep-${process}`, process, `bk-${id}`, 'active', JSON.stringify(variables), JSON.stringify(step ? [{ ...step, elementType: 'bpmn:UserTask' }] : []), false, 'purchaser', past, past]);
      if (step) {
        await q("INSERT INTO tasks (id, instance_id, bpmn_process_id, process_version, business_key, element_id, execution_id, name, form_id, candidate_groups, state, due_at, created_at) VALUES (?, ?, ?, 1, ?, ?, ?, ?, NULL, 'purchaser', 'created', ?, ?)",
          [`task-${id}`, id, process, `bk-${id}`, step.elementId, `exec-${id}`, step.name, past, past]);
      }
    };
    const project = (id: string, regime: string, number: string) =>
      q("INSERT INTO projects (instance_id, project_number, name, purchaser_name, initiator, method, budget_fen, status, regime, created_at, updated_at) VALUES (?, ?, ?, '涪城区住房和城乡建设局', 'purchaser', '公开招标', 900000000, 'contracting', ?, ?, ?)",
        [id, number, `监督测试${id}`, regime, past, past]);
    await instance('W1', 'works_tender', { elementId: 'sign_contract', name: '签订施工合同' }, { contractDeadlineAt: past.toISOString(), contractDeadlineBasis: W8 });
    await project('W1', 'works', 'FCGC-2026-0001');
    await instance('W2', 'works_tender', { elementId: 'confirm_winner', name: '确定中标人' }, { confirmDeadlineAt: past.toISOString() });
    await project('W2', 'works', 'FCGC-2026-0002');
    await instance('W3', 'works_tender', { elementId: 'answer_candidates_objection', name: '答复对评标结果的异议' }, { objectionReplyDueAt: past.toISOString() });
    await project('W3', 'works', 'FCGC-2026-0003');
    await instance('P1', 'procurement', { elementId: 'confirm_winner', name: '确认中标人' }, { confirmDeadlineAt: past.toISOString() });
    await project('P1', 'procurement', 'FCZC-2026-0001');
    await instance('C1', 'complaint', null, {});
  });
  after(async () => h?.close());

  const read = async (path: string) => {
    const res = await request(h.app).get(path).set('Authorization', bearer(await h.token('supervisor')));
    expect(res.status, `${path}: ${JSON.stringify(res.body)}`).to.equal(200);
    return res.body;
  };

  it('the instance list carries each project\'s regime and filters to the works tenders', async () => {
    const all = await read('/api/supervision/instances');
    const regime = Object.fromEntries(all.items.map((i: { instanceId: string; regime: string | null }) => [i.instanceId, i.regime]));
    expect(regime).to.deep.equal({ W1: 'works', W2: 'works', W3: 'works', P1: 'procurement', C1: null });
    const works = await read('/api/supervision/instances?bpmnProcessId=works_tender');
    expect(works.total).to.equal(3);
    expect(works.items.map((i: { projectNumber: string }) => i.projectNumber).sort()).to.deep.equal(['FCGC-2026-0001', 'FCGC-2026-0002', 'FCGC-2026-0003']);
    const o = await read('/api/supervision/overview');
    expect(o.byState).to.deep.include({ bpmnProcessId: 'works_tender', state: 'active', count: 3 });
    expect(o.bySteps.find((s: { bpmnProcessId: string; elementId: string }) => s.bpmnProcessId === 'works_tender' && s.elementId === 'sign_contract')).to.include({ count: 1 });
  });

  it('a works tender\'s passed legal deadline is breached with its own basis; the GP Law fallback stays with procurement', async () => {
    const late = await read('/api/supervision/overdue');
    const b = (id: string) => late.breached.find((x: { instanceId: string }) => x.instanceId === id);
    expect(b('W1')).to.include({ key: 'contractDeadline', step: 'sign_contract', stepName: '签订施工合同', legalBasis: W8, regime: 'works', projectNumber: 'FCGC-2026-0001' });
    expect(b('W2')).to.include({ key: 'confirmDeadline', regime: 'works', legalBasis: null });
    // The objection reply (3 days, 条例54) of works-tender.bpmn's answer_candidates_objection.
    expect(b('W3')).to.include({ key: 'candidatesObjectionReplyDue', step: 'answer_candidates_objection', regime: 'works' });
    expect(b('W3').legalBasis).to.match(/^W3c .*第54条/);
    expect(b('P1')).to.include({ key: 'confirmDeadline', regime: 'procurement' });
    expect(b('P1').legalBasis).to.match(/政府采购法实施条例第43条/);
    expect(late.tasks.map((t: { instanceId: string; regime: string }) => `${t.instanceId} ${t.regime}`).sort()).to.deep.equal(['P1 procurement', 'W1 works', 'W2 works', 'W3 works']);
    expect(late.tasks.find((t: { instanceId: string }) => t.instanceId === 'W1').deadline).to.include({ key: 'contractDeadline', legalBasis: W8 });
  });
});
