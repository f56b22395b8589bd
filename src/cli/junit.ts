/**
 * `detc test --format junit`: rule test results as JUnit XML, the report CI systems (GitHub
 * actions' test reporters, GitLab, Jenkins, Azure Pipelines) read: <testsuites> holds a
 * <testsuite> per rule file, which holds a <testcase> per test, with a <failure> when it failed.
 * A rule file whose rule or tests: block has errors is one <testcase> with an <error>.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';

export interface RuleFileTests {
  readonly file: string;
  readonly tests: readonly { name: string; passed: boolean; failures: readonly string[] }[];
  /** Errors that kept the rule or its tests from running. */
  readonly errors: readonly Diagnostic[];
}

// XML 1.0 allows tab, LF, CR and the characters from U+0020 on, except surrogates and U+FFFE/U+FFFF:
// any other character cannot appear even as a character reference, so it is written as a visible escape.
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Text for XML content or a quoted attribute value; line breaks in attributes kept as references. */
export function xmlEscape(text: string, { attribute = false } = {}): string {
  const visible = text.replace(NOT_XML, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const escaped = visible.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
  return attribute ? escaped.replace(/[\t\n\r]/g, (c) => `&#${c.charCodeAt(0)};`) : escaped;
}

const attrs = (values: Record<string, string | number>) =>
  Object.entries(values)
    .map(([k, v]) => ` ${k}="${xmlEscape(String(v), { attribute: true })}"`)
    .join('');

export const diagnosticLine = (d: Diagnostic) => `${d.file ?? ''}${d.start ? `:${d.start.line}:${d.start.col}` : ''}: ${d.severity} ${d.code}: ${d.message}`;

export function junitReport(files: readonly RuleFileTests[], name = 'detc test'): string {
  const suites = files.filter((f) => f.tests.length > 0 || f.errors.length > 0);
  const count = (f: RuleFileTests) => ({ tests: f.tests.length + (f.errors.length ? 1 : 0), failures: f.tests.filter((t) => !t.passed).length, errors: f.errors.length ? 1 : 0 });
  const totals = suites.map(count).reduce((a, c) => ({ tests: a.tests + c.tests, failures: a.failures + c.failures, errors: a.errors + c.errors }), { tests: 0, failures: 0, errors: 0 });
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites${attrs({ name, ...totals })}>`];
  for (const f of suites) {
    lines.push(`  <testsuite${attrs({ name: f.file, ...count(f) })}>`);
    if (f.errors.length) {
      const text = f.errors.map(diagnosticLine).join('\n');
      lines.push(`    <testcase${attrs({ name: 'rule file', classname: f.file })}>`, `      <error${attrs({ message: diagnosticLine(f.errors[0]!), type: f.errors[0]!.code })}>${xmlEscape(text)}</error>`, '    </testcase>');
    }
    for (const t of f.tests) {
      const testcase = `    <testcase${attrs({ name: t.name, classname: f.file })}`;
      if (t.passed) lines.push(`${testcase}/>`);
      else lines.push(`${testcase}>`, `      <failure${attrs({ message: t.failures[0] ?? 'failed' })}>${xmlEscape(t.failures.join('\n'))}</failure>`, '    </testcase>');
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return lines.join('\n');
}
