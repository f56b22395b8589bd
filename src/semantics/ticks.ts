/**
 * How the evaluator holds datetimes and timespans: a number of 100 ns ticks, Kusto's unit
 * (https://learn.microsoft.com/kusto/query/scalar-data-types/datetime). A timespan is its ticks; a
 * datetime is its ticks since EPOCH (2020-01-01), not since 1970: a double holds every integer up
 * to 2^53 (about 28.5 years of ticks) exactly, so datetimes from mid-1991 to mid-2048 are exact to
 * the tick, and further out they round to the nearest double (2 ticks by 1963 and 2077, 512 ticks,
 * 51.2 us, at the years 1 and 9999: always finer than a millisecond). See docs/SEMANTICS.md,
 * "Datetime precision".
 */

export const TICKS_PER_MS = 10_000;
export const TICKS_PER_SECOND = 10_000_000;
export const TICKS_PER_MINUTE = 600_000_000;
export const TICKS_PER_HOUR = 36_000_000_000;
export const TICKS_PER_DAY = 864_000_000_000;

/** Ticks of the fraction digits of a second (`.5` -> 5000000); digits past the seventh are dropped. */
export function fractionTicks(digits: string): number {
  return Number(`${digits}000000`.slice(0, 7));
}

/** Days from 1970-01-01 to EPOCH, 2020-01-01 (a Wednesday). */
export const EPOCH_DAYS = 18_262;
/** EPOCH in milliseconds since 1970. */
const EPOCH_MS = EPOCH_DAYS * 86_400_000;

/** Below this many seconds from EPOCH, seconds * 10^7 + a fraction of a second is exact in a double. */
const EXACT_SECONDS = 900_719_000;

/**
 * Ticks of a datetime given in (possibly fractional) milliseconds since 1970: events' JSON numbers,
 * clocks. Rounded to a whole tick: a clock read from text with digits below the millisecond
 * (`2024-01-10T00:10:20.2634241Z`) is a fractional number of milliseconds, and a fractional tick
 * would differ from the same text read as a datetime (now() == datetime(...) false).
 */
export function ticksFromUnixMs(ms: number): number {
  return Math.round((ms - EPOCH_MS) * TICKS_PER_MS);
}

/** Milliseconds since 1970 of a datetime: what the public surfaces (clocks, AQL) count in. */
export function unixMsFromTicks(ticks: number): number {
  if (Math.abs(ticks) <= Number.MAX_SAFE_INTEGER) return ticks / TICKS_PER_MS + EPOCH_MS;
  // Far from EPOCH, through the decimal the value reads as (a whole millisecond stays whole).
  const [seconds, fraction] = splitTicks(ticks);
  return (seconds + EPOCH_DAYS * 86_400) * 1000 + fraction / TICKS_PER_MS;
}

/**
 * A datetime or timespan value in whole milliseconds, for a target that counts them (AQL); other
 * values as they are. AQL's times are whole milliseconds m; for a literal L with ticks below the
 * millisecond (floor(L) < L < ceil(L)): m > L and m >= L both hold exactly when m >= ceil(L),
 * i.e. m > floor(L); m < L and m <= L exactly when m <= floor(L), i.e. m < ceil(L). So the whole
 * number that keeps the comparison exact is floor(L) for `>` and `<=`, ceil(L) for `>=` and `<`
 * (pass `op`); without `op`, floor(L) (exact for `>` and `<=`). No whole number makes `==` exact
 * (m == L never holds), nor `!=` (always holds): a caller must not write those with such an L
 * (see isWholeMillisecond).
 */
export function millisecondsOf(value: unknown, type: string, op?: string): unknown {
  if (typeof value !== 'number' || (type !== 'datetime' && type !== 'timespan')) return value;
  const ms = type === 'datetime' ? unixMsFromTicks(value) : value / TICKS_PER_MS;
  return op === '>=' || op === '<' ? Math.ceil(ms) : Math.floor(ms);
}

/** Whether a datetime or timespan (ticks) is a whole number of milliseconds (millisecondsOf keeps it as it is). */
export function isWholeMillisecond(value: number, type: string): boolean {
  return Number.isInteger(type === 'datetime' ? unixMsFromTicks(value) : value / TICKS_PER_MS);
}

/**
 * Ticks of whole seconds since EPOCH plus a fraction of a second in ticks (0 <= fraction < 10^7).
 * Far from EPOCH, where a double is a multiple of several ticks, rounded once to the nearest
 * double (through BigInt, so that the text read and the text printed, see splitTicks, agree), but
 * never up into the next second: there toward the past, the last double of the second (as
 * lastTickBefore), so that `23:59:59.9999999` stays in its day and year (rounding it up gave the
 * next day, or the year 10000). A whole millisecond is never that close to the next second.
 */
export function ticksOf(seconds: number, fraction: number): number {
  if (Math.abs(seconds) < EXACT_SECONDS) return seconds * TICKS_PER_SECOND + fraction;
  const exact = BigInt(seconds) * 10_000_000n + BigInt(fraction);
  const nearest = Number(exact);
  return BigInt(nearest) - exact >= 10_000_000n - BigInt(fraction) ? lastTickBefore(nearest) : nearest;
}

/** Seconds since EPOCH of days since 1970 and a time of day. */
export function secondsFromEpoch(unixDays: number, h: number, m: number, s: number): number {
  return (unixDays - EPOCH_DAYS) * 86_400 + h * 3600 + m * 60 + s;
}

/**
 * x mod n in [0, n), exact for whole numbers. Within 2^53 by a division (x - floor(x / n) * n is
 * exact there, corrected when x / n rounded across a whole number): the remainder operator on
 * doubles beyond 32 bits is a library call, several times slower, and this runs per datetime
 * printed or binned. Beyond 2^53 by the remainder, which is exact.
 */
export function floorMod(x: number, n: number): number {
  if (x >= -Number.MAX_SAFE_INTEGER && x <= Number.MAX_SAFE_INTEGER) {
    const r = x - Math.floor(x / n) * n;
    return r < 0 ? r + n : r >= n ? r - n : r;
  }
  const r = x % n;
  return r < 0 ? r + n : r;
}

/**
 * [whole seconds since EPOCH, ticks within the second] of a datetime (a timespan: of its length),
 * to the nearest tick. Exact within 2^53 ticks. Beyond, a double is a multiple of 2 or more ticks: the value is read as
 * the decimal with the fewest fraction digits that rounds to the same double (as JavaScript prints
 * numbers), so that datetime(9999-12-31 23:59:59.123) prints as it was written.
 */
export function splitTicks(value: number): [number, number] {
  const ticks = Math.round(value); // a fraction of a tick (an average, timespan * real) is not held by Kusto
  if (Math.abs(ticks) <= Number.MAX_SAFE_INTEGER) {
    const fraction = floorMod(ticks, TICKS_PER_SECOND);
    return [(ticks - fraction) / TICKS_PER_SECOND, fraction];
  }
  const exact = BigInt(ticks);
  let shortest = exact;
  for (let step = 10_000_000n; step > 1n; step /= 10n) {
    const candidate = roundTo(exact, step);
    if (Number(candidate) === ticks) {
      shortest = candidate;
      break;
    }
  }
  const fraction = ((shortest % 10_000_000n) + 10_000_000n) % 10_000_000n;
  return [Number((shortest - fraction) / 10_000_000n), Number(fraction)];
}

/** The multiple of step nearest to x (halves away from zero). */
function roundTo(x: bigint, step: bigint): bigint {
  return x < 0n ? -roundTo(-x, step) : ((x + step / 2n) / step) * step;
}

/** Days since 1970 and the ticks within that day, of a datetime. */
export function unixDayOf(ticks: number): [number, number] {
  const [seconds, fraction] = splitTicks(ticks);
  const inDay = floorMod(seconds, 86_400);
  return [(seconds - inDay) / 86_400 + EPOCH_DAYS, inDay * TICKS_PER_SECOND + fraction];
}

/** The datetime at midnight of a day counted from 1970 (exact: a day is 2^14 x an odd number of ticks). */
export function ticksOfUnixDay(unixDay: number): number {
  return (unixDay - EPOCH_DAYS) * TICKS_PER_DAY;
}

/**
 * `bin` on ticks: round down to a multiple of size counted from `origin` (a datetime's bins count
 * from 1970-01-01, detc's choice as before; a timespan's from 0). Exact for whole-tick sizes, with
 * no intermediate beyond the value itself.
 */
export function binTicks(value: number, size: number, origin = 0): number {
  return value - floorMod(floorMod(value, size) - floorMod(origin, size), size);
}

/** 1970-01-01 in ticks since EPOCH (a multiple of 2^15: exact). */
export const UNIX_EPOCH_TICKS = -EPOCH_DAYS * TICKS_PER_DAY;

/**
 * The last datetime before t: one tick before it, or where t is a multiple of several ticks (far
 * from EPOCH, see above) the double just below it, the last moment detc can hold there.
 */
export function lastTickBefore(t: number): number {
  const before = t - 1;
  if (before < t) return before;
  const bits = new BigInt64Array(new Float64Array([t]).buffer);
  bits[0]! += t > 0 ? -1n : 1n;
  return new Float64Array(bits.buffer)[0]!;
}
