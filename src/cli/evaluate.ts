/** `detc test` and `detc run`: the evaluator from the command line. */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import { alertsFor, alertSpec, eachAlert, type Alert, type RuleRun } from '../backends/js/alerts.js';
import { compileQuery } from '../backends/js/compile.js';
import { windowAdmission } from '../backends/js/event-time.js';
import { StrictEventsError, streamEvents, type StreamHandlers } from '../backends/js/events.js';
import { ReaderThreads, streamEventsInParallel } from '../backends/js/ndjson-parallel.js';
import { ExternalDataError } from '../backends/js/externaldata.js';
import { DataColumnError } from '../backends/js/data-columns.js';
import { DEFAULT_LIMITS, EvaluationLimitError, type EvaluationLimits } from '../backends/js/limits.js';
import { checkRuleFile } from '../compile.js';
import type { TableCatalog } from '../ir/tables.js';
import { hasErrors } from '../diagnostics/diagnostic.js';
import { terminalSafe } from '../diagnostics/terminal.js';
import { runRuleTests, type RuleTestResult } from '../ruletest/ruletest.js';
import { CLOCK_FORM, parseClock } from '../semantics/time.js';
import { UsageError, type ParsedArgs } from './args.js';
import type { CliIO } from './io.js';
import { CLI_SCRIPT, ruleFiles, workersOption } from './common.js';
import { progress } from './progress.js';
import { diagnosticsJson, machineReport, printDiagnostics, reportFormat, type FileReport } from './report.js';
import { InputReport } from './input-report.js';

/** Below this size a file is read on the main thread: starting threads would cost more. */
const PARALLEL_MIN_BYTES = 32 << 20;

/** The size of a file (0 if it cannot be read: the reader reports why). */
function fileBytes(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** --workers N, or by default one per core (at most 4) for NDJSON files of 32 MB and more. */
function readerThreads(option: string | boolean | undefined, eventsPath: string): number {
  const given = workersOption(option);
  if (given !== undefined) return given;
  if (eventsPath === '-' || availableParallelism() < 2) return 0;
  try {
    return statSync(eventsPath).size >= PARALLEL_MIN_BYTES ? Math.min(availableParallelism(), 4) : 0;
  } catch {
    return 0; // reported by the reader
  }
}

/**
 * What is wrong with reading the events file, from a file system error (undefined for any other
 * error). Errors of a read have no path: any file system error while reading is about this file.
 */
function fileProblem(e: unknown, path: string): string | undefined {
  const err = e as NodeJS.ErrnoException;
  if (typeof err?.code !== 'string' || typeof err.syscall !== 'string' || (err.path !== undefined && err.path !== path)) return undefined;
  const known: Record<string, string> = { ENOENT: 'no such file', EACCES: 'permission denied', EISDIR: 'it is a folder', ENOTDIR: 'a part of the path is not a folder' };
  return known[err.code] ?? err.message;
}

/**
 * `--externaldata URL=FILE` (repeatable): the local copy of a URL that `externaldata` reads; detc
 * never downloads. A relative FILE is relative to the current folder.
 */
function externalDataFiles(args: ParsedArgs): Record<string, string> | undefined {
  const given = args.lists.get('externaldata');
  if (!given) return undefined;
  const files: Record<string, string> = Object.create(null);
  for (const pair of given) {
    const at = pair.lastIndexOf('=');
    if (at <= 0 || at === pair.length - 1) throw new UsageError(`--externaldata takes URL=FILE (the local copy of a URL that externaldata reads), got '${pair}'`);
    files[pair.slice(0, at)] = resolve(pair.slice(at + 1));
  }
  return files;
}

/**
 * `detc test`: each rule file's sample-event tests. The report (as text: a line per test and the
 * totals; or --format json, sarif, junit) goes to stdout, the diagnostics to stderr.
 */
export function ruleTests(args: ParsedArgs, io: CliIO, tables: TableCatalog): number {
  const format = reportFormat(args.options.get('format'));
  const externalData = externalDataFiles(args);
  const files = ruleFiles(args.positionals, io);
  if (!files) return 2;
  const meter = progress(io, files.length, 'rules');
  const reports: (FileReport & { tests: RuleTestResult[] })[] = files.map((file, i) => {
    const r = checkRuleFile(file, { tables });
    const ran = r.rule && r.ir && !hasErrors(r.diagnostics) ? runRuleTests(r.rule, r.ir, undefined, externalData) : { results: [], diagnostics: [] };
    meter.update(i + 1);
    return { file: r.file, text: r.text, diagnostics: [...r.diagnostics, ...ran.diagnostics], tests: ran.results };
  });
  meter.end();
  printDiagnostics(reports, io);
  const broken = reports.filter((f) => hasErrors(f.diagnostics)).length;
  const all = reports.flatMap((f) => f.tests);
  const passed = all.filter((t) => t.passed).length;
  const failed = all.length - passed;
  const json = () => ({
    passed,
    failed,
    broken,
    files: reports.map((f) => ({ file: f.file, ok: !hasErrors(f.diagnostics) && f.tests.every((t) => t.passed), tests: f.tests.map(({ name, passed, failures }) => ({ name, passed, failures })), diagnostics: diagnosticsJson(f) })),
  });
  const report = machineReport(format, reports, 'test', json);
  if (report !== undefined) io.out(report);
  else {
    const mark = (ok: boolean) => (io.color ? (ok ? '\x1b[32m✓\x1b[0m' : '\x1b[31m✗\x1b[0m') : ok ? '✓' : '✗');
    for (const f of reports.filter((f) => f.tests.length)) {
      io.out(shown(f.file));
      for (const t of f.tests) io.out([`  ${mark(t.passed)} ${shown(t.name)}`, ...t.failures.map((line) => `      ${shown(line)}`)].join('\n'));
    }
  }
  // The summary is the text report; beside a document on stdout it goes to stderr.
  (report === undefined ? io.out : io.err)(`${passed} passed, ${failed} failed${broken ? ` (${broken} rule file(s) with errors)` : ''}`);
  return failed || broken ? 1 : 0;
}

export async function runCommand(args: ParsedArgs, io: CliIO, tables: TableCatalog): Promise<number> {
  const [ruleFile, ...extra] = args.positionals;
  if (!ruleFile || extra.length) throw new UsageError('give exactly one rule file: detc run <rule> --events <file|->');
  const eventsPath = args.options.get('events');
  if (typeof eventsPath !== 'string') throw new UsageError('--events <file|-> is required');
  const format = String(args.options.get('format') ?? (io.isTTY ? 'table' : 'ndjson'));
  if (!['table', 'ndjson', 'json'].includes(format)) throw new UsageError(`--format must be table, ndjson or json, got '${format}'`);
  const nowText = args.options.get('now');
  const now = typeof nowText === 'string' ? parseClock(nowText) : Date.now();
  if (now === undefined) throw new UsageError(`--now must be ${CLOCK_FORM}, got '${String(nowText)}'`);

  // Reader threads start first: their start-up overlaps the rule's compilation. They are stopped
  // however the run ends (the parallel read stops those it takes over itself).
  const limits = { maxGroups: positiveCount(args, 'max-groups', DEFAULT_LIMITS.maxGroups), maxRows: positiveCount(args, 'max-rows', DEFAULT_LIMITS.maxRows) };
  const threads = new ReaderThreads(readerThreads(args.options.get('workers'), eventsPath), CLI_SCRIPT);
  try {
    return await runRule({ ruleFile, tables, eventsPath, format, now, clockGiven: typeof nowText === 'string', args, limits }, threads, io);
  } catch (e) {
    if (!(e instanceof EvaluationLimitError || e instanceof ExternalDataError)) throw e;
    // A column the data does not make: point at the plugin in the rule's query.
    const at = e instanceof DataColumnError ? checkRuleFile(ruleFile, { tables }).rule?.queryMap(e.span.start) : undefined;
    const error = `${at ? `${ruleFile}:${at.line}:${at.col}: ` : ''}${e.message}`;
    // --format json: the error object on stdout, as for a run with no usable events.
    if (e instanceof DataColumnError && format === 'json') io.out(JSON.stringify({ error }, null, 2));
    io.err(`detc run: ${error}`);
    return 1;
  } finally {
    await threads.stop();
  }
}

interface RunRequest {
  readonly ruleFile: string;
  /** The workspace's tables and functions the rule is checked against. */
  readonly tables: TableCatalog;
  readonly eventsPath: string;
  readonly format: string;
  readonly now: number;
  /** --now was given: Sentinel's schedule window applies. */
  readonly clockGiven: boolean;
  readonly args: ParsedArgs;
  readonly limits: EvaluationLimits;
}

/** A whole number of at least 1 given as --NAME, or the default. */
function positiveCount(args: ParsedArgs, name: string, fallback: number): number {
  const text = args.options.get(name);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (typeof text !== 'string' || !/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < 1) throw new UsageError(`--${name} must be a whole number of at least 1, got '${String(text)}'`);
  return n;
}

/** The rule checked, compiled and run over the events, with the reader threads started for it. */
async function runRule(run: RunRequest, threads: ReaderThreads, io: CliIO): Promise<number> {
  const r = checkRuleFile(run.ruleFile, { tables: run.tables });
  if (!r.rule || !r.ir || hasErrors(r.diagnostics)) {
    printDiagnostics([r], io);
    return 1;
  }
  const query = compileQuery(r.ir);
  // Sentinel's schedule window (queryPeriod before --now) applies when a clock is given; without
  // one, every event in the file is seen and ago()/now() use the current time.
  const windowed = run.clockGiven && !run.args.options.has('no-window');
  const runOptions = { now: run.now, windowMs: windowed ? r.rule.queryPeriodMs : undefined, limits: run.limits, externalData: externalDataFiles(run.args) };
  const session = query.open(runOptions);
  const admit = windowAdmission(r.ir, runOptions);
  const strict = run.args.options.has('strict');
  const source = run.eventsPath === '-' ? 'stdin' : run.eventsPath;
  // What goes to stderr quotes event text and file names: escaped here, once.
  const say = (text: string) => io.err(terminalSafe(text));
  const report = new InputReport(source, admit && [run.now - runOptions.windowMs!, run.now], say);
  let bytes = 0;
  const meter = progress(io, run.eventsPath === '-' ? 0 : fileBytes(run.eventsPath), 'bytes');
  // Lines that cannot pass the rule's first filters are skipped unparsed, unless every line must
  // be checked (--strict, --parse-all).
  const parseAll = strict || run.args.options.has('parse-all');
  const handlers: StreamHandlers = {
    onEvent: (e) => {
      report.kept++;
      session.push(e);
    },
    onBad: (b) => {
      if (strict) throw new StrictEventsError({ line: b.line, message: b.message }, source);
      report.bad(b);
    },
    onInvalidUtf8: (line) => {
      if (strict) throw new StrictEventsError({ line, message: 'not valid UTF-8' }, source);
      report.invalidUtf8(line);
    },
    admit,
    onDrop: (d) => {
      if (strict && d.reason !== 'outsideWindow') {
        throw new StrictEventsError({ line: d.line ?? 0, message: `${d.element === undefined ? '' : `element ${d.element}: `}dropped: ${d.detail}` }, source);
      }
      report.drop(d);
    },
    onBytes: (n) => {
      bytes += n;
      meter.update(bytes);
    },
    mayMatch: parseAll ? undefined : query.rawTextFilter,
    onSkipped: () => void report.notParsed++,
    onDropped: (n) => void (report.kept += n),
  };
  try {
    if (threads.workers.length > 0) await streamEventsInParallel(run.eventsPath, handlers, { threads, ir: r.ir, run: runOptions, parseAll, replay: session.replay });
    else await streamEvents(run.eventsPath, handlers);
  } catch (e) {
    const reason = fileProblem(e, run.eventsPath);
    if (reason) throw new UsageError(`cannot read the events file ${run.eventsPath}: ${reason}`);
    throw e;
  } finally {
    meter.end();
  }
  for (const line of report.more()) say(line);
  if (report.unusable) {
    // Nothing could be evaluated: 0 alerts would say "no detection", which the input cannot tell.
    const error = `no usable events in ${source}: ${report.summary()}. Give NDJSON (one JSON object per line), a JSON array, or JSON documents (events or {"records": [...]})${admit ? ', with TimeGenerated as ISO 8601 text or a number of milliseconds since 1970' : ''}.`;
    if (run.format === 'json') io.out(JSON.stringify({ error, input: report }, null, 2));
    say(`detc run: ${error}`);
    return 1;
  }
  if (report.kept === 0 && report.notParsed > 0) {
    // Every line was skipped unparsed: right when they are events the rule does not match, but a
    // file of another shape (other column names) looks the same, so say how to check it.
    say(`${source}: no event could pass the rule's first filters, so none was parsed; --parse-all parses and checks every line`);
  }
  const result = session.end();
  // NDJSON is written as the alerts are made, a thousand per write, none kept: on large results
  // keeping them all cost more in garbage collection than making them.
  const alertCount = run.format === 'ndjson' ? writeNdjson(eachAlert(alertSpec(r.rule), result), io) : printRun(alertsFor(alertSpec(r.rule), result), run.format, io, report);
  say(`${source}: ${report.summary()}; ${result.rows.length} result rows, ${alertCount} alert(s)`);
  return 0;
}

/** Alerts as NDJSON, a write per thousand (one per line costs more than the JSON); how many. */
function writeNdjson(alerts: Iterable<Alert>, io: CliIO): number {
  let count = 0;
  let batch: string[] = [];
  for (const a of alerts) {
    batch.push(JSON.stringify(a));
    count++;
    if (batch.length === 1000) {
      io.out(batch.join('\n'));
      batch = [];
    }
  }
  if (batch.length) io.out(batch.join('\n'));
  return count;
}

/** The run as JSON or as text; how many alerts. */
function printRun(run: RuleRun, format: string, io: CliIO, input: InputReport): number {
  if (format === 'json') {
    io.out(JSON.stringify({ triggered: run.triggered, alerts: run.alerts, input }, null, 2));
    return run.alerts.length;
  }
  for (const [i, a] of run.alerts.entries()) {
    io.out(`alert ${i + 1}: ${shown(a.displayName)} [${shown(a.severity)}]`);
    for (const { entityType, ...ids } of a.entities) io.out(`  ${shown(entityType)}: ${Object.entries(ids).map(([k, v]) => `${shown(k)}=${shown(v)}`).join(', ')}`);
    io.out(table(a.rows));
  }
  if (run.alerts.length === 0) io.out('no alerts');
  return run.alerts.length;
}

/**
 * A value from events or the rule as text for the terminal, its control characters escaped so
 * that none can move the cursor, retitle the terminal or start a line of its own.
 */
const shown = (v: unknown): string => terminalSafe(typeof v === 'string' ? v : JSON.stringify(v) ?? String(v));

/** A plain text table of rows (values cut to 40 characters). */
function table(rows: Record<string, unknown>[]): string {
  if (rows.length === 0) return '';
  const cols = Object.keys(rows[0]!);
  const cell = (v: unknown) => {
    const s = v === undefined ? '' : shown(v);
    return s.length > 40 ? `${s.slice(0, 39)}…` : s;
  };
  const widths = cols.map((c) => Math.max(shown(c).length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]) => '  ' + vals.map((v, i) => v.padEnd(widths[i]!)).join('  ');
  return [line(cols.map(shown)), line(widths.map((w) => '-'.repeat(w))), ...rows.map((r) => line(cols.map((c) => cell(r[c]))))].join('\n');
}
