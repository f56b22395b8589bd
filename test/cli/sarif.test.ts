import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { artifactUri } from '../../src/cli/sarif.js';
import { capture, ruleYaml } from '../helpers.js';
import { sarifValidator } from './sarif-schema.js';

interface SarifLog {
  version: string;
  runs: {
    tool: { driver: { name: string; version: string; rules: { id: string; name: string; shortDescription: { text: string }; defaultConfiguration: { level: string } }[] } };
    results: { ruleId: string; ruleIndex: number; level: string; message: { text: string }; locations: { physicalLocation: { artifactLocation: { uri: string }; region: Record<string, number> } }[] }[];
  }[];
}

describe('detc check --format sarif', () => {
  const validate = sarifValidator();
  const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

  it('an error: one run by detc, a rule per code, the result at its file (relative URI) and span; valid SARIF 2.1.0', async () => {
    const io = capture();
    expect(await main(['check', '--no-config', '--no-kusto', '--format', 'sarif', 'test/fixtures/seed002_as_written.yaml'], io)).toBe(1);
    const log = JSON.parse(io.stdout) as SarifLog;
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    const { tool, results } = log.runs[0]!;
    expect(tool.driver).toMatchObject({ name: 'detc', version });
    const error = results.find((r) => r.ruleId === 'DTC3006')!;
    expect(error.level).toBe('error');
    expect(error.message.text).toContain('parse_json(LocationDetails).countryOrRegion');
    expect(error.locations[0]!.physicalLocation.artifactLocation.uri).toBe('test/fixtures/seed002_as_written.yaml');
    // The text output underlines 15 characters from 57:53 (`make_set(...)`'s argument): the same span.
    expect(error.locations[0]!.physicalLocation.region).toEqual({ startLine: 57, startColumn: 53, endLine: 57, endColumn: 68 });
    for (const r of results) expect(tool.driver.rules[r.ruleIndex]!.id).toBe(r.ruleId);
    expect(tool.driver.rules.find((r) => r.id === 'DTC3006')).toMatchObject({ name: 'MemberOfNonDynamic', shortDescription: { text: 'Member of non dynamic' } });
    expect(new Set(tool.driver.rules.map((r) => r.id))).toEqual(new Set(results.map((r) => r.ruleId)));
  });

  it('a warning is level warning, and a clean check is a valid log with no results (exit 0)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'detc-sarif-'));
    const rule = join(dir, 'security event.yaml');
    writeFileSync(rule, ruleYaml('Heartbeat | where OSType == "Linux" | project Computer, OSType'));
    const io = capture();
    expect(await main(['check', '--no-config', '--no-kusto', '--format=sarif', rule], io)).toBe(0);
    const log = JSON.parse(io.stdout) as SarifLog;
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    const warning = log.runs[0]!.results.find((r) => r.ruleId === 'DTC5003')!;
    expect(warning.level).toBe('warning');
    expect(log.runs[0]!.tool.driver.rules.find((r) => r.id === 'DTC5003')!.defaultConfiguration.level).toBe('warning');
    expect(warning.locations[0]!.physicalLocation.artifactLocation.uri).toMatch(/security%20event\.yaml$/);

    const clean = capture();
    expect(await main(['check', '--no-config', '--no-kusto', '--target', 'kql', '--format', 'sarif', rule], clean)).toBe(0);
    const empty = JSON.parse(clean.stdout) as SarifLog;
    expect(validate(empty), JSON.stringify(validate.errors)).toBe(true);
    expect(empty.runs[0]!.results).toEqual([]);
  });

  it('the schema check is not vacuous: a run without its tool, a result level outside the enum fail it', () => {
    expect(validate({ version: '2.1.0', runs: [{ results: [] }] })).toBe(false);
    expect(validate({ version: '2.1.0', runs: [{ tool: { driver: { name: 'detc' } }, results: [{ message: { text: 'x' }, level: 'fatal' }] }] })).toBe(false);
    expect(validate({ version: '2.1.0', runs: [{ tool: { driver: { name: 'detc' } }, results: [{ message: { text: 'x' }, level: 'error' }] }] })).toBe(true);
  });

  it('URIs are relative, with / between segments and each segment percent-encoded', () => {
    expect(artifactUri('rules/a b#1.yaml', '/repo')).toBe('rules/a%20b%231.yaml');
    expect(artifactUri('/repo/rules/x.yaml', '/repo')).toBe('rules/x.yaml');
  });

  it('--format sarif is for check only; build names its formats', async () => {
    const io = capture();
    expect(await main(['build', '--no-config', '--format', 'sarif', '--out', join(tmpdir(), 'never')], io)).toBe(2);
    expect(io.stderr).toContain("--format must be text or json, got 'sarif'");
  });
});
