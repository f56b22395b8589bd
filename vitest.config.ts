import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Test files that start processes or threads (bin/detc.js, reader threads, scripts) and the
 * corpus-wide checks over ../shared: their own suites, which `npm test` (and so CI) runs with the
 * unit suite. `npx vitest run --project unit` is the quick loop while working; tests that spawn
 * bin/detc.js check first that the bundle is not older than src/ (test/cli/built-cli.ts).
 */
const PROCESSES = [
  'test/cli/cache.test.ts',
  'test/cli/ci-example.test.ts',
  'test/cli/evaluate.test.ts',
  'test/cli/launcher.test.ts',
  'test/js/ndjson-parallel.test.ts',
  'test/kql/kusto-cache.test.ts',
  'test/robustness/build-safety.test.ts',
  'test/workspace/built-in-tables.test.ts',
  'test/workspace/config.test.ts',
];
const CORPUS = [
  'test/aql/corpus.test.ts',
  'test/front/corpus.test.ts',
  'test/functions/corpus-coverage.test.ts',
  'test/functions/shared-workspace.test.ts',
  'test/kql/emit.test.ts',
  'test/operators/bag-unpack-corpus.test.ts',
];

export default defineConfig({
  test: {
    setupFiles: ['test/fast-check-setup.ts'],
    // The corpus and Kusto.Language tests are heavier than unit tests.
    testTimeout: 60_000,
    // Test files share each worker's module graph instead of importing the compiler afresh per file
    // (that import was about 20 s of a 100 s run). No test relies on fresh module state: the suite
    // passed three times this way, once with --sequence.shuffle; 41-46 s instead of 97-117 s.
    isolate: false,
    // Vitest's default leaves one core free, so a 2-core machine ran one file at a time (70 s
    // quiet); two workers there take 50 s. More cores: one worker each, less one.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    reporters: ['default', './test/plain-summary-reporter.ts'],
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: [...PROCESSES, ...CORPUS] } },
      { extends: true, test: { name: 'processes', include: PROCESSES } },
      { extends: true, test: { name: 'corpus', include: CORPUS } },
    ],
  },
});
