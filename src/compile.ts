/**
 * The front end as one call: read a rule file, validate its metadata, parse and bind its query,
 * and check what depends on the query's output (entity mappings, custom details, alert overrides).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { makeDiagnostic, type Diagnostic, type Position } from './diagnostics/diagnostic.js';
import { bindQuery } from './ir/binder.js';
import { loadTables, type TableCatalog } from './ir/tables.js';
import type { QueryIR, Schema } from './ir/types.js';
import { dataDependentColumns } from './ir/data-dependent.js';
import { parseQuery } from './query/parser.js';
import { loadRuleText, positionOf } from './rule/load.js';
import type { Rule } from './rule/types.js';
import { validateRule } from './rule/validate.js';
import { didYouMean } from './diagnostics/diagnostic.js';

export interface FrontEndResult {
  readonly file: string;
  /** The file's text, for code frames. */
  readonly text?: string;
  readonly rule?: Rule;
  readonly ir?: QueryIR;
  readonly diagnostics: Diagnostic[];
}

export interface FrontEndOptions {
  readonly tables?: TableCatalog;
}

/** Larger files are refused before parsing: no real rule comes near it, and YAML of tens of MB is slow. */
export const MAX_RULE_FILE_BYTES = 1_000_000;

export function checkRuleFile(file: string, options: FrontEndOptions = {}): FrontEndResult {
  let text: string;
  try {
    const size = statSync(file).size;
    if (size > MAX_RULE_FILE_BYTES) return { file, diagnostics: [makeDiagnostic('FileTooLarge', [size, MAX_RULE_FILE_BYTES], { file, start: { line: 1, col: 1 } })] };
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return { file, diagnostics: [makeDiagnostic('FileUnreadable', [(e as NodeJS.ErrnoException).code ?? String(e)], { file })] };
  }
  return checkRuleText(file, text, options);
}

export function checkRuleText(file: string, text: string, options: FrontEndOptions = {}): FrontEndResult {
  if (text.length > MAX_RULE_FILE_BYTES) return { file, diagnostics: [makeDiagnostic('FileTooLarge', [text.length, MAX_RULE_FILE_BYTES], { file, start: { line: 1, col: 1 } })] };
  const loaded = loadRuleText(file, text);
  if (!loaded.source) return { file, text, diagnostics: loaded.diagnostics };
  const { rule, diagnostics } = validateRule(loaded.source);
  if (!rule) return { file, text, diagnostics: [...loaded.diagnostics, ...diagnostics] };

  const at = (span: { start: number; end: number }) => ({ file, start: rule.queryMap(span.start), end: rule.queryMap(span.end) });
  try {
    return queryPhases(file, text, rule, diagnostics, at, options);
  } catch (e) {
    // Very long operator chains can still exhaust the stack of the recursive phases.
    if (e instanceof RangeError) {
      diagnostics.push(makeDiagnostic('TooDeep', ['the query is too deeply nested or too long a chain of operators for detc to analyse'], at({ start: 0, end: 1 })));
      return { file, text, rule, diagnostics };
    }
    throw e;
  }
}

function queryPhases(
  file: string,
  text: string,
  rule: Rule,
  diagnostics: Diagnostic[],
  at: (span: { start: number; end: number }) => { file: string; start: Position; end: Position },
  options: FrontEndOptions,
): FrontEndResult {
  const parsed = parseQuery(rule.query);
  for (const p of parsed.problems) {
    if (p.kind === 'unsupported') diagnostics.push(makeDiagnostic('UnsupportedOperator', ['let', p.message], at(p.span)));
    else diagnostics.push(makeDiagnostic(p.kind === 'literal' ? 'BadLiteral' : 'Syntax', [p.message], at(p.span)));
  }
  // Bind what parsed, so one syntax error does not hide the other statements' problems.
  const bound = bindQuery(parsed.ast, options.tables ?? loadTables(), rule.query, parsed.failedLets, parsed.bodyFailed);
  for (const p of bound.problems) diagnostics.push(makeDiagnostic(p.fact, p.args, { ...at(p.span), hint: p.hint }));
  if (!bound.ir || parsed.problems.length) return { file, text, rule, diagnostics };

  for (const d of dataDependentColumns(bound.ir)) {
    const example = d.plugin === 'bag_unpack' ? `: (*, ${d.names.map((n) => `${n}:type`).join(', ')})` : `: (GroupColumn:type, ..., ${d.names.map((n) => `${n}:type`).join(', ')})`;
    diagnostics.push(makeDiagnostic('DataDependentColumns', [d.plugin, d.names.map((n) => `'${n}'`).join(', '), example], at(d.span)));
  }
  diagnostics.push(...checkOutputColumns(rule, bound.ir.body.schema, bound.ir.body.open === true));
  return { file, text, rule, ir: bound.ir, diagnostics };
}

/** Entity mappings, custom details and alert overrides must name columns the query outputs. */
function checkOutputColumns(rule: Rule, schema: Schema, open: boolean): Diagnostic[] {
  const out: Diagnostic[] = [];
  const names = schema.map((c) => c.name);
  const has = (n: string) => names.includes(n);
  // After bag_unpack (an open schema) a column the query does not name may still come from the data: a warning.
  const report = (column: string, by: string, path: (string | number)[]) =>
    out.push(
      open
        ? makeDiagnostic('MappedColumnUnpacked', [column, by], { file: rule.source.file, ...positionOf(rule.source, path) })
        : makeDiagnostic('MappedColumnMissing', [column, by, `${didYouMean(column, names)}; output columns: ${names.join(', ')}`], { file: rule.source.file, ...positionOf(rule.source, path) }),
    );
  rule.entityMappings.forEach((m, i) =>
    m.fieldMappings.forEach((f, j) => {
      if (typeof f.columnName === 'string' && !has(f.columnName)) report(f.columnName, `entity ${m.entityType}.${f.identifier}`, ['entityMappings', i, 'fieldMappings', j, 'columnName']);
    }),
  );
  for (const [key, column] of Object.entries(rule.customDetails)) {
    if (typeof column === 'string' && !has(column)) report(column, `customDetails.${key}`, ['customDetails', key]);
  }
  const ado = rule.alertDetailsOverride ?? {};
  for (const key of ['alertDisplayNameFormat', 'alertDescriptionFormat'] as const) {
    for (const m of (ado[key] ?? '').matchAll(/\{\{([^}]+)\}\}/g)) {
      if (!has(m[1]!.trim())) report(m[1]!.trim(), `alertDetailsOverride.${key}`, ['alertDetailsOverride', key]);
    }
  }
  for (const key of ['alertTacticsColumnName', 'alertSeverityColumnName'] as const) {
    const c = ado[key];
    if (c && !has(c)) report(c, `alertDetailsOverride.${key}`, ['alertDetailsOverride', key]);
  }
  return out;
}

/** Rule files under the given paths (files as given; folders searched for .yaml/.yml), sorted. */
export function findRuleFiles(paths: readonly string[]): { files: string[]; missing: string[] } {
  const files: string[] = [];
  const missing: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (['.yaml', '.yml'].includes(extname(entry.name))) files.push(p);
    }
  };
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      missing.push(p);
      continue;
    }
    if (st.isDirectory()) walk(p);
    else files.push(p);
  }
  return { files, missing };
}
