/**
 * QA: hash routing. A malformed percent-escape in a link (#/registers/suppliers/%E0%A4%A, a hand-edited or
 * truncated URL) made decodeURIComponent throw inside the frame's render: a blank page instead of "page not found".
 */
import { expect } from 'chai';
import { matchPath } from '../../web/router.ts';

describe('QA web router', () => {
  it('matches patterns and decodes parameters', () => {
    expect(matchPath('/registers/suppliers/:id', '/registers/suppliers/12')).to.deep.equal({ id: '12' });
    expect(matchPath('/registers/suppliers/:id', '/registers/suppliers/%E5%8D%8E')).to.deep.equal({ id: '华' });
    expect(matchPath('/registers/suppliers/:id', '/registers/suppliers')).to.equal(null);
    expect(matchPath('/calendar', '/calendar/')).to.deep.equal({});
  });

  it('answers "no match" for a malformed escape instead of throwing', () => {
    for (const bad of ['%E0%A4%A', '%', '%zz', '100%']) {
      expect(() => matchPath('/registers/suppliers/:id', `/registers/suppliers/${bad}`), bad).to.not.throw();
      expect(matchPath('/registers/suppliers/:id', `/registers/suppliers/${bad}`), bad).to.equal(null);
    }
  });
});
