/** Kusto.Language (Microsoft's parser and type checker) as the authority on result types. */
import { kustoLanguage } from '../../src/backends/kql/kusto.js';
import type { TableCatalog } from '../../src/ir/tables.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- the bridge library has no usable types */
const library = (): any => kustoLanguage();

/** Kusto's type names as detc's (Kusto calls real "real" but reads double too). */
const DETC_TYPE: Record<string, string> = { double: 'real' };

/** Result columns (name and type) Kusto.Language gives a query over these tables, or its first error. */
export function kustoResultColumns(query: string, tables: TableCatalog): { columns: { name: string; type: string }[] } | { error: string } {
  const K = library();
  const S = K.Symbols;
  const symbols = tables.all().map((t) => new S.TableSymbol.$ctor7(t.name, `(${t.columns.map((c) => `['${c.name}']:${c.type}`).join(', ')})`, null));
  const globals = K.GlobalState.Default.WithDatabase(new S.DatabaseSymbol.$ctor3('db', null, symbols, false));
  const code = K.KustoCode.ParseAndAnalyze(query, globals);
  const errors = ((globalThis as any).Bridge.toArray(code.GetDiagnostics()) as any[]).filter((d) => d.Severity === 'Error');
  if (errors.length) return { error: String(errors[0].Message) };
  const columns = (globalThis as any).Bridge.toArray(code.ResultType.Columns) as any[];
  return { columns: columns.map((c) => ({ name: String(c.Name), type: DETC_TYPE[String(c.Type.Name)] ?? String(c.Type.Name) })) };
}
