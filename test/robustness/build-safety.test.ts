import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireLock, OutputLockedError, writeAtomically } from '../../src/build/output.js';

describe('build output', () => {
  it('a failure while writing leaves the previous output intact and no temporary folder behind', () => {
    const dir = mkdtempSync(join(tmpdir(), 'detc-'));
    const out = join(dir, 'dist');
    writeAtomically(out, [{ path: 'kql/a.kql', content: 'old' }]);
    expect(() => writeAtomically(out, [{ path: 'kql/a.kql', content: 'new' }, { path: '../escape.txt', content: 'x' }])).toThrow(/outside the output folder/);
    expect(readFileSync(join(out, 'kql', 'a.kql'), 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['dist']);
    writeAtomically(out, [{ path: 'kql/b.kql', content: 'b' }]);
    expect(readdirSync(join(out, 'kql'))).toEqual(['b.kql']); // exactly the new artifacts
    rmSync(dir, { recursive: true, force: true });
  });

  it('two builds into one folder take turns; a stale lock from a dead process is broken', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'detc-'));
    const out = join(dir, 'dist');
    const release = await acquireLock(out);
    let second = false;
    const waiting = acquireLock(out, 5000).then((r) => {
      second = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 150));
    expect(second).toBe(false);
    release();
    (await waiting)();
    expect(second).toBe(true);
    await expect(acquireLock(out, 0).then((r) => r())).resolves.toBeUndefined();
    const held = await acquireLock(out);
    await expect(acquireLock(out, 100)).rejects.toBeInstanceOf(OutputLockedError);
    held();
    // A lock whose owner is gone.
    mkdirSync(`${out}.lock`);
    writeFileSync(join(`${out}.lock`, 'pid'), '999999999');
    (await acquireLock(out, 1000))();
    expect(existsSync(`${out}.lock`)).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });
});
