/**
 * A YAML or JSON file read with the `yaml` library, keeping positions: what a workspace file
 * (detc.config.yaml, a table's JSON) needs to say where a problem is. JSON is read as YAML 1.2,
 * which is what makes the real-world table files readable: trailing commas are allowed in flow
 * collections, and a byte order mark is dropped.
 */
import { LineCounter, parseDocument, type Document } from 'yaml';
import { nodeAt, yamlData } from '../rule/load.js';
import type { FactName } from '../diagnostics/codes.js';
import { makeDiagnostic, type Diagnostic, type Position } from '../diagnostics/diagnostic.js';

export type PathStep = string | number;

export interface YamlSource {
  readonly file: string;
  readonly text: string;
  /** The document's value as plain data (undefined when the text has syntax errors). */
  readonly value: unknown;
  /** Where the value at a path is (the closest enclosing node that exists), 1-based. */
  at(path: readonly PathStep[]): { start: Position; end: Position };
  /** Where the key of a mapping entry is written (for messages about the key itself). */
  keyAt(path: readonly PathStep[]): { start: Position; end: Position };
  /** A diagnostic at a path of the document. */
  problem(fact: FactName, message: string, path: readonly PathStep[], hint?: string): Diagnostic;
}

/** Parse `text`; syntax errors come back as diagnostics with their line and column. */
export function readYamlSource(file: string, rawText: string, fact: FactName): { source?: YamlSource; diagnostics: Diagnostic[] } {
  const text = rawText.charCodeAt(0) === 0xfeff ? rawText.slice(1) : rawText;
  const lines = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const pos = (offset: number): Position => {
    const p = lines.linePos(offset);
    return { line: p.line, col: p.col };
  };
  if (doc.errors.length) {
    return {
      diagnostics: doc.errors.slice(0, 5).map((e) =>
        makeDiagnostic(fact, [`syntax error: ${e.message.split('\n')[0]}`], { file, start: pos(e.pos[0]), end: pos(e.pos[1]) }),
      ),
    };
  }
  // The same path walk as rule files' positions (rule/load.ts).
  const at = (path: readonly PathStep[]) => {
    for (let n = path.length; n >= 0; n--) {
      const node = nodeAt(doc, path.slice(0, n));
      if (node) return { start: pos(node.range[0]), end: pos(node.range[1]) };
    }
    return { start: { line: 1, col: 1 }, end: { line: 1, col: 1 } };
  };
  const keyAt = (path: readonly PathStep[]) => {
    const key = nodeAt(doc, path)?.keyRange;
    return key ? { start: pos(key[0]), end: pos(key[1]) } : at(path);
  };
  const converted = yamlData(file, doc, lines);
  if ('diagnostic' in converted) return { diagnostics: [converted.diagnostic] };
  const source: YamlSource = {
    file,
    text,
    value: converted.data,
    at,
    keyAt,
    problem: (f, message, path, hint) => makeDiagnostic(f, [message], { file, ...at(path), hint }),
  };
  return { source, diagnostics: [] };
}
