/**
 * `detc check --format sarif`: diagnostics as a SARIF 2.1.0 log, the format GitHub code scanning
 * and other CI systems read to show problems inline (OASIS SARIF 2.1.0, sections 3.13-3.30).
 */
import { relative, resolve, sep } from 'node:path';
import { Facts } from '../diagnostics/codes.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';

const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

/** Each code's name and message template, for the rules of the log's tool. */
const FACT_BY_CODE = new Map(Object.entries(Facts).map(([name, f]) => [f.code, { name, ...f }]));

/**
 * A file as a relative URI reference from the current folder (code scanning resolves it against
 * the repository's root), each path segment percent-encoded.
 */
export function artifactUri(file: string, base = process.cwd()): string {
  return relative(base, resolve(base, file)).split(sep).map(encodeURIComponent).join('/');
}

export function sarifLog(diagnostics: readonly Diagnostic[], version: string, base = process.cwd()): object {
  const codes = [...new Set(diagnostics.map((d) => d.code))].sort();
  const rules = codes.map((code) => {
    const fact = FACT_BY_CODE.get(code);
    return {
      id: code,
      // The code's name in words ("SchemaViolation": "Schema violation"): its template may be only placeholders.
      ...(fact ? { name: fact.name, shortDescription: { text: fact.name.replace(/(?<=[a-z0-9])([A-Z])/g, (c) => ` ${c.toLowerCase()}`) } } : {}),
      defaultConfiguration: { level: fact?.severity ?? 'error' },
    };
  });
  const results = diagnostics.map((d) => ({
    ruleId: d.code,
    ruleIndex: codes.indexOf(d.code),
    level: d.severity,
    message: { text: d.hint ? `${d.message}\nhint: ${d.hint}` : d.message },
    ...(d.file ? { locations: [{ physicalLocation: { artifactLocation: { uri: artifactUri(d.file, base) }, ...(d.start ? { region: region(d) } : {}) } }] } : {}),
  }));
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'detc', version, rules } }, results }],
  };
}

/** SARIF regions are 1-based with an exclusive end column, as detc's positions are. */
function region(d: Diagnostic): object {
  const { start, end } = d;
  return { startLine: start!.line, startColumn: start!.col, ...(end ? { endLine: end.line, endColumn: end.col } : {}) };
}
