// Prints one plain closing line ("jest: N passed, N failed, N skipped") that CI reads as the run's verdict.
// On stderr, after jest's own summary (also stderr), so it stays the last line in a combined log.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    process.stderr.write(`jest: ${results.numPassedTests} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
module.exports = SummaryReporter;
