/**
 * Evaluation routes over HTTP on the demo seed: who may read the expert draw and the scores, expert names kept
 * confidential until the award (the instance's awardedAt), the draw re-verified from its seed, and the demo seed's
 * expert logins giving a computer tender a full panel.
 */
import { expect } from 'chai';
import request from 'supertest';
import { startHarness, type Harness } from './harness.ts';
import type { Job, WorkerContext } from '../../server/engine/port.ts';
import { defineAuthModels } from '../../server/auth/models.ts';
import { registryModels } from '../../server/registry/models.ts';
import { DEMO_BLACKLISTED_CODE, DEMO_SUPPLIER_CODE } from '../../server/seed/registers.ts';
import { drawExpertsWorker, scoreBidsWorker } from '../../server/evaluation/workers.ts';

describe('API: evaluation (expert draw, verification, scores)', () => {
  let h: Harness;
  const ctx: WorkerContext = { now: () => h.clock.now(), log: () => {} };
  let pending: string;
  let awarded: string;
  let panel101: { expertId: number; code: string; username: string }[];
  const auth = async (u: string) => ({ Authorization: `Bearer ${await h.token(u)}` });

  before(async () => {
    h = await startHarness({ deploy: ['api-approval.bpmn'] });
    const { User } = defineAuthModels(h.tdb.db.sequelize);
    const purchaser = (await User.findOne({ where: { username: 'purchaser' } }))!;
    const agencyUser = (await User.findOne({ where: { username: 'agency' } }))!;
    // Another agency's staff member and another purchaser organisation's clerk.
    await User.create({ username: 'agency2', displayName: '别家代理', passwordHash: agencyUser.passwordHash, roles: 'agency', organisationId: null });
    await User.create({ username: 'purchaser2', displayName: '别的单位', passwordHash: purchaser.passwordHash, roles: 'purchaser', organisationId: null });
    const agency = (await registryModels(h.tdb.db.sequelize).Agency.findOne({ where: { name: '四川某某招标代理有限公司' } }))!;

    pending = (await h.engine.startInstance({ bpmnProcessId: 'api_approval', variables: { reviewer: 'dept_approver' }, startedBy: 'purchaser' })).instanceId;
    awarded = (await h.engine.startInstance({ bpmnProcessId: 'api_approval', variables: { reviewer: 'dept_approver', awardedAt: '2026-03-01T02:00:00.000Z' }, startedBy: 'purchaser' })).instanceId;
    const vars = (tenderId: number) => ({
      tenderId, projectNumber: `FCZC-2026-0${tenderId}`, projectName: '涪城区中小学计算机采购项目', method: '公开招标', categoryCode: 'A02010104',
      budgetFen: 1_000_000_000, purchaserName: '涪城区教育局', purchaserOrgId: purchaser.organisationId, agencyId: agency.get('id'), agencyName: '四川某某招标代理有限公司',
      agencyUsers: ['agency'], evaluationMethod: 'lowest_price', smeDeductionPercent: 10, smeReserved: false,
      openedBids: [
        { bidId: 1, supplierId: 1, supplierName: '绵阳某某信息技术有限公司', creditCode: DEMO_SUPPLIER_CODE, totalPriceFen: 900_000_000, sme: true, consortium: [] },
        { bidId: 2, supplierId: 2, supplierName: '绵阳市涪城区顺达印务有限公司', creditCode: DEMO_BLACKLISTED_CODE, totalPriceFen: 800_000_000, sme: true, consortium: [] },
      ],
    });
    const job = (instanceId: string, type: string, variables: Record<string, unknown>): Job => ({
      key: `${instanceId}:${type}:1`, type, instanceId, bpmnProcessId: 'procurement', elementId: type, businessKey: null, variables, headers: {}, retries: 3,
    });
    const draw = drawExpertsWorker({ db: h.tdb.db, clock: h.clock });
    const d101 = (await draw(job(pending, 'draw-experts', vars(101)), ctx)) as Record<string, any>;
    await draw(job(awarded, 'draw-experts', vars(102)), ctx);
    panel101 = d101.panel;
    const v = { ...vars(101), panel: panel101, qualifiedBids: vars(101).openedBids, expertScores: panel101.map((p) => ({ expertCode: p.code, scores: [{ bidId: 1, compliant: true }, { bidId: 2, compliant: true }] })) };
    await scoreBidsWorker({ db: h.tdb.db, clock: h.clock })(job(pending, 'score-bids', v), ctx);
  });
  after(async () => {
    await h.close();
  });

  it('the demo seed gives a 1000万元 computer tender a panel of 7 with logins, the demo supplier\'s conflicted expert recused', async () => {
    expect(panel101).to.have.length(7);
    expect(panel101.every((p) => /^expert\d+$/.test(p.username))).to.equal(true);
    const res = await request(h.app).get('/api/tenders/101/expert-draw').set(await auth('supervisor'));
    expect(res.status).to.equal(200);
    const fczj1 = res.body.exclusions.find((e: { code: string }) => e.code === 'FCZJ-0001');
    expect(fczj1.reasons.join()).to.contain('declared conflict');
    // Every drawn expert can log in (the demo password) and is the expert of that code.
    expect((await request(h.app).post('/api/auth/login').send({ username: panel101[0].username, password: 'demo1234' })).status).to.equal(200);
  });

  it('names: the supervisor sees them; the auditor and the project\'s agency see codes until the award', async () => {
    const sup = (await request(h.app).get('/api/tenders/101/expert-draw').set(await auth('supervisor'))).body;
    expect(sup.namesVisible).to.equal(true);
    expect(sup.panel.filter((p: { reserve: boolean }) => !p.reserve).map((p: { code: string }) => p.code)).to.deep.equal(panel101.map((p) => p.code));
    expect(sup.panel.every((p: { name: string | null }) => typeof p.name === 'string' && p.name.length > 0)).to.equal(true);
    expect(sup.seedHex).to.match(/^[0-9a-f]{64}$/);

    const aud = (await request(h.app).get('/api/tenders/101/expert-draw').set(await auth('auditor'))).body;
    expect(aud.namesVisible).to.equal(false);
    expect(aud.panel.every((p: { name: string | null }) => p.name === null)).to.equal(true);
    expect(aud.exclusions).to.be.an('array');

    const ag = await request(h.app).get('/api/tenders/101/expert-draw').set(await auth('agency'));
    expect(ag.status).to.equal(200);
    expect(ag.body.panel.every((p: { name: string | null }) => p.name === null)).to.equal(true);
    expect(ag.body.exclusions).to.equal(null);
    expect(ag.body.pool).to.equal(null);
    const sunName = '孙立新';
    expect(JSON.stringify(ag.body)).to.not.contain(sunName);
    // Nor anything that identifies the panel before the award: the register shows agencies names by code, and with
    // the seed HMAC(seed, code) over the register's codes would reveal the draw.
    expect(ag.body.seedHex).to.equal(null);
    expect(ag.body.panel.map((p: { code: string }) => p.code)).to.deep.equal(ag.body.panel.map((_: unknown, i: number) => `专家${i + 1}`));
    expect(ag.body.panel.every((p: { key: string | null }) => p.key === null)).to.equal(true);
    for (const code of panel101.map((p) => p.code)) expect(JSON.stringify(ag.body)).to.not.contain(code);
    const agVerify = (await request(h.app).get('/api/tenders/101/expert-draw/verify').set(await auth('agency'))).body;
    expect(agVerify.seedHex).to.equal(null);
    for (const code of panel101.map((p) => p.code)) expect(JSON.stringify(agVerify)).to.not.contain(code);
    // The auditor keeps the codes (it checks the draw), the agency gets them once the result is published.
    expect(aud.panel.filter((p: { reserve: boolean }) => !p.reserve).map((p: { code: string }) => p.code)).to.deep.equal(panel101.map((p) => p.code));

    const after = (await request(h.app).get('/api/tenders/102/expert-draw').set(await auth('agency'))).body;
    expect(after.awarded).to.equal(true);
    expect(after.panel.every((p: { name: string | null }) => typeof p.name === 'string')).to.equal(true);
    expect(after.seedHex).to.match(/^[0-9a-f]{64}$/);
    expect(after.panel.every((p: { code: string }) => !p.code.startsWith('专家'))).to.equal(true);
  });

  it('others may not read the draw: another agency, purchaser, supplier, expert; 401 without a token; 404 for a tender without one', async () => {
    expect((await request(h.app).get('/api/tenders/101/expert-draw').set(await auth('agency2'))).status).to.equal(403);
    for (const role of ['purchaser', 'supplier', 'expert', 'finance_section']) {
      expect((await request(h.app).get('/api/tenders/101/expert-draw').set(await auth(role))).status, role).to.equal(403);
    }
    expect((await request(h.app).get('/api/tenders/101/expert-draw')).status).to.equal(401);
    expect((await request(h.app).get('/api/tenders/999/expert-draw').set(await auth('supervisor'))).status).to.equal(404);
    const bad = await request(h.app).get('/api/tenders/abc/expert-draw').set(await auth('supervisor'));
    expect(bad.status).to.equal(422);
    expect(bad.body.error.code).to.equal('VALIDATION_FAILED');
  });

  it('verify re-runs the draw from the recorded seed and pool', async () => {
    const res = await request(h.app).get('/api/tenders/101/expert-draw/verify').set(await auth('auditor'));
    expect(res.status).to.equal(200);
    expect(res.body.ok).to.equal(true);
    expect(res.body.panel.map((p: { code: string }) => p.code)).to.deep.equal(panel101.map((p) => p.code));
    expect((await request(h.app).get('/api/tenders/101/expert-draw/verify').set(await auth('supplier'))).status).to.equal(403);
  });

  it('the routes are described in the OpenAPI document with their access', async () => {
    const doc = (await request(h.app).get('/api/openapi.json').expect(200)).body;
    for (const path of ['/api/tenders/{id}/expert-draw', '/api/tenders/{id}/expert-draw/verify', '/api/tenders/{id}/evaluation']) {
      expect(doc.paths[path]?.get, path).to.exist;
      expect(doc.paths[path].get['x-access']).to.include('supervisor');
    }
  });

  it('scores: the project\'s purchaser and agency, supervisor and auditor read them; others may not', async () => {
    for (const u of ['purchaser', 'agency', 'supervisor', 'auditor']) {
      const res = await request(h.app).get('/api/tenders/101/evaluation').set(await auth(u));
      expect(res.status, u).to.equal(200);
      // Lowest price with the 10 % deduction: 顺达 800万 × 0.9 = 720万 < 某某 900万 × 0.9 = 810万.
      expect(res.body.ranking.map((r: { bidId: number; evaluatedPriceFen: number }) => [r.bidId, r.evaluatedPriceFen])).to.deep.equal([[2, 720_000_000], [1, 810_000_000]]);
      expect(res.body.expertScores).to.have.length(14);
      expect(res.body.tieSeedHex).to.match(/^[0-9a-f]{64}$/);
      // Before the award the purchaser and the agency see the scores under stand-ins, not the experts' codes.
      const codes = new Set(res.body.expertScores.map((e: { expertCode: string }) => e.expertCode));
      expect(codes.size, u).to.equal(7);
      if (u === 'purchaser' || u === 'agency') {
        expect([...codes].every((c) => /^专家[1-7]$/.test(c as string)), u).to.equal(true);
      } else {
        expect([...codes].sort(), u).to.deep.equal(panel101.map((p) => p.code).sort());
      }
    }
    for (const u of ['purchaser2', 'agency2', 'expert', 'supplier', 'dept_approver']) {
      expect((await request(h.app).get('/api/tenders/101/evaluation').set(await auth(u))).status, u).to.equal(403);
    }
    expect((await request(h.app).get('/api/tenders/102/evaluation').set(await auth('supervisor'))).status).to.equal(404);
  });
});
