/**
 * JSON-like data written as formatted JavaScript, in the layout prettier gives it with the options
 * the modules are formatted with (print width 100, two-space indent, single quotes, trailing
 * commas). Why not prettier itself: a rule's module is almost all data, and formatting it with
 * prettier took about 16 ms per rule, most of a `detc build`; this writes the same text in a small
 * fraction of that. test/js/data-layout.test.ts compares the two on every rule and on random data.
 *
 * The layout rules it follows (prettier's, for this subset of JavaScript):
 * - an object or array goes on one line if that line, with the `,` or `;` after it, fits in 100
 *   columns; otherwise one entry per line, each followed by a comma;
 * - an array of two or more objects (or of two or more arrays) that each have two or more entries
 *   is always broken, and so is everything that contains one;
 * - an array of numbers is filled: as many per line as fit;
 * - a string or number after `key:` that does not fit moves to the next line, indented, unless
 *   the key is shorter than five columns;
 * - keys are quoted only when they must be; strings take single quotes unless they hold more
 *   single than double quotes.
 * Where it cannot be sure of prettier's width for some text (characters outside ASCII, Latin,
 * Greek, Cyrillic and general punctuation) or of its output (`__proto__` keys, keys outside ASCII),
 * it declines: `layoutStatement` returns undefined and the caller formats with prettier.
 */

import { escapeSeparators, isWritten, skipped } from './module-data.js';
import { keepShape } from '../../kept-shapes.js';

export const PRINT_WIDTH = 100;

/** Thrown to decline; not an Error (no stack trace to capture), caught in layoutStatement. */
class Declined {}

/** Characters prettier counts as one column that are not emoji, beyond printable ASCII. */
const ONE_COLUMN = /^[\x20-\x7e\u00a0-\u00a8\u00aa-\u00ad\u00af-\u024f\u0370-\u04ff\u2010-\u2027\u2030-\u203b\u203d-\u2048\u204a-\u205e]*$/;
const ASCII = /^[\x20-\x7e]*$/;

/** Columns a piece of text takes; declines text whose width is not certain. */
function width(text: string): number {
  if (!ASCII.test(text) && !ONE_COLUMN.test(text)) throw new Declined();
  return text.length;
}

/** Printable ASCII without quotes or backslashes: written as it is, between single quotes. */
const PLAIN_STRING = /^[\x20\x21\x23-\x26\x28-\x5b\x5d-\x7e]*$/;

/** A string literal as prettier writes it with singleQuote, from its JSON form. */
export function stringLiteral(s: string): string {
  if (PLAIN_STRING.test(s)) return `'${s}'`;
  const json = escapeSeparators(JSON.stringify(s));
  const body = json.slice(1, -1);
  let singles = 0;
  let doubles = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (c === 39) singles++;
    else if (c === 34) doubles++;
  }
  // More single quotes than double: keep the JSON double quotes (its escapes are prettier's too).
  if (singles > doubles) return json;
  if (singles === 0 && doubles === 0) return `'${body}'`;
  // Single quotes: `\"` needs no escape, `'` does; every other escape stays as written.
  return `'${body.replace(/\\(.)|'/g, (m, escaped: string | undefined) => (escaped === undefined ? "\\'" : escaped === '"' ? '"' : m))}'`;
}

/** A number as prettier prints it, from JavaScript's shortest form (`1e+21` -> `1e21`). */
function numberText(n: number): string {
  return Number.isFinite(n) ? String(n).replace('e+', 'e') : 'null';
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const SIMPLE_NUMBER = /^(?:\d+|\d+\.\d+)$/;

// Keys are few (the IR's field names, column names): their text is kept, up to a bound.
const keyTexts = new Map<string, string>();
function cachedKeyText(k: string): string {
  let t = keyTexts.get(k);
  if (t === undefined) {
    t = keyText(k);
    if (keyTexts.size < 10_000) keyTexts.set(k, t);
  }
  return t;
}

/** A property key, quoted only where it must be. */
function keyText(k: string): string {
  // `__proto__` is written as a computed key, and prettier unquotes non-ASCII identifiers: leave both to it.
  if (k === '__proto__' || !ASCII.test(k)) throw new Declined();
  if (IDENTIFIER.test(k) || (SIMPLE_NUMBER.test(k) && String(Number(k)) === k)) return k;
  return stringLiteral(k);
}

/**
 * A value measured as if on one line, with what is needed to break it. A collection short enough
 * to ever be written on one line carries that line (`flat`), made once from its children's.
 */
type Laid =
  | { readonly kind: 'atom'; readonly text: string; readonly width: number; readonly isString: boolean; readonly isNumber: boolean }
  | { readonly kind: 'object'; readonly width: number; readonly mustBreak: boolean; readonly entries: Entry[]; readonly flat: string | undefined }
  | { readonly kind: 'array'; readonly width: number; readonly mustBreak: boolean; readonly items: Laid[]; readonly numbers: boolean; readonly flat: string | undefined };

type Collection = Exclude<Laid, { kind: 'atom' }>;

interface Entry {
  readonly key: string;
  readonly keyWidth: number;
  readonly value: Laid;
}

const atom = (text: string, isString = false, isNumber = false): Laid => ({ kind: 'atom', text, width: width(text), isString, isNumber });
const NULL = atom('null');
const TRUE = atom('true');
const FALSE = atom('false');

// Short strings recur (kinds, types, column names): their atoms are kept, up to a bound.
const shortStrings = new Map<string, Laid>();
function stringAtom(s: string): Laid {
  if (s.length > 32) return atom(stringLiteral(s), true);
  let a = shortStrings.get(s);
  if (a === undefined) {
    a = atom(stringLiteral(s), true);
    if (shortStrings.size < 10_000) shortStrings.set(s, a);
  }
  return a;
}

// Constants' names (d0, d1, ...) recur in every module: their atoms are kept.
const nameAtoms = new Map<string, Laid>();
function nameAtom(name: string): Laid {
  let a = nameAtoms.get(name);
  if (a === undefined) {
    a = atom(name);
    if (nameAtoms.size < 10_000) nameAtoms.set(name, a);
  }
  return a;
}

/** The entries of objects and arrays, counted as prettier decides "always break" on them. */
const hasSeveralEntries = (l: Laid) => (l.kind === 'object' ? l.entries.length > 1 : l.kind === 'array' && l.items.length > 1);

type Names = (v: object) => string | undefined;

/** The one-line text of a laid value (an atom's text, a short collection's line). */
const lineOf = (l: Laid): string => (l.kind === 'atom' ? l.text : l.flat!);

/**
 * Deeply frozen values (the table catalog's column lists, which every rule over a table shares)
 * lay out the same wherever they occur: each is laid out once per process, and once broken over
 * lines its text depends only on its indentation, so that is kept too (by indentation).
 */
const frozenLaid = new WeakMap<object, Laid>();
const brokenTexts = new WeakMap<Laid, string[]>();

function remember(v: object, l: Laid): void {
  frozenLaid.set(v, l);
  brokenTexts.set(l, []);
}

/** Whether `x`, laid out as `l`, is a scalar or a deeply frozen value laid out once for all. */
const laidForGood = (x: unknown, l: Laid) => x === null || typeof x !== 'object' || frozenLaid.get(x) === l;

/** Widths are summed, not measured on joined text, so measuring is linear in the data. */
function measure(v: unknown, names: Names, reuse: boolean): Laid {
  if (v === null) return NULL;
  switch (typeof v) {
    case 'boolean':
      return v ? TRUE : FALSE;
    case 'number':
      return Number.isFinite(v) ? atom(numberText(v), false, true) : NULL;
    case 'string':
      return stringAtom(v);
    case 'object':
      break;
    default:
      return NULL;
  }
  const name = names(v);
  if (name !== undefined) return nameAtom(name);
  // A name given to an object inside makes the layout this data's own: `deep` is then false.
  let deep = Object.isFrozen(v);
  if (deep && reuse) {
    const known = frozenLaid.get(v);
    if (known !== undefined) return known;
  }
  if (Array.isArray(v)) {
    const items: Laid[] = [];
    let w = 2 + 2 * Math.max(0, v.length - 1); // [a, b]
    let mustBreak = false;
    let numbers = v.length > 0;
    for (const x of v as unknown[]) {
      const i = skipped(x) ? NULL : measure(x, names, reuse);
      if (deep && !laidForGood(x, i)) deep = false;
      items.push(i);
      w += i.width;
      if (i.kind !== 'atom') {
        numbers = false;
        if (i.mustBreak) mustBreak = true;
      } else if (!i.isNumber) numbers = false;
    }
    const first = items[0];
    if (items.length > 1 && first !== undefined && first.kind !== 'atom' && items.every((i) => i.kind === first.kind && hasSeveralEntries(i))) mustBreak = true;
    let flat: string | undefined;
    if (!mustBreak && w <= PRINT_WIDTH) {
      flat = '[';
      for (let i = 0; i < items.length; i++) flat += (i ? ', ' : '') + lineOf(items[i]!);
      flat += ']';
    }
    const laid: Laid = { kind: 'array', width: w, items, numbers, mustBreak, flat };
    if (deep) remember(v, laid);
    return laid;
  }
  const entries: Entry[] = [];
  let w = 2; // `{ k: v, k: v }`: 4 for the braces, 2 per entry for `, `, less the one not written
  let mustBreak = false;
  // for-in: the data's objects are plain (no inherited enumerable keys), and it allocates no key array.
  for (const k in v) {
    const x = (v as Record<string, unknown>)[k];
    if (!isWritten(x)) continue;
    const key = cachedKeyText(k);
    const value = measure(x, names, reuse);
    if (deep && !laidForGood(x, value)) deep = false;
    const keyWidth = key.length; // keyText declines keys outside ASCII: the length is the width
    w += keyWidth + 2 + value.width + 2;
    if (value.kind !== 'atom' && value.mustBreak) mustBreak = true;
    entries.push({ key, keyWidth, value });
  }
  if (!entries.length) return { kind: 'object', width: 2, entries, mustBreak, flat: '{}' };
  let flat: string | undefined;
  if (!mustBreak && w <= PRINT_WIDTH) {
    flat = '{ ';
    for (let i = 0; i < entries.length; i++) flat += `${i ? ', ' : ''}${entries[i]!.key}: ${lineOf(entries[i]!.value)}`;
    flat += ' }';
  }
  const laid: Laid = { kind: 'object', width: w, entries, mustBreak, flat };
  if (deep) remember(v, laid);
  return laid;
}

// Indentation strings, made once each (the data nests a few dozen levels at most).
const indents: string[] = [''];
const spaces = (n: number): string => {
  for (let i = indents.length; i <= n; i++) indents.push(' '.repeat(i));
  return indents[n]!;
};

/**
 * Writes laid values into one growing string. Each collection used to return its text joined
 * from its children's, so a value nested ten deep was copied ten times; appending copies it once.
 */
class Printer {
  out = '';

  /** `l` printed starting at column `col` in a block indented by `indent`; one column follows it (`,` or `;`). */
  value(l: Laid, indent: number, col: number): void {
    if (l.kind === 'atom') {
      this.out += l.text;
      return;
    }
    if (!l.mustBreak && col + l.width + 1 <= PRINT_WIDTH) {
      this.out += l.flat!;
      return;
    }
    const texts = brokenTexts.get(l);
    if (texts !== undefined) {
      this.out += texts[indent] ??= this.brokenText(l, indent);
      return;
    }
    this.broken(l, indent);
  }

  /** The text of a deeply frozen value broken over lines at this indentation, for brokenTexts. */
  private brokenText(l: Collection, indent: number): string {
    const printer = new Printer();
    printer.broken(l, indent);
    return printer.out;
  }

  /** A collection broken over lines: one entry per line (numbers filled). */
  private broken(l: Collection, indent: number): void {
    const inner = indent + 2;
    const pad = spaces(inner);
    if (l.kind === 'object') {
      if (!l.entries.length) {
        this.out += '{}';
        return;
      }
      this.out += '{\n';
      for (const e of l.entries) {
        this.out += pad;
        this.entry(e, inner);
        this.out += ',\n';
      }
      this.out += `${spaces(indent)}}`;
      return;
    }
    if (!l.items.length) {
      this.out += '[]';
      return;
    }
    this.out += '[\n';
    if (l.numbers) {
      this.out += pad;
      this.fill(l.items, inner);
      this.out += '\n';
    } else {
      for (const i of l.items) {
        this.out += pad;
        this.value(i, inner, inner);
        this.out += ',\n';
      }
    }
    this.out += `${spaces(indent)}]`;
  }

  /** `key: value` of a broken object, at column `indent`. */
  private entry(e: Entry, indent: number): void {
    const col = indent + e.keyWidth + 2; // after `key: `
    const v = e.value;
    this.out += e.key;
    if (v.kind !== 'atom') {
      this.out += ': ';
      this.value(v, indent, col);
      return;
    }
    // A scalar that does not fit goes to the next line, except a string after a short key.
    const shortKey = e.keyWidth < 5;
    if (col + v.width + 1 <= PRINT_WIDTH || (shortKey && v.isString)) this.out += `: ${v.text}`;
    else this.out += `:\n${spaces(indent + 2)}${v.text}`;
  }

  /** Numbers, each with its comma, as many to a line as fit. */
  private fill(items: readonly Laid[], indent: number): void {
    let col = indent;
    for (let i = 0; i < items.length; i++) {
      const w = items[i]!.width + 1;
      this.out += `${lineOf(items[i]!)},`;
      const next = items[i + 1];
      if (next === undefined) break;
      if (col + w + 1 + next.width + 1 <= PRINT_WIDTH) {
        this.out += ' ';
        col += w + 1;
      } else {
        this.out += `\n${spaces(indent)}`;
        col = indent;
      }
    }
  }
}

/**
 * `<head><value>;` formatted as prettier would (head such as `export const spec = `), or undefined
 * where prettier's layout is not certain. Objects in `constantNames` (written elsewhere) appear by
 * name, except the value itself; values are written as module-data.ts writes them (no spans,
 * JSON.stringify's rules for undefined and functions).
 */
export function layoutStatement(head: string, value: unknown, constantNames?: ReadonlyMap<object, string>): string | undefined {
  const names: Names = (v) => (v === value ? undefined : constantNames?.get(v));
  // A layout made once for a frozen value writes all of it; where this data names a frozen object
  // (one it holds twice), that object may be inside such a value and must appear by its name.
  let reuse = true;
  if (constantNames) for (const o of constantNames.keys()) if (o !== value && Object.isFrozen(o)) reuse = false;
  try {
    const l = measure(value, names, reuse);
    const col = width(head);
    if (l.kind === 'atom' && l.isString && col + l.width + 1 > PRINT_WIDTH) return `${head.trimEnd()}\n  ${l.text};`;
    const printer = keepShape(new Printer());
    printer.out = head;
    printer.value(l, 0, col);
    return `${printer.out};`;
  } catch (e) {
    if (e instanceof Declined) return undefined;
    throw e;
  }
}
