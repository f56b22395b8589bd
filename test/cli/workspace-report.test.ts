/**
 * check/test with --format sarif|junit|json still print their report when an error in the
 * workspace files (a table file here) stops them with exit 2: a CI step that uploads the report
 * shows the error at its line instead of failing on an empty file.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { capture } from '../helpers.js';

describe('a report when the workspace stops the command', () => {
  const dir = mkdtempSync(join(tmpdir(), 'detc-wsreport-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const table = join(dir, 'Bad_CL.json');
  writeFileSync(table, '{"name": "Bad_CL", "columns": {"a": "strin"}}\n');
  const args = (command: string, format: string) => [command, 'rules', '--no-config', ...(command === 'check' ? ['--no-kusto'] : []), '--tables', table, '--format', format];

  it('SARIF: a valid log with the table file error at its file', async () => {
    const io = capture();
    expect(await main(args('check', 'sarif'), io)).toBe(2);
    const log = JSON.parse(io.stdout) as { version: string; runs: { results: { ruleId: string; level: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
    expect(log.version).toBe('2.1.0');
    const results = log.runs[0]!.results;
    expect(results.length).toBeGreaterThan(0);
    expect(results[0]!.level).toBe('error');
    expect(results[0]!.locations[0]!.physicalLocation.artifactLocation.uri).toContain('Bad_CL.json');
    expect(io.stderr).toMatch(/Bad_CL\.json:\d+:\d+: error DTC7/);
  });

  it('JUnit for test and JSON for check; text prints nothing on stdout', async () => {
    const junit = capture();
    expect(await main(args('test', 'junit'), junit)).toBe(2);
    expect(junit.stdout).toMatch(/^<\?xml[\s\S]*<error [\s\S]*Bad_CL\.json/);
    const json = capture();
    expect(await main(args('check', 'json'), json)).toBe(2);
    expect((JSON.parse(json.stdout) as { diagnostics: { code: string }[] }).diagnostics[0]!.code).toMatch(/^DTC7/);
    const text = capture();
    expect(await main(args('check', 'text'), text)).toBe(2);
    expect(text.stdout).toBe('');
  });
});
