/**
 * QA: data that passes the template's JSON Schema but that a helper cannot render (an instant before 1991, an
 * anchor date with no legal time limits in force, a date outside the working-day calendar) is the caller's mistake:
 * 422 DOCUMENT_DATA_INVALID naming the field, never a 500.
 */
import { expect } from 'chai';
import request from 'supertest';
import { findTemplate } from '../../server/documents/catalogue.ts';
import { renderDocument } from '../../server/documents/render.ts';
import { AppError } from '../../server/errors.ts';
import { bearer, startHarness, type Harness } from '../api/harness.ts';

const sample = (id: string) => structuredClone(findTemplate(id)!.sample) as any;

function renderError(templateId: string, data: unknown): AppError {
  try {
    renderDocument(templateId, data);
  } catch (err) {
    return err as AppError;
  }
  throw new Error('rendered without error');
}

describe('QA documents: schema-valid data that cannot be rendered is a 422 naming the field', function () {
  this.timeout(60_000);

  for (const [field, value] of [
    ['bidDeadline', '1990-01-01T09:00:00+08:00'],
    ['noticeDate', '1980-01-01'],
    ['noticeDate', '9999-12-31'],
  ] as const) {
    it(`tender-notice ${field}=${value}`, () => {
      const data = sample('tender-notice');
      data[field] = value;
      const err = renderError('tender-notice', data);
      expect(err).to.be.instanceOf(AppError);
      expect(err.status).to.equal(422);
      expect(err.code).to.equal('DOCUMENT_DATA_INVALID');
      expect(err.details.map((d) => d.path)).to.include(field);
    });
  }

  describe('over HTTP', () => {
    let h: Harness;
    before(async () => {
      h = await startHarness();
    });
    after(async () => {
      await h.close();
    });

    it('preview and generate answer 422 and store nothing', async () => {
      const auth = bearer(await h.token('agency'));
      const before = (await request(h.app).get('/api/documents').set('Authorization', auth).expect(200)).body.total;
      const data = sample('tender-notice');
      data.noticeDate = '1980-01-01';
      const preview = await request(h.app).post('/api/templates/tender-notice/preview').set('Authorization', auth).send({ data });
      expect(preview.status, JSON.stringify(preview.body)).to.equal(422);
      expect(preview.body.error.details[0].path).to.equal('noticeDate');
      const created = await request(h.app).post('/api/documents').set('Authorization', auth).send({ templateId: 'tender-notice', data });
      expect(created.status, JSON.stringify(created.body)).to.equal(422);
      const list = await request(h.app).get('/api/documents').set('Authorization', auth).expect(200);
      expect(list.body.total).to.equal(before);
    });
  });
});
