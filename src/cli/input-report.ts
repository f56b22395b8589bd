/**
 * What `detc run` read from its events file: every event counted as kept, not parsed or dropped
 * (with the reason), and every bad or undecodable line, so that no input vanishes without a word.
 * The first problems are printed as they come, the counts in one summary line at the end, and
 * all of it in the `input` member of `--format json`.
 */
import type { Drop, DropReason } from '../backends/js/event-time.js';
import type { BadLine } from '../backends/js/events.js';
import { formatDatetimeIso } from '../semantics/values.js';
import { ticksFromUnixMs } from '../semantics/ticks.js';

/** Problems printed one by one (each kind); the rest are counted. */
const SHOWN = 20;

export interface InputProblem {
  readonly line: number;
  readonly element?: number;
  readonly kind: 'bad line' | 'dropped' | 'invalid UTF-8';
  readonly message: string;
}

/** A time as text: the window's ends are ms since 1970 (the run options'), events' times ticks (the evaluator's). */
const iso = (ticks: number) => formatDatetimeIso(ticks, true);
const isoMs = (ms: number) => iso(ticksFromUnixMs(ms));
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export class InputReport {
  /** Events given to the rule (a parallel read counts those its threads filtered out here too). */
  kept = 0;
  /** Lines not parsed: they cannot pass the rule's first filters. */
  notParsed = 0;
  readonly dropped: Record<DropReason, number> = { missing: 0, notADate: 0, outsideWindow: 0 };
  /** The earliest and latest TimeGenerated of the events outside the window. */
  private outside: [number, number] | undefined;
  badLines = 0;
  invalidUtf8Lines = 0;
  /** The first problems of each kind, in the order met. */
  readonly problems: InputProblem[] = [];
  private readonly shownOf = new Map<InputProblem['kind'], number>();

  /**
   * `window` is [start, end] of a windowed run; `print` gets each problem shown as a line of text
   * (prefixed with the file and line).
   */
  constructor(
    private readonly file: string,
    private readonly window: readonly [number, number] | undefined,
    private readonly print: (text: string) => void,
  ) {}

  get droppedTotal(): number {
    return this.dropped.missing + this.dropped.notADate + this.dropped.outsideWindow;
  }

  get read(): number {
    return this.kept + this.notParsed + this.droppedTotal;
  }

  /** No event read (an empty input), or none a rule could use because of what is wrong with the input itself. */
  get unusable(): boolean {
    return this.kept + this.notParsed === 0 && (this.badLines + this.dropped.missing + this.dropped.notADate > 0 || this.read === 0);
  }

  bad(b: BadLine): InputProblem {
    this.badLines++;
    return this.note({ line: b.line, kind: 'bad line', message: b.message });
  }

  invalidUtf8(line: number): InputProblem {
    this.invalidUtf8Lines++;
    return this.note({ line, kind: 'invalid UTF-8', message: 'not valid UTF-8: its bad bytes were read as U+FFFD' });
  }

  drop(d: Drop & { readonly element?: number }): InputProblem | undefined {
    this.dropped[d.reason]++;
    if (d.reason === 'outsideWindow') {
      if (d.ticks !== undefined) this.outside = this.outside ? [Math.min(this.outside[0], d.ticks), Math.max(this.outside[1], d.ticks)] : [d.ticks, d.ticks];
      return undefined;
    }
    return this.note({ line: d.line ?? 0, element: d.element, kind: 'dropped', message: d.detail ?? d.reason });
  }

  private note(p: InputProblem): InputProblem {
    const shown = this.shownOf.get(p.kind) ?? 0;
    this.shownOf.set(p.kind, shown + 1);
    if (shown < SHOWN) {
      this.problems.push(p);
      const verb = p.kind === 'bad line' ? 'skipped' : p.kind === 'dropped' ? 'dropped' : 'warning';
      this.print(`${this.where(p)}: ${verb}: ${p.message}`);
    }
    return p;
  }

  private where(p: { line: number; element?: number }): string {
    return `${this.file}:${p.line}${p.element === undefined ? '' : ` (element ${p.element})`}`;
  }

  /** Lines about the problems that were counted but not printed. */
  more(): string[] {
    const lines: string[] = [];
    for (const [kind, n] of this.shownOf) if (n > SHOWN) lines.push(`${this.file}: ${n - SHOWN} more ${kind === 'bad line' ? 'bad lines skipped' : kind === 'dropped' ? 'events dropped' : 'lines not valid UTF-8'}`);
    return lines;
  }

  /**
   * `read 10 events: 7 kept, 3 dropped (1 TimeGenerated missing or null, 1 TimeGenerated not a date,
   * 1 outside the window [2025-03-01T11:00:00Z, 2025-03-01T12:00:00Z]: TimeGenerated 1970-01-01T00:00:12.345Z)`,
   * then the lines not parsed, bad lines and lines not valid UTF-8 when there are any.
   */
  summary(): string {
    const reasons = [
      this.dropped.missing && `${this.dropped.missing} TimeGenerated missing or null`,
      this.dropped.notADate && `${this.dropped.notADate} TimeGenerated not a date`,
      this.dropped.outsideWindow &&
        `${this.dropped.outsideWindow} outside the window${this.window ? ` [${isoMs(this.window[0])}, ${isoMs(this.window[1])}]` : ''}${this.outside ? `: TimeGenerated ${this.outside[0] === this.outside[1] ? iso(this.outside[0]) : `${iso(this.outside[0])} to ${iso(this.outside[1])}`}` : ''}`,
    ].filter(Boolean);
    let text = `read ${plural(this.read, 'event')}: ${this.kept} kept`;
    if (this.notParsed) text += `, ${this.notParsed} not parsed (they cannot pass the rule's first filters)`;
    text += `, ${this.droppedTotal} dropped${reasons.length ? ` (${reasons.join(', ')})` : ''}`;
    if (this.badLines) text += `; ${plural(this.badLines, 'bad line')} skipped`;
    if (this.invalidUtf8Lines) text += `; ${plural(this.invalidUtf8Lines, 'line')} not valid UTF-8`;
    return text;
  }

  toJSON(): object {
    return {
      file: this.file,
      read: this.read,
      kept: this.kept,
      notParsed: this.notParsed,
      dropped: { ...this.dropped, total: this.droppedTotal },
      window: this.window && { start: isoMs(this.window[0]), end: isoMs(this.window[1]) },
      outsideWindowTimes: this.outside && { earliest: iso(this.outside[0]), latest: iso(this.outside[1]) },
      badLines: this.badLines,
      invalidUtf8Lines: this.invalidUtf8Lines,
      problems: this.problems,
      problemsNotListed: this.badLines + this.dropped.missing + this.dropped.notADate + this.invalidUtf8Lines - this.problems.length,
    };
  }
}
