/**
 * Builds the browser app: web/main.tsx → public/app.js + public/app.css (esbuild), web/index.html → public/.
 * Fonts and images that libraries' CSS refers to (bpmn-js, properties panel) are copied next to them.
 * Run by `npm start` and `npm test`; `--watch` rebuilds on change while developing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'public');
const watch = process.argv.includes('--watch');
const dev = watch || process.env.NODE_ENV === 'development';

const options: esbuild.BuildOptions = {
  entryPoints: { app: path.join(root, 'web', 'main.tsx') },
  outdir,
  bundle: true,
  format: 'esm',
  // Heavy pages are dynamic imports (web/lazy.tsx): their chunks load on first visit.
  splitting: true,
  chunkNames: 'assets/chunk-[name]-[hash]',
  target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  minify: !dev,
  sourcemap: dev ? 'inline' : false,
  legalComments: 'linked',
  logLevel: 'warning',
  loader: { '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.eot': 'file', '.svg': 'file', '.png': 'file', '.bpmnlintrc': 'json' },
  assetNames: 'assets/[name]-[hash]',
  define: { 'process.env.NODE_ENV': JSON.stringify(dev ? 'development' : 'production') },
};

/** Builds once (used by the browser tests' harness so they always run the current sources). */
export async function buildWeb(): Promise<{ ms: number; bytes: number }> {
  const started = Date.now();
  fs.mkdirSync(outdir, { recursive: true });
  fs.copyFileSync(path.join(root, 'web', 'index.html'), path.join(outdir, 'index.html'));
  await esbuild.build(options);
  return { ms: Date.now() - started, bytes: fs.statSync(path.join(outdir, 'app.js')).size };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (watch) {
    fs.mkdirSync(outdir, { recursive: true });
    fs.copyFileSync(path.join(root, 'web', 'index.html'), path.join(outdir, 'index.html'));
    const ctx = await esbuild.context(options);
    await ctx.watch();
    console.log('watching web/ …');
  } else {
    const { ms, bytes } = await buildWeb();
    console.log(`web app built in ${ms} ms: public/app.js ${(bytes / 1024).toFixed(0)} KB`);
  }
}
