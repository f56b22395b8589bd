/**
 * Data (the IR in its portable form, alert settings) as JavaScript source for the standalone
 * modules: JSON, except that an object or array the data holds more than once is written once, as
 * a constant, and named where it recurs (the module rebuilds the same sharing). Every key is
 * written: what the module leaves out of the IR (spans, derived schemas) ir/portable.ts leaves
 * out, by the IR's structure, so that a dynamic literal's own keys (`span` among them) survive.
 * Only for JSON-like data: no cycles, functions and undefined are dropped as JSON.stringify drops them.
 */

/** What JSON.stringify leaves out of an object (and writes as null in an array). */
export const skipped = (x: unknown) => x === undefined || typeof x === 'function' || typeof x === 'symbol';

/** Whether a property is written: not a skipped value. */
export const isWritten = (value: unknown) => !skipped(value);

/** The properties written for an object. */
export function writtenKeys(v: object): string[] {
  const keys = Object.keys(v);
  const out: string[] = [];
  for (const k of keys) if (isWritten((v as Record<string, unknown>)[k])) out.push(k);
  return out;
}

/** Data with its recurring objects found and named. */
export interface SharedData {
  /** Objects held more than once, in an order where each uses only earlier ones. */
  readonly constants: ReadonlyArray<{ readonly name: string; readonly value: object }>;
  /** The constant's name for an object written as a constant. */
  readonly names: ReadonlyMap<object, string>;
}

export function shareData(roots: readonly unknown[], prefix = 'd'): SharedData {
  // Uses of every object, and the objects in the order their visits end: children before parents,
  // so a constant's definition only names earlier constants.
  const uses = new Map<object, number>();
  const order: object[] = [];
  const count = (v: unknown): void => {
    if (v === null || typeof v !== 'object') return;
    const n = (uses.get(v) ?? 0) + 1;
    uses.set(v, n);
    if (n > 1) return;
    if (Array.isArray(v)) v.forEach(count);
    else for (const k in v) count((v as Record<string, unknown>)[k]); // plain objects: own keys only
    order.push(v);
  };
  roots.forEach(count);
  const constants: { name: string; value: object }[] = [];
  const names = new Map<object, string>();
  for (const v of order) {
    if (uses.get(v)! < 2) continue;
    const name = `${prefix}${constants.length}`;
    constants.push({ name, value: v });
    names.set(v, name);
  }
  return { constants, names };
}

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
export const escapeSeparators = (t: string) => t.replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

// In an object literal, `"__proto__": x` would set the prototype; a computed key defines a property.
const key = (k: string) => `${k === '__proto__' ? '["__proto__"]' : literal(k)}:`;

export interface JavaScriptData {
  /** `const dN = ...;` lines, each using only earlier ones. */
  readonly constants: string[];
  /** One expression per root value, in order. */
  readonly expressions: string[];
}

/** The data as compact (unformatted) JavaScript. */
export function javaScriptData(roots: readonly unknown[], prefix = 'd'): JavaScriptData {
  const { constants, names } = shareData(roots, prefix);
  /** `self`: the constant being defined, written out rather than named. */
  const text = (v: unknown, self?: object): string => {
    if (v === null || typeof v !== 'object') return literal(v);
    const name = v === self ? undefined : names.get(v);
    if (name !== undefined) return name;
    if (Array.isArray(v)) return `[${v.map((x: unknown) => (skipped(x) ? 'null' : text(x))).join(',')}]`;
    return `{${writtenKeys(v)
      .map((k) => key(k) + text((v as Record<string, unknown>)[k]))
      .join(',')}}`;
  };
  return {
    constants: constants.map(({ name, value }) => `const ${name} = ${escapeSeparators(text(value, value))};`),
    expressions: roots.map((v) => escapeSeparators(text(v))),
  };
}
