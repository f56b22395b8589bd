import { existsSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emitKql } from '../../src/backends/kql/emit.js';
import { kustoDiagnostics, kustoStringLiteralValue } from '../../src/backends/kql/kusto.js';
import { kqlName, kqlString } from '../../src/backends/kql/literals.js';
import { checkRuleFile, checkRuleText, findRuleFiles } from '../../src/compile.js';
import { loadTables, TableCatalog } from '../../src/ir/tables.js';
import { ruleYaml } from '../helpers.js';
import { hostileString } from '../hostile-text.js';
import { bind } from '../js/helpers.js';

const tables = loadTables();

const bindText = (query: string) => bind(query, tables);

function boundRules(paths: string[]) {
  return findRuleFiles(paths).files.map((f) => checkRuleFile(f)).filter((r) => r.ir && !r.diagnostics.some((d) => d.severity === 'error'));
}

const CORPUS = '../shared/corpus/sentinel';
const corpusRules = existsSync(CORPUS) ? boundRules([CORPUS]) : [];
const bundled = boundRules(['rules']);

describe('KQL emitter', () => {
  it('golden: seed 001 and seed 002 (with the LocationDetails fix), reviewed line by line', () => {
    for (const path of ['rules/third_party_integrated_apps.yaml', 'test/fixtures/seed002_fixed.yaml', 'rules/application_access_token_entra.yaml']) {
      const stem = path.split('/').pop()!.replace('.yaml', '');
      const r = checkRuleFile(path);
      expect(emitKql(r.ir!)).toBe(readFileSync(`test/golden/${stem}.kql`, 'utf8'));
    }
  });

  it.each([...bundled, ...corpusRules].map((r) => [r.file, r] as const))('%s: Kusto.Language accepts the emitted KQL, and it round-trips', (_, r) => {
    const kql = emitKql(r.ir!);
    expect(kustoDiagnostics(kql, tables)).toEqual([]);
    expect(emitKql(bindText(kql))).toBe(kql);
  });

  it('covers a real share of the corpus', () => {
    expect(corpusRules.length, 'rules of ../shared/corpus/sentinel that compile (the corpus must be beside the project)').toBeGreaterThanOrEqual(80);
  });

  it('parenthesizes by precedence and keeps operator forms', () => {
    const kql = emitKql(bindText('SigninLogs | where (ResultType == "0" or ResultType == "1") and not(UserPrincipalName has "x") | extend n = (DurationMs + 1) * 2 - -3 | where n !between (1 .. 10) | where AppDisplayName !in~ ("a", "b") and UserAgent matches regex @"\\d+"'));
    expect(kql).toBe(
      'SigninLogs\n' +
        '| where (ResultType == "0" or ResultType == "1") and not(UserPrincipalName has "x")\n' +
        '| extend n = (DurationMs + 1) * 2 - -3\n' +
        '| where n !between (1 .. 10)\n' +
        '| where AppDisplayName !in~ ("a", "b") and UserAgent matches regex "\\\\d+"\n',
    );
    expect(kustoDiagnostics(kql, tables)).toEqual([]);
  });

  it('quotes names that are not plain identifiers', () => {
    expect(kqlName('My Column')).toBe("['My Column']");
    expect(kqlName("it's")).toBe("['it\\'s']");
    expect(kqlName('where')).toBe("['where']");
    expect(kqlName('UserPrincipalName')).toBe('UserPrincipalName');
    const kql = emitKql(bindText("SigninLogs | extend ['My Column'] = 1, ['where'] = 2 | project ['My Column'], ['where']"));
    expect(kql).toContain("| project ['My Column'], ['where']");
    expect(kustoDiagnostics(kql, tables)).toEqual([]);
  });
});

// The generators are weighted toward quotes, backslashes, controls and separators: a kqlString that
// leaves backslashes alone fails both properties (checked by introducing that bug).
describe('KQL string literals survive any content (property)', () => {
  it('Kusto.Language reads every emitted literal back as the same value', () => {
    fc.assert(
      fc.property(hostileString(), (s) => {
        expect(kustoStringLiteralValue(kqlString(s))).toBe(s);
      }),
      { numRuns: 300 },
    );
  });

  it('a string placed in a rule comes out of the emitter as a literal with the same value', () => {
    fc.assert(
      fc.property(hostileString(), (s) => {
        const r = checkRuleText('p.yaml', ruleYaml(`SigninLogs\n| where AppDisplayName == ${kqlString(s)}`));
        expect(r.diagnostics).toEqual([]);
        const kql = emitKql(r.ir!);
        const line = kql.split('\n')[1]!;
        const literal = line.slice('| where AppDisplayName == '.length);
        expect(kustoStringLiteralValue(literal)).toBe(s);
        expect(kustoDiagnostics(kql, tables)).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });

  it('names (columns, aliases) written by kqlName read back as the same name', () => {
    fc.assert(
      fc.property(hostileString(), (s) => {
        const name = `n${s}`;
        const kql = emitKql(bindText(`SigninLogs | extend ${kqlName(name)} = 1 | project ${kqlName(name)}`));
        expect(kustoDiagnostics(kql, tables)).toEqual([]);
        expect(bindText(kql).body.schema.map((c) => c.name)).toEqual([name]);
      }),
      { numRuns: 100 },
    );
  });
});

describe('names that are special in JavaScript are ordinary names to the Kusto check', () => {
  it("extend ['__proto__'] = 1 | project ['__proto__'] passes, as ['constructor'] does", () => {
    for (const name of ['__proto__', 'constructor', 'toString', 'a__proto__b']) {
      const kql = emitKql(bindText(`SigninLogs | extend ['${name}'] = 1 | project ['${name}']`));
      expect(kustoDiagnostics(kql, tables)).toEqual([]);
    }
    expect(kustoDiagnostics('let __proto__ = 1; print __proto__', tables)).toEqual([]);
  });

  it('a real mistake with __proto__ is still reported, with its name and offsets', () => {
    const query = 'print x = 1 | project __proto__';
    const ds = kustoDiagnostics(query, tables);
    expect(ds.map((d) => [d.code, query.slice(d.start, d.end)])).toEqual([['KS142', '__proto__']]);
    expect(ds[0]!.message).toContain("'__proto__'");
  });

  it('a schema column named __proto__ (or with quotes and backslashes) is known to the check', () => {
    const catalog = new TableCatalog([{ name: 'H', columns: [{ name: '__proto__', type: 'string' }, { name: "it's \\ odd", type: 'long' }] }]);
    expect(kustoDiagnostics("H | where __proto__ == 'x' and ['it\\'s \\\\ odd'] > 1", catalog)).toEqual([]);
  });
});
