// Prints what summary-reporter.js wrote for every project: each failed test with the start of its
// message, then the total as one line, "Total: N passed, N failed". `--reset` clears earlier
// results before a run.
const { existsSync, readdirSync, readFileSync, rmSync } = require('node:fs');
const { join } = require('node:path');
const { RESULTS_DIR } = require('./summary-reporter');

if (process.argv.includes('--reset')) {
  rmSync(RESULTS_DIR, { recursive: true, force: true });
} else {
  const files = existsSync(RESULTS_DIR) ? readdirSync(RESULTS_DIR).filter((f) => f.endsWith('.json')) : [];
  const total = { passed: 0, failed: 0, skipped: 0, projects: files.length };
  const failures = [];
  for (const file of files) {
    const counts = JSON.parse(readFileSync(join(RESULTS_DIR, file), 'utf8'));
    total.passed += counts.passed;
    total.failed += counts.failed;
    total.skipped += counts.skipped;
    failures.push(...(counts.failures ?? []));
  }
  for (const failure of failures) {
    process.stdout.write(`FAILED ${failure.file}: ${failure.test}\n${failure.message.replace(/^/gm, '    ')}\n`);
  }
  process.stdout.write(`Jest projects: ${total.projects}\n`);
  process.stdout.write(`Total: ${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}\n`);
}
