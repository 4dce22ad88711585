/**
 * The template and document API: catalogue with schemas, on-demand generation with validation, versions that are
 * never overwritten, HTML / DOCX / PDF, and who may read or regenerate what.
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import { findTemplate } from '../../server/documents/catalogue.ts';
import { closePdfBrowser, DEFAULT_CHROMIUM_PATH, setChromiumPath } from '../../server/documents/pdf.ts';
import { seedDocuments } from '../../server/seed/documents.ts';
import { bearer, startHarness, type Harness } from './harness.ts';

const sample = (id: string) => structuredClone(findTemplate(id)!.sample) as any;

/** Supertest: collect a binary body. */
function binary(res: any, cb: (err: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
}

describe('API /api/templates and /api/documents', function () {
  this.timeout(60_000);
  let h: Harness;
  const as = async (user: string) => bearer(await h.token(user));

  before(async function () {
    h = await startHarness({ deploy: ['api-approval.bpmn'] });
  });
  after(async function () {
    await closePdfBrowser();
    await h.close();
  });

  async function create(user: string, body: Record<string, unknown>, status = 201) {
    return request(h.app).post('/api/documents').set('Authorization', await as(user)).send(body).expect(status);
  }

  it('lists the 26 templates (20 of procurement, 3 of asset auctions, 3 of works tenders) with titles and inlined JSON Schemas; needs a login', async function () {
    await request(h.app).get('/api/templates').expect(401);
    const res = await request(h.app).get('/api/templates').set('Authorization', await as('supplier')).expect(200);
    expect(res.body.templates).to.have.length(26);
    const approval = res.body.templates.find((t: any) => t.id === 'approval-form');
    expect(approval).to.include({ no: '03', title: '政府采购项目审批表' });
    expect(JSON.stringify(approval.schema)).not.to.include('$ref');
    expect(approval.schema.properties.project.properties.projectNumber.title).to.equal('项目编号');
  });

  it('shows one template with its sample; 404 for an unknown one, 422 for a malformed id', async function () {
    const res = await request(h.app).get('/api/templates/tender-notice').set('Authorization', await as('agency')).expect(200);
    expect(res.body).to.include({ id: 'tender-notice', no: '05' });
    expect(res.body.sample.project.projectNumber).to.equal('FCZC-2026-0007');
    expect(res.body.keyFields).to.include('bidDeadline');
    await request(h.app).get('/api/templates/nope').set('Authorization', await as('agency')).expect(404);
    await request(h.app).get('/api/templates/Bad_Id').set('Authorization', await as('agency')).expect(422);
  });

  it('previews a document without storing it; invalid data lists every problem', async function () {
    const before = await request(h.app).get('/api/documents').set('Authorization', await as('auditor')).expect(200);
    const res = await request(h.app).post('/api/templates/award-notice/preview').set('Authorization', await as('agency')).send({ data: sample('award-notice') }).expect(200);
    expect(res.headers['content-type']).to.match(/^text\/html/);
    expect(res.headers['content-security-policy']).to.include('sandbox');
    expect(res.text).to.include('中标（成交）结果公告').and.include('人民币叁佰伍拾贰万陆仟捌佰元整');
    const bad = sample('award-notice');
    delete bad.experts;
    const refused = await request(h.app).post('/api/templates/award-notice/preview').set('Authorization', await as('agency')).send({ data: bad }).expect(422);
    expect(refused.body.error.details).to.deep.equal([{ path: 'experts', reason: '必填项缺失 (required)' }]);
    await request(h.app).post('/api/templates/award-notice/preview').set('Authorization', await as('supplier')).send({ data: sample('award-notice') }).expect(403);
    await request(h.app).post('/api/templates/nope/preview').set('Authorization', await as('agency')).send({ data: {} }).expect(404);
    const after = await request(h.app).get('/api/documents').set('Authorization', await as('auditor')).expect(200);
    expect(after.body.total).to.equal(before.body.total);
  });

  it('generates, stores and serves a document as HTML whose SHA-256 is recorded', async function () {
    const res = await create('purchaser', { templateId: 'project-application', data: sample('project-application') });
    const { document, version } = res.body;
    expect(document).to.include({ templateId: 'project-application', title: '政府采购项目申报书', projectNumber: 'FCZC-2026-0007', latestVersion: 1, createdBy: 'purchaser' });
    expect(version).to.include({ version: 1, templateId: 'project-application', createdBy: 'purchaser', jobKey: null });
    expect(version.templateVersion).to.equal(findTemplate('project-application')!.version);
    expect(version.createdAt).to.equal(h.clock.now().toISOString());

    const html = await request(h.app).get(`/api/documents/${document.id}`).set('Authorization', await as('purchaser')).expect(200);
    expect(html.headers['content-type']).to.match(/^text\/html/);
    expect(html.headers['content-security-policy']).to.include('sandbox');
    expect(html.text).to.include('涪城区2026年中小学智慧教室设备采购项目');
    expect(html.text).to.include('2026年3月2日');
    expect(crypto.createHash('sha256').update(html.text, 'utf8').digest('hex')).to.equal(version.sha256);
    expect(html.headers['x-document-sha256']).to.equal(version.sha256);
  });

  it('refuses invalid data with every problem listed and stores nothing', async function () {
    const data = sample('award-notice');
    delete data.winner;
    data.awardAmountFen = -5;
    data.noticeDate = '16/04/2026';
    data.project.projectName = '';
    const count = async () => (await request(h.app).get('/api/documents').set('Authorization', await as('auditor')).expect(200)).body.total;
    const before = await count();
    const res = await create('agency', { templateId: 'award-notice', data }, 422);
    expect(res.body.error.code).to.equal('DOCUMENT_DATA_INVALID');
    const paths = res.body.error.details.map((d: any) => d.path);
    expect(paths).to.include.members(['winner', 'awardAmountFen', 'noticeDate', 'project.projectName']);
    expect(await count()).to.equal(before);
    // Malformed requests: no template, unknown field, bad project number.
    await create('agency', { data: {} }, 422);
    await create('agency', { templateId: 'award-notice', data: sample('award-notice'), extra: 1 }, 422);
    await create('agency', { templateId: 'award-notice', data: sample('award-notice'), projectNumber: '2026-1' }, 422);
    await create('agency', { templateId: 'no-such', data: {} }, 404);
  });

  it('lets only purchasers, agencies and process admins generate', async function () {
    for (const user of ['supplier', 'expert', 'dept_approver', 'auditor']) {
      const res = await create(user, { templateId: 'award-notice', data: sample('award-notice') }, 403);
      expect(res.body.error.code).to.equal('FORBIDDEN');
    }
    await create('process_admin', { templateId: 'award-notice', data: sample('award-notice') });
  });

  it('shows a document to its organisation, supervisors and auditors only', async function () {
    const { body } = await create('purchaser', { templateId: 'requirements-specification', data: sample('requirements-specification') });
    const id = body.document.id;
    for (const user of ['purchaser', 'supervisor', 'auditor', 'process_admin']) {
      await request(h.app).get(`/api/documents/${id}`).set('Authorization', await as(user)).expect(200);
    }
    for (const user of ['supplier', 'agency', 'expert', 'dept_approver']) {
      await request(h.app).get(`/api/documents/${id}`).set('Authorization', await as(user)).expect(403);
      await request(h.app).get(`/api/documents/${id}.docx`).set('Authorization', await as(user)).expect(403);
      await request(h.app).get(`/api/documents/${id}/versions`).set('Authorization', await as(user)).expect(403);
    }
    await request(h.app).get('/api/documents/999999').set('Authorization', await as('auditor')).expect(404);
    await request(h.app).get('/api/documents/abc').set('Authorization', await as('auditor')).expect(422);
    const listed = await request(h.app).get('/api/documents?project=FCZC-2026-0007').set('Authorization', await as('supplier')).expect(200);
    expect(listed.body.documents.map((d: any) => d.id)).not.to.include(id);
    const own = await request(h.app).get('/api/documents?project=FCZC-2026-0007').set('Authorization', await as('purchaser')).expect(200);
    expect(own.body.documents.map((d: any) => d.id)).to.include(id);
    expect(own.body.documents.every((d: any) => d.projectNumber === 'FCZC-2026-0007')).to.equal(true);
  });

  it('regenerates as a new version and keeps every earlier version unchanged', async function () {
    const first = await create('agency', { templateId: 'tender-notice', data: sample('tender-notice') });
    const id = first.body.document.id;
    const v1 = await request(h.app).get(`/api/documents/${id}`).set('Authorization', await as('agency')).expect(200);

    h.clock.advance(3_600_000);
    const changed = sample('tender-notice');
    changed.bidPlace = '涪城区公共资源交易中心开标一室';
    const second = await request(h.app).post(`/api/documents/${id}/versions`).set('Authorization', await as('agency')).send({ data: changed }).expect(201);
    expect(second.body.document.latestVersion).to.equal(2);
    expect(second.body.version.version).to.equal(2);
    expect(second.body.version.sha256).to.not.equal(first.body.version.sha256);

    // Same data again (no body data): a third version.
    await request(h.app).post(`/api/documents/${id}/versions`).set('Authorization', await as('agency')).send({}).expect(201);

    const versions = await request(h.app).get(`/api/documents/${id}/versions`).set('Authorization', await as('agency')).expect(200);
    expect(versions.body.versions.map((v: any) => v.version)).to.deep.equal([3, 2, 1]);
    const latest = await request(h.app).get(`/api/documents/${id}`).set('Authorization', await as('agency')).expect(200);
    expect(latest.text).to.include('开标一室').and.include('第 3 版');
    const old = await request(h.app).get(`/api/documents/${id}?version=1`).set('Authorization', await as('agency')).expect(200);
    expect(old.text).to.equal(v1.text);
    const data1 = await request(h.app).get(`/api/documents/${id}/versions/1`).set('Authorization', await as('agency')).expect(200);
    expect(data1.body.data.bidPlace).to.equal(sample('tender-notice').bidPlace);
    await request(h.app).get(`/api/documents/${id}?version=9`).set('Authorization', await as('agency')).expect(404);

    // Invalid new data: 422, no version added.
    const bad = sample('tender-notice');
    bad.bidDeadline = 'soon';
    await request(h.app).post(`/api/documents/${id}/versions`).set('Authorization', await as('agency')).send({ data: bad }).expect(422);
    // Not the owner: refused, nothing changes.
    await request(h.app).post(`/api/documents/${id}/versions`).set('Authorization', await as('purchaser')).send({}).expect(403);
    const after = await request(h.app).get(`/api/documents/${id}/versions`).set('Authorization', await as('agency')).expect(200);
    expect(after.body.versions).to.have.length(3);
  });

  it('links a document to a process instance whose participants may then read it', async function () {
    const started = await request(h.app).post('/api/processes/api_approval/instances').set('Authorization', await as('purchaser')).send({ variables: { projectNumber: 'FCZC-2026-0042' } }).expect(201);
    const instanceId = started.body.instanceId;
    const data = sample('approval-form');
    data.project.projectNumber = 'FCZC-2026-0042';
    await create('agency', { templateId: 'approval-form', data, instanceId }, 403);
    await create('purchaser', { templateId: 'approval-form', data, instanceId: 'no-such-instance' }, 404);
    const mismatch = await create('purchaser', { templateId: 'approval-form', data, instanceId, projectNumber: 'FCZC-2026-0001' }, 422);
    expect(mismatch.body.error.details[0].path).to.equal('projectNumber');
    const res = await create('purchaser', { templateId: 'approval-form', data, instanceId });
    expect(res.body.document).to.include({ instanceId, projectNumber: 'FCZC-2026-0042' });
    // dept_approver is a candidate of the instance's first task: a participant, so may read; the supplier may not.
    await request(h.app).get(`/api/documents/${res.body.document.id}`).set('Authorization', await as('dept_approver')).expect(200);
    await request(h.app).get(`/api/documents/${res.body.document.id}`).set('Authorization', await as('supplier')).expect(403);
    const byInstance = await request(h.app).get(`/api/documents?instanceId=${instanceId}`).set('Authorization', await as('dept_approver')).expect(200);
    expect(byInstance.body.documents.map((d: any) => d.id)).to.deep.equal([res.body.document.id]);
  });

  it('has the demo documents of project FCZC-2025-0107, readable by their organisations', async function () {
    const purchaser = await request(h.app).get('/api/documents?project=FCZC-2025-0107').set('Authorization', await as('purchaser')).expect(200);
    expect(purchaser.body.documents.map((d: any) => d.templateId).sort()).to.deep.equal(['project-application', 'requirements-specification']);
    const auditor = await request(h.app).get('/api/documents?project=FCZC-2025-0107').set('Authorization', await as('auditor')).expect(200);
    expect(auditor.body.total).to.equal(4);
    expect(await seedDocuments(h.tdb.db)).to.equal(0); // idempotent
  });

  it('serves DOCX with the Chinese text and an eastAsia font', async function () {
    const { body } = await create('purchaser', { templateId: 'procurement-contract', data: sample('procurement-contract') });
    const res = await request(h.app).get(`/api/documents/${body.document.id}.docx`).set('Authorization', await as('purchaser')).buffer(true).parse(binary).expect(200);
    expect(res.headers['content-type']).to.equal('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(res.headers['content-disposition']).to.include('FCZC-2026-0007-procurement-contract-v1.docx');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'docx-')), 'd.docx');
    fs.writeFileSync(file, res.body);
    const xml = execFileSync('unzip', ['-p', file, 'word/document.xml']).toString('utf8');
    expect(xml).to.include('政府采购合同');
    expect(xml).to.include('人民币叁佰伍拾贰万陆仟捌佰元整');
    expect(execFileSync('unzip', ['-p', file, 'word/styles.xml']).toString('utf8')).to.match(/w:eastAsia="FangSong"/);
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });

  it('serves an A4 PDF through Chromium with the Chinese text (fails, not skips, without Chromium)', async function () {
    expect(fs.existsSync(DEFAULT_CHROMIUM_PATH), `${DEFAULT_CHROMIUM_PATH} is required: apt-get install -y chromium fonts-noto-cjk`).to.equal(true);
    const { body } = await create('purchaser', { templateId: 'project-application', data: sample('project-application') });
    const res = await request(h.app).get(`/api/documents/${body.document.id}.pdf`).set('Authorization', await as('purchaser')).buffer(true).parse(binary).expect(200);
    expect(res.headers['content-type']).to.equal('application/pdf');
    expect(res.body.subarray(0, 5).toString()).to.equal('%PDF-');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pdf-'));
    fs.writeFileSync(path.join(dir, 'd.pdf'), res.body);
    const text = execFileSync('pdftotext', ['-l', '1', path.join(dir, 'd.pdf'), '-']).toString('utf8');
    fs.rmSync(dir, { recursive: true, force: true });
    expect(text).to.include('政府采购项目申报书');
    expect(text).to.include('绵阳市涪城区教育和体育局');
  });

  it('answers 503 naming the binary when Chromium is missing', async function () {
    const { body } = await create('purchaser', { templateId: 'project-application', data: sample('project-application') });
    await setChromiumPath('/nonexistent/chromium');
    try {
      const res = await request(h.app).get(`/api/documents/${body.document.id}.pdf`).set('Authorization', await as('purchaser')).expect(503);
      expect(res.body.error.code).to.equal('PDF_UNAVAILABLE');
      expect(res.body.error.message).to.include('/nonexistent/chromium');
    } finally {
      await setChromiumPath(DEFAULT_CHROMIUM_PATH);
    }
  });
});
