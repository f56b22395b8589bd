/**
 * Microsoft's Kusto.Language (the parser behind Sentinel, compiled to JS) as the oracle for every
 * KQL detc emits. The library is large (~1 s to load), so it is loaded on first use only.
 */
import { createRequire } from 'node:module';
import type { TableCatalog } from '../../ir/tables.js';

export interface KustoDiagnostic {
  readonly code: string;
  readonly severity: 'error' | 'warning';
  readonly message: string;
  /** Offsets into the checked text. */
  readonly start: number;
  readonly end: number;
}

interface KustoGlobals {
  readonly globals: unknown;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- the bridge library has no usable types */
let kusto: any;
function library(): any {
  if (!kusto) {
    const require = createRequire(import.meta.url);
    require('@kusto/language-service-next/bridge.js');
    require('@kusto/language-service-next/Kusto.Language.Bridge.js');
    kusto = (globalThis as any).Kusto.Language;
  }
  return kusto;
}

const cache = new WeakMap<TableCatalog, KustoGlobals>();

/** Kusto's database symbols for our table schemas (cached per catalog). */
function globalsFor(tables: TableCatalog): unknown {
  let g = cache.get(tables);
  if (!g) {
    const K = library();
    const S = K.Symbols;
    const symbols = tables.all().map((t) => {
      const cols = t.columns.map((c) => `['${c.name.replace(/'/g, "\\'")}']:${c.type}`).join(', ');
      return new S.TableSymbol.$ctor7(t.name, `(${cols})`, null);
    });
    const db = new S.DatabaseSymbol.$ctor3('detc', null, symbols, false);
    g = { globals: K.GlobalState.Default.WithDatabase(db) };
    cache.set(tables, g);
  }
  return g.globals;
}

/** Parse and analyse a query against the schemas; all of Kusto's diagnostics. */
export function kustoDiagnostics(query: string, tables: TableCatalog): KustoDiagnostic[] {
  const K = library();
  const code = K.KustoCode.ParseAndAnalyze(query, globalsFor(tables));
  const list = (globalThis as any).Bridge.toArray(code.GetDiagnostics()) as any[];
  return list.map((d) => ({
    code: String(d.Code),
    severity: d.Severity === 'Error' ? 'error' : 'warning',
    message: String(d.Message),
    start: Number(d.Start),
    end: Number(d.End),
  }));
}

/**
 * The value Kusto.Language gives a string literal written by detc, or undefined if Kusto does not
 * read the text as exactly one error-free string literal (used by the emitter's property tests).
 */
export function kustoStringLiteralValue(literal: string): string | undefined {
  const K = library();
  const code = K.KustoCode.Parse(`print ${literal}`);
  if ((globalThis as any).Bridge.toArray(code.GetDiagnostics()).length) return undefined;
  const strings: any[] = [];
  for (let t = code.Syntax.GetFirstToken(); t; t = t.GetNextToken()) {
    if (t.Kind === K.Syntax.SyntaxKind.StringLiteralToken) strings.push(t);
  }
  return strings.length === 1 ? (K.KustoFacts.GetStringLiteralValue(strings[0].Text) as string) : undefined;
}
