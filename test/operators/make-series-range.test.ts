import { describe, expect, it } from 'vitest';
import { checkSchemaAndKql, runOp } from './helpers.js';

/**
 * make-series's alternate syntax `on Axis in range(start, stop, step)`
 * (https://learn.microsoft.com/kusto/query/make-series-operator, "Alternate syntax"): the stop value
 * is inclusive, and the axis is binned with bin(), not bin_at(), so the first bin is bin(start, step).
 */
describe('make-series ... on Axis in range(start, stop, step) (issue 27)', () => {
  it.each([
    'A | make-series count() on TimeGenerated in range(datetime(2025-03-01), datetime(2025-03-01T03:00), 1h) by x',
    'A | make-series n = sum(y) default = -1 on TimeGenerated in range(ago(1d), now(), 1h)',
  ])('%s: schema as Kusto.Language computes it; KQL accepted and round-trips', (q) => {
    expect(checkSchemaAndKql(q)).toMatch(/ in range\(/);
  });

  const events = {
    A: [
      { x: 'a', y: 1, TimeGenerated: '2025-03-01T00:10:00Z' },
      { x: 'a', y: 2, TimeGenerated: '2025-03-01T00:40:00Z' },
      { x: 'a', y: 5, TimeGenerated: '2025-03-01T03:20:00Z' },
      { x: 'a', y: 7, TimeGenerated: '2025-03-01T04:00:00Z' },
    ],
  };

  it('the stop bin is included; rows after it are not', () => {
    const out = runOp('A | make-series n = count() on TimeGenerated in range(datetime(2025-03-01), datetime(2025-03-01T03:00), 1h)', events);
    expect(out[0]!.n).toEqual([2, 0, 0, 1]);
    expect((out[0]!.TimeGenerated as string[]).map((t) => t.slice(11, 16))).toEqual(['00:00', '01:00', '02:00', '03:00']);
  });

  it('a start between bins begins at its bin (bin, not bin_at); the main syntax starts at the start itself', () => {
    const alt = runOp('A | make-series n = count() on TimeGenerated in range(datetime(2025-03-01T00:30), datetime(2025-03-01T01:00), 1h)', events);
    expect((alt[0]!.TimeGenerated as string[]).map((t) => t.slice(11, 16))).toEqual(['00:00', '01:00']);
    expect(alt[0]!.n).toEqual([2, 0]);
    const main = runOp('A | make-series n = count() on TimeGenerated from datetime(2025-03-01T00:30) to datetime(2025-03-01T01:00) step 1h', events);
    expect((main[0]!.TimeGenerated as string[]).map((t) => t.slice(11, 16))).toEqual(['00:30']);
  });
});
