/** A small argument parser: `--flag`, `--key value`, `--key=value`, positionals. */
export interface ParsedArgs {
  readonly positionals: string[];
  readonly options: Map<string, string | true>;
}

export class UsageError extends Error {}

export function parseArgs(argv: readonly string[], spec: { flags: string[]; values: string[] }): ParsedArgs {
  const positionals: string[] = [];
  const options = new Map<string, string | true>();
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
      options.set(key, v);
    } else throw new UsageError(`unknown option --${key}`);
  }
  return { positionals, options };
}
