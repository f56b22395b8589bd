/**
 * A rule file read through the one YAML reader (yaml.ts), positions kept, so every later
 * diagnostic can point at the file's line and column, including positions inside the `query`
 * block scalar.
 */
import { makeDiagnostic, type Diagnostic, type Position } from '../diagnostics/diagnostic.js';
import { readYamlSource, type PathStep, type Span, type YamlSource } from './yaml.js';

export interface LoadResult {
  /** The rule file; its value is a mapping. */
  readonly source?: YamlSource;
  readonly diagnostics: Diagnostic[];
}

export function loadRuleText(file: string, text: string): LoadResult {
  const { source, diagnostics } = readYamlSource(file, text, 'YamlSyntax');
  if (!source) return { diagnostics };
  const data = source.value;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return { diagnostics: [makeDiagnostic('SchemaViolation', ['a rule file must be a YAML mapping (id: ..., name: ..., query: ...)'], { file, start: { line: 1, col: 1 } })] };
  }
  return { source, diagnostics };
}

/** Start/end positions of the value at `path` (or of its key), or of its nearest existing parent. */
export function positionOf(src: YamlSource, path: readonly PathStep[], key = false): Span {
  return key ? src.keyAt(path) : src.at(path);
}

/**
 * Maps offsets in the `query` string to file positions. Exact for block literals (`|`, `|-`) and
 * single-line scalars; for folded or multi-line plain scalars, positions fall back to the start of
 * the value (their line structure is not kept by YAML).
 */
export type QueryMap = (offset: number) => Position;

export function queryMap(src: YamlSource, path: readonly (string | number)[] = ['query']): QueryMap {
  const node = src.nodeAt(path);
  let value: unknown = src.value;
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
