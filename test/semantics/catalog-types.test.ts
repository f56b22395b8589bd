/**
 * Every function of the catalog, typed as Kusto.Language types it: one call of each (several for
 * functions whose type depends on their arguments), bound by detc and checked by Kusto.Language
 * over the same table.
 */
import { describe, expect, it } from 'vitest';
import { checkAqlSyntax } from '../../src/backends/aql/grammar.js';
import { loadMappings } from '../../src/backends/aql/mapping.js';
import { translateToAql } from '../../src/backends/aql/translate.js';
import { emitKql } from '../../src/backends/kql/emit.js';
import { allEntries } from '../../src/catalog/catalog.js';
import { checkRuleText } from '../../src/compile.js';
import { ruleYaml } from '../helpers.js';
import { testTables } from '../js/helpers.js';
import { kustoResultColumns } from './kusto-types.js';
import { bindAllowingApproximation } from './approximation-helpers.js';

// T: s, s2 string; n long; r real; b bool; t datetime; ts timespan; d dynamic; j string.
const SCALAR_CALLS: Record<string, string[]> = {
  ago: ['ago(1d)'], now: ['now()', 'now(-1h)'], bin: ['bin(t, 1h)', 'bin(n, 5)', 'bin(r, 0.5)', 'bin(ts, 1m)'], floor: ['floor(t, 1d)'],
  startofday: ['startofday(t)', 'startofday(t, -1)'], startofweek: ['startofweek(t)', 'startofweek(t, 2)'], startofmonth: ['startofmonth(t)'], startofyear: ['startofyear(t, 1)'],
  endofday: ['endofday(t)', 'endofday(t, -1)'], endofweek: ['endofweek(t, 1)'], endofmonth: ['endofmonth(t)'], endofyear: ['endofyear(t, 2)'], ingestion_time: ['ingestion_time()'], make_timespan: ['make_timespan(1, 30)', 'make_timespan(n, 2, 3)', 'make_timespan(1, 12, 30, 55)'],
  bin_at: ['bin_at(t, 1h, t)', 'bin_at(n, 2, 1)', 'bin_at(ts, 1h, 30m)', 'bin_at(r, 0.5, 0.25)'], gettype: ['gettype(s)', 'gettype(d)', 'gettype(n + 1)'],
  todecimal: ['todecimal(s)'], toguid: ['toguid(s)'], binary_and: ['binary_and(n, 3)'], binary_or: ['binary_or(n, toint(s))'], binary_xor: ['binary_xor(n, n)'],
  binary_not: ['binary_not(n)'], binary_shift_left: ['binary_shift_left(n, 2)'], binary_shift_right: ['binary_shift_right(n, 1)'],
  datetime_diff: ["datetime_diff('day', t, now())"], datetime_part: ["datetime_part('year', t)"], datetime_add: ["datetime_add('month', 2, t)"],
  format_datetime: ["format_datetime(t, 'yyyy-MM-dd')"], format_timespan: ["format_timespan(ts, 'hh:mm')"],
  datetime_utc_to_local: ["datetime_utc_to_local(t, 'Europe/Paris')"], datetime_local_to_utc: ["datetime_local_to_utc(t, 'Europe/Paris')"], make_datetime: ['make_datetime(2020, 1, 2)', 'make_datetime(2020, 1, 2, 3, 4, 5.5)'],
  unixtime_seconds_todatetime: ['unixtime_seconds_todatetime(n)'], unixtime_milliseconds_todatetime: ['unixtime_milliseconds_todatetime(n)'],
  unixtime_microseconds_todatetime: ['unixtime_microseconds_todatetime(n)'], unixtime_nanoseconds_todatetime: ['unixtime_nanoseconds_todatetime(n)'],
  tostring: ['tostring(ts)'], toint: ['toint(s)'], tolong: ['tolong(s)'], toreal: ['toreal(s)'], todouble: ['todouble(s)'], tobool: ['tobool(s)'], toboolean: ['toboolean(s)'],
  todatetime: ['todatetime(s)'], totimespan: ['totimespan(s)'], parse_json: ['parse_json(j)'], todynamic: ['todynamic(j)'],
  tolower: ['tolower(s)'], toupper: ['toupper(s)'], strlen: ['strlen(s)'], substring: ['substring(s, 1)', 'substring(s, 1, 2)'], strcat: ['strcat(s, n)'],
  split: ['split(s, ",")', 'split(s, ",", 1)'], trim: ['trim(" ", s)'], trim_start: ['trim_start(" ", s)'], trim_end: ['trim_end(" ", s)'],
  replace_string: ['replace_string(s, "a", "b")'], replace_regex: ['replace_regex(s, "a", "b")'], replace: ['replace("a", "b", s)'],
  extract: ['extract("a(b)", 1, s)', 'extract("a(b)", 1, s, typeof(long))', 'extract("a(b)", 1, s, typeof(datetime))'],
  toscalar: ['toscalar(T | summarize count())', 'toscalar(T | summarize max(t))'],
  typeof: ['extract("a(b)", 1, s, typeof(real))', 'extract_json("$.a", j, typeof(int))', 'extractjson("$.a", j, typeof(bool))'], extract_all: ['extract_all("(a)", s)', 'extract_all("(a)(b)", dynamic([1]), s)'],
  isempty: ['isempty(s)'], isnotempty: ['isnotempty(n)'], isnull: ['isnull(n)'], isnotnull: ['isnotnull(n)'],
  strcat_delim: ['strcat_delim("-", s, n)'], strcmp: ['strcmp(s, s2)'], reverse: ['reverse(s)'], countof: ['countof(s, "a")', 'countof(s, "a", "regex")'],
  url_decode: ['url_decode(s)'], url_encode: ['url_encode(s)'], base64_encode_tostring: ['base64_encode_tostring(s)'], base64_decode_tostring: ['base64_decode_tostring(s)'],
  hash_sha256: ['hash_sha256(s)'], hash_md5: ['hash_md5(s)'], hash_sha1: ['hash_sha1(s)'],
  hash: ['hash(s)', 'hash(s, 100)', 'hash(t)'], hash_xxhash64: ['hash_xxhash64(s, 7)'], parse_url: ['parse_url(s)'], parse_urlquery: ['parse_urlquery(s)'], parse_path: ['parse_path(s)'],
  iff: ['iff(b, 1, 2)', 'iff(b, s, s2)'], iif: ['iif(b, r, 2.0)'], case: ['case(b, 1, 2)'], coalesce: ['coalesce(s, s2)', 'coalesce(n, 1)', 'coalesce(toint(s), n)', 'coalesce(int(null), int(1))', 'coalesce(r, toint(s), n)', 'coalesce(decimal(1.5), r)', 'coalesce(d, todynamic(s))'],
  max_of: ['max_of(n, 2)', 'max_of(t, now())', 'max_of(r, 1.5)'], min_of: ['min_of(n, 2)', 'min_of(s, s2)'],
  array_length: ['array_length(d)'], set_has_element: ['set_has_element(d, 1)'], pack: ['pack("a", n)'], bag_pack: ['bag_pack("a", n)'], pack_array: ['pack_array(n, s)'],
  set_union: ['set_union(d, d)'], set_intersect: ['set_intersect(d, d)'], set_difference: ['set_difference(d, d)'], array_concat: ['array_concat(d, d)'],
  array_index_of: ['array_index_of(d, 1)'], array_sort_asc: ['array_sort_asc(d)'], array_sort_desc: ['array_sort_desc(d)'], array_reverse: ['array_reverse(d)'],
  array_sum: ['array_sum(d)'], bag_keys: ['bag_keys(d)'], bag_merge: ['bag_merge(d, d)'], bag_remove_keys: ['bag_remove_keys(d, dynamic(["a"]))'],
  array_slice: ['array_slice(d, 1, 2)'], indexof: ['indexof(s, "a")', 'indexof(s, "a", 1, 2, 3)'], extractjson: ['extractjson("$.a", j)'], extract_json: ['extract_json("$.a", j)'],
  indexof_regex: ['indexof_regex(s, "a")', 'indexof_regex(s, "a", 0, 2, 1)'], strcat_array: ['strcat_array(d, ",")'],
  parsejson: ['parsejson(s)'], url_encode_component: ['url_encode_component(s)'], translate: ['translate("a", "b", s)'], has_any_index: ['has_any_index(s, dynamic(["a"]))'],
  array_iff: ['array_iff(d, d, d)', 'array_iff(d, 1, 2)'], array_iif: ['array_iif(d, n, n)'], array_shift_left: ['array_shift_left(d, 1)', 'array_shift_left(d, 1, -1)'], array_shift_right: ['array_shift_right(d, 1)'],
  array_rotate_left: ['array_rotate_left(d, 1)'], array_rotate_right: ['array_rotate_right(d, 1)'], array_split: ['array_split(d, 1)', 'array_split(d, dynamic([1, 2]))'], bag_set_key: ['bag_set_key(d, "a", n)'],
  range: ['range(1, 8, 3)', 'range(n, 8)', 'range(t, t, 1d)', 'range(1h, 5h)'], ipv4_range_to_cidr_list: ['ipv4_range_to_cidr_list(s, s2)'],
  ipv4_is_private: ['ipv4_is_private(s)'], ipv4_is_in_range: ['ipv4_is_in_range(s, "10.0.0.0/8")'], ipv4_is_in_any_range: ['ipv4_is_in_any_range(s, "10.0.0.0/8", "1.0.0.0/8")'],
  ipv4_is_match: ['ipv4_is_match(s, s2)', 'ipv4_is_match(s, s2, 24)'], ipv4_compare: ['ipv4_compare(s, s2)'], ipv6_is_match: ['ipv6_is_match(s, s2)'], ipv6_compare: ['ipv6_compare(s, s2, 64)'],
  has_ipv4: ['has_ipv4(s, "1.2.3.4")'], has_ipv4_prefix: ['has_ipv4_prefix(s, "10.")'], has_any_ipv4_prefix: ['has_any_ipv4_prefix(s, "10.", "192.168.")'],
  has_any_ipv4: ['has_any_ipv4(s, "1.2.3.4", "5.6.7.8")'],
  sqrt: ['sqrt(n)'], exp: ['exp(r)'], exp2: ['exp2(n)'], exp10: ['exp10(n)'], log: ['log(r)'], log2: ['log2(n)'], log10: ['log10(r)'],
  abs: ['abs(n)', 'abs(r)', 'abs(toint(s))'], sign: ['sign(n)', 'sign(r)'], ceiling: ['ceiling(r)', 'ceiling(n)'], pow: ['pow(n, 2)'], round: ['round(r)', 'round(r, 2)', 'round(n)'],
  isnan: ['isnan(r)'], isinf: ['isinf(r)'], isfinite: ['isfinite(r)'],
  dayofmonth: ['dayofmonth(t)'], dayofyear: ['dayofyear(t)'], hourofday: ['hourofday(t)'], monthofyear: ['monthofyear(t)'], getmonth: ['getmonth(t)'],
  weekofyear: ['weekofyear(t)'], week_of_year: ['week_of_year(t)'], getyear: ['getyear(t)'], dayofweek: ['dayofweek(t)'],
  tohex: ['tohex(n)', 'tohex(n, 8)'], string_size: ['string_size(s)'], isascii: ['isascii(s)'], strrep: ['strrep(s, 3)', 'strrep(n, 2, ",")'],
  repeat: ['repeat(s, 3)'], parse_csv: ['parse_csv(s)'], parse_ipv6: ['parse_ipv6(s)'], bag_has_key: ['bag_has_key(d, "a")'], zip: ['zip(d, d)'],
  ipv6_is_in_range: ['ipv6_is_in_range(s, "fe80::/64")'], ipv6_is_in_any_range: ['ipv6_is_in_any_range(s, "fe80::/64", "::1")'],
  format_ipv4: ['format_ipv4(s)', 'format_ipv4(n, 24)'], format_ipv4_mask: ['format_ipv4_mask(s, 24)'], ipv4_netmask_suffix: ['ipv4_netmask_suffix(s)'],
  series_stats: ['series_stats(d)', 'series_stats(d, true)'], series_stats_dynamic: ['series_stats_dynamic(d)'], series_fit_line: ['series_fit_line(d)'],
  series_fit_line_dynamic: ['series_fit_line_dynamic(d)'], series_fill_forward: ['series_fill_forward(d)'], series_fill_backward: ['series_fill_backward(d, 0)'],
  series_fill_const: ['series_fill_const(d, 0)'], series_fill_linear: ['series_fill_linear(d)'], series_decompose_anomalies: ["series_decompose_anomalies(d, 1.5, -1, 'linefit')"],
  notempty: ['notempty(s)'], notnull: ['notnull(n)'], extractall: ['extractall("(a)", s)'], parseurl: ['parseurl(s)'], parseurlquery: ['parseurlquery(s)'],
  totime: ['totime(s)'], datepart: ["datepart('year', t)"], arraylength: ['arraylength(d)'], base64_encodestring: ['base64_encodestring(s)'], base64_decodestring: ['base64_decodestring(s)'],
  array_strcat: ['array_strcat(d, ",")'], base64_decode_toarray: ['base64_decode_toarray(s)'], base64_encode_fromarray: ['base64_encode_fromarray(d)'], base64_encode_fromguid: ['base64_encode_fromguid(toguid(s))'],
  isutf8: ['isutf8(s)'], replace_strings: ['replace_strings(s, d, d)'], jaccard_index: ['jaccard_index(d, d)'], bag_zip: ['bag_zip(d, d)'], dynamic_to_json: ['dynamic_to_json(d)', 'dynamic_to_json(n)'],
  parse_ipv6_mask: ['parse_ipv6_mask(s, 64)'], unicode_codepoints_from_string: ['unicode_codepoints_from_string(s)'], to_utf8: ['to_utf8(s)'],
  unicode_codepoints_to_string: ['unicode_codepoints_to_string(n, 65)', 'unicode_codepoints_to_string(d)'], make_string: ['make_string(d, n)'], format_bytes: ['format_bytes(r)', 'format_bytes(n, 1)', 'format_bytes(n, 0, "KB")'],
  parse_ipv4_mask: ['parse_ipv4_mask(s, 24)'],
  column_ifexists: ['column_ifexists("n", 0)', 'column_ifexists("Missing", "")', 'column_ifexists("Missing", now())'], columnifexists: ['columnifexists("s", "")'], parse_ipv4: ['parse_ipv4(s)'], not: ['not(b)'],
};

const AGGREGATE_CALLS: Record<string, string[]> = {
  count: ['count()'], // countif(b) of a plain column: Kusto names it countif_b, detc countif_ (the binder's naming; not checked here).
  countif: ['countif(n > 1)'], dcount: ['dcount(s)'], dcountif: ['dcountif(s, b)'], count_distinct: ['count_distinct(s)'],
  make_set: ['make_set(s)', 'make_set(s, 10)'], make_set_if: ['make_set_if(s, b)'], make_list: ['make_list(t)'], make_list_if: ['make_list_if(n, b, 5)'],
  count_distinctif: ['count_distinctif(s, b)'], avgif: ['avgif(n, b)', 'avgif(ts, b)'], minif: ['minif(t, b)'], maxif: ['maxif(n, b)'],
  stdev: ['stdev(n)'], stdevif: ['stdevif(r, b)'], stdevp: ['stdevp(n)'], variance: ['variance(r)'], varianceif: ['varianceif(n, b)'],
  variancep: ['variancep(n)'], variancepif: ['variancepif(n, b)'], make_list_with_nulls: ['make_list_with_nulls(s)'],
  anyif: ['anyif(s, b)'], makeset: ['makeset(s)'], makelist: ['makelist(s)'], make_bag: ['make_bag(d)'], make_bag_if: ['make_bag_if(d, b)'],
  min: ['min(t)', 'min(n)'], max: ['max(r)'], sum: ['sum(n)', 'sum(r)', 'sum(ts)'], sumif: ['sumif(n, b)'], avg: ['avg(n)', 'avg(ts)'],
  percentile: ['percentile(n, 50)', 'percentile(t, 99.5)', 'percentile(n + 1, 5)'], percentiles: ['percentiles(r, 5, 50)', 'percentiles(ts, 10)'], percentiles_array: ['percentiles_array(n, 50, 90)'],
  take_anyif: ['take_anyif(s, b)', 'take_anyif(n + 1, b)'],
  arg_max: ['arg_max(t, s)'], arg_min: ['arg_min(n, s, r)'], take_any: ['take_any(s)'], any: ['any(n)'],
};

/** detc's schema equals Kusto's for the query, and for the KQL detc emits from it. */
function check(query: string): void {
  const ir = bindAllowingApproximation(query);
  const detc = ir.body.schema.map((c) => `${c.name}:${c.type}`);
  for (const text of [query, emitKql(ir)]) {
    const kusto = kustoResultColumns(text, testTables);
    expect('error' in kusto ? kusto.error : kusto.columns.map((c) => `${c.name}:${c.type}`)).toEqual(detc);
  }
}

describe('catalog types agree with Kusto.Language', () => {
  it('every function of the catalog has a sample call here', () => {
    const sampled = new Set([...Object.keys(SCALAR_CALLS), ...Object.keys(AGGREGATE_CALLS)]);
    const functions = allEntries.filter((e) => e.kind === 'aggregate' || 'call' in e.kql).map((e) => e.name);
    expect(functions.filter((f) => !sampled.has(f))).toEqual([]);
  });
  for (const [fn, calls] of Object.entries(SCALAR_CALLS)) {
    it(fn, () => {
      for (const c of calls) check(`T | project v = ${c}`);
    });
  }
  for (const [fn, calls] of Object.entries(AGGREGATE_CALLS)) {
    it(fn, () => {
      for (const c of calls) check(`T | summarize ${c} by s2`);
    });
  }
});

describe('coalesce of different types: what Kusto.Language refuses, detc refuses, saying what to do', () => {
  it('string with dynamic (KS141, 6 parser bodies), bool with long and datetime with string (KS232)', async () => {
    const { bindQuery } = await import('../../src/ir/binder.js');
    const { parseQuery } = await import('../../src/query/parser.js');
    const cases: [string, string][] = [
      ['coalesce(tostring(d.a), split(s, " ")[0])', 'coalesce arguments have different types: string, dynamic; Kusto needs them all dynamic here: convert the others with todynamic(...), or the dynamic ones with tostring(...) or another to* function'],
      ['coalesce(b, n)', 'coalesce arguments have different types: bool, long; Kusto finds no common type: convert them to one (tostring(...), tolong(...), ...)'],
      ['coalesce(t, s)', 'coalesce arguments have different types: datetime, string; Kusto finds no common type: convert them to one (tostring(...), tolong(...), ...)'],
    ];
    for (const [call, message] of cases) {
      const q = `T | project v = ${call}`;
      expect('error' in kustoResultColumns(q, testTables), q).toBe(true);
      expect(bindQuery(parseQuery(q).ast, testTables, q).problems.map((p) => String(p.args[0])), q).toEqual([message]);
    }
  });
});

describe('the predicate of an *if aggregate is a bool, as Kusto.Language requires', () => {
  it('a string, long or dynamic predicate is an error in both, naming the aggregate', async () => {
    const { bindQuery } = await import('../../src/ir/binder.js');
    const { parseQuery } = await import('../../src/query/parser.js');
    for (const [call, type] of [['countif(s)', 'string'], ['dcountif(s, n)', 'long'], ['sumif(n, d)', 'dynamic'], ['make_set_if(s, s2)', 'string'], ['avgif(r, n)', 'long']] as const) {
      const q = `T | summarize ${call}`;
      expect('error' in kustoResultColumns(q, testTables), q).toBe(true);
      const problems = bindQuery(parseQuery(q).ast, testTables, q).problems.map((p) => String(p.args[0]));
      expect(problems, q).toEqual([`${call.slice(0, call.indexOf('('))}'s predicate must be a bool (a comparison such as n > 5, or isnotempty(x)), got ${type}`]);
    }
  });
});

describe('AQL', () => {
  it('a function AQL has no counterpart for is refused by name, not translated into something else', () => {
    const mapping = loadMappings().get('SigninLogs');
    for (const call of ['extract_all("(a)", UserPrincipalName)', 'set_union(pack_array(UserPrincipalName), pack_array(AppDisplayName))', 'datetime_part("year", TimeGenerated)']) {
      const r = checkRuleText('r.yaml', ruleYaml(`SigninLogs | where isnotempty(tostring(${call}))`));
      expect(r.diagnostics).toEqual([]);
      const t = translateToAql(r.ir!, mapping, new Set(), r.rule!.queryPeriodMs);
      expect(t.aql).toBeUndefined();
      expect(t.errors.map((e) => e.message).join('\n')).toMatch(new RegExp(`^${call.slice(0, call.indexOf('('))}\\(\\) has no AQL (translation|equivalent)`, 'm'));
    }
  });

  it('ipv4_is_in_range and ipv4_is_in_any_range on an IP field are INCIDR tests of the networks', () => {
    const mapping = loadMappings().get('SigninLogs');
    const aqlOf = (where: string) => {
      const r = checkRuleText('r.yaml', ruleYaml(`SigninLogs | where ${where}`));
      expect(r.diagnostics).toEqual([]);
      const t = translateToAql(r.ir!, mapping, new Set(), r.rule!.queryPeriodMs);
      if (t.aql) expect(checkAqlSyntax(t.aql)).toEqual([]);
      return t;
    };
    expect(aqlOf('ipv4_is_in_range(IPAddress, "10.1.2.3/8")').aql).toContain("INCIDR('10.0.0.0/8', sourceip)");
    expect(aqlOf('ipv4_is_in_any_range(IPAddress, "10.0.0.0/8", "192.168.1.7")').aql).toContain("(INCIDR('10.0.0.0/8', sourceip) OR INCIDR('192.168.1.7/32', sourceip))");
    expect(aqlOf('ipv4_is_in_range(IPAddress, "not a range")').errors.map((e) => e.message).join()).toContain('needs IPv4 ranges');
  });

  it('between a datetime and a timespan ends at their sum', () => {
    const r = checkRuleText('r.yaml', ruleYaml('SigninLogs | where TimeGenerated between (datetime(2021-01-01) .. 1d)'));
    expect(r.diagnostics).toEqual([]);
    const t = translateToAql(r.ir!, loadMappings().get('SigninLogs'), new Set(), r.rule!.queryPeriodMs);
    const start = Date.parse('2021-01-01T00:00:00Z');
    expect(t.aql).toContain(`BETWEEN ${start} AND ${start + 86_400_000}`);
  });
});
