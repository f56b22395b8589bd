import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI_SCRIPT } from '../../src/cli/common.js';
import { findConfigFile, readConfigFile } from '../../src/workspace/config.js';
import { ruleYaml } from '../helpers.js';

const root = mkdtempSync(join(tmpdir(), 'detc-config-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const FIXTURES = join(__dirname, 'fixtures', 'tables');

/** Write files under a new folder of the temporary root; the folder's path. */
function project(name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** `line:col message` of a config file's diagnostics. */
function configProblems(text: string, name = 'detc.config.yaml'): string[] {
  const dir = project(`problems-${Math.random().toString(36).slice(2)}`, { [name]: text });
  const r = readConfigFile(join(dir, name));
  expect(r.config).toBeUndefined();
  return r.diagnostics.map((d) => `${d.start!.line}:${d.start!.col} ${d.message}`);
}

describe('finding detc.config.yaml', () => {
  it('from the current folder upwards, .yaml or .yml', () => {
    const dir = project('upwards', { 'detc.config.yaml': 'tables: []\n', 'rules/deep/x.txt': '' });
    expect(findConfigFile(join(dir, 'rules', 'deep'))).toBe(join(dir, 'detc.config.yaml'));
    const yml = project('yml', { 'detc.config.yml': '{}\n', 'rules/x.txt': '' });
    expect(findConfigFile(join(yml, 'rules'))).toBe(join(yml, 'detc.config.yml'));
  });

  it('the nearest one wins', () => {
    const dir = project('nearest', { 'detc.config.yaml': '{}\n', 'inner/detc.config.yaml': '{}\n', 'inner/rules/x.txt': '' });
    expect(findConfigFile(join(dir, 'inner', 'rules'))).toBe(join(dir, 'inner', 'detc.config.yaml'));
  });

  it("stops at a repository's root (a .git folder, or a .git file as in a worktree)", () => {
    const dir = project('repo', { 'detc.config.yaml': '{}\n', 'repo/.git/HEAD': '', 'repo/rules/x.txt': '', 'worktree/.git': 'gitdir: elsewhere\n', 'worktree/rules/x.txt': '' });
    expect(findConfigFile(join(dir, 'repo', 'rules'))).toBeUndefined();
    expect(findConfigFile(join(dir, 'worktree', 'rules'))).toBeUndefined();
    // ...but a config at the repository's root is found.
    writeFileSync(join(dir, 'repo', 'detc.config.yaml'), '{}\n');
    expect(findConfigFile(join(dir, 'repo', 'rules'))).toBe(join(dir, 'repo', 'detc.config.yaml'));
  });
});

describe('reading detc.config.yaml', () => {
  it('resolves paths against the config file, keeps where each is written', () => {
    const dir = project('paths', { 'detc.config.yaml': '# workspace\ntables:\n  - schemas/tables\n  - /abs/t.csv\nqradarMappings: [qradar]\ntargets: [kql, js]\n' });
    const { config, diagnostics } = readConfigFile(join(dir, 'detc.config.yaml'));
    expect(diagnostics).toEqual([]);
    expect(config!.tables.map((t) => [t.path, t.namedAt.start.line, t.namedAt.start.col])).toEqual([[join(dir, 'schemas', 'tables'), 3, 5], ['/abs/t.csv', 4, 5]]);
    expect(config!.qradarMappings.map((p) => p.path)).toEqual([join(dir, 'qradar')]);
    expect(config!.targets).toEqual(['kql', 'js']);
  });

  it('an empty file is an empty config', () => {
    const dir = project('empty', { 'detc.config.yaml': '' });
    expect(readConfigFile(join(dir, 'detc.config.yaml'))).toEqual({ config: { file: join(dir, 'detc.config.yaml'), tables: [], functions: [], watchlists: [], qradarMappings: [], targets: undefined }, diagnostics: [] });
  });

  it('an unknown key is an error at the key, with "did you mean"', () => {
    expect(configProblems('targets: [kql]\ntabels:\n  - t\n')).toEqual(["2:1 unknown key 'tabels' (did you mean 'tables'?); the keys are tables, functions, watchlists, qradarMappings, targets"]);
  });

  it('YAML syntax errors have the line and column', () => {
    const [p] = configProblems('tables:\n  - a\n - b\n');
    expect(p).toMatch(/^3:\d+ syntax error: /);
  });

  // A config or table file is read like a rule file: an alias bomb is refused at its first alias
  // (it threw a ReferenceError out of the command before).
  it('an alias bomb or an alias without its anchor is a diagnostic at the alias, not an exception', () => {
    let bomb = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 8; i++) bomb += `a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]\n`;
    expect(configProblems(bomb)).toEqual(["2:10 YAML syntax error: aliases expand to more than 100 nodes; detc refuses such documents (a YAML alias bomb)"]);
    expect(configProblems('tables: [*t]\n')).toEqual(['1:10 YAML syntax error: alias *t has no anchor &t before it (an anchor must be set before its alias; for a literal asterisk, quote the value)']);
  });

  it('wrong values are errors at the value', () => {
    expect(configProblems('targets: [kql, qradar]\n')).toEqual(['1:16 targets.1 must be one of kql, aql, js, all (got "qradar")']);
    expect(configProblems('tables: rules/tables\n')).toEqual(['1:9 tables must be a list (got a string); one "- item" per line']);
    expect(configProblems('- tables\n')).toEqual(['1:1 the config must be a mapping (got a list); the keys are tables, functions, watchlists, qradarMappings, targets']);
  });
});

describe('the command line in a project with detc.config.yaml', () => {
  const rule = ruleYaml('MyApp_CL\n| where Success_b == false\n| summarize Failures = count() by UserName_s');
  const dir = project('cli', {
    'detc.config.yaml': 'tables:\n  - schemas\ntargets: [kql]\n',
    'rules/myapp.yaml': rule,
    'rules/both.yaml': ruleYaml('MyApp_CL\n| join kind=inner (Contoso_CL | project UserName_s = Account_s) on UserName_s'),
  });
  mkdirSync(join(dir, 'schemas'));
  copyFileSync(join(FIXTURES, 'MyApp_CL.csv'), join(dir, 'schemas', 'MyApp_CL.csv'));
  const detc = (cwd: string, ...args: string[]) => spawnSync(process.execPath, [CLI_SCRIPT, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

  it("finds the config from a subfolder: its tables are known and its targets are the default", () => {
    const r = detc(join(dir, 'rules'), 'check', 'myapp.yaml', '--no-kusto');
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('checked 1 rule: 1 ok, 0 with errors (0 errors, 0 warnings)');
    expect(r.status).toBe(0);
    // targets: [kql] is the default: a build writes KQL only.
    const built = detc(dir, 'build', 'rules/myapp.yaml', '--no-kusto', '--out', join(root, 'cli-out'));
    expect(built.status).toBe(0);
    expect(built.stdout).toMatch(/for kql: /);
  });

  it('--tables adds to the config\'s tables; --no-config ignores the config', () => {
    const without = detc(dir, 'check', 'rules/both.yaml', '--no-kusto');
    expect(without.status).toBe(1);
    expect(without.stderr).toContain("unknown table 'Contoso_CL'");
    const added = detc(dir, 'check', 'rules/both.yaml', '--no-kusto', '--tables', join(FIXTURES, 'Contoso_CL.json'));
    expect(added.stdout).toContain('1 ok, 0 with errors');
    expect(added.status).toBe(0);
    const ignored = detc(dir, 'check', 'rules/myapp.yaml', '--no-kusto', '--no-config', '--target', 'kql');
    expect(ignored.status).toBe(1);
    expect(ignored.stderr).toContain("unknown table 'MyApp_CL'");
  });

  it("the config's qradarMappings are used, relative to the config file", () => {
    // Heartbeat: a table with no bundled mapping, so only the config's file maps it.
    const mapping = 'table: Heartbeat\nsource: events\nlogSourceTypes:\n  - id: 11\n    name: Linux OS\ncolumns:\n  TimeGenerated: { aql: starttime, kind: time }\n  Computer: { aql: hostname }\n  OSType: { aql: \'"OS Type"\' }\n';
    const heartbeatRule = ruleYaml('Heartbeat\n| where OSType == "Linux"\n| project TimeGenerated, Computer');
    const p = project('cli-qradar', { 'detc.config.yaml': 'targets: [aql]\nqradarMappings: [mappings]\n', 'mappings/Heartbeat.yaml': mapping, 'rules/heartbeat.yaml': heartbeatRule });
    const withMapping = detc(join(p, 'rules'), 'check', 'heartbeat.yaml');
    expect(withMapping.stdout + withMapping.stderr).toContain('1 ok, 0 with errors');
    const without = detc(join(p, 'rules'), 'check', 'heartbeat.yaml', '--no-config', '--target', 'aql');
    expect(without.status).toBe(1);
    expect(without.stderr).toContain('table Heartbeat has no QRadar mapping');
  });

  it("the config's functions and watchlists are used, relative to the config file; --functions/--watchlists add more", () => {
    const p = project('cli-functions', {
      'detc.config.yaml': 'targets: [kql, js]\nfunctions: [parsers]\nwatchlists: [watchlists]\n',
      'parsers/FailedSsh.kql': '// alias as FailedSsh\nSyslog\n| where SyslogMessage has "Failed password"\n',
      'watchlists/Servers.csv': 'Computer\nweb1\n',
      'rules/ssh.yaml': ruleYaml("FailedSsh\n| where Computer in ((_GetWatchlist('Servers') | project SearchKey))\n| project Computer", 'tests:\n  - name: a server\n    now: 2025-03-01T12:00:00Z\n    events: [{TimeGenerated: 2025-03-01T11:00:00Z, Computer: web1, SyslogMessage: Failed password for root}, {TimeGenerated: 2025-03-01T11:00:00Z, Computer: pc2, SyslogMessage: Failed password}]\n    expect:\n      rows: [{Computer: web1}]\n'),
    });
    const checked = detc(join(p, 'rules'), 'check', 'ssh.yaml', '--no-kusto');
    expect(checked.stdout + checked.stderr).toContain('1 ok, 0 with errors (0 errors, 0 warnings)');
    const tested = detc(join(p, 'rules'), 'test', 'ssh.yaml');
    expect(tested.stdout + tested.stderr).toContain('1 passed, 0 failed');
    writeFileSync(join(p, 'events.ndjson'), '{"TimeGenerated":"2025-03-01T11:00:00Z","Computer":"web1","SyslogMessage":"Failed password"}\n{"TimeGenerated":"2025-03-01T11:00:00Z","Computer":"pc2","SyslogMessage":"Failed password"}\n');
    const ran = detc(join(p, 'rules'), 'run', 'ssh.yaml', '--events', join(p, 'events.ndjson'), '--format', 'ndjson');
    expect([ran.status, ran.stdout.trim().split('\n').map((l) => JSON.parse(l).rows)]).toEqual([0, [[{ Computer: 'web1' }]]]);
    const without = detc(join(p, 'rules'), 'check', 'ssh.yaml', '--no-kusto', '--no-config', '--target', 'kql');
    expect(without.stderr).toContain("unknown table 'FailedSsh'");
    const added = detc(join(p, 'rules'), 'check', 'ssh.yaml', '--no-kusto', '--no-config', '--target', 'kql', '--functions', join(p, 'parsers'), '--watchlists', join(p, 'watchlists'));
    expect(added.stdout).toContain('1 ok, 0 with errors');
  });

  it('an error in the config stops every command with exit 2 and file:line:col', () => {
    const bad = project('cli-bad', { 'detc.config.yaml': 'tables:\n  - schemas\ntarget: [kql]\n', 'rules/r.yaml': rule });
    for (const command of ['check', 'build', 'test']) {
      const r = detc(bad, command, 'rules/r.yaml');
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(`${join(bad, 'detc.config.yaml')}:3:1: error DTC7001: unknown key 'target' (did you mean 'targets'?)`);
      expect(r.stderr).toContain(`--no-config ignores ${join(bad, 'detc.config.yaml')}`);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    const missing = project('cli-missing', { 'detc.config.yaml': 'tables:\n  - nowhere\n', 'rules/r.yaml': rule });
    const r = detc(missing, 'check', 'rules/r.yaml');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${join(missing, 'detc.config.yaml')}:2:5: error DTC7002: cannot read the table path ${join(missing, 'nowhere')}: ENOENT`);
    const mappings = project('cli-mappings', { 'detc.config.yaml': 'targets: [aql]\nqradarMappings:\n  - qradar/\n', 'rules/r.yaml': rule });
    const m = detc(mappings, 'check', 'rules/r.yaml');
    expect(m.status).toBe(2);
    expect(m.stderr).toContain(`${join(mappings, 'detc.config.yaml')}:3:5: error DTC7001: no such file or folder: ${join(mappings, 'qradar')}`);
  });
});
