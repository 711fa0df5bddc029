import type { ExitCodeValue } from "./exit-codes.js";
import type { CliIo } from "./io.js";

/** What every command's action gets: where to write, the signal Ctrl-C aborts, and where its exit code goes. */
export interface ProgramContext {
  readonly io: CliIo;
  readonly signal: AbortSignal;
  /** Receives the exit code of the action that ran. */
  readonly done: (code: ExitCodeValue) => void;
}
