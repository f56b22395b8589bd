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
  /** --no-config: ignore detc.config.yaml. */
  readonly noConfig: boolean;
}

/** Take `--tables PATH` / `--tables=PATH` and `--no-config` out of a command's arguments (not after `--`). */
export function takeWorkspaceArgs(argv: readonly string[]): WorkspaceArgs {
  const rest: string[] = [];
  const tablePaths: string[] = [];
  let noConfig = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (a === '--no-config') noConfig = true;
    else if (a === '--tables') {
      const v = argv[++i];
      if (v === undefined) throw new UsageError('--tables needs a value: a table file or a folder of them');
      tablePaths.push(v);
    } else if (a.startsWith('--tables=')) tablePaths.push(a.slice('--tables='.length));
    else rest.push(a);
  }
  return { rest, tablePaths, noConfig };
}
