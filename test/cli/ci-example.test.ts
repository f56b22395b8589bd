// docs/ci.md's workflow (examples/ci/github-actions.yml) run as CI would run it: the install
// step's `npm install --global` and the detc steps, exactly as written, in a copy of a rules repository.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { expectFreshBuild } from './built-cli.js';
import { sarifValidator } from './sarif-schema.js';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, string>;
}

const WORKFLOW = 'examples/ci/github-actions.yml';
const steps = (parse(readFileSync(WORKFLOW, 'utf8')) as { jobs: { detc: { steps: Step[] } } }).jobs.detc.steps;
const detcSteps = steps.filter((s) => s.run?.startsWith('detc '));

describe('the CI example', () => {
  it('checks, tests and builds with detc; uploads the SARIF file the check writes, even when the check fails', () => {
    expect(detcSteps.map((s) => s.run!.trim())).toEqual([
      'detc check rules --format sarif > detc.sarif',
      'detc test rules --format junit > detc-tests.xml',
      'detc build rules --out dist',
    ]);
    const upload = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'))!;
    expect(upload.with!.sarif_file).toBe('detc.sarif');
    expect(upload.if).toBe('always()');
    expect(steps.indexOf(upload)).toBe(steps.indexOf(detcSteps[0]!) + 1);
    expect(readFileSync('docs/ci.md', 'utf8')).toContain(WORKFLOW);
  });

  it("its commands pass in a copy of a rules repository: valid SARIF 2.1.0, a JUnit report of every rule's tests, the build", () => {
    expectFreshBuild();
    const repo = mkdtempSync(join(tmpdir(), 'detc-ci-'));
    // The bundled rules read their sample events from ../examples.
    cpSync('rules', join(repo, 'rules'), { recursive: true });
    cpSync('examples', join(repo, 'examples'), { recursive: true, filter: (f) => !f.startsWith(join('examples', 'ci')) });
    // The install step's last line, as written, puts `detc` on the PATH; $RUNNER_TEMP/detc is this
    // package (the lines before it clone and build it), the global prefix a temporary folder.
    const install = steps.find((s) => s.name === 'Install detc')!.run!.trim().split('\n').at(-1)!;
    expect(install).toBe('npm install --global --no-audit --no-fund "$RUNNER_TEMP/detc"');
    const runnerTemp = join(repo, '.runner');
    mkdirSync(runnerTemp);
    symlinkSync(resolve('.'), join(runnerTemp, 'detc'), 'dir');
    const prefix = join(repo, '.global');
    const installed = spawnSync('sh', ['-e', '-c', install], { cwd: repo, env: { ...process.env, RUNNER_TEMP: runnerTemp, NPM_CONFIG_PREFIX: prefix }, encoding: 'utf8', timeout: 120_000 });
    expect(installed.status, installed.stderr).toBe(0);
    const env = { ...process.env, PATH: `${join(prefix, 'bin')}${delimiter}${process.env.PATH}`, XDG_CACHE_HOME: join(repo, '.cache') };
    for (const step of detcSteps) {
      const r = spawnSync('sh', ['-e', '-c', step.run!], { cwd: repo, env, encoding: 'utf8', timeout: 120_000 });
      expect(r.status, `${step.run}\n${r.stderr}`).toBe(0);
    }
    const validate = sarifValidator();
    const sarif = JSON.parse(readFileSync(join(repo, 'detc.sarif'), 'utf8')) as { runs: { results: { level: string }[] }[] };
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
    expect(sarif.runs[0]!.results.filter((r) => r.level === 'error')).toEqual([]);
    const junit = readFileSync(join(repo, 'detc-tests.xml'), 'utf8');
    expect(junit).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="detc test" tests="\d+" failures="0" errors="0">/);
    expect(junit.match(/<testsuite /g)).toHaveLength(6);
    expect(existsSync(join(repo, 'dist', 'kql'))).toBe(true);
    expect(existsSync(join(repo, 'dist', 'js', 'federation_token_aws.d.mts'))).toBe(true);
  });
});
