/**
 * QA: a project number that matches the pattern but is longer than the column (documents.project_number is
 * VARCHAR(64)) was accepted by validation and then failed in the INSERT on MariaDB (500), while SQLite stored it.
 * It must be refused as the caller's mistake on both databases, naming the field, and store nothing.
 */
import { expect } from 'chai';
import request from 'supertest';
import { findTemplate } from '../../server/documents/catalogue.ts';
import { bearer, startHarness, type Harness } from '../api/harness.ts';

const sample = (id: string) => structuredClone(findTemplate(id)!.sample) as any;
const LONG = `FCZC-2026-${'1'.repeat(80)}`;

describe('QA documents: over-long project numbers', function () {
  this.timeout(60_000);
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.close();
  });

  it('in the data: 422 naming project.projectNumber, nothing stored', async () => {
    const auth = bearer(await h.token('purchaser'));
    const before = (await request(h.app).get('/api/documents').set('Authorization', auth).expect(200)).body.total;
    const data = sample('project-application');
    data.project.projectNumber = LONG;
    const res = await request(h.app).post('/api/documents').set('Authorization', auth).send({ templateId: 'project-application', data });
    expect(res.status, JSON.stringify(res.body)).to.equal(422);
    expect(res.body.error.details.map((d: { path: string }) => d.path)).to.include('project.projectNumber');
    const after = (await request(h.app).get('/api/documents').set('Authorization', auth).expect(200)).body.total;
    expect(after).to.equal(before);
  });

  it('in the body: 422 naming projectNumber', async () => {
    const auth = bearer(await h.token('purchaser'));
    const res = await request(h.app).post('/api/documents').set('Authorization', auth).send({ templateId: 'project-application', data: sample('project-application'), projectNumber: LONG });
    expect(res.status, JSON.stringify(res.body)).to.equal(422);
    expect(JSON.stringify(res.body.error.details)).to.contain('projectNumber');
  });

  it('a 64-character project number is still accepted', async () => {
    const auth = bearer(await h.token('purchaser'));
    const data = sample('project-application');
    data.project.projectNumber = `FCZC-2026-${'1'.repeat(54)}`;
    const res = await request(h.app).post('/api/documents').set('Authorization', auth).send({ templateId: 'project-application', data });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body.document.projectNumber).to.equal(data.project.projectNumber);
  });
});

describe('QA documents: an over-long project number from a process (worker, instance link)', function () {
  this.timeout(60_000);
  it('is DOCUMENT_DATA_INVALID naming projectNumber on both databases, not a database error', async () => {
    const { testDatabase } = await import('../helpers/db.ts');
    const { generateDocument } = await import('../../server/documents/service.ts');
    const { ManualClock } = await import('../../server/clock.ts');
    const tdb = await testDatabase();
    try {
      const err = await generateDocument({ db: tdb.db, clock: new ManualClock('2026-03-02T01:00:00Z') }, {
        templateId: 'approval-form', data: sample('approval-form'), actor: 'system', projectNumber: LONG, instanceId: 'i-1', sourceKey: 'i-1:doc', jobKey: 'j-1',
      }).then(() => null, (e: unknown) => e as { status?: number; code?: string; details?: { path: string }[] });
      expect(err, 'refused').to.not.equal(null);
      expect(err).to.include({ status: 422, code: 'DOCUMENT_DATA_INVALID' });
      expect(err!.details!.map((d) => d.path)).to.deep.equal(['projectNumber']);
    } finally {
      await tdb.drop();
    }
  });
});
