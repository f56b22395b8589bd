import { describe, expect, it } from 'vitest';
import { parseRegex } from '../../src/backends/js/parse.js';
import { bindOp, checkSchemaAndKql, problemOf, runOp } from './helpers.js';

// https://learn.microsoft.com/kusto/query/parse-operator and .../parse-where-operator
const TRACE = 'Event: NotifySliceRelease (resourceName=PipelineScheduler, totalSlices=27, sliceNumber=23, lockTime=02/17/2016 08:40:01, releaseTime=2016-02-17T08:40:01Z, previousLockTime=2016-02-17T08:39:01Z)';

describe('parse, parse-where', () => {
  it.each([
    'A | parse x with "a" p "b" q:long',
    'A | parse x with * "n=" n:long * "r=" r:real "," *',
    'A | parse-where kind=regex flags=i x with "a" p:int "b" * "c" q:datetime',
    'A | parse kind=relaxed x with * "a=" p:real',
    'A | parse tostring(y) with p:long',
    'A | parse-where x with "k=" k:dynamic',
  ])('%s: schema as Kusto.Language computes it; KQL accepted and round-trips', (q) => {
    checkSchemaAndKql(q);
  });

  it('the documented example (simple): constants, typed columns and * skips', () => {
    const out = runOp(
      'A | parse x with * "resourceName=" resourceName ", totalSlices=" totalSlices:long * "sliceNumber=" sliceNumber:long * "lockTime=" lockTime ", releaseTime=" releaseTime:datetime "," * "previousLockTime=" previousLockTime:datetime ")" * | project resourceName, totalSlices, sliceNumber, lockTime, releaseTime, previousLockTime',
      { A: [{ x: TRACE }] },
    );
    expect(out).toEqual([{ resourceName: 'PipelineScheduler', totalSlices: 27, sliceNumber: 23, lockTime: '02/17/2016 08:40:01', releaseTime: '2016-02-17T08:40:01Z', previousLockTime: '2016-02-17T08:39:01Z' }]);
  });

  it('kind=regex: constants are regular expressions (the page: * is .*?, a string column greedy .* unless flags=U, long a signed integer)', () => {
    expect(parseRegex('regex', undefined, [{ kind: 'star' }, { kind: 'text', text: 'a\\d' }, { kind: 'column', name: 'v', type: 'string', explicitType: false }, { kind: 'text', text: ',' }, { kind: 'column', name: 'n', type: 'long', explicitType: true }])).toBe(
      '^.*?(?:a\\d)(?P<detc_parse_column_0>.*)(?:,)(?P<detc_parse_column_1>[-+]?\\d+)$',
    );
    const out = runOp('A | parse kind=regex flags=i x with * "user[=:]" user "," n:long | project user, n', { A: [{ x: 'x USER=bob,42' }, { x: 'nothing' }] });
    expect(out).toEqual([{ user: 'bob', n: 42 }, { user: '', n: null }]);
    // The page: greedy by default, flags=U makes the column stop at the first ','.
    const events = { A: [{ x: 'resourceName=P, total=27, slice=23' }] };
    expect(runOp('A | parse kind=regex x with * "resourceName=" r \',\' * | project r', events)).toEqual([{ r: 'P, total=27' }]);
    expect(runOp('A | parse kind=regex flags=U x with * "resourceName=" r \',\' * | project r', events)).toEqual([{ r: 'P' }]);
  });

  it('strict (simple) fails the whole match on a bad typed value; relaxed nulls only that column', () => {
    const events = { A: [{ x: 'id=abc name=z' }] };
    expect(runOp('A | parse x with "id=" id:long " name=" name | project id, name', events)).toEqual([{ id: null, name: '' }]);
    expect(runOp('A | parse kind=relaxed x with "id=" id:long " name=" name | project id, name', events)).toEqual([{ id: null, name: 'z' }]);
  });

  it('parse-where drops the rows that do not match; parse keeps them with empty columns', () => {
    const events = { A: [{ x: 'user=ann' }, { x: 'other' }] };
    expect(runOp('A | parse-where x with "user=" u | project u', events)).toEqual([{ u: 'ann' }]);
    expect(runOp('A | parse x with "user=" u | project u', events)).toEqual([{ u: 'ann' }, { u: '' }]);
  });

  it('clear errors: existing column, unknown type, bad kind, flags without regex, bad regex', () => {
    expect(problemOf('A | parse x with "a" y')).toMatch(/would add column 'y', which already exists/);
    expect(problemOf('A | parse x with "a" p:number')).toMatch(/unknown type 'number'/);
    expect(problemOf('A | parse kind=fuzzy x with "a" p')).toMatch(/kind must be simple, regex or relaxed/);
    expect(problemOf('A | parse flags=i x with "a" p')).toMatch(/flags= is only for kind=regex/);
    expect(problemOf('A | parse kind=regex x with "(a" p')).toMatch(/^BadRegex/);
    expect(problemOf('A | parse x using "a" p')).toMatch(/expected 'with'/);
  });

  it('binds as an operator, not an unsupported one', () => {
    expect(bindOp('A | parse x with "a" p').body.ops[0]!.op).toBe('parse');
  });
});
