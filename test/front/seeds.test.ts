import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkRuleFile } from '../../src/compile.js';
import { parseQuery } from '../../src/query/parser.js';

describe('the seed detections', () => {
  it('seed 002, as written, parses and reports exactly the LocationDetails schema bug with the fix', () => {
    const r = checkRuleFile('test/fixtures/seed002_as_written.yaml');
    expect(parseQuery(r.rule!.query).problems).toEqual([]);
    expect(r.diagnostics).toHaveLength(1);
    const d = r.diagnostics[0]!;
    expect(d.code).toBe('DTC3006');
    expect(`${d.start!.line}:${d.start!.col}-${d.end!.col}`).toBe('57:53-68');
    const line = readFileSync('test/fixtures/seed002_as_written.yaml', 'utf8').split('\n')[56]!;
    expect(line.slice(d.start!.col - 1, d.end!.col - 1)).toBe('countryOrRegion');
    expect(d.hint).toBe('use parse_json(LocationDetails).countryOrRegion');
  });

  it('seed 002 with parse_json(LocationDetails) binds clean, with the output Kusto would name', () => {
    const r = checkRuleFile('rules/application_access_token_entra.yaml');
    expect(r.diagnostics).toEqual([]);
    expect(r.ir!.body.schema.map((c) => `${c.name}:${c.type}`)).toEqual([
      'TimeGenerated:datetime', 'UserPrincipalName:string', 'TokenUseCount:long', 'UniqueResources:long', 'UniqueApps:long',
      'UniqueIPs:long', 'Resources:dynamic', 'Apps:dynamic', 'SourceIPs:dynamic', 'UserAgents:dynamic', 'Countries:dynamic',
      'RiskIndicator:string',
    ]);
  });

  it('seed 001 (SenservaPro) loads and binds with no diagnostics', () => {
    const r = checkRuleFile('rules/third_party_integrated_apps.yaml');
    expect(r.diagnostics).toEqual([]);
    expect(r.ir!.tables).toEqual(['SenservaPro_CL']);
  });
});

describe('summarize output naming follows Kusto', () => {
  it('names unnamed aggregates and bin() keys', async () => {
    const { check, ruleYaml } = await import('../helpers.js');
    const r = check(ruleYaml('SigninLogs\n| summarize count(), dcount(IPAddress), make_set(AppDisplayName), max(TimeGenerated), countif(ResultType == "0"), count() by bin(TimeGenerated, 1h), UserPrincipalName'));
    expect(r.diagnostics).toEqual([]);
    expect(r.ir!.body.schema.map((c) => c.name)).toEqual(['TimeGenerated', 'UserPrincipalName', 'count_', 'dcount_IPAddress', 'set_AppDisplayName', 'max_TimeGenerated', 'countif_', 'count_1']);
  });
});
