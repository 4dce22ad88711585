import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { CONFIG_VARIABLES, ConfigError, loadConfig, loadDatabaseUrl } from '../../server/config.ts';

describe('config', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'eproc-config-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  const load = (env: Record<string, string>) => loadConfig(env, { dataDir });
  const problem = (env: Record<string, string>): ConfigError => {
    try {
      load(env);
    } catch (err) {
      expect(err).to.be.instanceOf(ConfigError);
      return err as ConfigError;
    }
    throw new Error('expected a ConfigError');
  };

  it('has the documented defaults', () => {
    const c = load({});
    expect(c).to.deep.include({
      port: 3000, host: '0.0.0.0', databaseUrl: 'sqlite:data/eproc.sqlite', demoPassword: 'demo1234', seedDemo: true,
      logLevel: 'info', engine: 'embedded', enginePollMs: 1000, engineHotInstances: 32, processesDir: 'processes', formsDir: 'forms',
    });
    expect(c.jwt).to.deep.include({ issuer: 'fucheng-eproc', audience: 'fucheng-eproc-api', expiresIn: '8h' });
  });

  it('generates a JWT secret once, stores it with mode 0600 and reuses it', () => {
    const a = load({});
    const file = path.join(dataDir, 'jwt-secret');
    expect(a.jwt.secret.length).to.be.at.least(32);
    expect(fs.statSync(file).mode & 0o777).to.equal(0o600);
    expect(load({}).jwt.secret).to.equal(a.jwt.secret);
  });

  it('parses values and names the bad variable', () => {
    expect(load({ PORT: '8080', SEED_DEMO: 'false', ENGINE_POLL_MS: '250' })).to.deep.include({ port: 8080, seedDemo: false, enginePollMs: 250 });
    expect(load({ ENGINE_HOT_INSTANCES: '0' }).engineHotInstances).to.equal(0);
    expect(problem({ ENGINE_HOT_INSTANCES: '-1' }).problems.map((p) => p.variable)).to.deep.equal(['ENGINE_HOT_INSTANCES']);
    expect(problem({ PORT: 'eighty' }).problems.map((p) => p.variable)).to.deep.equal(['PORT']);
    expect(problem({ PORT: '70000' }).message).to.contain('PORT');
    const many = problem({ SEED_DEMO: 'maybe', LOG_LEVEL: 'loud', DATABASE_URL: 'postgres://x' });
    expect(many.problems.map((p) => p.variable)).to.have.members(['SEED_DEMO', 'LOG_LEVEL', 'DATABASE_URL']);
    expect(problem({ JWT_SECRET: 'short' }).problems[0].variable).to.equal('JWT_SECRET');
    expect(problem({ JWT_EXPIRES_IN: 'forever' }).problems[0].variable).to.equal('JWT_EXPIRES_IN');
  });

  it('selects the Zeebe adapter with its addresses and auth, naming each missing or malformed setting', () => {
    const zeebe = { ENGINE: 'zeebe', ZEEBE_GRPC_ADDRESS: 'grpc://camunda:26500', ZEEBE_REST_ADDRESS: 'http://camunda:8080' };
    expect(load(zeebe)).to.deep.include({ engine: 'zeebe', zeebe: { grpcAddress: 'grpc://camunda:26500', restAddress: 'http://camunda:8080', auth: 'none', clientId: undefined, clientSecret: undefined, oauthUrl: undefined, tokenAudience: 'zeebe-api' } });
    expect(load({}).zeebe).to.equal(undefined);
    expect(problem({ ENGINE: 'zeebe' }).problems.map((p) => p.variable)).to.have.members(['ZEEBE_GRPC_ADDRESS', 'ZEEBE_REST_ADDRESS']);
    // Without a scheme the SDK would assume TLS: plaintext must say grpc://.
    expect(problem({ ...zeebe, ZEEBE_GRPC_ADDRESS: 'camunda:26500' }).problems[0].variable).to.equal('ZEEBE_GRPC_ADDRESS');
    expect(problem({ ...zeebe, ZEEBE_REST_ADDRESS: 'camunda:8080' }).problems[0].variable).to.equal('ZEEBE_REST_ADDRESS');
    expect(problem({ ...zeebe, ZEEBE_AUTH: 'oauth' }).problems.map((p) => p.variable)).to.have.members(['ZEEBE_CLIENT_ID', 'ZEEBE_CLIENT_SECRET', 'ZEEBE_OAUTH_URL']);
    expect(problem({ ...zeebe, ZEEBE_AUTH: 'basic' }).problems[0].variable).to.equal('ZEEBE_AUTH');
    const oauth = load({ ...zeebe, ZEEBE_AUTH: 'oauth', ZEEBE_CLIENT_ID: 'eproc', ZEEBE_CLIENT_SECRET: 's3cret', ZEEBE_OAUTH_URL: 'http://keycloak:18080/auth/realms/camunda-platform/protocol/openid-connect/token' });
    expect(oauth.zeebe).to.deep.include({ auth: 'oauth', clientId: 'eproc', clientSecret: 's3cret' });
    expect(problem({ ENGINE: 'activiti' }).problems[0].variable).to.equal('ENGINE');
  });

  it('requires JWT_SECRET in production and does not generate one there', () => {
    expect(problem({ NODE_ENV: 'production' }).problems[0].variable).to.equal('JWT_SECRET');
    expect(fs.existsSync(path.join(dataDir, 'jwt-secret'))).to.equal(false);
    const secret = 'p'.repeat(40);
    expect(load({ NODE_ENV: 'production', JWT_SECRET: secret }).jwt.secret).to.equal(secret);
  });

  it('lists every variable it reads with a default and a description', () => {
    const names = CONFIG_VARIABLES.map((v) => v.name);
    for (const n of ['PORT', 'HOST', 'DATABASE_URL', 'JWT_SECRET', 'JWT_ISSUER', 'JWT_AUDIENCE', 'JWT_EXPIRES_IN', 'DEMO_PASSWORD', 'SEED_DEMO', 'LOG_LEVEL', 'ENGINE', 'ENGINE_POLL_MS', 'PROCESSES_DIR', 'FORMS_DIR']) {
      expect(names).to.include(n);
    }
    for (const v of CONFIG_VARIABLES) expect(v.description, v.name).to.be.a('string').and.not.empty;
    // Variables not in the list are ignored (the list is the whole interface).
    expect(load({ SOMETHING_ELSE: 'x' }).port).to.equal(3000);
  });

  it('loadDatabaseUrl validates DATABASE_URL alone', () => {
    expect(loadDatabaseUrl({})).to.equal('sqlite:data/eproc.sqlite');
    expect(() => loadDatabaseUrl({ DATABASE_URL: 'oracle://x' })).to.throw(ConfigError, /DATABASE_URL/);
  });
});
