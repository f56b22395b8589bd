// The rule JSON Schema is what an editor checks a rule with (yaml-language-server): it must reject
// what the loader rejects, and the loader's messages for it come from one translation of its errors.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { parseRuleDuration } from '../../src/rule/duration.js';
import { schemaPath } from '../../src/schema-validators.js';
import { readConfigFile } from '../../src/workspace/config.js';
import { capture, check, locations, ruleYaml } from '../helpers.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';

/** The schema file as an editor reads it: plain ajv, none of detc's code. */
const editor = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(schemaPath('rule'), 'utf8')));
const QUERY = 'SigninLogs | where ResultType == "0" | project UserPrincipalName';
const rule = (extra = '') => parse(ruleYaml(QUERY, extra)) as Record<string, unknown>;

describe('the schema rejects what the loader rejects', () => {
  it('durations: the schema accepts exactly the values the loader reads (5m, 1h, 1d, hh:mm:ss, d.hh:mm:ss)', () => {
    const samples = ['5m', '1h', '14d', '1H', ' 2h ', '01:00:00', '1.00:00:00', '5 mins', '5', '1w', 'PT1H', '1h30m', '00:60:00', '1:2:3', '', '-5m'];
    for (const v of samples) {
      const r = rule();
      r.queryFrequency = v;
      r.queryPeriod = '1d';
      expect(editor(r), `schema on '${v}'`).toBe(parseRuleDuration(v) !== undefined);
    }
  });

  it("'5 mins' is one error at the value, with the duration forms", () => {
    const r = check(ruleYaml(QUERY).replace('queryFrequency: 1h', 'queryFrequency: 5 mins'));
    expect(locations(r)).toEqual(['4:17 DTC1004']);
    expect(r.diagnostics[0]!.message).toBe("queryFrequency '5 mins' is not a duration: use 5m, 1h, 1d or hh:mm:ss");
  });

  it("technique ids: 'T1550.1' fails the schema and is one loader error; T1550 and T1550.001 pass both", () => {
    expect(editor(rule('relevantTechniques: [T1550.1]\n'))).toBe(false);
    expect(editor(rule('relevantTechniques: [T1550, T1550.001]\n'))).toBe(true);
    const r = check(ruleYaml(QUERY, 'relevantTechniques:\n  - T1550.1\n'));
    expect(locations(r)).toEqual(['11:5 DTC1012']);
    expect(check(ruleYaml(QUERY, 'relevantTechniques: [T1550, T1550.001]\n')).diagnostics).toEqual([]);
  });

  it('tests: an expect with `alert:` (for alerts) fails the schema, and the rule, at the key with a did-you-mean', () => {
    const tests = 'tests:\n  - name: t\n    now: 2025-03-01T12:00:00Z\n    events: []\n    expect:\n      alert: 1\n';
    expect(editor(rule(tests))).toBe(false);
    const r = check(ruleYaml(QUERY, tests));
    expect(locations(r)).toEqual(['15:7 DTC1002']);
    expect(r.diagnostics[0]!.message).toBe("unknown key 'alert' in tests.0.expect (did you mean 'alerts'?); the keys are alerts, rowCount, rows, absent");
    expect(editor(rule(tests.replace('alert:', 'alerts:')))).toBe(true);
  });

  it('tests: a misspelt test key, a test without now, a count that is not a number', () => {
    const r = check(ruleYaml(QUERY, 'tests:\n  - name: t\n    now: 2025-03-01T12:00:00Z\n    evnts: []\n  - name: u\n    events: []\n    expect: { alerts: "1" }\n'));
    expect(r.diagnostics.map((d) => d.message)).toEqual([
      "tests.0 is missing 'events'",
      "unknown key 'evnts' in tests.0 (did you mean 'events'?); the keys are name, now, events, window, expect",
      "tests.1 is missing 'now'",
      'tests.1.expect.alerts must be a whole number (got a string)',
    ]);
  });

  it('detc test on a rule whose expect says alert: fails (exit 1) instead of passing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'detc-schema-'));
    const file = join(dir, 'r.yaml');
    writeFileSync(file, ruleYaml(QUERY, 'tests:\n  - name: t\n    now: 2025-03-01T12:00:00Z\n    events: []\n    expect: { alert: 1 }\n'));
    const io = capture();
    expect(await main(['test', '--no-config', file], io)).toBe(1);
    expect(io.stderr).toContain("unknown key 'alert' in tests.0.expect (did you mean 'alerts'?)");
    expect(io.stdout).toContain('0 passed, 0 failed (1 rule file(s) with errors)');
  });

  it('the same translation serves detc.config.yaml: an unknown key with a did-you-mean', () => {
    const dir = mkdtempSync(join(tmpdir(), 'detc-schema-config-'));
    const file = join(dir, 'detc.config.yaml');
    writeFileSync(file, 'tabels: [t]\n');
    expect(readConfigFile(file).diagnostics.map((d) => d.message)).toEqual(["unknown key 'tabels' (did you mean 'tables'?); the keys are tables, functions, watchlists, qradarMappings, targets"]);
  });
});

describe('the schema for editors', () => {
  const rules = readdirSync('rules').filter((f) => f.endsWith('.yaml'));

  it("every bundled rule's first line is a yaml-language-server modeline naming the schema by a path that works from a clone", () => {
    expect(rules.length).toBeGreaterThan(0);
    for (const f of rules) {
      const first = readFileSync(join('rules', f), 'utf8').split('\n')[0]!;
      const m = /^# yaml-language-server: \$schema=(\S+)$/.exec(first);
      expect(m, f).not.toBeNull();
      expect(resolve(dirname(join('rules', f)), m![1]!)).toBe(resolve(schemaPath('rule')));
    }
  });

  it('the bundled rules pass the schema as an editor reads it', () => {
    for (const f of rules) expect(editor(parse(readFileSync(join('rules', f), 'utf8'))), `${f}: ${JSON.stringify(editor.errors)}`).toBe(true);
  });

  it('each schema has a stable $id that is not a web address nobody serves', () => {
    for (const name of ['rule', 'detc-config'] as const) {
      const id = (JSON.parse(readFileSync(schemaPath(name), 'utf8')) as { $id: string }).$id;
      expect(id).toBe(`urn:detc:schema:${name}:1`);
    }
  });
});
