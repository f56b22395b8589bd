/**
 * `not(c)` for AQL. KQL strings are never null (a missing property is ""), so not(x == "a") holds
 * for a missing x; AQL's NOT (NULL = 'a') is NULL and drops the event. So `not` is pushed down (de
 * Morgan over and/or) into the negated operators, whose AQL the translator writes NULL-aware
 * (x IS NULL OR x <> 'a', ...). A condition with no negated operator is refused unless no side can be
 * a missing string (numbers and times are null in both languages, and NOT keeps null null).
 */
import type { ScalarExpr } from '../../ir/types.js';

type Call = Extract<ScalarExpr, { kind: 'call' }>;

/** Each operator and its negation (both directions). */
const OPPOSITES: ReadonlyMap<string, string> = (() => {
  const pairs: [string, string][] = [['==', '!='], ['=~', '!~'], ['in', '!in'], ['in~', '!in~'], ['isempty', 'isnotempty'], ['isnull', 'isnotnull']];
  for (const op of ['has', 'hasprefix', 'hassuffix', 'contains', 'startswith', 'endswith']) pairs.push([op, `!${op}`], [`${op}_cs`, `!${op}_cs`]);
  return new Map(pairs.flatMap(([a, b]) => [[a, b], [b, a]]));
})();
/** Order comparisons and ranges: their negation is NOT (...), exact when no side is text (null stays null under NOT in both languages). */
const ORDER = new Set(['<', '<=', '>', '>=', 'between', '!between']);
const textual = (e: ScalarExpr) => e.type === 'string' || e.type === 'dynamic';

/** `c` negated as an expression of negated operators, or an error message naming what has no exact negation. */
export function negated(c: ScalarExpr): ScalarExpr | { error: string } {
  if (c.kind !== 'call') return { error: notError(c.kind === 'column' ? `the column ${c.name}` : `a ${c.kind}`) };
  if (c.fn === 'not') return c.args[0]!;
  if (c.fn === 'and' || c.fn === 'or') {
    const l = negated(c.args[0]!);
    if ('error' in l) return l;
    const r = negated(c.args[1]!);
    if ('error' in r) return r;
    return { ...c, fn: c.fn === 'and' ? 'or' : 'and', args: [l, r] } satisfies Call;
  }
  const opposite = OPPOSITES.get(c.fn);
  if (opposite) return { ...c, fn: opposite } satisfies Call;
  if (ORDER.has(c.fn) && !c.args.some(textual)) return { kind: 'call', fn: 'not', args: [c], type: 'bool', span: c.span } satisfies Call;
  return { error: notError(`${c.fn}()`) };
}

/** The `not(...)` the translator writes as AQL's NOT: an order comparison of non-text values only. */
export const isPlainNot = (c: Call): boolean => c.fn === 'not' && c.args[0]?.kind === 'call' && ORDER.has(c.args[0].fn) && !c.args[0].args.some(textual);

const notError = (what: string) =>
  `not() of ${what} has no exact AQL translation: KQL reads a missing string as "" (so not(...) can hold for it), while AQL's NOT of a comparison with a missing property (NULL) drops the event. Write the negated operator instead (!=, !in, !has, !contains, !startswith, ... and de Morgan over and/or), or give the rule a QRadar query of its own`;
