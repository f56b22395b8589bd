/**
 * QRadar mappings: data files (targets/qradar/<Table>.yaml, schema in
 * schema/qradar-mapping.schema.json) that say how a Sentinel table's events are selected in AQL and
 * what each column is. Users edit them, or point detc at their own folder.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../paths.js';
import { schemaValidator } from '../../schema-validators.js';
import { parse } from 'yaml';
import { parseQuery } from '../../query/parser.js';

export interface ColumnMapping {
  readonly aql?: string;
  readonly kind?: 'text' | 'ip' | 'number' | 'time';
  readonly none?: string;
  /** The column is a JSON document: this top-level field of the event's JSON (paths below it are custom properties). */
  readonly json?: string;
  readonly note?: string;
}

export interface TableMapping {
  readonly table: string;
  readonly source: 'events' | 'flows';
  readonly logSourceTypes: readonly { id: number; name: string; note?: string }[];
  readonly conditions?: readonly { aql: string; note?: string }[];
  readonly columns: Readonly<Record<string, ColumnMapping>>;
  readonly rewrites?: readonly { kql: string; aql: string; note?: string }[];
  readonly notes?: string;
  /** The file it came from. */
  readonly file: string;
}

export class MappingError extends Error {}

export const DEFAULT_MAPPINGS_DIR = join(PACKAGE_ROOT, 'targets', 'qradar');

export function parseMapping(text: string, file: string): TableMapping {
  const validate = schemaValidator('qradar-mapping');
  let data: unknown;
  try {
    data = parse(text);
  } catch (e) {
    throw new MappingError(`${file}: YAML syntax error: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!validate(data)) {
    const e = validate.errors![0]!;
    throw new MappingError(`${file}: ${e.instancePath || 'mapping'} ${e.message} (see schema/qradar-mapping.schema.json)`);
  }
  const mapping = { ...(data as Omit<TableMapping, 'file'>), file };
  // A malformed rewrite is the mapping file's error, found when it is read, not mid-translation.
  mapping.rewrites?.forEach((r, i) => rewritePattern(r.kql, `${file}: /rewrites/${i}/kql`));
  return mapping;
}

/** A rewrite's KQL side: the column and constant it matches. */
export interface RewritePattern {
  readonly fn: '==';
  readonly column: string;
  readonly value: unknown;
}

/** A mapping rewrite's `kql` is a comparison `Column == constant`, parsed with the KQL parser. */
export function rewritePattern(kql: string, where: string): RewritePattern {
  const parsed = parseQuery(`T | where ${kql}`);
  const op = parsed.ast.body?.ops[0];
  const p = op?.op === 'where' ? op.predicate : undefined;
  if (parsed.problems.length || !p || p.kind !== 'binary' || Array.isArray(p.right) || p.left.kind !== 'name' || (p.right as { kind: string }).kind !== 'literal' || p.op !== '==') {
    throw new MappingError(`${where}: rewrite '${kql}' must have the form Column == constant, e.g. DeviceVendor == "Fortinet"`);
  }
  return { fn: '==', column: p.left.name, value: (p.right as { literal: { value: unknown } }).literal.value };
}

/**
 * Mappings from folders of YAML files, or single mapping files. Later ones override earlier ones
 * table by table, so a user's file for one table replaces just that table's bundled mapping.
 */
export function loadMappings(paths: readonly string[] = [DEFAULT_MAPPINGS_DIR]): Map<string, TableMapping> {
  const out = new Map<string, TableMapping>();
  for (const path of paths) {
    if (!existsSync(path)) throw new MappingError(`no such mapping file or folder: ${path}`);
    const files = statSync(path).isDirectory()
      ? readdirSync(path).filter((n) => /\.ya?ml$/.test(n)).sort().map((f) => join(path, f))
      : [path];
    for (const file of files) {
      const m = parseMapping(readFileSync(file, 'utf8'), file);
      out.set(m.table, m);
    }
  }
  return out;
}
