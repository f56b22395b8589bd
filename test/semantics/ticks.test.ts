/**
 * Datetimes and timespans at Kusto's precision, 100 ns ticks
 * (https://learn.microsoft.com/kusto/query/scalar-data-types/datetime: "datetime values ... measured
 * in 100-nanosecond units called ticks"; https://learn.microsoft.com/kusto/query/scalar-data-types/timespan).
 * Each test failed when the evaluator held whole milliseconds.
 */
import { describe, expect, it } from 'vitest';
import { compileQuery } from '../../src/backends/js/compile.js';
import { emitKql } from '../../src/backends/kql/emit.js';
import { rows, value, bind } from '../js/helpers.js';
import { splitTicks, ticksFromUnixMs, unixMsFromTicks } from '../../src/semantics/ticks.js';
import { formatDatetimeIso, toDatetime } from '../../src/semantics/values.js';
import { valueAllowingApproximation } from './approximation-helpers.js';
import { windowAdmission } from '../../src/backends/js/event-time.js';

/** Two events whose times differ by one tick, and a third equal to the first. */
const A = '2025-03-01T10:00:00.0000001Z';
const B = '2025-03-01T10:00:00.0000002Z';
const events = [{ t: A, s: 'a' }, { t: B, s: 'b' }, { t: A, s: 'c' }];

describe('events 100 ns apart are different values', () => {
  it('== and <', () => {
    expect(rows('T | where t == datetime(2025-03-01 10:00:00.0000001) | project s', events)).toEqual([{ s: 'a' }, { s: 'c' }]);
    expect(rows('T | where t > datetime(2025-03-01 10:00:00.0000001) | project s', events)).toEqual([{ s: 'b' }]);
  });

  it('sort, distinct, dcount, arg_max', () => {
    expect(rows('T | sort by t desc, s asc | project s', events)).toEqual([{ s: 'b' }, { s: 'a' }, { s: 'c' }]);
    expect(rows('T | distinct t | sort by t asc', events)).toEqual([{ t: '2025-03-01T10:00:00.0000001Z' }, { t: '2025-03-01T10:00:00.0000002Z' }]);
    expect(rows('T | summarize dcount(t), arg_max(t, s)', events)).toEqual([{ dcount_t: 2, t: '2025-03-01T10:00:00.0000002Z', s: 'b' }]);
  });

  it('join keys and group keys', () => {
    expect(rows('T | project t, l = s | join kind=inner (T | project t, r = s) on t | project l, r | sort by l asc, r asc', events)).toEqual([
      { l: 'a', r: 'a' }, { l: 'a', r: 'c' }, { l: 'b', r: 'b' }, { l: 'c', r: 'a' }, { l: 'c', r: 'c' },
    ]);
    expect(rows('T | summarize c = count() by t | sort by t asc', events)).toEqual([{ t: '2025-03-01T10:00:00.0000001Z', c: 2 }, { t: '2025-03-01T10:00:00.0000002Z', c: 1 }]);
  });

  it('the difference is one tick: a timespan, and 100 nanoseconds', () => {
    expect(rows('T | summarize d = max(t) - min(t)', events)).toEqual([{ d: '00:00:00.0000001' }]);
    expect(rows('T | summarize n = datetime_diff("nanosecond", max(t), min(t)), u = datetime_diff("microsecond", max(t), min(t))', events)).toEqual([{ n: 100, u: 0 }]);
  });
});

describe('text of ticks', () => {
  it('tostring of a datetime keeps seven fraction digits', () => {
    // https://learn.microsoft.com/kusto/query/tostring-function; the datetime page's literal.
    expect(value('tostring(datetime(2017-10-30 01:02:03.7654321))')).toBe('2017-10-30T01:02:03.7654321Z');
    expect(value('datetime(2017-10-30 01:02:03.7654321)')).toBe('2017-10-30T01:02:03.7654321Z');
  });

  it('a timespan of one tick', () => {
    // https://learn.microsoft.com/kusto/query/scalar-data-types/timespan: 1tick is 100 ns; timespan(n)
    // is n days (timespan(2) is 2 days), so time(0.0000001) is 8.64 ms.
    expect(value('tostring(time(0.0000001))')).toBe('00:00:00.0086400');
    expect(value('time(2)')).toBe('2.00:00:00');
    expect(value('tostring(1tick)')).toBe('00:00:00.0000001');
    expect(value('7tick')).toBe('00:00:00.0000007');
    expect(value('tostring(1microsecond)')).toBe('00:00:00.0000010');
    expect(value('totimespan("00:00:00.0000007") == 7tick')).toBe(true);
    expect(value('format_timespan(7tick, "fffffff")')).toBe('0000007');
  });

  it('far dates print as written (years 1 and 9999: a double is a multiple of 128 or 512 ticks there)', () => {
    expect(value('tostring(datetime(0001-01-01))')).toBe('0001-01-01T00:00:00.0000000Z');
    expect(value('tostring(datetime(9999-12-31 23:59:59.999))')).toBe('9999-12-31T23:59:59.9990000Z');
    expect(value('tostring(datetime(9999-12-31 23:59:59.1234))')).toBe('9999-12-31T23:59:59.1234000Z');
    expect(value('datetime(0001-01-01) < datetime(0001-01-01 00:00:00.001)')).toBe(true);
    expect(value('datetime_part("year", datetime(0001-01-01))')).toBe(1);
    expect(value('format_datetime(datetime(9999-12-31 23:59:59.999), "yyyy-MM-dd HH:mm:ss.fff")')).toBe('9999-12-31 23:59:59.999');
    // endof* far from 2020: the last value detc holds before the next period (a double 512 ticks
    // below it at the year 9999), still after every millisecond of the period.
    expect(value('endofyear(datetime(9999-06-01)) > datetime(9999-12-31 23:59:59.999)')).toBe(true);
    // The literal .9999999 is read toward the past to the same last value (never the year 10000), so they are equal, as in Kusto.
    expect(value('endofyear(datetime(9999-06-01)) == datetime(9999-12-31 23:59:59.9999999)')).toBe(true);
    expect(value('endofyear(datetime(9999-06-01))')).toBe('9999-12-31T23:59:59.9999500Z');
    expect(value('endofyear(datetime(2047-06-01))')).toBe('2047-12-31T23:59:59.9999999Z');
  });

  it('the range: tick-exact from mid-1991 to mid-2048, whole milliseconds exact for every year', () => {
    const exact = (iso: string) => Math.abs(toDatetime(iso)!) <= Number.MAX_SAFE_INTEGER;
    expect([exact('1991-07-01T00:00:00Z'), exact('2048-06-01T00:00:00Z'), exact('1991-06-01T00:00:00Z'), exact('2048-08-01T00:00:00Z')]).toEqual([true, true, false, false]);
    expect(formatDatetimeIso(toDatetime('2048-06-01T00:00:00.0000001Z')!)).toBe('2048-06-01T00:00:00.0000001Z');
    expect(splitTicks(toDatetime('0001-01-01T00:00:00.001Z')! + 0)[1]).toBe(10_000);
  });
});

describe('datetime functions below the millisecond', () => {
  it('datetime_part and datetime_diff in microseconds and nanoseconds (the pages\' examples)', () => {
    // https://learn.microsoft.com/kusto/query/datetime-part-function
    expect(value('datetime_part("microsecond", datetime(2017-10-30 01:02:03.7654321))')).toBe(765432);
    expect(value('datetime_part("nanosecond", datetime(2017-10-30 01:02:03.7654321))')).toBe(765432100);
    expect(value('datetime_part("millisecond", datetime(2017-10-30 01:02:03.7654321))')).toBe(765);
    // https://learn.microsoft.com/kusto/query/datetime-diff-function
    expect(value("datetime_diff('microsecond', datetime(2017-10-30 23:00:10.100), datetime(2017-10-30 23:00:00.900))")).toBe(9200000);
    expect(value("datetime_diff('nanosecond', datetime(2017-10-30 23:00:00.0000000), datetime(2017-10-30 23:00:00.0000007))")).toBe(-700);
    expect(value("datetime_diff('millisecond', datetime(2017-10-30 23:00:00.0009999), datetime(2017-10-30 23:00:00.0010000))")).toBe(-1);
  });

  it('format_datetime to seven digits; between a datetime and a timespan of one tick', () => {
    // https://learn.microsoft.com/kusto/query/format-datetime-function: f..fffffff are the fraction's digits.
    expect(value('format_datetime(datetime(2017-10-30 01:02:03.7654321), "HH:mm:ss.fffffff|FFFF")')).toBe('01:02:03.7654321|7654');
    // https://learn.microsoft.com/kusto/query/between-operator: datetime .. timespan ends at the datetime plus the timespan.
    const e = [{ t: '2025-03-01T10:00:00.0000001Z', s: 'in' }, { t: '2025-03-01T10:00:00.0000002Z', s: 'out' }];
    expect(rows('T | where t between (datetime(2025-03-01 10:00:00) .. 1tick) | project s', e)).toEqual([{ s: 'in' }]);
  });

  it('datetime_add of micro- and nanoseconds, whole ticks', () => {
    expect(value("datetime_add('microsecond', 1, datetime(2017-01-01))")).toBe('2017-01-01T00:00:00.0000010Z');
    expect(value("datetime_add('nanosecond', 300, datetime(2017-01-01))")).toBe('2017-01-01T00:00:00.0000003Z');
  });

  it('bin of a datetime to 1ms and to 1tick; bin_at on ticks', () => {
    const e = [{ t: '2025-03-01T10:00:00.1234567Z' }];
    expect(rows('T | project a = bin(t, 1ms), b = bin(t, 1tick), c = bin(t, 1microsecond), d = bin(t, 1d), e = floor(t, 10tick)', e)).toEqual([
      { a: '2025-03-01T10:00:00.1230000Z', b: '2025-03-01T10:00:00.1234567Z', c: '2025-03-01T10:00:00.1234560Z', d: '2025-03-01T00:00:00Z', e: '2025-03-01T10:00:00.1234560Z' },
    ]);
    expect(value('bin(7tick, 2tick)')).toBe('00:00:00.0000006');
    // Bins of a size that does not divide a day count from 1970-01-01 (a Thursday), as before ticks.
    expect(value('bin(datetime(2025-03-01 10:00), 7d)')).toBe('2025-02-27T00:00:00Z');
    expect(value('bin(datetime(1969-12-31 10:00), 7d)')).toBe('1969-12-25T00:00:00Z');
    expect(value('bin_at(datetime(2025-03-01 10:00:00.0000005), 2tick, datetime(2025-03-01 10:00:00.0000002))')).toBe('2025-03-01T10:00:00.0000004Z');
  });

  it('tolong: a timespan is its ticks; a datetime its ticks since 0001-01-01 (the nearest double, a named approximation)', () => {
    // Kusto holds a timespan and a datetime as ticks; tolong gives that long (1s = 10000000 ticks).
    expect(value('tolong(1s)')).toBe(10_000_000);
    expect(value('tolong(1tick)')).toBe(1);
    expect(valueAllowingApproximation('tolong(datetime(1970-01-01))')).toBe(621_355_968_000_000_000);
    expect(valueAllowingApproximation('tolong(datetime(2015-01-01))')).toBe(Number(635_556_672_000_000_000n));
  });

  it('timespan arithmetic with reals, and timespan / timespan', () => {
    expect(value('1d * 1.5')).toBe('1.12:00:00');
    expect(value('1h / 2')).toBe('00:30:00');
    expect(value('1h / 1tick')).toBe(36_000_000_000);
    expect(value('1s / 1ms')).toBe(1000);
    expect(value('make_timespan(1, 2, 3, 4)')).toBe('1.02:03:04');
  });

  it('unixtime conversions keep the ticks of their unit', () => {
    expect(value('unixtime_microseconds_todatetime(1546300800000001)')).toBe('2019-01-01T00:00:00.0000010Z');
    // A long is a double in the evaluator: 1546300800000000100 is not one (the nearest is ...000), so
    // nanoseconds are exact to the tick only up to 2^53 (1970-04-15); the whole second is exact.
    expect(value('unixtime_nanoseconds_todatetime(1546300800000000000)')).toBe('2019-01-01T00:00:00Z');
    expect(value('unixtime_nanoseconds_todatetime(1546300800)')).toBe('1970-01-01T00:00:01.5463008Z');
    expect(value('unixtime_milliseconds_todatetime(1546300800123)')).toBe('2019-01-01T00:00:00.1230000Z');
    expect(value('unixtime_seconds_todatetime(1546300800)')).toBe('2019-01-01T00:00:00Z');
  });
});

describe('the surfaces that count in milliseconds keep them', () => {
  it('an event\'s JSON number is milliseconds since 1970; todatetime of a number likewise', () => {
    const ms = Date.UTC(2025, 2, 1, 10, 0, 0, 250);
    expect(rows('T | project t', [{ t: ms }])).toEqual([{ t: '2025-03-01T10:00:00.2500000Z' }]);
    expect(rows('T | project t = todatetime(n)', [{ n: ms }])).toEqual([{ t: '2025-03-01T10:00:00.2500000Z' }]);
    expect(rows('T | project ts', [{ ts: 1500 }])).toEqual([{ ts: '00:00:01.5000000' }]);
  });

  it('the clock and the window are milliseconds; ago() and now() follow them to the tick', () => {
    const now = Date.UTC(2025, 3, 1, 12);
    const q = compileQuery(bind('T | where TimeGenerated > ago(1h) | project s, at = now(), back = ago(1tick)'));
    const out = q.run([{ TimeGenerated: '2025-04-01T11:00:00.0000001Z', s: 'in' }, { TimeGenerated: '2025-04-01T11:00:00Z', s: 'edge' }, { TimeGenerated: '2025-04-01T12:00:00.0000001Z', s: 'future' }], { now, windowMs: 3_600_000 }).rows;
    expect(out).toEqual([{ s: 'in', at: '2025-04-01T12:00:00Z', back: '2025-04-01T11:59:59.9999999Z' }]);
  });

  it('the readers\' window test agrees with the query\'s to the tick, and names the dropped time to the tick', () => {
    const now = Date.UTC(2025, 3, 1, 12);
    const admit = windowAdmission(bind('T | where TimeGenerated > ago(1d)'), { now, windowMs: 3_600_000 })!;
    expect(admit({ TimeGenerated: '2025-04-01T11:00:00Z' })).toBeUndefined();
    expect(admit({ TimeGenerated: '2025-04-01T12:00:00Z' })).toBeUndefined();
    const late = admit({ TimeGenerated: '2025-04-01T12:00:00.0000001Z' });
    expect(late?.reason).toBe('outsideWindow');
    expect(formatDatetimeIso(late!.ticks!)).toBe('2025-04-01T12:00:00.0000001Z');
    expect(admit({ TimeGenerated: '2025-04-01T10:59:59.9999999Z' })?.reason).toBe('outsideWindow');
  });

  it('ms and ticks convert both ways exactly for whole milliseconds', () => {
    for (const ms of [0, Date.UTC(2025, 2, 1), Date.UTC(1, 0, 1), Date.UTC(9999, 11, 31, 23, 59, 59, 999), -1]) expect(unixMsFromTicks(ticksFromUnixMs(ms))).toBe(ms);
  });

  it('the KQL output writes the literals as before, sub-millisecond ones to the tick', () => {
    expect(emitKql(bind('T | where t > datetime(2017-10-30 01:02:03.7654321) and t < datetime(2025-03-01) and ts < 7tick and ts > 100ms and ts != 1.5d and ts != 90m | extend d = time(2)'))).toBe(
      'T\n| where t > datetime(2017-10-30T01:02:03.7654321Z) and t < datetime(2025-03-01T00:00:00Z) and ts < 7tick and ts > 100ms and ts != 36h and ts != 90m\n| extend d = 2d\n',
    );
  });
});
