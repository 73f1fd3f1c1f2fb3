// Jest reporter: writes each project's pass/fail counts, and what failed, to
// tmp/test-results/<project>.json, so a run across many Nx projects can end with one total and
// the list of failures, where a log that keeps only its tail still shows them (print-summary.js).
const { mkdirSync, writeFileSync } = require('node:fs');
const { join, relative } = require('node:path');

const RESULTS_DIR = join(__dirname, '..', '..', 'tmp', 'test-results');
const WORKSPACE = join(__dirname, '..', '..');
/** Lines of each failure message kept, stack frames outside the workspace's code left out: the assertion and where it failed. */
const MESSAGE_LINES = 12;

// Failure messages carry terminal colours; the summary is read in plain logs.
const plain = (text) => text.replace(/\u001b\[[0-9;]*m/g, '');

function failuresOf(results) {
  return results.testResults.flatMap((suite) => {
    const file = relative(WORKSPACE, suite.testFilePath);
    if (suite.testExecError || (suite.failureMessage && suite.numFailingTests === 0)) {
      return [{ file, test: '(the suite did not run)', message: plain(suite.failureMessage ?? String(suite.testExecError?.message ?? '')) }];
    }
    return suite.testResults
      .filter((test) => test.status === 'failed')
      .map((test) => ({ file, test: test.fullName, message: plain(test.failureMessages.join('\n')) }));
  });
}

class SummaryReporter {
  constructor(globalConfig) {
    this.name = globalConfig.rootDir.split(/[\\/]/).slice(-2).join('-');
  }

  onRunComplete(_contexts, results) {
    mkdirSync(RESULTS_DIR, { recursive: true });
    const failures = failuresOf(results).map((failure) => ({
      ...failure,
      message: failure.message
        .split('\n')
        .filter((line) => line.trim() && !/^\s+at .*(node_modules|<anonymous>|node:internal)/.test(line))
        .slice(0, MESSAGE_LINES)
        .join('\n'),
    }));
    writeFileSync(
      join(RESULTS_DIR, `${this.name}.json`),
      JSON.stringify({
        passed: results.numPassedTests,
        failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
        skipped: results.numPendingTests + results.numTodoTests,
        failures,
      }),
    );
  }
}

module.exports = SummaryReporter;
module.exports.RESULTS_DIR = RESULTS_DIR;
