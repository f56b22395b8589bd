// bin/detc.js runs the bundled CLI (build/detc.cjs, made by `npm run build`, which `npm test` runs
// first). It writes nothing beside itself, loads Kusto.Language only when KQL is validated, and the
// package ships the code without source maps or cache files.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectFreshBuild } from './built-cli.js';

const root = join(import.meta.dirname, '../..');
const buildDir = join(root, 'build');
const RULE = 'rules/third_party_integrated_apps.yaml';
let dir: string;
let loadedList: string;

beforeAll(() => {
  expectFreshBuild();
  dir = mkdtempSync(join(tmpdir(), 'detc-launcher-'));
  // Preloaded into the CLI's process: at exit, writes the files of every CommonJS module it loaded.
  loadedList = join(dir, 'loaded.json');
  writeFileSync(join(dir, 'record-loaded.cjs'), `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(loadedList)}, JSON.stringify(Object.keys(require.cache))));\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function detc(args: string[], options: { env?: NodeJS.ProcessEnv; nodeArgs?: string[] } = {}): { status: number; output: string } {
  try {
    const output = execFileSync(process.execPath, [...(options.nodeArgs ?? []), join(root, 'bin/detc.js'), ...args], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
    return { status: 0, output };
  } catch (e) {
    const err = e as { status: number; stdout: string; stderr: string };
    return { status: err.status, output: err.stdout + err.stderr };
  }
}

/** The CommonJS modules a run of the CLI loaded. */
function loadedBy(args: string[], env: NodeJS.ProcessEnv = {}): string[] {
  detc(args, { env, nodeArgs: ['--require', join(dir, 'record-loaded.cjs')] });
  return JSON.parse(readFileSync(loadedList, 'utf8')) as string[];
}

describe('the detc command (bin/detc.js)', () => {
  it('checks rules with the usual results and exit codes, and writes no file into build/', () => {
    const before = readdirSync(buildDir).sort();
    const r = detc(['check', '--no-kusto', RULE, 'test/fixtures/seed002_as_written.yaml']);
    expect(r.status).toBe(1); // seed 002's schema bug, reported as usual
    expect(r.output).toMatch(/seed002_as_written\.yaml:57:53: error DTC3006/);
    expect(r.output).toContain('checked 2 rules');
    expect(detc(['check', '--no-kusto', 'rules/application_access_token_entra.yaml'])).toMatchObject({ status: 0 });
    expect(readdirSync(buildDir).sort()).toEqual(before);
  });

  it('loads Kusto.Language only when KQL is validated', () => {
    const kusto = (files: string[]) => files.some((f) => f.includes('@kusto'));
    const withoutKusto = loadedBy(['check', '--no-kusto', RULE]);
    expect(withoutKusto.some((f) => f.endsWith('detc.cjs'))).toBe(true); // the list is the CLI's
    expect(kusto(withoutKusto)).toBe(false);
    // DETC_NO_CACHE: no verdict cached from an earlier run, so the library must load.
    expect(kusto(loadedBy(['check', RULE], { DETC_NO_CACHE: '1' }))).toBe(true);
  });

  it('is packaged without source maps or V8 cache files', () => {
    const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as [{ files: { path: string }[] }];
    const files = pack.files.map((f) => f.path);
    expect(files).toContain('build/detc.cjs');
    expect(files).toContain('build/index.js');
    expect(files).toContain('build/index.d.ts');
    expect(files.filter((f) => f.endsWith('.map') || f.includes('v8cache'))).toEqual([]);
  });
});

describe('bin/detc.js without its bundle', () => {
  it('says to run npm run build (exit 2), without a stack trace', () => {
    // A copy of the launcher in a package folder whose build/ is missing (a fresh clone, or a rebuild in progress).
    const pkg = mkdtempSync(join(tmpdir(), 'detc-unbuilt-'));
    mkdirSync(join(pkg, 'bin'));
    copyFileSync(join(root, 'bin/detc.js'), join(pkg, 'bin/detc.js'));
    writeFileSync(join(pkg, 'package.json'), '{"type": "module"}\n');
    const r = spawnSync(process.execPath, [join(pkg, 'bin/detc.js'), '--version'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^detc: not built \(or being rebuilt\): run `npm run build` in \S+\n$/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    rmSync(pkg, { recursive: true, force: true });
  });
});
