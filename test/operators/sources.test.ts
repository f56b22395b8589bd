import { describe, expect, it } from 'vitest';
import { translateToAql } from '../../src/backends/aql/translate.js';
import { compileQuery } from '../../src/backends/js/compile.js';
import { EvaluationLimitError } from '../../src/backends/js/limits.js';
import { bindOp, checkSchemaAndKql, NOW, problemOf, runOp } from './helpers.js';

describe('datatable, print, range as query sources', () => {
  it.each([
    'datatable(a:long, b:string) [1, "x", 2, "y"]',
    'datatable(a:long, b:string) [1, "x", 2, "y",]',
    'datatable(a:long) []',
    'datatable(a:long, b:real, c:dynamic, d:datetime, e:bool) [1, 2, dynamic({"a":1}), datetime(2025-01-01), true, long(null), 1.5, dynamic(null), datetime(null), bool(null)]',
    'let v = 3; print v, strlen("a"), c = 2, 1 + 1',
    'print x = dynamic([1, 2]) | mv-expand x',
    'range t from datetime(2025-01-01) to datetime(2025-01-02) step 1h',
    'range r from 1.5 to 3 step 0.5',
    'range i from 1 to 10 step 3 | extend j = i * 2',
    'let L = datatable(Computer:string) ["h1"]; SecurityEvent | where Computer in (L)',
    'union (print a = 1), (datatable(a:long) [2])',
  ])('%s: schema as Kusto.Language computes it; KQL accepted and round-trips', (q) => {
    checkSchemaAndKql(q);
  });

  // https://learn.microsoft.com/kusto/query/datatable-operator: rows in order, values typed by column.
  it('datatable: the rows as written, typed by column', () => {
    expect(runOp('datatable(Date:datetime, Event:string, MoreData:dynamic) [datetime(1910-06-11), "Born", dynamic({"key1":"value1"}), datetime(1930-01-01), "Enters", dynamic({"key2":"value2"})]', {})).toEqual([
      { Date: '1910-06-11T00:00:00Z', Event: 'Born', MoreData: { key1: 'value1' } },
      { Date: '1930-01-01T00:00:00Z', Event: 'Enters', MoreData: { key2: 'value2' } },
    ]);
  });

  // https://learn.microsoft.com/kusto/query/print-operator: `print x=1, s=strcat("Hello", ", ", "World!")`.
  it('print: one row of the values', () => {
    expect(runOp('print x = 1, s = strcat("Hello", ", ", "World!")', {})).toEqual([{ x: 1, s: 'Hello, World!' }]);
    expect(runOp('print 1, 2', {})).toEqual([{ print_0: 1, print_1: 2 }]);
  });

  // https://learn.microsoft.com/kusto/query/range-operator: `range Steps from 1 to 8 step 3` is 1, 4, 7.
  it('range: inclusive of `to`, numbers and datetimes, a negative step counts down', () => {
    expect(runOp('range Steps from 1 to 8 step 3', {})).toEqual([{ Steps: 1 }, { Steps: 4 }, { Steps: 7 }]);
    expect(runOp('range d from datetime(2025-01-01) to datetime(2025-01-01 02:00) step 1h', {}).map((r) => r.d)).toEqual(['2025-01-01T00:00:00Z', '2025-01-01T01:00:00Z', '2025-01-01T02:00:00Z']);
    expect(runOp('range i from 3 to 1 step -1', {})).toEqual([{ i: 3 }, { i: 2 }, { i: 1 }]);
    expect(runOp('range i from 1 to 3 step 0', {})).toEqual([]);
  });

  it('range counts against the row limit', () => {
    const q = compileQuery(bindOp('range i from 1 to 1000000 step 1'));
    expect(() => q.run({}, { now: NOW, limits: { maxRows: 100 } })).toThrow(EvaluationLimitError);
  });

  it('clear errors', () => {
    expect(problemOf('datatable(a:long, b:string) [1, "x", 2]')).toMatch(/2 columns but 3 values/);
    expect(problemOf('datatable(a:number) [1]')).toMatch(/unknown type 'number'/);
    expect(problemOf('datatable(a:long) [strlen("x")]')).toMatch(/ConstantRequired/);
    expect(problemOf('range i from "a" to 3 step 1')).toMatch(/range needs numbers/);
    expect(problemOf('range i from 1 until 3 step 1')).toMatch(/expected 'to'/);
  });

  it('AQL: an explicit error naming the source', () => {
    for (const [q, name] of [['print 1', 'print'], ['range i from 1 to 2 step 1', 'range'], ['datatable(a:long) [1]', 'datatable']] as const) {
      expect(translateToAql(bindOp(q), undefined, new Set(), undefined).errors[0]!.message).toMatch(new RegExp(`^${name} has no AQL equivalent`));
    }
  });
});

describe('source keywords that are also column names', () => {
  it('print, union and range as names in expressions stay names', () => {
    const tables = { SecurityEvent: [{ Computer: 'h', EventID: 1 }] };
    expect(problemOf('SecurityEvent | extend x = tostring(print)')).toMatch(/UnknownColumn: print/);
    expect(problemOf('SecurityEvent | extend x = iff(print > 1, 1, 2)')).toMatch(/UnknownColumn: print/);
    expect(problemOf('SecurityEvent | extend x = tostring(union)')).toMatch(/UnknownColumn: union/);
    expect(problemOf('SecurityEvent | extend x = range + 1')).toMatch(/UnknownColumn: range/);
    expect(runOp('SecurityEvent | project Computer', tables)).toEqual([{ Computer: 'h' }]);
  });
});
