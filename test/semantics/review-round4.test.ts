/**
 * Review findings, round 4: datetime text read the same whatever the machine's time zone; a named
 * call with several results (array_sort_asc); tohex's types and minLength; kind=inner unions whose
 * legs give a column different types; bag_* paths with an array index.
 */
import { describe, expect, it } from 'vitest';
import { loadMappings } from '../../src/backends/aql/mapping.js';
import { translateToAql } from '../../src/backends/aql/translate.js';
import { loadTables } from '../../src/ir/tables.js';
import { bind, rows, value } from '../js/helpers.js';
import { inTimeZone } from '../helpers.js';
import { detcColumns, kustoColumns, problems } from './query-checks.js';

describe('datetime text without a zone is UTC, whatever the machine\'s time zone', () => {
  // https://learn.microsoft.com/kusto/query/scalar-data-types/datetime: "A datetime value in Kusto is
  // always in the UTC time zone". Date.parse reads a text without a zone in the machine's zone.
  const ZONES = ['Asia/Tokyo', 'UTC', 'America/Los_Angeles'];

  it('the zones really differ here (else the checks below could not fail)', () => {
    const offsets = ZONES.map((z) => inTimeZone(z, () => new Date(2014, 10, 8).getTimezoneOffset()));
    expect(offsets).toEqual([-540, 0, 480]);
  });

  it('todatetime() of forms the page does not list: the same instant, read as UTC, in every zone', () => {
    const query = [
      'T | project a = todatetime("2014/11/08 15:05"), b = todatetime("11/08/2014"), c = todatetime("November 8, 2014 15:05")',
      'd = todatetime("2014/11/08 15:05:00.1234567"), e = todatetime("2014/11/08 3:05 PM")',
      // A text that names its zone keeps it.
      'f = todatetime("2014/11/08 15:05 +0900"), g = todatetime("Nov 8 2014 15:05 EST"), h = todatetime("2014-11-08T15:05:00.5+01:00")',
    ].join(', ');
    const expected = {
      a: '2014-11-08T15:05:00Z', b: '2014-11-08T00:00:00Z', c: '2014-11-08T15:05:00Z', d: '2014-11-08T15:05:00.1234567Z', e: '2014-11-08T15:05:00Z',
      f: '2014-11-08T06:05:00Z', g: '2014-11-08T20:05:00Z', h: '2014-11-08T14:05:00.5000000Z',
    };
    for (const zone of ZONES) expect({ zone, row: inTimeZone(zone, () => rows(query, [{}])[0]) }).toEqual({ zone, row: expected });
  });

  it('the page\'s own forms are unchanged (ISO, RFC 822/850, Sortable; no zone is UTC)', () => {
    const query = 'T | project a = todatetime("2014-11-08 15:05"), b = todatetime("Sat, 8 Nov 14 15:05:02 GMT"), c = todatetime("Saturday, 08-Nov-14 15:05:02"), d = todatetime("2014-11-08 15:05:25 GMT"), e = datetime(Sat, 8 Nov 14 15:05)';
    const expected = { a: '2014-11-08T15:05:00Z', b: '2014-11-08T15:05:02Z', c: '2014-11-08T15:05:02Z', d: '2014-11-08T15:05:25Z', e: '2014-11-08T15:05:00Z' };
    for (const zone of ZONES) expect(inTimeZone(zone, () => rows(query, [{}])[0])).toEqual(expected);
  });

  it('datetime() literals of such text: the same instant in the evaluator and in the AQL, in every zone', () => {
    const query = 'T | project a = datetime(2014/11/08 15:05), b = datetime("11/08/2014"), c = datetime(2014/11/08 15:05 +0900)';
    const expected = { a: '2014-11-08T15:05:00Z', b: '2014-11-08T00:00:00Z', c: '2014-11-08T06:05:00Z' };
    for (const zone of ZONES) expect(inTimeZone(zone, () => rows(query, [{}])[0])).toEqual(expected);
    const aql = (zone: string) => inTimeZone(zone, () => {
      const ir = bind('SigninLogs | where TimeGenerated > datetime(2014/11/08 15:05)', loadTables());
      const out = translateToAql(ir, loadMappings().get('SigninLogs'), new Set(), 3_600_000);
      expect(out.errors).toEqual([]);
      return JSON.stringify(out);
    });
    const texts = ZONES.map(aql);
    // 2014-11-08T15:05:00Z is 1415459100000 ms after 1970.
    expect(texts[0]).toContain('1415459100000');
    expect(new Set(texts).size).toBe(1);
  });

  it('text Date.parse does not read is still no date (null; a literal is refused)', () => {
    expect(inTimeZone('Asia/Tokyo', () => value('todatetime("2014/13/45 15:05")'))).toBeNull();
    expect(problems('T | project v = datetime(not a date)').join('\n')).toMatch(/datetime/);
  });
});

describe('a named call with several results names the first (array_sort_asc/desc)', () => {
  // https://learn.microsoft.com/kusto/query/array-sort-asc-function: with several arrays, each is
  // returned sorted; Kusto.Language names the results. `a = f(...)` is like `(a) = f(...)`.
  const SORT = 'array_sort_asc(dynamic([3,1,2]), dynamic(["c","a","b"]))';

  it('extend a = ...: columns a (the first sorted array) and array1_sorted, as Kusto.Language', () => {
    const query = `T | extend a = ${SORT} | project a, array1_sorted`;
    expect(detcColumns(query)).toEqual(kustoColumns(query));
    expect(rows(query, [{}])).toEqual([{ a: [1, 2, 3], array1_sorted: ['a', 'b', 'c'] }]);
  });

  it('project, several named calls, a name already taken: the schema is Kusto.Language\'s', () => {
    for (const query of [
      `print x = 1 | extend a = ${SORT}`,
      `print x = 1 | project a = ${SORT}`,
      `print x = 1 | project x, a = ${SORT}, b = ${SORT}`,
      `print x = 1 | extend array1_sorted = ${SORT}`,
      // A made-up name never replaces an input column, even in extend.
      `print x = 1, array1_sorted = 2 | extend a = ${SORT}`,
      `print x = 1, array0_sorted = 2 | extend ${SORT}`,
      `print x = 1 | extend x = ${SORT}`,
      'print x = 1 | extend a = array_sort_desc(dynamic([3,1,2]), dynamic(["c","a","b"]), dynamic([1,2,3]))',
      'T | project a = array_sort_asc(d, d)',
      // print a = ...: one column, in Kusto.Language too.
      `print a = ${SORT}`,
    ]) {
      expect({ query, columns: detcColumns(query) }).toEqual({ query, columns: kustoColumns(query) });
    }
    expect(rows(`T | extend array1_sorted = ${SORT} | project array1_sorted, array1_sorted1`, [{}])).toEqual([{ array1_sorted: [1, 2, 3], array1_sorted1: ['a', 'b', 'c'] }]);
    expect(rows('T | project a = array_sort_desc(dynamic([3,1,2]), dynamic(["c","a","b"]), dynamic([1,2,3]))', [{}])).toEqual([
      { a: [3, 2, 1], array1_sorted: ['c', 'b', 'a'], array2_sorted: [1, 3, 2] },
    ]);
  });
});

describe('tohex()', () => {
  // https://learn.microsoft.com/kusto/query/tohex-function: value is int or long; minLength "Values
  // greater than 16 are truncated to 16".
  it('minLength above 16 is 16', () => {
    expect(value('tohex(1, 20)')).toBe('0000000000000001');
    expect(value('tohex(-1, 40)')).toBe('ffffffffffffffff');
    expect(value('tohex(256, 8)')).toBe('00000100');
    expect(value('tohex(256, 2)')).toBe('100');
  });

  it('a real, decimal, bool, string or dynamic argument is refused, as Kusto.Language refuses it', () => {
    for (const call of ['tohex(1.5)', 'tohex(r)', 'tohex(decimal(1))', 'tohex(true)', 'tohex(s)', 'tohex(d)', 'tohex(1, 2.5)']) {
      expect(kustoColumns(`T | project v = ${call}`)).toBe('The expression value must be an integer.');
      expect({ call, problems: problems(`T | project v = ${call}`) }).toEqual({ call, problems: [expect.stringMatching(/^TypeMismatch: .*tohex needs whole numbers \(int or long\)/)] });
    }
    expect(problems('T | project v = tohex(n, toint(4)), w = tohex(toint(n))')).toEqual([]);
  });
});

describe('union kind=inner: a name every leg has, with several types, is one column per type', () => {
  // https://learn.microsoft.com/kusto/query/union-operator: inner "causes the result to have the
  // subset of columns that are common to all of the input tables"; a column with several types is
  // one column per type, named Name_type. Kusto.Language gives every union the outer schema, so it
  // is the authority here only where a name is in every leg.
  it('(print x=1), (print x="a"): x_long and x_string, as Kusto.Language; each row fills its own', () => {
    const query = 'union kind=inner (print x=1), (print x="a")';
    expect(detcColumns(query)).toEqual(['x_long:long', 'x_string:string']);
    expect(detcColumns(query)).toEqual(kustoColumns(query));
    expect(rows(query, [])).toEqual([{ x_long: 1, x_string: null }, { x_long: null, x_string: 'a' }]);
  });

  it('names in every leg agree with Kusto.Language, in its order and naming', () => {
    for (const query of [
      'union kind=inner (print x=1, y=2), (print y=3, x="a")',
      'union kind=inner (print x=1), (print x="a"), (print x=2.5)',
      'union kind=inner (print x=1, y="a"), (print x="a", y=1)',
      'union kind=inner (T | project s, n), (T | project n, s=n)',
      'union kind=inner withsource=W (T | project s, n), (T | project s=n, n)',
      'union kind=inner (print x=1), (print x=2)',
    ]) {
      expect({ query, columns: detcColumns(query) }).toEqual({ query, columns: kustoColumns(query) });
    }
  });

  it('a name missing from a leg is left out (the page), where Kusto.Language keeps it', () => {
    expect(detcColumns('union kind=inner (print x=1, y=2), (print y=3)')).toEqual(['y:long']);
    expect(detcColumns('union kind=inner (print x=1), (print x="a", x_long=3)')).toEqual(['x_long:long', 'x_string:string']);
    expect(rows('union kind=inner (print x=1, y="b"), (print y=3, x="a", z=1)', [])).toEqual([
      { x_long: 1, x_string: null, y_string: 'b', y_long: null },
      { x_long: null, x_string: 'a', y_string: null, y_long: 3 },
    ]);
    // kind=outer is unchanged: every column.
    expect(detcColumns('union kind=outer (print x=1, y=2), (print y=3)')).toEqual(kustoColumns('union kind=outer (print x=1, y=2), (print y=3)'));
  });
});

describe('bag_has_key, bag_remove_keys, bag_set_key: a path with an array index is not supported', () => {
  // https://learn.microsoft.com/kusto/query/bag-has-key-function, .../bag-remove-keys-function and
  // .../bag-set-key-function: "Array indexing isn't supported". detc gives null for such a path
  // (not true/false or a bag that looks like an answer), the same for the three.
  const BAG = 'dynamic({"a":[{"b":1}],"k":{"p":1,"q":2}})';

  it('bag_has_key: null for $.a[0].b or a bare $; names and nested names as the page', () => {
    expect(value(`bag_has_key(${BAG}, "$.a[0].b")`)).toBeNull();
    expect(value(`bag_has_key(${BAG}, "$['a'][0]")`)).toBeNull();
    expect(value(`bag_has_key(${BAG}, "$")`)).toBeNull();
    expect(value(`bag_has_key(${BAG}, "$.k.p")`)).toBe(true);
    expect(value(`bag_has_key(${BAG}, "$.k.z")`)).toBe(false);
    expect(value(`bag_has_key(${BAG}, "$.a.b")`)).toBe(false);
    expect(value(`bag_has_key(${BAG}, "a")`)).toBe(true);
  });

  it('bag_remove_keys: null when a key has an array index; JSONPath names as the page', () => {
    expect(value(`bag_remove_keys(${BAG}, dynamic(["$.a[0].b"]))`)).toBeNull();
    expect(value(`bag_remove_keys(${BAG}, dynamic(["k", "$.a[0]"]))`)).toBeNull();
    expect(value(`bag_remove_keys(${BAG}, dynamic(["$.k.p", "a"]))`)).toEqual({ k: { q: 2 } });
  });

  it('bag_set_key: null for such a path, as before', () => {
    expect(value(`bag_set_key(${BAG}, "$.a[0].b", 2)`)).toBeNull();
    expect(value(`bag_set_key(${BAG}, "$.k.r", 3)`)).toEqual({ a: [{ b: 1 }], k: { p: 1, q: 2, r: 3 } });
  });
});
