/**
 * Reading a rule file: YAML with positions kept, so every later diagnostic can point at the file's
 * line and column, including positions inside the `query` block scalar.
 */
import type { Document, Node } from 'yaml';
import { yamlLibrary } from '../lazy.js';
import { makeDiagnostic, type Diagnostic, type Position } from '../diagnostics/diagnostic.js';
import { lineStarts, locate, positionAt, readSimpleYaml, type YamlNodeIndex, type YamlNodeInfo } from './yaml-fast.js';

export interface RuleSource {
  /** Path as the user gave it. */
  readonly file: string;
  readonly text: string;
  /** The plain JS value of the document. */
  readonly data: unknown;
  /** The position of the node at a path (keys and sequence indexes), if there is one. */
  readonly nodeAt: (path: readonly (string | number)[]) => YamlNodeInfo | undefined;
  /** Line and column (1-based) of an offset in `text`. */
  readonly linePos: (offset: number) => Position;
}

export interface LoadResult {
  readonly source?: RuleSource;
  readonly diagnostics: Diagnostic[];
}

export function loadRuleText(file: string, text: string): LoadResult {
  // The common shape of a rule file is read by the fast reader; anything else by the library.
  const fast = readSimpleYaml(text);
  if (fast) {
    const linePos = (offset: number) => {
      const { line, col } = locate(fast.lineStarts, offset);
      return { line: line + 1, col: col + 1 };
    };
    const source: RuleSource = { file, text, data: fast.data, nodeAt: (path) => positionAt(fast.positions, path), linePos };
    return { source, diagnostics: [] };
  }
  const { LineCounter, parseDocument } = yamlLibrary();
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, strict: true });
  const diagnostics: Diagnostic[] = [];
  for (const e of doc.errors) {
    const start = lines.linePos(e.pos[0]);
    diagnostics.push(makeDiagnostic('YamlSyntax', [e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')], { file, start }));
  }
  if (diagnostics.length) return { diagnostics };
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    // The library reports an alias without an anchor, and an alias bomb, only while converting.
    if (!(e instanceof ReferenceError)) throw e;
    return { diagnostics: [aliasDiagnostic(file, doc, lines)] };
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return { diagnostics: [makeDiagnostic('SchemaViolation', ['a rule file must be a YAML mapping (id: ..., name: ..., query: ...)'], { file, start: { line: 1, col: 1 } })] };
  }
  const nodes = indexDocument(doc);
  return { source: { file, text, data, nodeAt: (path) => nodes.get(JSON.stringify(path)), linePos: (o) => lines.linePos(o) }, diagnostics };
}

/** Aliased nodes a rule file may expand to: plenty for sharing a list, far too few for an alias bomb. */
const MAX_ALIAS_COUNT = 100;

/** Why converting the document failed: the first alias without an anchor before it, or too much aliasing. */
function aliasDiagnostic(file: string, doc: Document, lines: { linePos(offset: number): Position }): Diagnostic {
  const { isAlias, visit } = yamlLibrary();
  let unresolved: { source: string; offset: number } | undefined;
  let firstAlias: number | undefined;
  visit(doc, {
    Alias(_key, alias) {
      firstAlias ??= alias.range?.[0];
      if (isAlias(alias) && !alias.resolve(doc)) {
        unresolved = { source: alias.source, offset: alias.range?.[0] ?? 0 };
        return visit.BREAK;
      }
      return undefined;
    },
  });
  if (unresolved) {
    return makeDiagnostic('YamlSyntax', [`alias *${unresolved.source} has no anchor &${unresolved.source} before it (an anchor must be set before its alias; for a literal asterisk, quote the value)`], { file, start: lines.linePos(unresolved.offset) });
  }
  return makeDiagnostic('YamlSyntax', [`aliases expand to more than ${MAX_ALIAS_COUNT} nodes; detc refuses such documents (a YAML alias bomb)`], { file, start: firstAlias === undefined ? { line: 1, col: 1 } : lines.linePos(firstAlias) });
}

/** The positions of a document's nodes, by path, as the fast reader gives them. */
export function indexDocument(doc: Document): YamlNodeIndex {
  const { isMap, isScalar, isSeq } = yamlLibrary();
  const nodes: YamlNodeIndex = new Map();
  const walk = (n: Node | null, path: (string | number)[], keyRange?: readonly [number, number]) => {
    if (!n?.range) return;
    const base = { range: [n.range[0], n.range[1], n.range[2]] as const, ...(keyRange ? { keyRange } : {}) };
    if (isMap(n)) {
      nodes.set(JSON.stringify(path), { ...base, type: n.flow ? 'FLOW_MAP' : 'MAP' });
      for (const it of n.items) {
        const k = it.key as Node | null;
        if (!isScalar(k) || !k.range) continue;
        walk(it.value as Node | null, [...path, String(k.value)], [k.range[0], k.range[1]]);
      }
    } else if (isSeq(n)) {
      nodes.set(JSON.stringify(path), { ...base, type: n.flow ? 'FLOW_SEQ' : 'SEQ' });
      n.items.forEach((x, i) => walk(x as Node | null, [...path, i]));
    } else if (isScalar(n)) nodes.set(JSON.stringify(path), { ...base, type: n.type as YamlNodeInfo['type'] });
  };
  walk(doc.contents as Node | null, []);
  return nodes;
}

/** Start/end positions of the value at `path` (or of its key), or of its nearest existing parent. */
export function positionOf(src: RuleSource, path: readonly (string | number)[], key = false): { start: Position; end?: Position } {
  for (let p = [...path]; ; p = p.slice(0, -1)) {
    const node = src.nodeAt(p);
    const range = key && p.length === path.length ? node?.keyRange : node?.range;
    if (range) return { start: src.linePos(range[0]), end: src.linePos(range[1]) };
    if (p.length === 0) return { start: { line: 1, col: 1 } };
  }
}

/**
 * Maps offsets in the `query` string to file positions. Exact for block literals (`|`, `|-`) and
 * single-line scalars; for folded or multi-line plain scalars, positions fall back to the start of
 * the value (their line structure is not kept by YAML).
 */
export type QueryMap = (offset: number) => Position;

export function queryMap(src: RuleSource, path: readonly (string | number)[] = ['query']): QueryMap {
  const node = src.nodeAt(path);
  let value: unknown = src.data;
  for (const k of path) value = value !== null && typeof value === 'object' ? (value as Record<string | number, unknown>)[k] : undefined;
  if (!node || typeof value !== 'string') return () => ({ line: 1, col: 1 });
  const start = src.linePos(node.range[0]);
  const valueLines = lineStarts(value);
  if (node.type === 'BLOCK_LITERAL') {
    const indent = blockIndent(src.text, node.range[0]);
    return (offset) => {
      const { line, col } = locate(valueLines, offset);
      return { line: start.line + 1 + line, col: indent + col + 1 };
    };
  }
  if ((node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE' || node.type === 'PLAIN') && !value.includes('\n')) {
    const raw = src.text.slice(node.range[0], node.range[1]);
    const quoted = node.type !== 'PLAIN';
    const exact = quoted ? raw.slice(1, -1) === value : raw === value;
    return (offset) => (exact && !raw.includes('\n') ? { line: start.line, col: start.col + offset + (quoted ? 1 : 0) } : start);
  }
  return () => start;
}

/** Indentation of a block scalar's content: the first non-blank line after the header. */
function blockIndent(text: string, headerOffset: number): number {
  const header = /^[|>][0-9+-]*/.exec(text.slice(headerOffset));
  const explicit = header && /\d/.exec(header[0]);
  let i = text.indexOf('\n', headerOffset);
  if (i < 0) return 0;
  while (i >= 0) {
    const lineText = text.slice(i + 1, text.indexOf('\n', i + 1) < 0 ? undefined : text.indexOf('\n', i + 1));
    if (lineText.trim() !== '') {
      const indent = /^ */.exec(lineText)![0].length;
      if (explicit) return parentIndent(text, headerOffset) + Number(explicit[0]);
      return indent;
    }
    i = text.indexOf('\n', i + 1);
  }
  return 0;
}

function parentIndent(text: string, offset: number): number {
  const lineStart = text.lastIndexOf('\n', offset) + 1;
  return /^ */.exec(text.slice(lineStart))![0].length;
}


