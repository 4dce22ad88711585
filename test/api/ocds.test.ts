/**
 * OCDS data exchange (issue 8): the open tender of the chain tests driven end to end over HTTP; every release it
 * produces, the release packages of the feed and the compiled record are validated against the OCDS 1.1.5 schemas
 * with ajv (draft-04). Also: nothing is published before the approvals end, no bidder is named before the opening,
 * amounts are exact CNY, dates carry +08:00, releases are append-only with one outbox row each, and a failed tender
 * that is then terminated is reported as unsuccessful and cancelled.
 */
import { expect } from 'chai';
import { startChain, type Chain, type Vars } from '../chain/driver.ts';
import { approveAll, fileApplication } from '../chain/fixtures.ts';
import { approvedProject, confirmWinner, contractForm, equalSheets, expertsScore, prepareTender, reachDeadline, reviewQualification, runToConfirmation, shanghaiLocal, submitBid, threeBidders, type Bidder } from '../chain/steps.ts';
import { validateRecordPackage, validateRelease, validateReleasePackage } from './ocds-schemas.ts';

type Release = Vars & { id: string; ocid: string; tag: string[]; date: string };

/** The whole feed, page by page through links.next (every package validated on the way). */
async function feed(c: Chain, limit = 3): Promise<Release[]> {
  const all: Release[] = [];
  let since = 0;
  for (let page = 0; page < 100; page++) {
    const res = await c.get('supervisor', '/api/ocds/releases', { since, limit });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    // Past the end: not a package (it would have no release) but "up to date" with the cursor given back.
    if (res.body.upToDate) {
      expect(res.body).to.include({ upToDate: true, since });
      break;
    }
    expect(validateReleasePackage(res.body).errors, 'release package').to.deep.equal([]);
    all.push(...(res.body.releases as Release[]));
    const next = res.body.links?.next as string | undefined;
    if (!next) break;
    since = Number(new URL(next).searchParams.get('since'));
  }
  return all;
}

const ofOcid = (rs: Release[], ocid: string) => rs.filter((r) => r.ocid === ocid);

describe('OCDS exchange: the open tender end to end, every release valid', function () {
  this.timeout(180_000);
  let c: Chain;
  let id = '';
  let ocid = '';
  let bidders: Bidder[] = [];
  let tenderId = 0;
  const bids: Record<string, number> = {};
  let award: Vars = {};

  before(async () => {
    c = await startChain();
    bidders = await threeBidders(c);
    await c.expertAccounts();
  });
  after(async () => {
    await c?.close();
  });

  it('publishes nothing while the application is being approved; the end of the approvals publishes the planning release', async () => {
    id = await fileApplication(c, 'purchaser');
    await c.complete('dept_approver', id, 'dept_approval', { decision: 'approve', comment: '同意。' });
    expect(await feed(c)).to.deep.equal([]);
    await c.complete('finance_section', id, 'finance_approval', { decision: 'approve', comment: '预算已落实。' });
    expect(await feed(c)).to.deep.equal([]);
    await c.complete('supervisor', id, 'supervisor_approval', { decision: 'approve', comment: '同意公开招标。' });
    await c.task('agency', id, 'prepare_tender');
    const v = await c.vars(id);
    ocid = `ocds-xxxxxx-${v.projectNumber as string}`;
    const rs = await feed(c);
    expect(rs.map((r) => r.tag)).to.deep.equal([['planning']]);
    const planning = rs[0]!;
    expect(planning.ocid).to.equal(ocid);
    expect(planning.id).to.match(new RegExp(`^${ocid}-0001-[0-9a-f]{8}$`));
    expect((planning.planning as Vars).budget).to.deep.include({ id: v.projectNumber });
    // The budget as exact yuan from the integer fen.
    expect(((planning.planning as { budget: { amount: Vars } }).budget.amount)).to.deep.equal({ amount: Number(v.budgetFen) / 100, currency: 'CNY' });
    expect((planning.parties as { roles: string[] }[]).flatMap((p) => p.roles)).to.include.members(['buyer', 'procuringEntity']);
  });

  it('the published tender is a tender release; bids are sealed: no release names a bidder before the opening; an amendment is a tenderAmendment', async () => {
    const v = await prepareTender(c, id);
    tenderId = v.tenderId as number;
    await c.advance(86_400_000);
    for (const b of bidders) bids[b.name] = (await submitBid(c, b.user, tenderId, b)).bidId;
    const res = await c.post('agency', `/api/tenders/${tenderId}/amendments`, {
      title: '关于交货地点的澄清',
      changes: [{ item: '第二章 交货地点', original: '涪城区教育局', revised: '涪城区教育局指定学校' }],
      substantive: false,
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    await c.expectNoIncidents(id);
    const rs = await feed(c);
    expect(rs.map((r) => r.tag)).to.deep.equal([['planning'], ['tender'], ['tenderAmendment']]);
    const text = JSON.stringify(rs);
    for (const b of bidders) expect(text, `${b.name} before the opening`).to.not.contain(b.name);
    const tender = rs[1]!.tender as Vars;
    expect(tender).to.deep.include({ id: `${v.projectNumber as string}-1`, status: 'active', procurementMethod: 'open', procurementMethodDetails: '公开招标', mainProcurementCategory: 'goods' });
    expect((tender.tenderPeriod as Vars).endDate).to.equal(`${shanghaiLocal(v.bidDeadlineAt as string)}:00+08:00`);
    expect(tender).to.not.have.property('tenderers');
    expect(((rs[2]!.tender as Vars).amendments as Vars[])[0]).to.deep.include({ id: '1', description: '关于交货地点的澄清' });
  });

  it('the opening names the tenderers (tenderUpdate); the confirmed winner is an award release with the exact amount', async () => {
    await reachDeadline(c, id);
    await reviewQualification(c, id);
    await expertsScore(c, id, equalSheets(bidders));
    const ranking = (await c.vars(id)).ranking as { bidId: number; rank: number }[];
    const first = ranking.find((r) => r.rank === 1)!;
    const v = await confirmWinner(c, id, first.bidId);
    award = v.award as Vars;
    const rs = ofOcid(await feed(c), ocid);
    const opening = rs.find((r) => r.tag.includes('tenderUpdate') && (r.tender as Vars).numberOfTenderers !== undefined)!;
    expect(opening, 'release at the opening').to.exist;
    expect((opening.tender as Vars).numberOfTenderers).to.equal(3);
    expect(((opening.tender as Vars).tenderers as Vars[]).map((t) => t.name)).to.have.members(bidders.map((b) => b.name));
    const awarded = rs.find((r) => r.tag.includes('award'))!;
    const a = (awarded.awards as Vars[])[0]!;
    expect(a).to.deep.include({ status: 'active', value: { amount: Number(award.amountFen) / 100, currency: 'CNY' } });
    expect((a.suppliers as Vars[])[0]!.name).to.equal(award.supplierName);
    expect(String(a.date)).to.match(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
    const supplier = (awarded.parties as { name: string; roles: string[] }[]).find((p) => p.name === award.supplierName)!;
    expect(supplier.roles).to.have.members(['tenderer', 'supplier']);
  });

  it('contract, acceptance and archive: contract, implementation and contractTermination releases', async () => {
    const v0 = await c.vars(id);
    await c.advanceTo(v0.challengeDeadlineAt as string);
    await c.advanceTo(new Date(new Date(v0.challengeDeadlineAt as string).getTime() + 86_400_000));
    const signed = shanghaiLocal(c.clock.now()).slice(0, 10);
    const amountYuan = Number(award.amountFen) / 100;
    await c.complete('purchaser', id, 'sign_contract', { ...contractForm(amountYuan), signedDate: signed });
    await c.expectNoIncidents(id);
    await c.complete('purchaser', id, 'publish_contract', { publicationMedia: '四川政府采购网', publishedDate: signed, publicationUrl: 'http://www.ccgp-sichuan.gov.cn/contract/FCJY-HT-2026-0001' });
    await c.advance(20 * 86_400_000);
    const accepted = shanghaiLocal(c.clock.now()).slice(0, 10);
    await c.complete('purchaser', id, 'acceptance', {
      acceptanceResults: [{ requirement: '整机开机测试', result: 'pass', note: '全部正常' }],
      acceptanceOverall: 'pass', acceptanceDate: accepted, acceptanceTeam: '张采购、李老师', acceptanceIssues: '无',
    });
    await c.expectNoIncidents(id);
    expect((await c.instance(id)).state).to.equal('completed');
    const rs = ofOcid(await feed(c), ocid);
    const tags = rs.flatMap((r) => r.tag);
    expect(tags).to.include.members(['planning', 'tender', 'tenderAmendment', 'tenderUpdate', 'award', 'contract', 'implementation', 'contractTermination']);
    const contract = (rs.find((r) => r.tag.includes('contract'))!.contracts as Vars[])[0]!;
    expect(contract).to.deep.include({ id: 'FCJY-HT-2026-0001', status: 'active', dateSigned: `${signed}T00:00:00+08:00`, value: { amount: amountYuan, currency: 'CNY' } });
    expect(contract.awardID).to.equal(`${v0.projectNumber as string}-award-${award.bidId as number}`);
    // Release ids are the ocid, a running number and a digest of the content; dates never go backwards.
    rs.forEach((r, i) => expect(r.id).to.match(new RegExp(`^${ocid}-${String(i + 1).padStart(4, '0')}-[0-9a-f]{8}$`)));
    for (let i = 1; i < rs.length; i++) expect(new Date(rs[i]!.date).getTime()).to.be.at.least(new Date(rs[i - 1]!.date).getTime());
  });

  it('EVERY release validates against release-schema.json, and the record package (compiled record) against record-package-schema.json', async () => {
    const rs = await feed(c, 2);
    expect(rs.length).to.be.at.least(8);
    // Negative controls: the validator does reject what OCDS does not allow.
    const bad = structuredClone(rs[0]!) as Release;
    bad.tag = ['bogus'];
    (bad.parties as { roles: string[] }[])[0]!.roles = ['notARole'];
    ((bad.planning as { budget: { amount: Vars } }).budget.amount).amount = '100.00';
    bad.date = '2026-03-02 09:00';
    const rejected = validateRelease(bad).errors.join('\n');
    for (const path of ['/tag/0', '/parties/0/roles', '/planning/budget/amount/amount', '/date']) expect(rejected, path).to.contain(path);
    for (const r of rs) {
      const verdict = validateRelease(r);
      expect(verdict.errors, `${r.id} ${r.tag.join(',')}`).to.deep.equal([]);
      expect(r.date).to.match(/\+08:00$/);
    }
    const res = await c.get('auditor', `/api/ocds/records/${encodeURIComponent(ocid)}`);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(validateRecordPackage(res.body).errors, 'record package').to.deep.equal([]);
    const record = (res.body.records as Vars[])[0]!;
    expect((record.releases as Release[]).map((r) => r.id)).to.deep.equal(rs.map((r) => r.id));
    const compiled = record.compiledRelease as Vars;
    expect(validateRelease(compiled).errors, 'compiled release').to.deep.equal([]);
    // The merge: the latest value wins, objects with ids merge by id.
    expect(compiled.tag).to.deep.equal(['compiled']);
    expect(compiled.date).to.equal(rs[rs.length - 1]!.date);
    const tender = compiled.tender as Vars;
    expect(tender.status).to.equal('complete');
    expect(tender.numberOfTenderers).to.equal(3);
    expect(tender.amendments as Vars[]).to.have.length(1);
    expect(compiled.awards as Vars[]).to.have.length(1);
    const contracts = compiled.contracts as Vars[];
    expect(contracts).to.have.length(1);
    expect(contracts[0]).to.deep.include({ id: 'FCJY-HT-2026-0001', status: 'terminated' });
    expect(((contracts[0]!.implementation as Vars).milestones as Vars[])[0]).to.deep.include({ id: 'acceptance', status: 'met' });
    expect((contracts[0]!.value as Vars).amount).to.equal(Number(award.amountFen) / 100);
    const parties = compiled.parties as { roles: string[] }[];
    expect(parties.length).to.equal(2 + bidders.length);
  });

  it('releases are append-only, each with one pending outbox row keyed by the release id', async () => {
    const db = c.tdb.db.sequelize;
    const rs = await feed(c);
    let refused = 0;
    for (const sql of ['UPDATE ocds_releases SET tags = \'x\'', 'DELETE FROM ocds_releases']) {
      try {
        await db.query(sql);
      } catch (err) {
        const e = err as Error & { parent?: Error; original?: Error };
        expect(`${e.message} ${e.parent?.message ?? ''} ${e.original?.message ?? ''}`).to.contain('append-only');
        refused++;
      }
    }
    expect(refused).to.equal(2);
    const [outbox] = await db.query('SELECT idempotency_key, state FROM ocds_outbox ORDER BY id');
    expect((outbox as { idempotency_key: string; state: string }[]).map((o) => [o.idempotency_key, o.state])).to.deep.equal(rs.map((r) => [r.id, 'pending']));
  });

  it('only the supervision side reads the feed; an unknown ocid is 404', async () => {
    for (const user of ['purchaser', 'agency', 'supplier', 'expert']) {
      expect((await c.get(user, '/api/ocds/releases')).status, user).to.equal(403);
    }
    expect((await c.get('city_finance', '/api/ocds/releases')).status).to.equal(200);
    const missing = await c.get('supervisor', '/api/ocds/records/ocds-xxxxxx-NOPE');
    expect(missing.status).to.equal(404);
    expect(missing.body.error.code).to.equal('NOT_FOUND');
    expect((await c.get('supervisor', '/api/ocds/releases', { since: -1 })).status).to.equal(422);
  });

  it('past the end of the feed: 200 "up to date" with the cursor, never a release package without releases', async () => {
    const head = await c.get('supervisor', '/api/ocds/releases', { since: 0, limit: 500 });
    expect(head.status).to.equal(200);
    expect(validateReleasePackage(head.body).errors, 'release package').to.deep.equal([]);
    const releases = head.body.releases as Release[];
    expect(releases.length).to.be.greaterThan(0);
    const [[row]] = (await c.tdb.db.sequelize.query('SELECT MAX(seq) AS last FROM ocds_releases')) as [{ last: number }[], unknown];
    const last = Number(row!.last);
    for (const since of [last, last + 1000]) {
      const res = await c.get('supervisor', '/api/ocds/releases', { since, limit: 5 });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body).to.include({ upToDate: true, since });
      expect(res.body.message).to.be.a('string');
      expect(res.body.uri).to.match(new RegExp(`/api/ocds/releases\\?since=${since}&limit=5$`));
      expect(res.body).to.not.have.any.keys('releases', 'version', 'publisher', 'links');
      // An empty package would be refused by the vendored OCDS 1.1.5 schema: that is why the feed does not send one.
      expect(validateReleasePackage({ ...head.body, releases: [] }).errors).to.not.deep.equal([]);
    }
  });
});

describe('OCDS exchange: a failed tender, a re-tender (a new contracting process), failed again and terminated', function () {
  this.timeout(120_000);
  let c: Chain;
  before(async () => {
    c = await startChain();
  });
  after(async () => {
    await c?.close();
  });

  it('round 1 unsuccessful (tenderUpdate); round 2 is a new ocid related to round 1; its failure and the termination (tenderCancellation); every release valid', async () => {
    const bidders = await threeBidders(c);
    const id = await fileApplication(c, 'purchaser');
    await approveAll(c, id);
    const v = await prepareTender(c, id);
    const first = `ocds-xxxxxx-${v.projectNumber as string}`;
    const twoBids = async (tenderId: number) => {
      await c.advance(86_400_000);
      await submitBid(c, bidders[0]!.user, tenderId, bidders[0]!);
      await submitBid(c, bidders[1]!.user, tenderId, bidders[1]!);
      await reachDeadline(c, id);
    };
    await twoBids(v.tenderId as number);
    let rs = ofOcid(await feed(c), first);
    expect(rs.map((r) => r.tag.join())).to.deep.equal(['planning', 'tender', 'tenderUpdate']);
    const failed = rs[2]!.tender as Vars;
    expect(failed.status).to.equal('unsuccessful');
    expect(failed.description).to.be.a('string').and.match(/^废标：/);
    expect(failed.numberOfTenderers).to.equal(2);
    // Too few bids: never opened, so nobody is named.
    expect(failed).to.not.have.property('tenderers');

    await c.complete('purchaser', id, 'decide_after_failure', { nextAction: 'retender', decisionReason: '投标人不足三家，重新组织招标。' });
    const v2 = await prepareTender(c, id, { bidDeadline: '2026-05-20T09:30' });
    const second = `${first}-2`;
    const round2 = ofOcid(await feed(c), second);
    expect(round2.map((r) => r.tag.join())).to.deep.equal(['planning,tender']);
    expect(round2[0]!.relatedProcesses).to.deep.equal([{ id: '1', relationship: ['unsuccessfulProcess'], title: v.projectName, scheme: 'ocid', identifier: first }]);
    expect((round2[0]!.tender as Vars).id).to.equal(`${v.projectNumber as string}-2`);
    expect(ofOcid(await feed(c), first), 'round 1 unchanged').to.have.length(3);

    await twoBids(v2.tenderId as number);
    await c.complete('purchaser', id, 'decide_after_failure', { nextAction: 'terminate', decisionReason: '采购需求取消，终止采购。' });
    await c.expectNoIncidents(id);
    expect((await c.instance(id)).state).to.equal('completed');
    rs = await feed(c);
    expect(ofOcid(rs, second).map((r) => r.tag.join())).to.deep.equal(['planning,tender', 'tenderUpdate', 'tenderCancellation']);
    for (const r of rs) expect(validateRelease(r).errors, r.id).to.deep.equal([]);
    for (const ocid of [first, second]) {
      const rec = await c.get('supervisor', `/api/ocds/records/${encodeURIComponent(ocid)}`);
      expect(validateRecordPackage(rec.body).errors, ocid).to.deep.equal([]);
    }
    const rec2 = await c.get('supervisor', `/api/ocds/records/${encodeURIComponent(second)}`);
    const compiled = (rec2.body.records as Vars[])[0]!.compiledRelease as { tender: Vars; relatedProcesses: Vars[] };
    expect(compiled.tender.status).to.equal('cancelled');
    expect(compiled.relatedProcesses[0]!.identifier).to.equal(first);
  });
});

describe('OCDS exchange: challenges upheld (re-evaluation; cancellation)', function () {
  this.timeout(180_000);
  let c: Chain;
  let bidders: Bidder[] = [];
  before(async () => {
    c = await startChain();
    bidders = await threeBidders(c);
    await c.expertAccounts();
  });
  after(async () => {
    await c?.close();
  });

  const CH = '四川长虹教育科技有限公司';
  const RX = '成都蓉星计算机系统有限公司';

  async function toAward(bidDeadline?: string) {
    const id = await approvedProject(c);
    const { tenderId, bids } = await runToConfirmation(c, id, bidders, bidDeadline ? { bidDeadline } : {});
    await confirmWinner(c, id, bids[CH]!);
    return { id, tenderId, bids, ocid: `ocds-xxxxxx-${(await c.vars(id)).projectNumber as string}` };
  }

  it('re-evaluation: the first award is cancelled and the new winner is a new award; every release and the record valid', async () => {
    const { id, tenderId, bids, ocid } = await toAward();
    const filed = await c.post('sup_rongxing', `/api/tenders/${tenderId}/challenges`, { challengedDocument: '中标（成交）结果', items: [{ item: '中标结果', request: '请求重新评审。', facts: '第一中标候选人内存配置不满足实质性要求。', law: '财政部令第87号第六十四条' }] });
    expect(filed.status, JSON.stringify(filed.body)).to.equal(201);
    await c.complete('agency', id, 'answer_challenge', { challengeOutcome: 'upheld_reevaluate', challengeReply: '经核查质疑成立，依法组织原评标委员会重新评审。' });
    await c.expectNoIncidents(id);
    const sheets = Array.from({ length: 5 }, () => Object.fromEntries(bidders.map((b) => [b.name, { technicalScore: b.name === CH ? 30 : b.technicalScore ?? 40, businessScore: b.businessScore ?? 15 }])));
    await expertsScore(c, id, sheets);
    await confirmWinner(c, id, bids[RX]!);
    const rs = ofOcid(await feed(c), ocid);
    const last = rs[rs.length - 1]!;
    expect(last.tag).to.include('award');
    const byId = Object.fromEntries((last.awards as Vars[]).map((a) => [a.id, a.status]));
    expect(byId).to.deep.equal({ [`${ocid.slice('ocds-xxxxxx-'.length)}-award-${bids[RX]!}`]: 'active', [`${ocid.slice('ocds-xxxxxx-'.length)}-award-${bids[CH]!}`]: 'cancelled' });
    for (const r of rs) expect(validateRelease(r).errors, r.id).to.deep.equal([]);
    const rec = await c.get('supervisor', `/api/ocds/records/${encodeURIComponent(ocid)}`);
    expect(validateRecordPackage(rec.body).errors).to.deep.equal([]);
    const compiled = (rec.body.records as Vars[])[0]!.compiledRelease as { awards: { id: string; status: string; suppliers?: { name: string }[] }[] };
    expect(compiled.awards.map((a) => [a.status, a.suppliers?.[0]?.name])).to.deep.equal([['cancelled', CH], ['active', RX]]);
  });

  it('upheld with cancellation: the award is cancelled and the tender unsuccessful; terminated: tenderCancellation', async () => {
    const { id, tenderId, ocid } = await toAward('2026-06-16T09:30');
    const filed = await c.post('sup_rongxing', `/api/tenders/${tenderId}/challenges`, { challengedDocument: '中标（成交）结果', items: [{ item: '招标文件', request: '请求废标。', facts: '技术参数指向特定品牌。', law: '政府采购法实施条例第二十条' }] });
    expect(filed.status, JSON.stringify(filed.body)).to.equal(201);
    await c.complete('agency', id, 'answer_challenge', { challengeOutcome: 'upheld_cancel', challengeReply: '经核查质疑成立，本项目废标。' });
    await c.expectNoIncidents(id);
    let rs = ofOcid(await feed(c), ocid);
    const failed = rs[rs.length - 1]!;
    expect(failed.tag).to.have.members(['tenderUpdate', 'awardCancellation']);
    expect((failed.tender as Vars).status).to.equal('unsuccessful');
    expect((failed.awards as Vars[]).map((a) => a.status)).to.deep.equal(['cancelled']);
    await c.complete('purchaser', id, 'decide_after_failure', { nextAction: 'terminate', decisionReason: '需求调整，不再采购。' });
    rs = ofOcid(await feed(c), ocid);
    expect(rs[rs.length - 1]!.tag).to.deep.equal(['tenderCancellation']);
    for (const r of rs) expect(validateRelease(r).errors, r.id).to.deep.equal([]);
  });
});
