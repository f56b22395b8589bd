/**
 * IP address functions (https://learn.microsoft.com/kusto/query/scalar-functions#ipv4ipv6-functions).
 * Addresses may carry a `/prefix`; a missing prefix means the whole address (32 or 128 bits).
 */
import { isIPv6 } from 'node:net';

export function parseIpv4(s: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s.trim());
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return null;
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

/** An address with its prefix length: `10.0.0.0/8` or `10.1.2.3` (32 bits). */
interface Ipv4Net {
  readonly address: number;
  readonly bits: number;
}

function parseIpv4Net(s: string): Ipv4Net | null {
  const slash = s.indexOf('/');
  const address = parseIpv4(slash < 0 ? s : s.slice(0, slash));
  if (address === null) return null;
  if (slash < 0) return { address, bits: 32 };
  const text = s.slice(slash + 1).trim();
  const bits = /^\d{1,2}$/.test(text) ? Number(text) : NaN;
  return bits >= 0 && bits <= 32 ? { address, bits } : null;
}

const mask4 = (bits: number): number => (bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0);

export function ipv4InRange(ip: string, range: string): boolean | null {
  const a = parseIpv4Net(ip);
  const r = parseIpv4Net(range);
  if (a === null || r === null) return null;
  const mask = mask4(r.bits);
  return ((a.address & mask) >>> 0) === ((r.address & mask) >>> 0);
}

/** `ipv4_is_in_any_range(ip, ranges...)`: null when the address is not an IPv4 address. */
export function ipv4InAnyRange(ip: string, ranges: readonly string[]): boolean | null {
  if (parseIpv4Net(ip) === null) return null;
  return ranges.some((r) => ipv4InRange(ip, r) === true);
}

const PRIVATE = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map((r) => parseIpv4Net(r)!);

/**
 * RFC 1918. With a prefix (`192.168.1.1/24`) the whole network must lie in a private range: the
 * documented example gives true for `192.168.1.1/24`
 * (https://learn.microsoft.com/kusto/query/ipv4-is-private-function).
 */
export function ipv4IsPrivate(ip: string): boolean | null {
  const a = parseIpv4Net(ip);
  if (a === null) return null;
  return PRIVATE.some((r) => a.bits >= r.bits && ((a.address & mask4(r.bits)) >>> 0) === r.address);
}

/**
 * `ipv4_compare` (https://learn.microsoft.com/kusto/query/ipv4-compare-function): compares the
 * addresses masked to the smaller of their prefixes (and of `prefix` when given); -1, 0 or 1.
 */
export function ipv4Compare(a: string, b: string, prefix?: number | null): number | null {
  const x = parseIpv4Net(a);
  const y = parseIpv4Net(b);
  if (x === null || y === null || prefix === null || (prefix !== undefined && !(prefix >= 0 && prefix <= 32))) return null;
  const mask = mask4(Math.min(x.bits, y.bits, prefix ?? 32));
  const p = (x.address & mask) >>> 0;
  const q = (y.address & mask) >>> 0;
  return p < q ? -1 : p > q ? 1 : 0;
}

/** `ipv4_is_match` (https://learn.microsoft.com/kusto/query/ipv4-is-match-function). */
export function ipv4IsMatch(a: string, b: string, prefix?: number | null): boolean | null {
  const c = ipv4Compare(a, b, prefix);
  return c === null ? null : c === 0;
}

/** IPv6 text (IPv4 accepted as `::ffff:a.b.c.d`) to a 128-bit number, or null. */
function parseIpv6(s: string): bigint | null {
  const t = s.trim();
  const v4 = parseIpv4(t);
  if (v4 !== null) return (0xffffn << 32n) | BigInt(v4);
  if (!isIPv6(t) || t.includes('%')) return null;
  let text = t;
  // A trailing dotted IPv4 part is two groups.
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const n = parseIpv4(dotted[1]!)!;
    text = `${text.slice(0, dotted.index)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

function parseIpv6Net(s: string): { address: bigint; bits: number } | null {
  const slash = s.indexOf('/');
  const address = parseIpv6(slash < 0 ? s : s.slice(0, slash));
  if (address === null) return null;
  if (slash < 0) return { address, bits: 128 };
  const text = s.slice(slash + 1).trim();
  let bits = /^\d{1,3}$/.test(text) ? Number(text) : NaN;
  // An IPv4 address's prefix counts its 32 bits.
  if (parseIpv4(s.slice(0, slash)) !== null) bits = bits <= 32 ? bits + 96 : NaN;
  return bits >= 0 && bits <= 128 ? { address, bits } : null;
}

const mask6 = (bits: number): bigint => (bits === 0 ? 0n : ((1n << 128n) - 1n) ^ ((1n << BigInt(128 - bits)) - 1n));

/** `ipv6_compare` (https://learn.microsoft.com/kusto/query/ipv6-compare-function). */
export function ipv6Compare(a: string, b: string, prefix?: number | null): number | null {
  const x = parseIpv6Net(a);
  const y = parseIpv6Net(b);
  if (x === null || y === null || prefix === null || (prefix !== undefined && !(prefix >= 0 && prefix <= 128))) return null;
  const mask = mask6(Math.min(x.bits, y.bits, prefix ?? 128));
  const p = x.address & mask;
  const q = y.address & mask;
  return p < q ? -1 : p > q ? 1 : 0;
}

/** `ipv6_is_match` (https://learn.microsoft.com/kusto/query/ipv6-is-match-function). */
export function ipv6IsMatch(a: string, b: string, prefix?: number | null): boolean | null {
  const c = ipv6Compare(a, b, prefix);
  return c === null ? null : c === 0;
}

/**
 * IPv4 addresses in a text, delimited by characters that are neither alphanumeric nor a dot
 * (https://learn.microsoft.com/kusto/query/has-ipv4-function: "properly delimited with
 * non-alphanumeric characters"; a dot would make it part of a longer dotted name).
 */
export function ipv4AddressesIn(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?![\w.])/g)) if (parseIpv4(m[0]) !== null) out.push(m[0]);
  return out;
}

/** `has_ipv4(text, ip)`. */
export function hasIpv4(text: string, ip: string): boolean {
  const n = parseIpv4(ip);
  // The page: true only if ip_address is valid and found, "otherwise false" (not null).
  if (n === null) return false;
  return ipv4AddressesIn(text).some((a) => parseIpv4(a) === n);
}

/**
 * `has_ipv4_prefix(text, prefix)` / `has_any_ipv4_prefix`: a prefix is one to four octets; with
 * fewer than four it must end with a dot (`192.168.`), as the documentation requires.
 */
export function hasIpv4Prefix(text: string, prefixes: readonly string[]): boolean {
  const valid = prefixes.filter((p) => /^\d{1,3}\.(?:\d{1,3}\.){0,2}$/.test(p) || parseIpv4(p) !== null);
  if (valid.length === 0) return false;
  return ipv4AddressesIn(text).some((a) => valid.some((p) => (p.endsWith('.') ? a.startsWith(p) : a === p)));
}

/** `parse_ipv4`: the address masked to its prefix, as a number; null when invalid. */
export function parseIpv4Number(s: string): number | null {
  const a = parseIpv4Net(s);
  return a === null ? null : (a.address & mask4(a.bits)) >>> 0;
}

/** `ipv6_is_in_range(ip, range)`: the address within the prefix of the range. */
export function ipv6InRange(ip: string, range: string): boolean | null {
  const a = parseIpv6Net(ip);
  const r = parseIpv6Net(range);
  if (a === null || r === null) return null;
  const mask = mask6(r.bits);
  return (a.address & mask) === (r.address & mask);
}

/** `ipv6_is_in_any_range(ip, ranges...)`. */
export function ipv6InAnyRange(ip: string, ranges: readonly string[]): boolean | null {
  if (parseIpv6Net(ip) === null) return null;
  return ranges.some((r) => ipv6InRange(ip, r) === true);
}

const dotted = (n: number): string => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

/**
 * `format_ipv4(ip [, prefix])` (https://learn.microsoft.com/kusto/query/format-ipv4-function): the
 * address masked to its prefix, as dotted text; "" when invalid. A number is read as the address.
 */
export function formatIpv4(ip: string | number, prefix?: number | null): string {
  const a = typeof ip === 'number' ? (Number.isInteger(ip) && ip >= 0 && ip <= 0xffffffff ? { address: ip, bits: 32 } : null) : parseIpv4Net(ip);
  if (a === null || prefix === null || (prefix !== undefined && !(prefix >= 0 && prefix <= 32))) return '';
  return dotted((a.address & mask4(Math.min(a.bits, prefix ?? 32))) >>> 0);
}

/** `format_ipv4_mask(ip [, prefix])`: the masked address with its prefix, `a.b.c.d/n`. */
export function formatIpv4Mask(ip: string | number, prefix?: number | null): string {
  const text = formatIpv4(ip, prefix);
  if (text === '') return '';
  const bits = typeof ip === 'number' ? 32 : parseIpv4Net(ip)!.bits;
  return `${text}/${Math.min(bits, prefix ?? 32)}`;
}

/** `ipv4_netmask_suffix(ip)`: the prefix length (32 without one); null when invalid. */
export function ipv4NetmaskSuffix(ip: string): number | null {
  return parseIpv4Net(ip)?.bits ?? null;
}

/**
 * `parse_ipv6(ip)` (https://learn.microsoft.com/kusto/query/parse-ipv6-function): the canonical
 * form, eight groups of four hex digits, masked to the prefix; IPv4 as `::ffff:a.b.c.d`; null when invalid.
 */
export function parseIpv6Text(s: string): string | null {
  const a = parseIpv6Net(s);
  if (a === null) return null;
  const hex = (a.address & mask6(a.bits)).toString(16).padStart(32, '0');
  return hex.match(/.{4}/g)!.join(':');
}

/**
 * `ipv4_range_to_cidr_list(start, end)` (https://learn.microsoft.com/kusto/query/ipv4-range-to-cidr-list-function):
 * the fewest CIDR blocks covering start..end, in address order. detc's choice where the page is
 * silent: null when an address is not IPv4 or end is before start.
 */
export function ipv4RangeToCidrList(start: string, end: string): string[] | null {
  let from = parseIpv4(start);
  const to = parseIpv4(end);
  if (from === null || to === null || to < from) return null;
  const out: string[] = [];
  while (from <= to) {
    // The largest block aligned at `from` that ends at or before `to`.
    let bits = 32;
    while (bits > 0) {
      const size = 2 ** (33 - bits);
      if (from % size !== 0 || from + size - 1 > to) break;
      bits--;
    }
    out.push(`${dotted(from)}/${bits}`);
    from += 2 ** (32 - bits);
  }
  return out;
}

/**
 * `parse_ipv6_mask(ip, prefix)` (https://learn.microsoft.com/kusto/query/parse-ipv6-mask-function):
 * the canonical form masked to the smaller of the address's prefix and `prefix`; "" when invalid.
 * `::a.b.c.d` is read as the IPv4 address, as the page's examples show (`::ffff:...`, and its
 * /24 counts IPv4 bits).
 */
export function parseIpv6Mask(ip: string, prefix: number | null): string {
  if (prefix === null || !(Number.isInteger(prefix) && prefix >= 0 && prefix <= 128)) return '';
  const a = parseIpv6Net(ip.trim().replace(/^::(?=\d+\.\d+\.\d+\.\d+(?:\/|$))/, ''));
  if (a === null) return '';
  const hex = (a.address & mask6(Math.min(a.bits, prefix))).toString(16).padStart(32, '0');
  return hex.match(/.{4}/g)!.join(':');
}

/**
 * `parse_ipv4_mask(ip, prefix)` (https://learn.microsoft.com/kusto/query/parse-ipv4-mask-function):
 * the address masked to the smaller of its own prefix and `prefix` (0..32), as a number; null when invalid.
 */
export function parseIpv4Mask(ip: string, prefix: number | null): number | null {
  const a = parseIpv4Net(ip);
  if (a === null || prefix === null || !(Number.isInteger(prefix) && prefix >= 0 && prefix <= 32)) return null;
  return (a.address & mask4(Math.min(a.bits, prefix))) >>> 0;
}
