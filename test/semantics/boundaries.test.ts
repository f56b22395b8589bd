/**
 * Every comparison-like operator at its boundaries, so that a small wrong change (an exclusive end,
 * `<` for `<=`, a lost case fold, `lt` as `<=`) fails a test. Expected values follow the pages cited.
 */
import { describe, expect, it } from 'vitest';
import { triggers, type AlertSpec } from '../../src/backends/js/alerts.js';
import { keeps, rows } from '../js/helpers.js';

describe('comparisons at equal values', () => {
  // https://learn.microsoft.com/kusto/query/numerical-operators
  it('< <= > >= == != on numbers, datetimes and timespans', () => {
    const cases: [string, object, boolean][] = [
      ['n < 5', { n: 5 }, false], ['n <= 5', { n: 5 }, true], ['n > 5', { n: 5 }, false], ['n >= 5', { n: 5 }, true],
      ['n < 5', { n: 4 }, true], ['n > 5', { n: 6 }, true], ['n == 5', { n: 5 }, true], ['n != 5', { n: 5 }, false],
      ['t < datetime(2021-01-01)', { t: '2021-01-01T00:00:00Z' }, false], ['t <= datetime(2021-01-01)', { t: '2021-01-01T00:00:00Z' }, true],
      ['t > datetime(2021-01-01)', { t: '2021-01-01T00:00:00.001Z' }, true], ['t >= datetime(2021-01-01)', { t: '2020-12-31T23:59:59.999Z' }, false],
      ['ts < 1h', { ts: '01:00:00' }, false], ['ts <= 1h', { ts: '01:00:00' }, true],
    ];
    for (const [predicate, event, expected] of cases) expect([predicate, keeps(predicate, event)]).toEqual([predicate, expected]);
  });
});

describe('between and !between include both ends', () => {
  // https://learn.microsoft.com/kusto/query/between-operator, .../not-between-operator
  it('numbers', () => {
    const inside = (n: number) => keeps('n between (5 .. 9)', { n });
    const outside = (n: number) => keeps('n !between (5 .. 9)', { n });
    expect([4, 5, 9, 10].map(inside)).toEqual([false, true, true, false]);
    expect([4, 5, 9, 10].map(outside)).toEqual([true, false, false, true]);
  });
  it('datetimes', () => {
    const inside = (t: string) => keeps('t between (datetime(2021-01-01) .. datetime(2021-01-02))', { t });
    expect(['2020-12-31T23:59:59.999Z', '2021-01-01T00:00:00Z', '2021-01-02T00:00:00Z', '2021-01-02T00:00:00.001Z'].map(inside)).toEqual([false, true, true, false]);
  });
});

describe('case folding', () => {
  // https://learn.microsoft.com/kusto/query/datatypes-string-operators
  it('=~, in~, has, contains, startswith, endswith fold case; ==, in, the _cs forms do not', () => {
    const cases: [string, boolean][] = [
      ['s =~ "ABC"', true], ['s !~ "ABC"', false], ['s == "ABC"', false], ['s != "ABC"', true], ['s in~ ("ABC")', true], ['s !in~ ("ABC")', false],
      ['s in ("ABC")', false], ['s !in ("ABC")', true], ['s has "ABC"', true], ['s has_cs "ABC"', false], ['s contains "B"', true], ['s contains_cs "B"', false],
      ['s startswith "AB"', true], ['s startswith_cs "AB"', false], ['s endswith "BC"', true], ['s endswith_cs "BC"', false],
      ['s hasprefix "AB"', true], ['s hasprefix_cs "AB"', false], ['s hassuffix "BC"', true], ['s hassuffix_cs "BC"', false],
    ];
    for (const [predicate, expected] of cases) expect([predicate, keeps(predicate, { s: 'abc' })]).toEqual([predicate, expected]);
  });
});

describe('case folding when the right side is a column (no constant to fold once)', () => {
  // https://learn.microsoft.com/kusto/query/datatypes-string-operators: the same rules as above.
  it('=~, in~, has, contains, startswith, endswith fold case; ==, in, the _cs forms do not', () => {
    const cases: [string, boolean][] = [
      ['s =~ s2', true], ['s !~ s2', false], ['s == s2', false], ['s in~ (s2)', true], ['s !in~ (s2)', false], ['s in (s2)', false],
      ['s has s2', true], ['s has_cs s2', false], ['s contains s2', true], ['s contains_cs s2', false],
      ['s startswith s2', true], ['s startswith_cs s2', false], ['s endswith s2', true], ['s endswith_cs s2', false],
      ['s hasprefix s2', true], ['s hasprefix_cs s2', false], ['s hassuffix s2', true], ['s hassuffix_cs s2', false],
    ];
    for (const [predicate, expected] of cases) expect([predicate, keeps(predicate, { s: 'abc', s2: 'ABC' })]).toEqual([predicate, expected]);
    // And the _cs forms do match when the case is the same.
    expect(['has_cs', 'contains_cs', 'startswith_cs', 'endswith_cs'].map((op) => keeps(`s ${op} s2`, { s: 'abc', s2: 'abc' }))).toEqual([true, true, true, true]);
  });

  it('strings order ordinally (upper case before lower case) in sort, min and max', () => {
    // Kusto leaves string collation undocumented; detc compares ordinally (docs/SEMANTICS.md).
    const events = ['b', 'B', 'a', 'A'].map((s) => ({ s }));
    expect(rows('T | sort by s asc | project s', events).map((r) => r.s)).toEqual(['A', 'B', 'a', 'b']);
    expect(rows('T | summarize min(s), max(s)', events)).toEqual([{ min_s: 'A', max_s: 'b' }]);
  });
});

describe('alert triggers at their threshold', () => {
  // https://learn.microsoft.com/azure/sentinel/detect-threats-custom ("Generate alert when number of
  // query results is greater than / less than / equal to / not equal to" the threshold)
  const fires = (triggerOperator: AlertSpec['triggerOperator'], count: number) => triggers({ triggerOperator, triggerThreshold: 3 } as AlertSpec, count);
  it('gt, lt, eq, ne at threshold - 1, threshold and threshold + 1', () => {
    expect([2, 3, 4].map((n) => fires('gt', n))).toEqual([false, false, true]);
    expect([2, 3, 4].map((n) => fires('lt', n))).toEqual([true, false, false]);
    expect([2, 3, 4].map((n) => fires('eq', n))).toEqual([false, true, false]);
    expect([2, 3, 4].map((n) => fires('ne', n))).toEqual([true, false, true]);
  });
});
