import { describe, expect, it } from 'vitest';
import { bindOp, checkSchemaAndKql, problemOf, runOp } from './helpers.js';

// https://learn.microsoft.com/kusto/query/make-series-operator
const DATA = `datatable(timestamp:datetime, metric:real) [
  datetime(2016-12-31T06:00), 50, datetime(2017-01-01), 4, datetime(2017-01-02), 3, datetime(2017-01-03), 4,
  datetime(2017-01-03T03:00), 6, datetime(2017-01-05), 8, datetime(2017-01-05T13:40), 13, datetime(2017-01-06), 4,
  datetime(2017-01-07), 3, datetime(2017-01-08), 8, datetime(2017-01-08T21:00), 8, datetime(2017-01-09), 2,
  datetime(2017-01-09T12:00), 11, datetime(2017-01-10T05:00), 5]`;

describe('make-series', () => {
  it.each([
    'A | make-series n = count() on TimeGenerated step 1h by x',
    'A | make-series sum(y), avg(y) default = -1 on TimeGenerated from datetime(2025-01-01) to datetime(2025-01-02) step 1h',
    'A | make-series kind=nonempty dcount(x) on TimeGenerated step 1d',
  ])('%s: schema as Kusto.Language computes it; KQL accepted and round-trips', (q) => {
    checkSchemaAndKql(q);
  });

  it('the page\'s example: avg per day from stime to etime, 0 where a day has no rows', () => {
    const out = runOp(`${DATA}\n| make-series avg(metric) on timestamp from datetime(2017-01-01) to datetime(2017-01-10) step 1d`, {});
    expect(out).toHaveLength(1);
    expect(out[0]!.avg_metric).toEqual([4, 3, 5, 0, 10.5, 4, 3, 8, 6.5]);
    expect((out[0]!.timestamp as string[]).map((t) => t.slice(0, 10))).toEqual(['2017-01-01', '2017-01-02', '2017-01-03', '2017-01-04', '2017-01-05', '2017-01-06', '2017-01-07', '2017-01-08', '2017-01-09']);
  });

  it('groups by the by columns; without from/to the bins span the data; a default fills empty bins', () => {
    const events = {
      A: [
        { x: 'a', y: 1, TimeGenerated: '2025-03-01T00:10:00Z' },
        { x: 'a', y: 2, TimeGenerated: '2025-03-01T02:20:00Z' },
        { x: 'b', y: 5, TimeGenerated: '2025-03-01T01:00:00Z' },
      ],
    };
    const out = runOp('A | make-series s = sum(y) default = -1 on TimeGenerated step 1h by x', events);
    expect(out.map((r) => [r.x, r.s])).toEqual([['a', [1, -1, 2]], ['b', [-1, 5, -1]]]);
    expect((out[0]!.TimeGenerated as string[]).map((t) => t.slice(11, 16))).toEqual(['00:00', '01:00', '02:00']);
  });

  it('without from/to, bins span a large input (200,000 rows: no argument spread of every row)', () => {
    const base = Date.parse('2025-03-01T00:00:00Z');
    const events = Array.from({ length: 200_000 }, (_, i) => ({ x: 'a', y: 1, TimeGenerated: new Date(base + (i % 48) * 3_600_000).toISOString() }));
    const out = runOp('A | make-series n = count() on TimeGenerated step 1h by x', { A: events });
    expect((out[0]!.n as number[]).length).toBe(48);
    expect((out[0]!.n as number[]).reduce((a, b) => a + b, 0)).toBe(200_000);
  });

  it('clear errors', () => {
    expect(problemOf('A | make-series count() on x step 1h')).toMatch(/datetime axis with a timespan step/);
    expect(problemOf('A | make-series arg_max(y, x) on TimeGenerated step 1h')).toMatch(/several output columns/);
    expect(problemOf('A | make-series count() on TimeGenerated every 1h')).toMatch(/expected 'step'/);
  });

  it('binds as an operator', () => {
    expect(bindOp('A | make-series count() on TimeGenerated step 1h').body.ops[0]!.op).toBe('make-series');
  });
});
