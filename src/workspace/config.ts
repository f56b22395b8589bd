/**
 * The project config file, detc.config.yaml (or .yml): what a rules repository declares once about
 * its workspace. detc looks for it in the current folder and then each parent folder, and stops
 * after the first folder that has one, after a repository's root (a folder with a `.git` entry),
 * or at the file system's root. Validated against schema/detc-config.schema.json; paths in it are
 * relative to the file.
 *
 * Keys that list paths are declared in PATH_LISTS: adding one is an entry there, one in
 * WorkspaceConfig and its property in the schema.
 */
import type { ErrorObject } from 'ajv';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { didYouMean, makeDiagnostic, type Diagnostic, type Position } from '../diagnostics/diagnostic.js';
import { schemaValidator } from '../schema-validators.js';
import { readYamlSource, type PathStep, type YamlSource } from './yaml-source.js';

export const CONFIG_FILE_NAMES = ['detc.config.yaml', 'detc.config.yml'] as const;

/** A path from the config file, resolved against its folder, and where the file names it. */
export interface ConfigPath {
  readonly path: string;
  readonly namedAt: { readonly file: string; readonly start: Position; readonly end: Position };
}

export interface WorkspaceConfig {
  readonly file: string;
  readonly tables: readonly ConfigPath[];
  readonly functions: readonly ConfigPath[];
  readonly watchlists: readonly ConfigPath[];
  readonly qradarMappings: readonly ConfigPath[];
  /** Default targets (undefined: not set). */
  readonly targets?: readonly string[];
}

/** Config keys whose values are lists of paths relative to the config file. */
const PATH_LISTS = ['tables', 'functions', 'watchlists', 'qradarMappings'] as const satisfies readonly (keyof WorkspaceConfig)[];
/** Every key the schema allows (for "did you mean"). */
const CONFIG_KEYS: readonly string[] = [...PATH_LISTS, 'targets'];

/** The config file that applies in `cwd`: the nearest one upwards, within the repository. */
export function findConfigFile(cwd: string): string | undefined {
  for (let dir = resolve(cwd); ; ) {
    for (const name of CONFIG_FILE_NAMES) {
      const file = join(dir, name);
      if (existsSync(file)) return file;
    }
    const parent = dirname(dir);
    if (parent === dir || existsSync(join(dir, '.git'))) return undefined;
    dir = parent;
  }
}

/** Read and validate a config file; its problems are diagnostics with line and column. */
export function readConfigFile(file: string): { config?: WorkspaceConfig; diagnostics: Diagnostic[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return { diagnostics: [makeDiagnostic('ConfigInvalid', [`cannot read the config file: ${(e as NodeJS.ErrnoException).code ?? String(e)}`], { file })] };
  }
  const { source, diagnostics } = readYamlSource(file, text, 'ConfigInvalid');
  if (!source) return { diagnostics };
  // An empty file is an empty config.
  const value = source.value ?? {};
  const validate = schemaValidator('detc-config');
  if (!validate(value)) return { diagnostics: schemaProblems(source, validate.errors ?? []) };
  const data = value as Partial<Record<(typeof PATH_LISTS)[number], string[]>> & { targets?: string[] };
  const base = dirname(file);
  const paths = (key: (typeof PATH_LISTS)[number]): ConfigPath[] =>
    (data[key] ?? []).map((p, i) => ({ path: resolve(base, p), namedAt: { file, ...source.at([key, i]) } }));
  const config: WorkspaceConfig = {
    file, tables: paths('tables'), functions: paths('functions'), watchlists: paths('watchlists'), qradarMappings: paths('qradarMappings'), targets: data.targets,
  };
  return { config, diagnostics: [] };
}

/** ajv's errors as diagnostics at the offending node, worded for a person editing the file. */
function schemaProblems(source: YamlSource, errors: readonly ErrorObject[]): Diagnostic[] {
  const known = CONFIG_KEYS;
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const e of errors) {
    const path: PathStep[] = e.instancePath.split('/').slice(1).map((s) => {
      const step = s.replaceAll('~1', '/').replaceAll('~0', '~');
      return /^\d+$/.test(step) ? Number(step) : step;
    });
    const where = path.length ? path.join('.') : 'the config';
    let message: string;
    let position = source.at(path);
    if (e.keyword === 'additionalProperties') {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      message = `unknown key '${key}'${didYouMean(key, known)}; the keys are ${known.join(', ')}`;
      position = source.keyAt([...path, key]);
    } else if (e.keyword === 'enum') {
      message = `${where} must be one of ${((e.params as { allowedValues: unknown[] }).allowedValues).join(', ')}, got ${JSON.stringify(valueAt(source.value, path))}`;
    } else if (e.keyword === 'type' && path.length === 0) {
      message = `the config must be a mapping of keys (${known.join(', ')})`;
    } else if (e.keyword === 'type') {
      message = `${where} ${e.message ?? 'has the wrong type'}${path.length === 1 ? ' (a list: one "- item" per line)' : ''}`;
    } else message = `${where} ${e.message ?? 'is not valid'}`;
    if (seen.has(message)) continue;
    seen.add(message);
    out.push(makeDiagnostic('ConfigInvalid', [message], { file: source.file, ...position }));
  }
  return out;
}

function valueAt(value: unknown, path: readonly PathStep[]): unknown {
  let v = value;
  for (const step of path) v = (v as Record<string | number, unknown> | undefined)?.[step];
  return v;
}
