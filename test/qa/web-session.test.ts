/**
 * QA: the browser session is read from localStorage, which outlives releases and can be edited by hand. A stored
 * session of another shape (no roles array, no token) was handed to the frame as the user, whose menu then threw
 * on `user.roles.some` and left a blank page with no way to log out. Such a session must count as logged out.
 */
import { expect } from 'chai';

class MemoryStorage {
  private m = new Map<string, string>();
  getItem(k: string) {
    return this.m.has(k) ? this.m.get(k)! : null;
  }
  setItem(k: string, v: string) {
    this.m.set(k, String(v));
  }
  removeItem(k: string) {
    this.m.delete(k);
  }
}

describe('QA web session storage', () => {
  const g = globalThis as unknown as { localStorage?: MemoryStorage };
  let session: typeof import('../../web/session.ts');
  before(async () => {
    g.localStorage = new MemoryStorage();
    session = await import('../../web/session.ts');
  });
  after(() => {
    delete g.localStorage;
  });

  const user = { id: 1, username: 'supervisor', displayName: '赵监督', roles: ['supervisor'], organisation: null };

  it('returns the user and token of a well-formed session', () => {
    session.setSession('tok', user);
    expect(session.getToken()).to.equal('tok');
    expect(session.getUser()).to.deep.equal(user);
    expect(session.hasRole('supervisor')).to.equal(true);
  });

  for (const [label, raw] of [
    ['user without roles', JSON.stringify({ token: 'tok', user: { username: 'a', displayName: 'A' } })],
    ['roles not an array', JSON.stringify({ token: 'tok', user: { ...user, roles: 'supervisor' } })],
    ['no token', JSON.stringify({ user })],
    ['token not a string', JSON.stringify({ token: 42, user })],
    ['null', 'null'],
    ['a string', '"tok"'],
    ['not JSON', '{oops'],
  ] as const) {
    it(`treats a stored session with ${label} as logged out`, () => {
      g.localStorage!.setItem('eproc.session', raw);
      expect(session.getUser()).to.equal(null);
      expect(session.getToken()).to.equal(null);
      expect(session.hasRole('supervisor')).to.equal(false);
    });
  }
});
