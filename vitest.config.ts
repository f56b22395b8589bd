import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/fast-check-setup.ts'],
    // The corpus and Kusto.Language tests are heavier than unit tests.
    testTimeout: 60_000,
    reporters: ['default', './test/plain-summary-reporter.ts'],
  },
});
