/**
 * series_* functions over make-series arrays (issue 27).
 * https://learn.microsoft.com/kusto/query/series-stats-function, series-fit-line-function,
 * series-fill-forward-function (and -backward, -const, -linear), series-decompose-anomalies-function.
 * Elements that are not finite numbers (null, NaN, strings) count as missing.
 */
import { ExternalDataError } from '../backends/js/externaldata.js';
import type { ScalarType } from '../ir/types.js';
import { parseJson, toNumber, type Value } from '../semantics/values.js';
import type { ScalarEntry, TypeRule } from './types.js';

/**
 * A function the JS evaluator does not run: the run stops with this message rather than give rows.
 * An ExternalDataError so that `detc run` and `detc test` report it as they report a missing local copy.
 */
export class NotEvaluatedError extends ExternalDataError {}

const fail = (error: string) => ({ error });
const isSeries = (t: ScalarType | undefined) => t === 'dynamic';

/** The first argument must be a dynamic array; the result is the first output's type. */
const seriesType = (fn: string, result: ScalarType): TypeRule => (args) =>
  isSeries(args[0]) ? result : fail(`${fn} needs a dynamic array (a make-series column) as its first argument, not ${args[0]}`);

const arrayOf = (v: Value): Value[] | null => {
  const d = typeof v === 'string' ? parseJson(v) : v;
  return Array.isArray(d) ? d : null;
};
const finite = (v: Value): number | null => {
  if (typeof v !== 'number' && typeof v !== 'bigint') return null;
  const n = toNumber(v);
  return n !== null && Number.isFinite(n) ? n : null;
};

const STATS = [
  { suffix: 'min', type: 'real' }, { suffix: 'min_idx', type: 'long' }, { suffix: 'max', type: 'real' }, { suffix: 'max_idx', type: 'long' },
  { suffix: 'avg', type: 'real' }, { suffix: 'stdev', type: 'real' }, { suffix: 'variance', type: 'real' },
] as const;

/** min, min_idx, max, max_idx, avg, sample stdev and variance; null when a value is not finite and `ignoreNonFinite` is false. */
export function seriesStats(series: Value, ignoreNonFinite: Value = false): (number | null)[] {
  const none = STATS.map(() => null);
  const xs = arrayOf(series);
  if (!xs) return none;
  let min = Infinity, max = -Infinity, minIdx = -1, maxIdx = -1, sum = 0, n = 0;
  const values: number[] = [];
  for (const [i, raw] of xs.entries()) {
    const x = finite(raw);
    if (x === null) {
      if (ignoreNonFinite !== true) return none;
      continue;
    }
    if (x < min) [min, minIdx] = [x, i];
    if (x > max) [max, maxIdx] = [x, i];
    sum += x;
    n++;
    values.push(x);
  }
  if (n === 0) return none;
  const avg = sum / n;
  const variance = n > 1 ? values.reduce((s, x) => s + (x - avg) ** 2, 0) / (n - 1) : 0;
  return [min, minIdx, max, maxIdx, avg, Math.sqrt(variance), variance];
}

const FIT = [
  { suffix: 'rsquare', type: 'real' }, { suffix: 'slope', type: 'real' }, { suffix: 'variance', type: 'real' },
  { suffix: 'rvariance', type: 'real' }, { suffix: 'interception', type: 'real' }, { suffix: 'line_fit', type: 'dynamic' },
] as const;

/**
 * Least-squares line through (1, y1), (2, y2), ... (x from 1, as the documented example's line_fit
 * shows): rsquare, slope, sample variance of y, residual variance (squared residuals over n - 1, which
 * reproduces the documented figures), interception and the fitted line. Missing elements make every output null.
 */
export function seriesFitLine(series: Value): Value[] {
  const none = FIT.map(() => null);
  const ys = arrayOf(series)?.map(finite);
  if (!ys || ys.length === 0 || ys.some((y) => y === null)) return none;
  const y = ys as number[];
  const n = y.length;
  const meanX = (n + 1) / 2;
  const meanY = y.reduce((s, v) => s + v, 0) / n;
  let sxy = 0, sxx = 0;
  y.forEach((v, i) => {
    sxy += (i + 1 - meanX) * (v - meanY);
    sxx += (i + 1 - meanX) ** 2;
  });
  const slope = sxx === 0 ? 0 : sxy / sxx;
  const interception = meanY - slope * meanX;
  const line = y.map((_, i) => interception + slope * (i + 1));
  const ss = y.reduce((s, v) => s + (v - meanY) ** 2, 0);
  const sse = y.reduce((s, v, i) => s + (v - line[i]!) ** 2, 0);
  const dof = Math.max(n - 1, 1);
  return [ss === 0 ? 1 : 1 - sse / ss, slope, ss / dof, sse / dof, interception, line];
}

/** `missing`: the element value that counts as missing (null unless given). */
const isMissing = (v: Value, missing: Value): boolean => (missing === null || missing === undefined ? v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v)) : v === missing);

export function seriesFill(series: Value, how: 'forward' | 'backward', missing: Value = null): Value {
  const xs = arrayOf(series);
  if (!xs) return null;
  const out = [...xs];
  const order = how === 'forward' ? out.keys() : [...out.keys()].reverse();
  let last: Value = undefined;
  for (const i of order) {
    if (isMissing(out[i], missing)) {
      if (last !== undefined) out[i] = last;
    } else last = out[i];
  }
  return out;
}

export function seriesFillConst(series: Value, constant: Value, missing: Value = null): Value {
  const xs = arrayOf(series);
  return xs ? xs.map((v) => (isMissing(v, missing) ? constant : v)) : null;
}

/** Missing elements between two known ones lie on the line between them; at the edges the nearest known value (fill_edges) or `constant`. */
export function seriesFillLinear(series: Value, missing: Value = null, fillEdges: Value = true, constant: Value = null): Value {
  const xs = arrayOf(series);
  if (!xs) return null;
  const known = xs.flatMap((v, i) => (isMissing(v, missing) || finite(v) === null ? [] : [i]));
  if (known.length === 0) return xs;
  const out: Value[] = [...xs];
  for (let i = 0; i < out.length; i++) {
    if (known.includes(i)) continue;
    const before = known.filter((k) => k < i).pop();
    const after = known.find((k) => k > i);
    if (before !== undefined && after !== undefined) {
      const a = finite(xs[before])!, b = finite(xs[after])!;
      out[i] = a + ((b - a) * (i - before)) / (after - before);
    } else if (fillEdges === false) out[i] = constant;
    else out[i] = xs[(before ?? after)!];
  }
  return out;
}

const DECOMPOSE = [{ suffix: 'ad_flag', type: 'dynamic' }, { suffix: 'ad_score', type: 'dynamic' }, { suffix: 'baseline', type: 'dynamic' }] as const;

const dynamic: TypeRule = (args) => (isSeries(args[0]) ? 'dynamic' : fail(`needs a dynamic array (a make-series column) as its first argument, not ${args[0]}`));

export const SERIES_ENTRIES: ScalarEntry[] = [
  {
    kind: 'scalar', name: 'series_stats', arity: [1, 2], kql: { call: 'series_stats' }, outputs: STATS,
    type: seriesType('series_stats', 'real'), doc: 'min, min_idx, max, max_idx, avg, stdev, variance of a series',
    js: () => (s, ignore) => seriesStats(s, ignore),
  },
  {
    kind: 'scalar', name: 'series_stats_dynamic', arity: [1, 2], kql: { call: 'series_stats_dynamic' },
    type: seriesType('series_stats_dynamic', 'dynamic'), doc: 'series_stats as a property bag',
    js: () => (s, ignore) => Object.fromEntries(seriesStats(s, ignore).map((v, i) => [STATS[i]!.suffix, v])),
  },
  {
    kind: 'scalar', name: 'series_fit_line', arity: [1, 1], kql: { call: 'series_fit_line' }, outputs: FIT,
    type: seriesType('series_fit_line', 'real'), doc: 'linear regression of a series: rsquare, slope, variance, rvariance, interception, line_fit',
    js: () => (s) => seriesFitLine(s),
  },
  {
    kind: 'scalar', name: 'series_fit_line_dynamic', arity: [1, 1], kql: { call: 'series_fit_line_dynamic' },
    type: seriesType('series_fit_line_dynamic', 'dynamic'), doc: 'series_fit_line as a property bag',
    js: () => (s) => Object.fromEntries(seriesFitLine(s).map((v, i) => [FIT[i]!.suffix, v])),
  },
  {
    kind: 'scalar', name: 'series_fill_forward', arity: [1, 2], kql: { call: 'series_fill_forward' }, passesName: true,
    type: dynamic, doc: 'missing series elements take the previous known value', js: () => (s, m) => seriesFill(s, 'forward', m),
  },
  {
    kind: 'scalar', name: 'series_fill_backward', arity: [1, 2], kql: { call: 'series_fill_backward' }, passesName: true,
    type: dynamic, doc: 'missing series elements take the next known value', js: () => (s, m) => seriesFill(s, 'backward', m),
  },
  {
    kind: 'scalar', name: 'series_fill_const', arity: [2, 3], kql: { call: 'series_fill_const' }, passesName: true,
    type: dynamic, doc: 'missing series elements take a constant', js: () => (s, c, m) => seriesFillConst(s, c, m),
  },
  {
    kind: 'scalar', name: 'series_fill_linear', arity: [1, 4], kql: { call: 'series_fill_linear' }, passesName: true,
    type: dynamic, doc: 'missing series elements are interpolated linearly', js: () => (s, m, e, c) => seriesFillLinear(s, m, e, c),
  },
  {
    kind: 'scalar', name: 'series_decompose_anomalies', arity: [1, 7], kql: { call: 'series_decompose_anomalies' }, outputs: DECOMPOSE,
    type: seriesType('series_decompose_anomalies', 'dynamic'), doc: 'anomaly flags, scores and baseline of a series (KQL only: not evaluated in JS)',
    js: () => () => {
      throw new NotEvaluatedError('series_decompose_anomalies is not evaluated by detc\'s JS evaluator (its seasonal decomposition is not implemented); the rule compiles to KQL, but detc run/test cannot give its rows');
    },
  },
];
