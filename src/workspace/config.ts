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
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { makeDiagnostic, type Diagnostic, type Position } from '../diagnostics/diagnostic.js';
import { schemaProblems } from '../rule/schema-problems.js';
import { schemaValidator } from '../schema-validators.js';
import { readYamlSource } from '../rule/yaml.js';
import { readWorkspaceFile } from './table-files.js';

const CONFIG_FILE_NAMES = ['detc.config.yaml', 'detc.config.yml'] as const;

/** A path from the config file, resolved against its folder, and where the file names it. */
interface ConfigPath {
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
  const read = readWorkspaceFile(file, 'config');
  if ('problem' in read) return { diagnostics: [makeDiagnostic('ConfigInvalid', [read.problem], { file })] };
  const { source, diagnostics } = readYamlSource(file, read.text, 'ConfigInvalid');
  if (!source) return { diagnostics };
  // An empty file is an empty config.
  const value = source.value ?? {};
  const validate = schemaValidator('detc-config');
  if (!validate(value)) return { diagnostics: schemaProblems(validate.errors ?? [], source, { schema: 'detc-config', fact: 'ConfigInvalid', root: 'the config', value }) };
  const data = value as Partial<Record<(typeof PATH_LISTS)[number], string[]>> & { targets?: string[] };
  const base = dirname(file);
  const paths = (key: (typeof PATH_LISTS)[number]): ConfigPath[] =>
    (data[key] ?? []).map((p, i) => ({ path: resolve(base, p), namedAt: { file, ...source.at([key, i]) } }));
  const config: WorkspaceConfig = {
    file, tables: paths('tables'), functions: paths('functions'), watchlists: paths('watchlists'), qradarMappings: paths('qradarMappings'), targets: data.targets,
  };
  return { config, diagnostics: [] };
}
