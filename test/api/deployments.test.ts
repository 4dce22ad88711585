import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import { bearer, fixturesDir, startHarness, type Harness } from './harness.ts';

const V1 = fs.readFileSync(path.join(fixturesDir, 'api-approval.bpmn'), 'utf8');
/** Version 2: the finance step renamed and its candidate group changed. */
const V2 = V1.replace('name="财政采购股审核"', 'name="财政局采购股复核"').replace('candidateGroups="finance_section"', 'candidateGroups="supervisor"');

describe('API deployments (modeller)', function () {
  this.timeout(30_000);
  let h: Harness;
  before(async () => {
    h = await startHarness({ deploy: ['api-approval.bpmn'] });
  });
  after(async () => h.close());

  const as = async (username: string) => bearer(await h.token(username));
  const counts = async () => {
    const [[d]] = (await h.tdb.db.sequelize.query('SELECT COUNT(*) AS n FROM engine_deployments')) as [{ n: number | string }[], unknown];
    const [[r]] = (await h.tdb.db.sequelize.query('SELECT COUNT(*) AS n FROM deployment_records')) as [{ n: number | string }[], unknown];
    return { deployments: Number(d.n), records: Number(r.n) };
  };
  const list = async (user = 'process_admin') =>
    (await request(h.app).get('/api/deployments').query({ bpmnProcessId: 'api_approval' }).set('Authorization', await as(user)).expect(200)).body.items as {
      deploymentId: string; version: number; latest: boolean; source: string; deployedBy: string; comment: string | null;
    }[];
  const deploy = async (body: Record<string, unknown>, user = 'process_admin') =>
    request(h.app).post('/api/deployments').set('Authorization', await as(user)).send(body);
  const start = async () =>
    (await request(h.app).post('/api/processes/api_approval/instances').set('Authorization', await as('purchaser')).send({}).expect(201)).body as { instanceId: string; version: number };

  describe('lint', () => {
    it('a deployable model has no errors', async () => {
      const res = await request(h.app).post('/api/deployments/lint').set('Authorization', await as('process_admin')).send({ xml: V1 }).expect(200);
      expect(res.body).to.include({ bpmnProcessId: 'api_approval', errorCount: 0 });
    });

    it('names each problem by element, rule and severity, in Chinese and English', async () => {
      const bad = V1.replace('formId="api-approval" />\n        <zeebe:assignmentDefinition candidateGroups="finance_section"', 'formId="no-such-form" />\n        <zeebe:assignmentDefinition candidateGroups="boss"');
      const res = await request(h.app).post('/api/deployments/lint').set('Authorization', await as('process_admin')).send({ xml: bad }).expect(200);
      const byRule = Object.fromEntries(res.body.problems.map((p: { rule: string }) => [p.rule, p]));
      expect(byRule['app/form-exists']).to.include({ elementId: 'finance_review', severity: 'error' });
      expect(byRule['app/form-exists'].message).to.contain('no-such-form').and.contain('不存在');
      expect(byRule['app/candidate-group-role']).to.include({ elementId: 'finance_review', severity: 'error' });
      expect(byRule['app/candidate-group-role'].messageEn).to.contain('boss');
      expect(res.body.errorCount).to.equal(2);
    });

    it('checks templateId headers against the documents catalogue (templates/)', async () => {
      const withDoc = (templateId: string) =>
        V1.replace('<bpmn:endEvent id="end"', `<bpmn:serviceTask id="make_doc" name="生成审批表"><bpmn:extensionElements><zeebe:taskDefinition type="generate-document" /><zeebe:taskHeaders><zeebe:header key="templateId" value="${templateId}" /></zeebe:taskHeaders></bpmn:extensionElements></bpmn:serviceTask><bpmn:endEvent id="end"`);
      const lint = async (xml: string) => (await request(h.app).post('/api/deployments/lint').set('Authorization', await as('process_admin')).send({ xml }).expect(200)).body.problems as { rule: string; elementId: string }[];
      expect((await lint(withDoc('approval-form'))).filter((p) => p.rule === 'app/template-exists')).to.deep.equal([]);
      expect((await lint(withDoc('no-such-template'))).filter((p) => p.rule === 'app/template-exists').map((p) => p.elementId)).to.deep.equal(['make_doc']);
    });

    it('only process admins may lint', async () => {
      const res = await request(h.app).post('/api/deployments/lint').set('Authorization', await as('supervisor')).send({ xml: V1 });
      expect(res.status).to.equal(403);
    });
  });

  describe('deploy, versions, diff, export', () => {
    let v1Id: string;
    let v2Id: string;
    let before: { instanceId: string; version: number };

    it('lists the version deployed at start; supervisor and auditor read it, others may not', async () => {
      const items = await list();
      expect(items).to.have.length(1);
      expect(items[0]).to.include({ version: 1, latest: true, source: 'engine' });
      v1Id = items[0].deploymentId;
      for (const user of ['supervisor', 'auditor']) expect(await list(user)).to.have.length(1);
      for (const user of ['purchaser', 'supplier', 'dept_approver']) {
        const res = await request(h.app).get('/api/deployments').set('Authorization', await as(user));
        expect(res.status, user).to.equal(403);
      }
      before = await start();
      expect(before.version).to.equal(1);
    });

    it('a lint error blocks the deploy (422 LINT_FAILED listing the element) and changes nothing', async () => {
      const was = await counts();
      const res = await deploy({ xml: V2.replace('formId="api-approval" />\n        <zeebe:assignmentDefinition candidateGroups="supervisor"', 'formId="nope" />\n        <zeebe:assignmentDefinition candidateGroups="supervisor"'), comment: '调整复核人' });
      expect(res.status).to.equal(422);
      expect(res.body.error.code).to.equal('LINT_FAILED');
      expect(res.body.error.details).to.deep.include.members([{ path: 'finance_review', reason: '[app/form-exists] 表单 "nope" 不存在于 forms/ (form "nope" does not exist in forms/)' }]);
      expect(await counts()).to.deep.equal(was);
    });

    it('deploys version 2 with who, when, comment, source and the diff against version 1', async () => {
      h.clock.set('2026-03-02T03:00:00Z');
      const res = await deploy({ xml: V2, comment: '财政复核改由监督检查办理' });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.body.deployment).to.include({ bpmnProcessId: 'api_approval', version: 2, latest: true, source: 'ui', deployedBy: 'process_admin', comment: '财政复核改由监督检查办理', previousDeploymentId: v1Id, createdAt: '2026-03-02T03:00:00.000Z' });
      expect(res.body.diff.summary).to.deep.equal({ added: 0, removed: 0, changed: 1, layoutChanged: 0 });
      expect(res.body.diff.changed[0]).to.deep.include({ id: 'finance_review' });
      expect(res.body.diff.changed[0].changes).to.deep.equal([
        { property: 'assignment.candidateGroups', oldValue: 'finance_section', newValue: 'supervisor' },
        { property: 'name', oldValue: '财政采购股审核', newValue: '财政局采购股复核' },
      ]);
      v2Id = res.body.deployment.deploymentId;
      const items = await list();
      expect(items.map((d) => [d.version, d.latest])).to.deep.equal([[2, true], [1, false]]);
    });

    it('running instances stay on their version; new ones use the newest unless a version is asked for', async () => {
      const view = await request(h.app).get(`/api/instances/${before.instanceId}`).set('Authorization', await as('process_admin')).expect(200);
      expect(view.body).to.include({ version: 1, deploymentId: v1Id });
      const after = await start();
      expect(after.version).to.equal(2);
      const pinned = await request(h.app).post('/api/processes/api_approval/instances').set('Authorization', await as('purchaser')).send({ version: 1 }).expect(201);
      expect(pinned.body).to.include({ version: 1, deploymentId: v1Id });
    });

    it('GET /api/deployments/:id returns XML and metadata; supervisor reads the diff of any two versions', async () => {
      const res = await request(h.app).get(`/api/deployments/${v2Id}`).set('Authorization', await as('auditor')).expect(200);
      expect(res.body.xml).to.equal(V2);
      expect(res.body.diff.summary.changed).to.equal(1);
      const d = await request(h.app).get(`/api/deployments/${v1Id}/diff/${v2Id}`).set('Authorization', await as('supervisor')).expect(200);
      expect(d.body.from.version).to.equal(1);
      expect(d.body.to.version).to.equal(2);
      expect(d.body.diff.changed[0].changes.map((c: { property: string }) => c.property)).to.deep.equal(['assignment.candidateGroups', 'name']);
      const back = await request(h.app).get(`/api/deployments/${v2Id}/diff/${v1Id}`).set('Authorization', await as('supervisor')).expect(200);
      expect(back.body.diff.changed[0].changes[0]).to.deep.equal({ property: 'assignment.candidateGroups', oldValue: 'supervisor', newValue: 'finance_section' });
      const missing = await request(h.app).get(`/api/deployments/nope/diff/${v1Id}`).set('Authorization', await as('supervisor'));
      expect(missing.status).to.equal(404);
    });

    it('exports a version as a .bpmn download', async () => {
      const res = await request(h.app).get(`/api/deployments/${v1Id}/xml`).set('Authorization', await as('supervisor')).buffer(true).parse((r, cb) => {
        let data = '';
        r.setEncoding('utf8');
        r.on('data', (c: string) => (data += c));
        r.on('end', () => cb(null, data));
      }).expect(200);
      expect(res.headers['content-type']).to.match(/^application\/xml/);
      expect(res.headers['content-disposition']).to.equal('attachment; filename="api_approval-v1.bpmn"');
      expect(res.body).to.equal(V1);
    });

    it('the same model again is refused with 409 NO_CHANGES; only process admins deploy', async () => {
      const was = await counts();
      const same = await deploy({ xml: V2, comment: '再次部署' });
      expect(same.status).to.equal(409);
      expect(same.body.error.code).to.equal('NO_CHANGES');
      const sup = await deploy({ xml: V1, comment: '回退' }, 'supervisor');
      expect(sup.status).to.equal(403);
      expect(await counts()).to.deep.equal(was);
    });
  });

  describe('hostile uploads are refused with a clear error and change nothing', () => {
    const xmlWith = (body: string) => body;
    const cases: [string, () => string, number, string][] = [
      ['malformed XML', () => V1.replace('</bpmn:process>', ''), 422, 'INVALID_MODEL'],
      ['an external entity (XXE)', () => `<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n${V1.replace(/^<\?xml[^>]*>\s*/, '').replace('name="申请"', 'name="&x;"')}`, 422, 'INVALID_MODEL'],
      ['entity expansion (billion laughs)', () => `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&lol2;</bpmn:definitions>`, 422, 'INVALID_MODEL'],
      ['deep nesting within the size limit', () => V1.replace('</bpmn:process>', `${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}</bpmn:process>`), 422, 'INVALID_MODEL'],
      ['a wrong root element', () => xmlWith('<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body/></html>'), 422, 'INVALID_MODEL'],
      ['a bare bpmn:process root', () => '<bpmn:process xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="p" isExecutable="true"/>', 422, 'INVALID_MODEL'],
      ['an unknown BPMN element', () => V1.replace('<bpmn:endEvent id="end"', '<bpmn:fooTask id="x"/><bpmn:endEvent id="end"'), 422, 'INVALID_MODEL'],
      ['not XML at all', () => '{"hello": "world"}', 422, 'INVALID_MODEL'],
      ['an unknown task type', () => V1.replace('<bpmn:endEvent id="end"', '<bpmn:serviceTask id="hack" name="外部调用"><bpmn:extensionElements><zeebe:taskDefinition type="run-shell" /></bpmn:extensionElements></bpmn:serviceTask><bpmn:endEvent id="end"'), 422, 'LINT_FAILED'],
      ['no executable process', () => V1.replace('isExecutable="true"', 'isExecutable="false"'), 422, 'LINT_FAILED'],
    ];
    for (const [what, make, status, code] of cases) {
      it(what, async () => {
        const was = await counts();
        const res = await deploy({ xml: make(), comment: '恶意上传' });
        expect(res.status, JSON.stringify(res.body).slice(0, 400)).to.equal(status);
        expect(res.body.error.code).to.equal(code);
        expect(res.body.error.message).to.be.a('string').and.not.empty;
        expect(res.body.error.details).to.be.an('array').that.is.not.empty;
        expect(await counts()).to.deep.equal(was);
        // The lint endpoint refuses unreadable XML the same way.
        if (code === 'INVALID_MODEL') {
          const lint = await request(h.app).post('/api/deployments/lint').set('Authorization', await as('process_admin')).send({ xml: make() });
          expect(lint.status).to.equal(422);
          expect(lint.body.error.code).to.equal('INVALID_MODEL');
        }
      });
    }

    it('the unknown task type is named with its element', async () => {
      const res = await deploy({ xml: cases[8][1](), comment: '恶意上传' });
      expect(res.body.error.details.some((d: { path: string; reason: string }) => d.path === 'hack' && d.reason.includes('run-shell'))).to.equal(true);
    });

    it('10 MB of nesting is refused by the body limit (413)', async () => {
      const was = await counts();
      const deep = `<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">${'<a>'.repeat(1_750_000)}${'</a>'.repeat(1_750_000)}</bpmn:definitions>`;
      const res = await deploy({ xml: deep, comment: '超大' });
      expect(res.status).to.equal(413);
      expect(res.body.error.code).to.equal('PAYLOAD_TOO_LARGE');
      expect(await counts()).to.deep.equal(was);
    });

    it('a body that is not JSON, unknown fields and a missing comment are refused', async () => {
      const was = await counts();
      const raw = await request(h.app).post('/api/deployments').set('Authorization', await as('process_admin')).set('Content-Type', 'application/xml').send(V2);
      expect(raw.status).to.equal(415);
      const extra = await deploy({ xml: V1, comment: '说明', version: 7 });
      expect(extra.status).to.equal(422);
      expect(extra.body.error.details[0].path).to.equal('version');
      const noComment = await deploy({ xml: V1, comment: '  ' });
      expect(noComment.status).to.equal(422);
      expect(noComment.body.error.details[0].path).to.equal('comment');
      expect(await counts()).to.deep.equal(was);
    });
  });
});
