/**
 * The evaluator runtime, importable on its own (`detc/runtime`): what the standalone modules from
 * `detc build --target js` load. No CLI, no YAML, no parser.
 */
import { alertsFor, type AlertSpec, type RuleRun } from './backends/js/alerts.js';
import { compileQuery, type CompiledQuery, type EventInput } from './backends/js/compile.js';
import { restoreIr, type PortableIr } from './ir/portable.js';
import { CLOCK_FORM, parseClock } from './semantics/time.js';

export interface RunnableRule {
  readonly spec: AlertSpec;
  readonly query: CompiledQuery;
  /**
   * Evaluate on events. `now` is the query clock (Date, ISO text or ms). With `window` (the
   * default) only events within queryPeriod before `now` are seen, as in Sentinel.
   */
  run(events: EventInput, options: { now: Date | string | number; window?: boolean }): RuleRun;
}

export function toMillis(now: Date | string | number): number {
  // Text follows the CLI's rule (semantics/time.ts): ISO 8601, UTC when it has no zone.
  const ms = now instanceof Date ? now.getTime() : typeof now === 'number' ? now : parseClock(now) ?? NaN;
  if (Number.isNaN(ms)) throw new TypeError(`not a date: ${String(now)} (give ${CLOCK_FORM})`);
  return ms;
}

/**
 * A rule from its alert settings and its IR in the portable form a module carries (a QueryIR
 * is accepted too): the operators' schemas are derived from the source tables' columns.
 */
export function loadCompiledRule(spec: AlertSpec, ir: PortableIr): RunnableRule {
  const query = compileQuery(restoreIr(ir));
  return {
    spec,
    query,
    run(events, options) {
      const now = toMillis(options.now);
      const windowMs = options.window === false ? undefined : spec.queryPeriodMs;
      return alertsFor(spec, query.run(events, { now, windowMs }));
    },
  };
}

export type { RuleRun, Alert, Entity } from './backends/js/alerts.js';
export type { ResultTable, EventInput } from './backends/js/compile.js';
