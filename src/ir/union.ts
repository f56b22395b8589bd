/**
 * The columns of a union (https://learn.microsoft.com/kusto/query/union-operator). kind=outer (the
 * default): every column of every leg, in order of first appearance; a name that has several types
 * across the legs becomes one column per type, named `Name_type`. kind=inner: "the subset of columns
 * that are common to all of the input tables": the outer union's columns made from a name that every
 * leg has (so `x` that is long in one leg and string in another gives `x_long` and `x_string`, as in
 * Kusto.Language, whose schema is the outer one for either kind). `withsource=` adds a string column first.
 */
import type { Column, Schema } from './types.js';

export function unionSchema(kind: 'inner' | 'outer', legs: readonly Schema[], withSource?: string): Schema {
  const columns = unionColumns(kind, legs).map(({ name, type }) => ({ name, type }));
  return withSource === undefined ? columns : [{ name: withSource, type: 'string' }, ...columns];
}

/** An output column of an outer union and the legs' column name it holds (of its type). */
interface OuterColumn extends Column {
  readonly from: string;
}

/**
 * A name taken already (a leg's own `x_long` after `x` split into `x_long`, `x_int`) gets the first
 * free `1`, `2`, ... suffix, in order of appearance, as Kusto.Language names them.
 */
function outerColumns(legs: readonly Schema[]): OuterColumn[] {
  const typesByName = new Map<string, Column['type'][]>();
  for (const c of legs.flat()) {
    const types = typesByName.get(c.name);
    if (!types) typesByName.set(c.name, [c.type]);
    else if (!types.includes(c.type)) types.push(c.type);
  }
  const used = new Set<string>();
  return [...typesByName].flatMap(([from, types]) => types.map((type) => {
    const base = types.length === 1 ? from : `${from}_${type}`;
    let name = base;
    for (let i = 1; used.has(name); i++) name = `${base}${i}`;
    used.add(name);
    return { name, type, from };
  }));
}

function unionColumns(kind: 'inner' | 'outer', legs: readonly Schema[]): OuterColumn[] {
  const columns = outerColumns(legs);
  return kind === 'inner' ? columns.filter((c) => legs.every((leg) => leg.some((x) => x.name === c.from))) : columns;
}

/**
 * For each output column of the union, the name of the column of leg `index` it is read from
 * (undefined: null in that leg). A leg's column feeds only the output column made from it: a leg's
 * `x` never fills another leg's genuine `x_long`.
 */
export function unionColumnSources(kind: 'inner' | 'outer', legs: readonly Schema[], index: number, withSource?: string): (string | undefined)[] {
  const leg = legs[index] ?? [];
  const sources = unionColumns(kind, legs).map((c) => leg.find((x) => x.name === c.from && x.type === c.type)?.name);
  return withSource === undefined ? sources : [undefined, ...sources];
}
