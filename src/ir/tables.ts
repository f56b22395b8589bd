/**
 * Table schemas (data in targets/tables/*.json): name, column names and types. The binder resolves
 * sources and columns against them; the KQL backend gives them to Kusto.Language.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../paths.js';
import type { Column, ScalarType } from './types.js';

export interface TableSchema {
  readonly name: string;
  readonly columns: readonly Column[];
  readonly source?: string;
}

export class TableCatalog {
  private readonly byName = new Map<string, TableSchema>();
  constructor(tables: Iterable<TableSchema> = []) {
    for (const t of tables) this.byName.set(t.name, t);
  }
  get(name: string): TableSchema | undefined {
    return this.byName.get(name);
  }
  names(): string[] {
    return [...this.byName.keys()].sort();
  }
  all(): TableSchema[] {
    return [...this.byName.values()];
  }
}

const TYPES = new Set<ScalarType>(['string', 'long', 'int', 'real', 'decimal', 'bool', 'datetime', 'timespan', 'dynamic', 'guid']);

/** Folder of the data files shipped with detc (works from src/ and from build/). */
export const TARGETS_DIR = join(PACKAGE_ROOT, 'targets');

export function parseTableFile(text: string, file: string): TableSchema {
  const j = JSON.parse(text) as { name?: unknown; columns?: Record<string, string>; source?: string };
  if (typeof j.name !== 'string' || !j.columns) throw new Error(`${file}: a table file needs "name" and "columns"`);
  const columns = Object.entries(j.columns).map(([name, type]) => {
    const t = (type === 'double' ? 'real' : type) as ScalarType;
    if (!TYPES.has(t)) throw new Error(`${file}: column ${name} has unknown type '${type}'`);
    return Object.freeze({ name, type: t });
  });
  // Frozen, the list and its columns: every rule over the table shares these objects (the binder's
  // source schemas, written as they are into modules, whose layout is made once per table).
  return { name: j.name, columns: Object.freeze(columns), source: j.source };
}

let defaultCatalog: TableCatalog | undefined;
/** The tables in targets/tables, plus any extra folders given. */
export function loadTables(extraDirs: readonly string[] = []): TableCatalog {
  if (extraDirs.length === 0 && defaultCatalog) return defaultCatalog;
  const tables: TableSchema[] = [];
  for (const dir of [join(TARGETS_DIR, 'tables'), ...extraDirs]) {
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
      const path = join(dir, f);
      tables.push(parseTableFile(readFileSync(path, 'utf8'), path));
    }
  }
  const catalog = new TableCatalog(tables);
  if (extraDirs.length === 0) defaultCatalog = catalog;
  return catalog;
}
