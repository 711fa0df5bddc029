/** Where a command writes; every text goes through the secret redactor before it reaches a stream. */
export interface CliIo {
  /** stdout: data (plan lines, the --json result, the human summary). */
  out(text: string): void;
  /** stderr: progress, notices and errors. */
  err(text: string): void;
  /** The raw stderr stream, for the progress bar (which never shows header values). */
  readonly stderrStream: NodeJS.WriteStream;
  readonly stderrIsTTY: boolean;
  /** The directory the user ran the command from (relative destinations are resolved against it). */
  readonly cwd: string;
  readonly debug: boolean;
}
