/**
 * summarize as a step: each row is added to its group's accumulators (groups.ts, aggregates.ts);
 * at the end of input every group becomes a row. A `where` right after the summarize may be tried
 * on each group before its row is complete (see EarlyWhere).
 */
import type { ScalarExpr, TabularOp } from '../../ir/types.js';
import { everyNode } from '../../ir/walk.js';
import type { Value } from '../../semantics/values.js';
import type { AggregateOutput, AggregatePlan } from './aggregates.js';
import type { Expressions } from './expressions.js';
import { GroupTable, type Group } from './groups.js';
import { computedLayout, type Accessor, type Layout, type Sink, type Step } from './rows.js';

type Summarize = Extract<TabularOp, { op: 'summarize' }>;

/**
 * The `where` right after a summarize, tried on each group before its row is complete: `reads`
 * marks the aggregate outputs its predicate reads. A threshold rule's where drops most groups
 * (the seed rule's, 46,000 of 62,000), whose other results (make_set lists) are then never read.
 * The where step still runs on the rows that pass; predicates are pure (the catalog has no random
 * function, and its clock functions, now and ago, are fixed per run), so it gives the same answer.
 */
export interface EarlyWhere {
  readonly reads: readonly boolean[];
  readonly test: Accessor;
}

/** The step of a summarize over rows of `layout`, with its aggregates planned as `plan`. */
export function summarizeStep(o: Summarize, layout: Layout, after: TabularOp | undefined, plan: AggregatePlan, x: Expressions, maxGroups: () => number): Step<GroupTable> {
  const keys = o.by.map((b) => x.expr(b.expr, layout));
  const args = plan.states.map((s) => s.args.map((a) => x.expr(a, layout)));
  return groupsStep(
    plan,
    o.by.length,
    maxGroups,
    (r, _next, table) => {
      const g = keys.length === 1 ? table.get1(keys[0]!(r)) : keys.length === 2 ? table.get2(keys[0]!(r), keys[1]!(r)) : table.getN(keys.map((k) => k(r)));
      for (let i = 0; i < args.length; i++) {
        const a = args[i]!;
        const acc = g.accs[i]!;
        switch (a.length) {
          case 0: acc.add(); break;
          case 1: acc.add(a[0]!(r)); break;
          case 2: acc.add(a[0]!(r), a[1]!(r)); break;
          default: acc.add(...a.map((f) => f(r)));
        }
      }
    },
    earlyWhere(o, plan, after, x),
  );
}

/** The where right after a summarize, when trying it on partial rows saves reading outputs (see EarlyWhere). */
export function earlyWhere(o: Summarize, plan: AggregatePlan, after: TabularOp | undefined, x: Expressions): EarlyWhere | undefined {
  if (after?.op !== 'where') return undefined;
  const read = new Set<string>();
  if (!columnsRead(after.predicate, read)) return undefined;
  const reads: boolean[] = [];
  let slot = o.by.length;
  for (const out of plan.outputs) {
    reads.push(o.schema.slice(slot, slot + out.outputs).some((c) => read.has(c.name)));
    slot += out.outputs;
  }
  return reads.every(Boolean) ? undefined : { reads, test: x.expr(after.predicate, computedLayout(o.schema)) };
}

/** A summarize's groups as a step: filled by `push`, flushed down the chain at the end. `maxGroups`: the current run's limit (limits.ts). */
export function groupsStep(plan: AggregatePlan, keyCount: number, maxGroups: () => number, push: Step<GroupTable>['push'], early?: EarlyWhere): Step<GroupTable> {
  // One function for every run's table: the group lookups inline it (see Link).
  const accumulators = () => plan.states.map((s) => s.create());
  return { init: () => new GroupTable(accumulators, maxGroups()), push, end: (next, table) => flushGroups(table, keyCount, plan, next, early) };
}

/** A summarize's rows, then the end of its input. */
function flushGroups(table: GroupTable, keyCount: number, plan: AggregatePlan, next: Sink, early: EarlyWhere | undefined): void {
  // With no `by`, an empty input still yields one row of default values, as in Kusto.
  if (keyCount === 0) table.get0();
  const outputs = plan.outputs;
  for (const g of table.groups) {
    const v: Value[] = [...g.keys];
    // With an early where: the outputs it reads first (null holds the others' slots), then the rest.
    for (let i = 0; i < outputs.length; i++) pushOutput(v, g, outputs[i]!, early === undefined || early.reads[i] === true);
    if (early !== undefined) {
      const row = { e: null, v };
      if (early.test(row) !== true) continue;
      for (let i = 0, slot = keyCount; i < outputs.length; slot += outputs[i]!.outputs, i++) {
        if (early.reads[i] !== true) setOutput(v, slot, g, outputs[i]!);
      }
    }
    next.push({ e: null, v });
  }
  next.end();
}

function pushOutput(v: Value[], g: Group, out: AggregateOutput, read: boolean): void {
  if (!read) {
    for (let j = 0; j < out.outputs; j++) v.push(null);
    return;
  }
  const result = out.read(g.accs[out.state]!);
  if (out.multi) {
    const values = result as Value[];
    for (let j = 0; j < out.outputs; j++) v.push(values[j] ?? null);
  } else v.push(result);
}

function setOutput(v: Value[], slot: number, g: Group, out: AggregateOutput): void {
  const result = out.read(g.accs[out.state]!);
  if (out.multi) {
    const values = result as Value[];
    for (let j = 0; j < out.outputs; j++) v[slot + j] = values[j] ?? null;
  } else v[slot] = result;
}

/** Adds the columns `e` reads to `into`; false if it reads more than the row (a subquery). */
function columnsRead(e: ScalarExpr, into: Set<string>): boolean {
  return everyNode(e, (x) => {
    if (x.kind === 'column') into.add(x.name);
    return true;
  });
}
