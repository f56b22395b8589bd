/**
 * Operators that cannot read the open rows of evaluate bag_unpack or pivot without an output
 * schema. Those rows have columns the data names, known only at run time; an operator that reads
 * every column (`distinct *`, `arg_max(x, *)`, a `project-away` wildcard, getschema) or combines the
 * rows with another table's (join, lookup, union), or keeps them through a sub-query (mv-apply,
 * invoke, another evaluate) or a name (as), would need them at bind time to compute its
 * output, so the binder refuses it and asks for the plugin's output schema instead of dropping or
 * misplacing those columns.
 */
import type * as A from '../query/ast.js';

/** What reads every column: the operator's name as the message shows it and where it is written. */
export interface OpenRowsReader {
  readonly operator: string;
  readonly span: A.Span;
}

/** The part of `op` that needs every column of open input rows, or undefined when it needs none. */
export function readsEveryColumn(op: A.TabularOp): OpenRowsReader | undefined {
  switch (op.op) {
    case 'join':
      return { operator: op.lookup ? 'lookup' : `join${op.kind ? ` kind=${op.kind.name}` : ''}`, span: op.span };
    case 'union':
      return { operator: 'union', span: op.span };
    case 'getschema':
      return { operator: 'getschema', span: op.span };
    case 'distinct':
      return op.items.some((i) => i.kind === 'star') ? { operator: 'distinct *', span: op.span } : undefined;
    case 'summarize': {
      for (const a of op.aggregates) {
        const star = starCall(a.expr);
        if (star) return { operator: `${star.name}(..., *)`, span: star.span };
      }
      return undefined;
    }
    case 'project-away':
    case 'project-keep': {
      const wild = op.names.find((n) => n.name.includes('*'));
      return wild ? { operator: `${op.op} ${wild.name}`, span: wild.span } : undefined;
    }
    case 'project-reorder': {
      const wild = op.keys.find((k) => k.expr.kind === 'name' && k.expr.name.includes('*'));
      return wild ? { operator: `project-reorder ${(wild.expr as A.NameExpr).name}`, span: wild.span } : undefined;
    }
    case 'mv-apply':
      return { operator: 'mv-apply', span: op.span };
    case 'invoke':
      return { operator: 'invoke', span: op.span };
    case 'as':
      // The name reaches later statements (joins, unions) that would need the columns by then.
      return { operator: `as ${op.name.name}`, span: op.span };
    case 'evaluate':
      // Another plugin (ipv4_lookup, narrow, a second bag_unpack, ...) outputs the input's columns too.
      return { operator: `evaluate ${op.plugin.kind === 'call' ? op.plugin.name : ''}`.trim(), span: op.span };
    default:
      return undefined;
  }
}

/** A call such as `arg_max(TimeGenerated, *)` or `take_any(*)` with a `*` argument. */
function starCall(e: A.Expr): A.CallExpr | undefined {
  if (e.kind !== 'call') return undefined;
  return e.args.some((a) => a.ops.length === 0 && a.source.kind === 'star') ? e : undefined;
}

/** The plugin's name of an `evaluate` operator (bag_unpack, pivot). */
export function pluginName(op: A.TabularOp): string {
  return op.op === 'evaluate' && op.plugin.kind === 'call' ? op.plugin.name : op.op;
}

/** The diagnostic's arguments: the operator, then the plugin, then a declaration to copy. */
export function openRowsArgs(reader: OpenRowsReader, plugin: string): string[] {
  const example = plugin === 'pivot' ? `evaluate pivot(...) : (GroupColumn:type, ..., Value:type, ...)` : `evaluate ${plugin}(...) : (*, Name:type, ...)`;
  return [reader.operator, plugin, example];
}
