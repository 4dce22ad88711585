/**
 * The whole procurement chain (CHAIN.md A–F) on the persisted embedded engine, every path, with test doubles of
 * the chain's workers that return contract-shaped outputs (chain-workers.ts), the real project-number and
 * compute-deadline workers, and a ManualClock (timers fire through runDue).
 */
import { expect } from 'chai';
import { ManualClock } from '../../server/clock.ts';
import { createEngine, type Engine } from '../../server/engine/index.ts';
import { defineTaskModels, Task } from '../../server/engine/task-projection.ts';
import { projectNumberWorker } from '../../server/workers/project-number.ts';
import { computeDeadlineWorker } from '../../server/workers/compute-deadline.ts';
import { testDatabase, type TestDatabase } from '../helpers/db.ts';
import { chainWorkers, DAY, newWorld, type ChainWorld } from './chain-workers.ts';
import { CHAIN_MODEL, FORMS_DIR } from './model-helpers.ts';

const THRESHOLD = 200_000_000;
type V = Record<string, unknown>;

export const chainApplication = (over: V = {}): V => ({
  projectName: '涪城区教育局多媒体教室设备采购',
  categoryCode: 'A02010104',
  procurementType: 'goods',
  method: '公开招标',
  budgetYuan: 3_500_000,
  maxPriceYuan: 3_400_000,
  fundingSource: '一般公共预算资金',
  organisationForm: '分散采购',
  importedProducts: false,
  smeReserved: false,
  deliveryDate: '2026-09-30',
  deliveryPlace: '涪城区教育局各学校',
  description: '多媒体教室设备60套，含安装调试与三年质保。',
  agencyId: 1,
  items: [{ itemCode: 'A02010104', itemName: '多媒体教学一体机', quantity: 60, unit: '套', unitPriceYuan: 56_000 }],
  ...over,
});

describe('procurement chain (A–F) on the embedded engine', function () {
  let tdb: TestDatabase;
  let clock: ManualClock;
  let engine: Engine;
  let world: ChainWorld;

  beforeEach(async function () {
    tdb = await testDatabase();
    clock = new ManualClock('2026-03-02T01:00:00Z'); // Monday 09:00 Shanghai
    world = newWorld();
    engine = createEngine({ db: tdb.db, clock, formsDir: FORMS_DIR });
    for (const [type, fn] of Object.entries(chainWorkers(world, clock))) engine.registerWorker(type, fn);
    engine.registerWorker('assign-project-number', projectNumberWorker({ db: tdb.db, clock }));
    engine.registerWorker('compute-deadline', computeDeadlineWorker({ db: tdb.db, clock }));
    defineTaskModels(tdb.db.sequelize);
    await engine.deploy({ xml: CHAIN_MODEL(), resourceName: 'procurement.bpmn', deployedBy: 'test' });
  });
  afterEach(async function () {
    await engine.stop();
    await tdb.drop();
  });

  // ---- helpers -------------------------------------------------------------------------------------------
  const open = (id: string) => Task.findAll({ where: { instanceId: id, state: 'created' }, order: [['elementId', 'ASC'], ['assignee', 'ASC']] });
  const openIds = async (id: string) => (await open(id)).map((t) => t.elementId);
  const vars = async (id: string) => (await engine.getInstance(id))!.variables;
  const state = async (id: string) => (await engine.getInstance(id))!;

  async function complete(id: string, elementId: string, variables: V, actor = 'someone') {
    const tasks = (await open(id)).filter((t) => t.elementId === elementId);
    expect(tasks.map((t) => t.elementId), `open ${elementId} (open: ${(await openIds(id)).join(', ')})`).to.deep.equal([elementId]);
    await engine.completeUserTask({ taskId: tasks[0].id, variables, actor });
    return tasks[0];
  }
  const approve = { decision: 'approve', comment: '同意' };

  async function start(over: V = {}) {
    const ref = await engine.startInstance({ bpmnProcessId: 'procurement', variables: { initiator: 'purchaser', cityApprovalThresholdFen: THRESHOLD, agencyOptions: [{ label: '四川某某招标代理有限公司', value: 1 }], purchaserOrgId: 7, purchaserName: '涪城区教育局' }, startedBy: 'purchaser' });
    await complete(ref.instanceId, 'fill_application', chainApplication(over), 'purchaser');
    return ref.instanceId;
  }
  async function approvals(id: string) {
    await complete(id, 'dept_approval', approve, 'dept');
    await complete(id, 'finance_approval', approve, 'fin');
    await complete(id, 'supervisor_approval', approve, 'sup');
  }
  const localIn = (days: number) => {
    const d = new Date(clock.now().getTime() + days * DAY + 8 * 3_600_000);
    return `${d.toISOString().slice(0, 10)}T09:30`;
  };
  const tenderForm = (over: V = {}): V => ({
    evaluationMethod: 'comprehensive', priceWeightPercent: 30, technicalWeightPercent: 50, businessWeightPercent: 20, smeDeductionPercent: 10,
    qualificationRequirements: '符合政府采购法第二十二条规定', scoringCriteria: '技术50分，商务20分，价格30分', bidDeadline: localIn(25), openingPlace: '涪城区公共资源交易中心开标室', depositYuan: 0, ...over,
  });
  async function publish(id: string, over: V = {}) {
    await complete(id, 'prepare_tender', tenderForm(over), 'agent1');
    expect(await openIds(id)).to.deep.equal([]);
  }
  async function deadline(id: string) {
    clock.set(String((await vars(id)).bidDeadlineAt));
    await engine.runDue();
  }
  async function qualify(id: string) {
    const v = await vars(id);
    await complete(id, 'qualification_review', { qualificationDecisions: v.qualificationDecisions, qualificationNote: '按招标文件审查' }, 'agent2');
  }
  /** Every expert scores: technical score by bid id, so the ranking is known. */
  async function evaluate(id: string, technical: (bidId: number) => number = (b) => 40 - (b % 10)) {
    const tasks = (await open(id)).filter((t) => t.elementId === 'expert_evaluation');
    expect(tasks.map((t) => t.assignee)).to.deep.equal(['expert1', 'expert2', 'expert3', 'expert4', 'expert5']);
    for (const t of tasks) {
      const sheet = (await vars(id)).scoreSheet as Array<V>;
      const scores = sheet.map((r) => ({ ...r, technicalScore: technical(Number(r.bidId)), businessScore: 15 }));
      await engine.completeUserTask({ taskId: t.id, variables: { scores, evaluationOpinion: `${t.assignee} 意见` }, actor: t.assignee! });
    }
  }
  async function toConfirmation(id: string) {
    await approvals(id);
    await publish(id);
    await deadline(id);
    await qualify(id);
    await evaluate(id);
    expect(await openIds(id)).to.deep.equal(['confirm_winner']);
  }
  async function toContract(id: string) {
    await toConfirmation(id);
    await complete(id, 'confirm_winner', { winnerBidId: 101, confirmationNote: '' }, 'purchaser');
    clock.set(String((await vars(id)).challengeDeadlineAt));
    await engine.runDue();
    expect(await openIds(id)).to.deep.equal(['sign_contract']);
  }
  const contractForm = { contractNumber: 'FCHT-2026-001', signedDate: '2026-05-20', contractAmountYuan: 3_000_000, paymentTerms: '验收合格后30日内付清', performancePeriod: '合同签订后60日内交付', acceptanceRequirements: '按招标文件技术要求逐项验收', performanceBondYuan: 100_000 };
  const pass = { acceptanceResults: [{ requirement: '设备数量与型号', result: 'pass', note: '' }], acceptanceOverall: 'pass', acceptanceDate: '2026-07-01', acceptanceTeam: '张三、李四、王五', acceptanceIssues: '' };
  async function finish(id: string) {
    await complete(id, 'sign_contract', contractForm, 'purchaser');
    await complete(id, 'publish_contract', { publicationMedia: '四川政府采购网', publishedDate: '2026-05-21' }, 'purchaser');
    await complete(id, 'acceptance', pass, 'purchaser');
  }

  // ---- paths ---------------------------------------------------------------------------------------------
  it('happy path, open tender: approval → tender → opening → qualification → evaluation → award → contract → acceptance → archive', async function () {
    const id = await start();
    const dept = (await open(id))[0];
    expect(dept.elementId).to.equal('dept_approval');
    expect(JSON.parse(dept.headers ?? '{}')).to.include({ approvalStage: 'dept' });
    await approvals(id);

    const [prep] = await open(id);
    expect(prep).to.include({ elementId: 'prepare_tender', formId: 'tender-preparation', assignee: null });
    expect(prep.users()).to.deep.equal(['agent1', 'agent2']);
    expect(JSON.parse(prep.headers ?? '{}').legalBasis).to.match(/政府采购法/);
    await publish(id);
    let v = await vars(id);
    expect(v).to.include({ tenderId: 501, tenderKey: '501', tenderRound: 1, minBids: 3, budgetFen: 350_000_000, maxPriceFen: 340_000_000, agencyName: '四川某某招标代理有限公司' });
    expect((v.itemsFen as V[])[0]).to.include({ unitPriceFen: 5_600_000, lineTotalFen: 336_000_000 });

    // Nothing opens before the deadline.
    clock.set(new Date(new Date(String(v.bidDeadlineAt)).getTime() - 1000).toISOString());
    await engine.runDue();
    expect(world.jobs).not.to.include('open-bids');
    await deadline(id);
    const [review] = await open(id);
    expect(review).to.include({ elementId: 'qualification_review', formId: 'qualification-review' });
    expect(review.users()).to.deep.equal(['agent1', 'agent2']);
    await qualify(id);
    v = await vars(id);
    expect(v).to.include({ bidCount: 4, qualifiedCount: 4, panelSize: 5 });
    await evaluate(id);
    v = await vars(id);
    expect((v.expertScores as V[]).map((e) => e.expertCode)).to.deep.equal(['E1', 'E2', 'E3', 'E4', 'E5']);
    expect(v.firstCandidateBidId).to.equal(101);
    expect(v).not.to.have.any.keys('evaluationOpinion', 'panelMember');
    // The process keeps the blank sheet the expert form is prefilled from; no expert's scores reach it.
    expect(v.scores).to.deep.equal(v.scoreSheet);
    expect((v.scores as V[]).every((r) => r.technicalScore === null)).to.equal(true);
    expect((v.scoreSheet as V[])[0].technicalScore, 'experts’ scores stay in their own task').to.equal(null);

    const [confirm] = await open(id);
    expect(confirm).to.include({ elementId: 'confirm_winner', assignee: 'purchaser', formId: 'winner-confirmation' });
    expect(confirm.dueAt, 'the T9 limit is the task’s due date').to.deep.equal(new Date(v.confirmDeadlineAt as string));
    await complete(id, 'confirm_winner', { winnerBidId: 103, confirmationNote: '' }, 'purchaser');
    v = await vars(id);
    expect(v).to.include({ winnerBidId: 103, winnerDeemed: false });
    expect((v.award as V).bidId).to.equal(103);
    expect(await openIds(id)).to.deep.equal([]);

    clock.set(String(v.challengeDeadlineAt));
    await engine.runDue();
    const [sign] = await open(id);
    expect(sign).to.include({ elementId: 'sign_contract', assignee: 'purchaser' });
    await complete(id, 'sign_contract', contractForm, 'purchaser');
    const [pub] = await open(id);
    expect(pub).to.include({ elementId: 'publish_contract', assignee: 'purchaser' });
    expect(pub.dueAt!.toISOString()).to.equal((await vars(id)).contractPublishDeadlineAt);
    await complete(id, 'publish_contract', { publicationMedia: '四川政府采购网', publishedDate: '2026-05-21' }, 'purchaser');
    await complete(id, 'acceptance', pass, 'purchaser');

    const s = await state(id);
    expect(s.state).to.equal('completed');
    expect(s.incidents).to.deep.equal([]);
    expect(s.variables.outcome).to.equal('archived');
    expect(s.history.some((h) => h.elementId === 'end_archived')).to.equal(true);
    expect(world.documents.map((d) => d.templateId)).to.deep.equal([
      'approval-form', 'tender-notice', 'tender-documents', 'bid-opening-record', 'credit-check-record', 'expert-selection-record',
      'evaluation-report', 'award-notice', 'notice-of-award', 'procurement-contract', 'contract-notice', 'acceptance-report',
    ]);
    expect(world.jobs).to.include.members(['check-application', 'check-evaluation-settings', 'publish-tender', 'open-bids', 'qualify-bidders', 'confirm-qualification', 'draw-experts', 'prepare-evaluation', 'score-bids', 'record-award', 'record-contract', 'record-acceptance', 'archive-project']);
  });

  it('return and revise: a return goes to the applicant; the resubmission is checked again and approved anew', async function () {
    const id = await start();
    await complete(id, 'dept_approval', { decision: 'return', comment: '请补充配置标准' }, 'dept');
    const [rev] = await open(id);
    expect(rev).to.include({ elementId: 'revise_or_withdraw', assignee: 'purchaser', formId: 'procurement-revise' });
    await complete(id, 'revise_or_withdraw', { applicantAction: 'resubmit', revisionNote: '已补充', ...chainApplication({ budgetYuan: 3_600_000 }) }, 'purchaser');
    expect(await openIds(id)).to.deep.equal(['dept_approval']);
    expect((await vars(id)).budgetFen).to.equal(360_000_000);
    expect(world.jobs.filter((j) => j === 'check-application')).to.have.length(2);
    await approvals(id);
    expect(await openIds(id)).to.deep.equal(['prepare_tender']);
  });

  it('APPLICATION_INVALID: the problems go back to the applicant, who fixes them; withdrawal ends at 申请撤回', async function () {
    const id = await start({ agencyId: 999 });
    expect(await openIds(id)).to.deep.equal(['revise_or_withdraw']);
    expect((await vars(id)).applicationProblems).to.deep.equal([{ path: 'agencyId', reason: '代理机构不在册 (agency not registered)' }]);
    await complete(id, 'revise_or_withdraw', { applicantAction: 'resubmit', revisionNote: '改选代理机构', agencyId: 1 }, 'purchaser');
    expect(await openIds(id)).to.deep.equal(['dept_approval']);
    expect((await vars(id)).applicationProblems).to.deep.equal([]);

    const other = await start({ agencyId: 999 });
    await complete(other, 'revise_or_withdraw', { applicantAction: 'withdraw', revisionNote: '不再采购' }, 'purchaser');
    const s = await state(other);
    expect(s.state).to.equal('completed');
    expect(s.variables.outcome).to.equal('withdrawn');
  });

  it('TENDER_INVALID from the settings check and from publication return to prepare_tender with tenderProblems', async function () {
    const id = await start();
    await approvals(id);
    await complete(id, 'prepare_tender', tenderForm({ priceWeightPercent: 5, technicalWeightPercent: 75 }), 'agent1');
    expect(await openIds(id)).to.deep.equal(['prepare_tender']);
    expect((await vars(id)).tenderProblems).to.deep.equal([{ path: 'priceWeightPercent', reason: '货物项目价格分权重不得低于30% (price weight too low)' }]);
    await complete(id, 'prepare_tender', tenderForm({ bidDeadline: localIn(5) }), 'agent1');
    expect(await openIds(id)).to.deep.equal(['prepare_tender']);
    expect(((await vars(id)).tenderProblems as V[])[0].path).to.equal('bidDeadline');
    await publish(id);
    expect((await vars(id)).tenderProblems).to.deep.equal([]);
    expect(world.jobs.filter((j) => j === 'publish-tender')).to.have.length(2);
  });

  it('amendments: each is applied (deadline moved) and the bid window waits for the new deadline', async function () {
    const id = await start();
    await approvals(id);
    await publish(id);
    const first = String((await vars(id)).bidDeadlineAt);
    clock.set(new Date(new Date(first).getTime() - 5 * DAY).toISOString());
    const r = await engine.publishMessage({ name: 'tender-amended', correlationKey: '501', variables: { amendmentId: 1 } });
    expect(r.correlatedInstanceIds).to.deep.equal([id]);
    const moved = String((await vars(id)).bidDeadlineAt);
    expect(new Date(moved).getTime()).to.equal(clock.now().getTime() + 15 * DAY);
    expect(world.documents.at(-1)!.templateId).to.equal('clarification-notice');
    clock.set(first);
    await engine.runDue();
    expect(world.jobs).not.to.include('open-bids');
    await engine.publishMessage({ name: 'tender-amended', correlationKey: '501', variables: { amendmentId: 2 } });
    expect(world.jobs.filter((j) => j === 'apply-amendment')).to.have.length(2);
    await deadline(id);
    expect(await openIds(id)).to.deep.equal(['qualification_review']);
  });

  describe('failed tender (fewer bids than minBids)', function () {
    beforeEach(function () {
      world.bidsPerRound = [world.bidsPerRound[0].slice(0, 2), world.bidsPerRound[0]];
    });
    async function toDecision() {
      const id = await start();
      await approvals(id);
      await publish(id);
      await deadline(id);
      const [d] = await open(id);
      expect(d).to.include({ elementId: 'decide_after_failure', assignee: 'purchaser', formId: 'failed-tender-decision' });
      const v = await vars(id);
      expect(v).to.include({ bidCount: 2, failureReason: '投标人不足三家' });
      expect(world.documents.at(-1)!.templateId).to.equal('cancellation-notice');
      expect(world.jobs).not.to.include('qualify-bidders');
      return id;
    }

    it('retender: a second round is prepared and published, and can go on to qualification', async function () {
      const id = await toDecision();
      await complete(id, 'decide_after_failure', { nextAction: 'retender', decisionReason: '重新招标' }, 'purchaser');
      expect(await openIds(id)).to.deep.equal(['prepare_tender']);
      await publish(id, { bidDeadline: localIn(21) });
      expect(await vars(id)).to.include({ tenderRound: 2, tenderKey: '502' });
      await deadline(id);
      expect(await openIds(id)).to.deep.equal(['qualification_review']);
    });

    it('change_method: method := newMethod, back through the city gate and the approvals', async function () {
      const id = await toDecision();
      await complete(id, 'decide_after_failure', { nextAction: 'change_method', newMethod: '竞争性谈判', decisionReason: '改为竞争性谈判' }, 'purchaser');
      expect((await vars(id)).method).to.equal('竞争性谈判');
      const [city] = await open(id);
      expect(city.elementId).to.equal('city_finance_approval');
      expect(JSON.parse(city.headers ?? '{}')).to.include({ approvalStage: 'city' });
    });

    it('terminate: ends at 采购终止 with outcome terminated', async function () {
      const id = await toDecision();
      await complete(id, 'decide_after_failure', { nextAction: 'terminate', decisionReason: '采购需求取消' }, 'purchaser');
      const s = await state(id);
      expect(s.state).to.equal('completed');
      expect(s.variables.outcome).to.equal('terminated');
      expect(s.history.some((h) => h.elementId === 'end_terminated')).to.equal(true);
    });
  });

  it('qualification failure: a blacklisted bidder is excluded and too few remain → failed tender', async function () {
    world.bidsPerRound = [[...world.bidsPerRound[0].slice(0, 2), { bidId: 109, supplierName: '失信供应商有限公司', totalPriceFen: 280_000_000, blacklisted: true }]];
    const id = await start();
    await approvals(id);
    await publish(id);
    await deadline(id);
    const v = await vars(id);
    expect(v.bidCount).to.equal(3);
    expect((v.excludedBids as V[]).map((b) => b.bidId)).to.deep.equal([109]);
    // The reviewer cannot re-admit it: confirm-qualification keeps the credit exclusion.
    const decisions = (v.qualificationDecisions as V[]).map((d) => ({ ...d, qualified: true }));
    await complete(id, 'qualification_review', { qualificationDecisions: decisions }, 'agent1');
    expect(await vars(id)).to.include({ qualifiedCount: 2, failureReason: '合格投标人不足三家' });
    expect(await openIds(id)).to.deep.equal(['decide_after_failure']);
  });

  it('winner confirmation by timer: silence until confirmDeadlineAt deems the first candidate', async function () {
    const id = await start();
    await toConfirmation(id);
    const v = await vars(id);
    expect(v.confirmDeadlineAt).to.be.a('string');
    expect((v.confirmDeadline as V).rule ?? 'T9').to.equal('T9');
    clock.set(new Date(new Date(String(v.confirmDeadlineAt)).getTime() - 1000).toISOString());
    await engine.runDue();
    expect(await openIds(id)).to.deep.equal(['confirm_winner']);
    clock.set(String(v.confirmDeadlineAt));
    await engine.runDue();
    expect(await openIds(id)).to.deep.equal([]);
    expect(await vars(id)).to.include({ winnerBidId: 101, winnerDeemed: true });
    expect(((await vars(id)).award as V).bidId).to.equal(101);
  });

  describe('challenges', function () {
    async function challenge(id: string, n: number) {
      const r = await engine.publishMessage({ name: 'challenge-filed', correlationKey: '501', variables: { challengeId: n, challengeReplyDueAt: new Date(clock.now().getTime() + 9 * DAY).toISOString() } });
      expect(r.correlatedInstanceIds).to.deep.equal([id]);
      const [t] = await open(id);
      expect(t).to.include({ elementId: 'answer_challenge', formId: 'challenge-reply' });
      expect(t.users()).to.deep.equal(['agent1', 'agent2']);
      expect(t.dueAt!.toISOString()).to.equal((await vars(id)).challengeReplyDueAt);
    }
    async function awarded() {
      const id = await start();
      await toConfirmation(id);
      await complete(id, 'confirm_winner', { winnerBidId: 101 }, 'purchaser');
      clock.advance(2 * DAY);
      return id;
    }

    it('rejected: back to the window; a second challenge is caught too; then the window closes → contract', async function () {
      const id = await awarded();
      await challenge(id, 1);
      await complete(id, 'answer_challenge', { challengeOutcome: 'rejected', challengeReply: '经核查，质疑事项不成立，予以驳回。' }, 'agent1');
      expect(await openIds(id)).to.deep.equal([]);
      await challenge(id, 2);
      await complete(id, 'answer_challenge', { challengeOutcome: 'rejected', challengeReply: '经核查，质疑事项不成立，予以驳回。' }, 'agent1');
      expect(world.documents.filter((d) => d.templateId === 'challenge-letter-reply')).to.have.length(2);
      clock.set(String((await vars(id)).challengeDeadlineAt));
      await engine.runDue();
      expect(await openIds(id)).to.deep.equal(['sign_contract']);
    });

    it('upheld_reevaluate: the same panel evaluates again, then a new confirmation and award', async function () {
      const id = await awarded();
      await challenge(id, 1);
      await complete(id, 'answer_challenge', { challengeOutcome: 'upheld_reevaluate', challengeReply: '质疑成立，组织原评标委员会重新评审。' }, 'agent1');
      expect((await vars(id)).expertScores).to.deep.equal([]);
      await evaluate(id, (b) => (b === 104 ? 45 : 30));
      expect((await vars(id)).firstCandidateBidId).to.equal(104);
      await complete(id, 'confirm_winner', { winnerBidId: 104 }, 'purchaser');
      expect(((await vars(id)).award as V).bidId).to.equal(104);
      expect(world.jobs.filter((j) => j === 'record-award')).to.have.length(2);
      expect(world.jobs.filter((j) => j === 'draw-experts')).to.have.length(1);
    });

    it('upheld_cancel: failed tender (废标) and the purchaser decides', async function () {
      const id = await awarded();
      await challenge(id, 1);
      await complete(id, 'answer_challenge', { challengeOutcome: 'upheld_cancel', challengeReply: '质疑成立，本项目废标。' }, 'agent1');
      expect(await openIds(id)).to.deep.equal(['decide_after_failure']);
      expect((await vars(id)).failureReason).to.equal('质疑成立，废标');
    });
  });

  it('contract deadline escalation is non-interrupting: supervisor task beside the open signing; both finish', async function () {
    const id = await start();
    await toContract(id);
    const v = await vars(id);
    clock.set(String(v.contractDeadlineAt));
    await engine.runDue();
    expect(await openIds(id)).to.deep.equal(['escalate_contract', 'sign_contract']);
    const esc = (await open(id))[0];
    expect(esc.groups()).to.deep.equal(['supervisor']);
    expect(esc.formId).to.equal('contract-escalation');
    await complete(id, 'escalate_contract', { escalationMeasures: '约谈采购人，限期5日内签订' }, 'sup');
    expect(await openIds(id)).to.deep.equal(['sign_contract']);
    await finish(id);
    const s = await state(id);
    expect(s.state).to.equal('completed');
    expect(s.variables.outcome).to.equal('archived');
    expect(s.incidents).to.deep.equal([]);
  });

  it('acceptance failure: rectify and accept again, then archive', async function () {
    const id = await start();
    await toContract(id);
    await complete(id, 'sign_contract', contractForm, 'purchaser');
    await complete(id, 'publish_contract', { publicationMedia: '四川政府采购网', publishedDate: '2026-05-21' }, 'purchaser');
    await complete(id, 'acceptance', { ...pass, acceptanceOverall: 'fail', acceptanceResults: [{ requirement: '设备数量与型号', result: 'fail', note: '少2套' }], acceptanceIssues: '补齐2套' }, 'purchaser');
    expect(await openIds(id)).to.deep.equal(['acceptance']);
    await complete(id, 'acceptance', pass, 'purchaser');
    const s = await state(id);
    expect(s.state).to.equal('completed');
    expect(world.jobs.filter((j) => j === 'record-acceptance')).to.have.length(1);
  });

  it('QUALIFICATION_INVALID (an exclusion without a reason) returns to qualification_review with qualificationProblems, not an incident', async function () {
    const id = await start();
    await approvals(id);
    await publish(id);
    await deadline(id);
    const v = await vars(id);
    const decisions = (v.qualificationDecisions as V[]).map((d) => (d.bidId === 104 ? { ...d, qualified: false, reason: '' } : d));
    await complete(id, 'qualification_review', { qualificationDecisions: decisions }, 'agent1');
    expect(await openIds(id)).to.deep.equal(['qualification_review']);
    expect((await vars(id)).qualificationProblems).to.deep.equal([{ path: 'qualificationDecisions[3].reason', reason: '认定资格审查不合格须写明理由 (an exclusion needs a reason)' }]);
    expect((await state(id)).incidents).to.deep.equal([]);
    const again = (await open(id))[0];
    expect(again.formId).to.equal('qualification-review');
    expect(again.users()).to.deep.equal(['agent1', 'agent2']);
    // With the reason the review goes on; the problems are cleared (a later round's review must not show them).
    await complete(id, 'qualification_review', { qualificationDecisions: decisions.map((d) => (d.bidId === 104 ? { ...d, reason: '未提供有效的营业执照' } : d)) }, 'agent1');
    const after = await vars(id);
    expect(after).to.include({ qualifiedCount: 3 });
    expect(after.qualificationProblems).to.deep.equal([]);
    expect((after.qualifiedBids as V[]).map((b) => b.bidId)).to.deep.equal([101, 102, 103]);
    expect(await openIds(id)).to.deep.equal(['expert_evaluation', 'expert_evaluation', 'expert_evaluation', 'expert_evaluation', 'expert_evaluation']);
  });

  describe('CONTRACT_INVALID and the contract deadline', function () {
    const tooMuch = { ...contractForm, contractAmountYuan: 3_100_000, performanceBondYuan: 400_000 };
    const escalations = async (id: string) => (await Task.findAll({ where: { instanceId: id, elementId: 'escalate_contract' } })).length;

    it('a contract above the award or with a bond above 10 % goes back to sign_contract with contractProblems', async function () {
      const id = await start();
      await toContract(id);
      await complete(id, 'sign_contract', tooMuch, 'purchaser');
      expect(await openIds(id)).to.deep.equal(['sign_contract']);
      const v = await vars(id);
      expect((v.contractProblems as V[]).map((p) => p.path)).to.deep.equal(['contractAmountYuan', 'performanceBondYuan']);
      expect((await state(id)).incidents).to.deep.equal([]);
      expect((await open(id))[0]).to.include({ assignee: 'purchaser', formId: 'contract-signing' });
      // Returned before the deadline: no escalation; the re-armed timer escalates once when the deadline passes.
      expect(await escalations(id)).to.equal(0);
      clock.set(String(v.contractDeadlineAt));
      await engine.runDue();
      expect(await openIds(id)).to.deep.equal(['escalate_contract', 'sign_contract']);
      expect((await vars(id)).contractEscalated).to.equal(true);
      await finish(id);
      const s = await state(id);
      expect(s.variables.outcome).to.equal('archived');
      expect(await openIds(id)).to.deep.equal(['escalate_contract']); // the supervisor's task stays until done
      expect(world.jobs.filter((j) => j === 'record-contract')).to.have.length(2);
    });

    it('a return after the deadline passed does not escalate a second time (the re-armed timer fires at once, the guard ends it)', async function () {
      const id = await start();
      await toContract(id);
      clock.set(String((await vars(id)).contractDeadlineAt));
      await engine.runDue();
      expect(await openIds(id)).to.deep.equal(['escalate_contract', 'sign_contract']);
      // Twice returned, once with the escalation still open and once after it was handled.
      await complete(id, 'sign_contract', tooMuch, 'purchaser');
      clock.advance(60_000);
      await engine.runDue();
      expect(await openIds(id)).to.deep.equal(['escalate_contract', 'sign_contract']);
      await complete(id, 'escalate_contract', { escalationMeasures: '约谈采购人，限期5日内签订' }, 'sup');
      await complete(id, 'sign_contract', { ...contractForm, performanceBondYuan: 300_001 }, 'purchaser');
      clock.advance(60_000);
      await engine.runDue();
      expect(await openIds(id)).to.deep.equal(['sign_contract']);
      expect(await escalations(id)).to.equal(1);
      const s = await state(id);
      expect(s.incidents).to.deep.equal([]);
      expect(s.history.filter((h) => h.elementId === 'end_already_escalated').length).to.be.greaterThan(0);
      await finish(id);
      expect((await state(id)).variables.outcome).to.equal('archived');
      expect(await escalations(id)).to.equal(1);
    });
  });

  it('the contract notice is dated by the publication form (publishedDate over the recorded date, for this task only)', async function () {
    const id = await start();
    await toContract(id);
    await finish(id);
    const notice = world.documents.find((d) => d.templateId === 'contract-notice')!;
    expect(notice.data).to.deep.equal({ number: 'FCHT-2026-001', noticeDate: '2026-05-21' });
    expect((await vars(id)).contractNoticeData).to.deep.equal({ number: 'FCHT-2026-001', noticeDate: '2026-01-01' });
  });

  it('the approval form names each approver from the server-owned completedBy/completedByName (no claim needed)', async function () {
    const id = await start();
    const by = (username: string, name: string) => ({ ...approve, completedBy: username, completedByName: name });
    await complete(id, 'dept_approval', by('dept', '主管部门 张三'), 'dept');
    await complete(id, 'finance_approval', by('fin', '采购股 李四'), 'fin');
    await complete(id, 'supervisor_approval', by('sup', '监督股 王五'), 'sup');
    expect(await vars(id)).to.include({ deptApprover: 'dept', financeApprover: 'fin', supervisorApprover: 'sup', supervisorApproverName: '监督股 王五' });
    const form = world.documents.find((d) => d.templateId === 'approval-form')!;
    expect((form.data.approvals as V[]).map((a) => [a.elementId, a.person])).to.deep.equal([
      ['dept_approval', '主管部门 张三'], ['finance_approval', '采购股 李四'], ['supervisor_approval', '监督股 王五'],
    ]);
  });
});
