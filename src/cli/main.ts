/**
 * `detc check | build | test | run`: a thin layer over the library. Every user mistake ends as a
 * diagnostic and an exit code, never a stack trace.
 */
import { resolve } from 'node:path';
import { ndjsonWorker } from '../backends/js/ndjson-parallel.js';
import { COMBINED_ARM_TEMPLATE } from '../backends/kql/index.js';
import { useKustoCache } from '../backends/kql/kusto-cache.js';
import { DEFAULT_MAPPINGS_DIR, MappingError } from '../backends/aql/mapping.js';
import { StrictEventsError } from '../backends/js/events.js';
import type { Artifact } from '../backends/types.js';
import { buildRules, TARGETS, type BuildOptions, type BuildResult, type Target } from '../build/build.js';
import { acquireLock, OutputError, OutputLockedError, OutputRefusedError, StagedOutput } from '../build/output.js';
import { didYouMean, hasErrors, type Diagnostic } from '../diagnostics/diagnostic.js';
import { APPROXIMATIONS } from '../backends/aql/translate.js';
import { diagnosticToJson, formatDiagnostic } from '../diagnostics/format.js';
import { terminalSafe } from '../diagnostics/terminal.js';
import { loadWorkspace, type Workspace } from '../workspace/workspace.js';
import { commandHelp, parseCommandArgs, UsageError, type CommandSpec, type ParsedArgs } from './args.js';
import { BUILD, CHECK, COMMANDS, RUN, TEST, usage } from './commands.js';
import { detcVersion, rulePaths, ruleFiles } from './common.js';
import { runCommand, ruleTests } from './evaluate.js';
import { progress } from './progress.js';
import { diagnosticsJson, machineReport, printDiagnostics, reportFormat, type ReportFormat } from './report.js';
import { processIO, type CliIO } from './io.js';

/** bin/detc.js runs this in a worker thread: an NDJSON reader thread of `detc run`. */
export function threadMain(): void {
  ndjsonWorker();
}

export async function main(argv: readonly string[], io: CliIO = processIO): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'check':
        return await inWorkspace(CHECK, rest, io, (args, ws) => compile(args, io, false, ws));
      case 'build':
        return await inWorkspace(BUILD, rest, io, (args, ws) => compile(args, io, true, ws));
      case 'test':
        return await inWorkspace(TEST, rest, io, (args, ws) => ruleTests(args, io, ws.tables));
      case 'run':
        return await inWorkspace(RUN, rest, io, (args, ws) => runCommand(args, io, ws.tables));
      case '--version':
      case 'version':
        io.out(`detc ${detcVersion()}`);
        return 0;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(usage());
        return command === undefined ? 2 : 0;
      default:
        io.err(`detc: unknown command '${terminalSafe(command)}'${didYouMean(command, COMMANDS.map((c) => c.name))}\n\n${usage()}`);
        return 2;
    }
  } catch (e) {
    // Messages quote what the user gave (options, paths, event text): escaped here, once.
    const say = (text: string) => io.err(`detc ${command}: ${terminalSafe(text)}`);
    if (e instanceof UsageError || e instanceof MappingError || e instanceof OutputRefusedError) {
      say(e.message);
      return 2;
    }
    if (e instanceof StrictEventsError) {
      say(`${e.message} (--strict stops at the first bad line or unusable event)`);
      return 1;
    }
    if (e instanceof OutputLockedError || e instanceof OutputError) {
      say(e.message);
      return 1;
    }
    throw e;
  }
}

/**
 * Run a command in its workspace (the config file's and --tables' tables over the built-in ones):
 * its tables are what rules are checked against for the length of the command. Problems in the
 * config or table files are printed first; errors among them stop the command (exit 2).
 */
async function inWorkspace(command: CommandSpec, argv: readonly string[], io: CliIO, run: (args: ParsedArgs, ws: Workspace) => number | Promise<number>): Promise<number> {
  const args = parseCommandArgs(command, argv);
  if (args.options.has('help')) {
    io.out(commandHelp(command));
    return 0;
  }
  const list = (name: string) => args.lists.get(name) ?? [];
  const ws = loadWorkspace({ tablePaths: list('tables'), functionPaths: list('functions'), watchlistPaths: list('watchlists'), noConfig: args.options.has('no-config') });
  for (const d of ws.diagnostics) io.err(formatDiagnostic(d, undefined, io.color));
  if (hasErrors(ws.diagnostics)) {
    io.err(`detc ${command.name}: stopped by the errors above${ws.configFile ? ` (--no-config ignores ${ws.configFile})` : ''}`);
    workspaceReport(command, args, ws.diagnostics, io);
    return 2;
  }
  return await run(args, ws);
}

/**
 * With --format json|sarif|junit, check and test still print their report when the workspace
 * (config, table or function files) stops them: a CI step that uploads it shows those errors at
 * their lines instead of failing on an empty file.
 */
function workspaceReport(command: CommandSpec, args: ParsedArgs, diagnostics: readonly Diagnostic[], io: CliIO): void {
  const format = args.options.get('format');
  if ((command.name !== 'check' && command.name !== 'test') || (format !== 'json' && format !== 'sarif' && format !== 'junit')) return;
  const byFile = new Map<string, Diagnostic[]>();
  for (const d of diagnostics) byFile.set(d.file ?? '', [...(byFile.get(d.file ?? '') ?? []), d]);
  const files = [...byFile].map(([file, ds]) => ({ file, diagnostics: ds }));
  io.out(machineReport(format, files, command.name, () => ({ error: 'stopped by errors in the workspace files', diagnostics: diagnostics.map(diagnosticToJson) }))!);
}

/** `check` (write nothing) and `build` (write all or nothing). */
async function compile(args: ParsedArgs, io: CliIO, write: boolean, ws: Workspace): Promise<number> {
  const format = reportFormat(args.options.get('format'), write ? ['text', 'json'] : undefined);
  const { targets, aqlNamed } = parseTargets(args, ws.config?.targets);
  const inputs = rulePaths(args.positionals);
  const files = ruleFiles(inputs, io);
  if (!files) return 2;
  // The config's mapping paths first, then --qradar-mappings: later files override earlier ones.
  const mappings = [...(ws.config?.qradarMappings.map((p) => p.path) ?? []), ...(args.lists.get('qradar-mappings') ?? [])];
  const meter = progress(io, files.length, 'rules');
  const options: BuildOptions = {
    tables: ws.tables,
    onRuleDone: (done) => meter.update(done),
    skipKusto: args.options.has('no-kusto'),
    artifacts: write,
    aql: {
      allow: approximationsAllowed(args.lists.get('allow-approximation') ?? []),
      required: aqlNamed,
      // The user's mapping folders override the bundled files table by table.
      mappingDirs: mappings.length ? [DEFAULT_MAPPINGS_DIR, ...mappings] : undefined,
    },
  };
  const out = String(args.options.get('out') ?? 'dist');
  // A build writes each artifact to a staging folder as it is made; only a build that succeeds
  // puts the folder in place of `out`. A folder it may not replace is refused before compiling.
  const staged = write ? new StagedOutput(out, { inputs }) : undefined;
  const cache = args.options.get('cache');
  useKustoCache(args.options.has('no-cache') ? false : typeof cache === 'string' ? cache : undefined);
  try {
    const result = await buildRules(files, targets, options, staged && ((a: Artifact) => staged.writeLater(a)));
    meter.end(); // before the report
    return await finishBuild(result, { io, format, out, targets, staged });
  } finally {
    meter.end();
    useKustoCache(undefined);
    await staged?.close();
  }
}

/**
 * Report a check or build: the diagnostics on stderr, the report (the summary, or the --format
 * document) on stdout; a build that succeeded replaces the output folder with its staging folder.
 */
async function finishBuild(
  result: BuildResult,
  { io, format, out, targets, staged }: { io: CliIO; format: ReportFormat; out: string; targets: readonly Target[]; staged?: StagedOutput },
): Promise<number> {
  const write = staged !== undefined;
  const perFile = byFile(result);
  const diagnostics = perFile.flatMap((r) => r.diagnostics);
  printDiagnostics(perFile, io);
  const json = () => ({ rules: perFile.map((r) => ({ file: r.file, ok: !hasErrors(r.diagnostics) })), diagnostics: perFile.flatMap(diagnosticsJson) });
  const report = machineReport(format, perFile, 'check', json);
  if (report !== undefined) io.out(report);
  // The summary is the text report; beside a document on stdout it goes to stderr.
  const say = report === undefined ? io.out : io.err;
  if (!result.ok) {
    say(`${summary(write ? 'build failed:' : 'checked', perFile, diagnostics)}${write ? `; nothing was written to ${out}` : ''}`);
    return 1;
  }
  if (!staged) {
    say(summary('checked', perFile, diagnostics));
    const skipped = skippedForAql(result);
    if (skipped) say(`  ${skipped} not compiled to QRadar AQL (see the warnings): --target kql,js (or targets: in detc.config.yaml) leaves QRadar out; --target aql makes a table without a mapping an error (a rule's targets.qradar.skip stays a warning)`);
    return 0;
  }
  await staged.settle();
  const release = await acquireLock(out);
  try {
    staged.commit();
  } finally {
    release();
  }
  say(`${summary('built', perFile, diagnostics)} for ${targets.join(', ')}: ${result.paths.length} files in ${resolve(out)}`);
  for (const line of artifactSummary(result, targets)) say(`  ${line}`);
  return 0;
}

/** One line per target: what was written, and how many rules a target skipped. */
function artifactSummary(result: BuildResult, targets: readonly Target[]): string[] {
  const count = (suffix: string) => result.paths.filter((p) => p.endsWith(suffix)).length;
  const skipped = skippedForAql(result);
  const lines: string[] = [];
  if (targets.includes('kql')) lines.push(`kql: ${count('.kql')} queries, ${count('.yaml')} Sentinel rule files, ${count('.json') - count('.ariel.json') - count('report.json')} ARM templates (one per rule and ${COMBINED_ARM_TEMPLATE})`);
  if (targets.includes('aql')) lines.push(`aql: ${count('.aql')} QRadar queries with Ariel API bodies${skipped ? `; ${skipped} not meant for QRadar (see the warnings)` : ''}`);
  if (targets.includes('js')) lines.push(`js:  ${count('.mjs')} evaluator modules with their type declarations (.d.mts)`);
  return lines;
}

/** How many rules the AQL backend left out (a warning each): `1 rule`, `2 rules`, or '' for none. */
function skippedForAql(result: BuildResult): string {
  const n = result.diagnostics.filter((d) => d.code === 'DTC5003').length;
  return n ? `${n} rule${n === 1 ? '' : 's'}` : '';
}

/** Front-end and backend diagnostics, grouped by rule file (backend ones carry their file). */
function byFile(result: BuildResult): { file: string; text?: string; diagnostics: Diagnostic[] }[] {
  const backend = new Map<string | undefined, Diagnostic[]>();
  for (const d of result.diagnostics) backend.get(d.file)?.push(d) ?? backend.set(d.file, [d]);
  return result.results.map((r) => ({ file: r.file, text: r.text, diagnostics: [...r.diagnostics, ...(backend.get(r.file) ?? [])] }));
}

/** --allow-approximation names, each one the AQL backend knows (a misspelt name would allow nothing). */
function approximationsAllowed(names: readonly string[]): readonly string[] {
  const known = Object.keys(APPROXIMATIONS);
  for (const n of names) if (!known.includes(n)) throw new UsageError(`unknown approximation '${terminalSafe(n)}'${didYouMean(n, known)} (approximations: ${known.join(', ')})`);
  return names;
}

/**
 * The targets (`--target kql --target aql`, `--target kql,aql` or `--target all`; else the config's
 * targets, else all), and whether AQL was named (not only through `all` or the default): a table
 * without a QRadar mapping is then an error.
 */
function parseTargets(args: ParsedArgs, configTargets: readonly string[] = []): { targets: Target[]; aqlNamed: boolean } {
  const given = (args.lists.get('target') ?? [...configTargets]).flatMap((t) => t.split(','));
  const aqlNamed = given.includes('aql');
  if (given.length === 0 || given.includes('all')) return { targets: [...TARGETS], aqlNamed };
  for (const t of given) if (!(TARGETS as readonly string[]).includes(t)) throw new UsageError(`unknown target '${t}' (targets: ${TARGETS.join(', ')}, all)`);
  return { targets: [...new Set(given)] as Target[], aqlNamed };
}

function summary(verb: string, results: readonly { diagnostics: Diagnostic[] }[], diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const failed = results.filter((r) => hasErrors(r.diagnostics)).length;
  const n = results.length;
  return `${verb} ${n} rule${n === 1 ? '' : 's'}: ${n - failed} ok, ${failed} with errors (${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'})`;
}
