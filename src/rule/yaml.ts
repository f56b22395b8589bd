/**
 * Every YAML (and JSON) file detc reads goes through `readYamlSource`: rule files, detc.config.yaml,
 * table and function files. It reads with the `yaml` library, keeping positions (its `LineCounter`
 * and node ranges), so every later diagnostic can say the file's line and column. JSON is read as
 * YAML 1.2, which is what makes real-world table files readable: trailing commas are allowed in
 * flow collections, and a byte order mark is dropped.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import type { FactName } from '../diagnostics/codes.js';
import { makeDiagnostic, type Diagnostic, type Position } from '../diagnostics/diagnostic.js';

export type PathStep = string | number;

/** One node's place in the text, as the `yaml` library reports it. */
interface YamlNodeInfo {
  /** Start, end of the value, end including what trails it on its line. */
  readonly range: readonly [number, number, number];
  /** The key's start and end, for a mapping entry's value. */
  readonly keyRange?: readonly [number, number];
  /** The scalar's style (PLAIN, QUOTE_DOUBLE, BLOCK_LITERAL, ...) or MAP, SEQ, FLOW_MAP, FLOW_SEQ. */
  readonly type: string;
}

export interface Span {
  readonly start: Position;
  readonly end: Position;
}

export interface YamlSource {
  /** Path as the user gave it. */
  readonly file: string;
  /** The text as read (without a byte order mark). */
  readonly text: string;
  /** The document's value as plain data. */
  readonly value: unknown;
  /** The node at a path (keys and sequence indexes), if there is one. */
  nodeAt(path: readonly PathStep[]): YamlNodeInfo | undefined;
  /** Line and column (1-based) of an offset in `text`. */
  linePos(offset: number): Position;
  /** Where the value at a path is (the closest enclosing node that exists). */
  at(path: readonly PathStep[]): Span;
  /** Where the key of a mapping entry is written (for messages about the key itself). */
  keyAt(path: readonly PathStep[]): Span;
  /** A diagnostic at a path of the document. */
  problem(fact: FactName, message: string, path: readonly PathStep[], hint?: string): Diagnostic;
}

/** Syntax errors reported per file: the first ones locate the problem, later ones are mostly its echoes. */
const MAX_SYNTAX_ERRORS = 5;

/**
 * Parse `text`; syntax errors come back as diagnostics of `fact` with their line and column (for
 * `YamlSyntax`, whose message says "YAML syntax error" already, the bare message).
 */
export function readYamlSource(file: string, rawText: string, fact: FactName): { source?: YamlSource; diagnostics: Diagnostic[] } {
  const text = rawText.charCodeAt(0) === 0xfeff ? rawText.slice(1) : rawText;
  const lines = new LineCounter();
  // uniqueKeys: a duplicate key is an error, not a silent overwrite.
  const doc: Document = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const linePos = (offset: number): Position => {
    const p = lines.linePos(offset);
    return { line: p.line, col: p.col };
  };
  if (doc.errors.length) {
    return {
      diagnostics: doc.errors.slice(0, MAX_SYNTAX_ERRORS).map((e) => {
        const message = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
        return makeDiagnostic(fact, [fact === 'YamlSyntax' ? message : `syntax error: ${message}`], { file, start: linePos(e.pos[0]), end: linePos(e.pos[1]) });
      }),
    };
  }
  const converted = yamlData(file, doc, lines);
  if ('diagnostic' in converted) return { diagnostics: [converted.diagnostic] };
  const at = (path: readonly PathStep[]): Span => {
    for (let n = path.length; n >= 0; n--) {
      const node = nodeAt(doc, path.slice(0, n));
      if (node) return { start: linePos(node.range[0]), end: linePos(node.range[1]) };
    }
    return { start: { line: 1, col: 1 }, end: { line: 1, col: 1 } };
  };
  const keyAt = (path: readonly PathStep[]): Span => {
    const key = nodeAt(doc, path)?.keyRange;
    return key ? { start: linePos(key[0]), end: linePos(key[1]) } : at(path);
  };
  const source: YamlSource = {
    file,
    text,
    value: converted.data,
    nodeAt: (path) => nodeAt(doc, path),
    linePos,
    at,
    keyAt,
    problem: (f, message, path, hint) => makeDiagnostic(f, [message], { file, ...at(path), hint }),
  };
  return { source, diagnostics: [] };
}

/** Aliased nodes a file may expand to: plenty for sharing a list, far too few for an alias bomb. */
const MAX_ALIAS_COUNT = 100;

/**
 * The document's plain value, aliases expanded up to MAX_ALIAS_COUNT nodes. The library reports an
 * alias without an anchor, and an alias bomb, only while converting (as a ReferenceError): those
 * come back as a diagnostic at the alias.
 */
function yamlData(file: string, doc: Document, lines: LineCounter): { data: unknown } | { diagnostic: Diagnostic } {
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
function nodeAt(doc: Document, path: readonly PathStep[]): YamlNodeInfo | undefined {
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
