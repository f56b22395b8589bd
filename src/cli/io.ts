/** Where the CLI writes; tests pass their own to capture output. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  readonly color: boolean;
  /** stdout is a terminal (`detc run` prints a table there). */
  readonly isTTY: boolean;
  /** stderr is a terminal: progress is shown there. */
  readonly errIsTTY?: boolean;
  /** Replace the status line on stderr (no line break; '' clears it). */
  status?(text: string): void;
}

export const processIO: CliIO = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
  // Colour only when both streams are a terminal: diagnostics (stderr) and test marks (stdout)
  // redirected to a file must not carry escape codes.
  color: Boolean(process.stdout.isTTY && process.stderr.isTTY) && !process.env.NO_COLOR,
  isTTY: Boolean(process.stdout.isTTY),
  errIsTTY: Boolean(process.stderr.isTTY),
  status: (t) => process.stderr.write(`\r${t}\x1b[K`),
};
