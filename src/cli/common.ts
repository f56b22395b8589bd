/** Shared by the CLI commands: the rule files of the paths given, options, detc's version. */
import { findRuleFiles } from '../compile.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../paths.js';
import { UsageError } from './args.js';
import type { CliIO } from './io.js';

/** The CLI's entry point, which its worker threads run too (bin/detc.js: `detc run`'s NDJSON readers). */
export const CLI_SCRIPT = join(PACKAGE_ROOT, 'bin', 'detc.js');

/** `--workers N` (reader threads of `detc run`): undefined when not given. */
export function workersOption(option: string | boolean | undefined): number | undefined {
  if (option === undefined) return undefined;
  const n = Number(option);
  if (!Number.isInteger(n) || n < 0 || n > 64) throw new UsageError(`--workers must be a whole number from 0 to 64, got '${String(option)}'`);
  return n;
}

/** The rule files and folders a command reads: the ones given, or rules/. */
export function rulePaths(positionals: readonly string[]): readonly string[] {
  return positionals.length ? positionals : ['rules'];
}

/** Rule files under the given paths (default rules/); undefined, after a message, if one is missing. */
export function ruleFiles(paths: readonly string[], io: CliIO): string[] | undefined {
  const { files, missing } = findRuleFiles(rulePaths(paths));
  if (missing.length) {
    io.err(`detc: no such file or folder: ${missing.join(', ')}`);
    return undefined;
  }
  return files;
}

/** detc's version, from its package.json. */
export function detcVersion(): string {
  return (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}
