/**
 * The inbox list beyond the basics of tasks.test.ts: keyset paging (`after`) in every sort, the capped count,
 * due-soon and overdue flags and filters, the union of sources without duplicates, and bad cursors.
 * Tasks are written straight into the projection (as the engine writes them) to make many quickly.
 */
import { expect } from 'chai';
import request from 'supertest';
import { defineTaskModels } from '../../server/engine/task-projection.ts';
import { COUNT_CAP } from '../../server/inbox/query.ts';
import { bearer, startHarness, type Harness } from './harness.ts';

describe('API inbox list: keyset paging, capped count, due flags', () => {
  let h: Harness;
  const T0 = Date.parse('2026-03-02T01:00:00Z');
  const HOUR = 3_600_000;

  async function insert(n: number, make: (i: number) => { group?: string; user?: string; assignee?: string | null; dueAt?: Date | null; priority?: number; state?: 'created' | 'completed'; completedBy?: string; name?: string }, prefix: string) {
    const { Task, TaskCandidate } = defineTaskModels(h.tdb.db.sequelize);
    const tasks = [];
    const cands = [];
    for (let i = 0; i < n; i++) {
      const m = make(i);
      const id = `${prefix}-${String(i).padStart(5, '0')}`;
      const createdAt = new Date(T0 - (i % 97) * 60_000); // many equal creation times: ties broken by id
      const state = m.state ?? 'created';
      tasks.push({
        id, instanceId: `i-${id}`, bpmnProcessId: 'bulk', processVersion: 1, businessKey: id, elementId: 'step', executionId: `e-${id}`,
        name: m.name ?? '批量审批', formId: null, candidateGroups: m.group ?? null, candidateUsers: m.user ?? null, assignee: m.assignee ?? null,
        state, priority: m.priority ?? 50, headers: JSON.stringify({ legalBasis: '政府采购法实施条例第29条' }), dueAt: m.dueAt ?? null, followUpAt: null,
        createdAt, claimedAt: null, completedAt: state === 'completed' ? new Date(T0 + i * 1000) : null, completedBy: m.completedBy ?? null,
      });
      if (state === 'created') {
        if (m.group) cands.push({ taskId: id, kind: 'group' as const, value: m.group, dueAt: m.dueAt ?? null, createdAt });
        if (m.user) cands.push({ taskId: id, kind: 'user' as const, value: m.user, dueAt: m.dueAt ?? null, createdAt });
      }
    }
    await Task.bulkCreate(tasks);
    if (cands.length) await TaskCandidate.bulkCreate(cands);
    return tasks.map((t) => t.id);
  }

  before(async () => {
    h = await startHarness();
    // finance_section: 60 tasks; a third without due date, due dates spread around "now".
    await insert(60, (i) => ({ group: 'finance_section', dueAt: i % 3 === 0 ? null : new Date(T0 + ((i % 20) - 5) * HOUR), priority: (i * 7) % 100 }), 'F');
    // supervisor: more than the count cap.
    await insert(COUNT_CAP + 5, () => ({ group: 'supervisor' }), 'S');
  });
  after(async () => h.close());

  const get = async (user: string, query: Record<string, string | number>) =>
    (await request(h.app).get('/api/tasks').query(query).set('Authorization', bearer(await h.token(user))).expect(200)).body;

  async function walk(user: string, query: Record<string, string | number>) {
    const seen: string[] = [];
    let after: string | null = null;
    for (let guard = 0; guard < 100; guard++) {
      const page = await get(user, { ...query, ...(after ? { after } : {}) });
      seen.push(...page.items.map((t: { id: string }) => t.id));
      if (!page.hasMore) {
        expect(page.nextCursor).to.equal(null);
        break;
      }
      after = page.nextCursor;
    }
    return seen;
  }

  for (const [sort, order] of [['due', 'asc'], ['due', 'desc'], ['created', 'desc'], ['created', 'asc'], ['priority', 'desc'], ['priority', 'asc']] as const) {
    it(`keyset pages (sort=${sort} ${order}) give every task once, in the same order as one big page`, async () => {
      const all = (await get('finance_section', { scope: 'groups', sort, order, pageSize: 100 })).items.map((t: { id: string }) => t.id);
      expect(all).to.have.length(60);
      const paged = await walk('finance_section', { scope: 'groups', sort, order, pageSize: 7 });
      expect(paged).to.deep.equal(all);
      // Offset pages agree.
      const p2 = (await get('finance_section', { scope: 'groups', sort, order, pageSize: 7, page: 2 })).items.map((t: { id: string }) => t.id);
      expect(p2).to.deep.equal(all.slice(7, 14));
    });
  }

  it('sort=due keeps tasks without a due date last in both directions', async () => {
    for (const order of ['asc', 'desc']) {
      const items = (await get('finance_section', { scope: 'groups', sort: 'due', order, pageSize: 100 })).items as { dueAt: string | null }[];
      const firstNull = items.findIndex((t) => t.dueAt === null);
      expect(firstNull).to.equal(40);
      expect(items.slice(firstNull).every((t) => t.dueAt === null)).to.equal(true);
      const dated = items.slice(0, firstNull).map((t) => Date.parse(t.dueAt!));
      const sorted = [...dated].sort((a, b) => (order === 'asc' ? a - b : b - a));
      expect(dated).to.deep.equal(sorted);
    }
  });

  it('counts exactly below the cap and caps above it (totalCapped), while paging still works', async () => {
    const small = await get('finance_section', { scope: 'groups' });
    expect(small).to.include({ total: 60, totalCapped: false, hasMore: true });
    const big = await get('supervisor', { scope: 'groups', pageSize: 100 });
    expect(big).to.include({ total: COUNT_CAP, totalCapped: true, hasMore: true });
    const last = await get('supervisor', { scope: 'groups', pageSize: 100, page: 11 });
    expect(last.items).to.have.length(5);
    expect(last.hasMore).to.equal(false);
  });

  it('overdue and due-soon flags follow the clock and INBOX_DUE_SOON_HOURS; dueState filters by them', async () => {
    const items = (await get('finance_section', { scope: 'groups', pageSize: 100 })).items as { dueAt: string | null; overdue: boolean; dueSoon: boolean; legalBasis: string }[];
    const now = h.clock.now().getTime();
    const soonMs = h.config.inboxDueSoonHours * HOUR;
    for (const t of items) {
      const due = t.dueAt ? Date.parse(t.dueAt) : null;
      expect(t.overdue, t.dueAt ?? 'none').to.equal(due !== null && due < now);
      expect(t.dueSoon, t.dueAt ?? 'none').to.equal(due !== null && due >= now && due < now + soonMs);
      expect(t.legalBasis).to.equal('政府采购法实施条例第29条');
    }
    const overdue = await get('finance_section', { scope: 'groups', dueState: 'overdue', pageSize: 100 });
    expect(overdue.total).to.equal(items.filter((t) => t.overdue).length).and.be.above(0);
    expect(overdue.items.every((t: { overdue: boolean }) => t.overdue)).to.equal(true);
    const soon = await get('finance_section', { scope: 'groups', dueState: 'soon', pageSize: 100 });
    expect(soon.total).to.equal(items.filter((t) => t.dueSoon).length).and.be.above(0);
  });

  it('scope=all lists a task once when the caller is both its assignee and a candidate', async () => {
    const [id] = await insert(1, () => ({ group: 'finance_section', user: 'finance_section', assignee: 'finance_section', dueAt: new Date(T0 - 100 * HOUR) }), 'BOTH');
    const all = await walk('finance_section', { scope: 'all', pageSize: 9 });
    expect(all.filter((x) => x === id)).to.have.length(1);
    expect(new Set(all).size).to.equal(all.length);
    expect(all).to.have.length(61);
    expect((await get('finance_section', { scope: 'mine' })).items.map((t: { id: string }) => t.id)).to.deep.equal([id]);
  });

  it('completed by me, newest first, with keyset pages', async () => {
    await insert(12, () => ({ state: 'completed', completedBy: 'auditor', assignee: 'auditor' }), 'DONE');
    const all = await walk('auditor', { scope: 'completed', pageSize: 5 });
    expect(all).to.have.length(12);
    expect(all[0]).to.equal('DONE-00011');
    expect((await get('auditor', { scope: 'groups' })).total).to.equal(0);
  });

  it('a cursor that is not one of ours is 422 naming `after`', async () => {
    for (const after of ['garbage', Buffer.from('[0,"x",null,"id"]').toString('base64url'), Buffer.from('{"a":1}').toString('base64url')]) {
      const res = await request(h.app).get('/api/tasks').query({ after }).set('Authorization', bearer(await h.token('finance_section'))).expect(422);
      expect(res.body.error.details[0].path).to.equal('after');
    }
  });
});
