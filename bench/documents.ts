/**
 * npm run bench:documents — the 20 standard templates rendered from their samples, in one process:
 *   (a) baseline: a bare Handlebars render of a trivial template (one escaped value), the floor of any render;
 *   (b) HTML: renderDocument for each template (schema validation + template + A4 wrapper + SHA-256): documents/s,
 *       and the time for "the 20 documents of one project" together, after warm-up (goal: < 50 ms);
 *   (c) DOCX per document (docx library) and (d) PDF per document (the shared headless Chromium).
 * Environment: BENCH_ROUNDS (default 50) rounds of the 20 HTML documents; BENCH_PDF=0 skips PDF (e.g. no Chromium).
 * The last line, `BENCH_JSON {…}`, is machine-readable.
 */
import { performance } from 'node:perf_hooks';
import Handlebars from 'handlebars';
import { listTemplates, findTemplate } from '../server/documents/catalogue.ts';
import { htmlToDocx } from '../server/documents/docx.ts';
import { closePdfBrowser, htmlToPdf } from '../server/documents/pdf.ts';
import { renderDocument } from '../server/documents/render.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 50);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error(`BENCH_ROUNDS must be a positive integer (got "${process.env.BENCH_ROUNDS}")`);
const WITH_PDF = process.env.BENCH_PDF !== '0';
process.setSourceMapsEnabled(false);

const templates = listTemplates().map((t) => ({ id: t.id, sample: findTemplate(t.id)!.sample }));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x: number) => `${x.toFixed(2)} ms`;

// (a) baseline
const trivial = Handlebars.create().compile('<p>{{name}}</p>');
for (let i = 0; i < 2000; i++) trivial({ name: '涪城区' });
let t0 = performance.now();
const BASE_N = 20_000;
for (let i = 0; i < BASE_N; i++) trivial({ name: `涪城区<${i}>` });
const baselineMs = (performance.now() - t0) / BASE_N;

// (b) HTML: warm up (first compile of helpers, ajv code paths), then measure rounds of all 20.
for (let r = 0; r < 3; r++) for (const t of templates) renderDocument(t.id, t.sample);
const roundMs: number[] = [];
const perTemplate = new Map<string, number[]>(templates.map((t) => [t.id, []]));
let bytes = 0;
for (let r = 0; r < ROUNDS; r++) {
  const start = performance.now();
  for (const t of templates) {
    const s = performance.now();
    bytes += renderDocument(t.id, t.sample).html.length;
    perTemplate.get(t.id)!.push(performance.now() - s);
  }
  roundMs.push(performance.now() - start);
}
const totalHtmlMs = roundMs.reduce((a, b) => a + b, 0);
const htmlPerSecond = (ROUNDS * templates.length) / (totalHtmlMs / 1000);
const htmlMedianMs = totalHtmlMs / (ROUNDS * templates.length);
const projectMedianMs = median(roundMs);

// (c) DOCX
const htmls = templates.map((t) => ({ id: t.id, html: renderDocument(t.id, t.sample).html }));
await htmlToDocx(htmls[0].html, 'warm-up');
t0 = performance.now();
for (const h of htmls) await htmlToDocx(h.html, h.id);
const docxMs = (performance.now() - t0) / htmls.length;

// (d) PDF
let pdfMs: number | null = null;
let pdfFirstMs: number | null = null;
if (WITH_PDF) {
  t0 = performance.now();
  await htmlToPdf(htmls[0].html);
  pdfFirstMs = performance.now() - t0;
  t0 = performance.now();
  for (const h of htmls) await htmlToPdf(h.html);
  pdfMs = (performance.now() - t0) / htmls.length;
  await closePdfBrowser();
}

console.log(`baseline (bare Handlebars, trivial template): ${(baselineMs * 1000).toFixed(2)} µs per render`);
console.log(`HTML, 20 templates × ${ROUNDS} rounds: ${htmlPerSecond.toFixed(0)} documents/s, ${ms(htmlMedianMs)} per document (${(htmlMedianMs / baselineMs).toFixed(0)}× the baseline), ${(bytes / ROUNDS / 1024).toFixed(0)} KB per round`);
console.log(`the 20 documents of one project: median ${ms(projectMedianMs)} per round (goal < 50 ms: ${projectMedianMs < 50 ? 'met' : 'NOT met'})`);
const slowest = [...perTemplate].map(([id, xs]) => [id, median(xs)] as const).sort((a, b) => b[1] - a[1]).slice(0, 3);
console.log(`slowest templates (median): ${slowest.map(([id, x]) => `${id} ${ms(x)}`).join(', ')}`);
console.log(`DOCX: ${ms(docxMs)} per document (${(docxMs / htmlMedianMs).toFixed(1)}× HTML)`);
if (pdfMs !== null) console.log(`PDF (shared Chromium): ${ms(pdfMs)} per document (${(pdfMs / htmlMedianMs).toFixed(0)}× HTML); first, incl. browser launch: ${ms(pdfFirstMs!)}`);
else console.log('PDF: skipped (BENCH_PDF=0)');
console.log(
  `BENCH_JSON ${JSON.stringify({
    baselineUs: +(baselineMs * 1000).toFixed(3),
    htmlPerSecond: Math.round(htmlPerSecond),
    htmlMsPerDocument: +htmlMedianMs.toFixed(3),
    htmlRatioToBaseline: Math.round(htmlMedianMs / baselineMs),
    projectOf20Ms: +projectMedianMs.toFixed(2),
    goalMet: projectMedianMs < 50,
    docxMsPerDocument: +docxMs.toFixed(2),
    pdfMsPerDocument: pdfMs === null ? null : +pdfMs.toFixed(1),
  })}`,
);
