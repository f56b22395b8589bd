// Queries over the test table T and random events for it, shared by the property tests of the
// evaluator (differential.test.ts) and of the parallel NDJSON reader (ndjson-parallel.test.ts).
import fc from 'fast-check';
import { NOW } from './helpers.js';

/** Random events for table T: small value pools so groups, duplicates and matches happen. */
export const event = fc.record(
  {
    s: fc.constantFrom('curl/8.4.0', 'libcurl/7', 'Mozilla/5.0', 'python-requests/2.31', 'CURL', '', 'Rubyist x'),
    s2: fc.constantFrom('a', 'b', 'c', 'A'),
    n: fc.oneof(fc.integer({ min: -5, max: 20 }), fc.constant(null), fc.constantFrom('3', '0')),
    r: fc.oneof(fc.double({ min: -10, max: 10, noNaN: true }), fc.constant(null)),
    b: fc.oneof(fc.boolean(), fc.constant(null)),
    t: fc.integer({ min: 0, max: 48 * 60 }).map((m) => new Date(NOW - m * 60_000).toISOString()),
    TimeGenerated: fc.integer({ min: 0, max: 48 * 60 }).map((m) => new Date(NOW - m * 60_000).toISOString()),
    d: fc.oneof(fc.constant({ k: 'x', arr: [1, 2] }), fc.constant('{"k":"y"}'), fc.constant(null), fc.constant([3, 4])),
    j: fc.constantFrom('{"k":"x","n":1}', '{"k":"y","n":"2"}', '{"k":null}', 'not json', '', '[1,2]'),
  },
  { requiredKeys: [] },
);

export const QUERIES = [
  'T | where s has "curl" or n > 3',
  'T | where s has_any ("curl/", "python-requests") | extend x = n * 2, y = tostring(d.k) | project s, x, y',
  'T | summarize c = count(), dc = dcount(s2), mx = max(n), mn = min(t), ss = make_set(s2, 2) by s2, bin(t, 1h) | sort by c desc, s2 asc',
  'T | summarize countif(n > 2), sum(n), avg(r) by b',
  'T | where n > 0 | summarize count()',
  'T | summarize c = count(), m = max(n)',
  'T | extend k = iff(n > 5, "big", case(n > 0, "small", "none")) | summarize count() by k | sort by k asc',
  'T | where isnotempty(s) | project-rename agent = s | project-away r | take 50 | count',
  'T | top 3 by n asc nulls last | project n, s',
  'T | distinct s2, b',
  'T | where t > ago(1d) and n between (0 .. 10) | summarize arg_max(n, s) by s2',
  'let L = dynamic(["a", "b"]); T | where s2 in~ (L) and s2 !in ("c") | project s2, len = strlen(s)',
  'let X = T | where n > 0; X | summarize count() by s2',
  'T | where s2 in ((T | where n > 10 | project s2)) | count',
  'T | mv-expand d | project s2, d',
  'T | mv-expand with_itemindex=i kind=array d, e = d.arr to typeof(long) limit 3 | project s2, d, e, i',
  'T | extend a = split(s, "/") | mvexpand a | summarize count() by tostring(a)',
  ...['innerunique', 'inner', 'leftouter', 'rightouter', 'fullouter', 'leftsemi', 'leftanti', 'rightsemi', 'rightanti'].map(
    (kind) => `T | where n > 2 | project s2, n | join kind=${kind} (T | where b == true | project s2, r) on s2`,
  ),
  'T | project a = s2, n | join kind=inner (T | project b = s2, s) on $left.a == $right.b | summarize count() by a, s',
  // A where right after a summarize is tried before the other outputs are read (EarlyWhere):
  // on a count, on one column of a multi-column aggregate, on keys only, and after a sort (not fused).
  'T | summarize c = count(), ss = make_set(s, 3), dc = dcount(s) by s2 | where c > 1 or dc >= 2 | extend k = strcat(s2, "-", tostring(c))',
  'T | summarize arg_max(n, s, r), c = count() by s2 | where s has "curl" or c > 2',
  'T | summarize ss = make_set(s), m = max(r) by s2 | where s2 in~ ("a", "c")',
  'T | sort by n asc | summarize take_any(s), c = count() by b | where c > 1',
  // Parsing one string column into a scalar is computed once per distinct value (rememberedPerValue).
  'T | extend k = tostring(parse_json(j).k), m = toint(parse_json(j).n) + 1, p = extract("([a-z]+)/", 1, s) | where isnotempty(p) or k == "x" | project s, j, k, m, p',
  'T | where n > 0 | summarize ks = make_set(tostring(parse_json(j).k)), c = count() by w = tostring(split(s, "/")[0])',
  // Aggregates used as values: hidden aggregate columns and the project after them (aggregate-values.ts).
  'T | summarize Rate = 100 * countif(n > 2) / count(), Spread = max(n) - min(n), c = count() by s2 | where Rate > 20',
];

