/** A small argument parser: `--flag`, `--key value`, `--key=value`, repeatable keys, positionals. */
export interface ParsedArgs {
  readonly positionals: string[];
  /** Last value of each option (true for flags). */
  readonly options: Map<string, string | true>;
  /** Every value of repeatable options. */
  readonly lists: Map<string, string[]>;
}

export class UsageError extends Error {}

export function parseArgs(argv: readonly string[], spec: { flags: string[]; values: string[]; repeatable?: string[] }): ParsedArgs {
  const positionals: string[] = [];
  const options = new Map<string, string | true>();
  const lists = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('--') || a === '-') {
      positionals.push(a);
      continue;
    }
    const [key, inline] = a.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (spec.flags.includes(key)) options.set(key, true);
    else if (spec.values.includes(key)) {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`--${key} needs a value`);
      if (options.has(key) && !spec.repeatable?.includes(key)) throw new UsageError(`--${key} given twice`);
      options.set(key, v);
      lists.set(key, [...(lists.get(key) ?? []), v]);
    } else throw new UsageError(`unknown option --${key}`);
  }
  return { positionals, options, lists };
}

/** The workspace options every command takes, and the arguments left for the command itself. */
export interface WorkspaceArgs {
  readonly rest: string[];
  /** --tables PATH, in order (repeatable). */
  readonly tablePaths: string[];
  /** --functions PATH, in order (repeatable). */
  readonly functionPaths: string[];
  /** --watchlists PATH, in order (repeatable). */
  readonly watchlistPaths: string[];
  /** --no-config: ignore detc.config.yaml. */
  readonly noConfig: boolean;
}

/** What each workspace option's value is, for its usage message. */
const WORKSPACE_PATH_OPTIONS = {
  tables: 'a table file or a folder of them',
  functions: 'a function file (KQL body, ASIM or Sentinel YAML, signature JSON) or a folder of them',
  watchlists: 'a folder of <alias>.csv watchlist files (or one such file)',
} as const;

/** Take `--tables|--functions|--watchlists PATH` (or `=PATH`) and `--no-config` out of a command's arguments (not after `--`). */
export function takeWorkspaceArgs(argv: readonly string[]): WorkspaceArgs {
  const rest: string[] = [];
  const lists: Record<keyof typeof WORKSPACE_PATH_OPTIONS, string[]> = { tables: [], functions: [], watchlists: [] };
  let noConfig = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    const [flag, inline] = a.startsWith('--') ? (a.slice(2).split(/=(.*)/s, 2) as [string, string | undefined]) : ['', undefined];
    if (a === '--no-config') noConfig = true;
    else if (Object.hasOwn(WORKSPACE_PATH_OPTIONS, flag)) {
      const key = flag as keyof typeof WORKSPACE_PATH_OPTIONS;
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`--${key} needs a value: ${WORKSPACE_PATH_OPTIONS[key]}`);
      lists[key].push(v);
    } else rest.push(a);
  }
  return { rest, tablePaths: lists.tables, functionPaths: lists.functions, watchlistPaths: lists.watchlists, noConfig };
}
