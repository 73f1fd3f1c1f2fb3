// Jest reporter: writes each project's pass/fail counts to tmp/test-results/<project>.json, so a
// run across many Nx projects can end with one total (see print-summary.js).
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const RESULTS_DIR = join(__dirname, '..', '..', 'tmp', 'test-results');

class SummaryReporter {
  constructor(globalConfig) {
    this.name = globalConfig.rootDir.split(/[\\/]/).slice(-2).join('-');
  }

  onRunComplete(_contexts, results) {
    mkdirSync(RESULTS_DIR, { recursive: true });
    writeFileSync(
      join(RESULTS_DIR, `${this.name}.json`),
      JSON.stringify({
        passed: results.numPassedTests,
        failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
        skipped: results.numPendingTests + results.numTodoTests,
      }),
    );
  }
}

module.exports = SummaryReporter;
module.exports.RESULTS_DIR = RESULTS_DIR;
