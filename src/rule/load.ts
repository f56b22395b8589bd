/**
 * Reading a rule file: YAML with positions kept, so every later diagnostic can point at the file's
 * line and column, including positions inside the `query` block scalar.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Scalar } from 'yaml';
import { makeDiagnostic, type Diagnostic, type Position } from '../diagnostics/diagnostic.js';

export interface RuleSource {
  /** Path as the user gave it. */
  readonly file: string;
  readonly text: string;
  readonly doc: Document.Parsed;
  readonly lines: LineCounter;
  /** The plain JS value of the document. */
  readonly data: unknown;
}

export interface LoadResult {
  readonly source?: RuleSource;
  readonly diagnostics: Diagnostic[];
}

export function loadRuleText(file: string, text: string): LoadResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, strict: true });
  const diagnostics: Diagnostic[] = [];
  for (const e of doc.errors) {
    const start = lines.linePos(e.pos[0]);
    diagnostics.push(makeDiagnostic('YamlSyntax', [e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')], { file, start }));
  }
  if (diagnostics.length) return { diagnostics };
  const data = doc.toJS({ maxAliasCount: 100 });
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return { diagnostics: [makeDiagnostic('SchemaViolation', ['a rule file must be a YAML mapping (id: ..., name: ..., query: ...)'], { file, start: { line: 1, col: 1 } })] };
  }
  return { source: { file, text, doc, lines, data }, diagnostics };
}

/** The YAML node at a path such as ['entityMappings', 0, 'fieldMappings', 1, 'columnName']. */
export function nodeAt(src: RuleSource, path: readonly (string | number)[]): Node | undefined {
  const n = src.doc.getIn(path, true);
  return n && typeof n === 'object' && 'range' in (n as object) ? (n as Node) : undefined;
}

/** Start/end positions of the value at `path`, or of its nearest existing parent. */
export function positionOf(src: RuleSource, path: readonly (string | number)[], key = false): { start: Position; end?: Position } {
  for (let p = [...path]; ; p = p.slice(0, -1)) {
    const node = key && p.length === path.length ? keyNodeAt(src, p) : nodeAt(src, p);
    if (node?.range) return { start: src.lines.linePos(node.range[0]), end: src.lines.linePos(node.range[1]) };
    if (p.length === 0) return { start: { line: 1, col: 1 } };
  }
}

/** The key node of a map entry (to point at an unknown key itself). */
function keyNodeAt(src: RuleSource, path: readonly (string | number)[]): Node | undefined {
  const parent = path.length > 1 ? src.doc.getIn(path.slice(0, -1), true) : src.doc.contents;
  if (!isMap(parent)) return undefined;
  const pair = parent.items.find((it) => isScalar(it.key) && it.key.value === path[path.length - 1]);
  return pair && isScalar(pair.key) ? (pair.key as Node) : undefined;
}

/**
 * Maps offsets in the `query` string to file positions. Exact for block literals (`|`, `|-`) and
 * single-line scalars; for folded or multi-line plain scalars, positions fall back to the start of
 * the value (their line structure is not kept by YAML).
 */
export type QueryMap = (offset: number) => Position;

export function queryMap(src: RuleSource, path: readonly (string | number)[] = ['query']): QueryMap {
  const node = src.doc.getIn(path, true) as Scalar | undefined;
  if (!node || !isScalar(node) || !node.range || typeof node.value !== 'string') return () => ({ line: 1, col: 1 });
  const value = node.value;
  const start = src.lines.linePos(node.range[0]);
  const lineStartsInValue = [0];
  for (let i = 0; i < value.length; i++) if (value[i] === '\n') lineStartsInValue.push(i + 1);
  const locate = (offset: number) => {
    let line = 0;
    while (line + 1 < lineStartsInValue.length && lineStartsInValue[line + 1]! <= offset) line++;
    return { line, col: offset - lineStartsInValue[line]! };
  };
  if (node.type === 'BLOCK_LITERAL') {
    const indent = blockIndent(src.text, node.range[0]);
    return (offset) => {
      const { line, col } = locate(offset);
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

export { isMap, isSeq };
