/**
 * Runs the documented KQL examples (Microsoft's query documentation, with the output table each
 * page shows) through detc's front end and JS evaluator, and classifies each: pass, different rows,
 * or unsupported (detc refuses the query with a diagnostic).
 *
 * The documentation prints values as text, so a result is compared by Kusto's text rendering:
 * numbers as numbers (5.0 equals 5), datetimes as instants (the pages print them both as
 * `2017-01-01 00:00:00.0000000` and `2017-01-01T00:00:00Z`), JSON by structure, `(null)` as
 * empty, everything else as text.
 */
import { readFileSync } from 'node:fs';
import { compileQuery } from '../../src/backends/js/compile.js';
import { bindQuery } from '../../src/ir/binder.js';
import { TableCatalog } from '../../src/ir/tables.js';
import type { ScalarType } from '../../src/ir/types.js';
import { parseQuery } from '../../src/query/parser.js';
import { formatDatetimeIso, jsonText } from '../../src/semantics/values.js';

export const CASES_FILE = new URL('../../../shared/conformance/kql-docs/cases.json', import.meta.url);

export interface ConformanceCase {
  readonly id: string;
  readonly query: string;
  readonly tables: Record<string, Record<string, string>>;
  readonly events: Record<string, object[]>;
  readonly now: string;
  readonly expect: { readonly columns: string[]; readonly rows: Record<string, string>[] };
  readonly ordered: boolean;
  /** Only these columns are compared (the page shows an arbitrary value in the others). */
  readonly compare?: string[];
  /** Columns holding sets: arrays compared without regard to order. */
  readonly setColumns?: string[];
}

export type Outcome =
  | { readonly kind: 'pass' }
  | { readonly kind: 'different'; readonly detail: string }
  | { readonly kind: 'unsupported'; readonly detail: string };

export function loadCases(): ConformanceCase[] {
  return (JSON.parse(readFileSync(CASES_FILE, 'utf8')) as { cases: ConformanceCase[] }).cases;
}

export function caseTables(c: ConformanceCase): TableCatalog {
  return new TableCatalog(
    Object.entries(c.tables).map(([name, cols]) => ({ name, columns: Object.entries(cols).map(([n, t]) => ({ name: n, type: t as ScalarType })) })),
  );
}

/** detc's output schema for the case's query (`name:type` each), or undefined when detc refuses it. */
export function caseSchema(c: ConformanceCase): string[] | undefined {
  const parsed = parseQuery(c.query);
  if (parsed.problems.length) return undefined;
  const bound = bindQuery(parsed.ast, caseTables(c), c.query);
  return bound.ir && !bound.problems.length ? bound.ir.body.schema.map((col) => `${col.name}:${col.type}`) : undefined;
}

export function runCase(c: ConformanceCase): Outcome {
  const tables = caseTables(c);
  const parsed = parseQuery(c.query);
  if (parsed.problems.length) return { kind: 'unsupported', detail: parsed.problems.map((p) => p.message).join('; ') };
  const bound = bindQuery(parsed.ast, tables, c.query);
  if (!bound.ir || bound.problems.length) return { kind: 'unsupported', detail: bound.problems.map((p) => `${p.fact}(${p.args.join(', ')})`).join('; ') };
  let result;
  try {
    result = compileQuery(bound.ir).run(c.events, { now: Date.parse(c.now) });
  } catch (e) {
    return { kind: 'unsupported', detail: `evaluator error: ${(e as Error).message}` };
  }
  const columns = result.columns.map((col) => col.name);
  const compared = c.compare ?? c.expect.columns;
  if (!c.compare && columns.join(',') !== c.expect.columns.join(',')) {
    return { kind: 'different', detail: `columns ${JSON.stringify(columns)}, documented ${JSON.stringify(c.expect.columns)}` };
  }
  const sets = new Set(c.setColumns ?? []);
  const key = (row: Record<string, unknown>, fromDocs: boolean) =>
    JSON.stringify(compared.map((col) => canonical(fromDocs ? row[col] : render(row[col]), sets.has(col))));
  const actual = result.rows.map((r) => key(r, false));
  const expected = c.expect.rows.map((r) => key(r, true));
  if (!c.ordered) {
    actual.sort();
    expected.sort();
  }
  if (actual.join('\n') === expected.join('\n')) return { kind: 'pass' };
  return { kind: 'different', detail: `rows\n  got:        ${actual.join('\n              ')}\n  documented: ${expected.join('\n              ')}` };
}

/** A result value as Kusto prints it in a table cell. */
function render(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return jsonText(v);
}

const DATETIME_TEXT = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?Z?$/;

/** A cell's text in a form where equal values are equal strings. */
function canonical(cell: unknown, isSet: boolean): string {
  const s = typeof cell === 'string' ? cell : '';
  if (s === '(null)') return 'text:';
  if (DATETIME_TEXT.test(s)) {
    const ms = Date.parse(s.endsWith('Z') ? s.replace(' ', 'T') : `${s.replace(' ', 'T')}Z`);
    if (!Number.isNaN(ms)) return `datetime:${formatDatetimeIso(ms)}`;
  }
  if (s !== '' && s.trim() !== '' && !Number.isNaN(Number(s))) return `number:${Number(s)}`;
  if (/^\s*[[{]/.test(s)) {
    try {
      const j = JSON.parse(s) as unknown;
      return `json:${jsonText(isSet && Array.isArray(j) ? sortedElements(j) : j)}`;
    } catch {
      // Not JSON: compared as text.
    }
  }
  return `text:${s}`;
}

const sortedElements = (a: unknown[]): unknown[] => [...a].sort((x, y) => (jsonText(x) < jsonText(y) ? -1 : jsonText(x) > jsonText(y) ? 1 : 0));
