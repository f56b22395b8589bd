/**
 * Which events a windowed run (a clock and the rule's queryPeriod) can see, and why the others are
 * left out: every event without a usable TimeGenerated, or outside [now - window, now], is dropped
 * with a reason that readers count and the CLI reports, instead of vanishing inside the query.
 */
import type { QueryIR } from '../../ir/types.js';
import { readTimestamp } from '../../semantics/time.js';
import { ticksFromUnixMs, TICKS_PER_MS } from '../../semantics/ticks.js';
import { objectsIn } from '../../ir/walk.js';
import type { RunOptions } from './compile.js';

export type DropReason = 'missing' | 'notADate' | 'outsideWindow';

export interface Drop {
  readonly reason: DropReason;
  /** The event's line (the first line of a JSON document, for the events it holds). */
  readonly line?: number;
  /** What was wrong, for missing and notADate. */
  readonly detail?: string;
  /** The event's TimeGenerated in the evaluator's ticks, for outsideWindow (a number of seconds read as milliseconds shows as 1970). */
  readonly ticks?: number;
}

/** Whether the query reads a table with a TimeGenerated datetime column (the window applies to its events). */
function readsTimeGenerated(ir: QueryIR): boolean {
  for (const node of objectsIn(ir)) {
    const n = node as { kind?: unknown; schema?: unknown };
    if (n.kind === 'table' && Array.isArray(n.schema) && n.schema.some((c: { name?: unknown; type?: unknown }) => c.name === 'TimeGenerated' && c.type === 'datetime')) return true;
  }
  return false;
}

/** A value for a message: JSON, cut to 60 characters. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

/**
 * The test a windowed run applies to each event before the query sees it: undefined when the
 * event is in the window, else why it is dropped. Undefined (no test) without a window.
 */
export function windowAdmission(ir: QueryIR, run: RunOptions): ((event: object) => Drop | undefined) | undefined {
  if (run.windowMs === undefined || !readsTimeGenerated(ir)) return undefined;
  // In ticks, as the query's own window test (compile.ts) compares.
  const now = ticksFromUnixMs(run.now);
  const start = now - Math.round(run.windowMs * TICKS_PER_MS);
  return (event) => {
    const value = Object.prototype.hasOwnProperty.call(event, 'TimeGenerated') ? (event as Record<string, unknown>).TimeGenerated : undefined;
    if (value === undefined) {
      const other = Object.keys(event).find((k) => k.toLowerCase() === 'timegenerated');
      return { reason: 'missing', detail: other === undefined ? 'TimeGenerated is missing' : `TimeGenerated is missing (there is ${shown(other)}: column names are case-sensitive)` };
    }
    if (value === null) return { reason: 'missing', detail: 'TimeGenerated is null' };
    const t = readTimestamp(value);
    if ('problem' in t) return { reason: 'notADate', detail: `TimeGenerated ${shown(value)} is ${t.problem}` };
    return t.ticks < start || t.ticks > now ? { reason: 'outsideWindow', ticks: t.ticks } : undefined;
  };
}
