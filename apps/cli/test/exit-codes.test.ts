import {
  KeyCollisionError,
  ManifestLimitError,
  ManifestParseError,
  UnsafeReferenceError,
} from "@vod-harvest/manifest";
import {
  InvalidDestinationError,
  SinkAccessDeniedError,
  SinkConfigurationError,
  SinkIoError,
} from "@vod-harvest/s3-sink";
import { CommanderError } from "commander";
import { expect, test } from "vitest";
import {
  ExitCode,
  exitCodeForCommanderError,
  exitCodeForError,
  exitCodeForStatus,
  UsageError,
} from "../src/exit-codes.js";

test.each([
  ["COMPLETE", 0],
  ["SKIPPED", 0],
  ["INCOMPLETE", 1],
] as const)("status %s → exit %d", (status, code) => {
  expect(exitCodeForStatus(status)).toBe(code);
});

/** An engine error as packages/harvest names it (matched by name, see exit-codes.ts). */
const engineError = (name: string) => Object.assign(new Error(`a ${name}`), { name });

const foreign = new UnsafeReferenceError("FOREIGN_ORIGIN", "http://other/x.ts", "other origin");
test.each([
  ["UsageError", new UsageError("bad"), ExitCode.BadInput],
  ["ManifestParseError", new ManifestParseError("INVALID_URL", "bad url"), ExitCode.BadInput],
  ["ManifestLimitError", new ManifestLimitError("XML_DTD_REFUSED", "dtd"), ExitCode.BadInput],
  ["UnsafeReferenceError", foreign, ExitCode.BadInput],
  ["KeyCollisionError", new KeyCollisionError("a.ts", "http://h/a.ts", "http://h/a.ts?x"), ExitCode.BadInput],
  ["InvalidDestinationError", new InvalidDestinationError("bad bucket"), ExitCode.BadInput],
  [
    "a ManifestError wrapped by the engine",
    new Error("planning failed", { cause: foreign }),
    ExitCode.BadInput,
  ],
  ["the engine's InvalidHarvestOptionsError", engineError("InvalidHarvestOptionsError"), ExitCode.BadInput],
  ["the engine's ReservedKeyError", engineError("ReservedKeyError"), ExitCode.BadInput],
  ["the engine's ManifestEncodingError", engineError("ManifestEncodingError"), ExitCode.BadInput],
  ["the engine's DestinationInUseError", engineError("DestinationInUseError"), ExitCode.BadInput],
  [
    "SinkConfigurationError (no region or credentials)",
    new SinkConfigurationError("no region"),
    ExitCode.BadInput,
  ],
  ["the engine's OriginHttpError", engineError("OriginHttpError"), ExitCode.Failed],
  ["SinkAccessDeniedError", new SinkAccessDeniedError("denied"), ExitCode.Failed],
  ["SinkIoError", new SinkIoError("WRITE_FAILED", "io"), ExitCode.Failed],
  ["a plain Error", new Error("boom"), ExitCode.Failed],
  ["a non-Error", "boom", ExitCode.Failed],
])("%s → exit %d", (_name, error, code) => {
  expect(exitCodeForError(error)).toBe(code);
});

test.each([
  ["commander.helpDisplayed", 0, 0],
  ["commander.version", 0, 0],
  // Commander exits 1 for these; the contract says bad usage is 2.
  // `help copy` exits 0; the help shown when no command is given exits 1, and is a usage error.
  ["commander.help", 0, 0],
  ["commander.help", 1, 2],
  ["commander.unknownOption", 1, 2],
  ["commander.unknownCommand", 1, 2],
  ["commander.missingArgument", 1, 2],
  ["commander.excessArguments", 1, 2],
  ["commander.optionMissingArgument", 1, 2],
])("commander %s → exit %d", (code, commanderExit, expected) => {
  expect(exitCodeForCommanderError(new CommanderError(commanderExit, code, "msg"))).toBe(expected);
});
