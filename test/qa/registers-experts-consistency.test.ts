/**
 * QA (issue 3): the expert pool behaves the same on SQLite and MariaDB. MariaDB runs requests in parallel and
 * compares text case-insensitively; SQLite queues writes and compares exactly. So: an ID number is unique even
 * when two records are created at the same moment, a panel recorded twice at once is recorded once (no 500), and
 * expert codes are upper case everywhere (a credit record about 'fczj-0001' is about expert FCZJ-0001 on both).
 */
import { expect } from 'chai';
import request from 'supertest';
import { startHarness, type Harness } from '../api/harness.ts';

describe('QA registers: expert pool consistency on both databases', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.close();
  });
  const auth = async (u: string) => ({ Authorization: `Bearer ${await h.token(u)}` });
  const expert = (code: string, over: object = {}) => ({
    code, name: '钱评审', idNumber: '11010519491231002X', employer: '绵阳某设计院', specialties: ['A02'], phone: '0816-1111111', ...over,
  });

  it('the same ID number posted for three new experts at once: one is stored, the others are 409', async () => {
    const s = await auth('supervisor');
    const res = await Promise.all(['QA-ID-1', 'QA-ID-2', 'QA-ID-3'].map((c) => request(h.app).post('/api/experts').set(s).send(expert(c))));
    expect(res.map((r) => r.status).sort()).to.deep.equal([201, 409, 409]);
    const list = await request(h.app).get('/api/experts?q=QA-ID&limit=100').set(s);
    expect(list.body.total).to.equal(1);
  });

  it('a panel recorded twice at the same moment is stored once; both answers are 201 with the same id', async () => {
    const s = await auth('supervisor');
    const res = await Promise.all([1, 2, 3].map(() => request(h.app).post('/api/experts/1/panels').set(s).send({ projectRef: 'FCZC-2026-RACE', servedOn: '2026-01-15' })));
    for (const r of res) expect(r.status, JSON.stringify(r.body)).to.equal(201);
    expect(new Set(res.map((r) => r.body.id)).size).to.equal(1);
    expect(res.filter((r) => r.body.created)).to.have.length(1);
    const panels = await request(h.app).get('/api/experts/1/panels').set(s);
    expect(panels.body.panels.filter((p: { projectRef: string }) => p.projectRef === 'FCZC-2026-RACE')).to.have.length(1);
  });

  it('expert codes are upper case: a lower-case duplicate is refused and a credit record names the stored code', async () => {
    const s = await auth('supervisor');
    const first = (await request(h.app).get('/api/experts?limit=1').set(s)).body.items[0];
    const dup = await request(h.app).post('/api/experts').set(s).send(expert(first.code.toLowerCase(), { idNumber: null }));
    expect(dup.status).to.equal(409);
    const created = await request(h.app).post('/api/experts').set(s).send(expert('qa-lower-1', { idNumber: null }));
    expect(created.status).to.equal(201);
    expect(created.body.code).to.equal('QA-LOWER-1');
    const rec = await request(h.app).post('/api/credit-records').set(s).send({
      subjectKind: 'expert', subjectCode: first.code.toLowerCase(), subjectName: first.name, kind: 'other', sourceUnit: 'czj',
      reason: '无正当理由拒不参加评审', legalBasis: '《政府采购评审专家管理办法》第二十九条', validFrom: '2026-01-01',
    });
    expect(rec.status, JSON.stringify(rec.body)).to.equal(201);
    expect(rec.body.subjectCode).to.equal(first.code);
    const byCode = await request(h.app).get(`/api/credit-records?subjectCode=${first.code}`).set(s);
    expect(byCode.body.items.map((r: { id: number }) => r.id)).to.include(rec.body.id);
  });
});
