/**
 * Rule tests: the `tests:` key of a rule file. Each test names events (inline, or a file relative
 * to the rule: NDJSON or a JSON array), a `now`, and expectations:
 *   alerts: N            number of alerts
 *   rows: [ {...} ]      each of these partial rows must appear in the result
 *   absent: [ {...} ]    no result row may match any of these
 *   rowCount: N          number of result rows
 * Arrays in expected values compare as sets (make_set's order is undefined in Kusto).
 */
import { dirname, resolve } from 'node:path';
import { alertsFor, alertSpec, type RuleRun } from '../backends/js/alerts.js';
import { compileQuery, type CompiledQuery } from '../backends/js/compile.js';
import { windowAdmission } from '../backends/js/event-time.js';
import { readEventsFile } from '../backends/js/events.js';
import { ExternalDataError } from '../backends/js/externaldata.js';
import { DataColumnError } from '../backends/js/data-columns.js';
import { EvaluationLimitError } from '../backends/js/limits.js';
import { makeDiagnostic, type Diagnostic, type Position } from '../diagnostics/diagnostic.js';
import { terminalSafe } from '../diagnostics/terminal.js';
import type { QueryIR } from '../ir/types.js';
import { positionOf } from '../rule/load.js';
import type { Rule } from '../rule/types.js';
import { CLOCK_FORM, parseClock } from '../semantics/time.js';

export interface RuleTestResult {
  readonly name: string;
  readonly passed: boolean;
  /** What differed, one line each. */
  readonly failures: string[];
  readonly run?: RuleRun;
  /** Where the test is written in the rule file (for reports that point at it: SARIF). */
  readonly at: { readonly file: string; readonly start: Position; readonly end?: Position };
}

interface TestSpec {
  name?: unknown;
  now?: unknown;
  events?: unknown;
  window?: unknown;
  expect?: { alerts?: unknown; rows?: unknown; absent?: unknown; rowCount?: unknown };
}

/** `externalData`: local copies of the URLs `externaldata` reads (URL -> file). */
export function runRuleTests(rule: Rule, ir: QueryIR, query: CompiledQuery = compileQuery(ir), externalData?: Readonly<Record<string, string>>): { results: RuleTestResult[]; diagnostics: Diagnostic[] } {
  const specs = (rule.raw.tests as TestSpec[] | undefined) ?? [];
  const results: RuleTestResult[] = [];
  const diagnostics: Diagnostic[] = [];
  const at = (i: number, key?: string) => ({ file: rule.source.file, ...positionOf(rule.source, key ? ['tests', i, key] : ['tests', i]) });
  specs.forEach((t, i) => {
    const name = typeof t.name === 'string' ? t.name : `test ${i + 1}`;
    const now = typeof t.now === 'string' ? parseClock(t.now) : typeof t.now === 'number' && Number.isFinite(t.now) ? t.now : undefined;
    if (now === undefined) {
      diagnostics.push(makeDiagnostic('TestFailed', [`${name}: 'now' must be ${CLOCK_FORM} (or a number of milliseconds since 1970)`], at(i, 'now')));
      return;
    }
    const options = { now, windowMs: t.window === false ? undefined : rule.queryPeriodMs, externalData };
    // Events the window cannot place (no usable TimeGenerated) make the test broken, not quietly
    // smaller: a test expecting no alert would otherwise pass on events the rule never saw.
    const admit = windowAdmission(ir, options);
    const unplaced = (where: string, detail: string | undefined) =>
      diagnostics.push(makeDiagnostic('BadEvents', [`${where}: ${terminalSafe(detail ?? '')}; the rule's window (queryPeriod before 'now') needs TimeGenerated as ISO 8601 text or a number of milliseconds since 1970 (or set window: false)`], at(i, 'events')));
    let events: unknown[];
    if (typeof t.events === 'string') {
      const path = resolve(dirname(rule.source.file), t.events);
      try {
        const read = readEventsFile(path, admit);
        // Messages quote event text: shown escaped, as everything from events on a terminal.
        for (const b of read.bad) diagnostics.push(makeDiagnostic('BadEvents', [`${t.events}:${b.line}: ${terminalSafe(b.message)}`], at(i, 'events')));
        for (const line of read.invalidUtf8) diagnostics.push(makeDiagnostic('BadEvents', [`${t.events}:${line}: not valid UTF-8 (save the file as UTF-8)`], at(i, 'events')));
        for (const d of read.drops) if (d.reason !== 'outsideWindow') unplaced(`${t.events}:${d.line}${d.element === undefined ? '' : ` (element ${d.element})`}`, d.detail);
        if (read.events.length + read.drops.length === 0 && read.bad.length === 0) diagnostics.push(makeDiagnostic('BadEvents', [`${t.events} holds no events`], at(i, 'events')));
        events = read.events;
      } catch (e) {
        diagnostics.push(makeDiagnostic('BadEvents', [`cannot read events file ${t.events}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`], at(i, 'events')));
        return;
      }
    } else if (Array.isArray(t.events)) {
      events = t.events.filter((e: unknown, k) => {
        const drop = e !== null && typeof e === 'object' && !Array.isArray(e) ? admit?.(e) : undefined;
        if (drop && drop.reason !== 'outsideWindow') unplaced(`event ${k + 1}`, drop.detail);
        return drop === undefined;
      });
    } else {
      diagnostics.push(makeDiagnostic('TestFailed', [`${name}: 'events' must be a file path or a list of events`], at(i)));
      return;
    }
    let run: RuleRun;
    try {
      run = alertsFor(alertSpec(rule), query.run(events, options));
    } catch (e) {
      // A limit reached on the test's events is a failed test with its reason, not a crash.
      if (!(e instanceof EvaluationLimitError || e instanceof ExternalDataError)) throw e;
      // A column the data does not make: the message points at the plugin in the rule's query.
      const where = e instanceof DataColumnError ? rule.queryMap(e.span.start) : undefined;
      results.push({ name, passed: false, failures: [where ? `${rule.source.file}:${where.line}:${where.col}: ${e.message}` : e.message], at: at(i) });
      return;
    }
    const failures = check(t.expect ?? {}, run);
    results.push({ name, passed: failures.length === 0, failures, run, at: at(i) });
  });
  return { results, diagnostics };
}

function check(expect: NonNullable<TestSpec['expect']>, run: RuleRun): string[] {
  const failures: string[] = [];
  const rows = run.result.rows;
  if (typeof expect.alerts === 'number' && run.alerts.length !== expect.alerts) {
    failures.push(`expected ${expect.alerts} alert(s), got ${run.alerts.length}`);
  }
  if (typeof expect.rowCount === 'number' && rows.length !== expect.rowCount) {
    failures.push(`expected ${expect.rowCount} result row(s), got ${rows.length}`);
  }
  for (const want of (Array.isArray(expect.rows) ? expect.rows : []) as Record<string, unknown>[]) {
    if (!rows.some((r) => matches(r, want))) {
      const nearest = closestRow(rows, want);
      failures.push(`missing row ${JSON.stringify(want)}${nearest ? `\n      closest row: ${diff(nearest, want)}` : ' (the result is empty)'}`);
    }
  }
  for (const unwanted of (Array.isArray(expect.absent) ? expect.absent : []) as Record<string, unknown>[]) {
    const hit = rows.find((r) => matches(r, unwanted));
    if (hit) failures.push(`unexpected row matching ${JSON.stringify(unwanted)}: ${JSON.stringify(hit)}`);
  }
  return failures;
}

export function matches(row: Record<string, unknown>, want: Record<string, unknown>): boolean {
  return Object.entries(want).every(([k, v]) => Object.prototype.hasOwnProperty.call(row, k) && sameValue(row[k], v));
}

function sameValue(actual: unknown, expected: unknown): boolean {
  if (Array.isArray(actual) && Array.isArray(expected)) {
    const norm = (a: unknown[]) => a.map((x) => JSON.stringify(x)).sort();
    return JSON.stringify(norm(actual)) === JSON.stringify(norm(expected));
  }
  return JSON.stringify(actual) === JSON.stringify(expected);
}

function closestRow(rows: Record<string, unknown>[], want: Record<string, unknown>): Record<string, unknown> | undefined {
  let best: Record<string, unknown> | undefined;
  let score = -1;
  for (const r of rows) {
    const s = Object.entries(want).filter(([k, v]) => sameValue(r[k], v)).length;
    if (s > score) {
      best = r;
      score = s;
    }
  }
  return best;
}

/** `Column: expected X, got Y` for each differing column. */
function diff(row: Record<string, unknown>, want: Record<string, unknown>): string {
  return Object.entries(want)
    .filter(([k, v]) => !sameValue(row[k], v))
    .map(([k, v]) => `${k}: expected ${JSON.stringify(v)}, got ${JSON.stringify(row[k])}`)
    .join('; ');
}
