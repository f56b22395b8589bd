/**
 * What the AQL backend does with each catalog function, keyed by catalog name: written in AQL
 * (with a KQL example the support matrix translates to show the AQL, and which a test translates
 * to prove the entry), or not in AQL and why. A catalog function missing here has no AQL
 * translation written yet; the translator says so, and the matrix lists it so.
 * Sources for the AQL side: AQL-FACTS keys IBM-FUNC (IBM's "AQL data calculation and formatting
 * functions"), IBM-COND, IBM-QUOTE, IBM-OPS, PYS (IBM's pySigma QRadar backend), CYB (a vendor's
 * QRadar app), given in each entry.
 */

export interface AqlWritten {
  /** A KQL expression over `table` (SigninLogs unless given) using the function. */
  readonly example: string;
  readonly table?: string;
  /** Where the AQL form comes from, or what a reader must know. */
  readonly note?: string;
  /** `summarize` aggregate (the example is an aggregate call). */
  readonly aggregate?: true;
}
export interface AqlNotWritten {
  readonly none: string;
}
export type AqlFunction = AqlWritten | AqlNotWritten;

const cmp = (op: string): AqlWritten => ({ example: `UserPrincipalName ${op} "a@b.com"` });
const str = (op: string, needle = 'curl'): AqlWritten => ({ example: `UserAgent ${op} "${needle}"`, note: 'LIKE/ILIKE, or MATCHES/IMATCHES with a Java regex where LIKE cannot say it (IBM-OPS; PYS)' });
const NO_LIST_AGGREGATE = 'the AQL reference lists no list aggregate (allow the approximation drop-list-aggregates to leave the column out)';
const NO_ARRAYS = 'AQL values are scalars: it has no arrays or property bags';
const NO_NOW = "AQL's NOW() is not in IBM's reference; only a TimeGenerated > ago(d) filter is written, as the LAST clause";

export const AQL_FUNCTIONS: Readonly<Record<string, AqlFunction>> = {
  and: { example: 'UserAgent == "a" and AppDisplayName == "b"' },
  or: { example: 'UserAgent == "a" or AppDisplayName == "b"' },
  not: { example: 'not(UserAgent == "a")' },
  '==': cmp('=='),
  '!=': { ...cmp('!='), note: 'a missing value stays in the result, as in KQL: x IS NULL OR x <> v' },
  '<': { example: 'TimeGenerated < datetime(2025-01-01)' },
  '<=': { example: 'TimeGenerated <= datetime(2025-01-01)' },
  '>': { example: 'TimeGenerated > datetime(2025-01-01)' },
  '>=': { example: 'TimeGenerated >= datetime(2025-01-01)' },
  '=~': { example: 'UserPrincipalName =~ "A@B.com"' },
  '!~': { example: 'UserPrincipalName !~ "A@B.com"' },
  has: str('has'),
  has_cs: str('has_cs'),
  hasprefix: str('hasprefix'),
  hasprefix_cs: str('hasprefix_cs'),
  hassuffix: str('hassuffix'),
  hassuffix_cs: str('hassuffix_cs'),
  contains: str('contains'),
  contains_cs: str('contains_cs'),
  startswith: str('startswith'),
  startswith_cs: str('startswith_cs'),
  endswith: str('endswith'),
  endswith_cs: str('endswith_cs'),
  '!has': str('!has'),
  '!has_cs': str('!has_cs'),
  '!hasprefix': str('!hasprefix'),
  '!hasprefix_cs': str('!hasprefix_cs'),
  '!hassuffix': str('!hassuffix'),
  '!hassuffix_cs': str('!hassuffix_cs'),
  '!contains': str('!contains'),
  '!contains_cs': str('!contains_cs'),
  '!startswith': str('!startswith'),
  '!startswith_cs': str('!startswith_cs'),
  '!endswith': str('!endswith'),
  '!endswith_cs': str('!endswith_cs'),
  in: { example: 'AppDisplayName in ("a", "b")' },
  '!in': { example: 'AppDisplayName !in ("a", "b")' },
  'in~': { example: 'AppDisplayName in~ ("a", "b")' },
  '!in~': { example: 'AppDisplayName !in~ ("a", "b")' },
  has_any: { example: 'UserAgent has_any ("ruby", "go")' },
  has_all: { example: 'UserAgent has_all ("ruby", "go")' },
  between: { example: 'TimeGenerated between (datetime(2025-01-01) .. datetime(2025-01-02))' },
  '!between': { example: 'TimeGenerated !between (datetime(2025-01-01) .. datetime(2025-01-02))' },
  'matches regex': { example: 'UserAgent matches regex "^curl/[0-9]+"', note: 'MATCHES takes a Java regex; KQL uses RE2: patterns beyond the common subset need checking' },
  '+': { example: 'TimeGenerated + 1h' },
  '-': { example: 'TimeGenerated - 1h' },
  '*': { example: 'strlen(UserAgent) * 2' },
  '/': { example: 'strlen(UserAgent) / 2.0' },
  '%': { example: 'strlen(UserAgent) % 2' },
  negate: { example: '-strlen(UserAgent)' },
  isempty: { example: 'isempty(UserAgent)' },
  isnotempty: { example: 'isnotempty(UserAgent)' },
  isnull: { example: 'isnull(UserAgent)' },
  isnotnull: { example: 'isnotnull(UserAgent)' },
  ipv4_is_in_range: { example: 'ipv4_is_in_range(IPAddress, "10.0.0.0/8")', note: 'INCIDR (IBM-QUOTE)' },
  ipv4_is_in_any_range: { example: 'ipv4_is_in_any_range(IPAddress, "10.0.0.0/8", "192.168.0.0/16")', note: 'INCIDR (IBM-QUOTE)' },
  tolower: { example: 'tolower(UserAgent)', note: 'LOWER (PYS)' },
  strlen: { example: 'strlen(UserAgent)', note: 'STRLEN (CYB)' },
  strcat: { example: 'strcat(UserAgent, "/", AppDisplayName)', note: 'CONCAT (IBM-FUNC)' },
  tostring: { example: 'tostring(UserAgent)' },
  iff: { example: 'iff(UserAgent == "a", "x", "y")', note: 'IF c THEN a ELSE b (IBM-COND)' },
  iif: { example: 'iif(UserAgent == "a", "x", "y")', note: 'IF c THEN a ELSE b (IBM-COND)' },
  case: { example: 'case(UserAgent == "a", "x", "y")', note: 'searched CASE WHEN: used in real QRadar queries (CYB), not in IBM\'s reference' },
  bin: { example: 'bin(TimeGenerated, 1h)', note: 'x - x % size on milliseconds (IBM-TIPS bucket)' },
  floor: { example: 'floor(TimeGenerated, 1h)', note: 'x - x % size on milliseconds (IBM-TIPS bucket)' },
  parse_json: { example: 'tostring(parse_json(RequestParameters).policyName)', table: 'AWSCloudTrail', note: 'a custom property with a JSON keypath, for a column the mapping marks json: (IBM, JSON keypath expressions)' },
  todynamic: { example: 'tostring(todynamic(RequestParameters).policyName)', table: 'AWSCloudTrail', note: 'as parse_json' },
  extractjson: { example: 'extractjson("$.bucketName", RequestParameters)', table: 'AWSCloudTrail', note: 'as parse_json' },
  extract_json: { example: 'extract_json("$.bucketName", RequestParameters)', table: 'AWSCloudTrail', note: 'as parse_json' },
  trim: { example: `trim('"', UserAgent)`, note: 'REPLACEALL with the regex anchored at both ends (CYB)' },
  trim_start: { example: 'trim_start("-+", UserAgent)', note: 'REPLACEALL with the regex anchored at the start (CYB)' },
  trim_end: { example: 'trim_end("-+", UserAgent)', note: 'REPLACEALL with the regex anchored at the end (CYB)' },
  replace_string: { example: 'replace_string(UserAgent, "$", "USD")', note: 'REPLACEALL with the text as an escaped regex (CYB)' },
  replace_regex: { example: 'replace_regex(UserAgent, @"(\\w+)/", @"\\1 ")', note: 'REPLACEALL; \\1 becomes Java\'s $1 (CYB)' },
  replace: { example: 'replace(@"(\\w+)/", @"\\1 ", UserAgent)', note: 'as replace_regex, text last' },
  split: { example: 'tostring(split(UserPrincipalName, "@")[0])', note: 'split(s, d)[i] only: REPLACEALL with an anchored regex (CYB)' },

  count: { example: 'count()', aggregate: true },
  countif: { example: 'countif(UserAgent == "a")', aggregate: true, note: 'SUM(IF c THEN 1 ELSE 0) (IBM-PULSE)' },
  dcount: { example: 'dcount(IPAddress)', aggregate: true, note: 'UNIQUECOUNT (IBM-HAV): exact; KQL dcount is an estimate' },
  sum: { example: 'sum(strlen(UserAgent))', aggregate: true },
  sumif: { example: 'sumif(strlen(UserAgent), AppDisplayName == "a")', aggregate: true },
  min: { example: 'min(TimeGenerated)', aggregate: true },
  max: { example: 'max(TimeGenerated)', aggregate: true },
  avg: { example: 'avg(strlen(UserAgent))', aggregate: true },
  make_set: { none: NO_LIST_AGGREGATE },
  make_list: { none: NO_LIST_AGGREGATE },
  make_set_if: { none: NO_LIST_AGGREGATE },
  make_list_if: { none: NO_LIST_AGGREGATE },
  makeset: { none: NO_LIST_AGGREGATE },
  makelist: { none: NO_LIST_AGGREGATE },
  make_list_with_nulls: { none: NO_LIST_AGGREGATE },
  make_bag: { none: NO_ARRAYS },
  make_bag_if: { none: NO_ARRAYS },
  arg_max: { none: 'AQL has no aggregate that returns the other columns of the row with the largest value' },
  arg_min: { none: 'AQL has no aggregate that returns the other columns of the row with the smallest value' },

  ago: { none: NO_NOW },
  now: { none: NO_NOW },
  array_length: { none: NO_ARRAYS },
  array_slice: { none: NO_ARRAYS },
  array_concat: { none: NO_ARRAYS },
  array_index_of: { none: NO_ARRAYS },
  set_has_element: { none: NO_ARRAYS },
  pack: { none: NO_ARRAYS },
  bag_pack: { none: NO_ARRAYS },
  pack_array: { none: NO_ARRAYS },
  bag_keys: { none: NO_ARRAYS },
  set_union: { none: NO_ARRAYS },
  extract_all: { none: NO_ARRAYS },
  substring: { none: "AQL's SUBSTRING is not in IBM's function reference (only in its Grafana plugin macros), and its index base is not documented" },
  indexof: { none: "AQL's STRPOS is not in IBM's reference (only a vendor app uses it), and its index base and not-found value are not documented" },
  toupper: { none: "UPPER is not in IBM's AQL reference (only in a third-party converter's function list)" },
  toint: { none: "LONG() (IBM-FUNC) is documented for numbers written as text, not for text that is no number, which KQL's toint makes null" },
  tolong: { none: "LONG() (IBM-FUNC) is documented for numbers written as text, not for text that is no number, which KQL's tolong makes null" },
};

/** The entry for a catalog function (own keys only: `constructor` is no function here). */
export function aqlFunction(name: string): AqlFunction | undefined {
  return Object.hasOwn(AQL_FUNCTIONS, name) ? AQL_FUNCTIONS[name] : undefined;
}
