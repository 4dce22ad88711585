/**
 * Mocha reporter for CI: spec-style lines on stdout, and a JSON summary written to $CI_SUMMARY_FILE when the
 * run ends ({ passes, failures, pending, tests, durationMs, failed: ["full title: message", …] }).
 * A run that crashes before its end writes no summary, and .ci/run counts that as a failure.
 * Usage: mocha --reporter ./.ci/summary-reporter.cjs   (or `npm test -- --reporter …`)
 */
'use strict';
const fs = require('node:fs');

const color = process.stdout.isTTY ? (code, s) => `\u001b[${code}m${s}\u001b[0m` : (_code, s) => s;

function fullTitle(runnable) {
  const parts = [];
  for (let r = runnable; r; r = r.parent) if (r.title) parts.unshift(r.title);
  return parts.join(' › ');
}

function firstLines(text, n) {
  return String(text || '').split('\n').slice(0, n).join('\n');
}

class SummaryReporter {
  constructor(runner) {
    this.stats = { passes: 0, failures: 0, pending: 0, tests: 0 };
    const failures = [];
    let depth = 0;
    const started = Date.now();
    const indent = () => '  '.repeat(depth);

    runner.on('suite', (suite) => {
      if (suite.root) return;
      depth++;
      process.stdout.write(`${indent()}${suite.title}\n`);
    });
    runner.on('suite end', (suite) => {
      if (!suite.root) depth--;
    });
    runner.on('pass', (test) => {
      this.stats.passes++;
      const ms = test.duration > 100 ? color(33, ` (${test.duration}ms)`) : '';
      process.stdout.write(`${indent()}  ${color(32, '✔')} ${test.title}${ms}\n`);
    });
    runner.on('pending', (test) => {
      this.stats.pending++;
      process.stdout.write(`${indent()}  ${color(36, '-')} ${test.title}\n`);
    });
    runner.on('fail', (runnable, err) => {
      this.stats.failures++;
      failures.push({ title: fullTitle(runnable), err });
      process.stdout.write(`${indent()}  ${color(31, `${failures.length}) ${runnable.title}`)}\n`);
    });
    runner.on('test end', () => {
      this.stats.tests++;
    });
    runner.once('end', () => {
      process.stdout.write(`\n  ${this.stats.passes} passing (${Date.now() - started}ms)\n`);
      if (this.stats.pending) process.stdout.write(`  ${this.stats.pending} pending\n`);
      if (failures.length) {
        process.stdout.write(`  ${failures.length} failing\n\n`);
        failures.forEach((f, i) => {
          process.stdout.write(`  ${i + 1}) ${f.title}:\n`);
          process.stdout.write(`${firstLines(f.err && (f.err.stack || f.err.message), 12).replace(/^/gm, '     ')}\n\n`);
        });
      }
      const file = process.env.CI_SUMMARY_FILE;
      if (file) {
        const summary = {
          ...this.stats,
          durationMs: Date.now() - started,
          failed: failures.map((f) => `${f.title}: ${firstLines(f.err && f.err.message, 1)}`),
        };
        fs.writeFileSync(file, JSON.stringify(summary, null, 2) + '\n');
      }
    });
  }
}

module.exports = SummaryReporter;
