/**
 * Progress on stderr while a command works through rules or an events file: `42% (21/50 rules,
 * 12.3 rules/s)` rewritten in place, at most every PERIOD_MS, and cleared at the end. Only when
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

/**
 * A meter over `total` units named `unit` (`rules`, `MB`); `clock` is injectable for tests.
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
      const amount = unit === 'MB' ? `${done.toFixed(1)}/${total.toFixed(1)} MB` : `${done}/${total} ${unit}`;
      status(`${Math.min(100, Math.floor((done / total) * 100))}% (${amount}, ${rate.toFixed(1)} ${unit}/s)`);
    },
    end() {
      if (printed) status('');
    },
  };
}
