/**
 * QRadar mappings: data files (targets/qradar/<Table>.yaml, schema in
 * schema/qradar-mapping.schema.json) that say how a Sentinel table's events are selected in AQL and
 * what each column is. Users edit them, or point detc at their own folder.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../paths.js';
import { schemaValidator } from '../../schema-validators.js';
import { parseQuery } from '../../query/parser.js';
import { makeDiagnostic, type Diagnostic } from '../../diagnostics/diagnostic.js';
import { formatDiagnostic } from '../../diagnostics/format.js';
import { readYamlSource } from '../../rule/yaml.js';
import { schemaProblems } from '../../rule/schema-problems.js';

export interface ColumnMapping {
  readonly aql?: string;
  readonly kind?: 'text' | 'ip' | 'number' | 'time';
  readonly none?: string;
  /** The column is a JSON document: this top-level field of the event's JSON (paths below it are custom properties). */
  readonly json?: string;
  /** With json: paths below it (`a.b`, indexes as `[]`) that real events hold as JSON objects or arrays: tostring then parse_json of one is the value itself. */
  readonly objects?: readonly string[];
  /** With json: paths below it that real events hold as a string of JSON text, with the source saying so. */
  readonly texts?: Readonly<Record<string, string>>;
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

/** A mapping file that cannot be used: its problems as diagnostics (file, line, column), and as one message. */
export class MappingError extends Error {
  constructor(readonly diagnostics: readonly Diagnostic[]) {
    // One line (the CLI prints the message escaped): the problems one after another.
    super(diagnostics.map((d) => formatDiagnostic(d)).join('; '));
  }
}

export const DEFAULT_MAPPINGS_DIR = join(PACKAGE_ROOT, 'targets', 'qradar');

/**
 * A mapping file's table mapping, read with the YAML reader and schema wording that rule files use,
 * so a bad mapping is reported at its line and column with a did-you-mean for a misspelt key.
 */
export function parseMapping(text: string, file: string): TableMapping {
  const { source, diagnostics } = readYamlSource(file, text, 'YamlSyntax');
  if (!source) throw new MappingError(diagnostics);
  const validate = schemaValidator('qradar-mapping');
  if (!validate(source.value)) {
    throw new MappingError(schemaProblems(validate.errors ?? [], source, { schema: 'qradar-mapping', fact: 'SchemaViolation', root: 'the QRadar mapping' }));
  }
  const mapping = { ...(source.value as Omit<TableMapping, 'file'>), file };
  // A malformed rewrite is the mapping file's error, found when it is read, not mid-translation.
  mapping.rewrites?.forEach((r, i) => {
    try {
      rewritePattern(r.kql, `${file}: /rewrites/${i}/kql`);
    } catch (e) {
      if (!(e instanceof MappingError)) throw e;
      throw new MappingError([makeDiagnostic('SchemaViolation', [`rewrites.${i}.kql: rewrite '${r.kql}' must have the form Column == constant, e.g. DeviceVendor == "Fortinet"`], { file, ...source.at(['rewrites', i, 'kql']) })]);
    }
  });
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
    throw new MappingError([makeDiagnostic('SchemaViolation', [`${where}: rewrite '${kql}' must have the form Column == constant, e.g. DeviceVendor == "Fortinet"`])]);
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
    if (!existsSync(path)) throw new MappingError([makeDiagnostic('SchemaViolation', [`no such QRadar mapping file or folder: ${path}`])]);
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
