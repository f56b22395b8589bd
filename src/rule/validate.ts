/**
 * Rule metadata validation: the JSON Schema (schema/rule.schema.json, through ajv) for shape and
 * forms (durations, technique ids), then the checks a schema cannot say well (duration ranges,
 * identifiers per entity type), each with a message that says what was meant.
 */
import { schemaValidator } from '../schema-validators.js';
import { closest, didYouMean, hasErrors, makeDiagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import { schemaKeys, schemaProblems } from './schema-problems.js';
import type { FactName } from '../diagnostics/codes.js';
import { describeDuration, parseRuleDuration } from './duration.js';
import { ENTITY_IDENTIFIERS } from './entities.js';
import { positionOf, queryMap, type QueryMap } from './load.js';
import type { YamlSource } from './yaml.js';
import type { Rule, TriggerOperator } from './types.js';

/** Top-level keys Sentinel's own files use that the schema does not describe but that are fine. */
const PASS_THROUGH_KEYS = new Set(['threatAnalysisTechniques', 'threatAnalysisTactics', 'support', 'source', 'author', 'categories', 'enabled', 'alertRuleTemplateName', 'subTechniques', 'sentinelEntitiesMappings', 'templateVersion']);

/**
 * Optional keys that Sentinel and its repository's CI accept with no value (`entityMappings:` on
 * a line of its own, as real rules have them): read as absent, with a warning. Required keys
 * (id, name, query...) stay errors when empty.
 */
const EMPTY_ALLOWED = ['description', 'entityMappings', 'relevantTechniques', 'tactics', 'customDetails', 'alertDetailsOverride', 'eventGroupingSettings', 'incidentConfiguration', 'requiredDataConnectors', 'metadata', 'tags', 'status', 'suppressionDuration', 'suppressionEnabled', 'version'];
const EMPTY_ALLOWED_IN_OVERRIDE = ['alertDisplayNameFormat', 'alertDescriptionFormat', 'alertTacticsColumnName', 'alertSeverityColumnName', 'alertDynamicProperties'];

/**
 * The rule's values as detc reads them: empty optional keys dropped, and a data connector's
 * `datatypes` read as `dataTypes`. The rule file's own values (`rule.raw`) stay as written, so
 * the Sentinel YAML keeps them unchanged.
 */
function lenientView(data: Record<string, unknown>, report: (fact: FactName, args: string[], path: (string | number)[]) => void): Record<string, unknown> {
  const view: Record<string, unknown> = { ...data };
  for (const key of EMPTY_ALLOWED) {
    if (Object.hasOwn(view, key) && view[key] === null) {
      report('EmptyKey', [key], [key]);
      delete view[key];
    }
  }
  const ado = view.alertDetailsOverride;
  if (ado !== null && typeof ado === 'object' && !Array.isArray(ado)) {
    const kept: Record<string, unknown> = { ...(ado as Record<string, unknown>) };
    for (const key of EMPTY_ALLOWED_IN_OVERRIDE) {
      if (Object.hasOwn(kept, key) && kept[key] === null) {
        report('EmptyKey', [`alertDetailsOverride.${key}`], ['alertDetailsOverride', key]);
        delete kept[key];
      }
    }
    view.alertDetailsOverride = kept;
  }
  if (Array.isArray(view.requiredDataConnectors)) {
    view.requiredDataConnectors = view.requiredDataConnectors.map((c: unknown, i) => {
      if (c === null || typeof c !== 'object' || Array.isArray(c) || !Object.hasOwn(c, 'datatypes') || Object.hasOwn(c, 'dataTypes')) return c;
      report('LowerCaseKey', ['datatypes', 'dataTypes'], ['requiredDataConnectors', i, 'datatypes']);
      const { datatypes, ...rest } = c as Record<string, unknown>;
      return { ...rest, dataTypes: datatypes };
    });
  }
  return view;
}

export function validateRule(src: YamlSource): { rule?: Rule; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const at = (path: (string | number)[], key = false) => ({ file: src.file, ...positionOf(src, path, key) });
  const report = (fact: FactName, args: (string | number)[], path: (string | number)[], extra: { hint?: string; key?: boolean } = {}) =>
    diagnostics.push(makeDiagnostic(fact, args, { ...at(path, extra.key), hint: extra.hint }));
  const data = lenientView(src.value as Record<string, unknown>, (fact, args, path) => report(fact, args, path, { key: true }));

  const validate = schemaValidator('rule');
  // Top-level keys the schema names (others are warnings: Sentinel's files carry more).
  const knownKeys = schemaKeys('rule');
  if (!validate(data)) diagnostics.push(...schemaProblems(validate.errors ?? [], src, { schema: 'rule', fact: 'SchemaViolation', root: 'rule', value: data }));

  for (const key of Object.keys(data)) {
    if (!knownKeys.includes(key) && !PASS_THROUGH_KEYS.has(key)) report('UnknownKey', [key, didYouMean(key, knownKeys)], [key], { key: true });
  }

  const kind = typeof data.kind === 'string' && data.kind.toLowerCase() === 'nrt' ? 'NRT' : 'Scheduled';

  // Durations: format, range, and period >= frequency.
  const durations: Record<string, number | undefined> = {};
  for (const key of ['queryFrequency', 'queryPeriod'] as const) {
    const v = data[key];
    if (typeof v !== 'string') continue;
    // Its form is the schema's (a pattern): an unreadable value was reported there.
    const ms = parseRuleDuration(v);
    if (ms !== undefined && (ms < 5 * 60_000 || ms > 14 * 86_400_000)) report('DurationRange', [key, describeDuration(ms)], [key]);
    durations[key] = ms;
  }
  const freq = durations.queryFrequency;
  const period = durations.queryPeriod;
  if (freq !== undefined && period !== undefined) {
    if (period < freq) report('PeriodBeforeFrequency', [data.queryPeriod as string, data.queryFrequency as string], ['queryPeriod']);
    if (period >= 2 * 86_400_000 && freq < 3_600_000) report('LongPeriodShortFrequency', [data.queryFrequency as string], ['queryFrequency']);
  }
  if (kind === 'Scheduled') {
    for (const key of ['queryFrequency', 'queryPeriod', 'triggerOperator', 'triggerThreshold']) {
      if (data[key] === undefined) report('SchemaViolation', [`a Scheduled rule needs ${key}`], []);
    }
  }

  // Technique ids: their form is the schema's (a pattern).
  const techniques = Array.isArray(data.relevantTechniques) ? data.relevantTechniques : [];

  // Entity identifiers valid for their type.
  const mappings = Array.isArray(data.entityMappings) ? data.entityMappings : [];
  mappings.forEach((m: { entityType?: unknown; fieldMappings?: unknown }, i) => {
    const ids = typeof m?.entityType === 'string' ? ENTITY_IDENTIFIERS[m.entityType] : undefined;
    if (!ids || !Array.isArray(m.fieldMappings)) return;
    const used: string[] = [];
    m.fieldMappings.forEach((f: { identifier?: unknown }, j: number) => {
      if (typeof f?.identifier !== 'string') return;
      used.push(f.identifier);
      if (!ids.all.includes(f.identifier)) {
        const c = closest(f.identifier, ids.all);
        report('BadIdentifier', [f.identifier, m.entityType as string, c ? ` (did you mean '${c}'?)` : `; valid: ${ids.all.join(', ')}`], ['entityMappings', i, 'fieldMappings', j, 'identifier']);
      }
    });
    if (used.length && !used.some((u) => ids.strong.includes(u))) report('MissingStrongIdentifier', [m.entityType as string, ids.strong.join(', ')], ['entityMappings', i, 'entityType']);
  });

  // alertDetailsOverride placeholders: at most 3 each.
  const ado = data.alertDetailsOverride as Record<string, unknown> | undefined;
  for (const key of ['alertDisplayNameFormat', 'alertDescriptionFormat']) {
    const v = ado?.[key];
    if (typeof v === 'string') {
      const n = (v.match(/\{\{[^}]+\}\}/g) ?? []).length;
      if (n > 3) report('TooManyPlaceholders', [key, n], ['alertDetailsOverride', key]);
    }
  }

  if (hasErrors(diagnostics) || typeof data.query !== 'string') {
    if (typeof data.query !== 'string' && !diagnostics.some((d) => d.message.includes("'query'"))) report('NoQuery', [], []);
    return { diagnostics };
  }

  const op = String(data.triggerOperator ?? 'gt');
  let positions: QueryMap | undefined;
  const rule: Rule = {
    source: src,
    id: String(data.id),
    name: String(data.name),
    description: typeof data.description === 'string' ? data.description : '',
    severity: String(data.severity),
    kind,
    queryFrequencyMs: freq,
    queryPeriodMs: period,
    triggerOperator: TRIGGER_SHORT[op] ?? 'gt',
    triggerThreshold: typeof data.triggerThreshold === 'number' ? data.triggerThreshold : 0,
    tactics: (data.tactics as string[] | undefined) ?? [],
    techniques: techniques as string[],
    query: data.query,
    queryMap: (offset) => (positions ??= queryMap(src))(offset), // made when a diagnostic first needs it
    entityMappings: mappings as Rule['entityMappings'],
    customDetails: (data.customDetails as Record<string, string> | undefined) ?? {},
    alertDetailsOverride: ado as Rule['alertDetailsOverride'],
    aggregationKind: ((data.eventGroupingSettings as { aggregationKind?: string } | undefined)?.aggregationKind as Rule['aggregationKind']) ?? 'SingleAlert',
    raw: src.value as Record<string, unknown>,
  };
  return { rule, diagnostics };
}

const TRIGGER_SHORT: Record<string, TriggerOperator> = {
  gt: 'gt', lt: 'lt', eq: 'eq', ne: 'ne', GreaterThan: 'gt', LessThan: 'lt', Equal: 'eq', NotEqual: 'ne',
};
