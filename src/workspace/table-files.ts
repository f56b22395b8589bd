/**
 * A workspace's own table schemas, from the files users actually have:
 *   - detc's format: `{"name": "T", "columns": {"Column": "string", ...}}` (as targets/tables/);
 *   - the Azure-Sentinel repository's KQL-validation format: `{"Name": "T", "Properties":
 *     [{"Name": "Column", "Type": "String"}, ...]}`, keys also in lower case, .NET-style type names;
 *   - the output of `T | getschema` exported from a workspace, as CSV or as a JSON array: rows
 *     of ColumnName, ColumnOrdinal, DataType (System.String...), ColumnType (string...). That output
 *     does not name its table, so the file's name does (MyTable_CL.csv is the table MyTable_CL).
 * A folder stands for the .json and .csv files directly in it. Every problem is a diagnostic with
 * the file and, where there is one, the line and column.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { FactName } from '../diagnostics/codes.js';
import { hasErrors, makeDiagnostic, type Diagnostic, type Position } from '../diagnostics/diagnostic.js';
import type { TableSchema } from '../ir/tables.js';
import type { Column, ScalarType } from '../ir/types.js';
import { readCsv } from './csv.js';
import { readYamlSource, type PathStep, type YamlSource } from '../rule/yaml.js';

/** A path to read, and where it was named (a config file's entry), for messages about it. */
export interface TablePath {
  readonly path: string;
  readonly namedAt?: { readonly file: string; readonly start?: Position; readonly end?: Position };
}

export interface TableFilesResult {
  readonly tables: TableSchema[];
  readonly diagnostics: Diagnostic[];
}

const TABLE_FILE_EXTENSIONS = ['.json', '.csv'];
const FORMATS_HINT = "a table file is detc's {\"name\", \"columns\"} JSON, Sentinel's {\"Name\", \"Properties\"} JSON, or `T | getschema` output as CSV or a JSON array";

/** Type names of every accepted spelling, lower case, without a `System.` prefix: KQL's own, .NET's, and the variants seen in Sentinel's files. */
const TYPE_NAMES: Readonly<Record<string, ScalarType>> = Object.assign(Object.create(null) as Record<string, ScalarType>, {
  string: 'string', datetime: 'datetime', 'date/time': 'datetime', date: 'datetime',
  int: 'int', int32: 'int', integer: 'int', long: 'long', int64: 'long', bigint: 'long',
  real: 'real', double: 'real', single: 'real', float: 'real', decimal: 'decimal', 'data.sqltypes.sqldecimal': 'decimal',
  bool: 'bool', boolean: 'bool', sbyte: 'bool', dynamic: 'dynamic', object: 'dynamic',
  guid: 'guid', uniqueid: 'guid', timespan: 'timespan', time: 'timespan',
});

/** A column type as any of the formats writes it, or undefined. */
export function columnType(written: unknown): ScalarType | undefined {
  if (typeof written !== 'string') return undefined;
  return TYPE_NAMES[written.trim().toLowerCase().replace(/^system\./, '')];
}

/** The table files named by `paths` (files, or folders of .json/.csv files), read in order. */
export function readTablePaths(paths: readonly TablePath[]): TableFilesResult {
  const tables: TableSchema[] = [];
  const { files, diagnostics } = filesOf(paths, (f) => TABLE_FILE_EXTENSIONS.includes(extname(f).toLowerCase()), 'TableFileInvalid', 'table');
  for (const file of files) {
    const r = readTableFile(file);
    tables.push(...r.tables);
    diagnostics.push(...r.diagnostics);
  }
  return { tables, diagnostics };
}

/**
 * The files `paths` name, in order: a file as it is, a folder's files that `accept` takes (sorted
 * by name). A path that cannot be read is a diagnostic at the place that named it. Shared by the
 * table, function and watchlist readers.
 */
export function filesOf(paths: readonly TablePath[], accept: (file: string) => boolean, fact: FactName, what: string): { files: string[]; diagnostics: Diagnostic[] } {
  const files: string[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const p of paths) {
    try {
      files.push(...(statSync(p.path).isDirectory() ? readdirSync(p.path).map((f) => join(p.path, f)).filter(accept).sort() : [p.path]));
    } catch (e) {
      diagnostics.push(makeDiagnostic(fact, [`cannot read the ${what} path ${p.path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`], { ...p.namedAt, file: p.namedAt?.file ?? p.path }));
    }
  }
  return { files, diagnostics };
}

/** A workspace file's text (a table, function, watchlist or config file), or the problem that it cannot be read. */
export function readWorkspaceFile(file: string, what: string): { text: string } | { problem: string } {
  try {
    return { text: readFileSync(file, 'utf8') };
  } catch (e) {
    return { problem: `cannot read the ${what} file: ${(e as NodeJS.ErrnoException).code ?? String(e)}` };
  }
}

/** One table file, in whichever of the formats it is. */
export function readTableFile(file: string): TableFilesResult {
  const read = readWorkspaceFile(file, 'table');
  if ('problem' in read) return { tables: [], diagnostics: [makeDiagnostic('TableFileInvalid', [read.problem], { file })] };
  return extname(file).toLowerCase() === '.csv' ? getschemaCsv(file, read.text) : jsonTableFile(file, read.text);
}

function jsonTableFile(file: string, text: string): TableFilesResult {
  const { source, diagnostics } = readYamlSource(file, text, 'TableFileInvalid');
  if (!source) return { tables: [], diagnostics };
  const v = source.value;
  const fail = (message: string, path: PathStep[] = [], hint = FORMATS_HINT): TableFilesResult => ({ tables: [], diagnostics: [source.problem('TableFileInvalid', message, path, hint)] });
  if (Array.isArray(v)) return getschemaRows(file, v as unknown[], (i, key) => source.at(key === undefined ? [i] : [i, key]));
  if (!isRecord(v)) return fail('not a table schema: expected a JSON object or array');
  if (isRecord(v.columns) && 'name' in v) return detcFormat(source, v);
  const propertiesKey = 'Properties' in v ? 'Properties' : 'properties' in v ? 'properties' : undefined;
  if (propertiesKey) return sentinelFormat(source, v, propertiesKey);
  return fail(`not a table schema: no "columns" or "Properties" key (keys: ${Object.keys(v).join(', ') || 'none'})`);
}

/** detc's own format; strict about types (KQL's names, and `double`). */
function detcFormat(source: YamlSource, v: Record<string, unknown>): TableFilesResult {
  if (typeof v.name !== 'string' || !v.name.trim()) return { tables: [], diagnostics: [source.problem('TableFileInvalid', '"name" must be the table\'s name, a string', ['name'])] };
  const columns = Object.entries(v.columns as Record<string, unknown>).map(([name, type]) => ({ name, type, path: ['columns', name] }));
  return tableOf(source, v.name.trim(), columns, source.file);
}

/** The Azure-Sentinel validation format, as its files really are. */
function sentinelFormat(source: YamlSource, v: Record<string, unknown>, propertiesKey: string): TableFilesResult {
  const nameKey = 'Name' in v ? 'Name' : 'name';
  const name = v[nameKey];
  if (typeof name !== 'string' || !name.trim()) return { tables: [], diagnostics: [source.problem('TableFileInvalid', `"${nameKey}" must be the table's name, a string`, [nameKey])] };
  const props = v[propertiesKey];
  if (!Array.isArray(props)) return { tables: [], diagnostics: [source.problem('TableFileInvalid', `"${propertiesKey}" must be a list of {"Name", "Type"} objects`, [propertiesKey])] };
  const diagnostics: Diagnostic[] = [];
  const columns: RawColumn[] = [];
  props.forEach((p: unknown, i) => {
    if (!isRecord(p)) return void diagnostics.push(source.problem('TableFileInvalid', `${propertiesKey}[${i}] must be an object with "Name" and "Type"`, [propertiesKey, i]));
    const nk = 'Name' in p ? 'Name' : 'name';
    const tk = 'Type' in p ? 'Type' : 'type';
    columns.push({ name: p[nk], type: p[tk], path: [propertiesKey, i, tk], namePath: [propertiesKey, i, nk] });
  });
  const r = tableOf(source, name.trim(), columns, source.file);
  return { tables: diagnostics.length ? [] : r.tables, diagnostics: [...diagnostics, ...r.diagnostics] };
}

interface RawColumn {
  readonly name: unknown;
  readonly type: unknown;
  /** Where the type is written (and the name, if elsewhere). */
  readonly path: PathStep[];
  readonly namePath?: PathStep[];
}

/**
 * A table from its written columns: names must be strings and types known. A column written twice
 * (35 times in Sentinel's own files) is read once; with two different types, the first is used
 * and the second is a warning.
 */
function tableOf(source: YamlSource, name: string, raw: readonly RawColumn[], origin: string): TableFilesResult {
  const diagnostics: Diagnostic[] = [];
  const columns = new Map<string, Column>();
  for (const c of raw) {
    if (typeof c.name !== 'string' || !c.name.trim()) {
      diagnostics.push(source.problem('TableFileInvalid', 'a column needs a name (a string)', c.namePath ?? c.path));
      continue;
    }
    const column = { name: columnName(c.name), type: columnType(c.type) };
    if (!column.type) diagnostics.push(source.problem('TableFileInvalid', `column ${column.name} has an unknown type ${JSON.stringify(c.type)}`, c.path, TYPES_HINT));
    else addColumn(columns, column as Column, () => source.at(c.path), diagnostics, source.file);
  }
  return finish(name, [...columns.values()], origin, diagnostics);
}

/**
 * A column's name as written, without the suffix the Log Analytics portal shows after a datetime
 * column's name in its results and CSV exports (`TimeGenerated [UTC]`, or `[Local Time]`): a schema
 * copied from there has it (Sentinel's CiscoDuo_CL, DigitalGuardian), but no workspace column can
 * (custom-log column names are letters, digits and underscores), and queries name the column without it.
 */
function columnName(written: string): string {
  return written.trim().replace(/\s+\[(?:UTC|Local Time)\]$/, '');
}

/** Add a column unless it is there already; a second, different type for it is a warning. */
function addColumn(columns: Map<string, Column>, c: Column, at: () => { start: Position; end: Position }, diagnostics: Diagnostic[], file: string): void {
  const first = columns.get(c.name);
  if (!first) columns.set(c.name, c);
  else if (first.type !== c.type) diagnostics.push(makeDiagnostic('TableWarning', [`column ${c.name} is declared again as ${c.type}; its first type, ${first.type}, is used`], { file, ...at() }));
}

/** The table, unless there were errors (warnings are kept either way). */
function finish(name: string, columns: Column[], origin: string, diagnostics: Diagnostic[]): TableFilesResult {
  if (hasErrors(diagnostics)) return { tables: [], diagnostics };
  if (columns.length === 0) return { tables: [], diagnostics: [...diagnostics, makeDiagnostic('TableFileInvalid', [`table ${name} has no columns`], { file: origin })] };
  return { tables: [{ name, columns, source: origin }], diagnostics };
}

const TYPES_HINT = 'use a KQL type: string, int, long, real, decimal, bool, datetime, timespan, dynamic or guid';

/** `T | getschema` output: its table is named by the file. */
function tableNameFromFile(file: string): string | undefined {
  const name = basename(file, extname(file));
  return /^[A-Za-z_][\w-]*$/.test(name) ? name : undefined;
}

const badFileName = (file: string) =>
  makeDiagnostic('TableFileInvalid', [`\`getschema\` output does not name its table, so the file's name must: '${basename(file)}' is not a table name`], {
    file,
    hint: 'rename the file to the table, e.g. MyTable_CL.csv',
  });

/** Rows of getschema output (objects with ColumnName and ColumnType or DataType). */
function getschemaRows(file: string, rows: readonly unknown[], at: (row: number, key?: string) => { start: Position; end: Position }): TableFilesResult {
  const name = tableNameFromFile(file);
  if (!name) return { tables: [], diagnostics: [badFileName(file)] };
  const diagnostics: Diagnostic[] = [];
  const columns = new Map<string, Column>();
  rows.forEach((row, i) => {
    const problem = (message: string, key?: string, hint?: string) => diagnostics.push(makeDiagnostic('TableFileInvalid', [message], { file, ...at(i, key), hint }));
    if (!isRecord(row) || typeof row.ColumnName !== 'string' || !row.ColumnName.trim()) {
      return problem(`row ${i + 1} is not a getschema row: it needs ColumnName and ColumnType (or DataType)`, undefined, FORMATS_HINT);
    }
    const key = 'ColumnType' in row ? 'ColumnType' : 'DataType';
    const type = columnType(row[key]);
    const columnName = row.ColumnName.trim();
    if (!type) problem(`column ${columnName} has an unknown ${key} ${JSON.stringify(row[key])}`, key, TYPES_HINT);
    else addColumn(columns, { name: columnName, type }, () => at(i, key), diagnostics, file);
  });
  return finish(name, [...columns.values()], file, diagnostics);
}

/** getschema output exported as CSV: a header row naming the columns, then one row per column. */
function getschemaCsv(file: string, text: string): TableFilesResult {
  const csv = readCsv(text);
  if (!csv.ok) return { tables: [], diagnostics: [makeDiagnostic('TableFileInvalid', [csv.error], { file, start: csv.at })] };
  const [header, ...rows] = csv.rows;
  const cells = header?.cells.map((c) => c.trim()) ?? [];
  const nameAt = cells.indexOf('ColumnName');
  const typeAt = cells.indexOf('ColumnType') >= 0 ? cells.indexOf('ColumnType') : cells.indexOf('DataType');
  if (!header || nameAt < 0 || typeAt < 0) {
    return {
      tables: [],
      diagnostics: [makeDiagnostic('TableFileInvalid', [`not \`getschema\` output: the first row must name the columns ColumnName and ColumnType (or DataType), got '${cells.join(',')}'`], { file, start: { line: header?.line ?? 1, col: 1 }, hint: FORMATS_HINT })],
    };
  }
  const objects = rows.map((r) => Object.fromEntries(cells.map((c, i) => [c, r.cells[i]])));
  return getschemaRows(file, objects, (i, key) => {
    const row = rows[i]!;
    const col = key === undefined ? 0 : cells.indexOf(key);
    const start = { line: row.line, col: (row.starts[col] ?? 0) + 1 };
    return { start, end: start };
  });
}

/** A JSON or YAML object (not an array). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
