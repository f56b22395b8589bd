/**
 * The QRadar AQL backend: per rule an .aql query, an Ariel search API body, and a report of
 * approximations. Rule options (`targets.qradar`):
 *   approximations: [drop-list-aggregates, ...]   named approximations this rule accepts
 *   skip: "reason"                                the rule is not meant for QRadar (no log source)
 */
import { makeDiagnostic, type Diagnostic } from '../../diagnostics/diagnostic.js';
import { positionOf } from '../../rule/load.js';
import type { Rule } from '../../rule/types.js';
import type { Backend, BackendOutput, CompiledRule } from '../types.js';
import { checkAqlSyntax } from './grammar.js';
import { loadMappings, type TableMapping } from './mapping.js';
import { functionReadBy, inlineFunctionBody } from '../../ir/functions.js';
import { unmappedReason } from './not-events.js';
import { APPROXIMATIONS, approximationVerb, describeApproximations, translateToAql } from './translate.js';

export interface AqlOptions {
  /** Approximations allowed for every rule (build flag). */
  readonly allow?: readonly string[];
  /** Mapping folders (default targets/qradar). */
  readonly mappingDirs?: readonly string[];
  /**
   * AQL was asked for by name (`--target aql`, or `targets: [aql]` in the config): a rule over a
   * table with no QRadar mapping is then an error. Otherwise (the default targets, `all`) such a
   * rule is a Sentinel rule that is not for QRadar: a warning, and no AQL for it.
   */
  readonly required?: boolean;
}

interface QradarRuleOptions {
  approximations?: unknown;
  skip?: unknown;
}

function ruleOptions(rule: Rule): QradarRuleOptions {
  return ((rule.raw.targets as { qradar?: QradarRuleOptions } | undefined)?.qradar ?? {}) as QradarRuleOptions;
}

/**
 * An NRT rule has no queryPeriod: Sentinel runs it every minute over the events ingested in the
 * minute before (Microsoft, "Detect threats quickly with near-real-time (NRT) analytics rules",
 * https://learn.microsoft.com/azure/sentinel/near-real-time-rules), so its AQL reads the last minute.
 */
export const NRT_WINDOW_MS = 60_000;

export function createAqlBackend(options: AqlOptions = {}): Backend {
  // Mappings the user names are read (and their errors reported) up front; the bundled ones only
  // when a rule needs one (a cold `detc check` of a rule QRadar skips reads none).
  let mappings: Map<string, TableMapping> | undefined = options.mappingDirs ? loadMappings(options.mappingDirs) : undefined;
  const mappingOf = (table: string) => (mappings ??= loadMappings()).get(table);
  // aql/report.json: per rule, the approximations made and the notes, or why it was skipped
  // (each rule's entry is its summary).
  type ReportEntry = { approximations: string[]; notes: string[] } | { skipped: string };
  const rule = ({ rule, ir, stem }: CompiledRule): BackendOutput => {
    const diagnostics: Diagnostic[] = [];
    const none = { artifacts: [], diagnostics };
    const where = (span?: { start: number }) => ({ file: rule.source.file, start: rule.queryMap(span?.start ?? 0) });
    const opts = ruleOptions(rule);
    if (typeof opts.skip === 'string') {
      diagnostics.push(makeDiagnostic('AqlSkipped', [opts.skip], { file: rule.source.file, ...positionOf(rule.source, ['targets', 'qradar', 'skip']) }));
      return { ...none, summary: [stem, { skipped: opts.skip }] };
    }
    const ruleAllowed = Array.isArray(opts.approximations) ? opts.approximations.map(String) : [];
    const unknown = [...ruleAllowed, ...(options.allow ?? [])].filter((a) => !(a in APPROXIMATIONS));
    if (unknown.length) {
      diagnostics.push(makeDiagnostic('BadTargetOption', [`unknown approximation '${unknown[0]}'; known: ${Object.keys(APPROXIMATIONS).join(', ')}`], { file: rule.source.file, ...positionOf(rule.source, ['targets', 'qradar', 'approximations']) }));
      return none;
    }
    const allowed = new Set([...ruleAllowed, ...(options.allow ?? [])]);
    // A workspace function's body goes into the query where it makes one pipeline (AQL has no functions).
    const query = inlineFunctionBody(ir);
    const table = query.body.source.kind === 'table' && query.body.source.call === undefined ? query.body.source.table : '';
    const mapping = mappingOf(table);
    const fn = functionReadBy(query)?.name;
    if (fn && !options.required) {
      const reason = `workspace function ${fn} cannot be inlined into AQL (its body is not one pipeline over a table, or it is only declared); ask for --target aql to make this an error`;
      diagnostics.push(makeDiagnostic('AqlSkipped', [reason], where(query.body.source.span)));
      return { ...none, summary: [stem, { skipped: reason }] };
    }
    // Every table the query reads (through lets and unions too) needs a mapping.
    const unmapped = table && !mapping ? table : query.tables.find((t) => !mappingOf(t));
    if (unmapped && !options.required) {
      const reason = `${unmappedReason(unmapped)}; ask for --target aql to make this an error`;
      diagnostics.push(makeDiagnostic('AqlSkipped', [reason], where(query.body.source.span)));
      return { ...none, summary: [stem, { skipped: reason }] };
    }
    const t = translateToAql(query, mapping, allowed, rule.queryPeriodMs ?? (rule.kind === 'NRT' ? NRT_WINDOW_MS : undefined), mappingOf);
    for (const e of t.errors) diagnostics.push(makeDiagnostic('AqlUnsupported', [`QRadar AQL: ${e.message}`], where(e.span)));
    if (!t.aql) return none;
    for (const a of t.approximations) diagnostics.push(makeDiagnostic('AqlApproximation', [`QRadar AQL approximation ${a.name}: ${approximationVerb(a.name)} ${a.column} (${APPROXIMATIONS[a.name]})`], where(a.span)));
    const syntax = checkAqlSyntax(t.aql);
    if (syntax.length) {
      diagnostics.push(makeDiagnostic('AqlSyntax', [syntax[0]!], where()));
      return none;
    }
    return {
      summary: [stem, { approximations: describeApproximations(t.approximations), notes: t.notes }],
      artifacts: [
        { path: `aql/${stem}.aql`, content: t.aql },
        { path: `aql/${stem}.ariel.json`, content: arielSearchRequest(t.aql.trimEnd()) },
      ],
      diagnostics,
    };
  };
  const finish = (summaries: readonly unknown[]): BackendOutput => {
    const report: Record<string, ReportEntry> = {};
    for (const s of summaries) if (s !== undefined) report[(s as [string, ReportEntry])[0]] = (s as [string, ReportEntry])[1];
    return { artifacts: Object.keys(report).length ? [{ path: 'aql/report.json', content: `${JSON.stringify(report, null, 2)}\n` }] : [], diagnostics: [] };
  };
  return { rule, finish };
}

/**
 * The Ariel search request for a query. QRadar's `POST /api/ariel/searches` takes the AQL as the
 * query parameter `query_expression` (IBM QRadar API reference, 12.0, "POST /ariel/searches":
 * parameter type "query", MIME text/plain), not in a body: the file gives the method, path, the
 * parameter and the URL with it encoded, ready for `curl -X POST "https://<console>$url"`.
 */
export function arielSearchRequest(aql: string): string {
  const path = '/api/ariel/searches';
  const url = `${path}?${new URLSearchParams({ query_expression: aql }).toString()}`;
  return `${JSON.stringify({ method: 'POST', path, query: { query_expression: aql }, url }, null, 2)}\n`;
}
