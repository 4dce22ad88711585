/**
 * QA: the SPA fallback answered every missing file with index.html and 200 — a missing script, source map, font
 * or favicon came back as HTML (browsers and caches take it for the file; a stale page's script then fails with
 * a MIME error instead of a 404). Only a browser navigation to a path without a file extension gets index.html.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { expect } from 'chai';
import request from 'supertest';
import { webRouter } from '../../server/web/static.ts';

describe('QA web: static files and the SPA fallback', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'web-static-'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>app</title>');
  fs.writeFileSync(path.join(dir, 'app.js'), 'console.log(1)');
  fs.mkdirSync(path.join(dir, 'assets'));
  fs.writeFileSync(path.join(dir, 'assets', 'font-ABC.woff2'), 'x');
  fs.writeFileSync(path.join(os.tmpdir(), 'web-static-secret.txt'), 'TOP-SECRET-CONTENT');
  const app = express();
  app.use(webRouter(dir));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const browserNav = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

  for (const p of ['/missing.js', '/app.js.map', '/assets/font-OLD.woff2', '/favicon.ico', '/robots.txt']) {
    it(`GET ${p} that does not exist is a 404, not index.html`, async () => {
      for (const accept of ['*/*', browserNav]) {
        const res = await request(app).get(p).set('Accept', accept);
        expect(res.status, accept).to.equal(404);
        expect(res.text ?? '').to.not.contain('<title>app</title>');
      }
    });
  }

  it('a browser navigation to a deep path gets index.html, not cached; so does HEAD', async () => {
    for (const p of ['/', '/inbox', '/registers/suppliers/12']) {
      const res = await request(app).get(p).set('Accept', browserNav);
      expect(res.status, p).to.equal(200);
      expect(res.text).to.contain('<title>app</title>');
      expect(res.headers['cache-control']).to.equal('no-cache');
    }
    expect((await request(app).head('/inbox').set('Accept', browserNav)).status).to.equal(200);
  });

  it('a script or fetch request (Accept */*) to an unknown path is not answered with the page', async () => {
    expect((await request(app).get('/inbox').set('Accept', '*/*')).status).to.equal(404);
    expect((await request(app).get('/inbox').set('Accept', 'application/json')).status).to.equal(404);
  });

  it('serves files, with hashed assets immutable and the rest revalidated; no way out of the folder', async () => {
    const js = await request(app).get('/app.js');
    expect(js.status).to.equal(200);
    expect(js.headers['cache-control']).to.equal('no-cache');
    const font = await request(app).get('/assets/font-ABC.woff2');
    expect(font.headers['cache-control']).to.contain('immutable');
    for (const p of ['/../web-static-secret.txt', '/%2e%2e/web-static-secret.txt', '/..%2fweb-static-secret.txt', '/assets/..%2f..%2fweb-static-secret.txt']) {
      const res = await request(app).get(p).set('Accept', '*/*');
      expect(res.text ?? '', p).to.not.contain('TOP-SECRET-CONTENT');
    }
  });

  it('never answers an /api path with the page', async () => {
    for (const p of ['/api', '/api/', '/api/nope', '/API/nope']) {
      const res = await request(app).get(p).set('Accept', browserNav);
      expect(res.text ?? '', p).to.not.contain('<title>app</title>');
    }
  });
});
