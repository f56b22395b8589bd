/**
 * Shared checks for the operator tests: the output schema Kusto.Language computes for a query
 * (the authority the binder's schema is compared with), and the KQL round trip.
 */
import { expect } from 'vitest';
import { compileQuery, type RunOptions } from '../../src/backends/js/compile.js';
import { emitKql } from '../../src/backends/kql/emit.js';
import { kustoDiagnostics, kustoLanguage } from '../../src/backends/kql/kusto.js';
import { kqlName } from '../../src/backends/kql/literals.js';
import { bindQuery } from '../../src/ir/binder.js';
import { TableCatalog } from '../../src/ir/tables.js';
import type { QueryIR } from '../../src/ir/types.js';
import { parseQuery } from '../../src/query/parser.js';

/**
 * Small tables for the operator tests, in name order as the shipped catalog is (a wildcard's tables
 * come in that order): A and B share `y` with different types; Security* is a wildcard's target.
 */
export const opTables = new TableCatalog([
  { name: 'SecurityAlert', columns: [{ name: 'AlertName', type: 'string' }, { name: 'Computer', type: 'string' }, { name: 'TimeGenerated', type: 'datetime' }] },
  { name: 'SecurityEvent', columns: [{ name: 'Computer', type: 'string' }, { name: 'EventID', type: 'long' }, { name: 'TimeGenerated', type: 'datetime' }] },
  { name: 'A', columns: [{ name: 'x', type: 'string' }, { name: 'y', type: 'long' }, { name: 'TimeGenerated', type: 'datetime' }] },
  { name: 'B', columns: [{ name: 'y', type: 'string' }, { name: 'z', type: 'real' }] },
]);

/* eslint-disable @typescript-eslint/no-explicit-any -- the bridge library has no usable types */
let globals: any;
function kusto(): { K: any; globals: any } {
  const K = kustoLanguage();
  if (!globals) {
    const symbols = opTables.all().map((t) => new K.Symbols.TableSymbol.$ctor7(t.name, `(${t.columns.map((c) => `${kqlName(c.name)}:${c.type}`).join(', ')})`, null));
    globals = K.GlobalState.Default.WithDatabase(new K.Symbols.DatabaseSymbol.$ctor3('detc', null, symbols, false));
  }
  return { K, globals };
}

/** `name:type` of each column of the query's result, as Kusto.Language computes it. */
export function kustoSchema(query: string): string[] {
  const { K, globals: g } = kusto();
  const code = K.KustoCode.ParseAndAnalyze(query, g);
  const errors = (globalThis as any).Bridge.toArray(code.GetDiagnostics()).filter((d: any) => d.Severity === 'Error');
  expect(errors.map((d: any) => String(d.Message))).toEqual([]);
  return (globalThis as any).Bridge.toArray(code.ResultType.Columns).map((c: any) => `${c.Name}:${c.Type.Name}`);
}

/** Parse and bind against the operator tables, expecting no problems. */
export function bindOp(query: string): QueryIR {
  const parsed = parseQuery(query);
  expect(parsed.problems).toEqual([]);
  const bound = bindQuery(parsed.ast, opTables, query);
  expect(bound.problems.map((p) => `${p.fact} ${p.args.join(' ')}`)).toEqual([]);
  return bound.ir!;
}

/** The first problem's fact and arguments, parse or bind. */
export function problemOf(query: string): string {
  const parsed = parseQuery(query);
  if (parsed.problems.length) return parsed.problems[0]!.message;
  const bound = bindQuery(parsed.ast, opTables, query);
  const p = bound.problems[0];
  return p ? `${p.fact}: ${p.args.join(' ')}` : 'no problem';
}

export const schemaOf = (ir: QueryIR): string[] => ir.body.schema.map((c) => `${c.name}:${c.type}`);

/** (a) the schema equals Kusto.Language's; (b) the emitted KQL has no Kusto diagnostics and round-trips. */
export function checkSchemaAndKql(query: string): string {
  const ir = bindOp(query);
  expect(schemaOf(ir)).toEqual(kustoSchema(query));
  const kql = emitKql(ir);
  expect(kustoDiagnostics(kql, opTables).filter((d) => d.severity === 'error')).toEqual([]);
  expect(emitKql(bindOp(kql))).toBe(kql);
  expect(schemaOf(bindOp(kql))).toEqual(schemaOf(ir));
  return kql;
}

export const NOW = Date.parse('2025-03-01T12:00:00Z');

export function runOp(query: string, events: Record<string, object[]>, options: Partial<RunOptions> = {}): Record<string, unknown>[] {
  return compileQuery(bindOp(query)).run(events, { now: NOW, ...options }).rows;
}
