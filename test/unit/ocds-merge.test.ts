/**
 * The in-house OCDS merge (server/exchange/merge.ts) against the rules of OCDS 1.1 "Merging", and the exact money
 * conversion (server/exchange/ocds.ts).
 */
import { expect } from 'chai';
import { compileRelease, recordOf } from '../../server/exchange/merge.ts';
import { cny } from '../../server/exchange/ocds.ts';

const base = { ocid: 'ocds-xxxxxx-P1', initiationType: 'tender' };

describe('OCDS merge (compiled release)', function () {
  it('the latest value wins by date, whatever order the releases come in; id/date/tag are not merged', () => {
    const r1 = { ...base, id: 'a', date: '2026-03-02T09:00:00+08:00', tag: ['tender'], tender: { id: 't', status: 'active', title: '旧' } };
    const r2 = { ...base, id: 'b', date: '2026-03-05T09:00:00+08:00', tag: ['tenderUpdate'], tender: { id: 't', status: 'complete' } };
    const c = compileRelease([r2, r1]);
    expect(c.tender).to.deep.equal({ id: 't', status: 'complete', title: '旧' });
    expect(c.tag).to.deep.equal(['compiled']);
    expect(c.date).to.equal(r2.date);
    expect(c.id).to.equal(`${base.ocid}-${r2.date}`);
  });

  it('arrays of objects with ids merge by id (new ids appended); other arrays are replaced whole; null removes a field', () => {
    const r1 = {
      ...base, id: 'a', date: '2026-03-02T09:00:00+08:00', tag: ['award'],
      awards: [{ id: 'A1', status: 'active', value: { amount: 10, currency: 'CNY' } }],
      parties: [{ id: 'P', roles: ['tenderer'] }],
      tender: { id: 't', submissionMethod: ['electronicSubmission', 'inPerson'], description: 'x' },
    };
    const r2 = {
      ...base, id: 'b', date: '2026-03-03T09:00:00+08:00', tag: ['awardUpdate'],
      awards: [{ id: 'A2', status: 'active' }, { id: 'A1', status: 'cancelled' }],
      parties: [{ id: 'P', roles: ['tenderer', 'supplier'] }],
      tender: { id: 't', submissionMethod: ['electronicSubmission'], description: null },
    };
    const c = compileRelease([r1, r2]);
    expect(c.awards).to.deep.equal([{ id: 'A1', status: 'cancelled', value: { amount: 10, currency: 'CNY' } }, { id: 'A2', status: 'active' }]);
    expect(c.parties).to.deep.equal([{ id: 'P', roles: ['tenderer', 'supplier'] }]);
    expect(c.tender).to.deep.equal({ id: 't', submissionMethod: ['electronicSubmission'] });
  });

  it('wholeListMerge lists and lists of objects without ids are replaced, not merged', () => {
    const r1 = { ...base, id: 'a', date: '2026-03-02T09:00:00+08:00', tag: ['planning'], parties: [{ id: 'P', additionalIdentifiers: [{ id: '1', scheme: 'X' }, { id: '2', scheme: 'Y' }] }], planning: { milestones: [{ title: 'a' }, { title: 'b' }] } };
    const r2 = { ...base, id: 'b', date: '2026-03-03T09:00:00+08:00', tag: ['planningUpdate'], parties: [{ id: 'P', additionalIdentifiers: [{ id: '2', scheme: 'Z' }] }], planning: { milestones: [{ title: 'c' }] } };
    const c = compileRelease([r1, r2]);
    expect((c.parties as { additionalIdentifiers: unknown[] }[])[0]!.additionalIdentifiers).to.deep.equal([{ id: '2', scheme: 'Z' }]);
    expect(c.planning).to.deep.equal({ milestones: [{ title: 'c' }] });
  });

  it('a record lists its releases in date order with the compiled release', () => {
    const r1 = { ...base, id: 'a', date: '2026-03-02T09:00:00+08:00', tag: ['planning'] };
    const r2 = { ...base, id: 'b', date: '2026-03-01T09:00:00+08:00', tag: ['planning'] };
    const rec = recordOf(base.ocid, [r1, r2]);
    expect((rec.releases as { id: string }[]).map((r) => r.id)).to.deep.equal(['b', 'a']);
    expect((rec.compiledRelease as { date: string }).date).to.equal(r1.date);
  });
});

describe('OCDS money: exact CNY from integer fen', function () {
  it('writes the decimal from the integer', () => {
    expect(cny(0)).to.deep.equal({ amount: 0, currency: 'CNY' });
    expect(cny(1)).to.deep.equal({ amount: 0.01, currency: 'CNY' });
    expect(cny(21_000_000)).to.deep.equal({ amount: 210_000, currency: 'CNY' });
    expect(cny(522_700_000_07).amount).to.equal(522_700_000.07);
    expect(JSON.stringify(cny(900_719_925_474_099n))).to.contain('"amount":9007199254740.99');
    expect(cny(-150).amount).to.equal(-1.5);
  });
});
