/** The draw algorithm (hmac-sha256-v1) and the specialty matching, without a database. */
import { expect } from 'chai';
import crypto from 'node:crypto';
import { categoryPrefixes, expertKey, matchingSpecialty, selectPanel, type PoolEntry } from '../../server/evaluation/draw.ts';

const pool: PoolEntry[] = Array.from({ length: 12 }, (_, i) => ({ expertId: i + 1, code: `FCZJ-${String(i + 1).padStart(4, '0')}`, userId: 100 + i, username: `expert${i + 1}`, specialty: 'A0201' }));

describe('unit: expert draw (专家随机抽取)', () => {
  it('is reproducible from the seed and orders the pool by HMAC-SHA256(seed, code)', () => {
    const seed = crypto.randomBytes(32);
    const a = selectPanel(seed, pool, 5, 2);
    const b = selectPanel(Buffer.from(seed.toString('hex'), 'hex'), [...pool].reverse(), 5, 2);
    expect(b.panel.map((p) => p.code)).to.deep.equal(a.panel.map((p) => p.code));
    expect(a.panel).to.have.length(5);
    expect(a.reserves).to.have.length(2);
    expect(a.reserves.every((r) => r.reserve) && a.panel.every((p) => !p.reserve)).to.equal(true);
    const keys = [...a.panel, ...a.reserves].map((p) => p.key);
    expect(keys).to.deep.equal([...keys].sort());
    expect(a.panel[0].key).to.equal(crypto.createHmac('sha256', seed).update(a.panel[0].code).digest('hex'));
    expect(expertKey(seed, 'FCZJ-0001')).to.match(/^[0-9a-f]{64}$/);
  });

  it('differs by seed', () => {
    const panels = new Set<string>();
    for (let i = 0; i < 20; i++) panels.add(selectPanel(crypto.randomBytes(32), pool, 5, 0).panel.map((p) => p.code).join(','));
    // 12 choose 5 ordered: 20 random seeds giving one panel would be a broken draw.
    expect(panels.size).to.be.greaterThan(10);
  });

  it('matches specialties on one branch of the catalogue, then widens one level at a time', () => {
    expect(categoryPrefixes('A02010104')).to.deep.equal(['A02010104', 'A020101', 'A0201', 'A02']);
    expect(categoryPrefixes('C02')).to.deep.equal(['C02']);
    expect(matchingSpecialty(['A0201'], 'A02010104', 'A02010104')).to.equal('A0201'); // parent covers the category
    expect(matchingSpecialty(['A0201010401'], 'A02010104', 'A02010104')).to.equal('A0201010401'); // child of the category
    expect(matchingSpecialty(['A020102'], 'A02010104', 'A02010104')).to.equal(null); // a sibling branch
    expect(matchingSpecialty(['A020102'], 'A02010104', 'A0201')).to.equal('A020102'); // after widening to A0201
    expect(matchingSpecialty(['A06', 'C02'], 'A02010104', 'A02')).to.equal(null);
    expect(matchingSpecialty(['A'], 'A02010104', 'A02010104')).to.equal('A');
  });
});
