import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';

/**
 * Tests that run bin/detc.js run build/detc.cjs, which `npm test` builds first (pretest) but
 * `npx vitest run <file>` does not: such a test fails here, saying so, rather than testing stale code.
 */
export function expectFreshBuild(): void {
  let bundle = 0;
  try {
    bundle = statSync('build/detc.cjs').mtimeMs;
  } catch {
    // missing: reported below
  }
  const newer: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      else if (statSync(path).mtimeMs > bundle) newer.push(path);
    }
  };
  walk('src');
  expect(newer, `build/detc.cjs is ${bundle ? 'older than these sources' : 'missing'}: run npm run build`).toEqual([]);
}
