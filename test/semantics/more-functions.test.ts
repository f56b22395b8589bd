/**
 * Functions added for issue 28 (Kusto's string, datetime, dynamic and IP families): each expected
 * value is the one on the Microsoft documentation page cited, not what the code computes.
 */
import { describe, expect, it } from 'vitest';
import { loadMappings } from '../../src/backends/aql/mapping.js';
import { translateToAql } from '../../src/backends/aql/translate.js';
import { emitKql } from '../../src/backends/kql/emit.js';
import { lookup } from '../../src/catalog/catalog.js';
import { checkRuleText } from '../../src/compile.js';
import { ruleYaml } from '../helpers.js';
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

describe('dynamic functions', () => {
  // https://learn.microsoft.com/kusto/query/jaccard-index-function
  // Kusto.Language types it dynamic (a number in it).
  it('jaccard_index', () => {
    expect(value('jaccard_index(dynamic([1,2,3]), dynamic([1,2,3,4]))')).toBe(0.75);
    // "duplicate values in the input arrays are ignored"
    expect(value('jaccard_index(dynamic([1,1,2,3]), dynamic([1,2,3,4,4]))')).toBe(0.75);
  });

  // https://learn.microsoft.com/kusto/query/bag-zip
  it('bag_zip', () => {
    expect(value("bag_zip(dynamic(['a', 'b', 'c']), dynamic([1, '2', 3.4]))")).toEqual({ a: 1, b: '2', c: 3.4 });
    expect(value("bag_zip(dynamic(['a', 'b', 'c']), dynamic([1, '2']))")).toEqual({ a: 1, b: '2', c: null });
    expect(value("bag_zip(dynamic(['a', 'b']), dynamic([1, '2', 2.5]))")).toEqual({ a: 1, b: '2' });
    expect(value("bag_zip(dynamic(['a', 8, 'b']), dynamic([1, '2', 2.5]))")).toEqual({ a: 1, b: 2.5 });
    expect(value("bag_zip(dynamic(['a', 8, 'b']), dynamic(1))")).toEqual({ a: null, b: null });
    expect(value("isnull(bag_zip(dynamic('a'), dynamic([1, '2', 2.5])))")).toBe(true);
  });

  // https://learn.microsoft.com/kusto/query/dynamic-to-json-function
  // The page nests dynamic(...) literals, which detc's dynamic literal does not read: plain JSON here.
  it('dynamic_to_json sorts the keys of every bag', () => {
    const bag1 = "dynamic_to_json(dynamic({'Y10':{}, 'X8': {'c3':1, 'd8':5, 'a4':6}, 'D1':114, 'A1':12, 'B1':2, 'C1':3, 'A14':[15, 13, 18]}))";
    const bag2 = "dynamic_to_json(dynamic({'X8': {'a4':6, 'c3':1, 'd8':5}, 'A14':[15, 13, 18], 'C1':3, 'B1':2, 'Y10': {}, 'A1':12, 'D1':114}))";
    expect(value(bag1)).toBe('{"A1":12,"A14":[15,13,18],"B1":2,"C1":3,"D1":114,"X8":{"a4":6,"c3":1,"d8":5},"Y10":{}}');
    expect(value(`${bag1} == ${bag2}`)).toBe(true);
  });

  // https://learn.microsoft.com/kusto/query/array-strcat-function (deprecated name of strcat_array)
  it('array_strcat', () => {
    expect(value('array_strcat(dynamic([1, 2, 3]), "->")')).toBe('1->2->3');
  });
});

describe('string and base64 functions', () => {
  // https://learn.microsoft.com/kusto/query/replace-strings-function
  it('replace_strings', () => {
    const m = '"A magic trick can turn a cat into a dog"';
    expect(value(`replace_strings(${m}, dynamic(['cat', 'dog']), dynamic(['dog', 'pigeon']))`)).toBe('A magic trick can turn a dog into a pigeon');
    expect(value(`replace_strings(${m}, dynamic(['turn', ' into a dog']), dynamic(['disappear', '']))`)).toBe('A magic trick can disappear a cat');
    const e = '"This is an example of using replace_strings()"';
    expect(value(`replace_strings(${e}, dynamic(['This', 'is']), dynamic(['This', 'was']))`)).toBe('This was an example of using replace_strings()');
    expect(value(`replace_strings(${e}, dynamic(['is', 'This']), dynamic(['was', 'This']))`)).toBe('Thwas was an example of using replace_strings()');
    expect(value(`replace_strings(${e}, dynamic(['This', 'is']), dynamic([12345, 'was']))`)).toBe('This was an example of using replace_strings()');
  });

  // https://learn.microsoft.com/kusto/query/isutf8
  it('isutf8', () => {
    expect(value('isutf8("some string")')).toBe(true);
    expect(value('isutf8(s)', { s: 'a\ud800b' })).toBe(false);
  });

  // https://learn.microsoft.com/kusto/query/base64-decode-toarray-function, .../base64-encode-fromarray-function
  it('base64_decode_toarray and base64_encode_fromarray', () => {
    expect(value('base64_decode_toarray("S3VzdG8=")')).toEqual([75, 117, 115, 116, 111]);
    expect(value('base64_encode_fromarray(base64_decode_toarray("S3VzdG8="))')).toBe('S3VzdG8=');
    expect(value('isempty(base64_encode_fromarray(base64_decode_toarray("U3RyaW5n0KHR0tGA0L7Rh9C60LA")))')).toBe(true);
  });

  // https://learn.microsoft.com/kusto/query/base64-encode-fromguid-function
  it('base64_encode_fromguid', () => {
    expect(value('base64_encode_fromguid(toguid("ae3133f2-6e22-49ae-b06a-16e6a9b212eb"))')).toBe('8jMxriJurkmwahbmqbIS6w==');
  });
});

describe('code points, sizes and IPv6 masks', () => {
  // https://learn.microsoft.com/kusto/query/unicode-codepoints-from-string-function (deprecated name: to_utf8)
  it('unicode_codepoints_from_string and to_utf8', () => {
    expect(value('unicode_codepoints_from_string("⒦⒰⒮⒯⒪")')).toEqual([9382, 9392, 9390, 9391, 9386]);
    expect(value('to_utf8("קוסטו - Kusto")')).toEqual([1511, 1493, 1505, 1496, 1493, 32, 45, 32, 75, 117, 115, 116, 111]);
    expect(value('unicode_codepoints_to_string(unicode_codepoints_from_string("Kusto"))')).toBe('Kusto');
  });

  // https://learn.microsoft.com/kusto/query/unicode-codepoints-to-string-function (deprecated name: make_string)
  it('unicode_codepoints_to_string and make_string', () => {
    expect(value('unicode_codepoints_to_string(75, 117, 115, 116, 111)')).toBe('Kusto');
    expect(value('unicode_codepoints_to_string(dynamic([75, 117, 115, 116, 111]))')).toBe('Kusto');
    expect(value('make_string(dynamic([75, 117, 115]), 116, 111)')).toBe('Kusto');
    expect(value('unicode_codepoints_to_string(75, 10, 117, 10, 115, 10, 116, 10, 111)')).toBe('K\nu\ns\nt\no');
    expect(value('unicode_codepoints_to_string(range(48,57), range(65,90), range(97,122))')).toBe('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz');
    // "If any argument isn't a valid Unicode codepoint, the function returns null."
    expect(value('isnull(unicode_codepoints_to_string(75, -1))')).toBe(true);
  });

  // https://learn.microsoft.com/kusto/query/format-bytes-function
  it('format_bytes', () => {
    expect(value('format_bytes(564)')).toBe('564 Bytes');
    expect(value('format_bytes(10332, 1)')).toBe('10.1 KB');
    expect(value('format_bytes(20010332)')).toBe('19 MB');
    expect(value('format_bytes(20010332, 2)')).toBe('19.08 MB');
    expect(value('format_bytes(20010332, 0, "KB")')).toBe('19541 KB');
  });

  // https://learn.microsoft.com/kusto/query/parse-ipv6-mask-function
  it('parse_ipv6_mask', () => {
    const cases: [string, number, string][] = [
      ['192.168.255.255', 120, '0000:0000:0000:0000:0000:ffff:c0a8:ff00'],
      ['192.168.255.255/24', 124, '0000:0000:0000:0000:0000:ffff:c0a8:ff00'],
      ['255.255.255.255', 128, '0000:0000:0000:0000:0000:ffff:ffff:ffff'],
      ['fe80::85d:e82c:9446:7994', 128, 'fe80:0000:0000:0000:085d:e82c:9446:7994'],
      ['fe80::85d:e82c:9446:7994/120', 124, 'fe80:0000:0000:0000:085d:e82c:9446:7900'],
      ['::192.168.255.255', 128, '0000:0000:0000:0000:0000:ffff:c0a8:ffff'],
      ['::192.168.255.255/24', 128, '0000:0000:0000:0000:0000:ffff:c0a8:ff00'],
    ];
    for (const [ip, mask, canonical] of cases) expect(value(`parse_ipv6_mask("${ip}", ${mask})`), ip).toBe(canonical);
    // "If conversion isn't successful, the result is an empty string."
    expect(value('parse_ipv6_mask("not an address", 64)')).toBe('');
  });
});

describe('parse_ipv4_mask', () => {
  // https://learn.microsoft.com/kusto/query/parse-ipv4-mask-function (the examples of the page's
  // earlier version: parse_ipv4_mask("127.0.0.1", 24) == 2130706432, ...)
  it('masks the address to the prefix', () => {
    expect(value('parse_ipv4_mask("127.0.0.1", 24)')).toBe(2130706432);
    expect(value("parse_ipv4_mask('192.1.168.2', 31) == parse_ipv4_mask('192.1.168.3', 31)")).toBe(true);
    expect(value("parse_ipv4_mask('192.1.168.2', 32) == parse_ipv4_mask('192.1.168.3', 32)")).toBe(false);
    expect(value("tohex(parse_ipv4_mask('127.2.3.4', 32))")).toBe('7f020304');
    // "If conversion isn't successful, the result is null."
    expect(value('isnull(parse_ipv4_mask("127.0.0.256", 24))')).toBe(true);
  });
});

describe('AQL', () => {
  it('refuses the new functions by name', () => {
    for (const where of ['notempty(UserPrincipalName)', 'replace_strings(UserPrincipalName, dynamic(["a"]), dynamic(["b"])) == "x"', 'parse_ipv4_mask(IPAddress, 24) == 1']) {
      const r = checkRuleText('r.yaml', ruleYaml(`SigninLogs | where ${where}`));
      expect(r.diagnostics).toEqual([]);
      const t = translateToAql(r.ir!, loadMappings().get('SigninLogs'), new Set(), r.rule!.queryPeriodMs);
      expect(t.aql, where).toBeUndefined();
      expect(t.errors.map((e) => e.message).join('\n')).toContain(`${where.slice(0, where.indexOf('('))}() has no AQL`);
    }
  });
});
