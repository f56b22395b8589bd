import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { armProperties, sentinelYaml } from '../../src/backends/kql/sentinel.js';
import { check, locations, ruleYaml } from '../helpers.js';

/**
 * Metadata as real rules in Sentinel's repository write it (issue: 7% of unseen public rules
 * failed to load on these): empty optional keys, `datatypes` in lower case, a data connector
 * without data types, the ICS and PRE-ATT&CK tactics.
 */
const QUERY = 'SigninLogs | where ResultType == "0" | project UserPrincipalName, IPAddress';

describe('metadata Sentinel accepts', () => {
  it('empty optional keys load, each with a warning at the key, and read as absent', () => {
    const text = ruleYaml(QUERY, 'entityMappings:\nrelevantTechniques:\ntactics:\ncustomDetails:\nalertDetailsOverride:\n  alertDisplayNameFormat: Sign-in by {{UserPrincipalName}}\n  alertTacticsColumnName:\n');
    const r = check(text);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(locations(r)).toEqual(['10:1 DTC1017', '11:1 DTC1017', '12:1 DTC1017', '13:1 DTC1017', '16:3 DTC1017']);
    expect(r.diagnostics[4]!.message).toContain("'alertDetailsOverride.alertTacticsColumnName' is empty");
    const rule = r.rule!;
    expect([rule.entityMappings, rule.techniques, rule.tactics, rule.customDetails]).toEqual([[], [], [], {}]);
    // The Sentinel YAML keeps the file's keys as written (empty stays empty); ARM sends no nulls.
    const written = parse(sentinelYaml(rule, QUERY)) as Record<string, unknown>;
    expect(written.entityMappings).toBeNull();
    expect(written.alertDetailsOverride).toEqual({ alertDisplayNameFormat: 'Sign-in by {{UserPrincipalName}}', alertTacticsColumnName: null });
    const arm = armProperties(rule, QUERY);
    expect(arm.alertDetailsOverride).toEqual({ alertDisplayNameFormat: 'Sign-in by {{UserPrincipalName}}' });
    expect(JSON.stringify(arm)).not.toContain('null');
  });

  it('a data connector with `datatypes` or without data types loads', () => {
    const r = check(ruleYaml(QUERY, 'requiredDataConnectors:\n  - connectorId: AzureActiveDirectory\n    datatypes:\n      - SigninLogs\n  - connectorId: Other\n'));
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(locations(r)).toEqual(['12:5 DTC1018']);
    // Written back as the author wrote it.
    expect((parse(sentinelYaml(r.rule!, QUERY)) as { requiredDataConnectors: unknown }).requiredDataConnectors).toEqual([
      { connectorId: 'AzureActiveDirectory', datatypes: ['SigninLogs'] },
      { connectorId: 'Other' },
    ]);
  });

  it('ICS and PRE-ATT&CK tactics load', () => {
    const r = check(ruleYaml(QUERY, 'tactics:\n  - ImpairProcessControl\n  - InhibitResponseFunction\n  - Reconnaissance\n  - ResourceDevelopment\n  - PreAttack\n'));
    expect(r.diagnostics).toEqual([]);
    expect(r.rule!.tactics).toEqual(['ImpairProcessControl', 'InhibitResponseFunction', 'Reconnaissance', 'ResourceDevelopment', 'PreAttack']);
  });

  it('what Sentinel rejects stays an error: an empty required key, an unknown tactic, a connector without an id', () => {
    expect(locations(check(ruleYaml(QUERY).replace('name: test rule', 'name:')))).toEqual(['2:6 DTC1002']);
    expect(check(ruleYaml(QUERY, 'tactics:\n  - Recon\n')).diagnostics.map((d) => d.code)).toEqual(['DTC1002']);
    expect(check(ruleYaml(QUERY, 'requiredDataConnectors:\n  - datatypes: [SigninLogs]\n')).diagnostics.some((d) => d.code === 'DTC1002')).toBe(true);
  });
});
