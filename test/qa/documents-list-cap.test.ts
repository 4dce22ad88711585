/**
 * QA: the document list checked access on at most 2000 candidate rows and paged after that. For a purchaser, every
 * process-linked document is a candidate, so 2000 newer documents of other people's processes hid the purchaser's
 * own documents from the list and gave a wrong total.
 */
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import request from 'supertest';
import { findTemplate } from '../../server/documents/catalogue.ts';
import { bearer, startHarness, type Harness } from '../api/harness.ts';

const sample = (id: string) => structuredClone(findTemplate(id)!.sample) as any;

describe('QA documents: the list is complete whatever the number of unreadable documents', function () {
  this.timeout(120_000);
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.close();
  });

  it("a purchaser's own document is listed behind 2100 newer documents of a process they are not part of", async () => {
    const auth = bearer(await h.token('purchaser'));
    const own = await request(h.app).post('/api/documents').set('Authorization', auth).send({ templateId: 'project-application', data: sample('project-application') }).expect(201);
    const before = (await request(h.app).get('/api/documents').set('Authorization', auth).expect(200)).body.total;
    const q = h.tdb.db.sequelize;
    const later = new Date('2026-03-03T00:00:00Z');
    await q.transaction(async (transaction) => {
      for (let start = 0; start < 2100; start += 300) {
        const rows = Array.from({ length: 300 }, (_, k) => `('approval-form', '采购审批表', 'FCZC-2026-9999', 'other-instance', 'qa-cap:${start + k}', NULL, 'system', :at, 1, :at)`);
        await q.query(
          `INSERT INTO documents (template_id, title, project_number, instance_id, source_key, owner_org_id, created_by, created_at, latest_version, updated_at) VALUES ${rows.join(',')}`,
          { replacements: { at: later }, type: QueryTypes.INSERT, transaction },
        );
      }
    });
    const list = await request(h.app).get('/api/documents').query({ limit: 200 }).set('Authorization', auth).expect(200);
    expect(list.body.total).to.equal(before);
    expect(list.body.documents.map((d: { id: number }) => d.id)).to.include(own.body.document.id);
  });
});
