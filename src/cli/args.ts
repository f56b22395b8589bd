/**
 * Command-line arguments: `node:util` parseArgs splits them into options and positionals
 * (`--key value`, `--key=value`, `--`); this module checks them against a command's options, so
 * an unknown option is a usage error with a suggestion instead of being read as something else.
 */
import { parseArgs as tokenize } from 'node:util';
import { didYouMean } from '../diagnostics/diagnostic.js';

export interface ParsedArgs {
  readonly positionals: string[];
  /** Last value of each option (true for flags). */
  readonly options: Map<string, string | true>;
  /** Every value of options that take one, in order (repeatable options keep them all). */
  readonly lists: Map<string, string[]>;
}

export class UsageError extends Error {}

/** One option of a command, as its --help shows it. */
export interface OptionSpec {
  readonly name: string;
  /** What the value is (`FILE`, `N`...); absent for a flag. */
  readonly value?: string;
  readonly repeatable?: boolean;
  readonly short?: string;
  readonly help: string;
}

export interface CommandSpec {
  readonly name: string;
  /** The arguments after `detc <name>`, for the usage line. */
  readonly synopsis: string;
  readonly summary: string;
  readonly options: readonly OptionSpec[];
}

/** A command's arguments, checked against its options (`detc <command> --help` names them). */
export function parseCommandArgs(command: CommandSpec, argv: readonly string[]): ParsedArgs {
  const byName = new Map(command.options.map((o) => [o.name, o]));
  const config = Object.fromEntries(
    command.options.map((o) => [o.name, { type: o.value ? ('string' as const) : ('boolean' as const), multiple: true, ...(o.short ? { short: o.short } : {}) }]),
  );
  // Not strict: the tokens are checked below, so that the messages can say what to do.
  const { tokens } = tokenize({ args: [...argv], options: config, strict: false, allowPositionals: true, tokens: true });
  const positionals: string[] = [];
  const options = new Map<string, string | true>();
  const lists = new Map<string, string[]>();
  const help = `detc ${command.name} --help lists its options`;
  for (const t of tokens) {
    if (t.kind === 'positional') positionals.push(t.value);
    if (t.kind !== 'option') continue;
    const spec = byName.get(t.name);
    if (!spec) {
      const suggestion = didYouMean(t.name, byName.keys()).replace(/'([^']*)'/, "'--$1'");
      throw new UsageError(`unknown option ${t.rawName}${suggestion}; ${help}`);
    }
    if (!spec.value) {
      if (t.value !== undefined) throw new UsageError(`--${t.name} takes no value, got '${t.value}'`);
      options.set(t.name, true);
      continue;
    }
    // `--events --now X` would read '--now' as the file: a value that looks like an option must be given as --events=VALUE.
    if (t.value === undefined || (!t.inlineValue && t.value.startsWith('--'))) throw new UsageError(`--${t.name} needs a value: ${spec.value}`);
    if (options.has(t.name) && !spec.repeatable) throw new UsageError(`--${t.name} given twice`);
    options.set(t.name, t.value);
    lists.set(t.name, [...(lists.get(t.name) ?? []), t.value]);
  }
  return { positionals, options, lists };
}

/** `detc <command> --help`: the usage line, what the command does and each option. */
export function commandHelp(command: CommandSpec): string {
  const left = (o: OptionSpec) => `${o.short ? `-${o.short}, ` : ''}--${o.name}${o.value ? ` ${o.value}` : ''}`;
  const width = Math.max(...command.options.map((o) => left(o).length));
  const lines = command.options.map((o) => `  ${left(o).padEnd(width)}  ${o.help}${o.repeatable ? ' (repeatable)' : ''}`);
  return `usage: detc ${command.name} ${command.synopsis}\n\n${command.summary}\n\noptions:\n${lines.join('\n')}`;
}
