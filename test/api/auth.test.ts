import { expect } from 'chai';
import request from 'supertest';
import jwt from 'jsonwebtoken';
import { defineAuthModels } from '../../server/auth/models.ts';
import { bearer, DEMO_PASSWORD, startHarness, TEST_SECRET, type Harness } from './harness.ts';

const GENERIC = '用户名或密码错误 (invalid user name or password)';

describe('API auth: login, tokens, 401/403', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => h.close());

  const login = (username: string, password: string) =>
    request(h.app).post('/api/auth/login').send({ username, password });
  const models = () => defineAuthModels(h.tdb.db.sequelize);

  /** A token signed like the server's, with overrides, for attack tests. */
  function forge(overrides: Record<string, unknown> = {}, opts: jwt.SignOptions = {}, secret = TEST_SECRET): string {
    const iat = Math.floor(h.clock.now().getTime() / 1000);
    return jwt.sign({ username: 'purchaser', roles: ['purchaser'], tv: 0, iat, ...overrides }, secret, {
      algorithm: 'HS256',
      subject: '1',
      issuer: 'fucheng-eproc',
      audience: 'fucheng-eproc-api',
      expiresIn: '1h',
      ...opts,
    });
  }
  const me = (token: string) => request(h.app).get('/api/auth/me').set('Authorization', bearer(token));

  describe('POST /api/auth/login', () => {
    it('returns a token and the user with roles and organisation', async () => {
      const res = await login('purchaser', DEMO_PASSWORD).expect(200);
      expect(res.body.token).to.be.a('string');
      expect(res.body.user).to.deep.include({ username: 'purchaser', roles: ['purchaser'] });
      expect(res.body.user.displayName).to.be.a('string').and.not.empty;
      expect(res.body.user.organisation).to.deep.include({ name: '涪城区教育局', kind: 'purchaser_unit' });
      expect(res.body.user).to.not.have.property('passwordHash');
      const claims = jwt.verify(res.body.token, TEST_SECRET, { algorithms: ['HS256'], clockTimestamp: Math.floor(h.clock.now().getTime() / 1000) }) as jwt.JwtPayload;
      expect(claims).to.include({ sub: String(res.body.user.id), username: 'purchaser', tv: 0, iss: 'fucheng-eproc', aud: 'fucheng-eproc-api' });
      expect(claims.exp! - claims.iat!).to.equal(8 * 3600);
    });

    it('gives the same 401 for a wrong password and an unknown user', async () => {
      const wrong = await login('dept_approver', 'not-the-password').expect(401);
      const unknown = await login('nobody-here', 'not-the-password').expect(401);
      expect(wrong.body).to.deep.equal({ error: { code: 'INVALID_CREDENTIALS', message: GENERIC, details: [] } });
      expect(unknown.body).to.deep.equal(wrong.body);
    });

    it('refuses a disabled user with 401 and a correct password', async () => {
      const { User } = models();
      await User.update({ disabled: true }, { where: { username: 'expert' } });
      try {
        const res = await login('expert', DEMO_PASSWORD).expect(401);
        expect(res.body.error.code).to.equal('ACCOUNT_DISABLED');
        expect(res.body).to.not.have.property('token');
        const wrong = await login('expert', 'wrong-password').expect(401);
        expect(wrong.body.error.message).to.equal(GENERIC);
      } finally {
        await User.update({ disabled: false }, { where: { username: 'expert' } });
      }
    });

    it('locks an account for 15 minutes after 5 wrong passwords, with the same generic message', async () => {
      for (let i = 0; i < 5; i++) await login('agency', 'wrong-password').expect(401);
      const locked = await login('agency', DEMO_PASSWORD).expect(401);
      expect(locked.body.error.message).to.equal(GENERIC);
      h.clock.advance(16 * 60_000);
      await login('agency', DEMO_PASSWORD).expect(200);
    });

    it('validates the body: missing password, unknown field, wrong type', async () => {
      const res = await request(h.app).post('/api/auth/login').send({ username: 'purchaser', remember: true, extra: 1 }).expect(422);
      expect(res.body.error.code).to.equal('VALIDATION_FAILED');
      const paths = res.body.error.details.map((d: { path: string }) => d.path);
      expect(paths).to.include.members(['password', 'remember', 'extra']);
      const typed = await request(h.app).post('/api/auth/login').send({ username: 42, password: 'x' }).expect(422);
      expect(typed.body.error.details[0].path).to.equal('username');
    });
  });

  describe('GET /api/auth/me and token checks', () => {
    it('returns the calling user', async () => {
      const token = await h.token('finance_section');
      const res = await me(token).expect(200);
      expect(res.body.user).to.deep.include({ username: 'finance_section', roles: ['finance_section'] });
      expect(res.body.roleLabels).to.deep.equal({ finance_section: '财政局政府采购股' });
    });

    it('401 JSON without a token, with a malformed header, or another scheme', async () => {
      const none = await request(h.app).get('/api/auth/me').expect(401);
      expect(none.body.error).to.include({ code: 'UNAUTHORIZED' });
      expect(none.body.error.details).to.deep.equal([]);
      expect(none.headers['www-authenticate']).to.match(/^Bearer/);
      await request(h.app).get('/api/auth/me').set('Authorization', 'Bearer').expect(401);
      const basic = await request(h.app).get('/api/auth/me').set('Authorization', 'Basic cHVyY2hhc2VyOmRlbW8xMjM0').expect(401);
      expect(basic.body.error.code).to.equal('UNAUTHORIZED');
    });

    it('accepts a well-formed forged-by-server token (control for the attacks below)', async () => {
      await me(forge()).expect(200);
    });

    it('rejects alg "none"', async () => {
      const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
      const now = Math.floor(h.clock.now().getTime() / 1000);
      const payload = Buffer.from(
        JSON.stringify({ sub: '1', username: 'purchaser', roles: ['process_admin'], tv: 0, iat: now, exp: now + 3600, iss: 'fucheng-eproc', aud: 'fucheng-eproc-api' }),
      ).toString('base64url');
      const res = await me(`${header}.${payload}.`).expect(401);
      expect(res.body.error.code).to.equal('INVALID_TOKEN');
      await me(`${header}.${payload}`).expect(401);
    });

    it('rejects a token signed with another key or another HMAC algorithm', async () => {
      await me(forge({}, {}, 'another-secret-another-secret-another-secret')).expect(401);
      const hs512 = jwt.sign({ username: 'purchaser', roles: ['purchaser'], tv: 0 }, TEST_SECRET, {
        algorithm: 'HS512', subject: '1', issuer: 'fucheng-eproc', audience: 'fucheng-eproc-api', expiresIn: '1h',
      });
      await me(hs512).expect(401);
    });

    it('rejects an expired token (ManualClock past exp)', async () => {
      const token = await h.token('auditor');
      await me(token).expect(200);
      const saved = h.clock.now();
      h.clock.advance(8 * 3600_000 + 60_000);
      try {
        const res = await me(token).expect(401);
        expect(res.body.error.code).to.equal('TOKEN_EXPIRED');
      } finally {
        h.clock.set(saved);
      }
    });

    it('rejects a tampered payload (roles raised, signature kept)', async () => {
      const token = await h.token('supplier');
      const [head, , sig] = token.split('.');
      const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
      claims.roles = ['process_admin'];
      const tampered = `${head}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${sig}`;
      const res = await me(tampered).expect(401);
      expect(res.body.error.code).to.equal('INVALID_TOKEN');
    });

    it('rejects a wrong audience or issuer, and a token without exp', async () => {
      await me(forge({}, { audience: 'other-api' })).expect(401);
      await me(forge({}, { issuer: 'someone-else' })).expect(401);
      const noExp = jwt.sign({ username: 'purchaser', roles: ['purchaser'], tv: 0 }, TEST_SECRET, {
        algorithm: 'HS256', subject: '1', issuer: 'fucheng-eproc', audience: 'fucheng-eproc-api',
      });
      await me(noExp).expect(401);
    });

    it('rejects a token whose user name does not match the user id', async () => {
      await me(forge({ username: 'process_admin' })).expect(401);
    });

    it('stops the token of a user disabled after it was issued', async () => {
      const { User } = models();
      const res = await login('city_finance', DEMO_PASSWORD).expect(200);
      await me(res.body.token).expect(200);
      await User.update({ disabled: true }, { where: { username: 'city_finance' } });
      try {
        const after = await me(res.body.token).expect(401);
        expect(after.body.error.code).to.equal('TOKEN_REVOKED');
      } finally {
        await User.update({ disabled: false }, { where: { username: 'city_finance' } });
      }
    });

    it('stops old tokens when the token version is bumped', async () => {
      const { User } = models();
      const res = await login('supervisor', DEMO_PASSWORD).expect(200);
      await User.increment('tokenVersion', { where: { username: 'supervisor' } });
      await me(res.body.token).expect(401);
      const fresh = await login('supervisor', DEMO_PASSWORD).expect(200);
      await me(fresh.body.token).expect(200);
    });
  });

  describe('403 JSON', () => {
    it('names the roles a route requires', async () => {
      const token = await h.token('supplier');
      const res = await request(h.app).get('/api/incidents').set('Authorization', bearer(token)).expect(403);
      expect(res.body.error.code).to.equal('FORBIDDEN');
      expect(res.body.error.message).to.contain('process_admin').and.contain('supervisor').and.contain('auditor');
      expect(res.body.error.details.map((d: { reason: string }) => d.reason)).to.deep.equal(['process_admin', 'supervisor', 'auditor']);
    });
  });

  describe('POST /api/auth/logout', () => {
    const logout = (token: string, body: unknown) => request(h.app).post('/api/auth/logout').set('Authorization', bearer(token)).send(body as object);

    it('scope session: this token stops at once (401 TOKEN_REVOKED); another login of the same user keeps working', async () => {
      const a = (await login('auditor', DEMO_PASSWORD)).body.token as string;
      const b = (await login('auditor', DEMO_PASSWORD)).body.token as string;
      expect(jwt.decode(a)).to.have.property('jti').that.is.a('string');
      expect(jwt.decode(a)!.valueOf()).to.not.deep.equal(jwt.decode(b));
      const out = await logout(a, { scope: 'session' });
      expect(out.status, JSON.stringify(out.body)).to.equal(200);
      expect(out.body).to.deep.equal({ revoked: 'session' });
      const again = await me(a);
      expect(again.status).to.equal(401);
      expect(again.body.error.code).to.equal('TOKEN_REVOKED');
      expect((await me(b)).status).to.equal(200);
      // Logging out twice is refused like any revoked token; the row is written once.
      expect((await logout(a, { scope: 'session' })).status).to.equal(401);
      const [rows] = await h.tdb.db.sequelize.query('SELECT COUNT(*) AS n FROM revoked_tokens');
      expect(Number((rows as { n: number }[])[0]!.n)).to.equal(1);
    });

    it('scope everywhere: every token of the user stops; a new login works', async () => {
      const a = (await login('city_finance', DEMO_PASSWORD)).body.token as string;
      const b = (await login('city_finance', DEMO_PASSWORD)).body.token as string;
      expect((await logout(b, { scope: 'everywhere' })).body).to.deep.equal({ revoked: 'everywhere' });
      for (const t of [a, b]) expect((await me(t)).body.error?.code).to.equal('TOKEN_REVOKED');
      const c = (await login('city_finance', DEMO_PASSWORD)).body.token as string;
      expect((await me(c)).status).to.equal(200);
    });

    it('needs a token and a valid scope; a bad body changes nothing (the token still works)', async () => {
      expect((await request(h.app).post('/api/auth/logout').send({ scope: 'session' })).status).to.equal(401);
      const t = (await login('process_admin', DEMO_PASSWORD)).body.token as string;
      for (const body of [{}, { scope: 'all' }, { scope: 'session', extra: 1 }]) {
        const res = await logout(t, body);
        expect(res.status, JSON.stringify(body)).to.equal(422);
        expect(res.body.error.details.map((d: { path: string }) => d.path).join(',')).to.match(/scope|extra/);
      }
      expect((await me(t)).status).to.equal(200);
    });

    it('expired revocations are purged when the next logout is written', async () => {
      const t = (await login('dept_approver', DEMO_PASSWORD)).body.token as string;
      await logout(t, { scope: 'session' });
      const count = async () => Number(((await h.tdb.db.sequelize.query('SELECT COUNT(*) AS n FROM revoked_tokens'))[0] as { n: number }[])[0]!.n);
      const before = await count();
      // Past every token's expiry: the next logout removes the rows that no longer matter.
      h.clock.advance(48 * 3_600_000);
      const u = (await login('finance_section', DEMO_PASSWORD)).body.token as string;
      await logout(u, { scope: 'session' });
      expect(before).to.be.at.least(1);
      expect(await count()).to.equal(1);
    });
  });
});
