import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { armProperties, sentinelYaml } from '../../src/backends/kql/sentinel.js';
import { main } from '../../src/cli/main.js';
import { checkRuleFile, checkRuleText } from '../../src/compile.js';
import { toIsoDuration } from '../../src/rule/duration.js';
import { ruleYaml } from '../helpers.js';

/**
 * Properties of Microsoft.SecurityInsights/alertRules kind Scheduled, API 2023-02-01 (facts from
 * the published resource type): required ones, and every one the API knows.
 */
const REQUIRED = ['displayName', 'enabled', 'suppressionDuration', 'suppressionEnabled'];
const KNOWN = new Set([
  'alertDetailsOverride', 'alertRuleTemplateName', 'customDetails', 'description', 'displayName', 'enabled', 'entityMappings',
  'eventGroupingSettings', 'incidentConfiguration', 'query', 'queryFrequency', 'queryPeriod', 'severity', 'suppressionDuration',
  'suppressionEnabled', 'tactics', 'techniques', 'templateVersion', 'triggerOperator', 'triggerThreshold',
]);

const quiet = { out: () => {}, err: () => {}, color: false, isTTY: false };

describe('Sentinel artifacts', () => {
  it('ISO-8601 durations', () => {
    expect(toIsoDuration(5 * 60_000)).toBe('PT5M');
    expect(toIsoDuration(3_600_000)).toBe('PT1H');
    expect(toIsoDuration(86_400_000)).toBe('P1D');
    expect(toIsoDuration(14 * 86_400_000)).toBe('P14D');
    expect(toIsoDuration(36 * 3_600_000 + 30 * 60_000)).toBe('P1DT12H30M');
  });

  it.each([['gt', 'GreaterThan'], ['lt', 'LessThan'], ['eq', 'Equal'], ['ne', 'NotEqual'], ['NotEqual', 'NotEqual']])('triggerOperator %s -> %s', (given, arm) => {
    const r = checkRuleText('r.yaml', ruleYaml('SigninLogs').replace('triggerOperator: gt', `triggerOperator: ${given}`));
    expect(armProperties(r.rule!, 'q').triggerOperator).toBe(arm);
  });

  it('ARM properties are what the alertRules schema requires: required present, none unknown', () => {
    const r = checkRuleFile('rules/application_access_token_entra.yaml');
    const props = armProperties(r.rule!, 'KQL');
    for (const k of REQUIRED) expect(props).toHaveProperty(k);
    expect(Object.keys(props).filter((k) => !KNOWN.has(k))).toEqual([]);
    expect(props).toMatchObject({
      displayName: r.rule!.name,
      severity: 'High',
      queryFrequency: 'PT1H',
      queryPeriod: 'P1D',
      triggerOperator: 'GreaterThan',
      triggerThreshold: 0,
      tactics: ['DefenseEvasion', 'LateralMovement'],
      techniques: ['T1550'],
      eventGroupingSettings: { aggregationKind: 'AlertPerResult' },
    });
  });

  it('Sentinel YAML keeps the rule, replaces the query and drops detc keys', () => {
    const r = checkRuleFile('rules/application_access_token_entra.yaml');
    const out = parse(sentinelYaml(r.rule!, 'NEW QUERY\n')) as Record<string, unknown>;
    expect(out.query).toBe('NEW QUERY\n');
    expect(out).not.toHaveProperty('falsePositives');
    expect(out).not.toHaveProperty('tests');
    expect(out.id).toBe(r.rule!.id);
    expect(Object.keys(out)).toEqual(Object.keys(r.rule!.raw).filter((k) => !['falsePositives', 'tests', 'targets'].includes(k)));
    // The output is itself a valid detc rule.
    const again = checkRuleText('again.yaml', sentinelYaml(r.rule!, readFileSync('test/golden/application_access_token_entra.kql', 'utf8')));
    expect(again.diagnostics).toEqual([]);
  });
});

describe('detc build', () => {
  it('writes KQL, Sentinel YAML and ARM per rule plus a combined template', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'detc-'));
    const out = join(dir, 'dist');
    expect(await main(['build', 'rules', '--target', 'kql', '--out', out], quiet)).toBe(0);
    const rules = readdirSync('rules').filter((f) => f.endsWith('.yaml'));
    expect(readdirSync(join(out, 'kql')).sort()).toEqual(rules.map((f) => f.replace('.yaml', '.kql')).sort());
    expect(readdirSync(join(out, 'sentinel')).sort()).toEqual(rules.sort());
    const combined = JSON.parse(readFileSync(join(out, 'arm', 'all-rules.json'), 'utf8')) as { resources: unknown[] };
    expect(combined.resources).toHaveLength(rules.length);
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes nothing when any rule fails, and leaves the previous output intact', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'detc-'));
    const out = join(dir, 'dist');
    expect(await main(['build', 'rules', '--out', out], quiet)).toBe(0);
    const before = readFileSync(join(out, 'kql', 'third_party_integrated_apps.kql'), 'utf8');
    writeFileSync(join(dir, 'bad.yaml'), ruleYaml('SigninLogs | where Nope == 1'));
    expect(await main(['build', 'rules', join(dir, 'bad.yaml'), '--out', out], quiet)).toBe(1);
    expect(readFileSync(join(out, 'kql', 'third_party_integrated_apps.kql'), 'utf8')).toBe(before);
    expect(existsSync(join(out, 'kql', 'bad.kql'))).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(['bad.yaml', 'dist']);
    const fresh = join(dir, 'fresh');
    expect(await main(['build', join(dir, 'bad.yaml'), '--out', fresh], quiet)).toBe(1);
    expect(existsSync(fresh)).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });
});
