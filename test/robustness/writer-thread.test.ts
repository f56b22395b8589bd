import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildRules, TARGETS } from '../../src/build/build.js';
import { OutputError, StagedOutput, writeAtomically } from '../../src/build/output.js';
import { WriterThread } from '../../src/build/writer-thread.js';
import { CLI_SCRIPT } from '../../src/cli/common.js';
import { findRuleFiles } from '../../src/compile.js';
import { fileTree as tree, replicateRules } from '../helpers.js';
import { WRITER_THREAD_MIN_RULES } from '../../src/cli/main.js';

// Large builds write their artifacts on a thread of their own (src/build/writer-thread.ts). What
// it writes must be exactly what the build's own thread writes, a failure must end the build as
// one on the build's thread does (same error, nothing left behind), and a thread that falls
// behind must make the build wait rather than queue without bound.

/** A build of `files` into `out` through StagedOutput, as the CLI writes it. */
async function stagedBuild(files: string[], out: string, writerScript?: string): Promise<void> {
  const staged = new StagedOutput(out, { writerScript });
  try {
    const result = await buildRules(files, TARGETS, { skipKusto: true }, (a) => staged.write(a));
    expect(result.ok).toBe(true);
    await staged.written();
    staged.commit();
  } finally {
    await staged.discard();
  }
}

describe('the writer thread', () => {
  it('writes the same files, byte for byte, as the build thread writing them itself', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'detc-writer-'));
    mkdirSync(join(dir, 'rules'));
    replicateRules(join(dir, 'rules'), 3);
    const { files } = findRuleFiles([join(dir, 'rules')]);
    await stagedBuild(files, join(dir, 'direct'));
    await stagedBuild(files, join(dir, 'thread'), CLI_SCRIPT);
    const direct = tree(join(dir, 'direct'));
    expect(Object.keys(direct).length).toBeGreaterThan(18 * 4);
    expect(tree(join(dir, 'thread'))).toEqual(direct);
    expect(readdirSync(dir).sort()).toEqual(['direct', 'rules', 'thread']); // no staging folder left
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('a failure on the thread fails the build with the same error, leaving the previous output and nothing else', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'detc-writer-'));
    const out = join(dir, 'dist');
    writeAtomically(out, [{ path: 'kql/a.kql', content: 'old' }]);
    // `kql` as a file, then a file inside it: the folder cannot be made.
    const artifacts = [
      { path: 'kql', content: 'x' },
      { path: 'kql/b.kql', content: 'y' },
    ];
    let onThisThread: unknown;
    try {
      writeAtomically(out, artifacts);
    } catch (e) {
      onThisThread = e;
    }
    expect(onThisThread).toBeInstanceOf(OutputError);
    const staged = new StagedOutput(out, { writerScript: CLI_SCRIPT });
    let onTheThread: unknown;
    try {
      for (const a of artifacts) await staged.write(a);
      await staged.written();
    } catch (e) {
      onTheThread = e;
    } finally {
      await staged.discard();
    }
    expect(onTheThread).toBeInstanceOf(OutputError);
    expect((onTheThread as Error).message).toMatch(/^cannot write the output folder .*dist: a file is in the way \(E(EXIST|NOTDIR) mkdir /);
    // The staging folder's name differs between the two builds; the rest of the message does not.
    const general = (e: unknown) => (e as Error).message.replace(/dist\.tmp-\d+-\d+/, 'STAGING');
    expect(general(onTheThread)).toBe(general(onThisThread));
    expect(readdirSync(dir)).toEqual(['dist']);
    expect(tree(out)).toEqual({ 'kql/a.kql': 'old' });
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('makes the build wait when too much is queued, then writes everything', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'detc-writer-'));
    const writer = new WriterThread(CLI_SCRIPT, dir, 10_000);
    let waits = 0;
    for (let i = 0; i < 200; i++) {
      const wait = writer.write(join(dir, `f${i}.txt`), `${i}`.padEnd(1000, '.'));
      if (wait) {
        waits++;
        await wait;
      }
    }
    await writer.finish();
    expect(waits).toBeGreaterThan(0);
    expect(readdirSync(dir)).toHaveLength(200);
    expect(readFileSync(join(dir, 'f199.txt'), 'utf8')).toBe('199'.padEnd(1000, '.'));
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('detc build of enough rules to write on the thread writes what the library writes on one thread, with or without build threads', () => {
    const dir = mkdtempSync(join(tmpdir(), 'detc-writer-'));
    mkdirSync(join(dir, 'rules'));
    const copies = Math.ceil(WRITER_THREAD_MIN_RULES / 6); // six bundled rules
    replicateRules(join(dir, 'rules'), copies);
    const built = spawnSync(process.execPath, ['bin/detc.js', 'build', join(dir, 'rules'), '--no-kusto', '--out', join(dir, 'cli')], { encoding: 'utf8' });
    expect(built.stderr).toBe('');
    expect(built.status).toBe(0);
    expect(built.stdout).toContain(`built ${copies * 6} rules`);
    // In the CLI's order of files (all-rules.json lists the rules in it).
    return stagedBuild(findRuleFiles([join(dir, 'rules')]).files, join(dir, 'library')).then(() => {
      const cli = tree(join(dir, 'cli'));
      expect(cli).toEqual(tree(join(dir, 'library')));
      // With build threads as well (they write their own rules' files; the writer thread this one's).
      const threaded = spawnSync(process.execPath, ['bin/detc.js', 'build', join(dir, 'rules'), '--no-kusto', '--workers', '2', '--out', join(dir, 'threads')], { encoding: 'utf8' });
      expect(threaded.status).toBe(0);
      expect(tree(join(dir, 'threads'))).toEqual(cli);
      rmSync(dir, { recursive: true, force: true });
    });
  }, 60_000);
});
