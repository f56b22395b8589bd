import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { armProperties, sentinelYaml } from '../../src/backends/kql/sentinel.js';
import { main } from '../../src/cli/main.js';
import { checkRuleFile, checkRuleText } from '../../src/compile.js';
import { toIsoDuration } from '../../src/rule/duration.js';
import { capture, ruleYaml } from '../helpers.js';
import { buildRules } from '../../src/build/build.js';
import type { Artifact } from '../../src/backends/types.js';

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

  // alertRuleTemplateName: "The Name of the alert rule template used to create this rule"
  // (learn.microsoft.com/azure/templates/microsoft.securityinsights/alertrules). A rule of one's
  // own has none; the rule's id is not a gallery template.
  it('ARM names a gallery template only when the rule says it was made from one', () => {
    const r = checkRuleFile('rules/application_access_token_entra.yaml');
    const own = armProperties(r.rule!, 'KQL');
    expect(own).not.toHaveProperty('alertRuleTemplateName');
    expect(own).not.toHaveProperty('templateVersion');
    const fromTemplate = { ...r.rule!, raw: { ...r.rule!.raw, alertRuleTemplateName: '0a3f4f4f-46ad-4562-acd6-f17730a5aef4', version: '1.0.2' } };
    expect(armProperties(fromTemplate, 'KQL')).toMatchObject({ alertRuleTemplateName: '0a3f4f4f-46ad-4562-acd6-f17730a5aef4', templateVersion: '1.0.2' });
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
    const combinedText = readFileSync(join(out, 'arm', 'combined', 'all-rules.json'), 'utf8');
    const combined = JSON.parse(combinedText) as { resources: unknown[] };
    expect(combined.resources).toHaveLength(rules.length);
    expect(combinedText).toBe(`${JSON.stringify(combined, null, 2)}\n`);
    // Each rule's template holds the same resource as all-rules.json.
    for (const f of readdirSync(join(out, 'arm')).filter((f) => f.endsWith('.json'))) {
      const one = JSON.parse(readFileSync(join(out, 'arm', f), 'utf8')) as { resources: unknown[] };
      expect(combined.resources).toContainEqual(one.resources[0]);
    }
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
    // Nor the folders it would have made for the output.
    expect(await main(['build', join(dir, 'bad.yaml'), '--out', join(dir, 'new', 'deeper', 'dist')], quiet)).toBe(1);
    expect(readdirSync(dir).sort()).toEqual(['bad.yaml', 'dist']);
    rmSync(dir, { recursive: true, force: true });
  });

  it('a front-end error in a later rule fails the build as if no backend had run (no artifacts, no backend diagnostics)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'detc-'));
    writeFileSync(join(dir, 'zz_bad.yaml'), ruleYaml('SigninLogs | where Nope == 1'));
    const rules = readdirSync('rules').filter((f) => f.endsWith('.yaml')).map((f) => `rules/${f}`);
    const good = await buildRules(rules, ['kql', 'aql', 'js'], { skipKusto: true });
    expect(good.diagnostics.map((d) => d.code)).toContain('DTC5003'); // the bundled rules' QRadar notes
    const streamed: Artifact[] = [];
    const result = await buildRules([...rules, join(dir, 'zz_bad.yaml')], ['kql', 'aql', 'js'], { skipKusto: true }, (a) => streamed.push(a));
    expect(result.ok).toBe(false);
    expect(result.diagnostics).toEqual([]);
    expect(result.paths).toEqual([]);
    expect(result.results.map((r) => r.diagnostics.map((d) => d.code))).toEqual([...rules.map(() => []), ['DTC3002']]);
    // The rules before it went through the backends (their artifacts went to the writer, whose folder the CLI discards).
    expect(streamed.length).toBeGreaterThan(0);
    rmSync(dir, { recursive: true, force: true });
  });

  it('two rules with one id, or one file name, are an error naming the other file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'detc-'));
    const text = readFileSync('rules/third_party_integrated_apps.yaml', 'utf8');
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'a.yaml'), text);
    writeFileSync(join(dir, 'b.yaml'), text.replace(/^id: .*$/m, 'id: 00000000-0000-4000-8000-00000000000b'));
    writeFileSync(join(dir, 'sub', 'b.yaml'), text.replace(/^id: .*$/m, 'id: 00000000-0000-4000-8000-00000000000c'));
    writeFileSync(join(dir, 'c.yaml'), text.replace(/^id: (.*)$/m, (_, id: string) => `id: ${id.toUpperCase()}`));
    const files = ['a.yaml', 'b.yaml', 'sub/b.yaml', 'c.yaml'].map((f) => join(dir, f));
    const result = await buildRules(files, ['kql'], { skipKusto: true });
    expect(result.ok).toBe(false);
    const dups = result.diagnostics.filter((d) => d.code === 'DTC1014').map((d) => [d.file, d.message, d.start?.line]);
    expect(dups).toEqual([
      [files[2], `output file kql/b.kql is also used by ${files[1]}`, 1],
      [files[3], expect.stringContaining(files[0]!), text.split('\n').findIndex((l) => l.startsWith('id:')) + 1],
    ]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('a rule that fails in a backend, after other rules were written to the staging folder, leaves nothing either', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'detc-'));
    const out = join(dir, 'dist');
    expect(await main(['build', 'rules', '--out', out], quiet)).toBe(0);
    const before = readdirSync(join(out, 'js')).sort();
    // Binds, but AQL cannot turn an array into rows: an AQL error, made after the bundled rules' artifacts.
    writeFileSync(join(dir, 'zz_no_aql.yaml'), ruleYaml('SigninLogs | mv-expand ConditionalAccessPolicies | project UserPrincipalName'));
    const io = capture();
    expect(await main(['build', 'rules', join(dir, 'zz_no_aql.yaml'), '--out', out], io)).toBe(1);
    expect(io.stderr).toMatch(/zz_no_aql\.yaml:\d+:\d+: error DTC5001/);
    expect(io.stdout).toContain(`nothing was written to ${out}`);
    expect(readdirSync(join(out, 'js')).sort()).toEqual(before);
    expect(readdirSync(dir).sort()).toEqual(['dist', 'zz_no_aql.yaml']); // no staging folder left
    rmSync(dir, { recursive: true, force: true });
  });

  it('an output folder that cannot be made is an error that names it, not a stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'detc-'));
    writeFileSync(join(dir, 'file'), 'in the way');
    const io = capture();
    expect(await main(['build', 'rules/third_party_integrated_apps.yaml', '--no-kusto', '--out', join(dir, 'file', 'dist')], io)).toBe(1);
    expect(io.stderr).toMatch(/^detc build: cannot write the output folder \S+: a file is in the way \((EEXIST|ENOTDIR) \w+ \S+\)\n$/);
    expect(io.stderr).toContain(join(dir, 'file', 'dist'));
    expect(io.stderr).not.toMatch(/\n\s+at /);
    rmSync(dir, { recursive: true, force: true });
  });

  it('streams artifacts to the writer as they are made, the same ones a collected build makes', async () => {
    const rules = readdirSync('rules').filter((f) => f.endsWith('.yaml')).map((f) => `rules/${f}`);
    const collected = await buildRules(rules, ['kql', 'aql', 'js'], { skipKusto: true });
    const streamed: Artifact[] = [];
    const result = await buildRules(rules, ['kql', 'aql', 'js'], { skipKusto: true }, (a) => streamed.push(a));
    expect(result.artifacts).toEqual([]); // none kept
    expect(streamed).toEqual(collected.artifacts);
    expect(result.paths).toEqual(streamed.map((a) => a.path));
    // Rule by rule: the first rule's artifacts of every target come before the second rule's.
    const stems = rules.map((f) => f.replace(/^rules\/|\.yaml$/g, ''));
    const firstOfSecond = result.paths.findIndex((p) => p.includes(stems[1]!));
    const lastOfFirst = result.paths.findLastIndex((p) => p.includes(`/${stems[0]!}.`));
    expect(result.paths.filter((p) => p.includes(`/${stems[0]!}.`)).map((p) => p.split('/')[0])).toEqual(expect.arrayContaining(['kql', 'sentinel', 'arm', 'aql', 'js']));
    expect(lastOfFirst).toBeLessThan(firstOfSecond);
    // What covers all rules comes last.
    expect(result.paths.slice(-2)).toEqual(['arm/combined/all-rules.json', 'aql/report.json']);
  });
});
