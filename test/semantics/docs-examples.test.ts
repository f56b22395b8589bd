/**
 * Documented examples detc got wrong (issue 28, the unseen-examples measurement). Each expected
 * value is the one on the Microsoft documentation page cited, not what the code computes; output
 * schemas are checked against Kusto.Language.
 */
import { describe, expect, it } from 'vitest';
import { compileQuery } from '../../src/backends/js/compile.js';
import { emitKql } from '../../src/backends/kql/emit.js';
import { bindQuery } from '../../src/ir/binder.js';
import { TableCatalog } from '../../src/ir/tables.js';
import { parseQuery } from '../../src/query/parser.js';
import { NOW, value } from '../js/helpers.js';
import { kustoResultColumns } from './kusto-types.js';

const noTables = new TableCatalog([]);

/** Columns and rows of a query that needs no table (print, datatable, range, let views). */
function run(query: string): { columns: { name: string; type: string }[]; rows: Record<string, unknown>[] } {
  const parsed = parseQuery(query);
  expect(parsed.problems).toEqual([]);
  const bound = bindQuery(parsed.ast, noTables, query);
  expect(bound.problems).toEqual([]);
  const result = compileQuery(bound.ir!).run([], { now: NOW });
  return { columns: result.columns.map((c) => ({ name: c.name, type: c.type })), rows: result.rows };
}

/** detc's output columns equal Kusto.Language's for the query. */
function expectKustoSchema(query: string): void {
  expect({ columns: run(query).columns }).toEqual(kustoResultColumns(query, noTables));
}

describe('substring with a negative start', () => {
  // https://learn.microsoft.com/kusto/query/substring-function: "If a negative number, the substring
  // will be retrieved from the end of the source string"; substring("123456", -2, 2) // 56
  it('counts a negative start from the end', () => {
    expect(value('substring("123456", -2, 2)')).toBe('56');
    expect(value('substring("123456", -2)')).toBe('56');
    expect(value('substring("123456", 1)')).toBe('23456');
    expect(value('substring("123456", 2, 2)')).toBe('34');
    expect(value('substring("ABCD", 0, 2)')).toBe('AB');
  });
});

describe('tohex of a negative int', () => {
  // https://learn.microsoft.com/kusto/query/tohex-function: tohex(toint(-256), 8) is "ffffff00" (32 bits
  // for an int); a long keeps 64 bits.
  it('uses 32-bit two\'s complement for int and 64-bit for long', () => {
    expect(value('tohex(toint(-256), 8)')).toBe('ffffff00');
    expect(value('tohex(-256)')).toBe('ffffffffffffff00');
    expect(value('tohex(256)')).toBe('100');
  });
});

describe('has_ipv4 with an invalid address', () => {
  // https://learn.microsoft.com/kusto/query/has-ipv4-function: true if ip_address is a valid IPv4
  // address found in source, "Otherwise, the function returns false" (127.0.0.256 example: false).
  it('is false, not null, so not() keeps the row', () => {
    expect(value("has_ipv4('05:04:54 127.0.0.256 GET /favicon.ico 404', '127.0.0.256')")).toBe(false);
    expect(value('not(has_ipv4("x 127.0.0.256 y", "127.0.0.256"))')).toBe(true);
    expect(value("has_ipv4('05:04:54 127.0.0.1 GET /favicon.ico 404', '127.0.0.1')")).toBe(true);
  });
});

describe('parse_path of a UNC path', () => {
  // https://learn.microsoft.com/kusto/query/parse-path-function: \\shared\users\temp\file.txt.gz has
  // RootPath "" and DirectoryPath \\shared\users\temp; C:\temp\file.txt has RootPath "C:".
  it('leaves RootPath empty for a UNC path and keeps the drive letter', () => {
    expect(value('parse_path(@"\\\\shared\\users\\temp\\file.txt.gz")')).toEqual({
      Scheme: '', RootPath: '', DirectoryPath: '\\\\shared\\users\\temp', DirectoryName: 'temp', Filename: 'file.txt.gz', Extension: 'gz', AlternateDataStreamName: '',
    });
    expect((value('parse_path(@"C:\\temp\\file.txt")') as Record<string, unknown>).RootPath).toBe('C:');
    expect((value('parse_path("file://C:/temp/file.txt:some.exe")') as Record<string, unknown>).RootPath).toBe('C:');
  });
});

describe('bag_remove_keys and bag_has_key with JSONPath keys', () => {
  // https://learn.microsoft.com/kusto/query/bag-remove-keys-function: keys may be JSONPath, `$.key2.prop1`
  // removes a nested property.
  it('bag_remove_keys removes nested properties', () => {
    const input = "dynamic({'key1': 123, 'key2': {'prop1' : 'abc', 'prop2': 'xyz'}, 'key3': [100, 200]})";
    expect(value(`bag_remove_keys(${input}, dynamic(['$.key2.prop1', 'key3']))`)).toEqual({ key1: 123, key2: { prop2: 'xyz' } });
    expect(value(`bag_remove_keys(${input}, dynamic(["$['key1']", 'nope', '$.key2.missing']))`)).toEqual({ key2: { prop1: 'abc', prop2: 'xyz' }, key3: [100, 200] });
    expect(value(`bag_remove_keys(${input}, dynamic(['key2']))`)).toEqual({ key1: 123, key3: [100, 200] });
  });

  // https://learn.microsoft.com/kusto/query/bag-has-key-function: bag_has_key(input, '$.key2.prop1') is true.
  it('bag_has_key finds nested keys', () => {
    const input = "dynamic({'key1': 123, 'key2': {'prop1' : 'abc', 'prop2': 'xyz'}, 'key3': [100, 200]})";
    expect(value(`bag_has_key(${input}, '$.key2.prop1')`)).toBe(true);
    expect(value(`bag_has_key(${input}, "$['key2']['prop2']")`)).toBe(true);
    expect(value(`bag_has_key(${input}, '$.key2.prop3')`)).toBe(false);
    expect(value(`bag_has_key(${input}, '$.key1.prop1')`)).toBe(false);
    expect(value(`bag_has_key(${input}, 'key1')`)).toBe(true);
    expect(value(`bag_has_key(${input}, 'prop1')`)).toBe(false);
  });
});

describe('array_sort_asc / array_sort_desc with several arrays', () => {
  // https://learn.microsoft.com/kusto/query/array-sort-asc-function and .../array-sort-desc-function:
  // the first array is sorted, the others reordered to match, one result per array; an array whose
  // length differs from the first is null; the optional last bool is nulls_last.
  const two = 'let array1 = dynamic([1,3,4,5,2]); let array2 = dynamic(["a","b","c","d","e"]);';
  it('returns one column per array, named as Kusto.Language names them', () => {
    expect(run(`${two} print array_sort_asc(array1,array2)`).rows).toEqual([{ array1_sorted: [1, 2, 3, 4, 5], array2_sorted: ['a', 'e', 'b', 'c', 'd'] }]);
    expect(run(`${two} print array_sort_desc(array1,array2)`).rows).toEqual([{ array1_sorted: [5, 4, 3, 2, 1], array2_sorted: ['d', 'c', 'b', 'e', 'a'] }]);
    expectKustoSchema(`${two} print array_sort_asc(array1,array2)`);
    expectKustoSchema('print array_sort_desc(dynamic([2,1]), dynamic(["b","a"]), false)');
    expectKustoSchema('print (x, y) = array_sort_asc(dynamic([2,1]), dynamic(["b","a"]))');
    expectKustoSchema('datatable(a:dynamic, b:dynamic)[dynamic([2,1]), dynamic([3,4])] | extend array_sort_asc(a, b)');
    expectKustoSchema('datatable(a:dynamic, b:dynamic)[dynamic([2,1]), dynamic([3,4])] | project array_sort_desc(a, b), c = 1');
    expectKustoSchema('print array_sort_asc(dynamic([2,1]), false)');
  });

  it('sorts one list by another (the documented idiom with [1])', () => {
    const q = (fn: string) => `datatable(command:string, command_time:datetime, user_id:string)
[
    'chmod',   datetime(2019-07-15),   "user1",
    'ls',      datetime(2019-07-02),   "user1",
    'dir',     datetime(2019-07-22),   "user1",
    'mkdir',   datetime(2019-07-14),   "user1",
    'rm',      datetime(2019-07-27),   "user1",
    'pwd',     datetime(2019-07-25),   "user1",
    'rm',      datetime(2019-07-23),   "user2",
    'pwd',     datetime(2019-07-25),   "user2",
]
| summarize timestamps = make_list(command_time), commands = make_list(command) by user_id
| project user_id, commands_in_chronological_order = ${fn}(timestamps, commands)[1]`;
    expect(run(q('array_sort_asc')).rows).toEqual([
      { user_id: 'user1', commands_in_chronological_order: ['ls', 'mkdir', 'chmod', 'dir', 'pwd', 'rm'] },
      { user_id: 'user2', commands_in_chronological_order: ['rm', 'pwd'] },
    ]);
    expect(run(q('array_sort_desc')).rows).toEqual([
      { user_id: 'user1', commands_in_chronological_order: ['rm', 'pwd', 'dir', 'chmod', 'mkdir', 'ls'] },
      { user_id: 'user2', commands_in_chronological_order: ['pwd', 'rm'] },
    ]);
    expectKustoSchema(q('array_sort_asc'));
  });

  it('is written back to KQL as one call per item', () => {
    const kql = (q: string) => {
      const parsed = parseQuery(q);
      return emitKql(bindQuery(parsed.ast, noTables, q).ir!);
    };
    const print = kql('print array_sort_asc(dynamic([2,1]), dynamic(["b","a"])), (x, y) = array_sort_desc(dynamic([2,1]), dynamic(["b","a"]))');
    expect(print.trim()).toBe('print array_sort_asc(dynamic([2, 1]), dynamic(["b", "a"])), (x, y) = array_sort_desc(dynamic([2, 1]), dynamic(["b", "a"]))');
    expect(kql(print)).toBe(print);
    const extend = kql('datatable(a:dynamic, b:dynamic)[dynamic([2,1]), dynamic([3,4])] | extend array_sort_asc(a, b)');
    expect(extend).toMatch(/\| extend array_sort_asc\(a, b\)$/m);
  });

  it('gives null for an array of another length and reads a last bool as nulls_last', () => {
    expect(run('print (a, b) = array_sort_asc(dynamic([2,1]), dynamic(["b"]))').rows).toEqual([{ a: [1, 2], b: null }]);
    expect(run('print (a, b) = array_sort_asc(dynamic([2,null,1]), dynamic(["x","n","y"]), false)').rows).toEqual([{ a: [null, 1, 2], b: ['n', 'y', 'x'] }]);
    expect(run('print (a, b) = array_sort_asc(dynamic([2,null,1]), dynamic(["x","n","y"]))').rows).toEqual([{ a: [1, 2, null], b: ['y', 'x', 'n'] }]);
    expect(value('array_sort_asc(dynamic([2,null,1]), false)')).toEqual([null, 1, 2]);
  });
});

describe('parse kind=regex with groups inside the pattern constants', () => {
  // https://learn.microsoft.com/kusto/query/parse-operator: in kind=regex the constants are regular
  // expressions and the columns are "numbered captured groups that are handled internally"; the page's
  // examples put groups in constants ("(.*?)totalSlices=", ".*?(previous)?lockTime=") and still fill
  // every column.
  it('does not let a constant\'s group shift the columns', () => {
    expect(run('print s="xx a=1" | parse kind=regex s with "(x+) a=" a:long').rows).toEqual([{ s: 'xx a=1', a: 1 }]);
    expect(run('print s="a=1\\nb=2" | parse kind=regex flags=s s with "a=" a:long "(.*?)b=" b:long').rows).toEqual([{ s: 'a=1\nb=2', a: 1, b: 2 }]);
    const text = 'Event: NotifySliceRelease (resourceName=PipelineScheduler, totalSlices=27, sliceNumber=23, lockTime=02/17/2016 08:40:01, releaseTime=02/17/2016 08:40:01, previousLockTime=02/17/2016 08:39:01)';
    const q = `print EventText="${text}"
| parse kind=regex EventText with "(.*?)[a-zA-Z]*=" resourceName @", totalSlices=\\s*\\d+\\s*.*?sliceNumber=" sliceNumber: long  ".*?(previous)?lockTime=" lockTime ".*?releaseTime=" releaseTime ".*?previousLockTime=" previousLockTime: date "\\\\)"
| project resourceName, sliceNumber, lockTime, releaseTime, previousLockTime = tostring(previousLockTime)`;
    expect(run(q).rows).toEqual([{
      resourceName: 'PipelineScheduler', sliceNumber: 23, lockTime: '02/17/2016 08:40:01, ', releaseTime: '02/17/2016 08:40:01, ', previousLockTime: '2016-02-17T08:39:01.0000000Z',
    }]);
  });
});

describe('parse kind=relaxed with a typed column before *', () => {
  // https://learn.microsoft.com/kusto/query/parse-operator (kind=relaxed example): `sliceNumber: long *
  // "lockTime="` gives the number; a value that does not convert is null and parsing goes on.
  it('takes the number and nulls only what does not convert', () => {
    expect(run('print s="a=1, b=22, c=x" | parse kind=relaxed s with "a=" a:long ", b=" b:long * "c=" c').rows).toEqual([{ s: 'a=1, b=22, c=x', a: 1, b: 22, c: 'x' }]);
    const row = (totalSlices: string, sliceNumber: number) => `"Event: NotifySliceRelease (resourceName=PipelineScheduler, totalSlices=${totalSlices}, sliceNumber=${sliceNumber}, lockTime=02/17/2016 08:40:01, releaseTime=nonValidDateTime 08:40:01, previousLockTime=02/17/2016 08:39:01)"`;
    const q = `datatable(EventText: string)[${row('27', 23)}, ${row('nonValidLongValue', 20)}]
| parse kind=relaxed EventText with * "resourceName=" resourceName ", totalSlices=" totalSlices: long ", sliceNumber=" sliceNumber: long * "lockTime=" lockTime ", releaseTime=" releaseTime: date "," * "previousLockTime=" previousLockTime: date ")" *
| project-away EventText
| extend releaseTime = tostring(releaseTime), previousLockTime = tostring(previousLockTime)`;
    expect(run(q).rows).toEqual([
      { resourceName: 'PipelineScheduler', totalSlices: 27, sliceNumber: 23, lockTime: '02/17/2016 08:40:01', releaseTime: '', previousLockTime: '2016-02-17T08:39:01.0000000Z' },
      { resourceName: 'PipelineScheduler', totalSlices: null, sliceNumber: 20, lockTime: '02/17/2016 08:40:01', releaseTime: '', previousLockTime: '2016-02-17T08:39:01.0000000Z' },
    ]);
  });
});

describe('outer union columns', () => {
  // https://learn.microsoft.com/kusto/query/union-operator: a name with several types becomes one
  // column per type (`x_long`, `x_int`); a leg's own `x_long` is another column, which the page and
  // Kusto.Language name with a suffix. Kusto.Language (the authority on names) gives the suffix to the
  // later one in order of appearance; each leg's values stay in the column made from its own column.
  it('never feeds a leg\'s genuine x_long from another leg\'s x', () => {
    const q = 'let A = datatable(x:long)[1]; let B = datatable(x_long:long)[3]; union A, B';
    expect(run(q).rows).toEqual([{ x: 1, x_long: null }, { x: null, x_long: 3 }]);
    expectKustoSchema(q);
  });

  it('gives a clashing name the first free suffix, as Kusto.Language does', () => {
    const views = 'let View_1 = view () { print x=1 }; let View_2 = view () { print x=toint(2) }; let View_3 = view () { print x_long=3 };';
    const q = `${views} union withsource=TableName View_1, View_2, View_3`;
    expect(run(q).rows).toEqual([
      { TableName: 'View_1', x_long: 1, x_int: null, x_long1: null },
      { TableName: 'View_2', x_long: null, x_int: 2, x_long1: null },
      { TableName: 'View_3', x_long: null, x_int: null, x_long1: 3 },
    ]);
    expectKustoSchema(q);
    const mixed = 'let A = datatable(x:long)[1]; let B = datatable(x_long:string)["s"]; let C = datatable(x:string)["a"]; union A, B, C';
    expect(run(mixed).rows).toEqual([
      { x_long: 1, x_string: null, x_long1: null },
      { x_long: null, x_string: null, x_long1: 's' },
      { x_long: null, x_string: 'a', x_long1: null },
    ]);
    expectKustoSchema(mixed);
    expectKustoSchema('let A = datatable(x_long:long, x_long1:long)[1,2]; let B = datatable(x:long)[3]; let C = datatable(x:int)[1]; union A, B, C');
  });

  // https://learn.microsoft.com/kusto/query/union-operator (withsource example with views): TableName is View_1, View_2.
  it('labels a view leg with its let name in withsource=', () => {
    const q = 'let View_1 = view () { print x=1 }; let View_2 = view () { print x=toint(2) }; union withsource=TableName View_1, View_2';
    expect(run(q).rows).toEqual([{ TableName: 'View_1', x_long: 1, x_int: null }, { TableName: 'View_2', x_long: null, x_int: 2 }]);
  });
});

describe('make-series kind=nonempty on empty input', () => {
  // https://learn.microsoft.com/kusto/query/make-series-operator: kind=nonempty "Produces default result
  // when the input of make-series operator is empty" (the page's `take 0` example: nine 1.0 over the axis).
  const q = (kind: string) => `datatable(timestamp:datetime, metric: real)[datetime(2017-01-01), 4]
| take 0
| make-series ${kind} avg(metric) default=1.0 on timestamp from datetime(2017-01-01) to datetime(2017-01-04) step 1d`;
  it('gives one row of defaults; the default kind gives none', () => {
    expect(run(q('kind=nonempty')).rows).toEqual([{
      avg_metric: [1, 1, 1],
      timestamp: ['2017-01-01T00:00:00.0000000Z', '2017-01-02T00:00:00.0000000Z', '2017-01-03T00:00:00.0000000Z'],
    }]);
    expect(run(q('')).rows).toEqual([]);
    expectKustoSchema(q('kind=nonempty'));
  });
});

describe('evaluate bag_unpack with columnsConflict', () => {
  // https://learn.microsoft.com/kusto/query/bag-unpack-plugin: with replace_source the bag's Name
  // replaces the input's, with keep_source the input's stays; either way the output columns are
  // Age, Name (the unpacked slots, in name order, after the other input columns). A slot whose values
  // all have one type has that type ("The type of each column is the type of the slot if all values
  // of the same slot have the same type, or dynamic if values differ in type").
  const data = `datatable(Name:string, d:dynamic)
[
    'Old_name', dynamic({"Name": "John", "Age":20}),
    'Old_name', dynamic({"Name": "Dave", "Age":40}),
]`;
  it('lists the conflicting column among the unpacked ones', () => {
    const replaced = run(`${data} | evaluate bag_unpack(d, columnsConflict='replace_source')`);
    expect(replaced.rows.map((r) => Object.keys(r))).toEqual([['Age', 'Name'], ['Age', 'Name']]);
    expect(replaced.rows).toEqual([{ Age: 20, Name: 'John' }, { Age: 40, Name: 'Dave' }]);
    const kept = run(`${data} | evaluate bag_unpack(d, columnsConflict='keep_source')`);
    expect(kept.rows.map((r) => Object.keys(r))).toEqual([['Age', 'Name'], ['Age', 'Name']]);
    expect(kept.rows).toEqual([{ Age: 20, Name: 'Old_name' }, { Age: 40, Name: 'Old_name' }]);
    // Later operators still read the column by name.
    expect(run(`${data} | evaluate bag_unpack(d, columnsConflict='replace_source') | where Name == 'Dave' | project Name`).rows).toEqual([{ Name: 'Dave' }]);
  });

  it('types a slot whose values share one type', () => {
    const out = run(`${data} | evaluate bag_unpack(d, columnsConflict='replace_source')`);
    expect(out.columns).toEqual([{ name: 'Age', type: 'long' }, { name: 'Name', type: 'string' }]);
    const mixed = run('datatable(d:dynamic)[dynamic({"a": 1, "b": true, "c": 1.5}), dynamic({"a": 2, "b": false, "c": "x"})] | evaluate bag_unpack(d)');
    expect(mixed.columns).toEqual([{ name: 'a', type: 'long' }, { name: 'b', type: 'bool' }, { name: 'c', type: 'dynamic' }]);
  });
});

describe('todatetime of the documented text forms', () => {
  // https://learn.microsoft.com/kusto/query/scalar-data-types/datetime ("Supported formats": ISO 8601,
  // RFC 822, RFC 850, Sortable), all read as UTC.
  const iso = (s: string) => value(`tostring(todatetime("${s}"))`);
  it('reads every example of the page\'s format tables', () => {
    const at = (t: string) => `2014-11-08T${t}.0000000Z`;
    const examples: [string, string][] = [
      ['Sat, 8 Nov 14 15:05:02 GMT', at('15:05:02')], ['Sat, 8 Nov 14 15:05:02', at('15:05:02')], ['Sat, 8 Nov 14 15:05', at('15:05:00')], ['Sat, 8 Nov 14 15:05 GMT', at('15:05:00')],
      ['8 Nov 14 15:05:02 GMT', at('15:05:02')], ['8 Nov 14 15:05:02', at('15:05:02')], ['8 Nov 14 15:05', at('15:05:00')], ['8 Nov 14 15:05 GMT', at('15:05:00')],
      ['Saturday, 08-Nov-14 15:05:02 GMT', at('15:05:02')], ['Saturday, 08-Nov-14 15:05:02', at('15:05:02')], ['Saturday, 08-Nov-14 15:05 GMT', at('15:05:00')], ['Saturday, 08-Nov-14 15:05', at('15:05:00')],
      ['08-Nov-14 15:05:02 GMT', at('15:05:02')], ['08-Nov-14 15:05:02', at('15:05:02')], ['08-Nov-14 15:05 GMT', at('15:05:00')], ['08-Nov-14 15:05', at('15:05:00')],
      ['2014-11-08 15:05:25', at('15:05:25')], ['2014-11-08 15:05:25 GMT', at('15:05:25')], ['2014-11-08 15:05', at('15:05:00')], ['2014-11-08 15:05 GMT', at('15:05:00')],
      ['2014-11-08T15:05:25', at('15:05:25')], ['2014-11-08T15:05:25 GMT', at('15:05:25')], ['2014-11-08T15:05', at('15:05:00')], ['2014-11-08T15:05 GMT', at('15:05:00')],
      ['2014-11-08', '2014-11-08T00:00:00.0000000Z'], ['2014-05-25T08:20', '2014-05-25T08:20:00.0000000Z'],
    ];
    expect(examples.map(([s]) => [s, iso(s)])).toEqual(examples);
  });

  it('applies the zone and refuses what is no date', () => {
    expect(iso('Sat, 8 Nov 14 15:05:02 +0200')).toBe('2014-11-08T13:05:02.0000000Z');
    expect(iso('8 Nov 14 15:05 EST')).toBe('2014-11-08T20:05:00.0000000Z');
    expect(iso('2014-1-8 15:05')).toBe('2014-01-08T15:05:00.0000000Z');
    // Every fraction digit is kept to Kusto's 100 ns tick.
    expect(iso('2014-11-08 15:05:25.1234567 GMT')).toBe('2014-11-08T15:05:25.1234567Z');
    expect(iso('31 Feb 14 15:05')).toBe('');
    expect(iso('8 Nov 14 25:05')).toBe('');
  });
});

describe('functions added from the documentation', () => {
  // https://learn.microsoft.com/kusto/query/array-iff-function
  it('array_iff / array_iif', () => {
    expect(value('array_iff(dynamic([true,false,true]), dynamic([1,2,3]), dynamic([4,5,6]))')).toEqual([1, 5, 3]);
    expect(value('array_iff(dynamic([1,0,50]), "yes", "no")')).toEqual(['yes', 'no', 'yes']);
    expect(value('array_iif(dynamic(["some string value", null]), 1, 0)')).toEqual([null, null]);
    expect(value('array_iff(dynamic([true,true,true]), dynamic([1,2]), dynamic([3,4]))')).toEqual([1, 2, null]);
    expectKustoSchema('print array_iff(dynamic([true]), 1, 2)');
  });

  // https://learn.microsoft.com/kusto/query/array-shift-left-function, .../array-shift-right-function
  it('array_shift_left / array_shift_right', () => {
    expect(value('array_shift_left(dynamic([1,2,3,4,5]), 2)')).toEqual([3, 4, 5, null, null]);
    expect(value('array_shift_left(dynamic([1,2,3,4,5]), 2, -1)')).toEqual([3, 4, 5, -1, -1]);
    expect(value('array_shift_left(dynamic([1,2,3,4,5]), -2, -1)')).toEqual([-1, -1, 1, 2, 3]);
    expect(value('array_shift_right(dynamic([1,2,3,4,5]), 2)')).toEqual([null, null, 1, 2, 3]);
    expect(value('array_shift_right(dynamic([1,2,3,4,5]), 2, -1)')).toEqual([-1, -1, 1, 2, 3]);
    expect(value('array_shift_right(dynamic([1,2,3,4,5]), -2, -1)')).toEqual([3, 4, 5, -1, -1]);
    expect(value('array_shift_right(dynamic(["a","b"]), 1)')).toEqual(['', 'a']);
  });

  // https://learn.microsoft.com/kusto/query/array-rotate-left-function, .../array-rotate-right-function
  it('array_rotate_left / array_rotate_right', () => {
    expect(value('array_rotate_left(dynamic([1,2,3,4,5]), 2)')).toEqual([3, 4, 5, 1, 2]);
    expect(value('array_rotate_left(dynamic([1,2,3,4,5]), -2)')).toEqual([4, 5, 1, 2, 3]);
    expect(value('array_rotate_right(dynamic([1,2,3,4,5]), 2)')).toEqual([4, 5, 1, 2, 3]);
    expect(value('array_rotate_right(dynamic([1,2,3,4,5]), 7)')).toEqual([4, 5, 1, 2, 3]);
  });

  // https://learn.microsoft.com/kusto/query/array-split-function
  it('array_split', () => {
    expect(value('array_split(dynamic([1,2,3,4,5]), 2)')).toEqual([[1, 2], [3, 4, 5]]);
    expect(value('array_split(dynamic([1,2,3,4,5]), dynamic([1,3]))')).toEqual([[1], [2, 3], [4, 5]]);
    expect(value('array_split(dynamic([1,2,3,4,5]), -1)')).toEqual([[1, 2, 3, 4], [5]]);
  });

  // https://learn.microsoft.com/kusto/query/bag-set-key-function
  it('bag_set_key', () => {
    expect(value("bag_set_key(dynamic({'key1': 1, 'key2': 2}), 'key3', 3)")).toEqual({ key1: 1, key2: 2, key3: 3 });
    expect(value("bag_set_key(dynamic({'key1': 1, 'key3': 'abc'}), 'key3', 3)")).toEqual({ key1: 1, key3: 3 });
    expect(value("bag_set_key(dynamic({'key1': 123, 'key2': {'prop1': 123, 'prop2': 'xyz'}}), '$.key2.prop1', 'abc')")).toEqual({ key1: 123, key2: { prop1: 'abc', prop2: 'xyz' } });
    expect(value("bag_set_key(dynamic({'key1': 123}), '$.key2.prop1', 'abc')")).toEqual({ key1: 123, key2: { prop1: 'abc' } });
    expect(value("bag_set_key(dynamic([1]), 'a', 1)")).toBe(null);
  });

  // https://learn.microsoft.com/kusto/query/range-function
  it('range()', () => {
    expect(value('range(1, 8, 3)')).toEqual([1, 4, 7]);
    expect(value('range(1, 3)')).toEqual([1, 2, 3]);
    expect(value('range(1h, 5h)')).toEqual(['01:00:00', '02:00:00', '03:00:00', '04:00:00', '05:00:00']);
    expect((value('range(datetime(2015-01-01), datetime(2015-12-31), 1d)') as unknown[]).length).toBe(365);
    expect(run('print r = range(1,1000000000) | mv-expand r | count').rows).toEqual([{ Count: 1048576 }]);
    expectKustoSchema('print range(1, 8, 3)');
  });

  // https://learn.microsoft.com/kusto/query/translate-function
  it('translate', () => {
    expect([value('translate("abc", "x", "abc")'), value('translate("abc", "", "ab")'), value('translate("krasp", "otsku", "spark")')]).toEqual(['xxx', '', 'kusto']);
  });

  // https://learn.microsoft.com/kusto/query/has-any-index-function
  it('has_any_index', () => {
    expect(run(`print
 idx1 = has_any_index("this is an example", dynamic(['this', 'example'])),
 idx2 = has_any_index("this is an example", dynamic(['not', 'example'])),
 idx3 = has_any_index("this is an example", dynamic(['not', 'found'])),
 idx4 = has_any_index("Example number 2", range(1, 3, 1)),
 idx5 = has_any_index("this is an example", dynamic([]))`).rows).toEqual([{ idx1: 0, idx2: 1, idx3: -1, idx4: 1, idx5: -1 }]);
    expectKustoSchema('print has_any_index("abc", dynamic(["a"]))');
  });

  // https://learn.microsoft.com/kusto/query/url-encode-component-function and .../url-encode-function
  // (the component page's output drops the input's trailing '/': its encoding, %2f, is kept here)
  it('url_encode_component and url_encode', () => {
    expect(value("url_encode_component(@'https://www.bing.com/hello world')")).toBe('https%3a%2f%2fwww.bing.com%2fhello%20world');
    expect(value("url_encode(@'https://www.bing.com/hello world')")).toBe('https%3a%2f%2fwww.bing.com%2fhello+world');
  });

  // https://learn.microsoft.com/kusto/query/ipv4-range-to-cidr-list-function
  it('ipv4_range_to_cidr_list', () => {
    expect(value('ipv4_range_to_cidr_list("1.1.128.0", "1.1.140.255")')).toEqual(['1.1.128.0/21', '1.1.136.0/22', '1.1.140.0/24']);
    expect(value('ipv4_range_to_cidr_list("0.0.0.0", "255.255.255.255")')).toEqual(['0.0.0.0/0']);
    expect(value('ipv4_range_to_cidr_list("10.0.0.1", "10.0.0.1")')).toEqual(['10.0.0.1/32']);
  });

  // https://learn.microsoft.com/kusto/query/isempty-function (parsejson, the deprecated name of parse_json)
  it('parsejson', () => {
    expect(value('parsejson("[1]")')).toEqual([1]);
    expectKustoSchema('print parsejson("{}")');
  });
});

describe('timespan literals written as text', () => {
  // https://learn.microsoft.com/kusto/query/scalar-data-types/timespan ("Timespan literals"):
  // time(15 seconds) is 15 seconds, time(0.12:34:56.7) is 0 days 12:34:56.7, time(2) is 2 days.
  const text = (q: string) => value(`tostring(${q})`);
  it('reads [d.]hh:mm[:ss[.fffffff]] and "N unit" inside time()/timespan()', () => {
    expect(text('time(15 seconds)')).toBe('00:00:15');
    expect(text('time(0.12:34:56.7)')).toBe('12:34:56.7000000');
    expect(text('timespan(00:05:00)')).toBe('00:05:00');
    expect(text('time(29.09:00:05.12345)')).toBe('29.09:00:05.1234500');
    expect(text('time(-1.00:00:01)')).toBe('-1.00:00:01');
    expect(text('time(2)')).toBe('2.00:00:00');
    expect(value('24 * 60 * time(00:01:00) / time(1s)')).toBe(86400);
  });

  it('is written back as a KQL timespan that Kusto.Language types as one', () => {
    const q = 'print a = time(00:05:00), b = time(15 seconds)';
    const parsed = parseQuery(q);
    const kql = emitKql(bindQuery(parsed.ast, noTables, q).ir!);
    expect(kql).not.toContain('00:05:00)'); // canonical form, not the text form
    expect(kustoResultColumns(kql, noTables)).toEqual({ columns: [{ name: 'a', type: 'timespan' }, { name: 'b', type: 'timespan' }] });
    expect(run(kql).rows).toEqual(run(q).rows);
  });
});
