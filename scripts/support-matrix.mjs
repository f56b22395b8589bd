#!/usr/bin/env node
/**
 * Writes docs/SUPPORT.md: what detc supports per function and per query operator, generated from
 * the code (src/docs/support-matrix.ts). Run `npm run build` first (`npm run support-matrix` does).
 *
 *   node scripts/support-matrix.mjs [--check]    --check: exit 1 if docs/SUPPORT.md is stale
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'docs', 'SUPPORT.md');
const { supportMatrix } = await import(pathToFileURL(join(root, 'build', 'docs', 'support-matrix.js')).href);
const text = supportMatrix();
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    // missing: stale
  }
  if (current !== text) {
    console.error('docs/SUPPORT.md is stale: run npm run support-matrix');
    process.exit(1);
  }
} else {
  writeFileSync(target, text);
  console.log(`wrote ${target}`);
}
