import { describe, expect, it } from 'vitest';
import { compileQuery } from '../../src/backends/js/compile.js';
import { jsonWithoutSpans } from '../../src/ir/json.js';
import { portableIr, restoreIr, type PortableIr } from '../../src/ir/portable.js';
import { bindOp, NOW } from './helpers.js';

/** The standalone module's form of each new construct: restored, the same IR, and the same rows. */
describe('the new sources and operators in a JS module (portable IR)', () => {
  const events = {
    A: [{ x: 'user=ann,k', y: 1, TimeGenerated: '2025-03-01T10:00:00Z' }, { x: 'user=bob,k', y: 2, TimeGenerated: '2025-03-01T11:00:00Z' }],
    B: [{ y: 'b', z: 2.5 }],
    SecurityEvent: [{ Computer: 'h', EventID: 4625 }],
    SecurityAlert: [{ AlertName: 'a', Computer: 'h' }],
  };
  it.each([
    'union withsource=S A, (B | where z > 1) | project S, x, y_string',
    'union Security* | summarize arg_max(TimeGenerated, *) by Computer',
    'A | parse-where kind=regex flags=i x with "user=" u "," * | project u',
    'datatable(a:long, b:string) [1, "x", 2, "y"] | where a > 1',
    'print n = 1, s = strcat("a", "b")',
    'range i from 1 to 5 step 2 | serialize r = row_number(), p = prev(i) | extend c = row_cumsum(i)',
    'A | extend d = dynamic([3, 1, 2]) | mv-apply e = d to typeof(long) on (top 1 by e) | project x, e',
    'A | lookup (A | project x, w = y + 10) on x | project x, w',
    'A | as T | join kind=inner (T | project x, v = y) on x | project x, v',
    'A | getschema',
    'A | make-series s = sum(y) default = -1 on TimeGenerated step 1h by x',
  ])('%s', (q) => {
    const ir = bindOp(q);
    const portable = JSON.parse(JSON.stringify(portableIr(ir))) as PortableIr;
    const restored = restoreIr(portable);
    expect(jsonWithoutSpans(restored)).toBe(jsonWithoutSpans(ir));
    const options = { now: NOW };
    expect(compileQuery(restored).run(events, options).rows).toEqual(compileQuery(ir).run(events, options).rows);
  });

  it('externaldata keeps its URLs and properties', () => {
    const ir = bindOp('externaldata(a:string, b:long) ["https://example.org/x.csv"] with (format="csv", ignoreFirstRecord=true)');
    const restored = restoreIr(JSON.parse(JSON.stringify(portableIr(ir))) as PortableIr);
    expect(jsonWithoutSpans(restored)).toBe(jsonWithoutSpans(ir));
  });
});
