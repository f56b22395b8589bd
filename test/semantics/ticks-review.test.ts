/**
 * Review of the evaluator's 100 ns ticks (docs/SEMANTICS.md, "Datetime precision"): each test
 * failed before its fix. Kusto holds datetimes and timespans as whole ticks
 * (https://learn.microsoft.com/kusto/query/scalar-data-types/datetime,
 * https://learn.microsoft.com/kusto/query/scalar-data-types/timespan).
 */
import { describe, expect, it } from 'vitest';
import { compileQuery } from '../../src/backends/js/compile.js';
import { windowAdmission } from '../../src/backends/js/event-time.js';
import { emitKql } from '../../src/backends/kql/emit.js';
import { kustoDiagnostics } from '../../src/backends/kql/kusto.js';
import { parseClock } from '../../src/semantics/time.js';
import { millisecondsOf, ticksFromUnixMs, TICKS_PER_MS } from '../../src/semantics/ticks.js';
import { toDatetime } from '../../src/semantics/values.js';
import { bind, value } from '../js/helpers.js';
import { bindOp, checkSchemaAndKql, kustoSchema, opTables, runOp } from '../operators/helpers.js';
import { valueAllowingApproximation } from './approximation-helpers.js';
import { problems } from './query-checks.js';

describe('1. a clock with digits below the millisecond is a whole number of ticks', () => {
  // https://learn.microsoft.com/kusto/query/now-function: now() is the current UTC time; here the
  // run's clock. An event at that very time is in the window (ago(1h) < t <= now()).
  const text = '2024-01-10T00:10:20.2634241Z';
  const now = parseClock(text)!;

  it('the clock in ticks is whole and equals the same text read as a datetime', () => {
    expect(Number.isInteger(ticksFromUnixMs(now))).toBe(true);
    expect(ticksFromUnixMs(now)).toBe(toDatetime(text));
  });

  it('now() == datetime(<same text>); an event at now is kept by the query and by the readers\' window', () => {
    const ir = bind(`T | where TimeGenerated > ago(1h) | project s, same = now() == datetime(${text})`);
    const out = compileQuery(ir).run([{ TimeGenerated: text, s: 'at now' }], { now, windowMs: 3_600_000 }).rows;
    expect(out).toEqual([{ s: 'at now', same: true }]);
    expect(windowAdmission(ir, { now, windowMs: 3_600_000 })!({ TimeGenerated: text })).toBeUndefined();
  });
});

describe('2. todynamic / parse_json of a datetime or timespan: the dynamic value Kusto makes (its text)', () => {
  // https://learn.microsoft.com/kusto/query/parse-json-function; a datetime in a dynamic value is
  // its text, as pack_array's (https://learn.microsoft.com/kusto/query/pack-array-function).
  it('not the internal ticks', () => {
    expect(value('todynamic(datetime(2020-01-02))')).toBe('2020-01-02T00:00:00.0000000Z');
    expect(value('parse_json(datetime(2020-01-02))')).toBe(value('tostring(datetime(2020-01-02))'));
    expect(value('todynamic(1d)')).toBe('1.00:00:00');
    expect(value('parse_json(t)', { t: '2024-05-01T10:00:00.1234567Z' })).toBe('2024-05-01T10:00:00.1234567Z');
  });
});

describe('3. toint / todouble / toreal / todecimal of a datetime agree with tolong (ticks since 0001-01-01)', () => {
  // https://learn.microsoft.com/kusto/query/tolong-function; Kusto.Language types each call of a datetime.
  it.each(['toint', 'todouble', 'toreal', 'todecimal'])('%s(datetime): tolong\'s number, with its warning', (fn) => {
    const expected = valueAllowingApproximation('tolong(datetime(2020-01-02))');
    expect(expected).toBe(Number(621_355_968_000_000_000n + 18_263n * 864_000_000_000n));
    expect(valueAllowingApproximation(`${fn}(datetime(2020-01-02))`)).toBe(expected);
    expect(problems(`T | project v = ${fn}(t)`)).toEqual([expect.stringMatching(new RegExp(`^EvaluatorApproximation: ${fn}\\(datetime\\): Kusto's number is the datetime's 100 ns ticks since 0001-01-01`))]);
    expect(kustoSchema(`print ${fn}(datetime(2020-01-02))`)).toHaveLength(1);
  });
  it('of a timespan: its ticks, no warning', () => {
    expect(value('todouble(1s)')).toBe(10_000_000);
    expect(problems('T | project v = toint(ts)')).toEqual([]);
  });
});

describe('4. avg of datetimes is a datetime (https://learn.microsoft.com/kusto/query/avg-aggregation-function)', () => {
  it('type as Kusto.Language gives it; the value is the mean datetime, to the tick', () => {
    checkSchemaAndKql('A | summarize avg(TimeGenerated)');
    checkSchemaAndKql('A | summarize a = avg(TimeGenerated) by x');
    expect(runOp('A | summarize a = avg(TimeGenerated)', { A: [{ TimeGenerated: '2024-01-01T00:00:00Z' }, { TimeGenerated: '2024-01-02T00:00:00.0000001Z' }, { TimeGenerated: null }] })).toEqual([
      { a: '2024-01-01T12:00:00.0000001Z' }, // 12:00:00.00000005 rounded to a whole tick
    ]);
  });
});

describe('5. text that cannot be held to the tick rounds toward the past, never into the next second', () => {
  // https://learn.microsoft.com/kusto/query/todatetime-function
  it('.9999999 far from 2020 stays in its day and year', () => {
    expect(value('todatetime("1985-12-31T23:59:59.9999999Z")')).toBe('1985-12-31T23:59:59.9999998Z');
    expect(value('todatetime("9999-12-31T23:59:59.9999999Z")')).toMatch(/^9999-12-31T23:59:59\.9999\d*Z$/);
    expect(value('getyear(datetime(9999-12-31 23:59:59.9999999))')).toBe(9999);
    expect(value('datetime(1985-12-31 23:59:59.9999999) < datetime(1986-01-01)')).toBe(true);
  });
  it('other far values still round to the nearest double and print as written', () => {
    expect(value('datetime(9999-12-31 23:59:59.123)')).toBe('9999-12-31T23:59:59.1230000Z');
    expect(value('datetime(1985-06-01 10:00:00.0000003)')).toBe('1985-06-01T10:00:00.0000004Z');
  });
});

describe('6. the KQL output writes a datetime literal within the years 1-9999', () => {
  it('datetime(9999-12-31 23:59:59.9999999): not the year 10000; Kusto.Language accepts it', () => {
    const kql = emitKql(bindOp('print datetime(9999-12-31 23:59:59.9999999)'));
    expect(kql).toMatch(/datetime\(9999-12-31T23:59:59\.9999\d*Z\)/);
    expect(kustoDiagnostics(kql, opTables).filter((d) => d.severity === 'error')).toEqual([]);
  });
});

describe('7. a timespan is a whole number of ticks: * and / round to one', () => {
  // https://learn.microsoft.com/kusto/query/scalar-data-types/timespan: "ticks" of 100 ns.
  it('1tick / 3 * 3 is 0; 1h / 7 * 7 is not 1h; tolong and tostring of 1h / 7 agree', () => {
    expect(value('1tick / 3 * 3')).toBe('00:00:00');
    expect(value('1h / 7 * 7 == 1h')).toBe(false);
    expect(value('tolong(1h / 7)')).toBe(5_142_857_143);
    expect(value('tostring(1h / 7)')).toBe('00:08:34.2857143');
    expect(value('tolong(ts * 0.5)', { ts: '00:00:00.0000003' })).toBe(2);
    expect(value('tolong(3 * 1tick / 2)')).toBe(2);
    // A number of milliseconds read as a timespan (events, totimespan): whole ticks too.
    expect(value('tolong(totimespan(r))', { r: 0.0003 })).toBe(3);
    expect(value('tolong(ts)', { ts: 0.0003 })).toBe(3); // 2.9999999999999996 ticks unrounded
    // timespan / timespan stays a real
    expect(value('1h / 7h')).toBe(1 / 7);
  });
});

describe('8. a datetime or timespan given where a string is expected is its text, as tostring', () => {
  // https://learn.microsoft.com/kusto/query/tostring-function
  it('datatable(a:string)[datetime(...), 1d]', () => {
    expect(runOp('datatable(a:string)[datetime(2024-01-01), 1d]', {})).toEqual([{ a: '2024-01-01T00:00:00.0000000Z' }, { a: '1.00:00:00' }]);
    expect(kustoSchema('datatable(a:string)[datetime(2024-01-01), 1d]')).toEqual(['a:string']);
  });
  it('string(datetime(...)) (a form detc reads; Kusto.Language refuses it)', () => {
    expect(value('string(datetime(2024-01-01))')).toBe(value('tostring(datetime(2024-01-01))'));
  });
});

describe('9. unixtime_nanoseconds_todatetime truncates to the tick (https://learn.microsoft.com/kusto/query/unixtime-nanoseconds-todatetime-function)', () => {
  it('1546300800123456789 is .1234567, not .1234568', () => {
    expect(value('unixtime_nanoseconds_todatetime(1546300800123456789)')).toBe('2019-01-01T00:00:00.1234567Z');
    expect(value('unixtime_nanoseconds_todatetime(1546300800000000000)')).toBe('2019-01-01T00:00:00Z');
    expect(value('unixtime_nanoseconds_todatetime(1546300800)')).toBe('1970-01-01T00:00:01.5463008Z');
  });
});

describe('10. in / set_has_element: a dynamic list\'s datetimes compared as datetimes', () => {
  // https://learn.microsoft.com/kusto/query/in-operator, https://learn.microsoft.com/kusto/query/set-has-element-function
  const A = [{ x: 'a', TimeGenerated: '2024-01-01T00:00:00.1234567Z' }, { x: 'b', TimeGenerated: '2024-01-02T00:00:00Z' }];
  it('t in (L) with L = toscalar(make_list(t)): every row; !in: none', () => {
    expect(runOp('let L = toscalar(A | summarize make_list(TimeGenerated)); A | where TimeGenerated in (L) | project x', { A })).toEqual([{ x: 'a' }, { x: 'b' }]);
    expect(runOp('let L = toscalar(A | summarize make_list(TimeGenerated)); A | where TimeGenerated !in (L) | project x', { A })).toEqual([]);
    expect(runOp('A | where TimeGenerated in (dynamic(["2024-01-02T00:00:00Z"]), datetime(2030-01-01)) | project x', { A })).toEqual([{ x: 'b' }]);
  });
  it('set_has_element(make_set(t), t), of datetimes and timespans', () => {
    expect(runOp('A | summarize s = make_set(TimeGenerated) | project h = set_has_element(s, datetime(2024-01-01 00:00:00.1234567)), n = set_has_element(s, datetime(2024-01-01))', { A })).toEqual([{ h: true, n: false }]);
    expect(value('set_has_element(pack_array(1d, 2h), 120m)')).toBe(true);
  });
});

describe('11. abs of a timespan (https://learn.microsoft.com/kusto/query/abs-function)', () => {
  it('abs(-1d) is 1d, a timespan as Kusto.Language types it; abs(datetime) is still refused', () => {
    expect(value('abs(-1d)')).toBe('1.00:00:00');
    expect(value('abs(ts)', { ts: '-00:00:00.0000001' })).toBe('00:00:00.0000001');
    checkSchemaAndKql('A | extend a = abs(-1d)');
    expect(problems('T | project v = abs(t)')[0]).toMatch(/^TypeMismatch: abs needs a number, got datetime/);
  });
});

describe('12. a date that does not exist is null, with or without a time (https://learn.microsoft.com/kusto/query/todatetime-function)', () => {
  it('2024-02-30 and 2024-02-30T10:00:00Z are null; 2024-02-29 is a date', () => {
    expect(value('todatetime("2024-02-30")')).toBe(null);
    expect(value('todatetime("2024-02-30T10:00:00Z")')).toBe(null);
    expect(value('todatetime("2023-02-29")')).toBe(null);
    expect(value('todatetime("2024-13-01")')).toBe(null);
    expect(value('todatetime("2024-02-29")')).toBe('2024-02-29T00:00:00Z');
  });
});

describe('13. AQL receives whole milliseconds that keep the comparison exact', () => {
  // AQL times are whole milliseconds; KQL compares the literal to the tick.
  const L = toDatetime('2025-01-01T10:00:00.1234567Z')!;
  const ms = Date.UTC(2025, 0, 1, 10, 0, 0, 123);
  const compare: Record<string, (a: number, b: number) => boolean> = { '>': (a, b) => a > b, '>=': (a, b) => a >= b, '<': (a, b) => a < b, '<=': (a, b) => a <= b };
  it.each(Object.keys(compare))('event ms %s literal: the same events as KQL on their ticks', (op) => {
    const whole = millisecondsOf(L, 'datetime', op) as number;
    expect(Number.isInteger(whole)).toBe(true);
    for (const m of [ms - 1, ms, ms + 1, ms + 2]) expect(compare[op]!(m, whole)).toBe(compare[op]!(ticksFromUnixMs(m), L));
  });
  it('whole milliseconds are kept; a timespan too', () => {
    expect(millisecondsOf(toDatetime('2025-01-01T10:00:00.123Z'), 'datetime', '>=')).toBe(ms);
    expect(millisecondsOf(toDatetime('2025-01-01T10:00:00.123Z'), 'datetime')).toBe(ms);
    expect(millisecondsOf(15_000, 'timespan', '>=')).toBe(2);
    expect(millisecondsOf(15_000, 'timespan', '>')).toBe(1);
    expect(millisecondsOf(3 * TICKS_PER_MS, 'timespan')).toBe(3);
    expect(millisecondsOf(5, 'long')).toBe(5);
  });
});
