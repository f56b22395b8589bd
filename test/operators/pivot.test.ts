import { describe, expect, it } from 'vitest';
import { translateToAql } from '../../src/backends/aql/translate.js';
import { emitKql } from '../../src/backends/kql/emit.js';
import { loadMappings } from '../../src/backends/aql/mapping.js';
import { checkRuleText } from '../../src/compile.js';
import { ruleYaml } from '../helpers.js';
import { kustoDiagnostics } from '../../src/backends/kql/kusto.js';
import { bindOp, kustoSchema, opTables, problemOf, runOp, schemaOf } from './helpers.js';

/**
 * pivot's value columns come from the data: Kusto.Language marks the schema open and types a value
 * column the query names `unknown`; detc gives it the aggregate's type (count(): long), the type of
 * every cell. Names and order are Kusto.Language's.
 */
function checkPivot(q: string, valueType: string): void {
  const ir = bindOp(q);
  const kusto = kustoSchema(q);
  expect(schemaOf(ir).map((c) => c.split(':')[0])).toEqual(kusto.map((c) => c.split(':')[0]));
  schemaOf(ir).forEach((c, i) => expect(kusto[i]!.endsWith(':unknown') ? `${c.split(':')[0]}:${valueType}` : kusto[i]).toBe(c));
  const kql = emitKql(ir);
  expect(kustoDiagnostics(kql, opTables).filter((d) => d.severity === 'error')).toEqual([]);
  expect(emitKql(bindOp(kql))).toBe(kql);
}

// https://learn.microsoft.com/kusto/query/pivot-plugin
describe('evaluate pivot (issue 27)', () => {
  it.each([
    ['A | evaluate pivot(x)', 'long'],
    ['A | project x, y | evaluate pivot(x) | project y, ALABAMA, ALASKA', 'long'],
    ['A | evaluate pivot(x, sum(y), TimeGenerated) | where foo > 1', 'long'],
    ['A | evaluate pivot(x, dcount(y))', 'long'],
    ['A | evaluate pivot(x, count(), y, TimeGenerated) | extend q = ALABAMA', 'long'],
  ])('%s: the group columns and the named value columns, as Kusto.Language computes them', (q, t) => {
    checkPivot(q, t);
  });

  const storm = { A: [['ALABAMA', 1], ['ALABAMA', 1], ['ALASKA', 2], ['ALABAMA', 3]].map(([x, y]) => ({ x, y, TimeGenerated: '2025-03-01T00:00:00Z' })) };

  it('counts the group\'s rows per value by default; a value a group lacks counts 0 (the page\'s first example)', () => {
    expect(runOp('A | project x, y | evaluate pivot(x) | project y, ALABAMA, ALASKA', storm)).toEqual([
      { y: 1, ALABAMA: 2, ALASKA: 0 },
      { y: 2, ALABAMA: 0, ALASKA: 1 },
      { y: 3, ALABAMA: 1, ALASKA: 0 },
    ]);
  });

  it('with an aggregate and group columns: the aggregate per group and value', () => {
    expect(runOp('A | evaluate pivot(x, sum(y), TimeGenerated) | project ALABAMA, ALASKA', storm)).toEqual([{ ALABAMA: 5, ALASKA: 2 }]);
  });

  it('a value column no row has does not exist: the default of column_ifexists; named otherwise, the run fails (as the query does in Kusto)', () => {
    expect(runOp('A | project x, y | evaluate pivot(x) | project y, t = column_ifexists("TEXAS", -1)', storm).map((r) => r.t)).toEqual([-1, -1, -1]);
    expect(() => runOp('A | project x, y | evaluate pivot(x) | project y, TEXAS, t = column_ifexists("TEXAS", -1)', storm)).toThrow(/reads column 'TEXAS', which is no value of x in any row/);
  });

  it('with an output schema: exactly the declared columns (group columns by name, the others values of their type), as Kusto.Language computes them', () => {
    const q = 'A | project x, y | evaluate pivot(x) : (y:long, ALABAMA:long, TEXAS:real)';
    expect(schemaOf(bindOp(q))).toEqual(kustoSchema(q));
    const kql = emitKql(bindOp(q));
    expect(kql).toContain('| evaluate pivot(x) : (y:long, ALABAMA:long, TEXAS:real)');
    expect(kustoDiagnostics(kql, opTables).filter((d) => d.severity === 'error')).toEqual([]);
    // A declared value column exists even when no row has its value: the aggregate of no rows (count 0).
    expect(runOp(q, storm)).toEqual([
      { y: 1, ALABAMA: 2, TEXAS: 0 },
      { y: 2, ALABAMA: 0, TEXAS: 0 },
      { y: 3, ALABAMA: 1, TEXAS: 0 },
    ]);
    expect(problemOf('A | evaluate pivot(x) : (y:long) | project ALABAMA')).toMatch(/^UnknownColumn: ALABAMA/);
  });

  it('bad arguments: a clear problem', () => {
    expect(problemOf('A | evaluate pivot()')).toMatch(/pivot takes pivot\(Column \[, Aggregate\] \[, Column1, \.\.\.\]\)/);
    expect(problemOf('A | evaluate pivot(strlen(x))')).toMatch(/pivot's first argument must be columns of its input/);
    expect(problemOf('A | evaluate pivot(x, arg_max(y, *))')).toMatch(/pivot needs an aggregate with one result/);
  });

  it('AQL: an explicit error naming the plugin', () => {
    const r = checkRuleText('r.yaml', ruleYaml('SigninLogs | project AppDisplayName, UserPrincipalName | evaluate pivot(AppDisplayName)'));
    expect(r.diagnostics).toEqual([]);
    const t = translateToAql(r.ir!, loadMappings().get('SigninLogs'), new Set(), r.rule!.queryPeriodMs);
    expect(t.errors.map((e) => e.message)).toContainEqual(expect.stringMatching(/^evaluate pivot has no AQL equivalent/));
  });
});
