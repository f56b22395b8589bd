/** Where the CLI writes; tests pass their own to capture output. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  readonly color: boolean;
  readonly isTTY: boolean;
}

export const processIO: CliIO = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
  color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
  isTTY: Boolean(process.stdout.isTTY),
};
