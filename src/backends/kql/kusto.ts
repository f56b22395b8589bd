/**
 * Microsoft's Kusto.Language (the parser behind Sentinel, compiled to JS) as the oracle for every
 * KQL detc emits. The library is large (~1 s to load), so it is loaded on first use only.
 */
import { wildcardRegExp } from '../../semantics/strings.js';
import { createRequire } from 'node:module';
import type { TableCatalog, TableSchema } from '../../ir/tables.js';
import { functionsOf, watchlistsOf } from '../../ir/functions.js';
import { kqlName } from './literals.js';

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
/** Kusto.Language (its JavaScript bridge), loaded on first use: only validation needs it. */
export function kustoLanguage(): any {
  if (!kusto) {
    const require = createRequire(import.meta.url);
    require('@kusto/language-service-next/bridge.js');
    require('@kusto/language-service-next/Kusto.Language.Bridge.js');
    kusto = (globalThis as any).Kusto.Language;
  }
  return kusto;
}

/**
 * Raised whenever the way detc asks Kusto.Language changes its verdicts (kusto-cache.ts keys on
 * it, so verdicts cached before a fix are not reused). 2: the `__proto__` stand-in below.
 */
export const KUSTO_CHECK_REVISION = 2;

/**
 * Kusto.Language's JavaScript build keeps names as keys of plain objects, where `__proto__` is the
 * prototype accessor rather than a key: a column, alias or let named `__proto__` is then "not
 * known" (KS142) although the query is valid Kusto (`constructor` and the like are unaffected).
 * So the text is checked with a stand-in name of the same length in its place (offsets stay
 * right), one that occurs nowhere in the query or the schemas, and messages name `__proto__` again.
 */
const PROTO = '__proto__';
function standInFor(query: string, tables: readonly TableSchema[]): string {
  const names = tables.flatMap((t) => t.columns.map((c) => c.name)).join('\n');
  if (!query.includes(PROTO) && !names.includes(PROTO)) return PROTO;
  for (let i = 0; ; i++) {
    const candidate = `_p${i.toString(36).padStart(5, '0')}__`;
    if (!query.includes(candidate) && !names.includes(candidate)) return candidate;
  }
}

/** A name as KQL writes it: an identifier, or quoted in brackets (`['My-Table']`). */
const NAMES = /[A-Za-z_][A-Za-z0-9_]*|\[\s*'((?:[^'\\]|\\.)*)'\s*\]|\[\s*"((?:[^"\\]|\\.)*)"\s*\]/g;

/**
 * The catalog's tables that a query may read: every table named by a word of its text. Kusto is
 * given these, not the whole catalog (about 900 tables, most of which no rule reads): a table the
 * query names is among them, and the others cannot change Kusto's verdict on it.
 */
export function tablesReferenced(query: string, tables: TableCatalog, text = withFunctionBodies(query, tables)): TableSchema[] {
  const found = new Map<string, TableSchema>();
  for (const m of text.matchAll(NAMES)) {
    const name = m[1] ?? m[2] ?? m[0];
    if (found.has(name)) continue;
    const t = tables.get(name);
    if (t) found.set(name, t);
  }
  // `union Security*` names its tables by a pattern: the tables it matches (a bare `*` is no pattern).
  let names: readonly string[] | undefined;
  for (const m of query.matchAll(/[A-Za-z0-9_]*\*[A-Za-z0-9_*]*/g)) {
    if (!/[A-Za-z0-9_]/.test(m[0])) continue;
    const re = wildcardRegExp(m[0]);
    for (const name of (names ??= tables.names())) if (!found.has(name) && re.test(name)) found.set(name, tables.get(name)!);
  }
  return [...found.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * What Kusto is given for a query, worked out once per check (the verdict cache keys on it too):
 * the query with the bodies of the functions it names, the tables it reads, and those functions.
 */
export interface KustoInputs {
  readonly text: string;
  readonly tables: readonly TableSchema[];
  readonly functionNames: readonly string[];
}

export function kustoInputs(query: string, catalog: TableCatalog): KustoInputs {
  const text = withFunctionBodies(query, catalog);
  const functions = functionsOf(catalog);
  const functionNames = [...new Set([...text.matchAll(NAMES)].map((m) => m[0]))].filter((n) => functions.has(n) || n === '_GetWatchlist').sort();
  return { text, tables: tablesReferenced(query, catalog, text), functionNames };
}

/** The query and the bodies of the workspace functions it names, and theirs in turn (the text Kusto analyses). */
function withFunctionBodies(query: string, tables: TableCatalog): string {
  const functions = functionsOf(tables);
  if (functions.size === 0) return query;
  const texts = [query];
  const seen = new Set<string>();
  for (let i = 0; i < texts.length; i++) {
    for (const m of texts[i]!.matchAll(NAMES)) {
      const f = functions.get(m[0]);
      if (f && !seen.has(f.name)) {
        seen.add(f.name);
        texts.push(`${f.name}(${f.params.map((p) => `${p.name}:${p.type}=${p.default ?? ''}`).join(',')}){${f.body ?? JSON.stringify(f.columns)}}`);
      }
    }
  }
  return texts.join('\n');
}

/** Per catalog, Kusto's global state for a set of its tables, by their names and the stand-in. */
const cache = new WeakMap<TableCatalog, Map<string, KustoGlobals>>();

/** Kusto's database symbols for some table schemas, `__proto__` written as `standIn` (cached per catalog). */
function globalsFor(catalog: TableCatalog, tables: readonly TableSchema[], standIn: string, names: readonly string[]): unknown {
  let byKey = cache.get(catalog);
  if (!byKey) cache.set(catalog, (byKey = new Map()));
  const key = `${standIn}\0${tables.map((t) => t.name).join('\0')}\0${names.join('\0')}`;
  let g = byKey.get(key);
  if (!g) {
    const K = kustoLanguage();
    const S = K.Symbols;
    const symbols = tables.map((t) => {
      const cols = t.columns.map((c) => `${kqlName(c.name.replaceAll(PROTO, standIn))}:${c.type}`).join(', ');
      return new S.TableSymbol.$ctor7(t.name, `(${cols})`, null);
    });
    symbols.push(...functionSymbols(catalog, names));
    const db = new S.DatabaseSymbol.$ctor3('detc', null, symbols, false);
    g = { globals: K.GlobalState.Default.WithDatabase(db) };
    byKey.set(key, g);
  }
  return g.globals;
}

/**
 * The workspace's functions a query names, as Kusto database functions: with their body (Kusto
 * checks the body against the tables it is given, so a signature stands in for it: a body that
 * reads a table this check does not include would be an error of the function, not the rule).
 * A watchlist rule gets _GetWatchlist with the watchlist's columns.
 */
function functionSymbols(catalog: TableCatalog, names: readonly string[]): unknown[] {
  const S = kustoLanguage().Symbols;
  const words = new Set(names);
  const out: unknown[] = [];
  for (const [name, f] of functionsOf(catalog)) {
    if (!words.has(name)) continue;
    const params = f.params.map((p) => `${p.name}:${p.type === 'tabular' ? '(*)' : p.type}${p.default !== undefined ? `=${p.default}` : ''}`).join(', ');
    const columns = (f.columns ?? []).map((c) => `${kqlName(c.name)}:${c.type}`).join(', ');
    const body = f.body !== undefined ? `{\n${f.body}\n}` : `{ datatable(${columns})[] }`;
    out.push(new S.FunctionSymbol.$ctor16(name, `(${params})`, body, null));
  }
  if (words.has('_GetWatchlist')) {
    const all = new Map<string, string>();
    for (const w of watchlistsOf(catalog).values()) for (const c of w.columns) all.set(c.name, c.type);
    const columns = [...all].map(([n, t]) => `${kqlName(n)}:${t}`).join(', ');
    out.push(new S.FunctionSymbol.$ctor16('_GetWatchlist', '(watchlistAlias:string)', `{ datatable(${columns})[] }`, null));
  }
  return out;
}

/** Parse and analyse a query against the schemas; all of Kusto's diagnostics. */
export function kustoDiagnostics(query: string, catalog: TableCatalog, { tables, functionNames: names }: KustoInputs = kustoInputs(query, catalog)): KustoDiagnostic[] {
  const K = kustoLanguage();
  const standIn = standInFor(query, tables);
  const code = K.KustoCode.ParseAndAnalyze(query.replaceAll(PROTO, standIn), globalsFor(catalog, tables, standIn, names));
  const list = (globalThis as any).Bridge.toArray(code.GetDiagnostics()) as any[];
  return list.map((d) => ({
    code: String(d.Code),
    severity: d.Severity === 'Error' ? 'error' : 'warning',
    message: String(d.Message).replaceAll(standIn, PROTO),
    start: Number(d.Start),
    end: Number(d.End),
  }));
}

/**
 * The value Kusto.Language gives a string literal written by detc, or undefined if Kusto does not
 * read the text as exactly one error-free string literal (used by the emitter's property tests).
 */
export function kustoStringLiteralValue(literal: string): string | undefined {
  const K = kustoLanguage();
  const code = K.KustoCode.Parse(`print ${literal}`);
  if ((globalThis as any).Bridge.toArray(code.GetDiagnostics()).length) return undefined;
  const strings: any[] = [];
  for (let t = code.Syntax.GetFirstToken(); t; t = t.GetNextToken()) {
    if (t.Kind === K.Syntax.SyntaxKind.StringLiteralToken) strings.push(t);
  }
  return strings.length === 1 ? (K.KustoFacts.GetStringLiteralValue(strings[0].Text) as string) : undefined;
}
