/**
 * Serves the built browser app from public/ (npm run build:web). app.js/app.css keep fixed names, so they are
 * revalidated on every load (ETag); hashed assets are cached for a year. A browser navigation to any other non-API
 * path without a file extension gets index.html (hash routing needs only "/", but a bookmarked deep path must not
 * 404); a missing file is a 404.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Router } from 'express';

export const PUBLIC_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'public');

export function webRouter(dir: string = PUBLIC_DIR): Router {
  const router = express.Router();
  router.use(
    express.static(dir, {
      index: 'index.html',
      setHeaders(res, file) {
        if (file.includes(`${path.sep}assets${path.sep}`)) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
        else res.setHeader('Cache-Control', 'no-cache');
      },
    }),
  );
  router.get(/^(?!\/api(\/|$)).*/i, (req, res, next) => {
    // Only a browser navigation (Accept names text/html; a script, font or fetch sends */*) to a path without a
    // file extension gets the page: a missing app.js.map, font or favicon must stay a 404, not HTML with 200.
    if (!/\btext\/html\b/.test(req.get('accept') ?? '') || /\.[^/]*$/.test(req.path)) return next();
    const index = path.join(dir, 'index.html');
    if (!fs.existsSync(index)) {
      res.status(503).type('text/plain; charset=utf-8').send('网页端尚未构建：请运行 npm run build:web (the web app is not built: run npm run build:web)\n');
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  return router;
}
