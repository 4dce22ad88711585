/**
 * JWT attacks (issue 10): every forged, stale or foreign token is refused with 401 and a JSON error code, on a read
 * and on a write (starting a process instance), and no table changes (the audit trail, which records refusals, aside).
 * Tokens are HS256 with iss/aud/exp pinned (server/auth/tokens.ts); the user row is re-read on every request, so a
 * disabled or deleted user, a changed user name or a bumped token version (revocation) stops old tokens at once.
 */
import crypto from 'node:crypto';
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { defineAuthModels } from '../../server/auth/models.ts';
import { hashPassword } from '../../server/auth/password.ts';
import { DEMO_PASSWORD, TEST_SECRET, bearer, startHarness, type Harness } from '../api/harness.ts';
import { changedTables, digestTables } from './world.ts';

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('security: JWT attacks', function () {
  this.timeout(60_000);
  let h: Harness;
  let purchaserId: number;
  const now = () => Math.floor(h.clock.now().getTime() / 1000);
  /** Claims as the server signs them for the demo purchaser. */
  const claims = (over: Record<string, unknown> = {}) => ({
    sub: String(purchaserId), username: 'purchaser', roles: ['purchaser'], tv: 0, iat: now(), exp: now() + 3600,
    iss: h.config.jwt.issuer, aud: h.config.jwt.audience, ...over,
  });
  const sign = (payload: object, secret: jwt.Secret = TEST_SECRET, opts: jwt.SignOptions = { algorithm: 'HS256' }) => jwt.sign(payload, secret, opts);

  before(async () => {
    h = await startHarness({ deploy: ['api-approval.bpmn'] });
    const { User } = defineAuthModels(h.tdb.db.sequelize);
    purchaserId = (await User.findOne({ where: { username: 'purchaser' } }))!.id;
  });
  after(async () => h?.close());

  /** The token must be refused with 401 and `code` on a read and on a write, and change nothing. */
  async function refused(token: string, code: string | RegExp) {
    const before = await digestTables(h.tdb.db);
    const read = await request(h.app).get('/api/auth/me').set('Authorization', bearer(token));
    const write = await request(h.app).post('/api/processes/api_approval/instances').set('Authorization', bearer(token)).send({});
    for (const res of [read, write]) {
      expect(res.status, JSON.stringify(res.body)).to.equal(401);
      expect(res.body.error.code).to.match(typeof code === 'string' ? new RegExp(`^${code}$`) : code);
      expect(res.body.error.message).to.be.a('string').and.not.empty;
      expect(JSON.stringify(res.body)).to.not.contain(TEST_SECRET);
    }
    expect(changedTables(before, await digestTables(h.tdb.db))).to.deep.equal([]);
  }

  it('the positive control: a token signed like the server signs it is accepted', async () => {
    const res = await request(h.app).get('/api/auth/me').set('Authorization', bearer(sign(claims())));
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
  });

  it('alg none (unsigned, with and without a trailing dot; upper-case NONE)', async () => {
    for (const alg of ['none', 'None', 'NONE']) {
      const unsigned = `${b64({ alg, typ: 'JWT' })}.${b64(claims({ roles: ['process_admin'] }))}`;
      await refused(`${unsigned}.`, 'INVALID_TOKEN');
      await refused(unsigned, /^(INVALID_TOKEN|UNAUTHORIZED|UNAUTHENTICATED)$/);
    }
  });

  it('HS256 signed with a wrong key, an empty-ish key, and the issuer string as key', async () => {
    await refused(sign(claims(), 'not-the-secret-0123456789-abcdefghijkl'), 'INVALID_TOKEN');
    await refused(sign(claims(), 'x'), 'INVALID_TOKEN');
    await refused(sign(claims(), h.config.jwt.issuer), 'INVALID_TOKEN');
  });

  it('algorithm confusion: RS256 / ES256 tokens, and HS384/HS512 with the right secret (the algorithm is pinned)', async () => {
    const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    await refused(sign(claims(), rsa.privateKey.export({ format: 'pem', type: 'pkcs1' }) as string, { algorithm: 'RS256' }), 'INVALID_TOKEN');
    const ec = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await refused(sign(claims(), ec.privateKey.export({ format: 'pem', type: 'sec1' }) as string, { algorithm: 'ES256' }), 'INVALID_TOKEN');
    await refused(sign(claims(), TEST_SECRET, { algorithm: 'HS384' }), 'INVALID_TOKEN');
    await refused(sign(claims(), TEST_SECRET, { algorithm: 'HS512' }), 'INVALID_TOKEN');
    // HS256 keyed with the RSA public key (the classic confusion when a verifier takes the key's type from the token).
    const pub = rsa.publicKey.export({ format: 'pem', type: 'spki' }) as string;
    const forged = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims())}`;
    await refused(`${forged}.${crypto.createHmac('sha256', pub).update(forged).digest('base64url')}`, 'INVALID_TOKEN');
  });

  it('expired, not yet valid, issued far in the future, no exp', async () => {
    await refused(sign(claims({ iat: now() - 7200, exp: now() - 60 })), 'TOKEN_EXPIRED');
    await refused(sign(claims({ nbf: now() + 3600 })), 'INVALID_TOKEN');
    const { exp: _e, ...noExp } = claims();
    await refused(sign(noExp), 'INVALID_TOKEN');
  });

  it('wrong or missing iss / aud', async () => {
    await refused(sign(claims({ iss: 'someone-else' })), 'INVALID_TOKEN');
    await refused(sign(claims({ aud: 'another-api' })), 'INVALID_TOKEN');
    const { iss: _i, aud: _a, ...bare } = claims();
    await refused(sign(bare), 'INVALID_TOKEN');
  });

  it('tampered claims without re-signing: roles, sub, username, tv', async () => {
    const good = sign(claims());
    const [head, , sig] = good.split('.');
    for (const over of [{ roles: ['process_admin', 'supervisor'] }, { sub: String(purchaserId + 1) }, { username: 'process_admin' }, { tv: 5 }]) {
      await refused(`${head}.${b64(claims(over))}.${sig}`, 'INVALID_TOKEN');
    }
    // Malformed: too few parts, garbage, a huge token.
    await refused(`${head}.${sig}`, 'INVALID_TOKEN');
    await refused('a.b.c', 'INVALID_TOKEN');
    await refused(`${head}.${'A'.repeat(8_000)}.${sig}`, 'INVALID_TOKEN');
  });

  it('roles come from the user row, not from a (validly signed) token: a token claiming process_admin gets 403', async () => {
    const res = await request(h.app).get('/api/incidents').set('Authorization', bearer(sign(claims({ roles: ['process_admin'] }))));
    expect(res.status).to.equal(403);
    // A signed token naming another user's id with this user's name is refused (sub and username must agree).
    await refused(sign(claims({ sub: String(purchaserId + 1) })), 'TOKEN_REVOKED');
  });

  it('a disabled user, a deleted user, a renamed user and a bumped token version (revocation) → 401 TOKEN_REVOKED', async () => {
    const { User, Organisation } = defineAuthModels(h.tdb.db.sequelize);
    const org = await Organisation.findOne();
    const mk = async (username: string) => {
      await User.create({ username, displayName: username, passwordHash: await hashPassword(DEMO_PASSWORD), roles: 'purchaser', organisationId: org!.id });
      return h.token(username);
    };
    const disabled = await mk('jwt_disabled');
    const deleted = await mk('jwt_deleted');
    const renamed = await mk('jwt_renamed');
    const revoked = await mk('jwt_revoked');
    for (const t of [disabled, deleted, renamed, revoked]) {
      expect((await request(h.app).get('/api/auth/me').set('Authorization', bearer(t))).status).to.equal(200);
    }
    await User.update({ disabled: true }, { where: { username: 'jwt_disabled' } });
    await User.destroy({ where: { username: 'jwt_deleted' } });
    await User.update({ username: 'jwt_renamed_2' }, { where: { username: 'jwt_renamed' } });
    await User.increment('tokenVersion', { where: { username: 'jwt_revoked' } });
    for (const t of [disabled, deleted, renamed, revoked]) await refused(t, 'TOKEN_REVOKED');
  });

  it('no Bearer scheme, or the token in the wrong header form → 401', async () => {
    const good = sign(claims());
    for (const header of [good, `Basic ${Buffer.from('purchaser:demo1234').toString('base64')}`, `Bearer`, `Bearer ${good} extra`]) {
      const res = await request(h.app).get('/api/auth/me').set('Authorization', header);
      expect(res.status, header.slice(0, 20)).to.equal(401);
      expect(res.body.error.code).to.be.a('string');
    }
  });
});
