/**
 * hash() / hash_xxhash64() (https://learn.microsoft.com/kusto/query/hash-function): XXH64 with seed
 * 0 of the value's bytes. The page's examples fix the bytes of two types: a string is hashed as its
 * UTF-8 ("World" -> 1846988464401551951) and a datetime as its 100 ns ticks since 0001-01-01, eight
 * bytes little-endian (datetime(2015-01-01) -> 1380966698541616202). Other types' bytes are not
 * documented; the binder refuses them rather than guess.
 */
import { createRequire } from 'node:module';
import { EPOCH_DAYS } from './ticks.js';

type Xxh = typeof import('xxhashjs');
let xxh: Xxh | undefined;
/** xxhashjs, loaded on the first hash (few rules hash). */
const library = (): Xxh => (xxh ??= createRequire(import.meta.url)('xxhashjs') as Xxh);

/** Ticks from 0001-01-01 to detc's EPOCH (ticks.ts): 0001-01-01 to 1970-01-01, then to 2020-01-01. */
const EPOCH_TICKS = 621_355_968_000_000_000n + BigInt(EPOCH_DAYS) * 864_000_000_000n;

/** The bytes Kusto hashes for a string or a datetime (the evaluator's ticks). */
function bytesOf(v: string | number, type: 'string' | 'datetime'): Buffer {
  if (type === 'string') return Buffer.from(String(v), 'utf8');
  const b = Buffer.alloc(8);
  b.writeBigInt64LE(BigInt(Math.round(Number(v))) + EPOCH_TICKS);
  return b;
}

/**
 * The hash as Kusto's long (the unsigned 64-bit XXH64 read as signed), or its remainder by `mod`.
 * A long is a JavaScript number in detc: a hash beyond 2^53 in size is the nearest one (exact with
 * a mod, whose remainder is computed on the 64-bit value).
 */
export function xxhash64(v: string | number, type: 'string' | 'datetime', mod?: number): number {
  const unsigned = unsignedHash(v, type);
  if (mod !== undefined) return Number(unsigned % BigInt(mod));
  return Number(BigInt.asIntN(64, unsigned));
}

/** The decimal text of the exact hash, as Kusto's tostring prints the long. */
export function xxhash64Text(v: string | number, type: 'string' | 'datetime'): string {
  return BigInt.asIntN(64, unsignedHash(v, type)).toString(10);
}

/** `hash(x) % divisor` on the exact long, with Kusto's modulo (0 <= r < abs(divisor)). */
export function xxhash64Remainder(v: string | number, type: 'string' | 'datetime', divisor: number): number {
  const d = BigInt(Math.abs(Math.trunc(divisor)));
  const signed = BigInt.asIntN(64, unsignedHash(v, type));
  return Number(((signed % d) + d) % d);
}

function unsignedHash(v: string | number, type: 'string' | 'datetime'): bigint {
  return BigInt(library().h64(bytesOf(v, type), 0).toString(10));
}
