import { describe, expect, it } from 'vitest';
import { compileQuery } from '../../src/backends/js/compile.js';
import { bind, keeps, NOW, rows, value } from './helpers.js';

// Each case is one where a naive JavaScript translation would differ from Kusto.
describe('string operators', () => {
  it('has matches whole terms, case-insensitively', () => {
    expect(keeps('s has "Explorer"', { s: 'KustoExplorerQueryRun' })).toBe(false); // naive includes(): true
    expect(keeps('s has "explorer"', { s: 'Kusto Explorer run' })).toBe(true);
    expect(keeps('s has "curl/"', { s: 'curl/8.4.0' })).toBe(true);
    expect(keeps('s has "curl/"', { s: 'libcurl/8.4.0' })).toBe(false);
    expect(keeps('s has "ruby"', { s: 'Rubyist/2.0' })).toBe(false);
    expect(keeps('s has "SharePoint Online"', { s: 'Office 365 SharePoint Online' })).toBe(true);
    expect(keeps('s !has "x"', { s: 'a x b' })).toBe(false);
  });

  it('_cs variants are case-sensitive, the others are not', () => {
    expect(keeps('s has_cs "Curl"', { s: 'curl/8' })).toBe(false);
    expect(keeps('s contains "GRAPH"', { s: 'Microsoft Graph' })).toBe(true);
    expect(keeps('s contains_cs "GRAPH"', { s: 'Microsoft Graph' })).toBe(false);
    expect(keeps('s startswith "micro"', { s: 'Microsoft Graph' })).toBe(true);
    expect(keeps('s endswith_cs "graph"', { s: 'Microsoft Graph' })).toBe(false);
    expect(keeps('s =~ "ALICE@contoso.com"', { s: 'alice@CONTOSO.com' })).toBe(true); // naive ===: false
    expect(keeps('s == "ALICE@contoso.com"', { s: 'alice@CONTOSO.com' })).toBe(false);
    expect(keeps('s in~ ("NOTAPPLIED", "x")', { s: 'notApplied' })).toBe(true);
    expect(keeps('s in ("NOTAPPLIED", "x")', { s: 'notApplied' })).toBe(false);
  });

  it('has_any and in flatten dynamic lists from lets', () => {
    expect(rows('let L = dynamic(["curl/", "wget/"]); T | where s has_any (L)', [{ s: 'Wget/1.21' }, { s: 'wgetx' }])).toHaveLength(1);
    expect(keeps('n in (dynamic([1, [2, 3]]))', { n: 3 })).toBe(true);
  });
});

describe('types and nulls', () => {
  it('a string column compared with a number compares text: ResultType == 0', () => {
    expect(keeps('s == 0', { s: '0' })).toBe(true); // naive "0" === 0: false
    expect(keeps('s == 0', { s: '00' })).toBe(false);
    expect(keeps('s != 0', { s: '50126' })).toBe(true);
  });

  it('a missing string is "", never null', () => {
    expect(value('s', {})).toBe('');
    expect(keeps('isempty(s)', {})).toBe(true);
    expect(keeps('isnull(s)', {})).toBe(false);
  });

  it('null comparisons: where drops null, != keeps it, in excludes it, !in keeps it', () => {
    expect(keeps('n > 3', {})).toBe(false);
    expect(keeps('n != 5', {})).toBe(true); // null != 5 is true
    expect(keeps('n == 5', {})).toBe(false);
    expect(keeps('n in (1, 2)', {})).toBe(false);
    expect(keeps('n !in (1, 2)', {})).toBe(true);
    expect(keeps('isnull(n)', {})).toBe(true);
  });

  it('and/or with null follow three-valued logic', () => {
    expect(value('n > 1 or true', {})).toBe(true);
    expect(value('n > 1 and false', {})).toBe(false);
    expect(value('n > 1 and true', {})).toBe(null);
    expect(value('iff(n > 1, "a", "b")', {})).toBe('b'); // null condition takes the else branch
  });

  it('numbers convert from JSON text, integer division truncates, % is never negative', () => {
    expect(value('n + 1', { n: '41' })).toBe(42);
    expect(value('n / 2', { n: 7 })).toBe(3);
    expect(value('r / 2', { r: 7 })).toBe(3.5);
    expect(value('n % 12', { n: -14 })).toBe(10); // JS: -2
  });
});

describe('dynamic values', () => {
  it('member access on objects, arrays (negative index from the end) and JSON text', () => {
    expect(value('tostring(d.a.b)', { d: { a: { b: 'x' } } })).toBe('x');
    expect(value('tostring(d["a"]["b"])', { d: '{"a":{"b":"y"}}' })).toBe('y'); // JSON text in a dynamic column
    expect(value('toint(d[-1])', { d: [1, 2, 3] })).toBe(3);
    expect(value('isnull(d.missing)', { d: {} })).toBe(true);
    expect(value('tostring(parse_json(s).countryOrRegion)', { s: '{"countryOrRegion":"NL"}' })).toBe('NL');
  });

  it('tostring of dynamic: strings unquoted, objects as JSON; parse_json keeps invalid JSON as a string', () => {
    expect(value('tostring(d)', { d: { k: [1, 'a'] } })).toBe('{"k":[1,"a"]}');
    expect(value('tostring(d.k)', { d: { k: 'plain' } })).toBe('plain');
    expect(value('parse_json(s)', { s: 'not json' })).toBe('not json');
    expect(value('array_length(d)', { d: 'x' })).toBe(null);
  });
});

describe('datetimes and timespans', () => {
  it('bin() floors, ago() is relative to the given now', () => {
    expect(value('bin(t, 1h)', { t: '2025-03-01T10:59:59.999Z' })).toBe('2025-03-01T10:00:00Z');
    expect(value('bin(t, 1d)', { t: '2025-03-01T23:00:00Z' })).toBe('2025-03-01T00:00:00Z');
    expect(keeps('t > ago(1h)', { t: '2025-03-01T11:30:00Z' })).toBe(true);
    expect(keeps('t > ago(1h)', { t: '2025-03-01T10:30:00Z' })).toBe(false);
    expect(value('t - datetime(2025-03-01)', { t: '2025-03-01T01:30:00Z' })).toBe('01:30:00');
    expect(value('datetime_diff("hour", t, datetime(2025-03-01))', { t: '2025-03-01T05:10:00Z' })).toBe(5);
    expect(value('format_datetime(t, "yyyy-MM-dd HH:mm")', { t: '2025-03-01T05:10:00Z' })).toBe('2025-03-01 05:10');
  });
});

describe('summarize, sort and take', () => {
  const events = [
    { s: 'a', n: 1, d: 'x' }, { s: 'a', n: 2, d: 'y' }, { s: 'a', n: 3, d: 'x' }, { s: 'b', n: null, d: 'z' },
  ];

  it('names unnamed aggregates as Kusto does and counts distinct values exactly', () => {
    const out = rows('T | summarize count(), dcount(d), make_set(d), max(n) by s', events);
    expect(out).toEqual([
      { s: 'a', count_: 3, dcount_d: 2, set_d: ['x', 'y'], max_n: 3 },
      { s: 'b', count_: 1, dcount_d: 1, set_d: ['z'], max_n: null },
    ]);
  });

  it('make_set(x, N) keeps at most N values', () => {
    expect(rows('T | summarize v = make_set(n, 2)', events)[0]!.v).toHaveLength(2);
  });

  it('summarize without by yields one row even for no input', () => {
    expect(rows('T | summarize c = count(), m = max(n)', [])).toEqual([{ c: 0, m: null }]);
    expect(rows('T | summarize c = count() by s', [])).toEqual([]);
  });

  it('sort defaults to descending with nulls last; asc puts nulls first', () => {
    expect(rows('T | sort by n | project n', events).map((r) => r.n)).toEqual([3, 2, 1, null]);
    expect(rows('T | sort by n asc | project n', events).map((r) => r.n)).toEqual([null, 1, 2, 3]);
    expect(rows('T | sort by n asc nulls last | project n', events).map((r) => r.n)).toEqual([1, 2, 3, null]);
    expect(rows('T | top 2 by n | project n', events).map((r) => r.n)).toEqual([3, 2]);
  });

  it('arg_max returns the row with the largest key; count and distinct', () => {
    expect(rows('T | summarize arg_max(n, d) by s', events)).toEqual([{ s: 'a', n: 3, d: 'x' }, { s: 'b', n: null, d: 'z' }]);
    expect(rows('T | count', events)).toEqual([{ Count: 4 }]);
    expect(rows('T | distinct s', events)).toEqual([{ s: 'a' }, { s: 'b' }]);
    expect(rows('T | take 2', events)).toHaveLength(2);
  });
});

describe('regular expressions', () => {
  it('matches regex finds a match anywhere (not anchored), case-sensitively', () => {
    expect(keeps('s matches regex "curl/[0-9]"', { s: 'x curl/8 y' })).toBe(true);
    expect(keeps('s matches regex "CURL"', { s: 'curl' })).toBe(false);
    expect(keeps('s matches regex "(?i)CURL"', { s: 'curl' })).toBe(true);
    expect(value('extract("id=([0-9]+)", 1, s)', { s: 'a id=42 b' })).toBe('42');
  });

  it('runs in linear time: a catastrophic pattern on a long input finishes', () => {
    const input = `${'a'.repeat(50_000)}!`;
    // A backtracking engine would not return here (the test's timeout would fail it).
    expect(keeps('s matches regex "(a+)+$"', { s: input })).toBe(false);
  });
});

describe('the scheduling context', () => {
  it('a scheduled rule sees only events within queryPeriod before now', () => {
    const q = compileQuery(bind('T | project s'));
    const events = [
      { s: 'old', TimeGenerated: '2025-02-28T11:59:59Z' },
      { s: 'in', TimeGenerated: '2025-02-28T12:00:00Z' },
      { s: 'future', TimeGenerated: '2025-03-01T12:00:01Z' },
      { s: 'no-time' },
    ];
    expect(q.run(events, { now: NOW, windowMs: 86_400_000 }).rows).toEqual([{ s: 'in' }]);
    expect(q.run(events, { now: NOW }).rows).toHaveLength(4);
  });
});

describe('hostile events', () => {
  it('__proto__ and constructor keys are data, not prototypes', () => {
    const event = JSON.parse('{"s":"x","__proto__":{"polluted":true},"constructor":"c"}') as object;
    const out = rows('T | project s, d', [event]);
    expect(out).toEqual([{ s: 'x', d: null }]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('columns named like Object.prototype members read only the event\'s own values', () => {
    const q = "Odd | project c = ['constructor'], p = ['__proto__'], t = ['toString']";
    expect(rows(q, [{}])).toEqual([{ c: '', p: null, t: '' }]);
    const event = JSON.parse('{"constructor":"ctor","__proto__":{"x":1},"toString":"ts"}') as object;
    expect(rows(q, [event])).toEqual([{ c: 'ctor', p: { x: 1 }, t: 'ts' }]);
    const out = rows("Odd | project ['__proto__']", [event])[0]!;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__']);
  });
});

describe('events from any iterable', () => {
  // Arrays are walked by index, other iterables with their iterator: the two must agree.
  const events: unknown[] = [{ s: 'a', n: 1 }, null, 'text', [1], { s: 'b', n: 5 }, { s: 'a', n: 7 }, {}];
  // eslint-disable-next-line no-sparse-arrays
  const withHoles: unknown[] = [{ s: 'a', n: 1 }, , { s: 'b', n: 5 }];
  function* generated(items: unknown[]): Generator<unknown> {
    yield* items;
  }

  it.each([
    ['a fused where and extend', 'T | where n > 0 | extend m = n * 2 | project s, m'],
    ['a fused summarize', 'T | summarize c = count(), total = sum(n) by s | order by s asc'],
  ])('%s gives the same rows from an array and from a generator', (_, query) => {
    const q = compileQuery(bind(query));
    const fromArray = q.run(events, { now: NOW }).rows;
    expect(fromArray.length).toBeGreaterThan(0);
    expect(q.run(generated(events), { now: NOW }).rows).toEqual(fromArray);
    expect(q.run(withHoles, { now: NOW }).rows).toEqual(q.run(generated([withHoles[0], withHoles[2]]), { now: NOW }).rows);
  });

  it('take stops reading a generator once it has its rows', () => {
    let pulled = 0;
    function* counted(): Generator<unknown> {
      for (let i = 0; i < 1000; i++) {
        pulled++;
        yield { s: 'x', n: i };
      }
    }
    expect(rows('T | where n >= 0 | take 3', Array.from({ length: 5 }, (_, i) => ({ n: i })))).toHaveLength(3);
    expect(compileQuery(bind('T | where n >= 0 | take 3')).run(counted(), { now: NOW }).rows).toHaveLength(3);
    expect(pulled).toBeLessThan(1000);
  });
});

describe('mv-expand', () => {
  it('expands arrays and property bags in parallel, pads with null, drops empty ones, keeps null', () => {
    const events = [{ s: 'a', d: [1, 2, 3], r: null }, { s: 'b', d: { x: 1, y: 'z' } }, { s: 'c', d: [] }, { s: 'd' }];
    expect(rows('T | mv-expand d | project s, d', events)).toEqual([
      { s: 'a', d: 1 }, { s: 'a', d: 2 }, { s: 'a', d: 3 },
      { s: 'b', d: { x: 1 } }, { s: 'b', d: { y: 'z' } },
      { s: 'd', d: null },
    ]);
    expect(rows('T | mv-expand kind=array d | project d', [{ d: { x: 1 } }])).toEqual([{ d: ['x', 1] }]);
    expect(rows('T | extend e = dynamic(["p"]) | mv-expand with_itemindex=i d, e | project d, e, i', [{ d: [10, 20] }])).toEqual([
      { d: 10, e: 'p', i: 0 }, { d: 20, e: null, i: 1 },
    ]);
  });

  it('to typeof() casts, limit caps, mvexpand defaults to 128', () => {
    expect(rows('T | mv-expand d to typeof(long) | project d', [{ d: [1, 'two', 3.5] }])).toEqual([{ d: 1 }, { d: null }, { d: null }]);
    expect(rows('T | mv-expand d limit 2 | project d', [{ d: [1, 2, 3] }])).toHaveLength(2);
    expect(rows('T | mvexpand d | count', [{ d: Array.from({ length: 200 }, (_, i) => i) }])).toEqual([{ Count: 128 }]);
  });
});

describe('join', () => {
  const events = [
    { s: 'a', n: 1 }, { s: 'a', n: 2 }, { s: 'b', n: 3 }, { s: 'c', n: 4 }, { n: 5 },
  ];
  const q = (kind: string) => rows(`T | where n <= 3 | project s, n | join kind=${kind} (T | where n >= 2 | project s, m = n) on s`, events);

  it('innerunique keeps one left row per key; inner keeps all', () => {
    expect(q('innerunique')).toEqual([{ s: 'a', n: 1, s1: 'a', m: 2 }, { s: 'b', n: 3, s1: 'b', m: 3 }]);
    expect(q('inner')).toEqual([{ s: 'a', n: 1, s1: 'a', m: 2 }, { s: 'a', n: 2, s1: 'a', m: 2 }, { s: 'b', n: 3, s1: 'b', m: 3 }]);
  });

  it('outer joins fill the missing side with nulls ("" for strings); semi and anti keep one side', () => {
    // The unmatched right side's string column is "" (strings are never null in Kusto), the long null.
    expect(rows('T | where n == 4 | project s | join kind=leftouter (T | where n == 1 | project s, m = n) on s', events)).toEqual([{ s: 'c', s1: '', m: null }]);
    expect(q('rightouter').slice(-2)).toEqual([{ s: '', n: null, s1: 'c', m: 4 }, { s: '', n: null, s1: '', m: 5 }]);
    expect(q('leftsemi')).toEqual([{ s: 'a', n: 1 }, { s: 'a', n: 2 }, { s: 'b', n: 3 }]);
    expect(q('leftanti')).toEqual([]);
    expect(q('rightanti')).toEqual([{ s: 'c', m: 4 }, { s: '', m: 5 }]);
    expect(q('rightsemi')).toEqual([{ s: 'a', m: 2 }, { s: 'b', m: 3 }]);
  });

  it('joins on differently named columns with $left/$right', () => {
    expect(rows('T | project x = s | join kind=inner (T | project y = s, n) on $left.x == $right.y | where n == 3', events)).toEqual([{ x: 'b', y: 'b', n: 3 }]);
  });
});

describe('packing and arrays', () => {
  it('pack/bag_pack build property bags (a "__proto__" key is data), pack_array and array_slice arrays', () => {
    expect(value('pack("a", 1, "b", s)', { s: 'x' })).toEqual({ a: 1, b: 'x' });
    const proto = value('bag_pack("__proto__", 1)') as object;
    expect(Object.getPrototypeOf(proto)).toBe(Object.prototype);
    expect(Object.keys(proto)).toEqual(['__proto__']);
    expect(value('pack_array(1, "a", n)', {})).toEqual([1, 'a', null]);
    expect(value('array_slice(d, 1, -1)', { d: [1, 2, 3, 4] })).toEqual([2, 3, 4]);
    expect(value('indexof(s, "b")', { s: 'abc' })).toBe(1);
    expect(value('strcat_array(d, "-")', { d: ['a', 1] })).toBe('a-1');
  });

  it('materialize() is the tabular expression, evaluated once', () => {
    expect(rows('let X = materialize(T | where n > 1); X | join kind=inner (X | project s) on s | count', [{ s: 'a', n: 2 }, { s: 'a', n: 0 }])).toEqual([{ Count: 1 }]);
  });
});

describe('extractjson and indexof_regex', () => {
  it('extractjson follows a JSONPath and returns text', () => {
    expect(value('extractjson("$.a.b[1]", s)', { s: '{"a":{"b":[1,"two"]}}' })).toBe('two');
    expect(value('extractjson("$.a", s)', { s: '{"a":{"x":1}}' })).toBe('{"x":1}');
    expect(value("extractjson(\"$['k y']\", s)", { s: '{"k y":3}' })).toBe('3');
    expect(value('extractjson("$.missing", s)', { s: '{}' })).toBe('');
  });

  it('indexof_regex finds the first match', () => {
    expect(value('indexof_regex(s, ":")', { s: 'AIDA:bob' })).toBe(4);
    expect(value('indexof_regex(s, "[0-9]+")', { s: 'abc' })).toBe(-1);
  });
});
