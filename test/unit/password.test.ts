import { expect } from 'chai';
import { hashPassword, verifyPassword } from '../../server/auth/password.ts';

describe('password hashing (scrypt)', () => {
  it('salts each hash, stores its parameters and verifies', async () => {
    const a = await hashPassword('demo1234');
    const b = await hashPassword('demo1234');
    expect(a).to.match(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
    expect(a).to.not.equal(b);
    expect(await verifyPassword('demo1234', a)).to.equal(true);
    expect(await verifyPassword('demo1235', a)).to.equal(false);
    expect(await verifyPassword('', a)).to.equal(false);
  });

  it('verifies with the parameters stored in the hash', async () => {
    const stored = await hashPassword('政府采购');
    const parts = stored.split('$');
    expect(await verifyPassword('政府采购', parts.join('$'))).to.equal(true);
    parts[1] = '1024'; // other N: different key, must not match
    expect(await verifyPassword('政府采购', parts.join('$'))).to.equal(false);
  });

  it('rejects malformed hashes instead of throwing', async () => {
    for (const bad of ['', 'plain', 'scrypt$x$8$1$abc$def', 'bcrypt$2b$10$abcdefghijklmnopqrstuv', 'scrypt$16384$8$1$c2FsdA$aGFzaA']) {
      expect(await verifyPassword('demo1234', bad), bad).to.equal(false);
    }
  });
});
