/**
 * docker-compose.yml, checked without Docker: `docker compose config` cannot run here (the docker CLI on this
 * machine has no compose plugin), so the file is interpolated like Compose does (${VAR:-default}, $$) and
 * validated against the Compose Specification's JSON schema (fixtures/compose-spec.json, from
 * github.com/compose-spec/compose-spec schema/compose-spec.json, Apache-2.0), then checked for what this system
 * needs: references resolve, every service has a health check and waits for healthy dependencies, Camunda is an
 * exact 8.8 version, and the app's environment passes the app's own configuration check with ENGINE=zeebe.
 * This does not prove the containers start; `docker compose up` against real images does.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { parse } from 'yaml';
import { Ajv } from 'ajv';
import { loadConfig } from '../../server/config.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');

/* eslint-disable @typescript-eslint/no-explicit-any */
function interpolate(value: unknown, env: Record<string, string>): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(:?-([^}]*))?\}/g, (m, name: string | undefined, op: string | undefined, dflt: string | undefined) => {
      if (m === '$$') return '$';
      const v = env[name!];
      if (op?.startsWith(':')) return v ? v : (dflt ?? '');
      return v ?? dflt ?? '';
    });
  }
  if (Array.isArray(value)) return value.map((v) => interpolate(v, env));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, env)]));
  return value;
}

function environment(service: any): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) return Object.fromEntries(env.map((e: string) => [e.split('=')[0], e.split('=').slice(1).join('=')]));
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v ?? '')]));
}

describe('docker-compose.yml (distributed mode)', () => {
  const raw = parse(fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'));
  const doc = interpolate(raw, {}) as any;

  it('is valid against the Compose Specification schema', () => {
    const schema = JSON.parse(fs.readFileSync(path.join(here, 'fixtures', 'compose-spec.json'), 'utf8'));
    delete schema.$schema; // draft-07, Ajv's default; the file names it by an https URL Ajv does not know
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validate = ajv.compile(schema);
    const ok = validate(doc);
    expect(ok, JSON.stringify(validate.errors, null, 2)).to.equal(true);
    // The check has teeth: a misspelt key or a wrong type is refused.
    expect(validate({ ...doc, services: { ...doc.services, app: { ...doc.services.app, healthcheck: { test: 42 } } } })).to.equal(false);
    expect(validate({ ...doc, services: { ...doc.services, app: { ...doc.services.app, depends_om: ['mysql'] } } })).to.equal(false);
  });

  it('runs MySQL 8, Camunda 8.8 with its secondary storage, and the app on ENGINE=zeebe, each with a health check and a volume', () => {
    expect(Object.keys(doc.services).sort()).to.deep.equal(['app', 'camunda', 'elasticsearch', 'mysql']);
    expect(doc.services.mysql.image).to.match(/^mysql:8\./);
    expect(doc.services.camunda.image).to.match(/^camunda\/camunda:8\.8\.\d+$/);
    for (const [name, s] of Object.entries<any>(doc.services)) {
      expect(s.healthcheck?.test, `${name} health check`).to.be.an('array').that.is.not.empty;
      for (const v of s.volumes ?? []) expect(Object.keys(doc.volumes), `${name} volume ${v}`).to.include(String(v).split(':')[0]);
      for (const [dep, cond] of Object.entries<any>(s.depends_on ?? {})) {
        expect(Object.keys(doc.services)).to.include(dep);
        expect(cond.condition, `${name} waits for ${dep}`).to.equal('service_healthy');
      }
    }
    expect(doc.services.app.depends_on).to.have.keys('mysql', 'camunda');
    const camunda = environment(doc.services.camunda);
    expect(camunda.CAMUNDA_DATA_SECONDARYSTORAGE_ELASTICSEARCH_URL).to.equal('http://elasticsearch:9200');
    expect(camunda.CAMUNDA_SECURITY_AUTHENTICATION_UNPROTECTEDAPI).to.equal('true');
  });

  it('gives the app an environment its own configuration check accepts, pointing at the camunda service', () => {
    const env = environment(doc.services.app);
    const config = loadConfig({ ...env, JWT_SECRET: 'x'.repeat(40) });
    expect(config.engine).to.equal('zeebe');
    expect(config.zeebe).to.include({ grpcAddress: 'grpc://camunda:26500', restAddress: 'http://camunda:8080', auth: 'none' });
    expect(config.databaseUrl).to.match(/^mysql:\/\/eproc:.+@mysql:3306\/eproc$/);
  });
});
