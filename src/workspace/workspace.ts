/**
 * A command's workspace: detc's built-in tables with the user's tables over them (from the config
 * file's `tables:` and then every --tables, in order), and the config's other settings.
 *
 * Precedence, documented for users: a user table wins over a built-in table of the same name, with
 * a warning (a `T | getschema` export of the real workspace is more exact than the documentation,
 * but a stand-in schema from Sentinel's CI folder may not be); when two of the user's files declare
 * one table, the later one wins, with a warning naming both.
 */
import { existsSync } from 'node:fs';
import { makeDiagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import { loadTables, withStandardColumns, type TableCatalog } from '../ir/tables.js';
import { findConfigFile, readConfigFile, type WorkspaceConfig } from './config.js';
import { withFunctions, type WorkspaceFunction } from '../ir/functions.js';
import { readFunctionPaths } from './function-files.js';
import { readTablePaths } from './table-files.js';
import { readWatchlistPaths } from './watchlists.js';

export interface WorkspaceOptions {
  /** Where the config search starts (default: the current folder). */
  readonly cwd?: string;
  /** --tables paths, after the config's. */
  readonly tablePaths?: readonly string[];
  /** --functions paths, after the config's. */
  readonly functionPaths?: readonly string[];
  /** --watchlists paths, after the config's. */
  readonly watchlistPaths?: readonly string[];
  /** --no-config: ignore any config file. */
  readonly noConfig?: boolean;
}

export interface Workspace {
  /** The config file found (even when it has errors), unless --no-config. */
  readonly configFile?: string;
  /** Its settings, when it has no errors. */
  readonly config?: WorkspaceConfig;
  readonly tables: TableCatalog;
  /** Problems in the config and table files (errors stop the command). */
  readonly diagnostics: Diagnostic[];
}

export function loadWorkspace(options: WorkspaceOptions = {}): Workspace {
  const diagnostics: Diagnostic[] = [];
  let config: WorkspaceConfig | undefined;
  const configFile = options.noConfig ? undefined : findConfigFile(options.cwd ?? process.cwd());
  if (configFile) {
    const r = readConfigFile(configFile);
    diagnostics.push(...r.diagnostics);
    config = r.config;
    // Other path lists are read by their own commands; a missing path is reported here, where its
    // place in the config file is known.
    for (const p of config?.qradarMappings ?? []) {
      if (!existsSync(p.path)) diagnostics.push(makeDiagnostic('ConfigInvalid', [`no such file or folder: ${p.path}`], p.namedAt));
    }
  }
  const paths = [...(config?.tables ?? []), ...(options.tablePaths ?? []).map((path) => ({ path }))];
  const builtIn = loadTables();
  let tables = builtIn;
  if (paths.length) {
    const read = readTablePaths(paths);
    diagnostics.push(...read.diagnostics);
    const declared = byName(read.tables, (t) => t.name, 'table', diagnostics);
    for (const t of declared.values()) {
      if (builtIn.has(t.name)) diagnostics.push(makeDiagnostic('TableWarning', [`table ${t.name} replaces detc's built-in table of that name (${t.columns.length} columns here)`], { file: t.source }));
    }
    // Workspace tables have Log Analytics' standard columns too, whatever their file lists.
    tables = builtIn.with([...declared.values()].map((t) => ({ ...t, columns: withStandardColumns(t.columns) })));
  }
  const functionPaths = [...(config?.functions ?? []), ...(options.functionPaths ?? []).map((path) => ({ path }))];
  const watchlistPaths = [...(config?.watchlists ?? []), ...(options.watchlistPaths ?? []).map((path) => ({ path }))];
  if (functionPaths.length || watchlistPaths.length) {
    const fns = readFunctionPaths(functionPaths);
    const wls = readWatchlistPaths(watchlistPaths);
    diagnostics.push(...fns.diagnostics, ...wls.diagnostics);
    tables = withFunctions(tables, byName(mergeSignatures(fns.functions), (f) => f.name, 'function', diagnostics), byName(wls.watchlists, (w) => w.alias, 'watchlist', diagnostics));
  }
  return { configFile, config, tables, diagnostics };
}

/**
 * A function declared with a body in one file and by its signature in another (an ASIM parser and
 * Sentinel's CustomFunctions JSON): one function with both; the signature's columns stand in for
 * the body's output where the body does not compile.
 */
function mergeSignatures(functions: readonly WorkspaceFunction[]): WorkspaceFunction[] {
  const withBody = new Map(functions.filter((f) => f.body !== undefined).map((f) => [f.name, f]));
  const signatures = new Map(functions.filter((f) => f.body === undefined).map((f) => [f.name, f]));
  return functions.flatMap((f) => {
    if (f.body === undefined) return withBody.has(f.name) ? [] : [f];
    const sig = signatures.get(f.name);
    return [sig ? { ...f, columns: sig.columns } : f];
  });
}

/** Definitions by name, the later of two winning, with a warning naming both files. */
function byName<T extends { source?: string }>(items: readonly T[], nameOf: (x: T) => string, what: string, diagnostics: Diagnostic[]): Map<string, T> {
  const out = new Map<string, T>();
  for (const x of items) {
    const earlier = out.get(nameOf(x));
    if (earlier && earlier.source !== x.source) diagnostics.push(makeDiagnostic('TableWarning', [`${what} ${nameOf(x)} is declared again here; this one is used, not the one in ${earlier.source}`], { file: x.source }));
    out.set(nameOf(x), x);
  }
  return out;
}
