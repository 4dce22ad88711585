/**
 * QA (issue 3): experts' identities are visible only to the supervisor and agencies — also when the expert is the
 * subject of a credit record. Other staff see the record (kind, period, reason) without the expert's name, cannot
 * find it by the name, and cannot download its evidence (a decision document names the expert).
 */
import { expect } from 'chai';
import request from 'supertest';
import { startHarness, type Harness } from '../api/harness.ts';

const PDF = Buffer.from('%PDF-1.4\n涪财采处〔2026〕9号 孙立新\n%%EOF\n');

describe('QA registers: expert identities in credit records', () => {
  let h: Harness;
  let id: number;
  let name: string;
  before(async () => {
    h = await startHarness();
    const sup = await auth('supervisor');
    const ex = (await request(h.app).get('/api/experts').set(sup)).body.items[0];
    name = ex.name;
    const cr = await request(h.app).post('/api/credit-records').set(sup).send({
      subjectKind: 'expert', subjectCode: ex.code, subjectName: ex.name, kind: 'black', sourceUnit: 'czj',
      reason: '评审中违规倾向特定供应商', legalBasis: '《政府采购评审专家管理办法》第二十九条', validFrom: '2026-01-01',
    });
    expect(cr.status).to.equal(201);
    id = cr.body.id;
    expect((await request(h.app).put(`/api/credit-records/${id}/evidence?filename=decision.pdf`).set(sup).set('Content-Type', 'application/pdf').send(PDF)).status).to.equal(200);
  });
  after(async () => {
    await h.close();
  });
  async function auth(u: string) {
    return { Authorization: `Bearer ${await h.token(u)}` };
  }

  for (const role of ['purchaser', 'dept_approver', 'finance_section', 'city_finance', 'process_admin', 'auditor']) {
    it(`${role}: reads the record without the expert's name, cannot search by it or download the evidence`, async () => {
      const a = await auth(role);
      const one = await request(h.app).get(`/api/credit-records/${id}`).set(a);
      expect(one.status).to.equal(200);
      expect(one.body.subjectName).to.not.equal(name);
      expect(JSON.stringify(one.body)).to.not.contain(name);
      const list = await request(h.app).get('/api/credit-records?limit=100').set(a);
      expect(JSON.stringify(list.body)).to.not.contain(name);
      const found = await request(h.app).get(`/api/credit-records?q=${encodeURIComponent(name)}`).set(a);
      expect(found.status).to.equal(200);
      expect(found.body.items.map((r: { id: number }) => r.id)).to.not.include(id);
      const versions = await request(h.app).get(`/api/credit-records/${id}/versions`).set(a);
      expect(JSON.stringify(versions.body)).to.not.contain(name);
      expect((await request(h.app).get(`/api/credit-records/${id}/evidence`).set(a)).status).to.equal(403);
      if (['finance_section', 'auditor'].includes(role)) {
        const csv = await request(h.app).get('/api/credit-records/export').set(a);
        expect(csv.status).to.equal(200);
        expect(csv.text).to.not.contain(name);
      }
    });
  }

  for (const role of ['supervisor', 'agency']) {
    it(`${role}: sees the expert's name, finds the record by it and downloads the evidence`, async () => {
      const a = await auth(role);
      expect((await request(h.app).get(`/api/credit-records/${id}`).set(a)).body.subjectName).to.equal(name);
      const found = await request(h.app).get(`/api/credit-records?q=${encodeURIComponent(name)}`).set(a);
      expect(found.body.items.map((r: { id: number }) => r.id)).to.include(id);
      expect((await request(h.app).get(`/api/credit-records/${id}/evidence`).set(a)).status).to.equal(200);
    });
  }

  it('finance_section edits the record but cannot overwrite the expert name it does not see; a refused edit changes nothing', async () => {
    const a = await auth('finance_section');
    const cur = (await request(h.app).get(`/api/credit-records/${id}`).set(a)).body;
    const blind = await request(h.app).patch(`/api/credit-records/${id}`).set(a).send({ version: cur.version, subjectName: cur.subjectName });
    expect(blind.status).to.equal(403);
    const ok = await request(h.app).patch(`/api/credit-records/${id}`).set(a).send({ version: cur.version, decisionNo: '涪财采处〔2026〕9号' });
    expect(ok.status).to.equal(200);
    expect((await request(h.app).get(`/api/credit-records/${id}`).set(await auth('supervisor'))).body).to.include({ subjectName: name, version: cur.version + 1 });
  });

  it('supplier records still show their names to every staff role and are found by them', async () => {
    const a = await auth('purchaser');
    const list = await request(h.app).get(`/api/credit-records?q=${encodeURIComponent('顺达印务')}`).set(a);
    expect(list.body.items.length).to.be.greaterThan(0);
    expect(list.body.items[0].subjectName).to.contain('顺达印务');
  });
});
