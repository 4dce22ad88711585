import { expect } from 'chai';
import { openTenderThreshold, loadThresholds, type ThresholdEntry } from '../../server/procurement/thresholds.ts';
import { formFieldKeys } from '../../server/inbox/form-fields.ts';

describe('procurement thresholds (versioned by effective date)', () => {
  const entries: ThresholdEntry[] = [
    { effectiveFrom: '2017-01-01', level: 'county', goodsServicesFen: 200_000_000, basis: 'a' },
    { effectiveFrom: '2027-01-01', level: 'county', goodsServicesFen: 400_000_000, basis: 'b' },
  ];
  it('takes the latest entry whose effective date (Asia/Shanghai) is not after the day', () => {
    expect(openTenderThreshold(new Date('2026-12-31T15:59:59Z'), 'county', entries).basis).to.equal('a');
    // 16:00 UTC on 31 Dec is already 1 Jan in Shanghai
    expect(openTenderThreshold(new Date('2026-12-31T16:00:00Z'), 'county', entries).goodsServicesFen).to.equal(400_000_000);
  });
  it('fails clearly when nothing is in force', () => {
    expect(() => openTenderThreshold(new Date('2010-01-01T00:00:00Z'), 'county', entries)).to.throw(/no county open-tender threshold is in force on 2010-01-01/);
  });
  it('ships a valid thresholds.json with integer fen and a legal basis for each level', () => {
    const shipped = loadThresholds();
    for (const level of ['county', 'city', 'province'] as const) {
      const e = openTenderThreshold(new Date('2026-06-01T00:00:00Z'), level, shipped);
      expect(Number.isInteger(e.goodsServicesFen)).to.equal(true);
      expect(e.basis).to.match(/财库/);
    }
  });
});

describe('form fields a completion may set', () => {
  it('collects top-level keys, nested keys inside plain groups, and group/dynamic-list paths', () => {
    const form = {
      components: [
        { type: 'text', text: '说明' },
        { type: 'textfield', key: 'projectName' },
        { type: 'textfield', key: 'supplier.name' },
        { type: 'group', components: [{ type: 'number', key: 'budgetYuan' }] },
        { type: 'group', path: 'delivery', components: [{ type: 'datetime', key: 'date' }] },
        { type: 'dynamiclist', path: 'items', components: [{ type: 'textfield', key: 'code' }] },
      ],
    };
    expect([...formFieldKeys(form)].sort()).to.deep.equal(['budgetYuan', 'delivery', 'items', 'projectName', 'supplier']);
  });
});
