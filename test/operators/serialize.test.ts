import { describe, expect, it } from 'vitest';
import { loadMappings } from '../../src/backends/aql/mapping.js';
import { translateToAql } from '../../src/backends/aql/translate.js';
import { loadTables } from '../../src/ir/tables.js';
import { bind } from '../js/helpers.js';
import { bindOp, checkSchemaAndKql, problemOf, runOp } from './helpers.js';

// https://learn.microsoft.com/kusto/query/serialize-operator and the window functions' pages
// (row-number-function, prev-function, next-function, row-cumsum-function).
describe('serialize and window functions', () => {
  it.each([
    'A | serialize | extend row_number(), p = prev(x), n = next(y, 2, 0), c = row_cumsum(y), r = row_number(10, x != prev(x))',
    'A | serialize rn = row_number()',
    'A | sort by y | extend d = TimeGenerated - prev(TimeGenerated)',
    'A | serialize | extend c = row_cumsum(toreal(y)), i = row_cumsum(y, x == "a")',
    'range a from 1 to 3 step 1 | extend rn = row_number()',
  ])('%s: schema as Kusto.Language computes it; KQL accepted and round-trips', (q) => {
    checkSchemaAndKql(q);
  });

  it('row_number: 1, 2, ... in row order; a start and a restart condition', () => {
    expect(runOp('range a from 1 to 5 step 1 | extend rn = row_number()', {}).map((r) => r.rn)).toEqual([1, 2, 3, 4, 5]);
    // The page's restart example: numbering restarts where the partition key changes.
    const events = { A: [{ x: 'a', y: 1 }, { x: 'a', y: 2 }, { x: 'b', y: 3 }, { x: 'b', y: 4 }, { x: 'b', y: 5 }] };
    expect(runOp('A | serialize rn = row_number(0, x != prev(x)) | project x, rn', events)).toEqual([
      { x: 'a', rn: 0 }, { x: 'a', rn: 1 }, { x: 'b', rn: 0 }, { x: 'b', rn: 1 }, { x: 'b', rn: 2 },
    ]);
  });

  it('prev/next: offsets and defaults; nested in an expression', () => {
    const events = { A: [{ x: 'a', y: 1 }, { x: 'b', y: 5 }, { x: 'c', y: 12 }] };
    expect(runOp('A | serialize | extend p = prev(y), n = next(x), n2 = next(y, 2, -1), d = y - prev(y) | project p, n, n2, d', events)).toEqual([
      { p: null, n: 'b', n2: 12, d: null },
      { p: 1, n: 'c', n2: -1, d: 4 },
      { p: 5, n: null, n2: -1, d: 7 },
    ]);
  });

  it('row_cumsum: running sum, restarted by the condition (the page\'s example)', () => {
    const out = runOp('range a from 1 to 10 step 1 | serialize cs = row_cumsum(a, a % 3 == 0) | project cs', {});
    expect(out.map((r) => r.cs)).toEqual([1, 3, 3, 7, 12, 6, 13, 21, 9, 19]);
  });

  it('sort makes rows serialized; without it a window function is an error naming what to do', () => {
    expect(runOp('A | sort by y asc | extend p = prev(y) | project y, p', { A: [{ y: 2 }, { y: 1 }] })).toEqual([{ y: 1, p: null }, { y: 2, p: 1 }]);
    expect(problemOf('A | extend p = prev(x)')).toMatch(/prev\(\) needs serialized rows: use it in extend or serialize, after serialize, sort or top/);
    expect(problemOf('A | sort by y | summarize count() by x | extend r = row_number()')).toMatch(/needs serialized rows/);
    expect(problemOf('A | serialize | where prev(x) == x')).toMatch(/needs serialized rows/);
    expect(problemOf('A | serialize | extend p = prev(x, y)')).toMatch(/offset must be a constant/);
  });

  it('AQL: an explicit error naming the operator or function', () => {
    const aqlErrors = (q: string) => translateToAql(bind(q, loadTables()), loadMappings().get('SigninLogs'), new Set(), 3_600_000).errors.map((e) => e.message);
    expect(aqlErrors('SigninLogs | serialize')).toEqual([expect.stringMatching(/^serialize has no AQL equivalent: /)]);
    expect(aqlErrors('SigninLogs | sort by TimeGenerated asc | extend p = prev(UserPrincipalName)')[0]).toMatch(/prev\(\) has no AQL translation/);
  });
});
