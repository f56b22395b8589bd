import { describe, expect, it } from 'vitest';
import { emitKql } from '../../src/backends/kql/emit.js';
import { bindOp, checkSchemaAndKql, problemOf, runOp } from './helpers.js';

// https://learn.microsoft.com/kusto/query/mv-apply-operator
describe('mv-apply', () => {
  it.each([
    'A | extend d = dynamic([1, 2]) | mv-apply d on (where x == "a")',
    'A | extend d = dynamic([1, 2]) | mv-apply e = d to typeof(long) on (summarize s = sum(e))',
    'A | extend d = dynamic([1, 2]) | mv-apply with_itemindex=i e = d on (top 1 by i desc)',
    'A | extend d = dynamic([1, 2]) | mv-apply d on (project d, q = 1)',
    'A | extend d = dynamic([{"a":1}]) | mv-apply p = d on (where p.a == 1 | extend v = tostring(p.a))',
    'A | extend d = dynamic([1, 2]), e = dynamic([3]) | mv-apply d, e limit 5 on (take 1)',
    'range x from 1 to 8 step 1 | summarize l = make_list(x) by xMod2 = x % 2 | mv-apply element = l to typeof(long) on (top 1 by element)',
  ])('%s: schema as Kusto.Language computes it; KQL accepted and round-trips', (q) => {
    checkSchemaAndKql(q);
  });

  it('the page\'s first example: the largest element of each list', () => {
    const out = runOp('range x from 1 to 8 step 1 | summarize l = make_list(x) by xMod2 = x % 2 | mv-apply element = l to typeof(long) on (top 1 by element)', {});
    expect(out).toEqual([
      { xMod2: 1, l: [1, 3, 5, 7], element: 7 },
      { xMod2: 0, l: [2, 4, 6, 8], element: 8 },
    ]);
  });

  it('the page\'s sum example: a summarize per row keeps the row\'s other columns', () => {
    const out = runOp('range x from 1 to 4 step 1 | summarize l = make_list(x) by xMod2 = x % 2 | mv-apply e = l to typeof(long) on (summarize SumOfElements = sum(e)) | project xMod2, SumOfElements', {});
    expect(out).toEqual([{ xMod2: 1, SumOfElements: 4 }, { xMod2: 0, SumOfElements: 6 }]);
  });

  it('a where in the subquery drops rows whose items all fail (the Sentinel rules\' use), take is per row', () => {
    const events = {
      A: [
        { x: 'keep', y: 1, TimeGenerated: '2025-03-01T10:00:00Z' },
        { x: 'drop', y: 2, TimeGenerated: '2025-03-01T10:00:00Z' },
      ],
    };
    const q = 'A | extend props = iff(x == "keep", dynamic([{"k":"a","v":"1"},{"k":"b","v":"2"}]), dynamic([{"k":"c"}])) | mv-apply p = props on (where p.k == "b" | extend v = tostring(p.v)) | project x, v';
    expect(runOp(q, events)).toEqual([{ x: 'keep', v: '2' }]);
    expect(runOp('A | extend d = dynamic([1, 2, 3]) | mv-apply d on (take 2) | summarize n = count()', events)).toEqual([{ n: 4 }]);
  });

  it('KQL keeps the subquery on one line', () => {
    expect(emitKql(bindOp('A | extend d = dynamic([1]) | mv-apply e = d on (where e == 1 | take 1)'))).toBe('A\n| extend d = dynamic([1])\n| mv-apply e = d on (where e == 1 | take 1)\n');
  });

  it('clear errors', () => {
    expect(problemOf('A | mv-apply x on (take 1)')).toMatch(/mv-expand needs a dynamic array/);
    expect(problemOf('A | extend d = dynamic([1]) | mv-apply d over (take 1)')).toMatch(/expected 'on \(subquery\)'/);
    expect(problemOf('A | extend d = dynamic([1]) | mv-apply d on (where nope == 1)')).toMatch(/UnknownColumn: nope/);
  });
});
