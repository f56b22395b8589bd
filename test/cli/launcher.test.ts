// bin/detc.js runs the bundled CLI (build/detc.cjs, made by `npm run build`, which `npm test` runs
// first) through V8's code cache. The cache may only change speed, never what a command does.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const buildDir = join(root, 'build');
const hash = () => createHash('sha1').update(readFileSync(join(buildDir, 'detc.cjs'), 'utf8')).digest('hex').slice(0, 16);
const cacheFile = () => join(buildDir, `detc.cjs.${hash()}.v8cache`);

function detc(...args: string[]): { status: number; output: string } {
  try {
    const output = execFileSync(process.execPath, [join(root, 'bin/detc.js'), ...args], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { status: 0, output };
  } catch (e) {
    const err = e as { status: number; stdout: string; stderr: string };
    return { status: err.status, output: err.stdout + err.stderr };
  }
}

describe('the detc command (bin/detc.js) and its code cache', () => {
  beforeAll(() => {
    expect(existsSync(join(buildDir, 'detc.cjs')), 'build/detc.cjs is missing: run npm run build').toBe(true);
  });

  it('writes the cache on the first run and gives the same results with it, without it and with a corrupt one', () => {
    for (const f of readdirSync(buildDir)) if (f.endsWith('.v8cache')) rmSync(join(buildDir, f));
    const args = ['check', '--no-kusto', 'rules/third_party_integrated_apps.yaml', 'test/fixtures/seed002_as_written.yaml'];
    const first = detc(...args);
    expect(first.status).toBe(1); // seed 002's schema bug, reported as usual
    expect(first.output).toMatch(/seed002_as_written\.yaml:57:53: error DTC3006/);
    expect(first.output).toContain('checked 2 rules');
    expect(existsSync(cacheFile())).toBe(true);

    expect(detc(...args)).toEqual(first);

    // A cache V8 rejects is ignored and replaced.
    const garbage = Buffer.alloc(4096, 7);
    writeFileSync(cacheFile(), garbage);
    expect(detc(...args)).toEqual(first);
    expect(readFileSync(cacheFile()).equals(garbage)).toBe(false);
  });

  it('exits 0 on a valid rule through the cached path', () => {
    const r = detc('check', '--no-kusto', 'rules/application_access_token_entra.yaml');
    expect(r.status).toBe(0);
    expect(r.output).toContain('1 ok, 0 with errors');
  });
});
