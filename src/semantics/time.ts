/** KQL datetime/timespan functions over ms values. */

/** `bin(v, size)`: round down to a multiple of size; null for null or non-positive size. */
export function bin(v: number | null, size: number | null): number | null {
  if (v === null || size === null || !(size > 0)) return null;
  return Math.floor(v / size) * size;
}

export function startOfDay(ms: number | null): number | null {
  if (ms === null) return null;
  return Math.floor(ms / 86_400_000) * 86_400_000;
}

const PART_MS: Record<string, number> = {
  week: 7 * 86_400_000, day: 86_400_000, hour: 3_600_000, minute: 60_000, second: 1000, millisecond: 1,
};

/** `datetime_diff(part, a, b)`: number of `part` boundaries between b and a (a - b). */
export function datetimeDiff(part: string, a: number | null, b: number | null): number | null {
  if (a === null || b === null) return null;
  const p = part.toLowerCase();
  const da = new Date(a);
  const db = new Date(b);
  if (p === 'year') return da.getUTCFullYear() - db.getUTCFullYear();
  if (p === 'quarter') return (da.getUTCFullYear() - db.getUTCFullYear()) * 4 + Math.floor(da.getUTCMonth() / 3) - Math.floor(db.getUTCMonth() / 3);
  if (p === 'month') return (da.getUTCFullYear() - db.getUTCFullYear()) * 12 + da.getUTCMonth() - db.getUTCMonth();
  if (p === 'week') {
    // Weeks start on Sunday, as startofweek() does.
    const sow = (ms: number) => Math.floor((ms / 86_400_000 + 4) / 7); // 1970-01-01 was a Thursday
    return sow(a) - sow(b);
  }
  const unit = PART_MS[p];
  if (unit === undefined) return null;
  return Math.floor(a / unit) - Math.floor(b / unit);
}

/** `format_datetime(dt, format)` for the documented specifiers. */
export function formatDatetime(ms: number | null, format: string): string {
  if (ms === null) return '';
  const d = new Date(ms);
  const ticks = Math.round((ms - Math.floor(ms / 1000) * 1000) * 10000); // 7 digits of the second
  const fraction = ticks.toString().padStart(7, '0');
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const h12 = d.getUTCHours() % 12 === 0 ? 12 : d.getUTCHours() % 12;
  return format.replace(/yyyy|yy|y|MM|M|dd|d|HH|H|hh|h|mm|m|ss|s|tt|f{1,7}|F{1,7}/g, (tok) => {
    switch (tok) {
      case 'yyyy': return pad(d.getUTCFullYear(), 4);
      case 'yy': return pad(d.getUTCFullYear() % 100);
      case 'y': return String(d.getUTCFullYear() % 100);
      case 'MM': return pad(d.getUTCMonth() + 1);
      case 'M': return String(d.getUTCMonth() + 1);
      case 'dd': return pad(d.getUTCDate());
      case 'd': return String(d.getUTCDate());
      case 'HH': return pad(d.getUTCHours());
      case 'H': return String(d.getUTCHours());
      case 'hh': return pad(h12);
      case 'h': return String(h12);
      case 'mm': return pad(d.getUTCMinutes());
      case 'm': return String(d.getUTCMinutes());
      case 'ss': return pad(d.getUTCSeconds());
      case 's': return String(d.getUTCSeconds());
      case 'tt': return d.getUTCHours() < 12 ? 'AM' : 'PM';
      default:
        if (tok[0] === 'f') return fraction.slice(0, tok.length);
        return fraction.slice(0, tok.length).replace(/0+$/, '');
    }
  });
}
