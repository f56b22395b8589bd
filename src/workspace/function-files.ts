/**
 * A workspace's functions (parsers and saved functions), from the files Sentinel users have:
 *   - a KQL body file (.kql, .txt, .csl, or no extension): the function is named by the file's
 *     stem (`CiscoDuo.txt` is CiscoDuo; in a `<folder>__<name>` stem, the part after `__`), and also
 *     by the alias its leading `//` comments give ("... function name and alias as CiscoDuo");
 *   - an ASIM parser YAML: `ParserName` (and `EquivalentBuiltInParser`, the `_Im_...`/`_ASim_...`
 *     name rules call), `ParserParams` (`Name`, `Type`, `Default`), `ParserQuery`;
 *   - Sentinel's function YAML: `FunctionName`/`FunctionAlias` (and `EquivalentBuiltInFunction`),
 *     `FunctionParams`, `FunctionQuery`;
 *   - a signature-only JSON (Sentinel's CustomFunctions): `FunctionName`, `FunctionParameters`
 *     (`Name`, `Type`, `IsRequired`), `FunctionResultColumns` (`Name`, `Type`).
 * A folder stands for the files directly in it. Problems are diagnostics with file and position.
 */
import { statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { makeDiagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import { functionParams, type FunctionParam, type WorkspaceFunction } from '../ir/functions.js';
import type { Column } from '../ir/types.js';
import { parseQuery } from '../query/parser.js';
import { columnType, filesOf, isRecord, readWorkspaceFile, type TablePath } from './table-files.js';
import { readYamlSource, type PathStep, type YamlSource } from '../rule/yaml.js';

export interface FunctionFilesResult {
  readonly functions: WorkspaceFunction[];
  readonly diagnostics: Diagnostic[];
}

const KQL_EXTENSIONS = new Set(['.kql', '.txt', '.csl', '']);
const YAML_EXTENSIONS = new Set(['.yaml', '.yml']);
const FORMATS_HINT = 'a function file is a KQL body (.kql, .txt, .csl or no extension), ASIM parser YAML (ParserName, ParserQuery), Sentinel function YAML (FunctionName, FunctionQuery), or signature JSON (FunctionName, FunctionResultColumns)';

/** The function files named by `paths` (files, or folders of them), read in order. */
export function readFunctionPaths(paths: readonly TablePath[]): FunctionFilesResult {
  const functions: WorkspaceFunction[] = [];
  const { files, diagnostics } = filesOf(paths, isFunctionFile, 'FunctionFileInvalid', 'functions');
  for (const file of files) {
    const r = readFunctionFile(file);
    functions.push(...r.functions);
    diagnostics.push(...r.diagnostics);
  }
  return { functions, diagnostics };
}

function isFunctionFile(path: string): boolean {
  const ext = extname(path).toLowerCase();
  if (!(KQL_EXTENSIONS.has(ext) || YAML_EXTENSIONS.has(ext) || ext === '.json') || basename(path).startsWith('.')) return false;
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** One function file, in whichever of the formats it is. */
export function readFunctionFile(file: string): FunctionFilesResult {
  const read = readWorkspaceFile(file, 'function');
  if ('problem' in read) return { functions: [], diagnostics: [makeDiagnostic('FunctionFileInvalid', [read.problem], { file })] };
  const ext = extname(file).toLowerCase();
  if (YAML_EXTENSIONS.has(ext) || ext === '.json') return structuredFunctionFile(file, read.text);
  // The YAML reader drops a byte order mark itself; a KQL body is not read by it.
  return { functions: kqlBodyFile(file, read.text.replace(/^\ufeff/, '')), diagnostics: [] };
}

/** A KQL body; its names are the file's stem and an alias its comments give. */
function kqlBodyFile(file: string, text: string): WorkspaceFunction[] {
  const stem = basename(file, extname(file));
  const name = stem.includes('__') ? stem.slice(stem.lastIndexOf('__') + 2) : stem;
  const names = new Set([name]);
  const comments = /^(?:\s*\/\/[^\n]*\n)*/.exec(text)![0];
  for (const m of comments.matchAll(/\balias as ([A-Za-z_][A-Za-z0-9_]*)/gi)) names.add(m[1]!);
  const declared = declaredFunction(text);
  if (declared) names.add(declared.name);
  const definition = declared ?? { params: [], body: text, bodyLine: 1 };
  return [...names].map((n) => ({ name: n, params: definition.params, body: definition.body, source: file, bodyLine: definition.bodyLine }));
}

/**
 * A file that only declares one function, `let Name = (params) { body };` (Microsoft's Defender
 * functions, AssignedIPAddresses, which its solution deploys as that function): the function it
 * declares, named also by its let. As a body, such a text has no result (Kusto.Language: no final
 * tabular expression).
 */
function declaredFunction(text: string): { name: string; params: FunctionParam[]; body: string; bodyLine: number } | undefined {
  // Parsed only when it may be one: a body with a result rarely ends with a brace.
  if (!/\}\s*;?\s*$/.test(text)) return undefined;
  const { ast, problems } = parseQuery(text);
  const only = ast.lets.length === 1 && !ast.body && problems.length === 0 ? ast.lets[0]!.function : undefined;
  if (!only) return undefined;
  const typed = functionParams(only.params);
  if ('unknown' in typed) return undefined;
  return { name: ast.lets[0]!.name, params: typed.params, body: only.body, bodyLine: text.slice(0, only.bodyOffset).split('\n').length };
}

function structuredFunctionFile(file: string, text: string): FunctionFilesResult {
  const { source, diagnostics } = readYamlSource(file, text, 'FunctionFileInvalid');
  if (!source) return { functions: [], diagnostics };
  const v = source.value;
  const fail = (message: string, path: PathStep[] = []): FunctionFilesResult => ({ functions: [], diagnostics: [source.problem('FunctionFileInvalid', message, path, FORMATS_HINT)] });
  if (!isRecord(v)) return fail('not a function file: expected a mapping of keys');
  if ('ParserQuery' in v || 'ParserName' in v) return withBody(source, v, ['ParserName', 'EquivalentBuiltInParser'], 'ParserParams', 'ParserQuery');
  if ('FunctionQuery' in v) return withBody(source, v, ['FunctionName', 'FunctionAlias', 'EquivalentBuiltInFunction'], 'FunctionParams', 'FunctionQuery');
  if ('FunctionResultColumns' in v || 'FunctionParameters' in v) return signatureOnly(source, v);
  return fail(`not a function file: no ParserQuery, FunctionQuery or FunctionResultColumns key (keys: ${Object.keys(v).join(', ') || 'none'})`);
}

/** ASIM parser or Sentinel function YAML: names, parameters with defaults, and the KQL body. */
function withBody(source: YamlSource, v: Record<string, unknown>, nameKeys: string[], paramsKey: string, queryKey: string): FunctionFilesResult {
  const body = v[queryKey];
  if (typeof body !== 'string' || !body.trim()) return { functions: [], diagnostics: [source.problem('FunctionFileInvalid', `${queryKey} must be the function's KQL body, a string`, [queryKey])] };
  const names = nameKeys.map((k) => v[k]).filter((n): n is string => typeof n === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(n.trim())).map((n) => n.trim());
  if (names.length === 0) return { functions: [], diagnostics: [source.problem('FunctionFileInvalid', `${nameKeys[0]} must be the function's name`, [nameKeys[0]!])] };
  const params = parameters(source, v[paramsKey], paramsKey, 'Default');
  if ('diagnostic' in params) return { functions: [], diagnostics: [params.diagnostic] };
  // The block scalar's first line: its key's line + 1 (messages give lines in the file).
  const bodyLine = source.at([queryKey]).start.line + (source.text.split('\n')[source.at([queryKey]).start.line - 1]?.trim().startsWith('|') ? 1 : 0);
  return { functions: [...new Set(names)].map((name) => ({ name, params: params.list, body, source: source.file, bodyLine })), diagnostics: [] };
}

/** Signature-only JSON: parameters and result columns, no body. */
function signatureOnly(source: YamlSource, v: Record<string, unknown>): FunctionFilesResult {
  const name = typeof v.FunctionName === 'string' ? v.FunctionName.trim() : '';
  if (!name) return { functions: [], diagnostics: [source.problem('FunctionFileInvalid', 'FunctionName must be the function\'s name', ['FunctionName'])] };
  const params = parameters(source, v.FunctionParameters, 'FunctionParameters', undefined);
  if ('diagnostic' in params) return { functions: [], diagnostics: [params.diagnostic] };
  const raw = v.FunctionResultColumns;
  if (!Array.isArray(raw)) return { functions: [], diagnostics: [source.problem('FunctionFileInvalid', 'FunctionResultColumns must be a list of {"Name", "Type"}', ['FunctionResultColumns'])] };
  const columns: Column[] = [];
  for (const [i, c] of raw.entries()) {
    const type = isRecord(c) ? columnType(c.Type) : undefined;
    if (!isRecord(c) || typeof c.Name !== 'string' || !type) {
      return { functions: [], diagnostics: [source.problem('FunctionFileInvalid', `FunctionResultColumns[${i}] needs a Name and a known Type (string, datetime, long, int, real, bool, dynamic, guid, timespan)`, ['FunctionResultColumns', i])] };
    }
    if (!columns.some((x) => x.name === c.Name)) columns.push({ name: c.Name, type });
  }
  return { functions: [{ name, params: params.list, columns, source: source.file }], diagnostics: [] };
}

/**
 * A parameter list: `Name`, `Type`, and `Default` (YAML) or `IsRequired` (JSON; an optional
 * parameter without a default is null of its type).
 */
function parameters(source: YamlSource, raw: unknown, key: string, defaultKey: string | undefined): { list: FunctionParam[] } | { diagnostic: Diagnostic } {
  if (raw === undefined || raw === null) return { list: [] };
  if (!Array.isArray(raw)) return { diagnostic: source.problem('FunctionFileInvalid', `${key} must be a list of {Name, Type${defaultKey ? `, ${defaultKey}` : ''}}`, [key]) };
  const list: FunctionParam[] = [];
  for (const [i, p] of raw.entries()) {
    const type = isRecord(p) ? (String(p.Type).trim() === '(*)' || /^\(.*\)$/.test(String(p.Type).trim()) ? 'tabular' : columnType(p.Type)) : undefined;
    if (!isRecord(p) || typeof p.Name !== 'string' || !type) return { diagnostic: source.problem('FunctionFileInvalid', `${key}[${i}] needs a Name and a known Type`, [key, i]) };
    let dflt: string | undefined;
    if (defaultKey && p[defaultKey] !== undefined && p[defaultKey] !== null) dflt = kqlDefault(p[defaultKey], type);
    else if (!defaultKey && p.IsRequired === false && type !== 'tabular') dflt = `${type}(null)`;
    list.push({ name: p.Name.trim(), type, ...(dflt !== undefined ? { default: dflt } : {}) });
  }
  return { list };
}

/** A YAML default as KQL text: strings are KQL already when they look like an expression, else a string literal. */
function kqlDefault(value: unknown, type: FunctionParam['type']): string {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = String(value).trim();
  if (type === 'string' && !/^(['"]).*\1$/s.test(text)) return JSON.stringify(text);
  return text;
}
