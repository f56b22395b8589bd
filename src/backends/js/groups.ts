/**
 * The groups of a `summarize`: nested Maps keyed by the key values themselves (one level per `by`
 * column), so finding a group builds no key string. Map keys compare by SameValueZero, which keeps
 * kinds apart as Kusto does ("1" and 1 are different groups); null and a missing value are one
 * key; dynamic values (objects, arrays) are keyed by their JSON text, interned as a symbol so no
 * string can collide with it.
 */
import type { Accumulator } from '../../catalog/types.js';
import { jsonText, type Value } from '../../semantics/values.js';
import { DEFAULT_LIMITS, EvaluationLimitError } from './limits.js';

export interface Group {
  /** The key values as the rows had them (null for missing). */
  readonly keys: Value[];
  readonly accs: Accumulator[];
}

export class GroupTable {
  /** Groups in the order they first appeared. */
  readonly groups: Group[] = [];
  private readonly root = new Map<unknown, unknown>();
  private single: Group | undefined;
  private readonly objectKeys = new Map<string, symbol>();

  /** `maxGroups`: more groups than this is an EvaluationLimitError (see limits.ts). */
  constructor(
    private readonly create: () => Accumulator[],
    private readonly maxGroups = DEFAULT_LIMITS.maxGroups,
  ) {}

  private add(g: Group): void {
    if (this.groups.length >= this.maxGroups) throw new EvaluationLimitError('maxGroups', this.maxGroups, 'the number of groups of a summarize');
    this.groups.push(g);
  }

  /** The group of a summarize without `by`. */
  get0(): Group {
    if (!this.single) {
      this.single = { keys: [], accs: this.create() };
      this.add(this.single);
    }
    return this.single;
  }

  get1(k: Value): Group {
    const key = this.mapKey(k);
    let g = this.root.get(key) as Group | undefined;
    if (g === undefined) {
      g = { keys: [k ?? null], accs: this.create() };
      this.root.set(key, g);
      this.add(g);
    }
    return g;
  }

  get2(a: Value, b: Value): Group {
    const ka = this.mapKey(a);
    let inner = this.root.get(ka) as Map<unknown, Group> | undefined;
    if (inner === undefined) {
      inner = new Map();
      this.root.set(ka, inner);
    }
    const kb = this.mapKey(b);
    let g = inner.get(kb);
    if (g === undefined) {
      g = { keys: [a ?? null, b ?? null], accs: this.create() };
      inner.set(kb, g);
      this.add(g);
    }
    return g;
  }

  getN(keys: Value[]): Group {
    if (keys.length === 0) return this.get0();
    let level = this.root;
    for (let i = 0; i < keys.length - 1; i++) {
      const k = this.mapKey(keys[i]);
      let next = level.get(k) as Map<unknown, unknown> | undefined;
      if (next === undefined) {
        next = new Map();
        level.set(k, next);
      }
      level = next;
    }
    const last = this.mapKey(keys[keys.length - 1]);
    let g = level.get(last) as Group | undefined;
    if (g === undefined) {
      g = { keys: keys.map((k) => k ?? null), accs: this.create() };
      level.set(last, g);
      this.add(g);
    }
    return g;
  }

  private mapKey(v: Value): unknown {
    if (v === undefined) return null;
    if (typeof v !== 'object' || v === null) return v;
    const text = jsonText(v);
    let s = this.objectKeys.get(text);
    if (s === undefined) {
      s = Symbol(text);
      this.objectKeys.set(text, s);
    }
    return s;
  }
}

/**
 * The key of a list of values as one string (distinct rows, join keys): kinds kept apart ("1" vs
 * 1), strings length-prefixed so no two different lists share a key, objects by their JSON.
 */
export function groupKey(values: readonly Value[]): string {
  let key = '';
  for (const v of values) key += groupKey1(v);
  return key;
}

function groupKey1(v: Value): string {
  if (typeof v === 'string') return `s${v.length}:${v}`;
  if (typeof v === 'number') return `n${v};`;
  if (v === null || v === undefined) return 'z;';
  if (typeof v === 'boolean') return v ? 't;' : 'f;';
  const j = jsonText(v);
  return `j${j.length}:${j}`;
}
