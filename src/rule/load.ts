/**
 * Reading a rule file with the `yaml` library, positions kept (its `LineCounter` and node ranges),
 * so every later diagnostic can point at the file's line and column, including positions inside
 * the `query` block scalar.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import { makeDiagnostic, type Diagnostic, type Position } from '../diagnostics/diagnostic.js';

/** One node's place in the text, as the `yaml` library reports it. */
export interface YamlNodeInfo {
  /** Start, end of the value, end including what trails it on its line. */
  readonly range: readonly [number, number, number];
  /** The key's start and end, for a mapping entry's value. */
  readonly keyRange?: readonly [number, number];
  /** The scalar's style (PLAIN, QUOTE_DOUBLE, BLOCK_LITERAL, ...) or MAP, SEQ, FLOW_MAP, FLOW_SEQ. */
  readonly type: string;
}

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

/** Aliased nodes a rule file may expand to: plenty for sharing a list, far too few for an alias bomb. */
const MAX_ALIAS_COUNT = 100;

export function loadRuleText(file: string, text: string): LoadResult {
  const lines = new LineCounter();
  // uniqueKeys: a duplicate key is an error, not a silent overwrite.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, strict: true });
  const diagnostics: Diagnostic[] = [];
  for (const e of doc.errors) {
    const start = lines.linePos(e.pos[0]);
    diagnostics.push(makeDiagnostic('YamlSyntax', [e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')], { file, start }));
  }
  if (diagnostics.length) return { diagnostics };
  const converted = yamlData(file, doc, lines);
  if ('diagnostic' in converted) return { diagnostics: [converted.diagnostic] };
  const data = converted.data;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return { diagnostics: [makeDiagnostic('SchemaViolation', ['a rule file must be a YAML mapping (id: ..., name: ..., query: ...)'], { file, start: { line: 1, col: 1 } })] };
  }
  return { source: { file, text, data, nodeAt: (path) => nodeAt(doc, path), linePos: (o) => lines.linePos(o) }, diagnostics };
}

/**
 * The document's plain value, aliases expanded up to MAX_ALIAS_COUNT nodes. The library reports an
 * alias without an anchor, and an alias bomb, only while converting (as a ReferenceError): those
 * come back as a diagnostic at the alias. Every YAML file detc reads goes through here.
 */
export function yamlData(file: string, doc: Document, lines: LineCounter): { data: unknown } | { diagnostic: Diagnostic } {
  try {
    return { data: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch (e) {
    if (!(e instanceof ReferenceError)) throw e;
    return { diagnostic: aliasDiagnostic(file, doc, lines) };
  }
}

/** Why converting the document failed: the first alias without an anchor before it, or too much aliasing. */
function aliasDiagnostic(file: string, doc: Document, lines: LineCounter): Diagnostic {
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

/** The node at `path` in the document (mapping keys as their string value, sequence indexes), with its key's range. */
export function nodeAt(doc: Document, path: readonly (string | number)[]): YamlNodeInfo | undefined {
  let node = doc.contents as Node | null;
  let keyRange: readonly [number, number] | undefined;
  for (const step of path) {
    keyRange = undefined;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(step));
      const key = pair?.key as Node | undefined;
      if (key?.range) keyRange = [key.range[0], key.range[1]];
      node = (pair?.value as Node | null | undefined) ?? null;
    } else if (isSeq(node) && typeof step === 'number') node = (node.items[step] as Node | undefined) ?? null;
    else return undefined;
  }
  if (!node?.range) return undefined;
  const type = isMap(node) ? (node.flow ? 'FLOW_MAP' : 'MAP') : isSeq(node) ? (node.flow ? 'FLOW_SEQ' : 'SEQ') : isScalar(node) ? String(node.type) : 'ALIAS';
  return { range: [node.range[0], node.range[1], node.range[2]], type, ...(keyRange ? { keyRange } : {}) };
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
  const text = value;
  const start = src.linePos(node.range[0]);
  if (node.type === 'BLOCK_LITERAL') {
    const indent = blockIndent(src.text, node.range[0]);
    return (offset) => {
      // Line k of a literal block's value is line k + 1 after its header, `indent` further right.
      const before = text.slice(0, offset);
      const line = before.split('\n').length - 1;
      return { line: start.line + 1 + line, col: indent + offset - (before.lastIndexOf('\n') + 1) + 1 };
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
