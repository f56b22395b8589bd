#!/usr/bin/env node
// The detc command line: the CLI bundled into one script, build/detc.cjs (npm run build), which
// starts faster than the many modules of build/cli/ (scripts/bundle.mjs says by how much).
import module, { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { isMainThread } from 'node:worker_threads';

// Node 22+ keeps compiled code between runs by itself; Node 20 has no such cache and skips this.
module.enableCompileCache?.();
const require = createRequire(import.meta.url);
let cli;
try {
  cli = require('../build/detc.cjs');
} catch (e) {
  if (e?.code !== 'MODULE_NOT_FOUND' || !String(e.message).includes('detc.cjs')) throw e;
  const root = fileURLToPath(new URL('..', import.meta.url));
  process.stderr.write(`detc: not built (or being rebuilt): run \`npm run build\` in ${root}\n`);
  process.exit(2);
}

if (isMainThread) process.exitCode = await cli.main(process.argv.slice(2));
else cli.threadMain(); // a reader thread of `detc run` (src/backends/js/ndjson-parallel.ts)
