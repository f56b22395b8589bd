import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { capture, ruleYaml } from '../helpers.js';


describe('detc check', () => {
  it('passes the bundled rules with exit code 0', async () => {
    const io = capture();
    expect(await main(['check', 'rules'], io)).toBe(0);
    expect(io.stdout).toMatch(/checked \d+ rules: \d+ ok, 0 with errors/);
  });

  it('prints file:line:col, a code frame and the hint, and exits 1 on errors', async () => {
    const io = capture();
    expect(await main(['check', 'test/fixtures/seed002_as_written.yaml'], io)).toBe(1);
    // Diagnostics on stderr; stdout has the result alone.
    expect(io.stderr).toContain('test/fixtures/seed002_as_written.yaml:57:53: error DTC3006:');
    expect(io.stderr).toContain('57 |       Countries = make_set(tostring(LocationDetails.countryOrRegion), 5)');
    expect(io.stderr).toContain('^^^^^^^^^^^^^^^');
    expect(io.stderr).toContain('hint: use parse_json(LocationDetails).countryOrRegion');
    expect(io.stdout).toBe('checked 1 rule: 0 ok, 1 with errors (1 error, 0 warnings)\n');
  });

  it('--format json gives machine-readable diagnostics', async () => {
    const io = capture();
    expect(await main(['check', '--format', 'json', 'test/fixtures/seed002_as_written.yaml'], io)).toBe(1);
    const out = JSON.parse(io.stdout) as { diagnostics: { code: string; line: number; column: number }[] };
    expect(out.diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([['DTC3006', 57, 53]]);
  });

  it('usage errors exit 2 with a message, not a stack trace', async () => {
    const io = capture();
    expect(await main(['check', '--frobnicate'], io)).toBe(2);
    expect(io.stderr).toBe('detc check: unknown option --frobnicate; detc check --help lists its options\n');
    const io2 = capture();
    expect(await main(['check', 'no/such/path'], io2)).toBe(2);
    expect(io2.stderr).toContain('no such file or folder: no/such/path');
  });
});

describe('a Sentinel rule over a table QRadar has no mapping for', () => {
  const dir = mkdtempSync(join(tmpdir(), 'detc-unmapped-'));
  const rule = join(dir, 'heartbeat.yaml');
  writeFileSync(rule, ruleYaml('Heartbeat | where Computer == "web1" | project Computer, OSType'));

  it('is a warning with the default targets: checked for KQL and JS, not compiled to AQL', async () => {
    const io = capture();
    expect(await main(['check', rule, '--no-kusto'], io)).toBe(0);
    expect(io.stderr).toContain('warning DTC5003: not compiled to QRadar AQL: table Heartbeat has no QRadar mapping');
    expect(io.stderr).toContain('ask for --target aql to make this an error');
    // The result says how to choose targets.
    expect(io.stdout).toBe(
      'checked 1 rule: 1 ok, 0 with errors (0 errors, 1 warning)\n  1 rule not compiled to QRadar AQL (see the warnings): --target kql,js (or targets: in detc.config.yaml) leaves QRadar out; --target aql makes a table without a mapping an error (a rule\'s targets.qradar.skip stays a warning)\n',
    );
  });

  it('is an error when AQL is asked for by name', async () => {
    const io = capture();
    expect(await main(['check', rule, '--no-kusto', '--target', 'aql'], io)).toBe(1);
    expect(io.stderr).toContain('error DTC5001: QRadar AQL: table Heartbeat has no QRadar mapping');
  });
});

describe('check of a folder with a rule that fails the front end', () => {
  it('still checks every other rule in every backend and reports all of them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'detc-check-all-'));
    // Sorted first, so the backends would have stopped before the others.
    writeFileSync(join(dir, 'a_broken.yaml'), ruleYaml('SigninLogs | where NoSuchColumn == 1'));
    writeFileSync(join(dir, 'b_heartbeat.yaml'), ruleYaml('Heartbeat | where Computer == "web1" | project Computer, OSType').replace('11111111-2222-3333-4444-555555555555', '11111111-2222-3333-4444-555555555556'));
    const io = capture();
    expect(await main(['check', '--no-config', '--no-kusto', '--target', 'aql', dir], io)).toBe(1);
    expect(io.stderr).toMatch(/a_broken\.yaml:\d+:\d+: error DTC3\d{3}: .*NoSuchColumn/);
    // The second rule's backend error, which the first rule's error used to hide.
    expect(io.stderr).toMatch(/b_heartbeat\.yaml:\d+:\d+: error DTC5001: QRadar AQL: table Heartbeat has no QRadar mapping/);
    expect(io.stdout).toBe('checked 2 rules: 0 ok, 2 with errors (2 errors, 0 warnings)\n');
  });
});
