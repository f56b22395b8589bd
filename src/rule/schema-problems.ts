/**
 * One translation of JSON Schema errors (ajv's) into diagnostics, for every file detc validates
 * with a schema (rule files, detc.config.yaml): each at the offending YAML node, in the words of
 * a person editing the file, an unknown key with a did-you-mean from the keys the schema allows
 * at that place.
 */
import type { ErrorObject } from 'ajv';
import { readFileSync } from 'node:fs';
import type { FactName } from '../diagnostics/codes.js';
import { closest, didYouMean, makeDiagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import { schemaPath, type SchemaName } from '../schema-validators.js';
import type { PathStep, YamlSource } from './yaml.js';

/**
 * Patterns whose failure has a message of its own, by the name of the top-level property (or of
 * the list an item is in): the fact and its arguments from the name and the value.
 */
const PATTERN_MEANINGS: Record<string, (key: string, value: string) => [FactName, string[]]> = {
  id: (_, v) => ['SchemaViolation', [`id must be a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx), got ${JSON.stringify(v)}`]],
  version: (_, v) => ['SchemaViolation', [`version must be X.Y.Z, got ${JSON.stringify(v)}`]],
  queryFrequency: (k, v) => ['BadDuration', [k, v]],
  queryPeriod: (k, v) => ['BadDuration', [k, v]],
  relevantTechniques: (_, v) => ['TechniqueFormat', [v]],
};

const schemas = new Map<SchemaName, unknown>();
function schemaJson(name: SchemaName): unknown {
  if (!schemas.has(name)) schemas.set(name, JSON.parse(readFileSync(schemaPath(name), 'utf8')));
  return schemas.get(name);
}

/** The keys the schema names at its top level. */
export const schemaKeys = (name: SchemaName): string[] => keysAt(name, []);

/** The keys the schema allows in the object whose keyword an error's schemaPath (`#/.../additionalProperties`) names. */
const keysOfError = (name: SchemaName, e: ErrorObject): string[] => keysAt(name, e.schemaPath.replace(/^#\//, '').split('/').slice(0, -1));

/** The `properties` keys of the subschema at these steps of the schema. */
function keysAt(name: SchemaName, steps: readonly string[]): string[] {
  let node = schemaJson(name) as Record<string, unknown> | undefined;
  for (const s of steps) node = node?.[s.replaceAll('~1', '/').replaceAll('~0', '~')] as Record<string, unknown> | undefined;
  return Object.keys((node?.properties as object | undefined) ?? {});
}

const describeType = (t: unknown) => String(t).split(',').map((x) => (x === 'array' ? 'a list' : x === 'object' ? 'a mapping' : x === 'integer' ? 'a whole number' : `a ${x}`)).join(' or ');
const typeOf = (v: unknown) => (v === null || v === undefined ? 'nothing' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a mapping' : `a ${typeof v}`);

/**
 * `errors` of validating `source.value` against schema `name` as diagnostics (`fact` unless a
 * pattern has its own); `root` names the whole document ("rule", "the config").
 */
export function schemaProblems(errors: readonly ErrorObject[], source: YamlSource, { schema, fact, root, value = source.value }: { schema: SchemaName; fact: FactName; root: string; value?: unknown }): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const e of errors) {
    const path: PathStep[] = e.instancePath.split('/').slice(1).map((s) => {
      const step = s.replaceAll('~1', '/').replaceAll('~0', '~');
      return /^\d+$/.test(step) ? Number(step) : step;
    });
    const where = path.length ? path.join('.') : root;
    const found = path.reduce<unknown>((v, k) => (v as Record<PathStep, unknown> | undefined)?.[k], value);
    const p = e.params as Record<string, unknown>;
    let diagnostic: [FactName, string[]] = [fact, [`${where} ${e.message ?? 'is not valid'}`]];
    let hint: string | undefined;
    let at = source.at(path);
    switch (e.keyword) {
      case 'required':
        diagnostic = [fact, [`${where} is missing '${String(p.missingProperty)}'`]];
        break;
      case 'enum': {
        // Spellings that differ only in case (Scheduled, scheduled) are shown once.
        const allowed = (p.allowedValues as unknown[]).map(String).filter((v, i, all) => all.findIndex((w) => w.toLowerCase() === v.toLowerCase()) === i);
        diagnostic = [fact, [`${where} must be one of ${allowed.join(', ')} (got ${JSON.stringify(found)})`]];
        const c = typeof found === 'string' ? closest(found, allowed) : undefined;
        if (c) hint = `did you mean '${c}'?`;
        break;
      }
      case 'pattern': {
        // A top-level property, or an item of a top-level list.
        const key = typeof path[0] === 'string' && (path.length === 1 || (path.length === 2 && typeof path[1] === 'number')) ? path[0] : '';
        const meaning = PATTERN_MEANINGS[key];
        diagnostic = meaning ? meaning(key, String(found)) : [fact, [`${where} ${JSON.stringify(found)} must match ${String(p.pattern)}`]];
        break;
      }
      case 'type': {
        const keys = p.type === 'object' ? keysOfError(schema, e) : [];
        const how = p.type === 'array' ? '; one "- item" per line' : keys.length ? `; the keys are ${keys.join(', ')}` : '';
        diagnostic = [fact, [`${where} must be ${describeType(p.type)} (got ${typeOf(found)})${how}`]];
        break;
      }
      case 'additionalProperties': {
        const key = String(p.additionalProperty);
        const known = keysOfError(schema, e);
        const suggestion = didYouMean(key, known);
        diagnostic = [fact, [`unknown key '${key}'${path.length ? ` in ${where}` : ''}${suggestion}; the keys are ${known.join(', ')}`]];
        at = source.keyAt([...path, key]);
        break;
      }
    }
    const d = makeDiagnostic(diagnostic[0], diagnostic[1], { file: source.file, ...at, hint });
    if (seen.has(d.message)) continue;
    seen.add(d.message);
    out.push(d);
  }
  return out;
}
