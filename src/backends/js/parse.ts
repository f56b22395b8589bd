/**
 * parse and parse-where (https://learn.microsoft.com/kusto/query/parse-operator,
 * https://learn.microsoft.com/kusto/query/parse-where-operator). The pattern becomes one regular
 * expression, as the page describes for kind=regex: `*` is `.*?`, a string column `(.*)` (greedy;
 * `(.*?)` in simple and relaxed), a long column a signed integer; constants are literal text (simple, relaxed) or regular expressions
 * (regex). detc's choices where the page is silent: the match starts at the start of the text,
 * and a column that ends the pattern takes the rest of the text. simple and regex are strict (a
 * typed column that does not convert fails the whole match); relaxed gives that column null.
 * A row that does not match gets null columns (empty strings) in parse and is dropped by parse-where.
 */
import type { ParseItem, ScalarType, TabularOp } from '../../ir/types.js';
import { compileKqlRegex, type KqlRegex } from '../../semantics/regex.js';
import { escapeRegExp } from '../../semantics/strings.js';
import { coerce, toKqlString, type Value } from '../../semantics/values.js';
import type { Expressions } from './expressions.js';
import { mapStep, type Layout, type Row, type Step } from './rows.js';

const NUMBER: Partial<Record<ScalarType, string>> = {
  long: '([-+]?\\d+)',
  int: '([-+]?\\d+)',
  real: '([-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d+)?)',
  decimal: '([-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d+)?)',
};


/**
 * The group of the k-th column. Named, because a kind=regex constant may hold groups of its own
 * (`"(.*?)lockTime="`); the page's columns are groups "handled internally", never shifted by them.
 */
export const columnGroup = (k: number): string => `detc_parse_column_${k}`;

/** The pattern as one regular expression; one named capture group per column. */
export function parseRegex(kind: 'simple' | 'regex' | 'relaxed', flags: string | undefined, pattern: readonly ParseItem[]): string {
  let k = 0;
  const parts = pattern.map((p, i) => {
    if (p.kind === 'star') return '.*?';
    if (p.kind === 'text') return kind === 'regex' ? `(?:${p.text})` : escapeRegExp(p.text);
    const last = i === pattern.length - 1;
    const typed = NUMBER[p.type]?.slice(1, -1);
    // kind=regex: a column is greedy (`.*`) unless flags=U (the page's resourceName example takes
    // up to the last ','); simple and relaxed take up to the first occurrence of what follows.
    const any = last || kind === 'regex' ? '.*' : '.*?';
    // relaxed: a number where there is one (`b:long * "c="` takes 22 from "22, c="), else any text,
    // which then converts to null.
    const body = typed === undefined ? any : kind === 'relaxed' ? `${typed}|${any}` : typed;
    return `(?P<${columnGroup(k++)}>${body})${last ? '$' : ''}`;
  });
  return `${flags ? `(?${flags})` : ''}^${parts.join('')}`;
}

export function parseStep(o: Extract<TabularOp, { op: 'parse' | 'parse-where' }>, layout: Layout, x: Expressions): { step: Step<undefined>; layout: Layout } {
  const compiled = compileKqlRegex(parseRegex(o.kind, o.flags, o.pattern));
  // The binder checked every constant; a pattern that still does not compile is a detc bug.
  if (!compiled.ok) throw new Error(`parse pattern does not compile: ${compiled.error}`);
  const regex: KqlRegex = compiled.regex;
  const names = regex.groupNames();
  const source = x.expr(o.expr, layout);
  const sourceType = o.expr.type;
  const columns = o.pattern.filter((p): p is Extract<ParseItem, { kind: 'column' }> => p.kind === 'column');
  const types = columns.map((c) => c.type);
  const groupOf = columns.map((_, k) => names.indexOf(columnGroup(k)));
  const empty = types.map((t) => (t === 'string' ? '' : null));
  const strict = o.kind !== 'relaxed';
  const dropUnmatched = o.op === 'parse-where';
  const width = layout.width;
  let out = [...layout.columns];
  columns.forEach((c, k) => {
    const slot = width + k;
    out = [...out, { name: c.name, type: c.type, get: (r: Row) => r.v[slot], source: { slot } }];
  });
  /** The columns' values, or undefined when the text does not match. */
  const extract = (text: string): Value[] | undefined => {
    const groups = regex.exec(text);
    if (!groups) return undefined;
    const values: Value[] = [];
    for (let k = 0; k < types.length; k++) {
      const raw = groups[groupOf[k]!] ?? '';
      const v = types[k] === 'string' ? raw : raw === '' ? null : coerce(raw, types[k]!);
      if (v === null && types[k] !== 'string' && strict) return undefined;
      values.push(v);
    }
    return values;
  };
  return {
    layout: { columns: out, width: width + columns.length },
    step: mapStep((r, next) => {
      const values = extract(toKqlString(source(r), sourceType));
      if (!values && dropUnmatched) return;
      next.push({ e: r.e, v: [...r.v, ...(values ?? empty)] });
    }),
  };
}
