/** Sentinel rule durations: `5m`, `1h`, `14d`, or .NET TimeSpan `hh:mm:ss` / `d.hh:mm:ss`. */

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds, or undefined if the text is not a Sentinel duration. */
export function parseRuleDuration(text: string): number | undefined {
  const short = /^(\d+)([mhdMHD])$/.exec(text.trim());
  if (short) return Number(short[1]) * UNIT_MS[short[2]!.toLowerCase()]!;
  const span = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})$/.exec(text.trim());
  if (span) {
    const [, d = '0', h, m, s] = span;
    if (+m! > 59 || +s! > 59) return undefined;
    return ((+d * 24 + +h!) * 3600 + +m! * 60 + +s!) * 1000;
  }
  return undefined;
}

/** ISO 8601 duration for ARM: PT5M, PT1H, P1D, P1DT12H. */
export function toIsoDuration(ms: number): string {
  let s = Math.round(ms / 1000);
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const time = `${h ? `${h}H` : ''}${m ? `${m}M` : ''}${s ? `${s}S` : ''}`;
  return `P${d ? `${d}D` : ''}${time ? `T${time}` : ''}` || 'PT0S';
}

/** Human text: 90 minutes -> "1h30m". */
export function describeDuration(ms: number): string {
  const d = Math.floor(ms / 86_400_000);
  const h = Math.floor((ms % 86_400_000) / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  return `${d ? `${d}d` : ''}${h ? `${h}h` : ''}${m ? `${m}m` : ''}` || '0m';
}
