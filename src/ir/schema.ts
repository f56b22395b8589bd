/**
 * The columns a tabular operator outputs, as a function of its input's columns and the operator
 * itself. One definition for the binder (which computes every operator's schema as it binds) and
 * for the runtime (which derives them again when it loads a standalone module, since modules
 * carry only the source tables' columns: see portable.ts).
 */
import type { BagUnpack, Column, Schema, TabularOp } from './types.js';

/** An operator before its output schema is known. Nested pipelines (join's right side) have theirs. */
export type OpWithoutSchema = TabularOp extends infer O ? (O extends TabularOp ? Omit<O, 'schema'> : never) : never;

/** `schema` with column `c` in place of the column of the same name, or appended. */
export function replaceOrAppend(schema: Schema, c: Column): Column[] {
  const i = schema.findIndex((x) => x.name === c.name);
  if (i < 0) return [...schema, c];
  const copy = [...schema];
  copy[i] = c;
  return copy;
}

const named = (columns: readonly { readonly name: string; readonly expr: { readonly type: Column['type'] } }[]): Column[] =>
  columns.map((c) => ({ name: c.name, type: c.expr.type }));

export function outputSchema(op: OpWithoutSchema, input: Schema): Schema {
  switch (op.op) {
    case 'where':
    case 'sort':
    case 'top':
    case 'take':
      return input;
    case 'extend':
    case 'serialize':
      // Each column replaces an input column of its name or is appended, in order.
      return op.columns.reduce<Schema>((s, c) => replaceOrAppend(s, { name: c.name, type: c.expr.type }), input);
    case 'project':
    case 'distinct':
      return named(op.columns);
    case 'project-away':
    case 'project-keep': {
      const names = new Set(op.names);
      return input.filter((c) => names.has(c.name) === (op.op === 'project-keep'));
    }
    case 'project-reorder': {
      const first = op.names.map((n) => input.find((c) => c.name === n)!);
      return [...first, ...input.filter((c) => !op.names.includes(c.name))];
    }
    case 'project-rename':
      return input.map((c) => {
        const r = op.renames.find((x) => x.from === c.name);
        return r ? { name: r.to, type: c.type } : c;
      });
    case 'summarize':
      return [...named(op.by), ...op.aggregates.flatMap((a) => a.outputs)];
    case 'count':
      return [{ name: 'Count', type: 'long' }];
    case 'make-series':
      return [...named(op.by), ...op.aggregates.flatMap((a) => a.outputs.map((o) => ({ name: o.name, type: 'dynamic' as const }))), { name: op.axis.name, type: 'dynamic' }];
    case 'top-nested':
      return op.levels.flatMap((l) => [{ name: l.of.name, type: l.of.expr.type }, l.aggregate.outputs[0]!]);
    case 'parse-kv':
      return [...input, ...op.columns];
    case 'evaluate':
      if (op.plugin === 'bag_unpack') return bagUnpackSchema(op, input);
      if (op.plugin === 'ipv4_lookup') return [...input, ...op.rightColumns.map((c) => ({ name: c.name, type: op.right.schema.find((r) => r.name === c.from)!.type }))];
      if (op.plugin === 'pivot' && op.declared) return op.declared;
      if (op.plugin === 'pivot') return [...op.by.map((n) => input.find((c) => c.name === n)!), ...op.pivoted];
      return [{ name: 'Row', type: 'long' }, { name: 'Column', type: 'string' }, { name: 'Value', type: 'string' }];
    case 'getschema':
      return [
        { name: 'ColumnName', type: 'string' },
        { name: 'ColumnOrdinal', type: 'long' },
        { name: 'DataType', type: 'string' },
        { name: 'ColumnType', type: 'string' },
      ];
    case 'join':
      if (op.kind === 'leftsemi' || op.kind === 'leftanti') return input;
      if (op.kind === 'rightsemi' || op.kind === 'rightanti') return op.right.schema;
      return [...input, ...op.right.schema.map((c, i) => ({ name: op.rightNames[i]!, type: c.type }))];
    case 'mv-apply': {
      // The input's columns (those the subquery outputs take its values and types), then its new ones.
      const out = op.subquery.schema;
      return [...input.map((c) => out.find((o) => o.name === c.name) ?? c), ...out.filter((o) => !input.some((c) => c.name === o.name))];
    }
    case 'parse':
    case 'parse-where':
      return [...input, ...op.pattern.flatMap((p) => (p.kind === 'column' ? [{ name: p.name, type: p.type }] : []))];
    case 'mv-expand': {
      let schema = op.columns.reduce<Schema>((s, c) => replaceOrAppend(s, { name: c.name, type: c.type }), input);
      if (op.itemIndex !== undefined) schema = replaceOrAppend(schema, { name: op.itemIndex, type: 'long' });
      return schema;
    }
  }
}

/**
 * bag_unpack (https://learn.microsoft.com/kusto/query/bag-unpack-plugin): the input without the
 * unpacked column, then the unpacked ones; with an output schema, exactly the declared columns
 * (after the input's other columns with `*`, as Kusto.Language orders them).
 */
function bagUnpackSchema(op: BagUnpack, input: Schema): Schema {
  const rest = input.filter((c) => c.name !== op.column);
  if (!op.declared) return [...rest, ...op.unpacked];
  const declared = op.declared.columns;
  return op.declared.wildcard ? [...rest.filter((c) => !declared.some((d) => d.name === c.name)), ...declared] : declared;
}
