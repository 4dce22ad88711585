/**
 * QA: the download name of a PDF/DOCX is built from the document's project number. A project number that came
 * from a process variable is not checked against the API pattern: Chinese characters, quotes or a line break in
 * it made Node refuse the Content-Disposition header, so the download answered 500.
 */
import { expect } from 'chai';
import request from 'supertest';
import { findTemplate } from '../../server/documents/catalogue.ts';
import { generateDocument } from '../../server/documents/service.ts';
import { bearer, startHarness, type Harness } from '../api/harness.ts';

const sample = (id: string) => structuredClone(findTemplate(id)!.sample) as any;

describe('QA documents: download names from any project number', function () {
  this.timeout(60_000);
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.close();
  });

  for (const projectNumber of ['绵阳采购-2026-1', 'FC"2026\r\nX-Evil: 1', 'a/b\\c;d']) {
    it(`DOCX of a document numbered ${JSON.stringify(projectNumber)}`, async () => {
      const { document } = await generateDocument({ db: h.tdb.db, clock: h.clock }, {
        templateId: 'approval-form', data: sample('approval-form'), actor: 'process_admin', projectNumber,
      });
      const res = await request(h.app).get(`/api/documents/${document.id}.docx`).set('Authorization', bearer(await h.token('supervisor')));
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      const disposition = String(res.headers['content-disposition']);
      expect(disposition).to.match(/^attachment; filename="[\x20-\x7e]+"; filename\*=UTF-8''/);
      expect(disposition).to.not.match(/[\r\n]/);
      expect(res.headers['x-evil']).to.equal(undefined);
      expect(decodeURIComponent(disposition.split("filename*=UTF-8''")[1])).to.contain('.docx');
    });
  }
});
