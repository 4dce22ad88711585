/**
 * The audit trail (issue 8): entries for engine changes, refused logins and 403s, written in the transaction of the
 * change (a rolled-back change leaves none), a dense hash chain under concurrent appends, read-only routes for
 * supervisors and auditors, and verification that names the first altered, removed or truncated entry after a
 * direct edit of the table (past the triggers that refuse UPDATE/DELETE).
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import { QueryTypes } from 'sequelize';
import { appendAudit, recordAudit, verifyAuditChain } from '../../server/audit/index.ts';
import { findTemplate } from '../../server/documents/catalogue.ts';
import { defineTaskModels } from '../../server/engine/task-projection.ts';
import { bearer, fixturesDir, startHarness, type Harness } from './harness.ts';

describe('audit trail', function () {
  this.timeout(60_000);
  let h: Harness;
  let instanceId = '';
  before(async () => {
    h = await startHarness();
    // Deployed after buildApp, so the audit listener sees the deployment.
    await h.engine.deploy({ xml: fs.readFileSync(path.join(fixturesDir, 'api-approval.bpmn'), 'utf8'), resourceName: 'api-approval.bpmn', deployedBy: 'process_admin' });
  });
  after(async () => h.close());

  const as = async (u: string) => bearer(await h.token(u));
  const q = <T extends object>(sql: string, replacements: unknown[] = []): Promise<T[]> =>
    h.tdb.db.sequelize.query<T>(sql, { type: QueryTypes.SELECT, replacements });
  const count = async () => Number((await q<{ n: number }>('SELECT COUNT(*) AS n FROM audit_entries'))[0]!.n);
  const list = async (query: string, user = 'auditor') =>
    (await request(h.app).get(`/api/audit?${query}`).set('Authorization', await as(user)).expect(200)).body;

  it('records the deployment, the start, the task and its completion with actor, roles and instance', async () => {
    const started = await request(h.app).post('/api/processes/api_approval/instances').set('Authorization', await as('purchaser')).send({ variables: {}, businessKey: 'FCZC-AUDIT-1' }).expect(201);
    instanceId = started.body.instanceId;
    const { Task } = defineTaskModels(h.tdb.db.sequelize);
    const task = (await Task.findOne({ where: { instanceId, elementId: 'dept_review', state: 'created' } }))!;
    await request(h.app).post(`/api/tasks/${task.id}/complete`).set('Authorization', await as('dept_approver')).send({ variables: { decision: 'approve', comment: '同意' } }).expect(200);

    const deployed = await list('action=deployment.created');
    expect(deployed.entries.map((e: { actor: string }) => e.actor)).to.include('process_admin');
    const trail = (await list(`instanceId=${instanceId}`)).entries.reverse();
    const actions = trail.map((e: { action: string }) => e.action);
    expect(actions.slice(0, 2)).to.deep.equal(['instance.started', 'task.created']);
    const done = trail.find((e: { action: string; objectId: string }) => e.action === 'task.completed' && e.objectId === task.id);
    expect(done).to.include({ actor: 'dept_approver', objectType: 'task', instanceId });
    expect(done.roles).to.include('dept_approver');
    expect(done.summary).to.deep.equal({ elementId: 'dept_review' });
    // Each entry links to the one before it.
    const all = (await list('limit=200')).entries;
    for (let i = 0; i + 1 < all.length; i++) expect(all[i].prevHash).to.equal(all[i + 1].hash);
  });

  it('a failed login and a refused request are entries; the password is not', async () => {
    const before = await count();
    await request(h.app).post('/api/auth/login').send({ username: 'purchaser', password: 'wrong-password-密码' }).expect(401);
    const refused = await request(h.app).get('/api/audit').set('Authorization', await as('purchaser')).expect(403);
    expect(refused.body.error.code).to.equal('FORBIDDEN');
    const login = (await list('action=auth.login_failed')).entries[0];
    expect(login).to.include({ actor: 'purchaser', objectType: 'user', objectId: 'purchaser' });
    expect(JSON.stringify(login)).not.to.include('wrong-password');
    const denied = (await list('action=auth.permission_denied')).entries[0];
    expect(denied).to.include({ actor: 'purchaser', objectType: 'route', objectId: 'GET /api/audit' });
    expect(denied.roles).to.deep.equal(['purchaser']);
    expect(await count()).to.be.greaterThanOrEqual(before + 2);
  });

  it('a generated document and a register edit are entries of their own transactions', async () => {
    const doc = await request(h.app).post('/api/documents').set('Authorization', await as('purchaser'))
      .send({ templateId: 'project-application', data: structuredClone(findTemplate('project-application')!.sample) }).expect(201);
    const generated = (await list('action=document.generated')).entries[0];
    expect(generated).to.deep.include({ actor: 'purchaser', objectType: 'document', objectId: String(doc.body.document.id) });
    expect(generated.summary).to.deep.include({ templateId: 'project-application', version: 1, sha256: doc.body.version.sha256 });

    const item = { categoryCode: 'A02010104', name: '台式计算机（审计）', spec: 'i5/8GB', unit: '台', referencePriceFen: 459999 };
    const created = await request(h.app).post('/api/goods').set('Authorization', await as('finance_section')).send(item).expect(201);
    await request(h.app).patch(`/api/goods/${created.body.id}`).set('Authorization', await as('finance_section'))
      .send({ version: created.body.version, referencePriceFen: 449900 }).expect(200);
    const edits = (await list(`objectType=goods&objectId=${created.body.id}`)).entries;
    expect(edits.map((e: { action: string }) => e.action)).to.deep.equal(['goods.updated', 'goods.created']);
    expect(edits[0].summary).to.deep.include({ changed: ['referencePriceFen'], before: { referencePriceFen: 459999 }, after: { referencePriceFen: 449900 } });
  });

  it('filters by actor, action prefix and time, pages by cursor', async () => {
    const mine = await list('actor=dept_approver');
    expect(mine.entries.length).to.be.greaterThan(0);
    expect(mine.entries.every((e: { actor: string }) => e.actor === 'dept_approver')).to.equal(true);
    const tasks = await list('action=task.*');
    expect(tasks.entries.every((e: { action: string }) => e.action.startsWith('task.'))).to.equal(true);
    const first = await list('limit=2');
    expect(first.entries).to.have.length(2);
    const second = await list(`limit=2&before=${first.nextBefore}`);
    expect(second.entries[0].seq).to.equal(first.entries[1].seq - 1);
    expect((await list('from=2030-01-01')).entries).to.deep.equal([]);
    const bad = await request(h.app).get('/api/audit?from=yesterday').set('Authorization', await as('auditor')).expect(422);
    expect(bad.body.error.details[0].path).to.equal('from');
  });

  it('is in the transaction of the change: a rolled-back change leaves no entry and the head unchanged', async () => {
    const before = await count();
    const [head] = await q<{ hash: string }>('SELECT hash FROM audit_head WHERE id = 1');
    let thrown = false;
    await h.tdb.db
      .withTransaction(async (tx) => {
        await appendAudit(tx, { at: h.clock.now(), actor: 'test', action: 'supplier.updated', objectType: 'supplier', objectId: '1' });
        throw new Error('the change failed');
      })
      .catch(() => (thrown = true));
    expect(thrown).to.equal(true);
    expect(await count()).to.equal(before);
    expect((await q<{ hash: string }>('SELECT hash FROM audit_head WHERE id = 1'))[0]!.hash).to.equal(head!.hash);
  });

  it('parallel appends keep one dense chain', async () => {
    const before = await count();
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => recordAudit(h.tdb.db, { at: h.clock.now(), actor: `user${i % 5}`, action: 'test.parallel', objectType: 'test', objectId: String(i), summary: { i } })),
    );
    expect(await count()).to.equal(before + 40);
    const v = await verifyAuditChain(h.tdb.db, 7); // small batches cross batch borders
    expect(v).to.include({ ok: true, entries: before + 40 });
  });

  it('nobody can change it through the API, and the database refuses UPDATE and DELETE', async () => {
    for (const method of ['post', 'put', 'patch', 'delete'] as const) {
      const res = await request(h.app)[method]('/api/audit').set('Authorization', await as('supervisor')).send({});
      expect(res.status, method).to.be.oneOf([404, 405]);
    }
    let err = '';
    await h.tdb.db.sequelize.query("UPDATE audit_entries SET actor = 'x' WHERE seq = 1").catch((e: Error & { parent?: Error }) => (err = `${e.message} ${e.parent?.message ?? ''}`));
    expect(err).to.include('append-only');
    err = '';
    await h.tdb.db.sequelize.query('DELETE FROM audit_entries WHERE seq = 1').catch((e: Error & { parent?: Error }) => (err = `${e.message} ${e.parent?.message ?? ''}`));
    expect(err).to.include('append-only');
  });

  describe('tampering past the triggers', () => {
    const dropTriggers = async () => {
      await h.tdb.db.sequelize.query('DROP TRIGGER IF EXISTS audit_entries_no_update');
      await h.tdb.db.sequelize.query('DROP TRIGGER IF EXISTS audit_entries_no_delete');
    };
    const verify = async () => (await request(h.app).get('/api/audit/verify').set('Authorization', await as('supervisor')).expect(200)).body;

    it('verify is ok on the untouched chain and returns its head', async () => {
      const v = await verify();
      expect(v).to.include({ ok: true, firstBroken: null });
      expect(v.headHash).to.match(/^[0-9a-f]{64}$/);
      expect(v.entries).to.equal(await count());
    });

    it('an edited entry is named', async () => {
      await dropTriggers();
      const [target] = await q<{ seq: number }>("SELECT seq FROM audit_entries WHERE action = 'task.completed' ORDER BY seq LIMIT 1");
      const seq = Number(target!.seq);
      await h.tdb.db.sequelize.query("UPDATE audit_entries SET actor = 'someone_else' WHERE seq = ?", { replacements: [seq] });
      const v = await verify();
      expect(v.ok).to.equal(false);
      expect(v.firstBroken.seq).to.equal(seq);
      expect(v.firstBroken.reason).to.include('altered');
      // An edit that also recomputes this entry's hash breaks the next entry's link instead.
      await h.tdb.db.sequelize.query("UPDATE audit_entries SET actor = 'dept_approver' WHERE seq = ?", { replacements: [seq] });
      expect((await verify()).ok).to.equal(true);
    });

    it('a removed entry and a removed last entry are named', async () => {
      const total = await count();
      await h.tdb.db.sequelize.query('DELETE FROM audit_entries WHERE seq = ?', { replacements: [total] });
      let v = await verify();
      expect(v.ok).to.equal(false);
      expect(v.firstBroken.reason).to.include('head');
      await h.tdb.db.sequelize.query('DELETE FROM audit_entries WHERE seq = 3');
      v = await verify();
      expect(v.firstBroken).to.deep.include({ seq: 3 });
      expect(v.firstBroken.reason).to.include('missing');
    });
  });
});
