/** Agency register (staff accounts, own-record edits) and expert pool (identities, supervisor-only edits, panels). */
import { expect } from 'chai';
import request from 'supertest';
import { defineAuthModels } from '../../server/auth/models.ts';
import { expertConflicts, recordPanelService } from '../../server/registry/index.ts';
import { creditCodeCheckChar } from '../../server/registry/credit-code.ts';
import { DEMO_AGENCY_CODE, DEMO_SUPPLIER_CODE } from '../../server/seed/registers.ts';
import { startHarness, type Harness } from './harness.ts';

const code = (first17: string) => first17 + creditCodeCheckChar(first17);

describe('agency register API', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.close();
  });
  const auth = async (u: string) => ({ Authorization: `Bearer ${await h.token(u)}` });

  it('everyone reads the register; the staff list only the bureau, auditor and the agency itself', async () => {
    const bySupplier = await request(h.app).get('/api/agencies').set(await auth('supplier'));
    expect(bySupplier.body.total).to.equal(2);
    expect(bySupplier.body.items.every((a: { staff: unknown }) => a.staff === null)).to.equal(true);
    const own = (await request(h.app).get(`/api/agencies?q=${encodeURIComponent('某某招标')}`).set(await auth('agency'))).body.items[0];
    expect(own).to.include({ creditCode: DEMO_AGENCY_CODE, staffVisible: true });
    expect(own.staff.map((s: { username: string }) => s.username)).to.deep.equal(['agency']);
    const other = (await request(h.app).get(`/api/agencies?q=${encodeURIComponent('公正')}`).set(await auth('agency'))).body.items[0];
    expect(other.staff).to.equal(null);
    expect((await request(h.app).get(`/api/agencies/${own.id}`).set(await auth('auditor'))).body.staff).to.have.length(1);
  });

  it('validates staff accounts and credit codes; an agency edits its own contact and staff but not its status', async () => {
    const body = { creditCode: code('91510703MA6AG0099'), name: '测试代理有限公司', contactName: '甲', contactPhone: '0816-1234567', address: '涪城区' };
    const badStaff = await request(h.app).post('/api/agencies').set(await auth('finance_section')).send({ ...body, staffUserIds: [1, 99999] });
    expect(badStaff.status).to.equal(422);
    expect(badStaff.body.error.details.map((d: { path: string }) => d.path)).to.deep.equal(['staffUserIds.0', 'staffUserIds.1']);
    expect((await request(h.app).post('/api/agencies').set(await auth('agency')).send(body)).status).to.equal(403);
    expect((await request(h.app).post('/api/agencies').set(await auth('finance_section')).send(body)).status).to.equal(201);
    expect((await request(h.app).post('/api/agencies').set(await auth('finance_section')).send(body)).status).to.equal(409);

    const own = (await request(h.app).get(`/api/agencies?q=${DEMO_AGENCY_CODE}`).set(await auth('agency'))).body.items[0];
    const edit = await request(h.app).patch(`/api/agencies/${own.id}`).set(await auth('agency')).send({ version: own.version, contactPhone: '0816-8888888' });
    expect(edit.status).to.equal(200);
    expect(edit.body.staff).to.deep.equal(own.staff);
    expect(edit.body.status).to.equal('active');
    const status = await request(h.app).patch(`/api/agencies/${own.id}`).set(await auth('agency')).send({ version: edit.body.version, status: 'cancelled' });
    expect(status.status).to.equal(403);
    // An agency cannot enrol another organisation's account as its staff.
    const { Organisation, User } = defineAuthModels(h.tdb.db.sequelize);
    const otherOrg = await Organisation.create({ name: '另一代理机构', kind: 'agency', creditCode: null });
    const stranger = await User.create({ username: 'stranger', displayName: '外单位', passwordHash: 'x', roles: 'agency', organisationId: otherOrg.id });
    const enrol = await request(h.app).patch(`/api/agencies/${own.id}`).set(await auth('agency')).send({ version: edit.body.version, staffUserIds: [...own.staff.map((x: { id: number }) => x.id), stranger.id] });
    expect(enrol.status).to.equal(422);
    expect(enrol.body.error.details[0].reason).to.contain('不属于本机构');
    const other = (await request(h.app).get(`/api/agencies?q=${encodeURIComponent('测试代理')}`).set(await auth('agency'))).body.items[0];
    expect((await request(h.app).patch(`/api/agencies/${other.id}`).set(await auth('agency')).send({ version: 1, contactName: '乙' })).status).to.equal(403);
  });
});

describe('expert pool API', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.close();
  });
  const auth = async (u: string) => ({ Authorization: `Bearer ${await h.token(u)}` });
  const expert = { code: 'FCZJ-0100', name: '测试专家', idNumber: '11010519491231002X', employer: '测试大学', title: '教授', specialties: ['A0201'], phone: '13800000001' };

  it('identities are shown only to the supervisor and agencies; others see the pool without names or cannot read it', async () => {
    const sup = await request(h.app).get('/api/experts?q=孙立新').set(await auth('supervisor'));
    expect(sup.body.total).to.equal(1);
    expect(sup.body.items[0]).to.include({ name: '孙立新', identityVisible: true });
    expect(sup.body.items[0].idNumber).to.match(/^\d{17}[\dX]$/);
    const ag = await request(h.app).get('/api/experts?q=孙立新').set(await auth('agency'));
    expect(ag.body.items[0].idNumber).to.match(/^\d{4}\*{10}[\dX\d]{4}$/);
    const fin = await request(h.app).get('/api/experts?limit=100').set(await auth('finance_section'));
    expect(fin.body.total).to.equal(25); // 12 + the 6 demo experts added for the procurement chain + 7 of the 综合评标专家库 (server/seed/registers.ts)
    expect(JSON.stringify(fin.body)).to.not.contain('孙立新');
    expect(fin.body.items.every((e: { name: unknown; phone: unknown; employer: unknown; conflicts: unknown }) => e.name === null && e.phone === null && e.employer === null && e.conflicts === null)).to.equal(true);
    // Searching by name is no oracle for those who may not see names.
    expect((await request(h.app).get('/api/experts?q=孙立新').set(await auth('finance_section'))).body.total).to.equal(0);
    for (const role of ['purchaser', 'supplier', 'dept_approver', 'process_admin']) {
      expect((await request(h.app).get('/api/experts').set(await auth(role))).status, role).to.equal(403);
    }
    // The demo expert sees their own record only, with their identity.
    const self = await request(h.app).get('/api/experts').set(await auth('expert'));
    expect(self.body.total).to.equal(1);
    expect(self.body.items[0]).to.include({ code: 'FCZJ-0001', name: '孙立新' });
    const other = (await request(h.app).get('/api/experts?q=FCZJ-0002').set(await auth('supervisor'))).body.items[0];
    expect((await request(h.app).get(`/api/experts/${other.id}`).set(await auth('expert'))).status).to.equal(403);
  });

  it('only the supervisor edits; specialties must be category codes, ID numbers valid, codes unique', async () => {
    expect((await request(h.app).post('/api/experts').set(await auth('agency')).send(expert)).status).to.equal(403);
    expect((await request(h.app).post('/api/experts').set(await auth('finance_section')).send(expert)).status).to.equal(403);
    const bad = await request(h.app).post('/api/experts').set(await auth('supervisor')).send({ ...expert, specialties: ['Z9'], idNumber: '110105194912310021' });
    expect(bad.status).to.equal(422);
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).to.deep.equal(['idNumber', 'specialties.0']);
    const badConflict = await request(h.app).post('/api/experts').set(await auth('supervisor')).send({ ...expert, conflicts: [{ kind: 'supplier', value: '91510703MA6AT3L500' }] });
    expect(badConflict.status).to.equal(422);
    const ok = await request(h.app).post('/api/experts').set(await auth('supervisor')).send({ ...expert, conflicts: [{ kind: 'supplier', value: DEMO_SUPPLIER_CODE }] });
    expect(ok.status).to.equal(201);
    expect((await request(h.app).post('/api/experts').set(await auth('supervisor')).send({ ...expert, idNumber: null })).status).to.equal(409);
    const bySpecialty = await request(h.app).get('/api/experts?specialty=A0201&limit=100').set(await auth('agency'));
    expect(bySpecialty.body.items.map((e: { code: string }) => e.code)).to.include.members(['FCZJ-0001', 'FCZJ-0100']);
    expect(bySpecialty.body.items.every((e: { specialties: string[] }) => e.specialties.some((s) => s.startsWith('A0201')))).to.equal(true);
    const edit = await request(h.app).patch(`/api/experts/${ok.body.id}`).set(await auth('supervisor')).send({ version: 1, status: 'suspended' });
    expect(edit.body).to.include({ status: 'suspended', version: 2, title: '教授' });
    expect(edit.body.conflicts).to.deep.equal([{ kind: 'supplier', value: DEMO_SUPPLIER_CODE }]);
    expect((await request(h.app).patch(`/api/experts/${ok.body.id}`).set(await auth('expert')).send({ version: 2, phone: '1' })).status).to.equal(403);
  });

  it('records panels served once per expert, project and lot, and reports declared conflicts', async () => {
    const id = (await request(h.app).get('/api/experts?q=FCZJ-0001').set(await auth('supervisor'))).body.items[0].id;
    const first = await h.tdb.db.withTransaction((tx) => recordPanelService(tx, { expertId: id, projectRef: 'FCZC-2026-0001', lotRef: '1', servedOn: '2026-03-20', recordedBy: 'evaluation', at: h.clock.now() }));
    const again = await h.tdb.db.withTransaction((tx) => recordPanelService(tx, { expertId: id, projectRef: 'FCZC-2026-0001', lotRef: '1', servedOn: '2026-03-20', recordedBy: 'evaluation', at: h.clock.now() }));
    expect(first.created).to.equal(true);
    expect(again).to.deep.equal({ id: first.id, created: false });
    const panels = await request(h.app).get(`/api/experts/${id}/panels`).set(await auth('expert'));
    expect(panels.status).to.equal(200);
    expect(panels.body.panels[0]).to.include({ projectRef: 'FCZC-2026-0001', lotRef: '1', servedOn: '2026-03-20' });
    expect(panels.body.panels.length).to.equal(2); // plus the seeded FCZC-2025-0031
    expect((await request(h.app).get(`/api/experts/${id}/panels`).set(await auth('finance_section'))).status).to.equal(403);
    const manual = await request(h.app).post(`/api/experts/${id}/panels`).set(await auth('supervisor')).send({ projectRef: 'FCZC-2024-0100', servedOn: '2024-05-06', role: 'leader' });
    expect(manual.status).to.equal(201);
    const hits = await h.tdb.db.withTransaction((tx) => expertConflicts(tx, id, [{ creditCode: DEMO_SUPPLIER_CODE, name: '绵阳某某信息技术有限公司' }, { creditCode: code('91510703MA6XT9999'), name: '无关公司' }]));
    expect(hits).to.have.length(1);
    expect(hits[0]).to.include({ creditCode: DEMO_SUPPLIER_CODE });
  });

  it('imports experts from CSV; a bad specialty names its row and column and nothing is imported', async () => {
    const header = '专家编号,姓名,身份证号,工作单位,职称,评审专业（品目编码）,联系电话,回避声明';
    const good = 'FCZJ-0200,导入专家甲,,绵阳某大学,副教授,A0201;C02,13800000002,employer:某公司';
    const bad = 'FCZJ-0201,导入专家乙,,某院,工程师,A99,13800000003,';
    const res = await request(h.app).post('/api/experts/import').set(await auth('supervisor')).set('Content-Type', 'text/csv').send([header, good, bad].join('\n'));
    expect(res.status).to.equal(422);
    expect(res.body.error.details[0].path).to.equal('rows.3.specialties');
    expect((await request(h.app).get('/api/experts?q=FCZJ-0200').set(await auth('supervisor'))).body.total).to.equal(0);
    const ok = await request(h.app).post('/api/experts/import').set(await auth('supervisor')).set('Content-Type', 'text/csv').send([header, good].join('\n'));
    expect(ok.body.created).to.equal(1);
    const e = (await request(h.app).get('/api/experts?q=FCZJ-0200').set(await auth('supervisor'))).body.items[0];
    expect(e.conflicts).to.deep.equal([{ kind: 'employer', value: '某公司' }]);
    expect((await request(h.app).get('/api/experts/export').set(await auth('agency'))).status).to.equal(403);
  });

  it('pools: 政府采购评审专家库 (gp) and 综合评标专家库 (works) — create, filter, update, CSV both ways; a bad pool is 422 naming pools', async () => {
    const sup = await auth('supervisor');
    const base = { code: 'FCGZ-0300', name: '工程专家甲', employer: '绵阳某设计院', title: '高级工程师', specialties: ['B07'], phone: '13800000300' };
    for (const pools of [['land'], [], ['works', 'works']]) {
      const bad = await request(h.app).post('/api/experts').set(sup).send({ ...base, pools });
      expect(bad.status, JSON.stringify(pools)).to.equal(422);
      expect(bad.body.error.details.map((d: { path: string }) => d.path.split('.')[0])).to.include('pools');
    }
    expect((await request(h.app).get('/api/experts?q=FCGZ-0300').set(sup)).body.total).to.equal(0);
    const created = await request(h.app).post('/api/experts').set(sup).send({ ...base, pools: ['works'] });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    expect(created.body.pools).to.deep.equal(['works']);
    // Without pools an expert is a GP expert, as every expert was before the works pool existed.
    const gp = await request(h.app).post('/api/experts').set(sup).send({ ...base, code: 'FCZJ-0301', phone: '13800000301' });
    expect(gp.body.pools).to.deep.equal(['gp']);
    const works = (await request(h.app).get('/api/experts?pool=works&limit=100').set(sup)).body.items.map((e: { code: string }) => e.code);
    expect(works).to.include('FCGZ-0300').and.not.include('FCZJ-0301');
    expect(works).to.include('FCZJ-0004'); // the seed's building expert is in both pools
    expect((await request(h.app).get('/api/experts?pool=land').set(sup)).status).to.equal(422);
    const upd = await request(h.app).patch(`/api/experts/${gp.body.id}`).set(sup).send({ pools: ['gp', 'works'], version: gp.body.version });
    expect(upd.status, JSON.stringify(upd.body)).to.equal(200);
    expect(upd.body.pools).to.deep.equal(['gp', 'works']);
    // CSV: exported as gp;works, imported from ids or the Chinese names.
    const csv = await request(h.app).get('/api/experts/export').set(sup);
    expect(csv.text).to.contain('所属专家库').and.contain('FCGZ-0300');
    expect(csv.text.split('\n').find((l: string) => l.includes('FCZJ-0301'))).to.contain('gp;works');
    const header = '专家编号,姓名,身份证号,工作单位,职称,评审专业（品目编码）,联系电话,所属专家库（gp;works）';
    const rows = ['FCGZ-0310,导入工程专家,,某院,高工,B01,13800000310,综合评标专家库', 'FCGZ-0311,导入专家乙,,某院,高工,B01,13800000311,gp;works'];
    const imported = await request(h.app).post('/api/experts/import').set(sup).set('Content-Type', 'text/csv').send([header, ...rows].join('\n'));
    expect(imported.status, JSON.stringify(imported.body)).to.equal(200);
    const byCode = async (c: string) => (await request(h.app).get(`/api/experts?q=${c}`).set(sup)).body.items[0];
    expect((await byCode('FCGZ-0310')).pools).to.deep.equal(['works']);
    expect((await byCode('FCGZ-0311')).pools).to.deep.equal(['gp', 'works']);
  });
});
