/**
 * `detc check | build`: a thin layer over the library. Every user mistake ends as a diagnostic and
 * an exit code, never a stack trace.
 */
import { resolve } from 'node:path';
import { validateKql, emitKql } from '../backends/kql/index.js';
import { acquireLock, OutputLockedError, writeAtomically } from '../build/output.js';
import { buildRules, TARGETS, type Target } from '../build/build.js';
import { findRuleFiles, type FrontEndResult } from '../compile.js';
import { checkPaths, printDiagnostics } from './common.js';
import { hasErrors, type Diagnostic } from '../diagnostics/diagnostic.js';
import { diagnosticToJson, formatDiagnostic } from '../diagnostics/format.js';
import { loadTables } from '../ir/tables.js';
import { parseArgs, UsageError } from './args.js';
import { runCommand, ruleTests } from './evaluate.js';
import { StrictEventsError } from '../backends/js/events.js';
import { processIO, type CliIO } from './io.js';

const USAGE = `detc: compile Sentinel-style detection rules to KQL, QRadar AQL and JavaScript

usage:
  detc check [paths...] [--format text|json] [--no-kusto]
      validate, parse and bind rules, and check their KQL with Kusto.Language (default path: rules)
  detc build [paths...] [--target ${TARGETS.join('|')}|all]... [--out dist]
      compile rules into the output folder; all or nothing
  detc test [paths...]
      run the sample-event tests in the rules' tests: sections
  detc run <rule> --events <file|-> [--now <ISO date>] [--no-window] [--format table|ndjson|json] [--strict]
      evaluate a rule on events (NDJSON or a JSON array) and print its alerts

Exit codes: 0 ok, 1 errors in rules, 2 usage error.`;

export async function main(argv: readonly string[], io: CliIO = processIO): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'check':
        return check(rest, io);
      case 'build':
        return await build(rest, io);
      case 'test':
        return ruleTests(rest, io);
      case 'run':
        return await runCommand(rest, io);
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
    if (e instanceof StrictEventsError) {
      io.err(`detc ${command}: ${e.message} (--strict stops at the first bad line)`);
      return 1;
    }
    if (e instanceof OutputLockedError) {
      io.err(`detc ${command}: ${e.message}`);
      return 1;
    }
    throw e;
  }
}

function check(argv: readonly string[], io: CliIO): number {
  const args = parseArgs(argv, { flags: ['no-kusto'], values: ['format'] });
  const format = args.options.get('format') ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, got '${String(format)}'`);
  const results = checkPaths(args.positionals.length ? args.positionals : ['rules'], io);
  if (!results) return 2;
  const extra = new Map<FrontEndResult, Diagnostic[]>();
  if (!args.options.has('no-kusto')) {
    const tables = loadTables();
    for (const r of results) if (r.ir && r.rule && !hasErrors(r.diagnostics)) extra.set(r, validateKql(r.rule, emitKql(r.ir), tables));
  }
  const all = results.map((r) => ({ ...r, diagnostics: [...r.diagnostics, ...(extra.get(r) ?? [])] }));
  const diagnostics = all.flatMap((r) => r.diagnostics);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  if (format === 'json') {
    io.out(JSON.stringify({ rules: all.map((r) => ({ file: r.file, id: r.rule?.id, ok: !hasErrors(r.diagnostics) })), diagnostics: diagnostics.map(diagnosticToJson) }, null, 2));
  } else {
    printDiagnostics(all, io);
    io.out(summary('checked', all, diagnostics));
  }
  return errors ? 1 : 0;
}

async function build(argv: readonly string[], io: CliIO): Promise<number> {
  const args = parseArgs(argv, { flags: [], values: ['target', 'out'] });
  const out = String(args.options.get('out') ?? 'dist');
  const targets = parseTargets(argv);
  const { files, missing } = findRuleFiles(args.positionals.length ? args.positionals : ['rules']);
  if (missing.length) {
    io.err(`detc: no such file or folder: ${missing.join(', ')}`);
    return 2;
  }
  const result = await buildRules(files, targets);
  const all = [...result.results.map((r) => ({ file: r.file, text: r.text, diagnostics: r.diagnostics }))];
  printDiagnostics(all, io);
  for (const d of result.diagnostics) io.out(formatDiagnostic(d, result.results.find((r) => r.file === d.file)?.text, io.color) + '\n');
  const diagnostics = [...all.flatMap((r) => r.diagnostics), ...result.diagnostics];
  if (!result.ok) {
    io.out(`${summary('build failed:', all, diagnostics)}; nothing was written to ${out}`);
    return 1;
  }
  const release = await acquireLock(out);
  try {
    writeAtomically(out, result.artifacts);
  } finally {
    release();
  }
  io.out(`built ${files.length} rule${files.length === 1 ? '' : 's'} for ${targets.join(', ')}: ${result.artifacts.length} files in ${resolve(out)}`);
  return 0;
}

/** `--target kql --target aql`, `--target kql,aql` or `--target all` (the default). */
function parseTargets(argv: readonly string[]): Target[] {
  const given: string[] = [];
  argv.forEach((a, i) => {
    if (a === '--target' && argv[i + 1]) given.push(...argv[i + 1]!.split(','));
    else if (a.startsWith('--target=')) given.push(...a.slice('--target='.length).split(','));
  });
  if (given.length === 0 || given.includes('all')) return [...TARGETS];
  for (const t of given) if (!(TARGETS as readonly string[]).includes(t)) throw new UsageError(`unknown target '${t}' (targets: ${TARGETS.join(', ')}, all)`);
  return [...new Set(given)] as Target[];
}

function summary(verb: string, results: readonly { diagnostics: Diagnostic[] }[], diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const failed = results.filter((r) => hasErrors(r.diagnostics)).length;
  const n = results.length;
  return `${verb} ${n} rule${n === 1 ? '' : 's'}: ${n - failed} ok, ${failed} with errors (${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'})`;
}

