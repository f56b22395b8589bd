/**
 * From result rows to Sentinel alerts: the trigger (row count vs threshold), entities from
 * entityMappings, customDetails, alertDetailsOverride placeholders, and event grouping
 * (SingleAlert: one alert for all rows; AlertPerResult: one per row).
 */
import type { Rule } from '../../rule/types.js';
import { toKqlString } from '../../semantics/values.js';
import type { CompiledQuery, EventInput, ResultTable } from './compile.js';

export interface Entity {
  readonly entityType: string;
  readonly [identifier: string]: unknown;
}

export interface Alert {
  readonly displayName: string;
  readonly description: string;
  readonly severity: string;
  readonly tactics: readonly string[];
  readonly techniques: readonly string[];
  readonly entities: Entity[];
  /** Sentinel shows custom details as arrays of values. */
  readonly customDetails: Record<string, unknown[]>;
  readonly rows: Record<string, unknown>[];
}

export interface RuleRun {
  readonly result: ResultTable;
  readonly triggered: boolean;
  readonly alerts: Alert[];
}

/** What alert generation needs of a rule (serialisable, for standalone modules). */
export type AlertSpec = Pick<
  Rule,
  'name' | 'description' | 'severity' | 'tactics' | 'techniques' | 'triggerOperator' | 'triggerThreshold' | 'entityMappings' | 'customDetails' | 'alertDetailsOverride' | 'aggregationKind' | 'queryPeriodMs'
>;

export function alertSpec(rule: Rule): AlertSpec {
  const { name, description, severity, tactics, techniques, triggerOperator, triggerThreshold, entityMappings, customDetails, alertDetailsOverride, aggregationKind, queryPeriodMs } = rule;
  return { name, description, severity, tactics, techniques, triggerOperator, triggerThreshold, entityMappings, customDetails, alertDetailsOverride, aggregationKind, queryPeriodMs };
}

export function triggers(rule: AlertSpec, rowCount: number): boolean {
  const t = rule.triggerThreshold;
  switch (rule.triggerOperator) {
    case 'gt':
      return rowCount > t;
    case 'lt':
      return rowCount < t;
    case 'eq':
      return rowCount === t;
    case 'ne':
      return rowCount !== t;
  }
}

/** Run a compiled rule as Sentinel's scheduler would: only events within queryPeriod before `now`. */
export function runRule(rule: AlertSpec, query: CompiledQuery, input: EventInput, now: number): RuleRun {
  return alertsFor(rule, query.run(input, { now, windowMs: rule.queryPeriodMs }));
}

export function alertsFor(rule: AlertSpec, result: ResultTable): RuleRun {
  return { result, triggered: triggers(rule, result.rows.length), alerts: [...eachAlert(rule, result)] };
}

/**
 * The alerts of a result one at a time (AlertPerResult: one per row), for output that need not
 * keep them all; `alertsFor` collects them. Placeholders are parsed once per call, not per alert.
 */
export function* eachAlert(rule: AlertSpec, result: ResultTable): Generator<Alert> {
  if (!triggers(rule, result.rows.length)) return;
  const ado = rule.alertDetailsOverride ?? {};
  const displayName = placeholders(ado.alertDisplayNameFormat, rule.name);
  const description = placeholders(ado.alertDescriptionFormat, rule.description);
  if (rule.aggregationKind === 'AlertPerResult') for (const r of result.rows) yield alert(rule, [r], displayName, description);
  else yield alert(rule, result.rows, displayName, description);
}

/** A template's text with `{{ Column }}` filled from a row (the fallback when there is no template). */
type Filler = (row: Record<string, unknown>) => string;

function placeholders(template: string | undefined, fallback: string): Filler {
  if (!template) return () => fallback;
  // Split once: even parts are text, odd parts column names.
  const parts = template.split(/\{\{\s*([^}]+?)\s*\}\}/);
  if (parts.length === 1) return () => template;
  return (row) => {
    let out = parts[0]!;
    for (let i = 1; i < parts.length; i += 2) out += toKqlString(row[parts[i]!]) + parts[i + 1]!;
    return out;
  };
}

function alert(rule: AlertSpec, rows: Record<string, unknown>[], displayName: Filler, description: Filler): Alert {
  const first = rows[0] ?? {};
  const entities: Entity[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    for (const m of rule.entityMappings) {
      const e: Record<string, unknown> = { entityType: m.entityType };
      let any = false;
      for (const f of m.fieldMappings) {
        const v = row[f.columnName];
        if (v !== null && v !== undefined && v !== '') {
          e[f.identifier] = v;
          any = true;
        }
      }
      const key = JSON.stringify(e);
      if (any && !seen.has(key)) {
        seen.add(key);
        entities.push(e as Entity);
      }
    }
  }
  const customDetails: Record<string, unknown[]> = {};
  for (const [key, column] of Object.entries(rule.customDetails)) customDetails[key] = rows.map((r) => r[column] ?? null);
  const ado = rule.alertDetailsOverride ?? {};
  return {
    displayName: displayName(first),
    description: description(first),
    severity: (ado.alertSeverityColumnName && typeof first[ado.alertSeverityColumnName] === 'string' ? first[ado.alertSeverityColumnName] : rule.severity) as string,
    tactics: ado.alertTacticsColumnName && typeof first[ado.alertTacticsColumnName] === 'string' ? String(first[ado.alertTacticsColumnName]).split(',').map((t) => t.trim()) : rule.tactics,
    techniques: rule.techniques,
    entities,
    customDetails,
    rows,
  };
}
