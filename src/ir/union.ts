/**
 * The columns of a union (https://learn.microsoft.com/kusto/query/union-operator). kind=outer (the
 * default): every column of every leg, in order of first appearance; a name that has several types
 * across the legs becomes one column per type, named `Name_type`. kind=inner: the columns (name and
 * type) that every leg has, in the first leg's order. `withsource=` adds a string column first.
 */
import type { Column, Schema } from './types.js';

export function unionSchema(kind: 'inner' | 'outer', legs: readonly Schema[], withSource?: string): Schema {
  const columns = kind === 'inner' ? innerColumns(legs) : outerColumns(legs);
  return withSource === undefined ? columns : [{ name: withSource, type: 'string' }, ...columns];
}

function outerColumns(legs: readonly Schema[]): Column[] {
  const typesByName = new Map<string, Column['type'][]>();
  for (const c of legs.flat()) {
    const types = typesByName.get(c.name);
    if (!types) typesByName.set(c.name, [c.type]);
    else if (!types.includes(c.type)) types.push(c.type);
  }
  return [...typesByName].flatMap(([name, types]) => (types.length === 1 ? [{ name, type: types[0]! }] : types.map((type) => ({ name: `${name}_${type}`, type }))));
}

function innerColumns(legs: readonly Schema[]): Column[] {
  const [first = [], ...rest] = legs;
  return first.filter((c) => rest.every((s) => s.some((x) => x.name === c.name && x.type === c.type)));
}

/** For each output column, the name of the leg column it is read from (undefined: null in that leg). */
export function unionColumnSources(output: Schema, leg: Schema, withSource?: string): (string | undefined)[] {
  return output.map((c, i) => {
    if (i === 0 && withSource !== undefined) return undefined;
    const same = leg.find((x) => x.name === c.name && x.type === c.type);
    if (same) return same.name;
    // `Name_type`: the leg's column `Name` of that type.
    const typed = leg.find((x) => `${x.name}_${x.type}` === c.name && x.type === c.type);
    return typed?.name;
  });
}
