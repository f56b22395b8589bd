import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/fast-check-setup.ts'],
    // The corpus and Kusto.Language tests are heavier than unit tests.
    testTimeout: 60_000,
    // Test files share each worker's module graph instead of importing the compiler afresh per file
    // (that import was about 20 s of a 100 s run). No test relies on fresh module state: the suite
    // passed three times this way, once with --sequence.shuffle; 41-46 s instead of 97-117 s.
    isolate: false,
    reporters: ['default', './test/plain-summary-reporter.ts'],
  },
});
