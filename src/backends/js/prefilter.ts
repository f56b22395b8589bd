/**
 * A raw-text prefilter for NDJSON: from a query's leading `where` clauses, a necessary condition on
 * an event's JSON text, so `detc run` can skip JSON.parse for lines that cannot pass those clauses.
 *
 * `where UserAgent has "curl"` can only be true if the event's UserAgent value is a string that
 * contains "curl" (case-insensitively) or is not a string at all. The filter finds each `"UserAgent":`
 * key in the line's text and looks for the needle in the raw text of its string value; the event is
 * skipped only when no such value can contain it. Exact because:
 * - a needle is printable ASCII without `"` and `\`, so within a JSON string it appears in the raw
 *   text as in the decoded value, except through `\uXXXX` escapes (lines containing `\u` are
 *   always parsed) and `\/` (matched as an alternative for `/`);
 * - a key pattern `"Name"` followed by `:` cannot occur inside a string (its quotes would be
 *   escaped); one preceded by a backslash, or with a value that is not a string, makes the line
 *   parsed; every occurrence is tried (nested objects, duplicate keys), and when there is none the
 *   column is missing, its value '' (no needle is empty);
 * - case-insensitive needles match, besides both ASCII cases, every non-ASCII character that
 *   toLowerCase() or Unicode case folding relates to an ASCII letter (K for k, ſ for s, ...).
 * Only the main pipeline's own leading where/extend clauses are used, and only when nothing else
 * in the query reads the same events (compile.ts decides; see `streamable`).
 */
import type { QueryIR, ScalarExpr } from '../../ir/types.js';
import { memoized } from '../../semantics/strings.js';
import type { Value } from '../../semantics/values.js';

/** Needles that must occur in a column's value; `cs`: case-sensitive. */
interface Needle {
  readonly column: string;
  readonly text: string;
  readonly cs: boolean;
}
/** At least one of these needles occurs in its column. */
type Requirement = readonly Needle[];

/** Operators whose truth implies that the column's value contains the needle. */
const CONTAINING: Readonly<Record<string, boolean>> = {
  '==': true,
  '=~': false,
  has: false,
  has_cs: true,
  hasprefix: false,
  hasprefix_cs: true,
  hassuffix: false,
  hassuffix_cs: true,
  contains: false,
  contains_cs: true,
  startswith: false,
  startswith_cs: true,
  endswith: false,
  endswith_cs: true,
  in: true,
  'in~': false,
  has_any: false,
  has_all: false,
};

/**
 * Non-ASCII characters that a case-insensitive comparison may equate with an ASCII letter
 * (computed over all of Unicode from toLowerCase, toUpperCase and the `iu` regex flag in V8).
 */
const FOLDS_TO: Readonly<Record<string, string>> = {
  a: '\u1e9a',
  f: '\ufb00\ufb01\ufb02\ufb03\ufb04',
  h: '\u1e96',
  i: '\u0130\u0131\ufb01\ufb03',
  j: '\u01f0',
  k: '\u212a',
  l: '\ufb02\ufb04',
  n: '\u0149',
  s: '\u00df\u017f\ufb05\ufb06',
  t: '\u1e97\ufb05\ufb06',
  w: '\u1e98',
  y: '\u1e99',
};

/** Whether a needle's occurrence in the raw JSON text is necessary for it to occur in the value. */
function usableNeedle(text: string): boolean {
  return /^[\x20-\x7e]+$/.test(text) && !/["\\]/.test(text);
}

/**
 * A function of an event's JSON text that returns false only when the event cannot pass the
 * query's leading clauses; undefined when those clauses give no usable requirement.
 */
export function rawTextFilter(ir: QueryIR): ((json: string) => boolean) | undefined {
  const requirements = leadingRequirements(ir);
  if (requirements.length === 0) return undefined;
  const tests = requirements.map((r) => {
    const columns = [...new Set(r.map((n) => n.column))];
    return columns.map((c) => {
      // Sticky at the value's first character: any run of string characters (an escape sequence
      // counts as one), then a needle. It cannot run past the closing quote, and scanning in place
      // needs no copy of the value; long lists are remembered per value instead (rememberedScan).
      const needles = r.filter((n) => n.column === c);
      const scan = new RegExp(`(?:[^"\\\\]|\\\\[^])*?(?:${needles.map(needlePattern).join('|')})`, 'y');
      return columnValueTest(c, needles.length >= REMEMBERED_FROM_NEEDLES ? rememberedScan(scan) : scanInPlace(scan));
    });
  });
  return (json) => {
    for (let k = 0; k < tests.length; k++) {
      const any = tests[k]!;
      let ok = false;
      for (let j = 0; j < any.length; j++) {
        if (!any[j]!(json)) continue;
        ok = true;
        // The column that accepts moves forward: the one that most often lets a line through is
        // tried first, and the others' scans are skipped for those lines.
        if (j > 0) [any[j - 1], any[j]] = [any[j]!, any[j - 1]!];
        break;
      }
      if (ok) continue;
      // A \u escape could spell a needle: such lines are always parsed. Checked only here, since
      // accepting needs no proof.
      if (json.includes('\\u')) return true;
      // The requirement that rejects moves forward: the most selective ones end up tested first.
      if (k > 0) [tests[k - 1], tests[k]] = [any, tests[k - 1]!];
      return false;
    }
    return true;
  };
}

/**
 * Whether some `"column": "value"` in the text has a value whose raw text passes `test`; true as
 * well when an occurrence cannot be judged from the text (a non-string value, an escaped quote).
 */
function columnValueTest(column: string, inValue: RawValueTest): (json: string) => boolean {
  // Searched without its opening quote, which is then checked: V8's search starts from the
  // pattern's first character, and `"` is the commonest one in JSON (twice as slow, measured).
  const key = `${column}"`;
  return (json) => {
    for (let from = 1; ; ) {
      const found = json.indexOf(key, from);
      if (found < 0) return false;
      from = found + key.length;
      const at = found - 1; // the opening quote
      if (json.charCodeAt(at) !== 34 /* " */) continue;
      let i = skipSpace(json, from);
      if (json.charCodeAt(i) !== 58 /* : */) continue;
      if (at > 0 && json.charCodeAt(at - 1) === 92 /* \ */) return true;
      i = skipSpace(json, i + 1);
      if (json.charCodeAt(i) !== 34 /* " */) return true;
      const end = closingQuote(json, i + 1);
      if (end < 0 || inValue(json, i + 1, end)) return true;
    }
  };
}

/** Whether the raw text of a JSON string value, json[start, end), can hold a needle. */
type RawValueTest = (json: string, start: number, end: number) => boolean;

/**
 * From this many needles in one column (has_any lists) the scan is remembered per value: it then
 * costs more than the lookup, which hashes the value. Fewer needles (==, in~ of two or three) are
 * scanned in place. Prefilter per line on the benchmark file: 1.44-1.56 us scanning every column,
 * 1.34-1.42 remembering every column, 1.08-1.30 remembering only the has_any lists (BENCHMARKS.md).
 */
const REMEMBERED_FROM_NEEDLES = 4;

/** Values longer than this are scanned in place rather than remembered. */
const MAX_REMEMBERED_VALUE = 256;

/** The needle scan (sticky) run from the value's first character, in the line itself. */
function scanInPlace(scan: RegExp): RawValueTest {
  return (json, start) => {
    scan.lastIndex = start;
    return scan.test(json);
  };
}

/**
 * The needle scan of one column, remembered per raw value: the columns rules filter with long
 * lists (user agents, resource names) repeat a few values. `memoized` stops remembering a column
 * with too many distinct values. The memory keeps copies, not slices of the line, which would keep
 * whole segments of the file alive.
 */
function rememberedScan(scan: RegExp): RawValueTest {
  const inPlace = scanInPlace(scan);
  const remembered = memoized(
    (raw: string) => inPlace(raw, 0, raw.length),
    (raw) => JSON.parse(JSON.stringify(raw)) as string,
  );
  return (json, start, end) => (end - start > MAX_REMEMBERED_VALUE ? inPlace(json, start, end) : remembered(json.slice(start, end)));
}

function skipSpace(s: string, i: number): number {
  for (let c = s.charCodeAt(i); c === 32 || c === 9 || c === 10 || c === 13; c = s.charCodeAt(++i));
  return i;
}

/** Index of the quote closing a JSON string whose text starts at `from` (-1 if none). */
function closingQuote(s: string, from: number): number {
  for (let i = s.indexOf('"', from); i >= 0; i = s.indexOf('"', i + 1)) {
    let backslashes = 0;
    while (s.charCodeAt(i - 1 - backslashes) === 92) backslashes++;
    if (backslashes % 2 === 0) return i;
  }
  return -1;
}

/** The requirements as text, one list of alternatives each (for tests and `--explain`-style output). */
export function describeRawTextFilter(ir: QueryIR): string[][] {
  return leadingRequirements(ir).map((r) => r.map((n) => `${n.column}: ${n.text}${n.cs ? ' (cs)' : ''}`));
}

/** What the main pipeline's leading where/extend clauses require of its source events. */
function leadingRequirements(ir: QueryIR): Requirement[] {
  if (ir.body.source.kind !== 'table') return [];
  const source = new Set(ir.body.source.schema.filter((c) => c.type === 'string').map((c) => c.name));
  const constants = constantLets(ir);
  const requirements: Requirement[] = [];
  // Columns defined by the leading extends, to see through `extend X = ... | where X`.
  const defined = new Map<string, ScalarExpr>();
  for (const op of ir.body.ops) {
    if (op.op === 'where') requirements.push(...required(op.predicate, defined, source, constants));
    else if (op.op === 'extend') for (const c of op.columns) defined.set(c.name, c.expr);
    else if (op.op !== 'project-away' && op.op !== 'project-keep' && op.op !== 'project-reorder') break;
  }
  return requirements;
}

/** Requirements that must all hold for `e` to be true. */
function required(e: ScalarExpr, defined: ReadonlyMap<string, ScalarExpr>, source: ReadonlySet<string>, constants: ReadonlyMap<string, Value>, depth = 0): Requirement[] {
  if (depth > 50) return [];
  const recurse = (x: ScalarExpr) => required(x, defined, source, constants, depth + 1);
  if (e.kind === 'column') {
    const def = defined.get(e.name);
    return def ? recurse(def) : [];
  }
  if (e.kind !== 'call') return [];
  if (e.fn === 'and') return [...recurse(e.args[0]!), ...recurse(e.args[1]!)];
  if (e.fn === 'or') {
    const a = recurse(e.args[0]!);
    const b = recurse(e.args[1]!);
    return a.length && b.length ? [[...a[0]!, ...b[0]!]] : [];
  }
  const cs = CONTAINING[e.fn];
  const subject = e.args[0];
  // The subject must be the event's own string column, not one an extend has replaced.
  if (cs === undefined || !subject || subject.kind !== 'column' || !source.has(subject.name) || defined.has(subject.name) || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(subject.name)) return [];
  const needles: string[] = [];
  for (const a of e.args.slice(1)) {
    const v = constantValue(a, constants);
    if (v === undefined) return [];
    for (const item of Array.isArray(v) ? v.flat(Infinity) : [v]) {
      if (typeof item !== 'string' || !usableNeedle(item)) return [];
      needles.push(item);
    }
  }
  if (needles.length === 0) return [];
  // has_all needs every needle: each is a requirement; the others need any one of them.
  const column = subject.name;
  if (e.fn === 'has_all') return needles.map((text) => [{ column, text, cs }]);
  return [needles.map((text) => ({ column, text, cs }))];
}

/** A literal's value, or a constant let's; undefined for anything else. */
export function constantValue(e: ScalarExpr, constants: ReadonlyMap<string, Value>): Value | undefined {
  if (e.kind === 'literal') return e.value;
  if (e.kind === 'letRef') return constants.get(e.name);
  return undefined;
}

/** Scalar lets whose value is a literal (directly or through other such lets): compile-time constants. */
export function constantLets(ir: QueryIR): Map<string, Value> {
  const out = new Map<string, Value>();
  for (const l of ir.lets) {
    if (l.kind !== 'scalar') continue;
    const v = constantValue(l.value, out);
    if (v !== undefined) out.set(l.name, v);
  }
  return out;
}

/** A regex source matching the needle as it can appear in JSON text. */
function needlePattern(n: Needle): string {
  let out = '';
  for (const ch of n.text) {
    if (ch === '/') out += '(?:\\\\/|/)';
    else if (!n.cs && /[a-z]/i.test(ch)) {
      const lower = ch.toLowerCase();
      out += `[${lower}${lower.toUpperCase()}${FOLDS_TO[lower] ?? ''}]`;
    } else out += /[.*+?^${}()|[\]\\\-]/.test(ch) ? `\\${ch}` : ch;
  }
  return out;
}
