/**
 * The behaviours issue 28 found wrong, each against the Microsoft documentation page cited. The
 * expected values are the documented ones, not what the code computes.
 */
import { describe, expect, it } from 'vitest';
import { bind, keeps, rows, value } from '../js/helpers.js';

describe('% is never negative: 0 <= N % D < abs(D)', () => {
  // https://learn.microsoft.com/kusto/query/numerical-operators ("Note on the modulo operator")
  it('follows the documented sign rule for every sign combination', () => {
    expect([value('14 % 12'), value('-14 % 12'), value('14 % -12'), value('-14 % -12')]).toEqual([2, 10, 2, 10]);
    expect(value('n % -5', { n: 7 })).toBe(2);
    expect(value('n % 5', { n: -5 })).toBe(0);
  });
});

describe('datetimes and timespans as text', () => {
  // https://learn.microsoft.com/kusto/query/tostring-function, .../scalar-data-types/timespan
  it('tostring() of a timespan or datetime is Kusto\'s text, not milliseconds', () => {
    expect(value('tostring(1d + 2h + 3m + 4.5s)')).toBe('1.02:03:04.5000000');
    expect(value('tostring(ts)', { ts: '00:00:02' })).toBe('00:00:02');
    expect(value('tostring(datetime(2021-01-01))')).toBe('2021-01-01T00:00:00.0000000Z');
    expect(value('tostring(t)', { t: '2021-01-01T10:00:00.123Z' })).toBe('2021-01-01T10:00:00.1230000Z');
  });

  // https://learn.microsoft.com/kusto/query/pack-array-function (`[1,"2","00:00:02"]`)
  it('pack_array, bag_pack and pack keep datetimes and timespans as their text', () => {
    expect(value('pack_array(1, "2", 2s)')).toEqual([1, '2', '00:00:02']);
    expect(value('bag_pack("at", datetime(2021-01-01), "for", 90m)')).toEqual({ at: '2021-01-01T00:00:00.0000000Z', for: '01:30:00' });
    expect(value('pack("t", t)', { t: '2021-01-01T00:00:00Z' })).toEqual({ t: '2021-01-01T00:00:00.0000000Z' });
  });

  // https://learn.microsoft.com/kusto/query/make-list-aggregation-function
  it('make_list and make_set list datetimes and timespans as their text', () => {
    const events = [{ t: '2021-01-01T00:00:00Z', ts: '00:01:00' }, { t: '2021-01-02T00:00:00Z', ts: '00:01:00' }];
    expect(rows('T | summarize l = make_list(t), s = make_set(ts), n = dcount(ts)', events)).toEqual([
      { l: ['2021-01-01T00:00:00.0000000Z', '2021-01-02T00:00:00.0000000Z'], s: ['00:01:00'], n: 1 },
    ]);
  });
});

describe('avg of timespans', () => {
  // https://learn.microsoft.com/kusto/query/avg-aggregation-function: the result has the input's type for timespans
  it('is typed timespan and averages them', () => {
    const ir = bind('T | summarize a = avg(ts)');
    expect(ir.body.schema).toEqual([{ name: 'a', type: 'timespan' }]);
    expect(rows('T | summarize a = avg(ts)', [{ ts: '00:01:00' }, { ts: '00:03:00' }])).toEqual([{ a: '00:02:00' }]);
  });
});

describe('between a datetime and a timespan', () => {
  // https://learn.microsoft.com/kusto/query/between-operator: `datetime .. timespan` is [d, d + timespan], inclusive
  const at = (t: string) => keeps('t between (datetime(2021-01-01) .. 1d)', { t });
  it('matches from the datetime to the datetime plus the timespan, both ends included', () => {
    expect(at('2020-12-31T23:59:59.999Z')).toBe(false);
    expect(at('2021-01-01T00:00:00Z')).toBe(true);
    expect(at('2021-01-01T12:00:00Z')).toBe(true);
    expect(at('2021-01-02T00:00:00Z')).toBe(true);
    expect(at('2021-01-02T00:00:00.001Z')).toBe(false);
    expect(keeps('t !between (datetime(2021-01-01) .. 1d)', { t: '2021-01-02T00:00:00.001Z' })).toBe(true);
    expect(keeps('t !between (datetime(2021-01-01) .. 1d)', { t: '2021-01-02T00:00:00Z' })).toBe(false);
  });
});

describe('make_set of dynamic arrays', () => {
  // https://learn.microsoft.com/kusto/query/make-set-aggregation-function ("Set from array column")
  it('adds the arrays\' elements, distinct, while dcount of the same column counts whole arrays', () => {
    const events = [{ d: ['A1', 'A2', 'A3'] }, { d: ['A2', 'C1'] }, { d: ['C2', 'A1'] }, { d: ['C2', 'A3'] }, { d: ['C2', 'A3'] }];
    expect(rows('T | summarize s = make_set(d), n = dcount(d), few = make_set(d, 2)', events)).toEqual([{ s: ['A1', 'A2', 'A3', 'C1', 'C2'], n: 4, few: ['A1', 'A2'] }]);
  });
});

describe('ipv4_is_private with a prefix', () => {
  // https://learn.microsoft.com/kusto/query/ipv4-is-private-function (192.168.1.1/24 -> true)
  it('is true when the whole network is private', () => {
    expect(value('ipv4_is_private("192.168.1.1/24")')).toBe(true);
    expect(value('ipv4_is_private("10.1.2.3/8")')).toBe(true);
    expect(value('ipv4_is_private("10.1.2.3/7")')).toBe(false); // 10.0.0.0/7 reaches 11.x
    expect(value('ipv4_is_private("172.32.0.1/16")')).toBe(false);
    expect(value('ipv4_is_private("192.168.1.1/33")')).toBe(null);
  });
});

describe('datetime_diff in sub-millisecond units', () => {
  // https://learn.microsoft.com/kusto/query/datetime-diff-function: the count of unit boundaries between the datetimes
  it('is the difference scaled, exact for the millisecond datetimes detc holds', () => {
    expect(value("datetime_diff('microsecond', datetime(2017-10-30 23:00:00.102), datetime(2017-10-30 23:00:00.100))")).toBe(2000);
    expect(value("datetime_diff('nanosecond', datetime(2017-10-30 23:00:00.000), datetime(2017-10-30 23:00:00.007))")).toBe(-7_000_000);
    expect(value("datetime_diff('millisecond', datetime(2017-10-30 23:00:00.200), datetime(2017-10-30 23:00:00.100))")).toBe(100);
  });
});

describe('dcount and dcountif skip only nulls', () => {
  // https://learn.microsoft.com/kusto/query/dcount-aggregation-function: null values are ignored ("" is a value)
  it('counts the empty string as a value', () => {
    const events = [{ s: 'a', b: true }, { s: '', b: true }, { s: 'a', b: false }, { n: 1, b: true }];
    expect(rows('T | summarize d = dcount(s), di = dcountif(s, b), dn = dcount(n)', events)).toEqual([{ d: 2, di: 2, dn: 1 }]);
  });
});
