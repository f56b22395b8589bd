/**
 * Data (the IR, alert settings) as JavaScript source for the standalone modules: JSON, except
 * that an object or array the data holds more than once is written once, as a constant, and named
 * where it recurs. The IR shares column objects between the schemas of its operators, so a rule
 * over an 86-column table was 40 KB of repeated columns as plain JSON; written this way the text
 * is a fraction of that, faster to produce and to format, and the module rebuilds the same
 * sharing. Spans (source positions) are left out. Only for JSON-like data: no cycles (the IR has
 * none), functions and undefined are dropped as JSON.stringify drops them.
 */

export interface JavaScriptData {
  /** `const dN = ...;` lines, each using only earlier ones. */
  readonly constants: string[];
  /** One expression per root value, in order. */
  readonly expressions: string[];
}

const skipped = (x: unknown) => x === undefined || typeof x === 'function' || typeof x === 'symbol';

// JSON.stringify escapes everything; U+2028/2029 are escaped as well (below), for older parsers.
// Short strings recur (kinds, types, operator names), so their text is kept.
const strings = new Map<string, string>();
const literal = (v: unknown): string => {
  if (typeof v !== 'string' || v.length > 32) return JSON.stringify(v) ?? 'null';
  let t = strings.get(v);
  if (t === undefined) {
    t = JSON.stringify(v);
    if (strings.size < 10_000) strings.set(v, t);
  }
  return t;
};
const escapeSeparators = (t: string) => t.replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

// In an object literal, `"__proto__": x` would set the prototype; a computed key defines a property.
const key = (k: string) => `${k === '__proto__' ? '["__proto__"]' : literal(k)}:`;

export function javaScriptData(roots: readonly unknown[], prefix = 'd'): JavaScriptData {
  const uses = new Map<object, number>();
  const count = (v: unknown): void => {
    if (v === null || typeof v !== 'object') return;
    const n = (uses.get(v) ?? 0) + 1;
    uses.set(v, n);
    if (n > 1) return;
    if (Array.isArray(v)) v.forEach(count);
    else for (const k of Object.keys(v)) if (k !== 'span') count((v as Record<string, unknown>)[k]);
  };
  roots.forEach(count);

  const constants: string[] = [];
  const names = new Map<object, string>();
  const text = (v: unknown): string => {
    if (v === null || typeof v !== 'object') return literal(v);
    const known = names.get(v);
    if (known !== undefined) return known;
    let t: string;
    if (Array.isArray(v)) t = `[${v.map((x: unknown) => (skipped(x) ? 'null' : text(x))).join(',')}]`;
    else {
      const parts: string[] = [];
      for (const k of Object.keys(v)) {
        const x = (v as Record<string, unknown>)[k];
        if (k !== 'span' && !skipped(x)) parts.push(key(k) + text(x));
      }
      t = `{${parts.join(',')}}`;
    }
    if (uses.get(v)! < 2) return t;
    const name = `${prefix}${constants.length}`;
    constants.push(`const ${name} = ${escapeSeparators(t)};`);
    names.set(v, name);
    return name;
  };
  return { constants, expressions: roots.map((v) => escapeSeparators(text(v))) };
}
