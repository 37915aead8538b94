// Prints one plain closing line ("jest: N passed, N failed, N skipped") that CI reads as the run's verdict.
// Written to stderr when the process is about to end, after jest's own summary (also stderr), so it is
// the last line of the log whether jest returns normally or calls process.exit().
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const line = `jest: ${results.numPassedTests} passed, ${failed} failed, ${skipped} skipped\n`;
    let written = false;
    const write = () => {
      if (written) return;
      written = true;
      process.stderr.write(line);
    };
    process.once('beforeExit', write);
    process.once('exit', write);
  }
}
module.exports = SummaryReporter;
