import { spawn } from 'node:child_process';
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

  it('a build that was killed leaves a staging folder, which the next build into that folder removes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'detc-'));
    const rules = join(dir, 'rules');
    mkdirSync(rules);
    const text = readFileSync('rules/cloud_app_integration_entra_audit.yaml', 'utf8');
    for (let i = 0; i < 300; i++) writeFileSync(join(rules, `r${i}.yaml`), text.replace(/^id: .*$/m, `id: ${String(i).padStart(8, '0')}-0000-4000-8000-000000000000`));
    const out = join(dir, 'dist');
    const build = spawn(process.execPath, ['bin/detc.js', 'build', rules, '--no-kusto', '--out', out], { stdio: 'ignore' });
    const ended = new Promise((r) => build.once('exit', r));
    const staging = () => readdirSync(dir).filter((n) => n.startsWith('dist.tmp-'));
    while (staging().length === 0) await new Promise((r) => setTimeout(r, 5));
    build.kill('SIGKILL');
    await ended;
    expect(staging()).toHaveLength(1);
    // A live build's folder stays (this test's parent process stands in for one).
    mkdirSync(join(dir, `dist.tmp-${process.ppid}-1`));
    writeAtomically(out, [{ path: 'kql/a.kql', content: 'a' }]);
    expect(readdirSync(dir).sort()).toEqual(['dist', `dist.tmp-${process.ppid}-1`, 'rules']);
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

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
