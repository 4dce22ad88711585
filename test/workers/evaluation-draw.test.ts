/**
 * draw-experts on a real database: eligibility, recusal with reasons, widening of the specialty, the panel size
 * rules, reproducibility from the recorded seed (verifyExpertDraw), idempotency on the job key, panel service
 * records, the too-few-experts failure and the 评审专家抽取记录表 data (template 10).
 */
import { expect } from 'chai';
import { ManualClock } from '../../server/clock.ts';
import { BpmnError, type Job, type WorkerContext } from '../../server/engine/port.ts';
import { defineAuthModels } from '../../server/auth/models.ts';
import { registryModels } from '../../server/registry/models.ts';
import { creditCodeCheckChar } from '../../server/registry/credit-code.ts';
import { renderDocument } from '../../server/documents/render.ts';
import { WORKER_TYPES } from '../../server/workers/index.ts';
import { drawExpertsWorker, DRAW_EXPERTS_TASK_TYPE } from '../../server/evaluation/workers.ts';
import { evaluationModels } from '../../server/evaluation/models.ts';
import { selectPanel, type PoolEntry } from '../../server/evaluation/draw.ts';
import { verifyExpertDraw } from '../../server/evaluation/index.ts';
import { testDatabase, type TestDatabase } from '../helpers/db.ts';

const cc = (first17: string) => first17 + creditCodeCheckChar(first17);
const BIDDER_1 = cc('91510703MA6AT3L50');
const BIDDER_2 = cc('91510703MA62XY1K0');
const MEMBER = cc('91510703MA6BQ2R05');
const PURCHASER = '涪城区教育局';

describe('workers: draw-experts (专家随机抽取)', () => {
  let t: TestDatabase;
  const clock = new ManualClock('2026-04-13T07:00:00Z');
  const ctx: WorkerContext = { now: () => clock.now(), log: () => {} };
  const ids: Record<string, number> = {};
  let purchaserOrgId = 0;
  let agencyId = 0;

  before(async () => {
    t = await testDatabase();
    const { Organisation, User } = defineAuthModels(t.db.sequelize);
    const { Expert, Agency } = registryModels(t.db.sequelize);
    const org = async (name: string, kind: 'purchaser_unit' | 'agency' | 'expert_panel' | 'supervision') => (await Organisation.create({ name, kind, creditCode: null })).id;
    purchaserOrgId = await org(PURCHASER, 'purchaser_unit');
    const agencyOrg = await org('四川某某招标代理有限公司', 'agency');
    const expertsOrg = await org('涪城区政府采购评审专家库', 'expert_panel');
    const supOrg = await org('涪城区财政局 监督检查股', 'supervision');
    const user = async (username: string, roles: string, organisationId: number, disabled = false) =>
      (ids[username] = (await User.create({ username, displayName: username, passwordHash: 'x', roles, organisationId, disabled })).id);
    for (let i = 1; i <= 12; i++) await user(`expert${i}`, 'expert', expertsOrg);
    await user('agentexpert', 'expert', agencyOrg);
    await user('supexpert', 'expert,supervisor', supOrg);
    await user('purchexpert', 'expert', purchaserOrgId);
    await user('offexpert', 'expert', expertsOrg, true);
    await user('supervisor', 'supervisor', supOrg);
    const audit = { version: 1, createdAt: clock.now(), updatedAt: clock.now(), updatedBy: 'test' };
    agencyId = (await Agency.create({ creditCode: cc('91510703MA6AG0001'), name: '四川某某招标代理有限公司', contactName: '陈', contactPhone: '0816-2399001', address: '绵阳', staffUserIds: [ids.agentexpert], organisationId: agencyOrg, status: 'active', ...audit })).get('id') as number;
    const expert = async (code: string, userKey: string | null, specialties: string[], extra: Record<string, unknown> = {}) =>
      Expert.create({ code, name: `专家${code}`, idNumber: null, employer: '某大学', title: '教授', specialties, phone: '13900000000', status: 'active', conflicts: [], userId: userKey ? ids[userKey] : null, ...audit, ...extra });
    for (let i = 1; i <= 6; i++) await expert(`E0${i}`, `expert${i}`, ['A0201']);
    await expert('E07', 'expert7', ['A02010104'], { employer: PURCHASER });
    await expert('E08', 'expert8', ['A0201'], { conflicts: [{ kind: 'supplier', value: BIDDER_2, note: '配偶任职' }] });
    await expert('E09', 'expert9', ['A0201'], { employer: '四川天府办公家具有限公司' }); // a consortium member
    await expert('E10', 'agentexpert', ['A0201']);
    await expert('E11', 'supexpert', ['A0201']);
    await expert('E12', null, ['A0201']);
    await expert('E13', 'expert10', ['A0201'], { status: 'suspended' });
    await expert('E14', 'expert11', ['A06']);
    await expert('E15', 'expert12', ['A020102']);
    await expert('E16', 'purchexpert', ['A0201']);
    await expert('E17', 'offexpert', ['A0201']);
    await expert('E18', 'expert1', ['A0201'], { code: 'E18', conflicts: [{ kind: 'employer', value: PURCHASER }], userId: null });
  });
  after(async () => {
    await t.drop();
  });

  const vars = (over: Record<string, unknown> = {}) => ({
    tenderId: 7, projectNumber: 'FCZC-2026-0007', projectName: '涪城区中小学计算机采购项目', method: '公开招标', categoryCode: 'A02010104',
    budgetFen: 386_000_000, maxPriceFen: 380_000_000, purchaserName: PURCHASER, purchaserOrgId, agencyId, agencyName: '四川某某招标代理有限公司',
    agencyUsers: ['agency'], organisationForm: '分散采购',
    openedBids: [
      { bidId: 1, supplierId: 1, supplierName: '绵阳某某信息技术有限公司', creditCode: BIDDER_1, totalPriceFen: 350_000_000, sme: true, consortium: [] },
      { bidId: 2, supplierId: 2, supplierName: '绵阳市科创电子科技有限公司', creditCode: BIDDER_2, totalPriceFen: 360_000_000, sme: false, consortium: [{ name: '四川天府办公家具有限公司', creditCode: MEMBER }] },
    ],
    ...over,
  });
  let n = 0;
  const job = (variables: Record<string, unknown>, headers: Record<string, string> = {}, key?: string): Job => ({
    key: key ?? `i1:draw_experts:${++n}`, type: DRAW_EXPERTS_TASK_TYPE, instanceId: 'i1', bpmnProcessId: 'procurement', elementId: 'draw_experts',
    businessKey: null, variables, headers, retries: 3,
  });

  it('is registered', () => {
    expect(WORKER_TYPES).to.include(DRAW_EXPERTS_TASK_TYPE);
  });

  it('draws 5 from the eligible pool, records every recusal with its reason, and the draw verifies', async () => {
    const worker = drawExpertsWorker({ db: t.db, clock });
    const out = (await worker(job(vars()), ctx)) as Record<string, any>;
    expect(out.panelSize).to.equal(5);
    expect(out.panel).to.have.length(5);
    const codes = out.panel.map((p: { code: string }) => p.code);
    for (const c of codes) expect(['E01', 'E02', 'E03', 'E04', 'E05', 'E06']).to.include(c);
    expect(out.panel[0]).to.have.keys(['expertId', 'code', 'username']);

    const row = await evaluationModels(t.db.sequelize).ExpertDraw.findByPk(out.expertDrawId);
    const pool = row!.get('pool') as PoolEntry[];
    expect(pool.map((p) => p.code)).to.deep.equal(['E01', 'E02', 'E03', 'E04', 'E05', 'E06']);
    expect(row!.get('matchedPrefix')).to.equal('A02010104');
    const seed = Buffer.from(row!.get('seedHex') as string, 'hex');
    expect(seed).to.have.length(32);
    expect(selectPanel(seed, pool, 5, 2).panel.map((p) => p.code)).to.deep.equal(codes);
    const reasons = Object.fromEntries((row!.get('exclusions') as { code: string; reasons: string[] }[]).map((e) => [e.code, e.reasons.join(' | ')]));
    expect(reasons.E07).to.contain('works for the purchaser');
    expect(reasons.E08).to.contain('绵阳市科创电子科技有限公司').and.contain('declared conflict');
    expect(reasons.E09).to.contain('四川天府办公家具有限公司').and.contain('expert works for the supplier');
    expect(reasons.E10).to.contain('agency');
    expect(reasons.E11).to.contain('finance supervision');
    expect(reasons.E12).to.contain('no enabled expert account');
    expect(reasons.E13).to.contain('not active');
    expect(reasons.E16).to.contain('works for the purchaser');
    expect(reasons.E17).to.contain('no enabled expert account');
    expect(reasons.E18).to.contain('declared conflict with the purchaser');
    expect(reasons).to.not.have.property('E14'); // not of the specialty: counted, not listed
    expect(reasons).to.not.have.property('E15');

    const v = await verifyExpertDraw(undefined, out.expertDrawId, t.db.sequelize);
    expect(v.ok).to.equal(true);
    expect(v.panel.map((p) => p.code)).to.deep.equal(codes);
    expect(v.reserves.map((p) => p.code)).to.have.length(1); // 6 eligible: 5 + 1 reserve

    const served = await registryModels(t.db.sequelize).PanelService.findAll({ where: { projectRef: 'FCZC-2026-0007' } });
    expect(served.map((s) => s.get('expertId')).sort()).to.deep.equal(out.panel.map((p: { expertId: number }) => p.expertId).sort());

    const doc = out.expertSelectionRecordData;
    expect(doc.numberRequired).to.equal(5);
    expect(doc.experts.filter((e: { reserve: boolean }) => !e.reserve).map((e: { name: string }) => e.name)).to.deep.equal(codes.map((c: string) => `${c}（姓名保密）`));
    expect(doc.supervisor).to.equal('涪城区财政局 监督检查股');
    expect(doc.database).to.equal('涪城区政府采购评审专家库');
    expect(doc.bidders).to.include('四川天府办公家具有限公司');
    const html = renderDocument('expert-selection-record', doc).html;
    expect(html).to.contain('FCZC-2026-0007');
    expect(html).to.not.contain('专家E01');
  });

  it('is idempotent on the job key, and another draw has another seed', async () => {
    const worker = drawExpertsWorker({ db: t.db, clock });
    const { ExpertDraw } = evaluationModels(t.db.sequelize);
    const before = await ExpertDraw.count();
    const first = await worker(job(vars(), {}, 'i1:draw_experts:same'), ctx);
    const again = await worker(job(vars(), {}, 'i1:draw_experts:same'), ctx);
    expect(again).to.deep.equal(first);
    expect(await ExpertDraw.count()).to.equal(before + 1);
    const other = (await worker(job(vars()), ctx)) as Record<string, any>;
    const seeds = await ExpertDraw.findAll({ where: { id: [(first as any).expertDrawId, other.expertDrawId] } });
    expect(seeds[0].get('seedHex')).to.not.equal(seeds[1].get('seedHex'));
  });

  it('two deliveries of one job at the same moment draw once', async () => {
    const worker = drawExpertsWorker({ db: t.db, clock });
    const { ExpertDraw } = evaluationModels(t.db.sequelize);
    const before = await ExpertDraw.count();
    const [a, b] = await Promise.all([worker(job(vars(), {}, 'i1:draw_experts:parallel'), ctx), worker(job(vars(), {}, 'i1:draw_experts:parallel'), ctx)]);
    expect(a).to.deep.equal(b);
    expect(await ExpertDraw.count()).to.equal(before + 1);
  });

  it('a tampered record no longer verifies', async () => {
    const out = (await drawExpertsWorker({ db: t.db, clock })(job(vars()), ctx)) as Record<string, any>;
    const { ExpertDraw } = evaluationModels(t.db.sequelize);
    const row = (await ExpertDraw.findByPk(out.expertDrawId))!;
    const panel = row.get('panel') as { code: string }[];
    await row.update({ panel: [panel[1], panel[0], ...panel.slice(2)] });
    const v = await verifyExpertDraw(undefined, out.expertDrawId, t.db.sequelize);
    expect(v.ok).to.equal(false);
    expect(v.problems.join()).to.contain('differs');
  });

  it('needs 7 at 1000万元 and widens the specialty to the parent category when too few match', async () => {
    const out = (await drawExpertsWorker({ db: t.db, clock })(job(vars({ budgetFen: 1_000_000_000 })), ctx)) as Record<string, any>;
    expect(out.panelSize).to.equal(7);
    const row = await evaluationModels(t.db.sequelize).ExpertDraw.findByPk(out.expertDrawId);
    expect(row!.get('matchedPrefix')).to.equal('A0201');
    expect((row!.get('pool') as PoolEntry[]).map((p) => p.code)).to.deep.equal(['E01', 'E02', 'E03', 'E04', 'E05', 'E06', 'E15']);
    expect(row!.get('panelBasis')).to.contain('第87号');
  });

  it('too few eligible experts: a plain failure (retries, then an incident) with a bilingual message', async () => {
    let err: unknown;
    try {
      await drawExpertsWorker({ db: t.db, clock })(job(vars({ budgetFen: 1_000_000_000 }), { panelSize: '9' }), ctx);
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(Error).and.not.instanceOf(BpmnError);
    expect((err as Error).message).to.contain('符合条件的评审专家不足').and.contain('not enough eligible experts').and.contain('9');
    // A panel size the rules forbid is refused too.
    let bad: unknown;
    try {
      await drawExpertsWorker({ db: t.db, clock })(job(vars(), { panelSize: '4' }), ctx);
    } catch (e) {
      bad = e;
    }
    expect((bad as Error).message).to.contain('panelSize');
  });

  it('works tenders draw from the 综合评标专家库 only: GP-only experts never, experts of both pools may; ≥ 5 whatever the estimate', async () => {
    const { Expert } = registryModels(t.db.sequelize);
    const audit = { version: 1, createdAt: clock.now(), updatedAt: clock.now(), updatedBy: 'test' };
    const { User, Organisation } = defineAuthModels(t.db.sequelize);
    const org = (await Organisation.findOne({ where: { name: '涪城区政府采购评审专家库' } }))!.id;
    // Six B07 experts: W1–W4 only in the works pool, G1–G2 only GP; and E01 (A0201) joins both pools.
    for (const code of ['W1', 'W2', 'W3', 'W4', 'G1', 'G2']) {
      const u = await User.create({ username: `u_${code}`, displayName: code, passwordHash: 'x', roles: 'expert', organisationId: org });
      await Expert.create({ code, name: `专家${code}`, idNumber: null, employer: '某设计院', title: '高工', specialties: ['B07'], phone: '13900000000', status: 'active', conflicts: [], userId: u.id, pools: code.startsWith('W') ? ['works'] : ['gp'], ...audit });
    }
    const both = await User.create({ username: 'u_W5', displayName: 'W5', passwordHash: 'x', roles: 'expert', organisationId: org });
    await Expert.create({ code: 'W5', name: '专家W5', idNumber: null, employer: '某设计院', title: '高工', specialties: ['B07'], phone: '13900000000', status: 'active', conflicts: [], userId: both.id, pools: ['gp', 'works'], ...audit });
    const works = vars({ regime: 'works', categoryCode: 'B07', budgetFen: 2_000_000_000 });
    const out = (await drawExpertsWorker({ db: t.db, clock })(job(works, { expertPool: 'works', reserveCount: '0' }), ctx)) as Record<string, any>;
    // 2000万 would need 7 in government procurement; the Bidding Law asks ≥ 5 (法37).
    expect(out.panelSize).to.equal(5);
    expect(out.expertPool).to.equal('works');
    expect(out.panel.map((p: { code: string }) => p.code).sort()).to.deep.equal(['W1', 'W2', 'W3', 'W4', 'W5']);
    expect(out.expertSelectionRecordData.database).to.equal('综合评标专家库');
    const row = await evaluationModels(t.db.sequelize).ExpertDraw.findByPk(out.expertDrawId);
    expect((row!.get('pool') as PoolEntry[]).map((p) => p.code)).to.deep.equal(['W1', 'W2', 'W3', 'W4', 'W5']);
    expect((row!.get('panelBasis') as string)).to.contain('招标投标法第三十七条');
    // The same project drawn for GP (header gp): only G1, G2 and W5 are GP experts of B07 → too few, and the message names the pool.
    let err: unknown;
    try {
      await drawExpertsWorker({ db: t.db, clock })(job({ ...works, regime: undefined, budgetFen: 50_000_000 }, { expertPool: 'gp' }), ctx);
    } catch (e) {
      err = e;
    }
    expect((err as Error).message).to.contain('政府采购评审专家库').and.contain('3');
    // And a works draw that needs more than the works pool has names the 综合评标专家库.
    let short: unknown;
    try {
      await drawExpertsWorker({ db: t.db, clock })(job(works, { expertPool: 'works', panelSize: '7' }), ctx);
    } catch (e) {
      short = e;
    }
    expect((short as Error).message).to.contain('综合评标专家库').and.contain('works');
  });
});
