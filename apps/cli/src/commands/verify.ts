// `verify <destination>`: checks a harvested copy against its completion record (every file there with its size;
// with --deep, or always on a directory, each file read back and its checksum compared). Exit 0 intact, 1 damaged.
import { type CopyVerification, verifyCopy } from "@vod-harvest/harvest";
import { ExitCode, type ExitCodeValue } from "../exit-codes.js";
import type { CliIo } from "../io.js";
import type { Destination } from "../options.js";
import { formatBytes } from "../progress.js";
import { createSink } from "./copy.js";

export interface VerifyArguments {
  readonly destination: Destination;
  readonly deep: boolean;
  readonly json: boolean;
  readonly pathStyle: boolean;
}

/** The human report: one line per problem, then the verdict. */
export function verifyReport(result: CopyVerification, location: string): string {
  const lines = result.problems.map(
    ({ key, problem, detail }) => `${problem.toUpperCase()} ${key}: ${detail}`,
  );
  const what = result.checked === "sizes" ? "sizes" : "sizes and sha256 checksums";
  const size = `${result.objects} objects, ${formatBytes(result.bytes)}`;
  lines.push(
    result.status === "INTACT"
      ? `INTACT: ${size} in ${location}, ${what} as recorded`
      : `DAMAGED: ${result.problems.length} of ${result.objects} objects in ${location} differ from the record (${what} compared)`,
  );
  if (result.checked === "sizes")
    lines.push("(sizes only: --deep reads every object back and compares checksums)");
  return `${lines.join("\n")}\n`;
}

export async function runVerify(
  args: VerifyArguments,
  io: CliIo,
  signal: AbortSignal,
): Promise<ExitCodeValue> {
  const sink = await createSink(args.destination, args.pathStyle);
  // A directory is read back whatever the flag: nothing else could tell its bytes changed.
  const checksums = args.deep || args.destination.kind === "directory";
  let checked = 0;
  const showProgress = io.stderrIsTTY && !args.json;
  const result = await verifyCopy(sink, {
    checksums,
    signal,
    onFile: () => {
      checked++;
      if (showProgress && checked % 50 === 0) io.err(`\rverified ${checked} objects`);
    },
  });
  if (showProgress) io.err("\r\x1b[K");
  if (args.json) {
    io.out(
      `${JSON.stringify({ status: result.status, objects: result.objects, bytes: result.bytes, checked: result.checked, problems: result.problems })}\n`,
    );
  } else io.out(verifyReport(result, sink.location));
  return result.status === "INTACT" ? ExitCode.Ok : ExitCode.Failed;
}
