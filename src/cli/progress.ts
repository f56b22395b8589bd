/**
 * Progress on stderr while a command works through rules or an events file: `42% (21/50 rules,
 * 12.3 rules/s)` or `42% (12.5 MB of 30.0 MB, 8.1 MB/s)` rewritten in place, at most every PERIOD_MS, and cleared at the end. Only when
 * stderr is a terminal: in CI logs and pipes a status line would be noise.
 */
import type { CliIO } from './io.js';

const PERIOD_MS = 200;

export interface Progress {
  /** `done` of the total so far. */
  update(done: number): void;
  /** Clear the status line. */
  end(): void;
}

const QUIET: Progress = { update: () => {}, end: () => {} };

/** A number of bytes as people read it: 512 KB, 12.5 MB, 1.2 GB. */
function size(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${Math.round(bytes / 1e3)} KB`;
}

/**
 * A meter over `total` units named `unit` (`rules`; `bytes` are shown in KB, MB or GB); `clock` is injectable for tests.
 * The first update shows nothing until PERIOD_MS have passed, so quick commands print no status.
 */
export function progress(io: CliIO, total: number, unit: string, clock: () => number = Date.now): Progress {
  if (!io.errIsTTY || !io.status || total <= 0) return QUIET;
  const status = io.status;
  const started = clock();
  let shown = started;
  let printed = false;
  return {
    update(done) {
      const now = clock();
      if (now - shown < PERIOD_MS) return;
      shown = now;
      printed = true;
      const rate = (done / Math.max(now - started, 1)) * 1000;
      const amount = unit === 'bytes' ? `${size(done)} of ${size(total)}, ${size(rate)}/s` : `${done}/${total} ${unit}, ${rate.toFixed(1)} ${unit}/s`;
      status(`${Math.min(100, Math.floor((done / total) * 100))}% (${amount})`);
    },
    end() {
      if (printed) status('');
      printed = false;
    },
  };
}
