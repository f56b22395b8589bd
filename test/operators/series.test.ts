import { describe, expect, it } from 'vitest';
import { NotEvaluatedError, seriesFillLinear } from '../../src/catalog/series.js';
import { emitKql } from '../../src/backends/kql/emit.js';
import { bindOp, checkSchemaAndKql, problemOf, runOp } from './helpers.js';

const SERIES = 'A | make-series n = count() on TimeGenerated step 1h by x';
const EVENTS = {
  A: [
    { x: 'a', y: 1, TimeGenerated: '2025-03-01T00:10:00Z' },
    { x: 'a', y: 1, TimeGenerated: '2025-03-01T01:10:00Z' },
    { x: 'a', y: 1, TimeGenerated: '2025-03-01T01:20:00Z' },
    { x: 'a', y: 1, TimeGenerated: '2025-03-01T03:20:00Z' },
  ],
};

describe('functions with several results: tuple assignment (issue 27)', () => {
  it.each([
    `${SERIES} | extend (anomalies, score, baseline) = series_decompose_anomalies(n, 1.5, -1, 'linefit')`,
    `${SERIES} | extend series_decompose_anomalies(n)`,
    `${SERIES} | extend z = series_decompose_anomalies(n)`,
    `${SERIES} | extend series_fit_line(n)`,
    `${SERIES} | extend (r, s, v, i, l, ln) = series_fit_line(n)`,
    `${SERIES} | extend (a, b) = series_fit_line(n)`,
    `${SERIES} | extend series_stats(n)`,
    `${SERIES} | extend k = series_stats(n), q = 1`,
    `${SERIES} | extend series_stats_dynamic(n)`,
    `${SERIES} | extend series_fill_forward(n), f = series_fill_const(n, 0)`,
    `${SERIES} | project (a, b, c) = series_decompose_anomalies(n)`,
  ])('%s: schema as Kusto.Language computes it; KQL accepted and round-trips', (q) => {
    checkSchemaAndKql(q);
  });

  it('keeps the tuple as written in the KQL output', () => {
    expect(emitKql(bindOp(`${SERIES} | extend (a, b) = series_fit_line(n)`))).toContain('(a, b) = series_fit_line(n)');
    expect(emitKql(bindOp(`${SERIES} | extend series_stats(n)`))).toMatch(/extend series_stats\(n\)\n$/);
  });

  it('series_stats and series_fit_line per row, each computed from the series once', () => {
    // Bins 00:00..03:00 hold 1, 2, 0, 1 rows.
    const [row] = runOp(`${SERIES} | extend series_stats(n) | extend (rsq, slope) = series_fit_line(n)`, EVENTS);
    expect(row!.n).toEqual([1, 2, 0, 1]);
    expect([row!.series_stats_n_min, row!.series_stats_n_min_idx, row!.series_stats_n_max, row!.series_stats_n_max_idx, row!.series_stats_n_avg]).toEqual([0, 2, 2, 1, 1]);
    // Sample variance of 1, 2, 0, 1 around 1: (0 + 1 + 1 + 0) / 3.
    expect(row!.series_stats_n_variance).toBeCloseTo(2 / 3);
    expect(row!.series_stats_n_stdev).toBeCloseTo(Math.sqrt(2 / 3));
    expect(row!.series_fit_line_n_line_fit).toHaveLength(4);
  });

  // https://learn.microsoft.com/kusto/query/series-stats-function and series-fit-line-function: the pages' examples.
  it('the documented examples of series_stats and series_fit_line', () => {
    const [s] = runOp('print x = dynamic([23, 46, 23, 87, 4, 8, 3, 75, 2, 56, 13, 75, 32, 16, 29]) | project series_stats(x)', {});
    expect(Object.values(s!).slice(0, 5)).toEqual([2, 8, 87, 3, 32.8]);
    expect(s!.series_stats_x_stdev).toBeCloseTo(28.5036338535483, 9);
    expect(s!.series_stats_x_variance).toBeCloseTo(812.457142857143, 9);
    const [f] = runOp('print y = dynamic([2, 5, 6, 8, 11, 15, 17, 18, 25, 26, 30, 30]) | extend (RSquare, Slope, Variance, RVariance, Interception, LineFit) = series_fit_line(y)', {});
    // The page shows three decimals (some truncated, some rounded): agree to within 0.005.
    const documented = { RSquare: 0.982, Slope: 2.73, Variance: 98.628, RVariance: 1.686, Interception: -1.666 };
    for (const [k, v] of Object.entries(documented)) expect(f![k], k).toBeCloseTo(v, 2);
    const line = f!.LineFit as number[];
    expect(line).toHaveLength(12);
    [1.064, 3.7945, 6.526, 9.256, 11.987, 14.718, 17.449, 20.18, 22.91, 25.641, 28.371, 31.102].forEach((v, i) => expect(line[i]).toBeCloseTo(v, 2));
    const [d] = runOp('print y = dynamic([2, 5, 6, 8, 11, 15, 17, 18, 25, 26, 30, 30]) | extend fit = series_fit_line_dynamic(y)', {});
    expect((d!.fit as Record<string, number>).slope).toBeCloseTo(2.7307692, 6);
  });

  it('series_stats: a null element makes every result null unless ignore_nonfinite is true', () => {
    const rows = runOp('print s = dynamic([1, null, 3]) | extend series_stats(s) | extend (mn, mi) = series_stats(s, true)', {});
    expect(rows[0]!.series_stats_s_min).toBeNull();
    expect([rows[0]!.mn, rows[0]!.mi]).toEqual([1, 0]);
  });

  it('series_fill_*: the documented examples', () => {
    const rows = runOp('print s = dynamic([null, 1, null, 3, null]) | extend f = series_fill_forward(s), b = series_fill_backward(s), c = series_fill_const(s, 0), l = series_fill_linear(s)', {});
    expect(rows[0]!.f).toEqual([null, 1, 1, 3, 3]);
    expect(rows[0]!.b).toEqual([1, 1, 3, 3, null]);
    expect(rows[0]!.c).toEqual([0, 1, 0, 3, 0]);
    expect(rows[0]!.l).toEqual([1, 1, 2, 3, 3]);
    expect(seriesFillLinear([null, 2, null, 6], null, false, -1)).toEqual([-1, 2, 4, 6]);
  });

  it('series_decompose_anomalies binds and compiles to KQL, but the JS evaluator stops with an explicit error, never rows', () => {
    expect(() => runOp(`${SERIES} | extend (a, s, b) = series_decompose_anomalies(n)`, EVENTS)).toThrow(NotEvaluatedError);
    expect(() => runOp(`${SERIES} | extend (a, s, b) = series_decompose_anomalies(n)`, EVENTS)).toThrow(/series_decompose_anomalies is not evaluated by detc's JS evaluator/);
  });

  it('clear errors', () => {
    expect(problemOf(`${SERIES} | extend (a, b) = strlen(x)`)).toMatch(/tuple assignment needs a function with several results/);
    expect(problemOf(`${SERIES} | extend (a, b, c, d) = series_decompose_anomalies(n)`)).toMatch(/series_decompose_anomalies has 3 results but 4 names are given/);
    expect(problemOf(`${SERIES} | extend series_stats(x)`)).toMatch(/series_stats needs a dynamic array/);
  });
});

describe('a function with several results runs once per row', () => {
  it('the results of one call share its memo (outputImpl): one run per row, not one per result', async () => {
    const { outputImpl } = await import('../../src/backends/js/outputs.js');
    let runs = 0;
    const impl = (y: unknown) => {
      runs++;
      return [y, 2 * (y as number), 3 * (y as number)];
    };
    const args = [{ kind: 'column', name: 'y', type: 'long', span: { start: 0, end: 1 } }] as const;
    const call = (output: number) => ({ kind: 'call', fn: 'f', args, type: 'long', output, span: { start: 0, end: 1 } }) as never;
    const parts = [0, 1, 2].map((i) => outputImpl(impl as never, call(i)));
    for (const y of [1, 2, 3]) expect(parts.map((p) => p(y))).toEqual([y, 2 * y, 3 * y]);
    expect(runs).toBe(3);
  });
});
