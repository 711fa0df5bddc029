/** The `verify` command's options and help, registered on the program by cli.ts. */
import { type Command, Option } from "commander";
import { parseDestination } from "../options.js";
import type { ProgramContext } from "../program-context.js";

const VERIFY_EXAMPLES = `
Checks a harvested copy against its completion record: every file there with its recorded size and CRC32C. On
S3 the CRC32C S3 keeps for each object (it checked it when the object arrived) is compared without downloading
anything; a directory, an object S3 keeps no CRC32C for, and copies recorded with sha256 (before 2026-12) are read
back. --deep reads everything back. Prints one line per missing, resized or altered object, then INTACT or
DAMAGED. Exit 0 intact, 1 damaged, 2 bad usage or no completion record.

Examples:
  $ vod-harvest verify ./copies/asset-1/hls
  $ vod-harvest verify s3://my-bucket/vod-downloads/asset-1/dash --deep --json`;

interface RawVerifyOptions {
  deep: boolean;
  json: boolean;
  pathStyle: boolean;
}

export function registerVerify(program: Command, { io, signal, done }: ProgramContext): void {
  program
    .command("verify")
    .description("check a harvested copy against its completion record")
    .argument("<destination>", "s3://bucket/prefix or a directory holding one copy (its completion record)")
    .option(
      "--deep",
      "read every object back and compute its checksum, even where S3 states it (a directory always is)",
      false,
    )
    .option("--json", 'print {"status":"INTACT|DAMAGED","problems":[…]} as one line, and nothing else', false)
    .addOption(
      new Option("--path-style", "path-style S3 addressing (most S3-compatible stores)").default(false),
    )
    .addHelpText("after", VERIFY_EXAMPLES)
    .action(async (destinationText: string, options: RawVerifyOptions) => {
      const { runVerify } = await import("./verify.js");
      const destination = parseDestination(destinationText, io.cwd);
      done(
        await runVerify(
          { destination, deep: options.deep, json: options.json, pathStyle: options.pathStyle },
          io,
          signal,
        ),
      );
    });
}
