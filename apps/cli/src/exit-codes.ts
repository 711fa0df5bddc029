import type { HarvestStatus } from "@vod-harvest/harvest";
import { ManifestError } from "@vod-harvest/manifest";
import { InvalidDestinationError, InvalidKeyError, SinkConfigurationError } from "@vod-harvest/s3-sink/base";
import type { CommanderError } from "commander";

/** The command-line contract's exit codes (DESIGN.md), plus the shell convention for SIGINT (128 + 2). */
export const ExitCode = {
  /** Complete, or skipped because a completion record was already there. */
  Ok: 0,
  /** Incomplete (a resource failed, the time budget ran out) or a runtime failure. */
  Failed: 1,
  /** Bad usage or bad input: nothing was written. */
  BadInput: 2,
  Interrupted: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Bad command-line usage found by our own validation (commander's errors are mapped separately). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * Engine errors that mean "the request is bad" rather than "the copy failed" (packages/harvest/src/errors.ts).
 * Matched by name so this module does not load the engine.
 */
const INPUT_ERROR_NAMES = new Set([
  "InvalidHarvestOptionsError",
  "ReservedKeyError",
  "ManifestEncodingError",
  "DestinationInUseError",
  "UnstorableKeyError",
  "MissingRecordError",
  "InvalidRecordError",
]);

export function exitCodeForStatus(status: HarvestStatus): ExitCodeValue {
  return status === "INCOMPLETE" ? ExitCode.Failed : ExitCode.Ok;
}

function isInputError(error: unknown): boolean {
  if (error instanceof UsageError || error instanceof ManifestError) return true;
  if (error instanceof InvalidDestinationError || error instanceof InvalidKeyError) return true;
  if (error instanceof SinkConfigurationError) return true;
  return error instanceof Error && INPUT_ERROR_NAMES.has(error.name);
}

/**
 * Every ManifestError, bad URL, bad destination or bad option is exit 2, also when the engine wrapped it (its
 * `cause` chain is followed); anything else is a failure (1).
 */
export function exitCodeForError(error: unknown): ExitCodeValue {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current !== undefined; depth++) {
    if (isInputError(current)) return ExitCode.BadInput;
    current = current instanceof Error ? current.cause : undefined;
  }
  return ExitCode.Failed;
}

/**
 * Commander's own outcomes: help asked for (`--help`, `help copy`) is success; help shown because no command was
 * given, and every usage error, is exit 2 (commander says 1).
 */
export function exitCodeForCommanderError(error: CommanderError): ExitCodeValue {
  if (error.code === "commander.helpDisplayed" || error.code === "commander.version") return ExitCode.Ok;
  if (error.code === "commander.help" && error.exitCode === 0) return ExitCode.Ok;
  return ExitCode.BadInput;
}
