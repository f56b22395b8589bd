/**
 * `detc check | build | test | run`: a thin layer over the library. Every user mistake ends as a
 * diagnostic and an exit code, never a stack trace.
 */
import { diagnosticToJson, formatDiagnostic } from '../diagnostics/format.js';
import { checkRuleFile, findRuleFiles, type FrontEndResult } from '../compile.js';
import { parseArgs, UsageError } from './args.js';
import { processIO, type CliIO } from './io.js';

const USAGE = `detc: compile Sentinel-style detection rules to KQL, QRadar AQL and JavaScript

usage:
  detc check [paths...] [--format text|json]   validate, parse and bind rules (default path: rules)

Exit codes: 0 ok, 1 errors in rules, 2 usage error.`;

export async function main(argv: readonly string[], io: CliIO = processIO): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'check':
        return check(rest, io);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE);
        return command === undefined ? 2 : 0;
      default:
        io.err(`detc: unknown command '${command}'\n\n${USAGE}`);
        return 2;
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`detc ${command}: ${e.message}`);
      return 2;
    }
    throw e;
  }
}

function check(argv: readonly string[], io: CliIO): number {
  const args = parseArgs(argv, { flags: [], values: ['format'] });
  const format = args.options.get('format') ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, got '${String(format)}'`);
  const results = checkPaths(args.positionals.length ? args.positionals : ['rules'], io);
  if (!results) return 2;
  const diagnostics = results.flatMap((r) => r.diagnostics);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  if (format === 'json') {
    io.out(JSON.stringify({ rules: results.map((r) => ({ file: r.file, id: r.rule?.id, ok: !r.diagnostics.some((d) => d.severity === 'error') })), diagnostics: diagnostics.map(diagnosticToJson) }, null, 2));
  } else {
    printDiagnostics(results, io);
    const failed = results.filter((r) => r.diagnostics.some((d) => d.severity === 'error')).length;
    const warnings = diagnostics.length - errors;
    io.out(`checked ${results.length} rule${results.length === 1 ? '' : 's'}: ${results.length - failed} ok, ${failed} with errors (${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'})`);
  }
  return errors ? 1 : 0;
}

/** Front end over files and folders; undefined (after a message) when a path does not exist. */
export function checkPaths(paths: readonly string[], io: CliIO): FrontEndResult[] | undefined {
  const { files, missing } = findRuleFiles(paths);
  if (missing.length) {
    io.err(`detc: no such file or folder: ${missing.join(', ')}`);
    return undefined;
  }
  return files.map((f) => checkRuleFile(f));
}

export function printDiagnostics(results: readonly FrontEndResult[], io: CliIO): void {
  for (const r of results) for (const d of r.diagnostics) io.out(formatDiagnostic(d, r.text, io.color) + '\n');
}
