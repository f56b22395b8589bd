/**
 * What the AQL backend does with each catalog function, keyed by catalog name: written in AQL, with
 * its lowering (unless translate.ts writes it as an operator or construct: comparisons with mapping
 * rewrites in lists, not(), JSON properties, split parts) and a KQL example the
 * support matrix translates to show the AQL and a test translates to prove the entry; or not in AQL
 * and why. A catalog function missing here has no AQL translation written yet; the translator says
 * so, and the matrix lists it so.
 * Sources for the AQL side: AQL-FACTS keys IBM-FUNC (IBM's "AQL data calculation and formatting
 * functions"), IBM-COND, IBM-QUOTE, IBM-OPS, PYS (IBM's pySigma QRadar backend), CYB (a vendor's
 * QRadar app), given in each entry.
 */
import type { ScalarExpr, ScalarType } from '../../ir/types.js';
import type { AqlLimit } from './ceiling.js';
import { formatIpv4Mask } from '../../semantics/ip.js';
import { toKqlString } from '../../semantics/values.js';
import { compileKqlRegex } from '../../semantics/regex.js';
import { toJavaRegex } from './regex-end.js';
import { ALWAYS, anywhere, anywhereAround, aqlString, END, likeSafe, NEVER, regexEscape, termRegex } from './escape.js';

/**
 * A call's arguments, each translated when a lowering asks (so the order it asks in picks the error
 * reported): `operand`, a value inside the call (an IF ... ELSE in parentheses), with its `type` and
 * whether it is an `ip` field; `text`, the same as text (an IP field through STR); `number`, a value
 * used as a number (a JSON value must be a numeric custom property, noted); `value`, an aggregate's
 * value; `aql`, as written (a condition or a value); `constant`, the constant string AQL needs
 * (`what` names it in the error); `strings`, the constants from `from` on (lists flattened) as text;
 * `note`, a fact the reader of the AQL must know; `fail`, no AQL translation, for the reason given.
 */
export interface AqlArgs {
  readonly count: number;
  /** The call's own type. */
  readonly resultType: ScalarType;
  /** A condition, in parentheses when its precedence is below `min` (1 OR, 2 AND, 3 NOT/comparison); `what` is the error when it is a value. */
  condition(i: number, min: number, what: string): string;
  /** A value in parentheses unless it is one term. */
  atom(i: number): string;
  /** The argument's value when it is a constant (a literal or a constant let), else undefined. */
  literal(i: number): unknown;
  /** Whether the argument is a time (milliseconds since the epoch). */
  isTime(i: number): boolean;
  /** The mapping's rewrite of `argument i == constant argument j` (`=~` when `ci`), noted, if it has one. */
  rewrite(i: number, j: number, ci: boolean): string | undefined;
  operand(i: number): string;
  type(i: number): ScalarType;
  ip(i: number): boolean;
  text(i: number): string;
  /** As text, a missing value (AQL's NULL) as '', KQL's value for a missing string. */
  textOrEmpty(i: number): string;
  /** A constant number >= 0, or a value never negative (a length, a count). */
  nonNegative(i: number): boolean;
  number(i: number): string;
  value(i: number): string;
  aql(i: number): string;
  constant(i: number, what: string): string;
  strings(from: number): string[];
  /** The argument itself, for a lowering that writes only a given form of it. */
  ir(i: number): ScalarExpr;
  note(text: string): void;
  fail(message: string): never;
}

export interface AqlWritten {
  /** The AQL from the call's arguments; without it, the translator writes the operator or construct itself. */
  readonly aql?: (a: AqlArgs) => string;
  /** The AQL is a condition, not a value: its precedence, 1 for OR, 2 when its top operator is AND, else 3 (NOT, a comparison, or in parentheses). */
  readonly condition?: 1 | 2 | 3;
  /** The AQL is `IF c THEN a ELSE b`, whose ELSE value would take in an operator written after it. */
  readonly open?: true;
  /** The value is a bucket of argument 0: of its type, and a time when it is one. */
  readonly bucket?: true;
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
  /** The kind of thing AQL itself cannot say (ceiling.ts), where that is why. */
  readonly limit?: AqlLimit;
}
export type AqlFunction = AqlWritten | AqlNotWritten;

/**
 * `==`/`!=` (`equals`) and `=~`/`!~`: a comparison the mapping rewrites is its AQL condition. KQL
 * strings are never null: a missing property (AQL's NULL) is the empty string (Kusto docs, Null values).
 */
const equality = (not: boolean): AqlWritten['aql'] => (a) => {
  // The mapping's rewrite of `column == v`, whichever side the column is on (== is symmetric).
  const rw = a.rewrite(0, 1, false) ?? a.rewrite(1, 0, false);
  if (rw !== undefined) return not ? `NOT (${rw})` : `(${rw})`;
  const [l, r] = [a.operand(0), a.operand(1)];
  const [cl, cr] = [a.literal(0), a.literal(1)];
  const textual = (i: number) => a.type(i) === 'string' || a.type(i) === 'dynamic';
  const empty = cr === '' ? 0 : cl === '' ? 1 : undefined;
  if (empty !== undefined && textual(empty)) return (not ? notEmptyText : emptyText)(a.operand(empty), a.text(empty));
  if (typeof cr === 'number' && a.type(0) !== 'string') a.number(0);
  if (typeof cl === 'number' && a.type(1) !== 'string') a.number(1);
  // A string compared with a number compares text (detc's KQL semantics): quote the number.
  const right = a.type(0) === 'string' && typeof cr === 'number' ? aqlString(toKqlString(cr)) : r;
  const left = a.type(1) === 'string' && typeof cl === 'number' ? aqlString(toKqlString(cl)) : l;
  // Two strings that are not constants: either may be missing (NULL), which KQL reads as "".
  // Only strings: a dynamic value may be null in KQL too (dynamic(null) == dynamic(null) is null).
  if (a.type(0) === 'string' && a.type(1) === 'string' && cl === undefined && cr === undefined) return `${a.textOrEmpty(0)} ${not ? '<>' : '='} ${a.textOrEmpty(1)}`;
  // Two other values (numbers, times), either possibly null: KQL's != holds when exactly one is
  // null, and is null (the row dropped) when both are (Kusto docs, Null values).
  if (not && cl === undefined && cr === undefined) return `((${l} IS NULL AND ${r} IS NOT NULL) OR (${l} IS NOT NULL AND ${r} IS NULL) OR ${l} <> ${r})`;
  // One side is a constant: the missing-property check belongs to the other side, wherever it is written.
  const subject = cl !== undefined && cr === undefined ? right : left;
  return not ? `(${subject} IS NULL OR ${left} <> ${right})` : `${left} = ${right}`;
};
const equalsIgnoringCase = (not: boolean): AqlWritten['aql'] => (a) => {
  const rw = a.rewrite(0, 1, true);
  if (rw !== undefined) return not ? `NOT (${rw})` : `(${rw})`;
  const subject = a.operand(0);
  const needle = a.constant(1, `the right side of ${not ? '!~' : '=~'}`);
  if (needle === '') return (not ? notEmptyText : emptyText)(subject, a.text(0));
  const t = a.text(0);
  const positive = likeSafe(needle) ? `${t} ILIKE ${aqlString(needle)}` : `${t} IMATCHES ${aqlString(`^(?:${regexEscape(needle)})${END}`)}`;
  return not ? missingOrNot(subject, positive) : positive;
};
const cmp = (op: string, value = 'a@b.com'): AqlWritten => ({ aql: op.endsWith('~') ? equalsIgnoringCase(op === '!~') : equality(op === '!='), condition: 3, example: `UserPrincipalName ${op} "${value}"` });
/** A comparison of two numbers, datetimes or timespans. */
const order = (op: string): AqlWritten => ({ aql: (a) => `${a.number(0)} ${op} ${a.number(1)}`, condition: 3, example: `TimeGenerated ${op} datetime(2025-01-01)` });
/** Arithmetic; its parentheses keep AQL's precedence out of it. */
const arithmetic = (op: string, example: string): AqlWritten => ({ aql: (a) => `(${a.number(0)} ${op} ${a.number(1)})`, example });
/**
 * `%`. Kusto's modulo is never negative (Kusto docs, Numerical operators: -14 % 12 is 10); IBM's
 * AQL reference does not say what its % gives for a negative operand, so both must be known >= 0.
 */
const modulo: AqlWritten = {
  aql: (a) => {
    if (!a.nonNegative(0) || !a.nonNegative(1)) {
      return a.fail("% has no exact AQL translation here: KQL's modulo is never negative (-14 % 12 is 10), and IBM's AQL reference does not say what % gives for a negative operand; it is written only when both sides are non-negative constants or lengths/counts");
    }
    return `(${a.number(0)} % ${a.number(1)})`;
  },
  example: 'strlen(UserAgent) % 2',
  note: 'only when both sides are known non-negative: KQL\'s modulo is never negative, AQL\'s sign is not documented',
};
/**
 * A rule's regex for MATCHES/REPLACEALL: as Java (regex-end.ts: `$` as `\z`, \s, \b, (?i), POSIX
 * classes, ... rewritten to RE2's meaning, or refused), in Java's UNIX_LINES mode
 * (`(?d)`): "only the '\n' line terminator is recognized in the behavior of ., ^, and $"
 * (java.util.regex.Pattern), as in RE2, where `.` excludes only \n; Java's `.` otherwise also
 * stops at \r, \u0085, \u2028 and \u2029. The flag holds to the end of the group it opens.
 */
const javaRegex = (a: AqlArgs, i: number, what: string): string => {
  const r = toJavaRegex(a.constant(i, what), what);
  return 'error' in r ? a.fail(r.error) : `(?d)${r.regex}`;
};
/** has_any/has_all as whole-term regexes, case ignored; an empty list matches nothing (has_any) or everything (has_all), as KQL's some/every. */
const hasTerms = (all: boolean): AqlWritten['aql'] => (a) => {
  const subject = a.text(0);
  const needles = a.strings(1);
  if (needles.length === 0) return all ? ALWAYS : NEVER;
  const matches = (regex: string) => `${subject} IMATCHES ${aqlString(anywhere(regex))}`;
  return all ? needles.map((n) => matches(termRegex(n))).join(' AND ') : matches(needles.map(termRegex).join('|'));
};
/** KQL keeps a row whose string is missing ('') for negated operators; AQL's NULL would drop it. */
export const missingOrNot = (subject: string, positive: string): string => `(${subject} IS NULL OR NOT (${positive}))`;
/** A string, or a JSON value read as text, whose missing value (AQL's NULL) KQL reads as ''. */
const emptyText = (subject: string, text: string): string => `(${subject} IS NULL OR ${text} = '')`;
const notEmptyText = (subject: string, text: string): string => `(${subject} IS NOT NULL AND ${text} <> '')`;
// "The string data type doesn't support null values" (Kusto docs, Null values,
// learn.microsoft.com/kusto/query/scalar-data-types/null-values): a missing string is "",
// so isnull of a string never holds and isnotnull always does.
const isNull = (not: boolean): AqlWritten['aql'] => (a) => (a.type(0) === 'string' ? (not ? ALWAYS : NEVER) : `${a.operand(0)} IS ${not ? 'NOT ' : ''}NULL`);
// isempty: "true if the argument is an empty string or is null" (Kusto docs, isempty()); a JSON value may be either.
const isEmpty = (not: boolean): AqlWritten['aql'] => (a) => {
  if (a.type(0) !== 'string' && a.type(0) !== 'dynamic') return `${a.operand(0)} IS ${not ? 'NOT ' : ''}NULL`;
  return (not ? notEmptyText : emptyText)(a.operand(0), a.text(0));
};
/** ipv4_is_in_range/ipv4_is_in_any_range: INCIDR('cidr', field) (IBM-QUOTE in AQL-FACTS) on an IP field, the ranges as network/prefix. */
const inCidr = (fn: string): AqlWritten['aql'] => (a) => {
  if (!a.ip(0)) return a.fail(`${fn}() is written as INCIDR, which needs an IP field; the address here is not one`);
  const ranges = a.strings(1).map((r) => formatIpv4Mask(r));
  if (ranges.includes('')) return a.fail(`${fn}() needs IPv4 ranges such as '10.0.0.0/8' for AQL`);
  const tests = ranges.map((r) => `INCIDR(${aqlString(r)}, ${a.operand(0)})`);
  return tests.length === 1 ? tests[0]! : `(${tests.join(' OR ')})`;
};
/** `subject op needle`, the positive form of a string operator (`cs`: case counts): LIKE/ILIKE where LIKE can say it, else a Java regex. */
function stringTest(op: string, cs: boolean, subject: string, needle: string): string {
  const regex = (re: string) => `${subject} ${cs ? 'MATCHES' : 'IMATCHES'} ${aqlString(re)}`;
  const like = (pattern: string) => `${subject} ${cs ? 'LIKE' : 'ILIKE'} ${aqlString(pattern)}`;
  const escaped = regexEscape(needle);
  if (op === 'has') return regex(anywhere(termRegex(needle)));
  if (op === 'hasprefix') return regex(anywhere(`(?<![\\p{L}\\p{N}])${escaped}`));
  if (op === 'hassuffix') return regex(anywhere(`${escaped}(?![\\p{L}\\p{N}])`));
  if (op === 'contains') return likeSafe(needle) ? like(`%${needle}%`) : regex(anywhere(escaped));
  if (op === 'startswith') return likeSafe(needle) ? like(`${needle}%`) : regex(`(?s)^(?:${escaped}).*`);
  return likeSafe(needle) ? like(`%${needle}`) : regex(`(?s).*(?:${escaped})${END}`);
}
/** has, hasprefix, hassuffix, contains, startswith, endswith, their _cs and ! forms, with a constant right side. */
const str = (op: string, needle = 'curl'): AqlWritten => ({
  aql: (a) => {
    const base = op.replace(/^!/, '');
    const positive = stringTest(base.replace(/_cs$/, ''), base.endsWith('_cs'), a.text(0), a.constant(1, `the right side of ${op}`));
    return op.startsWith('!') ? missingOrNot(a.operand(0), positive) : positive;
  },
  condition: 3,
  example: `UserAgent ${op} "${needle}"`,
  note: 'LIKE/ILIKE, or MATCHES/IMATCHES with a Java regex where LIKE cannot say it (IBM-OPS; PYS)' });
const NO_LIST_AGGREGATE = 'the AQL reference lists no list aggregate (allow the approximation drop-list-aggregates to leave the column out)';
const NO_ARRAYS = 'AQL values are scalars: it has no arrays or property bags';
const REPLACE_NOTE = "replace_string/replace_regex are written with REPLACEALL (used in real QRadar app queries, not in IBM's AQL reference) and Java's replaceAll; KQL's regex is RE2, rewritten where Java reads it differently (\\s, \\b, POSIX classes, (?i), ...) or refused; Unicode tables (\\p{...}, case folds outside the BMP) are Java's own";
/** A literal replacement for Java's replaceAll: `\` and `$` escaped. */
const javaReplacement = (s: string): string => s.replace(/[\\$]/g, (c) => `\\${c}`);
/**
 * KQL's rewrite (`\1` is a group, one digit) as Java's (`$1`); other `\` and `$` literal. Java reads
 * more digits after `$` while they name a group (`$10` is group 10 of ten), so a digit after a
 * reference is escaped (`$1\0`); Java throws on a group the pattern does not have, where the
 * evaluator writes nothing, so such a reference is left out.
 */
const javaRewrite = (s: string, groups: number): string =>
  s.replace(/\\(\d)(\d*)|[\\$]/g, (m, g: string | undefined, digits: string | undefined) => {
    if (g === undefined) return `\\${m}`;
    return (Number(g) <= groups ? `$${g}` : '') + [...digits!].map((d) => `\\${d}`).join('');
  });
/** The number of capturing groups of a rule's regex, as the evaluator reads it (0 when it does not: the rule is refused then). */
const groupCount = (regex: string): number => {
  const r = compileKqlRegex(regex);
  return r.ok ? r.regex.groupNames().length - 1 : 0;
};
/** trim/trim_start/trim_end: runs of matches at the start and/or end removed, with REPLACEALL as for split. */
const trimmed = (fn: 'trim' | 'trim_start' | 'trim_end'): AqlWritten['aql'] => (a) => {
  const re = `(?:${javaRegex(a, 0, `the regular expression of ${fn}()`)})+`;
  // No (?s): the rule's regex keeps RE2's `.` (no newline); `\z`, as Java's `$` also matches before a final newline.
  const ends = fn === 'trim' ? `^${re}|${re}${END}` : fn === 'trim_start' ? `^${re}` : `${re}${END}`;
  a.note(`${fn}() is written with REPLACEALL (used in real QRadar app queries, not in IBM's AQL reference) and a Java regex; KQL's regex is RE2, rewritten where Java reads it differently (\\s, \\b, POSIX classes, (?i), ...) or refused; Unicode tables (\\p{...}, case folds outside the BMP) are Java's own`);
  return `REPLACEALL(${aqlString(ends)}, ${a.text(1)}, '')`;
};
/** replace_regex(text, regex, rewrite), and the deprecated replace(regex, rewrite, text). */
const replaced = (fn: string, [text, re, rewrite]: readonly number[]): AqlWritten['aql'] => (a) => {
  const source = a.text(text!);
  a.note(REPLACE_NOTE);
  return `REPLACEALL(${aqlString(javaRegex(a, re!, `the regular expression of ${fn}()`))}, ${source}, ${aqlString(javaRewrite(a.constant(rewrite!, `the rewrite of ${fn}()`), groupCount(a.constant(re!, `the regular expression of ${fn}()`))))})`;
};
const NO_INDEXOF = "AQL's STRPOS is not in IBM's reference (only a vendor app uses it), and its index base and not-found value are not documented";
const NO_SUBSTRING = "AQL's SUBSTRING is not in IBM's function reference (only in its Grafana plugin macros), and its index base is not documented";
/**
 * `substring(s, indexof_regex(s, "c") + 1)`, c one character that is itself in RE2 (no
 * metacharacter): the text after the first c, or all of s when it holds none (indexof_regex gives
 * -1, and -1 + 1 is 0). No index is counted, so the unit KQL counts characters in does not matter.
 */
function afterFirst(s: ScalarExpr, start: ScalarExpr): string | undefined {
  if (start.kind !== 'call' || start.fn !== '+' || s.kind !== 'column') return undefined;
  const [x, y] = start.args;
  const one = (e: ScalarExpr | undefined) => e?.kind === 'literal' && e.value === 1;
  const find = one(y) ? x : one(x) ? y : undefined;
  if (find?.kind !== 'call' || find.fn !== 'indexof_regex' || find.args.length !== 2) return undefined;
  const [within, re] = find.args;
  if (within?.kind !== 'column' || within.name !== s.name || re?.kind !== 'literal' || typeof re.value !== 'string') return undefined;
  return [...re.value].length === 1 && !/[\\.^$|?*+()[\]{}]/.test(re.value) ? re.value : undefined;
}
const AND_OR = (fn: string) => `${fn} needs conditions on both sides in AQL`;
/** The values an IF or CASE chooses between: IP fields as text (STR) when another choice is not an IP field. */
const choices = (a: AqlArgs, at: readonly number[]): string[] => (at.every((i) => a.ip(i)) ? at.map((i) => a.operand(i)) : at.map((i) => a.text(i)));
const ifThenElse = (a: AqlArgs): string => {
  const c = a.condition(0, 0, 'the condition of iff must be a condition');
  const [then, otherwise] = choices(a, [1, 2]);
  return `IF ${c} THEN ${then} ELSE ${otherwise}`;
};
/**
 * `a / b`. KQL divides two whole numbers as whole numbers (long / long truncates; Kusto docs,
 * Numerical operators), and a real by anything as reals. IBM's AQL reference says only that `/`
 * "divides two values", so a quotient of whole numbers is refused, and a real quotient converts
 * its whole-number sides with DOUBLE() (IBM: "converts a value that represents a number into a double").
 */
function divide(a: AqlArgs): string {
  const whole = (t: ScalarType) => t === 'int' || t === 'long';
  if (whole(a.type(0)) && whole(a.type(1))) {
    return a.fail("/ of two whole numbers has no exact AQL translation: KQL truncates the quotient of two longs, and IBM's AQL reference does not say what / does with two integers; make one side real (1.0 * x, or a real literal such as 100.0) for a real quotient");
  }
  if (a.resultType !== 'real') return a.fail(`/ giving a ${a.resultType} has no AQL translation: AQL has no ${a.resultType} type, and IBM does not document its division`);
  const side = (i: number) => (whole(a.type(i)) || a.type(i) === 'timespan' ? `DOUBLE(${a.number(i)})` : a.number(i));
  return `(${side(0)} / ${side(1)})`;
}
/** between/!between; `datetime .. timespan` is the datetime to the datetime plus the timespan (KQL's between). */
const between = (not: boolean): AqlWritten['aql'] => (a) => {
  const x = a.operand(0);
  let upper = a.aql(2);
  if (a.type(1) === 'datetime' && a.type(2) === 'timespan') {
    const [lo, span] = [a.literal(1), a.literal(2)];
    if (typeof lo !== 'number' || typeof span !== 'number') return a.fail('between a datetime and a timespan needs constants for AQL');
    upper = String(lo + span);
  }
  const positive = `${x} BETWEEN ${a.aql(1)} AND ${upper}`;
  // between takes numbers, datetimes and timespans, which are null when missing in KQL too: !between
  // of null is null and drops the row, as AQL's NOT of NULL does. missingOrNot is for strings only.
  return not ? `NOT (${positive})` : positive;
};
/** bin/floor: x - x % size (IBM-TIPS's bucket), a constant positive size. */
const bucket = (a: AqlArgs): string => {
  const x = a.operand(0);
  const size = a.literal(1);
  if (typeof size !== 'number' || size <= 0) return a.fail('bin() needs a constant positive size for AQL');
  return `(${x} - ${x} % ${size})`;
};
/** UNIQUECOUNT of argument 0, a missing string (AQL's NULL) counted as '': KQL's missing string is a value. */
const uniqueCount = (a: AqlArgs): string => `UNIQUECOUNT(${a.type(0) === 'string' ? a.textOrEmpty(0) : a.value(0)})`;
const NO_NOW = "AQL's NOW() is not in IBM's reference; only a TimeGenerated > ago(d) filter is written, as the LAST clause";

export const AQL_FUNCTIONS: Readonly<Record<string, AqlFunction>> = {
  and: { aql: (a) => `${a.condition(0, 2, AND_OR('and'))} AND ${a.condition(1, 2, AND_OR('and'))}`, condition: 2, example: 'UserAgent == "a" and AppDisplayName == "b"' },
  or: { aql: (a) => `${a.condition(0, 1, AND_OR('or'))} OR ${a.condition(1, 1, AND_OR('or'))}`, condition: 1, example: 'UserAgent == "a" or AppDisplayName == "b"' },
  not: { example: 'not(UserAgent == "a")', note: 'pushed down into the negated operators (de Morgan over and/or), which keep a missing value as KQL does; NOT (...) only around an order comparison of numbers or times' },
  '==': cmp('=='),
  '!=': { ...cmp('!='), note: 'a missing value stays in the result, as in KQL: x IS NULL OR x <> v' },
  '<': order('<'),
  '<=': order('<='),
  '>': order('>'),
  '>=': order('>='),
  '=~': cmp('=~', 'A@B.com'),
  '!~': cmp('!~', 'A@B.com'),
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
  has_any: { aql: hasTerms(false), condition: 3, example: 'UserAgent has_any ("ruby", "go")' },
  has_all: { aql: hasTerms(true), condition: 2, example: 'UserAgent has_all ("ruby", "go")' },
  between: { aql: between(false), condition: 3, example: 'TimeGenerated between (datetime(2025-01-01) .. datetime(2025-01-02))' },
  '!between': { aql: between(true), condition: 3, example: 'TimeGenerated !between (datetime(2025-01-01) .. datetime(2025-01-02))' },
  'matches regex': {
    aql: (a) => {
      const subject = a.text(0);
      a.note("matches regex is written as MATCHES with a Java regular expression; KQL's regex is RE2, rewritten where Java reads it differently (\\s, \\b, POSIX classes, (?i), ...) or refused; Unicode tables (\\p{...}, case folds outside the BMP) are Java's own");
      return `${subject} MATCHES ${aqlString(anywhereAround(javaRegex(a, 1, 'the regular expression')))}`;
    },
    condition: 3,
    example: 'UserAgent matches regex "^curl/[0-9]+"', note: 'MATCHES takes a Java regex; KQL uses RE2: $ is written \\z (Java\'s $ also matches before a final newline) and (?d) puts Java in UNIX_LINES mode (its `.` then stops at \\n only, as RE2\'s); \\s, \\b, POSIX classes, (?i), named groups are rewritten to RE2\'s meaning (regex-end.ts), (?U) refused' },
  '+': arithmetic('+', 'TimeGenerated + 1h'),
  '-': arithmetic('-', 'TimeGenerated - 1h'),
  '*': arithmetic('*', 'strlen(UserAgent) * 2'),
  '/': { aql: divide, example: 'strlen(UserAgent) / 2.0' },
  '%': modulo,
  negate: { aql: (a) => `-${a.atom(0)}`, example: '-strlen(UserAgent)' },
  isempty: { aql: isEmpty(false), condition: 3, example: 'isempty(UserAgent)' },
  isnotempty: { aql: isEmpty(true), condition: 3, example: 'isnotempty(UserAgent)' },
  isnull: { aql: isNull(false), condition: 3, example: 'isnull(UserAgent)' },
  isnotnull: { aql: isNull(true), condition: 3, example: 'isnotnull(UserAgent)' },
  ipv4_is_in_range: { aql: inCidr('ipv4_is_in_range'), condition: 3, example: 'ipv4_is_in_range(IPAddress, "10.0.0.0/8")', note: 'INCIDR (IBM-QUOTE)' },
  ipv4_is_in_any_range: { aql: inCidr('ipv4_is_in_any_range'), condition: 3, example: 'ipv4_is_in_any_range(IPAddress, "10.0.0.0/8", "192.168.0.0/16")', note: 'INCIDR (IBM-QUOTE)' },
  tolower: { aql: (a) => `LOWER(${a.text(0)})`, example: 'tolower(UserAgent)', note: 'LOWER (PYS)' },
  strlen: { aql: (a) => `STRLEN(${a.textOrEmpty(0)})`, example: 'strlen(UserAgent)', note: "STRLEN (CYB); a missing value is '' (IF x IS NULL THEN '' ELSE x), as KQL's missing string" },
  strcat: { aql: (a) => `CONCAT(${Array.from({ length: a.count }, (_, i) => a.textOrEmpty(i)).join(', ')})`, example: 'strcat(UserAgent, "/", AppDisplayName)', note: "CONCAT (IBM-FUNC); a missing value is '' (IF x IS NULL THEN '' ELSE x), as KQL's missing string" },
  tostring: { example: 'tostring(UserAgent)' },
  iff: { aql: ifThenElse, open: true, example: 'iff(UserAgent == "a", "x", "y")', note: 'IF c THEN a ELSE b (IBM-COND)' },
  iif: { aql: ifThenElse, open: true, example: 'iif(UserAgent == "a", "x", "y")', note: 'IF c THEN a ELSE b (IBM-COND)' },
  case: {
    aql: (a) => {
      // Translated in the rule's order (each condition, then its value), as their notes are.
      const whens: string[] = [];
      for (let k = 0; k + 1 < a.count; k += 2) {
        whens.push(a.aql(k));
        a.operand(k + 1);
      }
      const values = choices(a, [...whens.map((_, k) => 2 * k + 1), a.count - 1]);
      a.note("case() is written as a searched CASE WHEN ... END: used in real QRadar queries, not in IBM's AQL reference");
      return `CASE ${whens.map((w, k) => `WHEN ${w} THEN ${values[k]}`).join(' ')} ELSE ${values[values.length - 1]} END`;
    },
    example: 'case(UserAgent == "a", "x", "y")',
    note: 'searched CASE WHEN: used in real QRadar queries (CYB), not in IBM\'s reference',
  },
  bin: { aql: bucket, bucket: true, example: 'bin(TimeGenerated, 1h)', note: 'x - x % size on milliseconds (IBM-TIPS bucket)' },
  floor: { aql: bucket, bucket: true, example: 'floor(TimeGenerated, 1h)', note: 'x - x % size on milliseconds (IBM-TIPS bucket)' },
  parse_json: { example: 'tostring(parse_json(RequestParameters).policyName)', table: 'AWSCloudTrail', note: 'a custom property with a JSON keypath, for a column the mapping marks json: (IBM, JSON keypath expressions)' },
  parsejson: { example: 'tostring(parsejson(RequestParameters).policyName)', table: 'AWSCloudTrail', note: 'as parse_json (its deprecated name)' },
  todynamic: { example: 'tostring(todynamic(RequestParameters).policyName)', table: 'AWSCloudTrail', note: 'as parse_json' },
  extractjson: { example: 'extractjson("$.bucketName", RequestParameters)', table: 'AWSCloudTrail', note: 'as parse_json' },
  extract_json: { example: 'extract_json("$.bucketName", RequestParameters)', table: 'AWSCloudTrail', note: 'as parse_json' },
  trim: { aql: trimmed('trim'), example: `trim('"', UserAgent)`, note: 'REPLACEALL with the regex anchored at both ends (CYB)' },
  trim_start: { aql: trimmed('trim_start'), example: 'trim_start("-+", UserAgent)', note: 'REPLACEALL with the regex anchored at the start (CYB)' },
  trim_end: { aql: trimmed('trim_end'), example: 'trim_end("-+", UserAgent)', note: 'REPLACEALL with the regex anchored at the end (CYB)' },
  replace_string: {
    aql: (a) => {
      const source = a.text(0);
      const lookup = a.constant(1, 'the text replace_string() looks for');
      if (lookup === '') return source;
      a.note(REPLACE_NOTE);
      return `REPLACEALL(${aqlString(regexEscape(lookup))}, ${source}, ${aqlString(javaReplacement(a.constant(2, 'the replacement of replace_string()')))})`;
    },
    example: 'replace_string(UserAgent, "$", "USD")', note: 'REPLACEALL with the text as an escaped regex (CYB)' },
  replace_regex: { aql: replaced('replace_regex', [0, 1, 2]), example: 'replace_regex(UserAgent, @"(\\w+)/", @"\\1 ")', note: 'REPLACEALL; \\1 becomes Java\'s $1 (CYB)' },
  replace: { aql: replaced('replace', [2, 0, 1]), example: 'replace(@"(\\w+)/", @"\\1 ", UserAgent)', note: 'as replace_regex, text last' },
  // split(s, d)[i] is written where the part is read (translate.ts, split.ts); split() as a value is an array.
  split: { aql: (a) => a.fail('split() is written in AQL only as one part, split(s, d)[i]: AQL has no arrays'), example: 'tostring(split(UserPrincipalName, "@")[0])', note: 'split(s, d)[i] only: REPLACEALL with an anchored regex (CYB)' },

  count: { aql: () => 'COUNT(*)', example: 'count()', aggregate: true },
  countif: { aql: (a) => `SUM(IF ${a.aql(0)} THEN 1 ELSE 0)`, example: 'countif(UserAgent == "a")', aggregate: true, note: 'SUM(IF c THEN 1 ELSE 0) (IBM-PULSE)' },
  // dcount and count_distinct skip nulls (Kusto docs, dcount(), count_distinct()); a missing string
  // is "" in KQL, a value that counts (docs/SEMANTICS.md), so NULL is counted as ''.
  dcount: { aql: (a) => uniqueCount(a), example: 'dcount(UserAgent)', aggregate: true, note: "UNIQUECOUNT (IBM-HAV): exact; KQL dcount is an estimate; a missing string (AQL's NULL) counted as '', as count_distinct" },
  count_distinct: {
    aql: (a) => uniqueCount(a),
    example: 'count_distinct(UserAgent)',
    aggregate: true,
    note: "UNIQUECOUNT (IBM-HAV), exact as count_distinct; a missing string (AQL's NULL) counted as '', KQL's missing string; for other types IBM does not say whether UNIQUECOUNT skips NULL as KQL does",
  },
  sum: { aql: (a) => `SUM(${a.value(0)})`, example: 'sum(strlen(UserAgent))', aggregate: true },
  sumif: { aql: (a) => `SUM(IF ${a.aql(1)} THEN ${a.value(0)} ELSE 0)`, example: 'sumif(strlen(UserAgent), AppDisplayName == "a")', aggregate: true },
  min: { aql: (a) => `MIN(${a.value(0)})`, example: 'min(TimeGenerated)', aggregate: true },
  max: { aql: (a) => `MAX(${a.value(0)})`, example: 'max(TimeGenerated)', aggregate: true },
  // KQL's avg is a real; DOUBLE() keeps AQL from averaging whole numbers as whole numbers (as for /).
  avg: { aql: (a) => (a.type(0) === 'int' || a.type(0) === 'long' ? `AVG(DOUBLE(${a.value(0)}))` : `AVG(${a.value(0)})`), example: 'avg(strlen(UserAgent))', aggregate: true, note: 'AVG; a whole-number argument through DOUBLE() (IBM-FUNC), as KQL\'s avg is a real' },
  make_set: { none: NO_LIST_AGGREGATE, limit: 'listAggregate' },
  make_list: { none: NO_LIST_AGGREGATE, limit: 'listAggregate' },
  make_set_if: { none: NO_LIST_AGGREGATE, limit: 'listAggregate' },
  make_list_if: { none: NO_LIST_AGGREGATE, limit: 'listAggregate' },
  makeset: { none: NO_LIST_AGGREGATE, limit: 'listAggregate' },
  makelist: { none: NO_LIST_AGGREGATE, limit: 'listAggregate' },
  make_list_with_nulls: { none: NO_LIST_AGGREGATE, limit: 'listAggregate' },
  make_bag: { none: NO_ARRAYS, limit: 'arrays' },
  make_bag_if: { none: NO_ARRAYS, limit: 'arrays' },
  arg_max: { none: 'AQL has no aggregate that returns the other columns of the row with the largest value', limit: 'argExtreme' },
  arg_min: { none: 'AQL has no aggregate that returns the other columns of the row with the smallest value', limit: 'argExtreme' },

  ago: { none: NO_NOW },
  now: { none: NO_NOW },
  array_length: { none: NO_ARRAYS, limit: 'arrays' },
  array_slice: { none: NO_ARRAYS, limit: 'arrays' },
  array_concat: { none: NO_ARRAYS, limit: 'arrays' },
  array_index_of: { none: NO_ARRAYS, limit: 'arrays' },
  set_has_element: { none: NO_ARRAYS, limit: 'arrays' },
  pack: { none: NO_ARRAYS, limit: 'arrays' },
  bag_pack: { none: NO_ARRAYS, limit: 'arrays' },
  pack_array: { none: NO_ARRAYS, limit: 'arrays' },
  bag_keys: { none: NO_ARRAYS, limit: 'arrays' },
  set_union: { none: NO_ARRAYS, limit: 'arrays' },
  extract_all: { none: NO_ARRAYS, limit: 'arrays' },
  substring: {
    aql: (a) => {
      const c = a.count === 2 ? afterFirst(a.ir(0), a.ir(1)) : undefined;
      if (c === undefined) return a.fail(`substring() has no AQL translation here: ${NO_SUBSTRING}; only substring(s, indexof_regex(s, "c") + 1) is written, for one character c`);
      a.note(REPLACE_NOTE);
      const d = regexEscape(c);
      return `REPLACEALL(${aqlString(`^[^${d}]*${d}`)}, ${a.textOrEmpty(0)}, '')`;
    },
    example: 'substring(UserPrincipalName, indexof_regex(UserPrincipalName, "@") + 1)',
    note: `the text after the first c, substring(s, indexof_regex(s, "c") + 1), as REPLACEALL (CYB); other forms: ${NO_SUBSTRING}`,
  },
  indexof: {
    aql: (a) => {
      const lookup = a.count === 2 ? a.constant(1, 'the text indexof() looks for') : '';
      if (lookup === '') return a.fail(`indexof() has no AQL translation here: ${NO_INDEXOF}; only indexof(s, "text") with a non-empty constant text is written`);
      const s = a.textOrEmpty(0);
      const l = regexEscape(lookup);
      a.note(REPLACE_NOTE);
      // The length of the text before the first occurrence, or -1 (Kusto docs, indexof()).
      return `IF ${s} MATCHES ${aqlString(`(?s).*(?:${l}).*`)} THEN STRLEN(REPLACEALL(${aqlString(`(?s)(?:${l}).*`)}, ${s}, '')) ELSE -1`;
    },
    open: true,
    example: 'indexof(UserPrincipalName, "@")',
    note: `the STRLEN (CYB) of the text before the first occurrence, cut with REPLACEALL (CYB), or -1; counts as strlen does. Other forms: ${"AQL's STRPOS is not in IBM's reference"}`,
  },
  toupper: { none: "UPPER is not in IBM's AQL reference (only in a third-party converter's function list)" },
  toint: { none: "LONG() (IBM-FUNC) is documented for numbers written as text, not for text that is no number, which KQL's toint makes null" },
  tolong: { none: "LONG() (IBM-FUNC) is documented for numbers written as text, not for text that is no number, which KQL's tolong makes null" },
};

/** The entry for a catalog function (own keys only: `constructor` is no function here). */
export function aqlFunction(name: string): AqlFunction | undefined {
  return Object.hasOwn(AQL_FUNCTIONS, name) ? AQL_FUNCTIONS[name] : undefined;
}
