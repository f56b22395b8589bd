import { describe, expect, it } from 'vitest';
import { checkSchemaAndKql, problemOf, runOp } from './helpers.js';

// https://learn.microsoft.com/kusto/query/top-nested-operator
describe('top-nested (issue 27)', () => {
  it.each([
    'A | top-nested 2 of x by count()',
    'A | top-nested 2 of x by n = count(), top-nested 3 of y by sum(y) asc',
    'A | top-nested of x by max(y)',
    "A | top-nested 2 of x with others = 'other' by count()",
    'A | top-nested 1 of k = strlen(x) by dcount(y) desc',
  ])('%s: schema as Kusto.Language computes it; KQL accepted and round-trips', (q) => {
    checkSchemaAndKql(q);
  });

  const events = {
    A: [
      { x: 'a', y: 1 }, { x: 'a', y: 1 }, { x: 'a', y: 2 }, { x: 'a', y: 3 },
      { x: 'b', y: 5 }, { x: 'b', y: 5 }, { x: 'b', y: 6 },
      { x: 'c', y: 7 },
    ].map((e) => ({ ...e, TimeGenerated: '2025-03-01T00:00:00Z' })),
  };

  it('level 1 keeps the top values over all rows; level 2 the top values within each', () => {
    const out = runOp('A | top-nested 2 of x by n = count(), top-nested 1 of y by c = count()', events);
    // a: 4 rows, b: 3, c: 1 -> a and b; within a, y=1 twice; within b, y=5 twice.
    expect(out).toEqual([{ x: 'a', n: 4, y: 1, c: 2 }, { x: 'b', n: 3, y: 5, c: 2 }]);
  });

  it('asc keeps the lowest; without a count every value is kept', () => {
    expect(runOp('A | top-nested 1 of x by s = sum(y) asc', events)).toEqual([{ x: 'a', s: 7 }]);
    expect(runOp('A | top-nested of x by max(y)', events).map((r) => [r.x, r.aggregated_x])).toEqual([['c', 7], ['b', 6], ['a', 3]]);
  });

  it('with others: KQL only; the JS evaluator stops with an explicit error', () => {
    expect(() => runOp("A | top-nested 1 of x with others = 'o' by count()", events)).toThrow(/top-nested \.\.\. with others is not evaluated/);
  });

  it('clear errors', () => {
    expect(problemOf('A | top-nested y of x by count()')).toMatch(/ConstantRequired/);
    expect(problemOf('A | top-nested 2 of x by arg_max(y, x)')).toMatch(/top-nested needs an aggregate with one output/);
    expect(problemOf('A | top-nested 2 from x by count()')).toMatch(/expected 'of' in top-nested/);
    expect(problemOf('A | top-nested 2 of x by strlen(x)')).toMatch(/NotAnAggregate/);
  });
});
