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

/** What the CLI needs of a stream: process.stdout and process.stderr are ones. */
interface Stream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

/** The CLI's output on two streams, each line ended. */
export function streamsIO(stdout: Stream, stderr: Stream, env: NodeJS.ProcessEnv): CliIO {
  const line = (t: string) => (t.endsWith('\n') ? t : `${t}\n`);
  return {
    out: (t) => stdout.write(line(t)),
    err: (t) => stderr.write(line(t)),
    // Colour only when both streams are a terminal: diagnostics (stderr) and test marks (stdout)
    // redirected to a file must not carry escape codes.
    color: Boolean(stdout.isTTY && stderr.isTTY) && !env.NO_COLOR,
    isTTY: Boolean(stdout.isTTY),
    errIsTTY: Boolean(stderr.isTTY),
    status: (t) => stderr.write(`\r${t}\x1b[K`),
  };
}

export const processIO: CliIO = streamsIO(process.stdout, process.stderr, process.env);
