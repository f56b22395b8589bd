/**
 * Ends the test output with the plain line `N passed, N failed` (plus `, N skipped`), which any CI
 * reading test output understands, after vitest's own report. A test file that failed without a
 * failing test (it did not compile or load) counts as one failure: "0 failed" must not hide it.
 */
import type { Reporter, TestModule } from 'vitest/node';

export default class PlainSummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    let brokenFiles = 0;
    for (const m of testModules) {
      let failedHere = 0;
      for (const t of m.children.allTests()) {
        const state = t.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failedHere++;
        else skipped++;
      }
      failed += failedHere;
      if (failedHere === 0 && m.state() === 'failed') brokenFiles++;
    }
    const files = brokenFiles ? ` (${brokenFiles} test file${brokenFiles > 1 ? 's' : ''} failed to run)` : '';
    process.stdout.write(`\n${passed} passed, ${failed + brokenFiles} failed${files}${skipped ? `, ${skipped} skipped` : ''}\n`);
  }
}
