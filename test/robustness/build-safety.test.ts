import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OUTPUT_MARKER } from '../../src/build/output-folder.js';
import { acquireLock, OutputLockedError, writeAtomically } from '../../src/build/output.js';
import { main } from '../../src/cli/main.js';
import { capture, fileTree, ruleYaml } from '../helpers.js';

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
    let exited = false;
    const ended = new Promise((r) => build.once('exit', r)).then(() => (exited = true));
    const staging = () => readdirSync(dir).filter((n) => n.startsWith('dist.tmp-'));
    // Wait for the staging folder, but not past the build's own end (a build that fails early makes none).
    const giveUp = Date.now() + 20_000;
    while (staging().length === 0 && !exited && Date.now() < giveUp) await new Promise((r) => setTimeout(r, 5));
    expect(exited, 'the build ended before it made its staging folder').toBe(false);
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

const root = process.cwd();
const text = readFileSync('rules/third_party_integrated_apps.yaml', 'utf8');
/** The bundled rule with its own id (rules in one build need distinct ids). */
const ruleWithId = (n: number) => text.replace(/^id: .*$/m, `id: 00000000-0000-4000-8000-${String(n).padStart(12, '0')}`);
const HOW = 'choose another --out or delete it yourself';

describe('detc build --out: only a folder detc wrote, or an empty or missing one, is replaced', () => {
  it("refuses a folder with someone else's files (naming it and saying what to do), and a file; keeps both as they were", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'detc-out-'));
    mkdirSync(join(dir, 'userdir'));
    writeFileSync(join(dir, 'userdir', 'precious.txt'), 'mine');
    writeFileSync(join(dir, 'notes.txt'), 'mine too');
    for (const out of ['userdir', 'notes.txt']) {
      const io = capture();
      expect(await main(['build', 'rules/third_party_integrated_apps.yaml', '--no-kusto', '--out', join(dir, out)], io)).toBe(2);
      expect(io.stderr).toContain(`detc build: will not replace ${join(dir, out)}: `);
      expect(io.stderr).toContain(HOW);
      expect(io.stdout).toBe(''); // refused before compiling
    }
    expect(fileTree(dir)).toEqual({ 'userdir/precious.txt': 'mine', 'notes.txt': 'mine too' });
    rmSync(dir, { recursive: true, force: true });
  });

  it('accepts a missing or empty folder, marks what it writes, and replaces a marked folder on the next build', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'detc-out-'));
    mkdirSync(join(dir, 'empty'));
    for (const out of ['empty', 'missing']) {
      expect(await main(['build', 'rules/third_party_integrated_apps.yaml', '--no-kusto', '--out', join(dir, out)], capture())).toBe(0);
      expect(readFileSync(join(dir, out, OUTPUT_MARKER), 'utf8')).toMatch(/^detc-output 1\n/);
    }
    writeFileSync(join(dir, 'empty', 'kql', 'stale.kql'), 'from an earlier build');
    expect(await main(['build', 'rules/third_party_integrated_apps.yaml', '--no-kusto', '--out', join(dir, 'empty')], capture())).toBe(0);
    expect(fileTree(join(dir, 'empty'))).toEqual(fileTree(join(dir, 'missing')));
    // A marker must be a regular file whose first line says so.
    rmSync(join(dir, 'missing', OUTPUT_MARKER));
    mkdirSync(join(dir, 'missing', OUTPUT_MARKER));
    expect(await main(['build', 'rules/third_party_integrated_apps.yaml', '--no-kusto', '--out', join(dir, 'missing')], capture())).toBe(2);
    writeFileSync(join(dir, 'other'), '');
    mkdirSync(join(dir, 'fake'));
    writeFileSync(join(dir, 'fake', OUTPUT_MARKER), 'not detc\n');
    expect(await main(['build', 'rules/third_party_integrated_apps.yaml', '--no-kusto', '--out', join(dir, 'fake')], capture())).toBe(2);
    rmSync(dir, { recursive: true, force: true });
  });

  it('never writes over the input, the current folder or a folder holding either, even marked or through a symbolic link', () => {
    const base = mkdtempSync(join(tmpdir(), 'detc-project-'));
    const project = join(base, 'project');
    mkdirSync(project);
    mkdirSync(join(project, '.git'));
    writeFileSync(join(project, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    mkdirSync(join(project, 'rules'));
    writeFileSync(join(project, 'rules', 'r.yaml'), ruleWithId(1));
    // Marked as detc's, so only the folders' places stop the build.
    for (const d of ['.', 'rules']) writeFileSync(join(project, d, OUTPUT_MARKER), 'detc-output 1\n');
    const link = join(base, 'link');
    symlinkSync(join(project, 'rules'), link);
    const before = fileTree(project);
    const build = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin/detc.js'), 'build', '--no-kusto', ...args], { cwd: project, encoding: 'utf8' });
    const refusals: [string[], RegExp][] = [
      [['--out', 'rules'], /will not replace rules \(\S+\): it is the rule input 'rules' of this build; choose another --out/],
      [['--out', link], /will not replace \S+link \(\S+rules\): it is the rule input 'rules'/],
      [['rules/r.yaml', '--out', 'rules'], /it holds the rule input 'rules\/r\.yaml'/],
      [['--out', '.'], /will not replace \. \(\S+\): it is the current folder; choose another --out/],
      [['--out', '..'], /will not replace \.\. \(\S+\): it holds the current folder/],
      [['--out', project], /it is the current folder/],
      [['--out', 'rules/dist'], /will not write into rules\/dist \(\S+\): it is inside the input folder rules, and the next build would read its YAML files as rules/],
    ];
    for (const [args, message] of refusals) {
      const r = build(...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect(fileTree(project)).toEqual(before);
    expect(readdirSync(base).sort()).toEqual(['link', 'project']);
    rmSync(base, { recursive: true, force: true });
  }, 60_000);
});

describe('an interrupted output swap', () => {
  // A build replaces its output with two renames: dist -> dist.old-<pid>-<time>, then its staging
  // folder -> dist. What a build killed between them leaves is made here by hand (no process has
  // pid 999999999, so its folders are a dead build's).
  it('is undone by the next build, even one that fails and writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'detc-swap-'));
    const out = join(dir, 'dist');
    expect(await main(['build', 'rules/third_party_integrated_apps.yaml', '--no-kusto', '--out', out], capture())).toBe(0);
    const previous = fileTree(out);
    renameSync(out, `${out}.old-999999999-2`);
    mkdirSync(`${out}.tmp-999999999-1`);
    writeFileSync(`${out}.tmp-999999999-1/partial`, '');
    writeFileSync(join(dir, 'bad.yaml'), ruleYaml('SigninLogs | where Nope == 1'));
    const io = capture();
    expect(await main(['build', join(dir, 'bad.yaml'), '--no-kusto', '--out', out], io)).toBe(1);
    expect(io.stdout).toContain(`nothing was written to ${out}`);
    expect(fileTree(out)).toEqual(previous);
    expect(readdirSync(dir).sort()).toEqual(['bad.yaml', 'dist']);
    rmSync(dir, { recursive: true, force: true });
  });

  it('whose renames were both done (only the removal of the old output was missing) is finished by the next build', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'detc-swap-'));
    const out = join(dir, 'dist');
    expect(await main(['build', 'rules/third_party_integrated_apps.yaml', '--no-kusto', '--out', out], capture())).toBe(0);
    cpSync(out, `${out}.old-999999999-1`, { recursive: true });
    // Beside a folder that is not detc's, an old output is the only copy left: it stays.
    mkdirSync(join(dir, 'mine'));
    writeFileSync(join(dir, 'mine', 'precious.txt'), '');
    cpSync(out, join(dir, 'mine.old-999999999-1'), { recursive: true });
    expect(await main(['build', 'rules/third_party_integrated_apps.yaml', '--no-kusto', '--out', out], capture())).toBe(0);
    expect(await main(['build', 'rules/third_party_integrated_apps.yaml', '--no-kusto', '--out', join(dir, 'mine')], capture())).toBe(2);
    expect(readdirSync(dir).sort()).toEqual(['dist', 'mine', 'mine.old-999999999-1']);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('output file names', () => {
  it('a rule named all-rules.yaml gets its own files beside the combined template; every file reported is written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'detc-names-'));
    mkdirSync(join(dir, 'rules'));
    writeFileSync(join(dir, 'rules', 'all-rules.yaml'), ruleWithId(1));
    writeFileSync(join(dir, 'rules', 'other.yaml'), ruleWithId(2));
    const io = capture();
    expect(await main(['build', join(dir, 'rules'), '--no-kusto', '--out', join(dir, 'dist')], io)).toBe(0);
    const reported = Number(/: (\d+) files in /.exec(io.stdout)?.[1]);
    const written = Object.keys(fileTree(join(dir, 'dist'))).filter((p) => p !== OUTPUT_MARKER);
    expect(written).toHaveLength(reported);
    const resources = (p: string) => (JSON.parse(readFileSync(join(dir, 'dist', p), 'utf8')) as { resources: { name: string }[] }).resources;
    expect(resources('arm/all-rules.json')).toHaveLength(1);
    expect(resources('arm/other.json')).toHaveLength(1);
    expect(resources('arm/combined/all-rules.json')).toEqual([...resources('arm/all-rules.json'), ...resources('arm/other.json')]);
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['A.yaml', 'a.yaml'],
    ['x/r.yaml', 'y/r.yaml'],
    ['caf\u00e9.yaml', 'cafe\u0301.yaml'],
  ])('%s and %s (one file name on some file systems) are an error naming both files, and nothing is written', async (first, second) => {
    const dir = mkdtempSync(join(tmpdir(), 'detc-names-'));
    const files = [first, second].map((f) => join(dir, 'rules', f));
    files.forEach((f, i) => {
      mkdirSync(dirname(f), { recursive: true });
      writeFileSync(f, ruleWithId(i + 1));
    });
    const io = capture();
    expect(await main(['build', ...files, '--no-kusto', '--format', 'json', '--out', join(dir, 'dist')], io)).toBe(1);
    const collisions = (JSON.parse(io.stdout) as { diagnostics: { code: string; file: string; message: string }[] }).diagnostics.filter((d) => d.code === 'DTC1014');
    expect(collisions).toHaveLength(1);
    expect(collisions[0]!.file).toBe(files[1]);
    expect(collisions[0]!.message).toMatch(new RegExp(`^output file kql/\\S+ is also used by ${files[0]!.replace(/[.\\]/g, '\\$&')}$`));
    expect(readdirSync(dir)).toEqual(['rules']);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('threads', () => {
  it('check and build compile on one thread: --workers is for detc run only', async () => {
    for (const command of ['check', 'build']) {
      const io = capture();
      expect(await main([command, 'rules', '--no-kusto', '--workers', '2', '--out', join(tmpdir(), 'never')], io)).toBe(2);
      expect(io.stderr).toContain('unknown option --workers');
    }
  });
});
