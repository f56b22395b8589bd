/**
 * Where hash(x) without a modulo is used, the evaluator computes from the exact 64-bit value: it
 * holds a long as a double, whose nearest value would print 1846988464401552000 for
 * 1846988464401551951 and give hash("World") % 10 == 2 (Kusto: 1). The binder gives such a hash
 * call a hidden second argument: print the decimal text (tostring(hash(x)), strcat(..., hash(x)))
 * or take the remainder by a third argument (hash(x) % n, with Kusto's modulo that is never
 * negative). The catalog's hash computes them; the KQL emitter writes the query as given.
 */
import type { ScalarExpr } from './types.js';

/** The hidden argument's values: no KQL literal can hold them (a NUL character). */
export const HASH_AS_TEXT = '\u0000decimal text';
export const HASH_REMAINDER = '\u0000remainder';

const HASH_FUNCTIONS = new Set(['hash', 'hash_xxhash64']);

/** A hash call without a modulo, which `hashAsText` can rewrite. */
export const isHashWithoutModulo = (e: ScalarExpr): e is Extract<ScalarExpr, { kind: 'call' }> =>
  e.kind === 'call' && HASH_FUNCTIONS.has(e.fn) && e.args.length === 1;

/** The same hash call giving its exact decimal text (type string). */
export function hashAsText(e: Extract<ScalarExpr, { kind: 'call' }>): ScalarExpr {
  return { ...e, type: 'string', args: [e.args[0]!, { kind: 'literal', type: 'string', value: HASH_AS_TEXT, span: e.span }] };
}

/** `hash(x) % divisor` as one hash call (type long). */
export function hashRemainder(e: Extract<ScalarExpr, { kind: 'call' }>, divisor: ScalarExpr, span: ScalarExpr['span']): ScalarExpr {
  return { ...e, type: 'long', span, args: [e.args[0]!, { kind: 'literal', type: 'string', value: HASH_REMAINDER, span }, divisor] };
}

const hidden = (e: Extract<ScalarExpr, { kind: 'call' }>, marker: string): boolean =>
  HASH_FUNCTIONS.has(e.fn) && e.args.length >= 2 && e.args[1]!.kind === 'literal' && e.args[1]!.value === marker;
export const isHashAsText = (e: Extract<ScalarExpr, { kind: 'call' }>): boolean => hidden(e, HASH_AS_TEXT);
export const isHashRemainder = (e: Extract<ScalarExpr, { kind: 'call' }>): boolean => hidden(e, HASH_REMAINDER);

/** Functions whose arguments are printed as text, so a hash argument can be computed as text. */
export const PRINTS_ARGUMENTS: ReadonlySet<string> = new Set(['tostring', 'strcat']);
