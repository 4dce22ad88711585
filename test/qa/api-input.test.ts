/**
 * QA: hostile or odd input to the task and instance API. Expected everywhere: a clear 4xx JSON error (or
 * success), never a 500, and nothing half-saved.
 */
import { expect } from 'chai';
import request from 'supertest';
import { defineTaskModels } from '../../server/engine/task-projection.ts';
import { defineEngineModels } from '../../server/engine/embedded/store.ts';
import { bearer, startHarness, type Harness } from '../api/harness.ts';

describe('QA API input robustness', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ deploy: ['api-approval.bpmn'] });
  });
  after(async () => h.close());

  const as = async (username: string) => bearer(await h.token(username));
  const Task = () => defineTaskModels(h.tdb.db.sequelize).Task;
  const instanceCount = () => defineEngineModels(h.tdb.db.sequelize).Instance.count();

  // Regression (found in QA): the 256 KB check in variablesSchema (server/http/validate.ts) calls JSON.stringify on the value,
  // which throws RangeError (Maximum call stack size exceeded) for deeply nested input; the error escapes zod
  // and becomes 500 INTERNAL. A 12 KB body is enough. Expected: 422 VALIDATION_FAILED (a depth limit).
  it('deeply nested variables (6000 levels, 12 KB) → 422, not 500, and no instance is created', async () => {
    const before = await instanceCount();
    const depth = 6000;
    const body = `{"variables":{"a":${'['.repeat(depth)}${']'.repeat(depth)}}}`;
    const res = await request(h.app)
      .post('/api/processes/api_approval/instances')
      .set('Authorization', await as('purchaser'))
      .set('Content-Type', 'application/json')
      .send(body);
    expect(res.status, JSON.stringify(res.body)).to.equal(422);
    expect(res.body.error.code).to.equal('VALIDATION_FAILED');
    expect(await instanceCount()).to.equal(before);
  });

  // Regression (found in QA) (SQLite only; passes on MariaDB): a NUL character in a string that Sequelize inlines into SQL
  // truncates the statement in SQLite ("unrecognized token") → 500. Seen for businessKey on start, the
  // username on login, and q / businessKey filters of GET /api/tasks. Lives between Sequelize's sqlite escaping
  // and server/sqlite/index.ts (prepare); or input schemas should refuse control characters. Expected: 422 (or
  // success), never 500.
  it('a NUL character in businessKey, login user name or task filters is answered without a 500', async () => {
    const start = await request(h.app)
      .post('/api/processes/api_approval/instances')
      .set('Authorization', await as('purchaser'))
      .send({ businessKey: 'FCZC\u0000-1' });
    const login = await request(h.app).post('/api/auth/login').send({ username: 'purchaser\u0000', password: 'wrong' });
    const q = await request(h.app).get('/api/tasks?q=a%00b').set('Authorization', await as('dept_approver'));
    const bk = await request(h.app).get('/api/tasks?businessKey=a%00b').set('Authorization', await as('dept_approver'));
    expect([start.status, login.status, q.status, bk.status]).to.satisfy(
      (s: number[]) => s.every((x) => x < 500),
      `statuses start/login/q/businessKey: ${[start.status, login.status, q.status, bk.status]}`,
    );
  });

  // Regression (found in QA): describeTask (server/engine/embedded/run.ts, `date()`) accepts anything `new Date(String(r))`
  // parses: the number 12345 from a form field becomes the year 12345. On MariaDB the insert then fails
  // (DATETIME range) → 500; on SQLite a task due in year 12345 is stored. Expected: 422 PROCESS_ERROR naming
  // dept_review (dueDate must be an ISO 8601 date-time), nothing saved.
  it('a user task dueDate that is not an ISO date-time (number 12345) → 422 PROCESS_ERROR, nothing saved', async () => {
    const before = await instanceCount();
    const res = await request(h.app)
      .post('/api/processes/api_approval/instances')
      .set('Authorization', await as('purchaser'))
      .send({ variables: { dueDate: 12345 } });
    expect(res.status, JSON.stringify(res.body)).to.equal(422);
    expect(res.body.error.code).to.equal('PROCESS_ERROR');
    expect(res.body.error.details[0].path).to.equal('dept_review');
    expect(await instanceCount()).to.equal(before);
  });

  // Holds: __proto__/constructor keys are plain variables; nothing global is polluted, the engine keeps running.
  it('variables named __proto__, constructor, toString are harmless on start and complete', async () => {
    const start = await request(h.app)
      .post('/api/processes/api_approval/instances')
      .set('Authorization', await as('purchaser'))
      .set('Content-Type', 'application/json')
      .send('{"variables":{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}},"toString":"x"}}')
      .expect(201);
    const task = await Task().findOne({ where: { instanceId: start.body.instanceId, state: 'created' } });
    // Not fields of the task's form: refused by name, and nothing is polluted on the way.
    const refused = await request(h.app)
      .post(`/api/tasks/${task!.id}/complete`)
      .set('Authorization', await as('dept_approver'))
      .set('Content-Type', 'application/json')
      .send('{"variables":{"__proto__":{"isAdmin":true},"hasOwnProperty":1}}')
      .expect(422);
    // (`__proto__` never becomes a variable: validation drops it; `hasOwnProperty` is named.)
    expect(refused.body.error.details.map((d: { path: string }) => d.path)).to.deep.equal(['variables.hasOwnProperty']);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    expect(({} as Record<string, unknown>).isAdmin).to.equal(undefined);
    const view = await h.engine.getInstance(start.body.instanceId);
    expect(view!.variables).to.include({ toString: 'x' });
    expect(Object.getPrototypeOf(view!.variables)).to.equal(Object.prototype);
  });

  // Holds: quotes and SQL fragments in q are data; page far beyond the end is an empty page with the total.
  it('q with quotes / SQL fragments matches literally; a page far past the end is empty', async () => {
    await request(h.app).post('/api/processes/api_approval/instances').set('Authorization', await as('purchaser'))
      .send({ businessKey: "O'Brien\" OR 1=1 --" }).expect(201);
    const hit = await request(h.app).get(`/api/tasks?q=${encodeURIComponent("O'Brien\" OR 1=1")}`).set('Authorization', await as('dept_approver')).expect(200);
    expect(hit.body.items.map((t: { businessKey: string }) => t.businessKey)).to.deep.equal(["O'Brien\" OR 1=1 --"]);
    const none = await request(h.app).get(`/api/tasks?q=${encodeURIComponent("' OR '1'='1")}`).set('Authorization', await as('dept_approver')).expect(200);
    expect(none.body.total).to.equal(0);
    const far = await request(h.app).get('/api/tasks?page=100000&pageSize=100').set('Authorization', await as('dept_approver')).expect(200);
    expect(far.body.items).to.deep.equal([]);
    expect(far.body.total).to.be.greaterThan(0);
  });
});
