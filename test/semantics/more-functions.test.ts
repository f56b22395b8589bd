/**
 * Functions added for issue 28 (Kusto's string, datetime, dynamic and IP families): each expected
 * value is the one on the Microsoft documentation page cited, not what the code computes.
 */
import { describe, expect, it } from 'vitest';
import { emitKql } from '../../src/backends/kql/emit.js';
import { lookup } from '../../src/catalog/catalog.js';
import { bind, value } from '../js/helpers.js';

describe('deprecated names Kusto.Language still knows', () => {
  // Each alias gives its current name's documented value, and is emitted under the name written.
  const cases: [string, string, string, unknown][] = [
    // https://learn.microsoft.com/kusto/query/isnotempty-function
    ['notempty', 'isnotempty', '("")', false],
    ['notempty', 'isnotempty', '("a")', true],
    // https://learn.microsoft.com/kusto/query/isnotnull-function
    ['notnull', 'isnotnull', '(int(null))', false],
    // https://learn.microsoft.com/kusto/query/extract-all-function
    ['extractall', 'extract_all', '(@"(\\d+)", "a1b22c333")', ['1', '22', '333']],
    // https://learn.microsoft.com/kusto/query/parse-urlquery-function
    ['parseurlquery', 'parse_urlquery', '("k1=v1&k2=v2&k3=v3")', { 'Query Parameters': { k1: 'v1', k2: 'v2', k3: 'v3' } }],
    // https://learn.microsoft.com/kusto/query/datetime-part-function
    ['datepart', 'datetime_part', '("year", datetime(2017-10-30 01:02:03.7654321))', 2017],
    ['datepart', 'datetime_part', '("nanosecond", datetime(2017-10-30 01:02:03.7654321))', 765432100],
    // https://learn.microsoft.com/kusto/query/array-length-function
    ['arraylength', 'array_length', '(dynamic([1, 2, 3, "four"]))', 4],
    ['arraylength', 'array_length', '(dynamic({"a": 1}))', null],
    // https://learn.microsoft.com/kusto/query/base64-encode-tostring-function
    ['base64_encodestring', 'base64_encode_tostring', '("Kusto")', 'S3VzdG8='],
    // https://learn.microsoft.com/kusto/query/base64-decode-tostring-function
    ['base64_decodestring', 'base64_decode_tostring', '("S3VzdG8=")', 'Kusto'],
  ];
  for (const [alias, name, args, expected] of cases) {
    it(`${alias}${args}`, () => {
      expect(value(`${alias}${args}`)).toEqual(expected);
      expect(value(`${name}${args}`)).toEqual(expected);
    });
  }

  // https://learn.microsoft.com/kusto/query/totimespan-function: totimespan("0.00:01:00") == 1m;
  // https://learn.microsoft.com/kusto/query/parse-url-function
  it('totime and parseurl', () => {
    expect(value('totime("0.00:01:00") == 1m')).toBe(true);
    expect(value('totime("0.00:01:00") == 2m')).toBe(false);
    const url = 'parseurl("scheme://username:password@host:1234/this/is/a/path?k1=v1&k2=v2#fragment")';
    expect(value(url)).toEqual({
      Scheme: 'scheme', Host: 'host', Port: '1234', Path: '/this/is/a/path', Username: 'username', Password: 'password',
      'Query Parameters': { k1: 'v1', k2: 'v2' }, Fragment: 'fragment',
    });
  });

  it('share their current name\'s implementation and keep their own name in KQL', () => {
    for (const [alias, name] of [['notempty', 'isnotempty'], ['totime', 'totimespan'], ['extractall', 'extract_all']] as const) {
      expect(lookup(alias)!.js).toBe(lookup(name)!.js);
    }
    expect(emitKql(bind('T | where notempty(s)'))).toContain('notempty(s)');
  });
});
