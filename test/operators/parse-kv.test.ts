import { describe, expect, it } from 'vitest';
import { checkSchemaAndKql, problemOf, runOp } from './helpers.js';

// https://learn.microsoft.com/kusto/query/parse-kv-operator: the page's examples and notes.
describe('parse-kv (issue 27)', () => {
  it.each([
    "A | parse-kv x as (k1: string, k2: long) with (pair_delimiter=',', kv_delimiter=':')",
    "A | parse-kv x as (k1: string) with (pair_delimiter=' ', kv_delimiter='=', quote='\"', escape='\\\\', greedy=true)",
    "A | parse-kv x as (k1: string, k2: real) with (regex=@'(\\w+)=(\\w+)')",
    'A | parse-kv x as (k1: string)',
  ])('%s: schema as Kusto.Language computes it; KQL accepted and round-trips', (q) => {
    checkSchemaAndKql(q);
  });

  it('delimiters: keys in any order, whitespace ignored, the first occurrence wins, a missing key null or ""', () => {
    const [r] = runOp(`print str="ThreadId:458745723, Machine:Node001, Text: The service is up, Level: Info, Machine:Other"
| parse-kv str as (Text: string, ThreadId:long, Machine: string, Missing: string, MissingN: long) with (pair_delimiter=',', kv_delimiter=':')
| project-away str`, {});
    expect(r).toEqual({ Text: 'The service is up', ThreadId: 458745723, Machine: 'Node001', Missing: '', MissingN: null });
  });

  it('quotes (and escapes in them) keep delimiters inside a value', () => {
    const [r] = runOp(String.raw`print str='src=10.1.1.123 dst=10.1.1.124 bytes=125 failure="connection aborted" "event time"=2021-01-01T10:00:54 note="a \"b\""'
| parse-kv str as (['event time']: datetime, src: string, dst: string, bytes: long, failure: string, note: string) with (pair_delimiter=' ', kv_delimiter='=', quote='"', escape='\\')`, {});
    expect(r!.failure).toBe('connection aborted');
    expect(r!.bytes).toBe(125);
    expect(r!.note).toBe('a "b"');
    expect(String(r!['event time'])).toMatch(/^2021-01-01T10:00:54/);
  });

  it('greedy=true: an unquoted value runs on to the next key', () => {
    const [r] = runOp(`print str="name=John Doe phone=555 5555 city=New York"
| parse-kv str as (name:string, phone:string, city:string) with (pair_delimiter=' ', kv_delimiter='=', greedy=true)`, {});
    expect([r!.name, r!.phone, r!.city]).toEqual(['John Doe', '555 5555', 'New York']);
    const [plain] = runOp(`print str="name=John Doe phone=555 5555" | parse-kv str as (name:string) with (pair_delimiter=' ', kv_delimiter='=')`, {});
    expect(plain!.name).toBe('John');
  });

  it('regex: group 1 the key, group 2 the value, every match', () => {
    const [r] = runOp(`print str="a=1;b=2.5;c=x" | parse-kv str as (a: long, b: real, c: string) with (regex=@'(\\w+)=([^;]+)')`, {});
    expect([r!.a, r!.b, r!.c]).toEqual([1, 2.5, 'x']);
  });

  it('without delimiters the JS evaluator stops with an explicit error rather than guess', () => {
    expect(() => runOp('print str="a=1" | parse-kv str as (a: long)', {})).toThrow(/parse-kv without pair_delimiter and kv_delimiter/);
  });

  it('clear errors', () => {
    expect(problemOf("A | parse-kv x as (y: long) with (pair_delimiter=',', kv_delimiter=':')")).toMatch(/parse-kv key 'y' is already a column/);
    expect(problemOf("A | parse-kv x as (k: long) with (pair_delim=',')")).toMatch(/parse-kv has no option 'pair_delim'/);
    expect(problemOf("A | parse-kv x as (k: long) with (regex='(')")).toMatch(/parse-kv regex does not compile/);
    expect(problemOf('A | parse-kv x into (k: long)')).toMatch(/expected 'as' in parse-kv/);
    expect(problemOf('A | parse-kv x as (k: nosuchtype)')).toMatch(/unknown type 'nosuchtype'/);
  });
});
