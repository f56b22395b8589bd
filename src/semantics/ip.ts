/** IPv4 helpers for ipv4_is_private / ipv4_is_in_range. */

export function parseIpv4(s: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s.trim());
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return null;
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

export function ipv4InRange(ip: string, range: string): boolean | null {
  const [base, bitsText] = range.split('/');
  const a = parseIpv4(ip);
  const b = parseIpv4(base ?? '');
  if (a === null || b === null) return null;
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  if (!(bits >= 0 && bits <= 32)) return null;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return ((a & mask) >>> 0) === ((b & mask) >>> 0);
}

const PRIVATE = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];
export function ipv4IsPrivate(ip: string): boolean | null {
  if (parseIpv4(ip) === null) return null;
  return PRIVATE.some((r) => ipv4InRange(ip, r));
}
