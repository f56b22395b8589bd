/**
 * tostring(hash(x)) and strcat(..., hash(x), ...) print the 64-bit hash. detc's evaluator holds a
 * long as a double, which would print the nearest double (1846988464401552000 for
 * 1846988464401551951), so such a hash call gets a hidden second argument asking for the decimal
 * text of the exact value (catalog: hash; the KQL emitter writes the call without it).
 */
import type { ScalarExpr } from './types.js';

/** The hidden argument's value: no KQL literal can hold it (a NUL character). */
export const HASH_AS_TEXT = '\u0000decimal text';

const HASH_FUNCTIONS = new Set(['hash', 'hash_xxhash64']);

/** A hash call without a modulo, which `hashAsText` can rewrite. */
export const isHashWithoutModulo = (e: ScalarExpr): e is Extract<ScalarExpr, { kind: 'call' }> =>
  e.kind === 'call' && HASH_FUNCTIONS.has(e.fn) && e.args.length === 1;

/** The same hash call giving its exact decimal text (type string). */
export function hashAsText(e: Extract<ScalarExpr, { kind: 'call' }>): ScalarExpr {
  return { ...e, type: 'string', args: [e.args[0]!, { kind: 'literal', type: 'string', value: HASH_AS_TEXT, span: e.span }] };
}

export const isHashAsText = (e: Extract<ScalarExpr, { kind: 'call' }>): boolean =>
  HASH_FUNCTIONS.has(e.fn) && e.args.length === 2 && e.args[1]!.kind === 'literal' && e.args[1]!.value === HASH_AS_TEXT;

/** Functions whose arguments are printed as text, so a hash argument can be computed as text. */
export const PRINTS_ARGUMENTS: ReadonlySet<string> = new Set(['tostring', 'strcat']);
