/**
 * parse-kv (https://learn.microsoft.com/kusto/query/parse-kv-operator) in the evaluator. As the page
 * says: only the listed keys are extracted, a key's first occurrence wins, leading and trailing
 * whitespace of keys and values is ignored, and a missing key gives null (an empty string for a
 * string column). Specified-delimiter mode: pairs split at pair_delimiter (outside quotes), each at
 * its first kv_delimiter; `quote` (one character, or an opening and a closing one) wraps a key or
 * value, in which an `escape` character takes the next character as is; greedy=true lets an unquoted
 * value run on over pair delimiters up to the next pair that has a kv_delimiter (the page's
 * "John Doe" example). Regex mode: every match of the regex, group 1 the key and group 2 the value.
 * The non-specified-delimiter mode (no delimiters, no regex) is not evaluated: the run stops.
 */
import { NotEvaluatedError } from '../../catalog/series.js';
import type { TabularOp } from '../../ir/types.js';
import { compileKqlRegex } from '../../semantics/regex.js';
import { coerce, toKqlString, type Value } from '../../semantics/values.js';
import type { Expressions } from './expressions.js';
import { mapStep, type Layout, type Row, type Step } from './rows.js';

type ParseKv = Extract<TabularOp, { op: 'parse-kv' }>;

interface Delimited {
  readonly pair: string;
  readonly kv: string;
  /** Opening character -> closing character. */
  readonly quotes: ReadonlyMap<string, string>;
  readonly escapes: ReadonlySet<string>;
  readonly greedy: boolean;
}

/** Splits `text` at `delimiter` outside quotes; quotes and escapes are kept for the second pass. */
function splitOutsideQuotes(text: string, delimiter: string, d: Delimited): string[] {
  const parts: string[] = [];
  let start = 0;
  let close: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (close !== undefined) {
      if (d.escapes.has(c)) i++;
      else if (c === close) close = undefined;
    } else if (d.quotes.has(c)) close = d.quotes.get(c);
    else if (text.startsWith(delimiter, i)) {
      parts.push(text.slice(start, i));
      start = i + delimiter.length;
      i += delimiter.length - 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** A key or value without surrounding whitespace and quotes, escapes resolved inside quotes. */
function unquote(raw: string, d: Delimited): string {
  const s = raw.trim();
  const close = d.quotes.get(s[0] ?? '');
  if (close === undefined || s.length < 2 || s[s.length - 1] !== close) return s;
  let out = '';
  for (let i = 1; i < s.length - 1; i++) out += d.escapes.has(s[i]!) && i + 1 < s.length - 1 ? s[++i] : s[i];
  return out;
}

function delimitedPairs(text: string, d: Delimited): [string, string][] {
  const pairs: [string, string][] = [];
  for (const part of splitOutsideQuotes(text, d.pair, d)) {
    const kv = splitOutsideQuotes(part, d.kv, d);
    if (kv.length < 2) {
      // greedy: a piece with no kv_delimiter continues the previous unquoted value.
      const last = pairs[pairs.length - 1];
      if (d.greedy && last) last[1] += d.pair + part;
      continue;
    }
    pairs.push([kv[0]!, kv.slice(1).join(d.kv)]);
  }
  return pairs.map(([k, v]) => [unquote(k, d), unquote(v, d)]);
}

/** The function giving a text's key/value pairs in order, for the operator's options. */
function pairsOf(o: ParseKv): (text: string) => [string, string][] {
  const option = (name: string) => o.options.find((p) => p.name === name)?.value;
  const regex = option('regex');
  if (typeof regex === 'string') {
    const compiled = compileKqlRegex(regex);
    // The binder compiled it already.
    if (!compiled.ok) throw new Error(`parse-kv regex does not compile: ${compiled.error}`);
    const r = compiled.regex;
    return (text) => r.all(text).map((m) => [(m.groups[1] ?? '').trim(), (m.groups[2] ?? '').trim()]);
  }
  const pair = option('pair_delimiter');
  const kv = option('kv_delimiter');
  if (typeof pair !== 'string' || typeof kv !== 'string' || pair === '' || kv === '') {
    return () => {
      throw new NotEvaluatedError('parse-kv without pair_delimiter and kv_delimiter (or regex) is not evaluated by detc\'s JS evaluator; give the delimiters: with (pair_delimiter=..., kv_delimiter=...)');
    };
  }
  const quotes = new Map<string, string>();
  for (const q of o.options.filter((p) => p.name === 'quote')) {
    const s = String(q.value);
    if (s.length > 0) quotes.set(s[0]!, s[1] ?? s[0]!);
  }
  const escapes = new Set(o.options.filter((p) => p.name === 'escape').map((p) => String(p.value)).filter((s) => s.length > 0));
  const d: Delimited = { pair, kv, quotes, escapes, greedy: option('greedy') === true };
  return (text) => delimitedPairs(text, d);
}

export function parseKvStep(o: ParseKv, layout: Layout, x: Expressions): { step: Step<undefined>; layout: Layout } {
  const source = x.expr(o.expr, layout);
  const sourceType = o.expr.type;
  const pairs = pairsOf(o);
  const index = new Map(o.columns.map((c, k) => [c.name, k]));
  const empty: Value[] = o.columns.map((c) => (c.type === 'string' ? '' : null));
  const width = layout.width;
  const columns = [...layout.columns, ...o.columns.map((c, k) => ({ name: c.name, type: c.type, get: (r: Row) => r.v[width + k], source: { slot: width + k } }))];
  return {
    layout: { columns, width: width + o.columns.length },
    step: mapStep((r, next) => {
      const values = [...empty];
      const seen = new Set<number>();
      const text = source(r);
      if (text !== null && text !== undefined) {
        for (const [key, value] of pairs(toKqlString(text, sourceType))) {
          const k = index.get(key);
          if (k === undefined || seen.has(k)) continue;
          seen.add(k);
          values[k] = o.columns[k]!.type === 'string' ? value : value === '' ? null : coerce(value, o.columns[k]!.type);
        }
      }
      next.push({ e: r.e, v: [...r.v, ...values] });
    }),
  };
}
