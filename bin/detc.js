#!/usr/bin/env node
// The detc command line: the CLI bundled into one script, build/detc.cjs (npm run build), which
// starts faster than the many modules of build/cli/ (scripts/bundle.mjs says by how much).
import module, { createRequire } from 'node:module';
import { isMainThread } from 'node:worker_threads';

// Node 22+ keeps compiled code between runs by itself; Node 20 has no such cache and skips this.
module.enableCompileCache?.();
const cli = createRequire(import.meta.url)('../build/detc.cjs');

if (isMainThread) process.exitCode = await cli.main(process.argv.slice(2));
else cli.threadMain(); // a build thread (src/build/parallel.ts) or a reader thread of `detc run` (src/backends/js/ndjson-parallel.ts)
