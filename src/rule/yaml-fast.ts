/**
 * A reader for the YAML that rule files (and target mappings) are written in: block mappings and
 * sequences, one-line plain and quoted scalars, literal block scalars (`|`, `|-`), simple folded
 * ones (`>`, `>-`), one-line flow sequences and mappings of scalars.
 * It gives the value and the node positions the `yaml` library would give, many times faster (the
 * library's general parser was most of a build's front-end time). Anything outside that subset
 * (anchors, aliases, tags, nested flow collections, multi-line plain scalars, floats, tabs,
 * duplicate keys, several documents, ...) makes it return undefined, and the caller reads the file
 * with the `yaml` library instead; so does every file with a syntax error, whose message comes from
 * the library. test/rule/yaml-fast.test.ts compares the two on the bundled rules and the corpus.
 */

import { keepShape } from '../kept-shapes.js';

/** One node's place in the text, as the `yaml` library reports it (`range`, node type). */
export interface YamlNodeInfo {
  /** Start, end of the value, end including what trails it on its line. */
  readonly range: readonly [number, number, number];
  /** The key's start and end, for a mapping entry's value. */
  readonly keyRange?: readonly [number, number];
  readonly type: 'PLAIN' | 'QUOTE_DOUBLE' | 'QUOTE_SINGLE' | 'BLOCK_LITERAL' | 'BLOCK_FOLDED' | 'MAP' | 'SEQ' | 'FLOW_MAP' | 'FLOW_SEQ';
}

/** Nodes by path (JSON of the path array: ["entityMappings",0,"entityType"]). */
export type YamlNodeIndex = Map<string, YamlNodeInfo>;

/** A node's place with its children's (the reader's own index); a child knows its key (mapping) or index (sequence). */
export interface YamlPositions extends YamlNodeInfo {
  readonly key?: string | number;
  readonly children?: readonly YamlPositions[];
}

export interface FastYaml {
  readonly data: unknown;
  /** Every node's place, as a tree (always made: a few objects per node, no path strings). */
  readonly positions: YamlPositions;
  /** The same by path; only when asked for (readSimpleYaml's `withNodes`), empty otherwise. */
  readonly nodes: YamlNodeIndex;
  /** Offset where each line of the text starts (see lineStarts). */
  readonly lineStarts: readonly number[];
}

/** Offset where each line starts: 0, then one past every '\n'. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** 0-based line and column of an offset, by binary search over line starts. */
export function locate(starts: readonly number[], offset: number): { line: number; col: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, col: offset - starts[lo]! };
}

class OutsideSubset extends Error {}
const bail = (): never => {
  throw new OutsideSubset();
};

const MAX_INDENT = 256;
/** Tabs, CR, and whitespace that JavaScript's trim() removes but YAML does not (NBSP, U+2028, ...). */
const ODD_WHITESPACE = /[\t\r\v\f\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000\uFEFF]/;
/** A block mapping's key and its colon, at a given offset of the whole text (sticky; `$` is a line's end). */
const KEY_AT = /([A-Za-z_$][A-Za-z0-9_.$/-]*)[ ]*:(?= |$)/my;
const FLOW_KEY = /^([A-Za-z_$][A-Za-z0-9_.$/-]*):(?= )/;
/** A plain scalar inside a flow collection: words separated by single spaces, no indicators. */
const FLOW_PLAIN = /^[^,[\]{}#&*!|>'"%@`: ]+(?: [^,[\]{}#&*!|>'"%@`: ]+)*/;
// YAML 1.2 core schema: plain scalars that are not strings (as the `yaml` library resolves them).
const NULL = /^(?:~|[Nn]ull|NULL)$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT = /^[-+]?[0-9]+$/;
const MAY_NOT_BE_STRING = /^[~nNtTfF0-9.+-]/;
const OTHER_NUMBER = /^(?:0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;

/**
 * `withNodes`: also give the positions by path (`nodes`, as indexDocument gives the library's).
 * Diagnostics look positions up in the tree (`positionAt`); building a path string per node was a
 * third of the reader's time, so only the tests ask for the paths.
 */
export function readSimpleYaml(text: string, withNodes = false): FastYaml | undefined {
  if (ODD_WHITESPACE.test(text)) return undefined;
  try {
    const read = keepShape(new Reader(text)).document();
    if (withNodes) indexPositions(read.positions, '[]', read.nodes);
    return read;
  } catch (e) {
    if (e instanceof OutsideSubset) return undefined;
    throw e;
  }
}

const BLANK = 0;
const COMMENT = 1;
const CONTENT = 2;

class Reader {
  /** Offset where each line starts; a line's text ends before its '\n'. */
  private readonly starts: number[];
  /** Per line, found once: leading spaces, and BLANK (spaces only), COMMENT or CONTENT. */
  private readonly indents: Uint32Array;
  private readonly kinds: Uint8Array;
  /** The place of the node read last (set by every node read, taken by its parent). */
  private last: YamlPositions | undefined;
  private line = 0;

  constructor(private readonly text: string) {
    this.starts = lineStarts(text);
    this.indents = new Uint32Array(this.starts.length);
    this.kinds = new Uint8Array(this.starts.length);
    for (let l = 0; l < this.starts.length; l++) {
      // Tabs and other blanks than spaces never get here (readSimpleYaml declines them).
      const end = this.lineEnd(l);
      let i = this.starts[l]!;
      while (i < end && text.charCodeAt(i) === 32) i++;
      this.indents[l] = i - this.starts[l]!;
      const c = i < end ? text.charCodeAt(i) : 10;
      this.kinds[l] = c === 10 ? BLANK : c === 35 /* # */ ? COMMENT : CONTENT;
      // A document marker or directive at the start of a line: several documents, left to the library.
      if (i === this.starts[l] && (c === 37 /* % */ || text.startsWith('---', i) || text.startsWith('...', i))) this.markers = true;
    }
  }

  /** A line starts with `---`, `...` or `%`. */
  private markers = false;

  document(): FastYaml {
    if (this.markers) bail();
    const first = this.nextContent();
    if (first < 0 || this.indentOf(first) !== 0 || this.isSeqItem(first, 0)) bail();
    this.line = first;
    const data = this.map(this.starts[first]!, 0);
    if (this.nextContent() >= 0) bail(); // something less indented than the top level, or junk
    return { data, positions: this.last!, nodes: new Map(), lineStarts: this.starts };
  }

  private lineText(l: number): string {
    return this.text.slice(this.starts[l]!, this.contentEnd(l));
  }

  /** Offset of line l's newline (or the end of the text). */
  private contentEnd(l: number): number {
    return l + 1 < this.starts.length ? this.starts[l + 1]! - 1 : this.text.length;
  }

  /** Offset just past line l's newline (or the end of the text). */
  private lineEnd(l: number): number {
    return l + 1 < this.starts.length ? this.starts[l + 1]! : this.text.length;
  }

  private indentOf(l: number): number {
    return this.indents[l]!;
  }

  private isBlankOrComment(l: number): boolean {
    return this.kinds[l] !== CONTENT;
  }

  /**
   * The next line at or after the current one that holds content, or -1. Comment lines on the way
   * are accepted only where the library makes them a comment before that next node.
   */
  private nextContent(): number {
    let commentIndents: number[] | undefined;
    for (let l = this.line; l < this.starts.length; l++) {
      if (this.kinds[l] === BLANK) continue;
      if (this.kinds[l] === COMMENT) {
        (commentIndents ??= []).push(this.indentOf(l));
        continue;
      }
      // Comments aligned with the node after them, at its level or deeper than the content
      // before, are that node's "comment before" in the library. Others (more indented, or
      // before a shallower node) stretch the ranges of the nodes before them there.
      const indent = this.indentOf(l);
      if (commentIndents && (commentIndents.some((c) => c !== indent) || this.previousContentIndent(l) > indent)) bail();
      return l;
    }
    if (commentIndents) bail();
    return -1;
  }

  /** Indentation of the last content line before line l (0 at the top of the file). */
  private previousContentIndent(l: number): number {
    for (let k = l - 1; k >= 0; k--) if (!this.isBlankOrComment(k)) return this.indentOf(k);
    return 0;
  }

  private isSeqItem(l: number, col: number): boolean {
    const at = this.starts[l]! + col;
    if (this.text.charCodeAt(at) !== 45 /* - */) return false;
    const next = this.text.charCodeAt(at + 1);
    return next === 32 || next === 10 || Number.isNaN(next);
  }

  /** Record the place of the node just read, for its parent to take. */
  private node(start: number, end: number, trail: number, type: YamlNodeInfo['type'], keyRange?: readonly [number, number], children?: YamlPositions[], key?: string | number): YamlPositions {
    // One shape for every node (absent parts undefined), so lookups stay monomorphic.
    const info: YamlPositions = { range: [start, end, trail], type, keyRange, children, key };
    this.last = info;
    return info;
  }

  /** The key (and its colon) starting at offset `at`, if one does. */
  private keyAt(at: number): RegExpExecArray | null {
    KEY_AT.lastIndex = at;
    return KEY_AT.exec(this.text);
  }

  /** A block mapping whose first key starts at offset `at` (column `col`) on the current line. */
  private map(at: number, col: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const children: YamlPositions[] = [];
    let end = at;
    for (;;) {
      const l = this.line;
      const lineStart = this.starts[l]!;
      const m = this.keyAt(lineStart + col);
      if (!m) bail();
      const key = blockKey(m![1]!);
      if (key === undefined || Object.prototype.hasOwnProperty.call(out, key)) return bail();
      const keyStart = lineStart + col;
      const afterColon = col + m![0].length;
      const value = this.entryValue(l, afterColon, col);
      const info = this.last as { keyRange?: readonly [number, number]; range: readonly number[]; key?: string | number };
      info.keyRange = [keyStart, keyStart + key.length];
      info.key = key;
      end = info.range[2]!;
      children.push(info as YamlPositions);
      out[key] = value; // never __proto__ (refused above)
      const next = this.nextContent();
      if (next < 0 || this.indentOf(next) !== col) break;
      if (this.isSeqItem(next, col)) break;
      this.line = next;
    }
    this.node(at, end, end, 'MAP', undefined, children);
    return out;
  }

  /** The value after `key:` (column `from` on line l) of an entry at column `col`. */
  private entryValue(l: number, from: number, col: number): unknown {
    const t = this.lineText(l);
    let i = from;
    while (t.charCodeAt(i) === 32) i++;
    if (t[i] === '#') bail(); // `key: # comment`: the library's ranges then take in the comment
    if (i >= t.length) {
      // Nothing on the line: a nested block, a sequence at the key's own column, or null.
      this.line = l + 1;
      const next = this.nextContent();
      if (next >= 0 && this.indentOf(next) > col) return this.block(next);
      if (next >= 0 && this.indentOf(next) === col && this.isSeqItem(next, col)) return this.block(next);
      // An empty scalar, where its value would have started (after the colon and any spaces).
      const at = this.starts[l]! + i;
      this.node(at, at, at, 'PLAIN');
      return null;
    }
    return this.inline(l, i, col);
  }

  /** A block node (mapping or sequence) starting on line l at its indentation. */
  private block(l: number): unknown {
    const col = this.indentOf(l);
    // Nesting deepens the indentation: bounding it bounds the recursion (the library takes the rest).
    if (col > MAX_INDENT) bail();
    this.line = l;
    if (this.isSeqItem(l, col)) return this.seq(col);
    return this.map(this.starts[l]! + col, col);
  }

  private seq(col: number): unknown[] {
    const out: unknown[] = [];
    const children: YamlPositions[] = [];
    let first = -1;
    let end = 0;
    for (;;) {
      const l = this.line;
      const t = this.lineText(l);
      const dash = this.starts[l]! + col;
      if (first < 0) first = dash;
      let i = col + 1;
      while (t.charCodeAt(i) === 32) i++;
      let value: unknown;
      if (i >= t.length || t[i] === '#') bail(); // "-" alone: nested block on the next lines
      else if (t[i] === '-' && (t[i + 1] === ' ' || i + 1 === t.length)) bail(); // "- - x"
      else if (this.keyAt(this.starts[l]! + i)) value = this.map(this.starts[l]! + i, i);
      else value = this.inline(l, i, col);
      (this.last as { key?: number }).key = out.length;
      children.push(this.last!);
      out.push(value);
      end = this.last!.range[2];
      const next = this.nextContent();
      if (next < 0 || this.indentOf(next) !== col || !this.isSeqItem(next, col)) break;
      this.line = next;
    }
    this.node(first, end, end, 'SEQ', undefined, children);
    return out;
  }

  /**
   * A value starting at column i of line l, in a block node at column `col` (the entry's key or
   * the item's dash). Leaves `line` on the following line.
   */
  private inline(l: number, i: number, col: number): unknown {
    const t = this.lineText(l);
    const at = this.starts[l]! + i;
    const c = t[i]!;
    if (c === '|' || c === '>') return this.blockScalar(l, i, col);
    let value: unknown;
    let endCol: number;
    let type: YamlNodeInfo['type'];
    let children: YamlPositions[] | undefined;
    if (c === '"' || c === "'") {
      [value, endCol, type] = quoted(t, i);
    } else if (c === '[' || c === '{') {
      [value, endCol, children] = this.flow(l, i);
      type = c === '[' ? 'FLOW_SEQ' : 'FLOW_MAP';
    } else if ('&*!%@`,?]}#'.includes(c) || (c === '-' && t[i + 1] === ' ')) {
      return bail();
    } else {
      // Plain: up to a comment (" #") or the end of the line.
      const hash = t.indexOf(' #', i);
      const raw = (hash < 0 ? t.slice(i) : t.slice(i, hash)).trimEnd();
      if (raw.includes(': ') || raw.endsWith(':')) bail();
      value = plainValue(raw);
      endCol = i + raw.length;
      type = 'PLAIN';
    }
    // Only spaces or a comment may follow on the line.
    const rest = t.slice(endCol);
    if (rest.trim() !== '' && !/^ +#/.test(rest)) bail();
    this.line = l + 1;
    // A more indented line next would continue the scalar (multi-line plain), or be an error.
    const next = this.nextContent();
    if (next >= 0 && this.indentOf(next) > col) bail();
    this.node(at, this.starts[l]! + endCol, this.lineEnd(l), type, undefined, children);
    return value;
  }

  /** `[a, "b", 'c']` or `{k: v, k2: "w"}` on one line, of plain or quoted scalars only. */
  private flow(l: number, i: number): [unknown[] | Record<string, unknown>, number, YamlPositions[]] {
    const t = this.lineText(l);
    const isMap = t[i] === '{';
    const close = isMap ? '}' : ']';
    const items: unknown[] = [];
    const entries: Record<string, unknown> = {};
    const children: YamlPositions[] = [];
    let j = i + 1;
    const skip = () => {
      while (t.charCodeAt(j) === 32) j++;
    };
    /** A plain or quoted scalar at j: its value, its node, and j moved past it. */
    const scalar = (key: string | number, keyRange?: readonly [number, number]): unknown => {
      const start = j;
      let value: unknown;
      let type: YamlNodeInfo['type'];
      if (t[j] === '"' || t[j] === "'") {
        [value, j, type] = quoted(t, j);
      } else {
        const m = FLOW_PLAIN.exec(t.slice(j));
        if (!m || m[0].startsWith('-') || m[0].startsWith('?')) bail();
        value = plainValue(m![0]);
        j += m![0].length;
        type = 'PLAIN';
      }
      const end = this.starts[l]! + j;
      children.push(this.node(this.starts[l]! + start, end, end, type, keyRange, undefined, key));
      return value;
    };
    skip();
    if (t[j] === close) return [isMap ? entries : items, j + 1, children];
    for (;;) {
      skip();
      if (isMap) {
        const m = FLOW_KEY.exec(t.slice(j));
        if (!m) bail();
        const key = m![1]!;
        if (!isStringKey(key) || Object.prototype.hasOwnProperty.call(entries, key)) bail();
        const keyStart = this.starts[l]! + j;
        j += m![0].length;
        skip();
        entries[key] = scalar(key, [keyStart, keyStart + key.length]);
      } else items.push(scalar(items.length));
      skip();
      if (t[j] === ',') {
        j++;
        continue;
      }
      if (t[j] === close) return [isMap ? entries : items, j + 1, children];
      return bail();
    }
  }

  /**
   * `|`, `|-` and the more indented lines after it; or `>`, `>-` when the lines are all at one
   * indentation without blank lines (then folding is joining them with spaces).
   */
  private blockScalar(l: number, i: number, col: number): string {
    const t = this.lineText(l);
    const header = /^([|>])(-?)(?: +#.*)? *$/.exec(t.slice(i));
    if (!header) bail();
    const folded = header![1] === '>';
    const strip = header![2] === '-';
    // Content: the lines after the header indented more than the parent, and blank lines among them.
    let indent = -1;
    let last = -1;
    let k = l + 1;
    for (; k < this.starts.length; k++) {
      // Only spaces are blank here (readSimpleYaml declines tabs and other blanks); a `#` line is content.
      if (this.kinds[k] === BLANK) {
        if (indent < 0 && this.indentOf(k) > 0) bail(); // all-space lines before the first content line
        continue;
      }
      const ind = this.indentOf(k);
      if (indent < 0) {
        if (ind <= col) break;
        indent = ind;
      } else if (ind < indent) break;
      last = k;
    }
    if (last < 0) bail(); // empty block scalar
    const lines: string[] = [];
    for (let j = l + 1; j <= last; j++) {
      if (this.kinds[j] === BLANK) {
        if (this.indentOf(j) > indent) bail(); // spaces beyond the indentation are content: rare, leave to the library
        lines.push('');
      } else lines.push(this.text.slice(this.starts[j]! + indent, this.contentEnd(j)));
    }
    if (folded && lines.some((x) => x === '' || x.startsWith(' ') || x.endsWith(' '))) bail();
    const value = lines.join(folded ? ' ' : '\n') + (strip ? '' : '\n');
    const end = this.lineEnd(last);
    this.node(this.starts[l]! + i, end, end, folded ? 'BLOCK_FOLDED' : 'BLOCK_LITERAL');
    this.line = last + 1;
    return value;
  }
}

/** A key that is a string as written (not null, true, ...) and safe as a property name. */
function isStringKey(key: string): boolean {
  return key !== '__proto__' && plainValue(key) === key;
}

/**
 * Block mapping keys seen before, checked and kept as the one copy of their text (a property
 * name V8 has interned), or undefined for a key that is not a string. A key sliced afresh from
 * each file made every property test and store look its text up in V8's string table: the
 * busiest line of the reader. Only string keys are kept: they become property names at once, so
 * V8 interns them and the slice no longer holds on to its file's text; a refused key would.
 */
const knownKeys = new Map<string, string>();
function blockKey(raw: string): string | undefined {
  const known = knownKeys.get(raw);
  if (known !== undefined) return known;
  if (!isStringKey(raw)) return undefined;
  if (knownKeys.size < 4096) knownKeys.set(raw, raw);
  return raw;
}

/** The key of a child's path: JSON.stringify([...path, key]) from the parent's key. */
function child(path: string, key: string | number): string {
  const k = typeof key === 'number' ? String(key) : JSON.stringify(key);
  return path === '[]' ? `[${k}]` : `${path.slice(0, -1)},${k}]`;
}

/** A position tree by path (JSON of the path array), as indexDocument gives the library's nodes. */
function indexPositions(node: YamlPositions, path: string, into: YamlNodeIndex): void {
  const { children, keyRange, range, type } = node;
  into.set(path, keyRange ? { range, type, keyRange } : { range, type });
  if (children) for (const c of children) indexPositions(c, child(path, c.key!), into);
}

/** The place of the node at `path` in a position tree. */
export function positionAt(tree: YamlPositions, path: readonly (string | number)[]): YamlNodeInfo | undefined {
  let node: YamlPositions | undefined = tree;
  for (const key of path) node = node?.children?.find((c) => c.key === key);
  return node;
}

/** A plain scalar's value under the YAML 1.2 core schema; floats and such are left to the library. */
function plainValue(raw: string): unknown {
  // Only these first characters can start a null, a boolean or a number.
  if (!MAY_NOT_BE_STRING.test(raw)) return raw;
  if (NULL.test(raw)) return null;
  if (BOOL.test(raw)) return raw[0] === 't' || raw[0] === 'T';
  if (INT.test(raw)) {
    if (raw.replace(/^[-+]/, '').length > 15) bail();
    return Number(raw);
  }
  if (OTHER_NUMBER.test(raw)) bail();
  return raw;
}

/** A quoted scalar starting at t[i] (either quote): [value, column after it, node type]. */
function quoted(t: string, i: number): [string, number, 'QUOTE_DOUBLE' | 'QUOTE_SINGLE'] {
  return t[i] === '"' ? [...doubleQuoted(t, i), 'QUOTE_DOUBLE'] : [...singleQuoted(t, i), 'QUOTE_SINGLE'];
}

/** A double-quoted scalar starting at t[i], on one line: [value, column after it]. */
function doubleQuoted(t: string, i: number): [string, number] {
  // Most quoted values have no escape: the text up to the closing quote, as it is.
  const close = t.indexOf('"', i + 1);
  if (close >= 0) {
    const slash = t.indexOf('\\', i + 1);
    if (slash < 0 || slash > close) return [t.slice(i + 1, close), close + 1];
  }
  let out = '';
  for (let j = i + 1; j < t.length; j++) {
    const c = t[j]!;
    if (c === '"') return [out, j + 1];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = t[++j];
    if (e === '"' || e === '\\' || e === '/') out += e;
    else if (e === 'n') out += '\n';
    else if (e === 't') out += '\t';
    else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(t.slice(j + 1, j + 5))) {
      out += String.fromCharCode(parseInt(t.slice(j + 1, j + 5), 16));
      j += 4;
    } else bail();
  }
  return bail();
}

/** A single-quoted scalar starting at t[i], on one line ('' is a quote). */
function singleQuoted(t: string, i: number): [string, number] {
  const close = t.indexOf("'", i + 1);
  if (close >= 0 && t.charCodeAt(close + 1) !== 39 /* ' */) return [t.slice(i + 1, close), close + 1];
  let out = '';
  for (let j = i + 1; j < t.length; j++) {
    if (t[j] !== "'") {
      out += t[j];
      continue;
    }
    if (t[j + 1] === "'") {
      out += "'";
      j++;
      continue;
    }
    return [out, j + 1];
  }
  return bail();
}

/** Whether a plain scalar would read as something other than a string (null, a boolean, a number). */
export function plainIsNotString(raw: string): boolean {
  return raw === '' || NULL.test(raw) || BOOL.test(raw) || INT.test(raw) || OTHER_NUMBER.test(raw);
}
