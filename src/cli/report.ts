/**
 * The reports of `check`, `build` and `test` on stdout (text, json, sarif, junit), and their
 * diagnostics on stderr: stdout is what a CI step saves (`> detc.sarif`), stderr what a person reads.
 */
import { makeDiagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import { diagnosticToJson, formatDiagnostic } from '../diagnostics/format.js';
import type { RuleTestResult } from '../ruletest/ruletest.js';
import { UsageError } from './args.js';
import { REPORT_FORMATS } from './commands.js';
import { detcVersion } from './common.js';
import type { CliIO } from './io.js';
import { diagnosticLine, junitReport } from './junit.js';
import { sarifLog } from './sarif.js';

export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** One rule file's outcome: its diagnostics (front end, backends, its tests') and, for `test`, its tests. */
export interface FileReport {
  readonly file: string;
  /** The file's text, for code frames. */
  readonly text?: string;
  readonly diagnostics: readonly Diagnostic[];
  readonly tests?: readonly RuleTestResult[];
}

/** --format, checked against what the command offers. */
export function reportFormat(given: string | true | undefined, allowed: readonly string[] = REPORT_FORMATS): ReportFormat {
  const format = String(given ?? 'text');
  if (!allowed.includes(format)) throw new UsageError(`--format must be ${allowed.join(', ').replace(/, (\w+)$/, ' or $1')}, got '${format}'`);
  return format as ReportFormat;
}

/** Every diagnostic as text on stderr, with its code frame. */
export function printDiagnostics(files: readonly FileReport[], io: CliIO): void {
  for (const f of files) for (const d of f.diagnostics) io.err(formatDiagnostic(d, f.text, io.color) + '\n');
}

/** The diagnostics of a file, each located in it (front-end ones may carry no file). */
const located = (f: FileReport): Diagnostic[] => f.diagnostics.map((d) => (d.file ? d : { ...d, file: f.file }));

/** A failed test as a diagnostic at the test in its rule file (for SARIF). */
const testFailure = (t: RuleTestResult): Diagnostic => makeDiagnostic('TestFailed', [`test '${t.name}' failed: ${t.failures.join('; ')}`], t.at);

/** The machine-readable report of a run of `check` or `test`, or undefined for text. */
export function machineReport(format: ReportFormat, files: readonly FileReport[], command: 'check' | 'test', json: () => object): string | undefined {
  switch (format) {
    case 'text':
      return undefined;
    case 'json':
      return JSON.stringify(json(), null, 2);
    case 'sarif': {
      const failures = files.flatMap((f) => (f.tests ?? []).filter((t) => !t.passed).map(testFailure));
      return JSON.stringify(sarifLog([...files.flatMap(located), ...failures], detcVersion()), null, 2);
    }
    case 'junit':
      // `check`: a test case per rule file, failed by its errors; `test`: the rule file's tests.
      return junitReport(
        files.map((f) => {
          const errors = located(f).filter((d) => d.severity === 'error');
          return command === 'check'
            ? { file: f.file, tests: [{ name: 'check', passed: errors.length === 0, failures: errors.map(diagnosticLine) }], errors: [] }
            : { file: f.file, tests: f.tests ?? [], errors };
        }),
        `detc ${command}`,
      );
  }
}

export function diagnosticsJson(f: FileReport): Record<string, unknown>[] {
  return located(f).map(diagnosticToJson);
}
