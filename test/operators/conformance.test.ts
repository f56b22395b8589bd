/**
 * The documented examples of this operators (../shared/conformance/kql-docs/cases.json):
 * the evaluator's rows must be the page's, in the rewritten form (named tables with events) and in
 * the original form (datatable/print/range in the query).
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileQuery } from '../../src/backends/js/compile.js';
import { bindQuery } from '../../src/ir/binder.js';
import { TableCatalog } from '../../src/ir/tables.js';
import type { ScalarType } from '../../src/ir/types.js';
import { parseQuery } from '../../src/query/parser.js';

const FILE = '../shared/conformance/kql-docs/cases.json';
interface Case {
  id: string;
  original: string;
  query: string;
  tables: Record<string, Record<string, string>>;
  events: Record<string, object[]>;
  now: string;
  expect: { columns: string[]; rows: Record<string, string>[] };
  ordered: boolean;
}
const PAGES = /\/(datatable-operator|lookup-operator|mv-apply-operator|parse-operator|union-operator|range-operator|print-operator|serialize-operator|parse-where-operator)\.md$/;
const cases: Case[] = existsSync(FILE) ? (JSON.parse(readFileSync(FILE, 'utf8')).cases as (Case & { source: { path: string } })[]).filter((c) => PAGES.test(c.source.path)) : [];

/** A cell as comparable text: JSON values parsed and re-written, datetimes as epoch ms. */
function cell(v: unknown): string {
  if (v === null || v === undefined || v === '') return '';
  if (typeof v !== 'string') return JSON.stringify(v);
  const t = v.trim();
  if (/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}/.test(t)) return String(Date.parse(t.replace(' ', 'T').replace(/(\.\d{3})\d+/, '$1').replace(/(?<!Z)$/, 'Z')));
  try {
    return JSON.stringify(JSON.parse(t));
  } catch {
    return t;
  }
}

function run(query: string, tables: TableCatalog, events: Record<string, object[]>, now: string): Record<string, string>[] {
  const parsed = parseQuery(query);
  expect(parsed.problems).toEqual([]);
  const bound = bindQuery(parsed.ast, tables, query);
  expect(bound.problems).toEqual([]);
  return compileQuery(bound.ir!).run(events, { now: Date.parse(now) }).rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, cell(v)])));
}

function expected(c: Case): Record<string, string>[] {
  return c.expect.rows.map((r) => Object.fromEntries(c.expect.columns.map((k) => [k, cell(r[k])])));
}

const sorted = (rows: Record<string, string>[]) => rows.map((r) => JSON.stringify(r)).sort();

describe.skipIf(cases.length === 0)('documented examples of union, parse, datatable, lookup, mv-apply', () => {
  it('covers the pages in the conformance file', () => {
    expect(cases.map((c) => c.id).sort()).toEqual(['docs:datatable-operator.md#0', 'docs:lookup-operator.md#2', 'docs:mv-apply-operator.md#2', 'docs:parse-operator.md#2', 'docs:parse-operator.md#4']);
  });

  it.each(cases.map((c) => [c.id, c] as const))('%s: the rewritten form over named tables', (_, c) => {
    const tables = new TableCatalog(Object.entries(c.tables).map(([name, cols]) => ({ name, columns: Object.entries(cols).map(([n, t]) => ({ name: n, type: t as ScalarType })) })));
    const out = run(c.query, tables, c.events, c.now);
    expect(c.ordered ? out.map((r) => JSON.stringify(r)) : sorted(out)).toEqual(c.ordered ? expected(c).map((r) => JSON.stringify(r)) : sorted(expected(c)));
  });

  it.each(cases.map((c) => [c.id, c] as const))('%s: the original form, datatable and all', (_, c) => {
    const out = run(c.original, new TableCatalog([]), {}, c.now);
    expect(c.ordered ? out.map((r) => JSON.stringify(r)) : sorted(out)).toEqual(c.ordered ? expected(c).map((r) => JSON.stringify(r)) : sorted(expected(c)));
  });
});
