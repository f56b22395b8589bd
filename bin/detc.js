#!/usr/bin/env node
// The detc command line. The compiled code is one CommonJS script, build/detc.cjs (npm run build),
// run here through V8's code cache: the bytecode of the functions a command ran is saved after the
// first run and reused, which saves most of the start-up's compile and warm-up time (Node 20 has
// no module compile cache). The cache file is named by a hash of the script, because V8 itself
// only checks the source's length; it is written when missing or rejected (another Node version),
// atomically, and not at all where build/ is read-only.
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { isMainThread } from 'node:worker_threads';

const bundle = fileURLToPath(new URL('../build/detc.cjs', import.meta.url));
const source = readFileSync(bundle, 'utf8');
const cacheFile = `${bundle}.${createHash('sha1').update(source).digest('hex').slice(0, 16)}.v8cache`;
let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  // no cache yet
}
const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: bundle, cachedData });
const module = { exports: {} };
script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, fileURLToPath(new URL('../build/', import.meta.url)));

if (isMainThread) process.exitCode = await module.exports.main(process.argv.slice(2));
else module.exports.threadMain(); // a build thread (src/build/parallel.ts) or a reader thread of `detc run` (src/backends/js/ndjson-parallel.ts)

if (isMainThread && (cachedData === undefined || script.cachedDataRejected)) {
  try {
    const temp = `${cacheFile}.${process.pid}`;
    writeFileSync(temp, script.createCachedData());
    renameSync(temp, cacheFile);
  } catch {
    // read-only install: run without a cache
  }
}
