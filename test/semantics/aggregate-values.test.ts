/**
 * Aggregates used as values inside summarize (issue 28): `X = 100 * count()`, `countif(p) / count()`,
 * `round(100.0 * countif(p) / count(), 2)`. Kusto.Language is the authority on which forms are
 * valid and on the names and types of the result; the values follow Microsoft's documentation of
 * the operators involved (cited per test).
 */
import { describe, expect, it } from 'vitest';
import { loadMappings } from '../../src/backends/aql/mapping.js';
import { checkAqlSyntax } from '../../src/backends/aql/grammar.js';
import { translateToAql } from '../../src/backends/aql/translate.js';
import { emitKql } from '../../src/backends/kql/emit.js';
import { kustoDiagnostics } from '../../src/backends/kql/kusto.js';
import { checkRuleText } from '../../src/compile.js';
import { ruleYaml } from '../helpers.js';
import { bind, rows, testTables } from '../js/helpers.js';
import { kustoResultColumns } from './kusto-types.js';

// T: s, s2 string; n long; r real; b bool; t datetime; ts timespan; d dynamic.
const FORMS = [
  'T | summarize X = 100 * count()',
  'T | summarize countif(b) / count() by s',
  'T | summarize Rate = round(100.0 * countif(b) / count(), 2), count() by s',
  'T | summarize tostring(count()), count()',
  'T | summarize max(t) - min(t), 100 * count()',
  'T | summarize (Last, What) = arg_max(t, s), Share = todouble(countif(b)) / count() by s2',
  'T | summarize X = iff(dcount(s) > 1, "many", "one"), Span = bin(max(t), 1h)',
  'T | summarize sum(n) + 1, 2 * count() by s',
];

describe('aggregates as values: names and types', () => {
  it('each form has the columns Kusto.Language gives it', () => {
    for (const q of FORMS) {
      const kusto = kustoResultColumns(q, testTables);
      expect('error' in kusto ? kusto.error : kusto.columns.map((c) => `${c.name}:${c.type}`), q).toEqual(bind(q).body.schema.map((c) => `${c.name}:${c.type}`));
    }
  });

  it('the two forms Kusto names by the aggregate: tostring(count()) is count_, bin(max(t), 1h) is max_t', () => {
    expect(bind(FORMS[3]!).body.schema.map((c) => c.name)).toEqual(['count_', 'count_1']);
    expect(bind(FORMS[6]!).body.schema.map((c) => c.name)).toEqual(['X', 'Span']);
    expect(bind('T | summarize bin(max(t), 1h), 100 * count()').body.schema.map((c) => c.name)).toEqual(['max_t', 'Column1']);
  });
});

describe('aggregates as values: KQL output', () => {
  it('is the summarize as written, with no Kusto.Language diagnostic, and stable on a second round', () => {
    for (const q of FORMS) {
      const kql = emitKql(bind(q));
      expect(kql.replace(/\s+/g, ' ').trim(), q).toBe(q.replace(/\s+/g, ' '));
      expect(kustoDiagnostics(kql, testTables), q).toEqual([]);
      expect(emitKql(bind(kql))).toBe(kql);
    }
  });
});

describe('aggregates as values: JS results', () => {
  const events = [
    { s: 'a', b: true, n: 1, t: '2024-01-01T10:00:00Z' },
    { s: 'a', b: false, n: 2, t: '2024-01-01T10:30:00Z' },
    { s: 'a', b: false, n: 3, t: '2024-01-01T12:15:00Z' },
    { s: 'b', b: true, n: 4, t: '2024-01-01T09:00:00Z' },
  ];

  it('100 * count() per group; over no rows, count() is 0', () => {
    expect(rows('T | summarize X = 100 * count() by s', events)).toEqual([{ s: 'a', X: 300 }, { s: 'b', X: 100 }]);
    // summarize without by gives one row over an empty input (https://learn.microsoft.com/kusto/query/summarize-operator).
    expect(rows('T | summarize X = 100 * count()', [])).toEqual([{ X: 0 }]);
  });

  it('countif(p) / count() divides longs as longs (truncates); todouble or 100.0 gives the fraction', () => {
    // long / long is a long, rounded toward zero (https://learn.microsoft.com/kusto/query/numerical-operators).
    expect(rows('T | summarize R = countif(b) / count() by s', events)).toEqual([{ s: 'a', R: 0 }, { s: 'b', R: 1 }]);
    expect(rows('T | summarize R = todouble(countif(b)) / count() by s', events)).toEqual([{ s: 'a', R: 1 / 3 }, { s: 'b', R: 1 }]);
    expect(rows('T | summarize Rate = round(100.0 * countif(b) / count(), 2), count() by s', events)).toEqual([
      { s: 'a', Rate: 33.33, count_: 3 },
      { s: 'b', Rate: 100, count_: 1 },
    ]);
  });

  it('other aggregates and functions of them, next to plain aggregates and arg_max', () => {
    expect(rows('T | summarize Span = max(t) - min(t), Total = sum(n) + 1, (Last, N) = arg_max(t, n) by s', events)).toEqual([
      { s: 'a', Span: '02:15:00', Total: 7, Last: '2024-01-01T12:15:00Z', N: 3 },
      { s: 'b', Span: '00:00:00', Total: 5, Last: '2024-01-01T09:00:00Z', N: 4 },
    ]);
    expect(rows('T | summarize X = iff(dcount(s) > 1, "many", "one"), Hour = bin(max(t), 1h)', events)).toEqual([{ X: 'many', Hour: '2024-01-01T12:00:00Z' }]);
  });

  it('a where after the summarize reads the computed column', () => {
    expect(rows('T | summarize Rate = 100 * countif(b) / count() by s | where Rate > 50', events)).toEqual([{ s: 'b', Rate: 100 }]);
  });
});

describe('aggregates as values: refused forms', () => {
  const diagnostics = (query: string) => checkRuleText('r.yaml', ruleYaml(query)).diagnostics.map((d) => `${d.start?.line}:${d.start?.col} ${d.code} ${d.message}`);

  it('a column outside any aggregate is named, at its place (Kusto.Language: KS236)', () => {
    expect(kustoResultColumns('T | summarize X = count() * n', testTables)).toMatchObject({ error: expect.stringContaining("'n' is not an aggregate") });
    expect(diagnostics('SigninLogs | summarize X = count() * ResultType')).toEqual([
      "9:40 DTC3007 'ResultType' is not an aggregation function; summarize needs aggregations such as count(), dcount(x), make_set(x)",
    ]);
  });

  it('an aggregate with several outputs inside an expression (Kusto.Language: tuple operand)', () => {
    expect('error' in kustoResultColumns('T | summarize X = arg_max(n, s) * 2', testTables)).toBe(true);
    expect(diagnostics('SigninLogs | summarize X = arg_max(TimeGenerated, ResultType) * 2')).toEqual([
      '9:30 DTC3005 arg_max has several output columns and cannot be used inside an expression; give it its own summarize item',
    ]);
  });

  it('`count() as X` is not KQL (Kusto.Language: KS005) and is refused where `as` stands', () => {
    expect('error' in kustoResultColumns('T | summarize count() as X', testTables)).toBe(true);
    expect(diagnostics('SigninLogs | summarize count() as X')).toEqual(["9:34 DTC2002 expected 'eof' but found 'as'"]);
  });
});

describe('aggregates as values: AQL', () => {
  const aql = (query: string) => {
    const r = checkRuleText('r.yaml', ruleYaml(query));
    expect(r.diagnostics).toEqual([]);
    return translateToAql(r.ir!, loadMappings().get('SigninLogs'), new Set(), r.rule!.queryPeriodMs);
  };

  it('arithmetic on aggregates is a SELECT expression of them: a real quotient divides as doubles', () => {
    const t = aql('SigninLogs | summarize Rate = 100.0 * countif(ResultType != "0") / count(), N = count() by IPAddress');
    expect(t.errors).toEqual([]);
    expect(checkAqlSyntax(t.aql!)).toEqual([]);
    expect(t.aql).toMatch(/\(\(100\.0 \* SUM\(IF .* THEN 1 ELSE 0\)\) \/ DOUBLE\(COUNT\(\*\)\)\) AS Rate,\n {4}COUNT\(\*\) AS N\n/);
  });

  it('a quotient of two longs (KQL truncates it; Kusto docs, Numerical operators) is refused: IBM does not say what AQL does', () => {
    const t = aql('SigninLogs | summarize Rate = 100 * countif(ResultType != "0") / count() by IPAddress');
    expect(t.aql).toBeUndefined();
    expect(t.errors.map((e) => e.message)).toEqual([expect.stringMatching(/^\/ of two whole numbers has no exact AQL translation/)]);
  });

  it('a function AQL lacks is refused by name', () => {
    const t = aql('SigninLogs | summarize Rate = round(100.0 * countif(ResultType != "0") / count(), 2) by IPAddress');
    expect(t.aql).toBeUndefined();
    expect(t.errors.map((e) => e.message)).toEqual([expect.stringMatching(/^round\(\) has no AQL translation/)]);
  });
});
