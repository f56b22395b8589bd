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
import { builtInTables, withStandardColumns, type TableCatalog, type TableSchema } from '../ir/tables.js';
import { findConfigFile, readConfigFile, type WorkspaceConfig } from './config.js';
import { readTablePaths } from './table-files.js';

export interface WorkspaceOptions {
  /** Where the config search starts (default: the current folder). */
  readonly cwd?: string;
  /** --tables paths, after the config's. */
  readonly tablePaths?: readonly string[];
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
  const builtIn = builtInTables();
  if (paths.length === 0) return { configFile, config, tables: builtIn, diagnostics };
  const read = readTablePaths(paths);
  diagnostics.push(...read.diagnostics);
  return { configFile, config, tables: builtIn.with(userTables(read.tables, builtIn, diagnostics)), diagnostics };
}

/** The user's tables by name, the later of two declarations winning; warnings for what they replace. */
function userTables(tables: readonly TableSchema[], builtIn: TableCatalog, diagnostics: Diagnostic[]): TableSchema[] {
  const byName = new Map<string, TableSchema>();
  for (const t of tables) {
    const earlier = byName.get(t.name);
    if (earlier) {
      diagnostics.push(makeDiagnostic('TableWarning', [`table ${t.name} is declared again here; this one is used, not the one in ${earlier.source}`], { file: fileOf(t) }));
    } else if (builtIn.has(t.name)) {
      diagnostics.push(makeDiagnostic('TableWarning', [`table ${t.name} replaces detc's built-in table of that name (${t.columns.length} columns here)`], { file: fileOf(t) }));
    }
    byName.set(t.name, t);
  }
  // Workspace tables have Log Analytics' standard columns too, whatever their file lists.
  return [...byName.values()].map((t) => ({ ...t, columns: withStandardColumns(t.columns) }));
}

/** The file a user table came from. */
const fileOf = (t: TableSchema) => t.source;
