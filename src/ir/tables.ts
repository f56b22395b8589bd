/**
 * Table schemas: name, column names and types. The binder resolves sources and columns against
 * them; the KQL backend gives the ones a query reads to Kusto.Language.
 *
 * Built in: every documented Log Analytics table (targets/tables/log-analytics.tsv, made by
 * scripts/generate-table-catalog.mjs) and the hand-checked seed tables (targets/tables/*.json),
 * which win over the generated list for their tables. A workspace's own tables (src/workspace/)
 * are layered over both. The generated list is indexed by name when first needed and a table's
 * columns are read only when that table is looked up: a rule reads a table or two of 900.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../paths.js';
import { typeNamed } from '../catalog/catalog.js';
import type { Column } from './types.js';

export interface TableSchema {
  readonly name: string;
  readonly columns: readonly Column[];
  /** Where the schema came from (a file, or a note on its origin). */
  readonly source?: string;
}

/** A lazily read set of tables: names known up front, schemas made on request. */
export interface TableSource {
  get(name: string): TableSchema | undefined;
  names(): readonly string[];
}

/**
 * Tables by name (case-sensitive, as Kusto's are). Own tables win over the `fallback` source's,
 * which is only asked for names the catalog does not define itself.
 */
export class TableCatalog {
  private readonly byName = new Map<string, TableSchema>();
  constructor(tables: Iterable<TableSchema> = [], private readonly fallback?: TableSource) {
    for (const t of tables) this.byName.set(t.name, t);
  }
  get(name: string): TableSchema | undefined {
    return this.byName.get(name) ?? this.fallback?.get(name);
  }
  has(name: string): boolean {
    return this.get(name) !== undefined;
  }
  /** Every table name, sorted (for "did you mean"). */
  names(): string[] {
    return [...new Set([...this.byName.keys(), ...(this.fallback?.names() ?? [])])].sort();
  }
  /** Every table's schema: reads all of the built-in list, so not for the per-rule path. */
  all(): TableSchema[] {
    return this.names().map((n) => this.get(n)!);
  }
  /** This catalog with `tables` over it (they win over its tables of the same name). */
  with(tables: Iterable<TableSchema>): TableCatalog {
    return new TableCatalog(tables, this);
  }
  /** What an unknown-table message says after the name: what detc knows and how to add a table. */
  unknownTableAdvice(): string {
    return `detc knows ${this.names().length} tables (every documented Log Analytics table and those you declare); declare a workspace table, such as a _CL table, with --tables FILE|DIR or under tables: in detc.config.yaml (detc's table JSON, Sentinel's CustomTables JSON, or \`T | getschema\` output as CSV or JSON)`;
  }
}

/**
 * Columns Log Analytics adds to every table (Microsoft's "standard columns"). Every built-in table
 * has them. _ItemId and _TimeReceived are hidden in Log Analytics (not shown in results unless a
 * query names them); they are ordinary columns here, as in Kusto.Language, which has no hidden
 * columns: a query may name them only if the table declares them, and then `*` includes them.
 */
export const STANDARD_COLUMNS: readonly Column[] = Object.freeze(
  (
    [
      ['TenantId', 'string'], ['TimeGenerated', 'datetime'], ['Type', 'string'], ['_ResourceId', 'string'], ['_SubscriptionId', 'string'],
      ['_IsBillable', 'string'], ['_BilledSize', 'real'], ['_ItemId', 'string'], ['_TimeReceived', 'datetime'],
    ] as const
  ).map(([name, type]) => Object.freeze({ name, type })),
);

/** A table's columns with the standard columns it lacks added at the end. */
export function withStandardColumns(columns: readonly Column[]): readonly Column[] {
  const own = new Set(columns.map((c) => c.name));
  // Frozen, the list and its columns: every rule over the table shares these objects (the binder's
  // source schemas, written as they are into modules, whose layout is made once per table).
  return Object.freeze([...columns.map((c) => (Object.isFrozen(c) ? c : Object.freeze({ ...c }))), ...STANDARD_COLUMNS.filter((c) => !own.has(c.name))]);
}

/** Folder of the data files shipped with detc (works from src/ and from build/). */
export const TARGETS_DIR = join(PACKAGE_ROOT, 'targets');
/** The generated catalog of documented Log Analytics tables. */
const LOG_ANALYTICS_TABLES = join(TARGETS_DIR, 'tables', 'log-analytics.tsv');

/** A table file in detc's own format: `{"name": ..., "columns": {"Column": "type", ...}}`. */
function parseTableFile(text: string, file: string): TableSchema {
  const j = JSON.parse(text) as { name?: unknown; columns?: Record<string, string>; source?: string };
  if (typeof j.name !== 'string' || !j.columns) throw new Error(`${file}: a table file needs "name" and "columns"`);
  const columns = Object.entries(j.columns).map(([name, type]) => {
    const t = typeNamed(type);
    if (!t) throw new Error(`${file}: column ${name} has unknown type '${type}'`);
    return Object.freeze({ name, type: t });
  });
  return { name: j.name, columns: Object.freeze(columns), source: j.source };
}

/**
 * The generated list (log-analytics.tsv): read and indexed by table name on first use, each
 * table's line split into columns when the table is first looked up. `parsed` counts those.
 */
export class LogAnalyticsTables implements TableSource {
  private lines: Map<string, string> | undefined;
  private readonly schemas = new Map<string, TableSchema>();
  /** How many tables' columns have been read (the rest cost only their name). */
  parsed = 0;
  constructor(private readonly file = LOG_ANALYTICS_TABLES) {}

  private index(): Map<string, string> {
    if (this.lines) return this.lines;
    const lines = new Map<string, string>();
    const text = readFileSync(this.file, 'utf8');
    for (let at = 0; at < text.length; ) {
      let end = text.indexOf('\n', at);
      if (end < 0) end = text.length;
      if (text.charCodeAt(at) !== 35 /* # */ && end > at) {
        const tab = text.indexOf('\t', at);
        const nameEnd = tab < 0 || tab > end ? end : tab;
        lines.set(text.slice(at, nameEnd), text.slice(nameEnd + 1, end));
      }
      at = end + 1;
    }
    return (this.lines = lines);
  }

  get(name: string): TableSchema | undefined {
    const known = this.schemas.get(name);
    if (known) return known;
    const line = this.index().get(name);
    if (line === undefined) return undefined;
    const columns: Column[] = [];
    for (const field of line ? line.split('\t') : []) {
      const colon = field.lastIndexOf(':');
      const type = typeNamed(field.slice(colon + 1));
      if (colon <= 0 || !type) throw new Error(`internal: ${this.file}: table ${name} has a malformed column '${field}'`);
      columns.push({ name: field.slice(0, colon), type });
    }
    const schema: TableSchema = { name, columns: withStandardColumns(columns), source: 'Log Analytics table reference (built in)' };
    this.schemas.set(name, schema);
    this.parsed++;
    return schema;
  }

  names(): readonly string[] {
    return [...this.index().keys()];
  }
}

/** The seed tables (targets/tables/*.json), in detc's own format. */
function seedTables(): TableSchema[] {
  const dir = join(TARGETS_DIR, 'tables');
  return readdirSync(dir).filter((n) => n.endsWith('.json')).sort().map((f) => {
    const t = parseTableFile(readFileSync(join(dir, f), 'utf8'), join(dir, f));
    return { ...t, columns: withStandardColumns(t.columns) };
  });
}

let builtIn: TableCatalog | undefined;

/**
 * detc's built-in tables: the seed tables over the generated Log Analytics list. A workspace's
 * tables (src/workspace/) go over these, and reach the front end as FrontEndOptions.tables.
 */
export function loadTables(): TableCatalog {
  return (builtIn ??= new TableCatalog(seedTables(), new LogAnalyticsTables()));
}
